#!/usr/bin/env bash
# pipe.sh - throughput of --pipe (issue 13).
#
#   bench/pipe.sh                    3 rounds on a 512 MiB file
#   ROUNDS=5 SIZE_MIB=128 bench/pipe.sh
#   CONTENDERS='wc_alone fanout_rr parallel_rr' bench/pipe.sh   (a subset)
#
# A file of ~100-byte lines sits in the page cache; the jobs are `wc -l`,
# -j2, blocks of 1 MiB (fanout's and GNU parallel's default). Contenders run
# alternately in each round; ratios are taken per round, then the median:
#   wc_alone          cat f | wc -l           (the floor: no fan-out at all)
#   fanout_pipe       cat f | fanout --pipe -j2 wc -l
#   parallel_pipe     cat f | parallel --pipe -j2 wc -l
#   fanout_file       fanout -a f --pipe -j2 wc -l      (byte ranges)
#   parallel_pipepart parallel --pipepart -a f -j2 wc -l
#   fanout_file_1M, parallel_pipepart_1M: the same with --block 1M (without
#                     it both cut 10 blocks a job slot, 20 here; with it 512)
#   fanout_rr         cat f | fanout --round-robin -j2 wc -l
#   parallel_rr       cat f | parallel --pipe --round-robin -j2 wc -l
# Every run's line counts are summed and checked against the file's.
# Targets: fanout_pipe >= 5x parallel_pipe's throughput and >= 0.5x
# wc_alone's; fanout_file >= 2x parallel_pipepart's; peak RSS < 8 MiB + the
# blocks in flight.
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-3}
SIZE_MIB=${SIZE_MIB:-512}
build
F=$OUT/pipe.in

# ~100-byte lines (90..110), made once and kept.
if [ ! -s "$F" ] || [ "$(stat -c %s "$F")" -lt $((SIZE_MIB * 1048576)) ]; then
	awk -v n=$((SIZE_MIB * 1048576)) 'BEGIN {
		srand(1); s = ""; for (i = 0; i < 120; i++) s = s "abcdefghij"
		while (t < n) { l = 89 + int(rand() * 21); print substr(s, 1, l); t += l + 1 }
	}' >"$F"
fi
LINES=$(wc -l <"$F")
cat "$F" >/dev/null     # into the page cache

sum() { awk '{ s += $1 } END { print s + 0 }' >"$OUT/count"; }
wc_alone()          { cat "$F" | rss wc -l | sum; }
fanout_pipe()       { cat "$F" | rss "$FANOUT" --pipe -j2 wc -l | sum; }
parallel_pipe()     { cat "$F" | rss parallel --will-cite --pipe -j2 wc -l | sum; }
fanout_file()       { rss "$FANOUT" -a "$F" --pipe -j2 wc -l | sum; }
parallel_pipepart() { rss parallel --will-cite --pipepart -a "$F" -j2 wc -l | sum; }
fanout_file_1M()    { rss "$FANOUT" -a "$F" --pipe --block 1M -j2 wc -l | sum; }
parallel_pipepart_1M() { rss parallel --will-cite --pipepart --block 1M -a "$F" -j2 wc -l | sum; }
fanout_rr()         { cat "$F" | rss "$FANOUT" --round-robin -j2 wc -l | sum; }
parallel_rr()       { cat "$F" | rss parallel --will-cite --pipe --round-robin -j2 wc -l | sum; }

{
	describe
	echo "# $(awk -v b="$(stat -c %s "$F")" 'BEGIN { printf "%.0f MiB", b / 1048576 }'), $LINES lines; $ROUNDS rounds; machine shared with other sessions"
	RES=$OUT/pipe.res; : >"$RES"
	for ROUND in $(seq "$ROUNDS"); do
		for c in ${CONTENDERS:-wc_alone fanout_pipe parallel_pipe fanout_file parallel_pipepart \
			fanout_file_1M parallel_pipepart_1M fanout_rr parallel_rr}; do
			timed "$c" "$c"
			n=$(cat "$OUT/count")
			if [ "$n" != "$LINES" ]; then
				echo "bench: $c round $ROUND counted $n lines, want $LINES" >&2
				sed -i '$s/ [0-9]*$/ 99/' "$RES"
			fi
		done
	done
	echo "name wall_s MB_per_s x_wc_alone_time peak_rss_kib failed_runs"
	summarize wc_alone | awk -v mb="$(stat -c %s "$F")" '{ $3 = sprintf("%.0f", mb / 1e6 / $2); print }'
	# The issue's ratios, each the median over rounds of a same-round ratio.
	awk '{ w[$1, $2] = $3; r[$1] = 1 }
	function med(s,   n, a, i, j, t) {
		n = split(s, a, " ")
		for (i = 2; i <= n; i++)
			for (j = i; j > 1 && a[j-1]+0 > a[j]+0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		return (n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	}
	function ratio(num, den,   s, k) {
		s = ""; for (k in r) if (w[k, den] > 0) s = s " " w[k, num] / w[k, den]
		return s == "" ? 0 : med(s)
	}
	END {
		printf "# fanout_pipe throughput / parallel_pipe: %.2fx (target >= 5)\n", ratio("parallel_pipe", "fanout_pipe")
		printf "# fanout_pipe throughput / wc_alone: %.2fx (target >= 0.5)\n", ratio("wc_alone", "fanout_pipe")
		printf "# fanout_file throughput / parallel_pipepart: %.2fx (target >= 2)\n", ratio("parallel_pipepart", "fanout_file")
		printf "# fanout_file_1M throughput / parallel_pipepart_1M: %.2fx\n", ratio("parallel_pipepart_1M", "fanout_file_1M")
		printf "# fanout_rr throughput / parallel_rr: %.2fx\n", ratio("parallel_rr", "fanout_rr")
		printf "# fanout_rr throughput / wc_alone: %.2fx\n", ratio("wc_alone", "fanout_rr")
	}' "$RES"
} | tee "$OUT/pipe.summary"
