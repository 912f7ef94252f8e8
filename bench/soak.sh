#!/usr/bin/env bash
# soak.sh - a long run: does fanout hold its descriptors and memory flat?
#
#   bench/soak.sh                 100k jobs (about a minute or two)
#   N=20000 bench/soak.sh         fewer
#
# One fanout run of N jobs that mixes what a real run meets: most jobs print
# a line, every 10th fails, every 50th writes 64 KiB (held under -k, so the
# spill path and the block lists are exercised), every 500th times out.
# Once a second the script samples fanout's open descriptors
# (/proc/PID/fd) and resident memory (VmRSS). A leak of one descriptor or a
# few bytes per job shows as a slope over 100k jobs; the verdict compares
# the last tenth of the samples with the tenth after warm-up.
# Bounds: the fewest descriptors seen in the last tenth may not exceed the
# most seen early on; mean RSS may grow by at most 2 MiB.
# The output is checked too: N lines in order, the failures counted.
. "$(dirname "$0")/lib.sh"

N=${N:-100000}
J=${J:-4}
build

job=$OUT/soakjob.sh
cat >"$job" <<'EOF'
#!/bin/sh
# $1: the record. Fails on multiples of 10, writes 64 KiB on multiples of
# 50, hangs (until --timeout) on multiples of 500.
n=$1
if [ $((n % 500)) -eq 0 ]; then exec sleep 61; fi
if [ $((n % 50)) -eq 0 ]; then head -c 65536 /dev/zero | tr '\0' x; echo; fi
echo "job $n"
[ $((n % 10)) -ne 0 ]
EOF
chmod +x "$job"

samples=$OUT/soak.samples
out=$OUT/soak.out
: >"$samples"
start=$(date +%s.%N)
seq "$N" | "$FANOUT" -k -j "$J" --timeout 200ms --kill-after 100ms \
	--buffer-size 1M "$job" >"$out" 2>"$OUT/soak.err" &
pid=$!
# Sample until it ends: seconds since start, fds, RSS in KiB.
while kill -0 "$pid" 2>/dev/null; do
	fds=$(ls "/proc/$pid/fd" 2>/dev/null | wc -l)
	rss=$(awk '/^VmRSS:/ { print $2 }' "/proc/$pid/status" 2>/dev/null)
	[ -n "$rss" ] && printf '%s %s %s\n' \
		"$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.0f", n - s }')" \
		"$fds" "$rss" >>"$samples"
	sleep 1
done
wait "$pid"
status=$?
wall=$(awk -v s="$start" -v n="$(date +%s.%N)" 'BEGIN { printf "%.1f", n - s }')

# The run itself: every job's line in order, the right number of failures.
lines=$(grep -c '^job ' "$out")
want=$((N - N / 500))
if grep '^job ' "$out" | awk '{ print $2 }' | sort -n -c 2>/dev/null; then
	sorted=yes
else
	sorted=no
fi
[ "$lines" -eq "$want" ] || echo "bench: soak: $lines job lines, expected $want" >&2
[ "$status" -eq 1 ] || echo "bench: soak: exit status $status, expected 1 (failed jobs)" >&2

{
	echo "# soak: $N jobs, -j$J -k, fanout ${FANOUT_REV:-$FANOUT}; wall ${wall}s, exit $status"
	echo "# lines $lines of $want, in order: $sorted"
	awk -v n="$(wc -l <"$samples")" '
	{ t[NR] = $1; f[NR] = $2; r[NR] = $3 }
	END {
		if (n < 10) { print "# too few samples (" n "): run longer (N)"; exit }
		w = int(n / 10); if (w < 1) w = 1
		# Warm-up: the first tenth; compare the second tenth with the last.
		for (i = w + 1; i <= 2 * w; i++) { ea += r[i]; ef = (f[i] > ef ? f[i] : ef) }
		lf = -1
		for (i = n - w + 1; i <= n; i++) { la += r[i]; lf = (lf < 0 || f[i] < lf ? f[i] : lf) }
		ea /= w; la /= w
		for (i = w + 1; i <= n; i++) {
			if (f[i] > fmax) fmax = f[i]
			if (fmin == "" || f[i] < fmin) fmin = f[i]
			if (r[i] > rmax) rmax = r[i]
		}
		# Descriptors move with the jobs in flight (pipes, pidfd): a leak
		# shows as the last tenth never coming down to the early ceiling.
		print "what after_warmup last_tenth max verdict"
		printf "fds(max,min) %d %d %d %s\n", ef, lf, fmax, lf <= ef ? "flat" : "GROWS"
		printf "rss_kib %.0f %.0f %d %s\n", ea, la, rmax, la - ea <= 2048 ? "flat" : "GROWS"
	}' "$samples"
} | tee "$OUT/soak.summary"
