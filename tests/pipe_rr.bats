#!/usr/bin/env bats
# --round-robin: only -j jobs start, and each reads block after block of
# the --pipe input, dealt to whichever job takes one (issue 13).

load helpers

GEN="python3 $BATS_TEST_DIRNAME/pipe_gen.py"
CHECK="python3 $BATS_TEST_DIRNAME/pipe_rr_check.py"

# dealt INPUT CHECKARGS -- FANOUT-OPTIONS: run fanout with each job
# writing what it reads to got/{#}, then check that against INPUT.
dealt() {
	local in=$1 check=()
	shift
	while [ "$1" != -- ]; do check+=("$1"); shift; done
	shift
	rm -rf got && mkdir got
	"$FANOUT" --round-robin "$@" sh -c 'cat > got/{#}' ||
		{ echo "fanout $*: $?"; return 1; }
	$CHECK "$in" got "${check[@]}" || { echo "with: $*"; return 1; }
}

@test "random inputs, every mode: each record reaches exactly one job, whole, and -j jobs run" {
	local seed fin seeds="1 2"
	[ -z "${FANOUT_SANITIZED:-}" ] || seeds=3
	for seed in $seeds; do
		for fin in final nofinal; do
			$GEN "$seed" 9000 $(( seed * 40 )) "$fin" > in
			dealt in --jobs 3 -- --block 300 -j3 < in
			dealt in --jobs 3 -- --block 300 -j3 -a in
			dealt in --jobs 2 -- --block 1 -j2 < in
			dealt in --jobs 2 -- --block 1 -j2 -a in
			dealt in --jobs 4 -- -N 3 -j4 < in
			dealt in --jobs 2 -- -L 2 -j2 -a in
			dealt in --recstart '>' --jobs 3 -- --recstart '>' --block 200 -j3 < in
			dealt in --recstart '>' --jobs 3 -- --recstart '>' --block 200 -j3 -a in
			dealt in --recend 'x\n' -- --recend 'x\n' --block 150 -j3 < in
			dealt in --recend 'x\n' -- --recend 'x\n' --block 150 -j3 -a in
			dealt in --header 2 --jobs 3 -- --header 2 --block 250 -j3 < in
			dealt in --header 2 --jobs 3 -- --header 2 --block 250 -j3 -a in
			cat in | dealt in --jobs 3 -- --block 250 -j3
		done
	done
}

@test "fewer blocks than -j: one job a block; no input: no job" {
	printf 'a\nb\nc\n' > in
	dealt in --jobs 1 -- -j4 < in
	dealt in --jobs 1 -- -j4 -a in
	dealt in --jobs 2 -- -N 2 -j5 < in
	: > empty
	dealt empty --jobs 0 -- -j3 < empty
	dealt empty --jobs 0 -- -j3 -a empty
}

@test "wc -l: -j counts, summing to the input's lines; --round is its other name" {
	run bash -c "seq 200000 | '$FANOUT' --round-robin -j3 --block 10k wc -l"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(printf '%s\n' "${lines[@]}" | awk '{ s += $1 } END { print s }')" = 200000 ]
	run bash -c "seq 200000 | '$FANOUT' --round -j2 --block 10k wc -l"
	[ "${#lines[@]}" -eq 2 ]
}

@test "a job starts once per slot, however many blocks: {#} and FANOUT_SEQ are the job's" {
	run bash -c "seq 100000 | '$FANOUT' --round-robin -j3 --block 1k -s 'echo start {#} \$FANOUT_SEQ; cat >/dev/null' | sort"
	[ "$status" -eq 0 ]
	[ "$output" = $'start 1 1\nstart 2 2\nstart 3 3' ]
}

@test "-k writes each job's output whole, in job order; --tag tags with the job number" {
	run bash -c "seq 100000 | '$FANOUT' --round-robin -k -j3 --block 1k -s 'echo start {#}; wc -l >/dev/null; echo end {#}'"
	[ "$status" -eq 0 ]
	[ "$output" = $'start 1\nend 1\nstart 2\nend 2\nstart 3\nend 3' ]
	run bash -c "seq 100000 | '$FANOUT' --round-robin -k --tag -j2 --block 1k wc -l | cut -f1"
	[ "$output" = $'1\n2' ]
}

@test "--header N: each job reads the header once, then its blocks" {
	run bash -c "(echo name; seq 10000) | '$FANOUT' --round-robin --header 1 -j2 --block 100 -s 'grep -c name; cat >/dev/null'"
	[ "$output" = $'1\n1' ]
	(echo name; seq 10000) > in
	run bash -c "'$FANOUT' -a in --round-robin --header 1 -j2 --block 100 -s 'grep -c name; cat >/dev/null'"
	[ "$output" = $'1\n1' ]
}

@test "the job log's Send column adds up to the input's size" {
	seq 50000 > in
	"$FANOUT" --round-robin -j2 --block 1k --joblog log wc -l < in >/dev/null
	[ "$(awk -F'\t' 'NR > 1 { s += $5 } END { print s }' log)" = "$(wc -c < in)" ]
}

@test "a job that exits early loses what it was given; the rest goes to the others" {
	seq 200000 > in
	rm -rf got && mkdir got
	# Job 1 reads one line and exits: what its pipe held is its own.
	run timeout 60 "$FANOUT" --round-robin -j2 --block 4k -s \
		'if [ {#} = 1 ]; then head -1 > got/1; else cat > got/{#}; fi' < in
	[ "$status" -eq 0 ]
	# Each line at most once; what is missing is what job 1 could hold:
	# what head read, a pipe of a block, the block being written.
	cat got/* | sort | uniq -d > dup
	[ ! -s dup ]
	comm -23 <(sort in) <(cat got/* | sort) > lost
	echo "lost $(wc -l < lost) lines, $(wc -c < lost) bytes"
	[ "$(wc -c < lost)" -lt 32768 ]
	# A job that exits early is replaced by a new one.
	run timeout 60 "$FANOUT" --round-robin -j2 --block 4k head -1 < in
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -gt 2 ]
}

@test "a command that cannot run: said once the blocks have no job left" {
	run timeout 60 bash -c "seq 100000 | '$FANOUT' --round-robin -j2 --block 1k no-such-command-rr"
	[ "$status" -eq 3 ]
	[[ "$output" == *"cannot run 'no-such-command-rr': not found"* ]]
	[[ "$output" == *"--round-robin: every job ended before the input did; the rest of it was given to none"* ]]
}

@test "--dry-run shows the -j commands and ends" {
	run bash -c "seq 100000 | '$FANOUT' --dry-run --round-robin -j2 --block 10k wc -l"
	[ "$status" -eq 0 ]
	[ "$output" = $'wc -l\nwc -l' ]
}

@test "Ctrl-C stops the reader and the jobs" {
	mkfifo in
	yes > in &
	env --default-signal=INT "$FANOUT" --round-robin --block 10 -j2 sh -c 'cat >/dev/null; sleep 876.3' < in 2>err &
	local pid=$! st=0 i
	for ((i = 0; i < 200; i++)); do
		# ^: fanout's own command line holds the job's too.
		pgrep -f "^sh -c cat >/dev/null; sleep 876.3" >/dev/null && break
		sleep 0.05
	done
	kill -INT "$pid"
	wait "$pid" || st=$?
	[ "$st" -eq 130 ]
	no_process "sleep 876.3"
	grep -q cancelled err
}

@test "memory stays near (-j + 3) blocks, whatever the input size" {
	local n=200 limit=$(( ${FANOUT_SANITIZED:+8 *} 24 * 1024 ))
	[ -z "${FANOUT_SANITIZED:-}" ] || n=60
	run bash -c "yes | head -c ${n}M | '$FANOUT' --round-robin --block 1M -j2 sh -c 'cat >/dev/null; awk \"/^VmHWM/ { print \\\$2 }\" /proc/\$PPID/status' | sort -n | tail -1"
	[ "$status" -eq 0 ]
	echo "peak RSS $output KiB, limit $limit"
	[ "$output" -lt "$limit" ]
}

@test "--round-robin refusals" {
	refused() {
		local msg=$1
		shift
		run "$FANOUT" "$@"
		[ "$status" -eq 2 ] || { echo "status $status: $*"; return 1; }
		[ "$output" = "fanout: $msg" ] || { echo "got: $output"; return 1; }
	}
	refused "--round-robin cannot be used with --retries (a job's blocks are not kept)" --round-robin --retries 1 cat
	refused "--pipe cuts at --recend: write --recend '\\0', not --null" --round-robin -0 cat
	refused "--pipe cannot be used with ::: (the blocks come from stdin or --arg-file)" --round-robin cat ::: a
	refused "'{}' has no meaning with --pipe: each job reads its block on stdin ({#} numbers it)" --round-robin echo {}
}
