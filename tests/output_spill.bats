#!/usr/bin/env bats
# -k passes held output that spilled to its temp file on to fd 1 the
# kernel's way (splice into a pipe, sendfile into a file; src/fdcopy.c),
# falling back to read+write where the kernel refuses: the output must be
# byte-identical in every case, and the spliced pages must survive until the
# reader has read them (the spill file's holes are punched only then).

load helpers

# Jobs b1..b6 print 2 MB of random bytes each (no final newline); job 1
# is the slowest, so all the others are held behind it and spill past a
# 64 KiB budget. want = what a sequential run prints.
setup_file() {
	export DATA
	DATA=$(mktemp -d "${BATS_TMPDIR:-/tmp}/fanout-spill.XXXXXX")
	for i in 1 2 3 4 5 6; do
		head -c 2000000 /dev/urandom >"$DATA/b$i"
	done
	cat "$DATA"/b[1-6] >"$DATA/want"
}

teardown_file() {
	rm -rf "$DATA"
}

# traced CALLS CMD...: CMD under strace, its CALLS logged to ./trace
# (LeakSanitizer cannot run under ptrace: off there).
traced() {
	local calls=$1
	shift
	command -v strace >/dev/null || skip "no strace (.ci/run installs it)"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 \
		strace -f -qq -o trace -e trace="$calls" "$@"
}

# held: the run, its output to wherever the caller sends it.
held() {
	"$FANOUT" -k -j3 --buffer-size 64K --tmpdir "$T" sh -c \
		'[ "$0" = b1 ] && sleep 1; cat "$1/$0"' {} "$DATA" ::: b1 b2 b3 b4 b5 b6
}

@test "-k spilled output into a pipe whose reader starts late: byte-identical" {
	held | { sleep 2; cat; } >got
	cmp got "$DATA/want"
}

@test "-k spilled output into a pipe goes by splice, not through fanout" {
	traced splice bash -c "$(declare -f held); T=$T FANOUT=$FANOUT DATA=$DATA held" | cat >got
	[ "${PIPESTATUS[0]}" = 0 ]
	cmp got "$DATA/want"
	grep -Eq 'splice\([0-9]+, \[[0-9]+\], 1, NULL, [0-9]+, 0\) = [1-9]' trace
}

@test "-k spilled output into a regular file: byte-identical, by sendfile" {
	traced sendfile bash -c "$(declare -f held); T=$T FANOUT=$FANOUT DATA=$DATA held" >got
	cmp got "$DATA/want"
	grep -Eq 'sendfile\(1, [0-9]+, \[[0-9]+\] => \[[0-9]+\], [0-9]+\) = [1-9]' trace
}

@test "-k spilled output into a file opened with >>: sendfile refused, read+write" {
	echo before >got
	traced sendfile bash -c "$(declare -f held); T=$T FANOUT=$FANOUT DATA=$DATA held" >>got
	{ echo before; cat "$DATA/want"; } | cmp got -
	grep -q 'sendfile(1, .*= -1 EINVAL' trace
}

@test "-k spilled output onto a terminal: read+write, byte-identical" {
	# No newline translation on the pty, so the bytes arrive as written.
	script -qec "stty raw -echo; $(declare -f held); T=$T FANOUT=$FANOUT DATA=$DATA held" /dev/null >got
	cmp got "$DATA/want"
}

@test "-k spilled output, the reader gone half-way: exit as for a closed pipe" {
	run bash -c "$(declare -f held); T=$T FANOUT=$FANOUT DATA=$DATA
		held | head -c 3000000 | wc -c; echo \${PIPESTATUS[0]}"
	[ "${lines[0]}" = 3000000 ]
	[ "${lines[1]}" = 141 ]
}

@test "-k: while held output waits for a slow reader, other jobs still start" {
	# Job 1 ends after job 2's 2 MB are held; the thread writing them out
	# is then stuck on the stalled pipe. Job 3 ends meanwhile: its worker
	# must go on to job 4 rather than wait for that write to finish, so the
	# reader, which reads nothing before job 4 has started, is not stuck.
	"$FANOUT" -k -j2 --buffer-size 64K --tmpdir "$T" sh -c '
		case $0 in
		1) sleep 1 ;;
		2) cat "$1/b2" ;;
		3) sleep 2 ;;
		4) touch "$2/started" ;;
		esac' {} "$DATA" "$T" ::: 1 2 3 4 | {
		for i in $(seq 300); do
			[ -e started ] && break
			sleep 0.1
		done
		[ -e started ] && echo early >verdict
		cat >got
	}
	[ "$(cat verdict)" = early ]
	cmp got "$DATA/b2"
}
