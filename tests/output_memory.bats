#!/usr/bin/env bats
# Fan-in: held output stays within --buffer-size; the rest spills to
# $TMPDIR and comes back byte for byte. Peak memory is read from
# /proc/PID/status (VmHWM) while fanout runs.

load helpers

# A job: SEQ 0 sleeps 3 s and prints 'head'; any other prints SIZE bytes of
# one letter.
big_job() {
	cat >big.sh <<'EOF2'
if [ "$2" = 0 ]; then sleep 3; echo head; exit 0; fi
head -c "$1" /dev/zero | tr '\0' "$(printf "\\$(printf %o $((65 + $2 % 26)))")"
EOF2
}

# run_sampled OUTSUM ARGS...: run fanout ARGS with stdout into md5sum (to
# OUTSUM); set PEAK (KiB, sampled VmHWM) and STATUS.
run_sampled() {
	local sum=$1 pid m v
	shift
	mkfifo fifo
	md5sum < fifo > "$sum" &
	m=$!
	"$FANOUT" "$@" > fifo &
	pid=$!
	PEAK=0
	while kill -0 "$pid" 2>/dev/null; do
		v=$(peak_rss_kb "$pid" 2>/dev/null) || v=
		[ -n "$v" ] && [ "$v" -gt "$PEAK" ] && PEAK=$v
		sleep 0.05
	done
	wait "$pid" && STATUS=0 || STATUS=$?
	wait "$m"
	echo "peak ${PEAK} KiB" >&3
}

@test "-k behind a slow first job: bounded memory, byte-exact output" {
	big_job
	size=$((50 << 20)) n=20 budget=64M bound=$((256 << 10))
	if [ -n "${FANOUT_SANITIZED:-}" ]; then
		# Sanitizers carry shadow memory and quarantines: less data,
		# a smaller budget, the same point (held far above the bound).
		size=$((25 << 20)) budget=16M bound=$((320 << 10))
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16
	fi
	mkdir tmp
	TMPDIR=$T/tmp run_sampled got.sum -k -j4 --buffer-size "$budget" \
		sh big.sh "$size" ::: $(seq 0 "$n")
	[ "$STATUS" -eq 0 ]
	for i in $(seq 0 "$n"); do sh big.sh "$size" "$i"; done | md5sum > want.sum
	cmp want.sum got.sum
	[ "$PEAK" -gt 0 ]
	[ "$PEAK" -lt "$bound" ]
	[ -z "$(ls -A tmp)" ]
}

@test "grouped, many big jobs at once: memory stays near the budget" {
	big_job
	size=$((40 << 20)) n=12 bound=$((160 << 10))
	if [ -n "${FANOUT_SANITIZED:-}" ]; then
		size=$((20 << 20)) bound=$((320 << 10))
		export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=16
	fi
	run_sampled got.sum -j12 --buffer-size 16M sh big.sh "$size" ::: $(seq 1 "$n")
	[ "$STATUS" -eq 0 ]
	[ "$PEAK" -gt 0 ]
	[ "$PEAK" -lt "$bound" ]
}

@test "--line-buffer: a huge line without a newline spills and comes back" {
	head -c 5000000 /dev/urandom | tr -d '\n' > line
	run bash -c "'$FANOUT' --line-buffer --buffer-size 256K cat ::: line > got"
	[ "$status" -eq 0 ]
	{ cat line; echo; } | cmp - got
}
