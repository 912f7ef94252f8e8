#!/usr/bin/env bash
# timeout.sh - how late per-job timeouts fire.
#
#   bench/timeout.sh              quick: 100 jobs, -j4, 2 rounds (~1 min; parallel is the slow one)
#   ROUNDS=5 N=200 bench/timeout.sh
#
# N jobs of `sleep 10` with a 200 ms timeout, 4 in flight, under fanout
# (--timeout 200ms) and GNU parallel (--timeout 0.2). Lateness = JobRuntime
# from each runner's --joblog minus 200 ms: it includes noticing the
# deadline, SIGTERM, the job dying and being reaped. The joblog is the
# runner's own word, so the whole run's wall time is also shown as a cross
# check: per wave (N/J waves of J jobs) it should be about 200 ms + lateness.
. "$(dirname "$0")/lib.sh"

N=${N:-100}
J=${J:-4}
ROUNDS=${ROUNDS:-2}
build
RES=$OUT/timeout.res
: >"$RES"
: >"$OUT/timeout.late"

c_fanout()   { seq "$N" | rss "$FANOUT" -j"$J" --timeout 200ms --joblog "$OUT/timeout.jl" sleep 10 2>/dev/null; }
c_parallel() { seq "$N" | rss parallel --will-cite -j"$J" --timeout 0.2 --joblog "$OUT/timeout.jl" sleep 10 2>/dev/null; }

for ROUND in $(seq "$ROUNDS"); do
	for c in fanout parallel; do
		rm -f "$OUT/timeout.jl"
		timed "$c" "c_$c"
		# Every job must appear, and must have been killed by SIGTERM (15):
		# a job that was not killed did not time out.
		awk -v c="$c" -v n="$N" 'NR > 1 { rows++; if ($8 == 15) killed++; print c, ($4 - 0.2) * 1000 }
			END { if (rows != n || killed != n) printf "bench: %s joblog has %d rows, %d killed by SIGTERM (want %d)\n", c, rows, killed, n > "/dev/stderr" }' \
			"$OUT/timeout.jl" >>"$OUT/timeout.late"
	done
done

{
	describe
	echo "# timeout: $N x sleep 10, timeout 200 ms, -j$J, $ROUNDS rounds; lateness (ms) = joblog JobRuntime - 200 ms"
	echo "name jobs late_median_ms late_p90_ms late_max_ms wave_ms_median peak_rss_kib"
	for c in fanout parallel; do
		awk -v c="$c" '$1 == c { print $2 }' "$OUT/timeout.late" | sort -g | awk -v c="$c" \
			-v wave="$(awk -v c="$c" -v w=$(( (N + J - 1) / J )) '$2 == c { print $3 / w * 1000 }' "$RES" | median)" \
			-v rss="$(awk -v c="$c" '$2 == c { print $4 }' "$RES" | sort -g | tail -n1)" '
			{ v[NR] = $1 }
			END { p90 = v[int(NR * 0.9 + 0.999)]
			      printf "%s %d %.0f %.0f %.0f %.0f %s\n", c, NR,
			             (NR % 2) ? v[(NR+1)/2] : (v[NR/2] + v[NR/2+1]) / 2, p90, v[NR], wave, rss }'
	done
} | tee "$OUT/timeout.summary"
