#!/usr/bin/env bats
# --pipe: stdin or -a FILE cut into blocks at record boundaries, each block
# the stdin of one job (issue 13).

load helpers

GEN="python3 $BATS_TEST_DIRNAME/pipe_gen.py"
CHECK="python3 $BATS_TEST_DIRNAME/pipe_check.py"

# through INPUT CHECKARGS -- FANOUT-OPTIONS: run fanout with each job
# writing its block to got/{#}, then check the blocks against INPUT.
through() {
	local in=$1 check=()
	shift
	while [ "$1" != -- ]; do check+=("$1"); shift; done
	shift
	rm -rf got && mkdir got
	"$FANOUT" "$@" sh -c 'cat > got/{#}' || { echo "fanout $*: $?"; return 1; }
	$CHECK "$in" got "${check[@]}" || { echo "with: $*"; return 1; }
}

@test "random inputs, every mode: the blocks join up to the input, cut only between records" {
	local seed size maxrec fin seeds="1 2" sizes="0 1 700 9000"
	# Under the sanitizers each run is slower: fewer of them.
	[ -z "${FANOUT_SANITIZED:-}" ] || { seeds=3; sizes="1 9000"; }
	for seed in $seeds; do
		for size in $sizes; do
			for fin in final nofinal; do
				maxrec=$(( seed * 40 ))
				$GEN "$seed$size" "$size" "$maxrec" "$fin" > in
				through in -- --pipe --block 300 -j3 < in
				through in -- --pipe --block 1 -j2 -a in
				through in -- --pipe --block 300 -j3 -a in
				through in --records 3 -- --pipe -N 3 -j2 < in
				through in --records 2 -- --pipe -L 2 -j2 -a in
				through in --recstart '>' -- --pipe --recstart '>' --block 200 < in
				through in --recstart '>' -- --pipe --recstart '>' --block 200 -a in
				through in --recend 'x\n' -- --pipe --recend 'x\n' --block 150 < in
				through in --recend 'x\n' -- --pipe --recend 'x\n' --block 150 -a in
				through in --header 2 -- --pipe --header 2 --block 250 < in
				through in --header 2 -- --pipe --header 2 --block 250 -a in
				cat in | through in -- --pipe --block 2k -j2
			done
		done
	done
}

@test "a record longer than the block is a block of its own, whole" {
	{ printf 'a\n'; head -c 5000 /dev/zero | tr '\0' 'x'; printf '\nb\nc\n'; } > in
	through in -- --pipe --block 100 < in
	[ "$(wc -c < got/2)" -eq 5001 ]
	through in -- --pipe --block 100 -a in
}

@test "a last record without a record end is in the last block, byte for byte" {
	printf 'a\nb\nlast' > in
	run bash -c "'$FANOUT' --pipe --block 2 -k sh -c 'od -c | head -1' < in"
	[ "${lines[2]}" = "0000000   l   a   s   t" ]
}

@test "a regular stdin starts where its offset is" {
	printf 'skip\nkeep1\nkeep2\n' > in
	run bash -c "{ head -c 5 >/dev/null; '$FANOUT' --pipe -k cat; } < in"
	[ "$output" = $'keep1\nkeep2' ]
}

@test "-k output is the sequential run's" {
	$GEN 7 20000 80 > in
	"$FANOUT" --pipe --block 500 -j1 md5sum < in > seq.out
	"$FANOUT" --pipe --block 500 -j4 -k md5sum < in > par.out
	[ "$(wc -l < seq.out)" -gt 10 ]
	cmp seq.out par.out
	"$FANOUT" --pipe --block 500 -j4 -k -a in md5sum > file.out
	[ "$(wc -l < file.out)" -gt 10 ]
}

@test "{#} and FANOUT_SEQ number the blocks; --tag tags with the block number" {
	run bash -c "seq 6 | '$FANOUT' --pipe -N 2 -k sh -c 'echo {#} \$FANOUT_SEQ \$(wc -l)'"
	[ "$output" = $'1 1 2\n2 2 2\n3 3 2' ]
	run bash -c "seq 4 | '$FANOUT' --pipe -N 2 -k --tag cat"
	[ "$output" = $'1\t1\n1\t2\n2\t3\n2\t4' ]
}

@test "--line-buffer and -u work on blocks" {
	run bash -c "seq 6 | '$FANOUT' --pipe -N 2 --line-buffer cat | sort -n"
	[ "$output" = "$(seq 6)" ]
	run bash -c "seq 6 | '$FANOUT' --pipe -N 3 -j1 -u cat"
	[ "$output" = "$(seq 6)" ]
}

@test "-u: a job that splices its stdin to stdout gives what it read, after it is gone too" {
	# splice(2) moves the pages of the job's stdin on into fanout's stdout
	# as they are: those pages must not be a block fanout frees and
	# fills again while the reader downstream has not got to them yet.
	seq 20000 | "$FANOUT" --pipe -u -j1 --block 4K python3 -c '
import os
while os.splice(0, 1, 1 << 20): pass' | { sleep 1; cat; } > out
	seq 20000 | cmp - out
}

@test "the job log's Send column is the bytes each job was given" {
	printf 'aa\nbbb\n' | "$FANOUT" --pipe -N 1 -k --joblog log cat > /dev/null
	# In the order the jobs ended.
	run sh -c "awk -F'\t' 'NR > 1 { print \$1, \$5 }' log | sort -n"
	[ "$output" = $'1 3\n2 4' ]
}

@test "--retries gives the retry the same block" {
	run bash -c "seq 5 | '$FANOUT' --pipe -N 5 --retries 2 --retry-delay 10ms sh -c 'cat > got.\$(ls got.* 2>/dev/null | wc -l); [ -e got.1 ]'"
	[ "$status" -eq 0 ]
	cmp got.0 got.1
	[ "$(cat got.0)" = "$(seq 5)" ]
}

@test "a job that reads none of its block, or part of it, is its own choice" {
	run bash -c "seq 100000 | '$FANOUT' --pipe --block 10k -k true"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	run bash -c "seq 100000 | '$FANOUT' --pipe --block 100k -k head -1"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
}

@test "--timeout, --halt and a failing job work on blocks" {
	run bash -c "seq 3 | '$FANOUT' --pipe --timeout 1 sh -c 'cat >/dev/null; sleep 871'"
	[ "$status" -eq 1 ]
	no_process "sleep 871"
	run bash -c "seq 100 | '$FANOUT' --pipe -N 1 -j1 --halt now,fail=1 sh -c 'read x; [ \$x -lt 3 ] && echo \$x || exit 4'"
	[ "$status" -eq 1 ]
	[ "$output" = $'1\n2' ] || [[ "$output" = $'1\n2\n'* ]]
}

@test "Ctrl-C stops reading and the jobs" {
	# A FIFO, so that $! is fanout itself; SIGINT given back (a background
	# command starts with it ignored, see signals.bats).
	mkfifo in
	yes > in &
	env --default-signal=INT "$FANOUT" --pipe --block 10 -j2 sh -c 'cat >/dev/null; sleep 872' < in 2>err &
	local pid=$! st=0 i
	for ((i = 0; i < 200; i++)); do
		# ^: fanout's own command line holds "sleep 872" too, and a
		# SIGINT before it set up its signal thread would kill it outright.
		pgrep -f "^sleep 872" >/dev/null && break
		sleep 0.05
	done
	kill -INT "$pid"
	wait "$pid" || st=$?
	[ "$st" -eq 130 ]
	no_process "sleep 872"
	grep -q cancelled err
}

@test "memory stays near (-j + 2) blocks, whatever the input size" {
	local n=200 limit=$(( ${FANOUT_SANITIZED:+8 *} 24 * 1024 ))
	[ -z "${FANOUT_SANITIZED:-}" ] || n=60
	# Every job reports fanout's peak RSS (fanout is the parent of sh).
	run bash -c "yes | head -c ${n}M | '$FANOUT' --pipe --block 1M -j2 sh -c 'cat >/dev/null; awk \"/^VmHWM/ { print \\\$2 }\" /proc/\$PPID/status' | sort -n | tail -1"
	[ "$status" -eq 0 ]
	echo "peak RSS $output KiB, limit $limit"
	[ "$output" -lt "$limit" ]
}

@test "bad --pipe input is refused before anything runs" {
	refused() {
		local msg=$1
		shift
		run "$FANOUT" "$@"
		[ "$status" -eq 2 ] || { echo "status $status: $*"; return 1; }
		[ "$output" = "fanout: $msg" ] || { echo "got: $output"; return 1; }
	}
	refused "--block '0': not a size (try 64M)" --pipe --block 0 cat
	refused "--block 'lots': not a size (try 64M)" --pipe --block lots cat
	refused "--recend: must not be empty" --pipe --recend '' cat
	refused "--recstart: must not be empty" --pipe --recstart '' cat
	refused "--pipe cannot be used with ::: (the blocks come from stdin or --arg-file)" --pipe cat ::: a
	refused "'{}' has no meaning with --pipe: each job reads its block on stdin ({#} numbers it)" --pipe echo {}
	refused "'{.}' has no meaning with --pipe: each job reads its block on stdin ({#} numbers it)" --pipe echo x{.}
	refused "--pipe needs a COMMAND to read each block" --pipe
	refused "--block needs --pipe" --block 1M cat
	refused "--header N needs --pipe (without it, only ':')" --header 1 cat
	refused "--pipe cuts at --recend: write --recend '\\0', not --null" --pipe -0 cat
	refused "-L counts lines: it cannot be used with --recend (write --batch N)" --pipe -L 2 --recend x cat
}

@test "--header : with --pipe is the first line, as in GNU parallel" {
	run bash -c "printf 'h\na\nb\n' | '$FANOUT' --pipe --header : -N 1 -k cat"
	[ "$output" = $'h\na\nh\nb' ]
}

# From a pipe, blocks of 256K and more are held in pipes of their own,
# stdin's pages spliced in (blockpipe.h); the tests above, with smaller
# blocks, take the memory path.
@test "from a pipe, big blocks in pipes of their own join up to the input, cut only between records" {
	local seed fin maxrec
	for seed in 1 2; do
		for fin in final nofinal; do
			# Seed 2: records up to 100K, past the 64K window a
			# cut is looked for in: those blocks go on in memory.
			maxrec=$(( seed == 1 ? 300 : 5000 ))
			$GEN "$seed" 2500000 "$maxrec" "$fin" > in
			cat in | through in -- --pipe --block 256k -j3
			cat in | through in --recstart '>' -- --pipe --recstart '>' --block 300k
			cat in | through in --recend 'x\n' -- --pipe --recend 'x\n' --block 300k
			cat in | through in --header 2 -- --pipe --header 2 --block 300k
			cat in | "$FANOUT" --pipe --block 256k -j3 -k cat | cmp - in
		done
	done
	[ "$(ls got | wc -l)" -gt 5 ]
	# A 150K record over the whole window of the first block.
	{ seq 27000; head -c 150000 /dev/zero | tr '\0' x; echo; seq 100000; } > in
	cat in | through in -- --pipe --block 256k
	cat in | "$FANOUT" --pipe --block 256k -k cat | cmp - in
	# A header longer than a pipe holds: the blocks stay in memory.
	{ head -c 1100000 /dev/zero | tr '\0' h; echo; seq 300000; } > in
	cat in | through in --header 1 -- --pipe --header 1 --block 256k
}

@test "from a pipe, stdin's pages are spliced on, not copied; not when a block may run again" {
	command -v strace >/dev/null || skip "needs strace"
	$GEN 3 1000000 100 > in
	# LeakSanitizer cannot work under ptrace.
	export ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0
	cat in | strace -f -e trace=splice -o trace "$FANOUT" --pipe --block 256k wc -l > out
	[ "$(awk '{ s += $1 } END { print s }' out)" -eq "$(wc -l < in)" ]
	grep -q '^[0-9]* *splice(0, NULL, ' trace
	# A retry reads its block again: blocks stay in memory.
	cat in | strace -f -e trace=splice -o trace "$FANOUT" --pipe --block 256k --retries 1 wc -l > out
	[ "$(awk '{ s += $1 } END { print s }' out)" -eq "$(wc -l < in)" ]
	! grep -q '^[0-9]* *splice(0, NULL, ' trace
}

@test "a writer of small pages fills a block's pipe before its bytes: the blocks go on in memory, whole" {
	# Each page it writes holds 100 bytes (spliced from the file): a pipe
	# of 256 pages is full at 25600 bytes.
	$GEN 4 1000000 100 > in
	python3 -c '
import os, sys
fd, off = os.open(sys.argv[1], os.O_RDONLY), 0
size = os.fstat(fd).st_size
while off < size:
    off += os.splice(fd, 1, min(100, size - off), offset_src=off)' in |
		through in -- --pipe --block 256k -j2
}

@test "--retries from a pipe with big blocks: the retry reads the same block" {
	$GEN 5 1000000 100 > in
	run bash -c "cat in | '$FANOUT' --pipe --block 512k --retries 1 --retry-delay 10ms -j1 sh -c 'cat > got.{#}.\$(ls got.{#}.* 2>/dev/null | wc -l); [ -e got.{#}.1 ]'"
	[ "$status" -eq 0 ]
	cmp got.1.0 got.1.1
	cat got.*.1 | cmp - in
}

@test "-u, big blocks from a pipe: a job that splices its stdin to stdout gives what it read" {
	seq 300000 | "$FANOUT" --pipe -u -j1 --block 256k python3 -c '
import os
while os.splice(0, 1, 1 << 20): pass' | { sleep 1; cat; } > out
	seq 300000 | cmp - out
}

@test "from a pipe, --block bigger than a pipe holds: blocks of that size all the same (in memory)" {
	# pipe-max-size is 1M by default; a 2M block is not cut into pieces.
	run bash -c "seq 1000000 | '$FANOUT' --pipe --block 2M -k wc -c"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 4 ]
	[ "${lines[0]}" -gt $((2097152 - 8)) ] && [ "${lines[0]}" -le 2097152 ]
	[ "${lines[1]}" -gt $((2097152 - 8)) ] && [ "${lines[1]}" -le 2097152 ]
	# The default 1M: a block in a pipe may end up to 16K early.
	run bash -c "seq 1000000 | '$FANOUT' --pipe -k wc -c"
	[ "${lines[0]}" -gt $((1048576 - 16384 - 8)) ] && [ "${lines[0]}" -le 1048576 ]
}
