#!/usr/bin/env bats
# The machine's limits are fanout's to absorb (man page, LIMITS): few file
# descriptors or processes make it run fewer jobs at once, never fail or
# hang one; a file size limit is reported as a full disk is; without pidfds
# (old kernels, seccomp filters) jobs are still followed to their end.

load helpers

@test "ulimit -f: held output past it is reported, naming the job (exit 3)" {
	run bash -c "ulimit -f 1000; '$FANOUT' --buffer-size 64K -j1 \
		sh -c 'head -c 3000000 /dev/zero' ::: x"
	[ "$status" -eq 3 ]
	[[ "${lines[0]}" == "fanout: job 1: cannot hold its stdout in a temp file in "*" (it is lost): File too large" ]]
}

@test "ulimit -f: output to a file past it is reported, naming the job (exit 3)" {
	run bash -c "ulimit -f 1000; '$FANOUT' -j1 sh -c 'head -c 3000000 /dev/zero' ::: x > out"
	[ "$status" -eq 3 ]
	[ "${lines[0]}" = "fanout: job 1: cannot write its output to stdout (the rest is lost): File too large" ]
	[ "$(stat -c %s out)" -eq 1024000 ]
}

@test "ulimit -f: the jobs get SIGXFSZ's default back" {
	# A job's writer past the limit dies of SIGXFSZ (128 + 25), as it
	# would without fanout, instead of seeing EFBIG.
	run bash -c "ulimit -f 100; '$FANOUT' -j1 \
		sh -c 'head -c 300000 /dev/zero > f; echo \$?' ::: x 2>/dev/null"
	[ "$status" -eq 0 ]
	[ "$output" = 153 ]
}

# no_pidfd CMD...: run CMD with every pidfd_open(2) failing with ENOSYS, as
# on kernels before 5.3 or under a seccomp filter. (LeakSanitizer cannot
# run under ptrace: it is off under strace.)
no_pidfd() {
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o /dev/null -e trace=pidfd_open \
		-e inject=pidfd_open:error=ENOSYS "$@"
}

need_strace() {
	command -v strace >/dev/null || skip "no strace (.ci/run installs it)"
	strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
}

@test "no pidfd, -u: each job is seen to end" {
	need_strace
	run timeout 20 bash -c "$(declare -f no_pidfd); no_pidfd '$FANOUT' -u -j2 sh -c 'echo \$0' ::: a b c"
	[ "$status" -eq 0 ]
	[ "$(sort <<< "$output")" = $'a\nb\nc' ]
}

@test "no pidfd: a job that closed its output before it exits is seen to end" {
	need_strace
	run timeout 20 bash -c "$(declare -f no_pidfd); no_pidfd '$FANOUT' -k -j2 \
		sh -c 'echo \$0; exec >&- 2>&-; sleep 0.3' ::: a b c"
	[ "$status" -eq 0 ]
	[ "$output" = $'a\nb\nc' ]
}

@test "ulimit -n: -k with more jobs than descriptors loses none, said once" {
	run bash -c "ulimit -n 50; (echo 'sleep 0.5; echo begin'
		seq 30 | sed 's/.*/sleep 0.2; echo &/'; echo 'echo end') |
		'$FANOUT' -k -j 64 2>err"
	[ "$status" -eq 0 ]
	[ "$output" = "$(echo begin; seq 30; echo end)" ]
	[[ "$(cat err)" == "fanout: only enough open files for "[1-9]*" jobs at once (the limit is 50), not -j 64" ]]
}

@test "ulimit -n: every job runs, none fails for fanout's descriptors" {
	run bash -c "ulimit -n 32; seq 100 | '$FANOUT' -j50 --joblog log true"
	[ "$status" -eq 0 ]
	[ "$(tail -n +2 log | wc -l)" -eq 100 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 != 0' log)" = "" ]
}

@test "ulimit -n: -u ends after the last job" {
	run timeout 60 bash -c "ulimit -n 32; '$FANOUT' -u -j 40 sh -c 'sleep 0.3; echo \$0' ::: \$(seq 40)"
	[ "$status" -eq 0 ]
	[ "$(grep -vc '^fanout:' <<< "$output")" -eq 40 ]
}

@test "ulimit -n: a start short of descriptors waits for a running job (SIGUSR1 past the limit)" {
	# -j 2 fits; 30 more workers do not: their starts fail with EMFILE
	# and must wait for a place instead of failing.
	bash -c "ulimit -n 40; exec '$FANOUT' -j 2 --joblog log sh -c 'sleep 0.3' ::: \$(seq 100) 2>err" &
	pid=$!
	wait_for_lines log 2
	# One at a time: a USR1 sent before the last was taken merges into it.
	for i in $(seq 30); do
		kill -USR1 $pid
		signal_taken $pid USR1
	done
	wait $pid
	[ "$(tail -n +2 log | wc -l)" -eq 100 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 != 0' log)" = "" ]
	grep -q '^fanout: too few open files (Too many open files): running at most [0-9]* jobs at once$' err
	[ "$(wc -l < err)" -eq 1 ]
}

# as_user SCRIPT: run SCRIPT with bash in $T as an unprivileged user of its
# own (ulimit -u binds only those; root is not held to it), a uid no other
# test uses at the same time.
as_user() {
	if [ "$(id -u)" -ne 0 ]; then
		bash -c "$1"
		return
	fi
	command -v setpriv >/dev/null || skip "no setpriv to become an unprivileged user"
	chmod 777 "$T"
	setpriv --reuid=$((50000 + RANDOM % 10000)) --regid=$((50000 + RANDOM % 10000)) \
		--clear-groups bash -c "cd '$T' && $1"
}

# all_ran N: the job log has N jobs, every one exited 0.
all_ran() {
	[ "$(tail -n +2 log | wc -l)" -eq "$1" ]
	[ "$(awk -F'\t' 'NR > 1 && $7 != 0' log)" = "" ]
}

@test "ulimit -u: -j past the process limit runs fewer at once, said once; every job runs" {
	for j in 30 50; do
		rm -f log
		run as_user "ulimit -u 40; seq 60 | '$FANOUT' -j$j --joblog log sh -c 'sleep 0.2'"
		[ "$status" -eq 0 ]
		[[ "$output" == "fanout: only enough processes for "[1-9]*" jobs at once (the limit is 40, "[0-9]*" in use), not -j $j" ]]
		all_ran 60
	done
}

# inject SYSCALL ERRNO WHEN CMD...: CMD with SYSCALL failing with ERRNO at
# the WHEN-th calls of each thread (strace counts per thread: fanout's
# main thread makes four pipes, a worker two a job and one vfork).
inject() {
	local call=$1 err=$2 when=$3
	shift 3
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o /dev/null -e trace=$call \
		-e inject=$call:error=$err${when:+:when=$when} "$@"
}

# need_vfork: fanout starts jobs with vfork(2) (ThreadSanitizer makes it fork).
need_vfork() {
	[ "${FANOUT_SANITIZED:-}" != thread ] || skip "ThreadSanitizer turns vfork into fork"
}

@test "EAGAIN from vfork: the start waits for a running job and starts again" {
	need_strace
	need_vfork
	run bash -c "$(declare -f inject); inject vfork EAGAIN 2..5 '$FANOUT' -j4 \
		--joblog log sh -c 'sleep 0.1; echo \$0' ::: \$(seq 20) 2>err"
	[ "$status" -eq 0 ]
	[ "$(sort -n <<< "$output")" = "$(seq 20)" ]
	all_ran 20
	[[ "$(cat err)" == "fanout: too few processes (Resource temporarily unavailable): running at most "[1-3]" job"*" at once" ]]
}

@test "EMFILE from pipe2: the start waits for a running job and starts again" {
	need_strace
	run bash -c "$(declare -f inject); inject pipe2 EMFILE 5..10 '$FANOUT' -j4 \
		--joblog log sh -c 'sleep 0.1; echo \$0' ::: \$(seq 40) 2>err"
	[ "$status" -eq 0 ]
	[ "$(sort -n <<< "$output")" = "$(seq 40)" ]
	all_ran 40
	[[ "$(cat err)" == "fanout: too few open files (Too many open files): running at most "[1-3]" job"*" at once" ]]
}

@test "no process to be had for 15 s: the job fails (126), said once, and the run ends" {
	need_strace
	need_vfork
	run bash -c "$(declare -f inject); inject vfork EAGAIN '' '$FANOUT' -j2 --joblog log true ::: a b"
	[ "$status" -eq 1 ]
	[ "$(tail -n +2 log | cut -f7)" = $'126\n126' ]
	[ "${lines[*]}" = "fanout: too few processes (Resource temporarily unavailable): running at most 1 job at once fanout: cannot run 'true': Resource temporarily unavailable" ]
}

@test "ulimit -n: --pipe's blocks held in pipes leave the jobs their descriptors" {
	# From a pipe, a block of 256k or more is a pipe of its own (one
	# descriptor a block in flight); a block under 256k is held in memory.
	# Whatever the limit, where the memory blocks run, the piped ones do.
	seq 500000 > in
	local n mem piped bad=
	for n in $(seq 18 40); do
		mem=$(bash -c "ulimit -n $n; cat in | '$FANOUT' --pipe --block 250k -j4 -k cat 2>/dev/null | cmp -s - in && echo ok" || :)
		[ "$mem" = ok ] || continue
		piped=$(bash -c "ulimit -n $n; cat in | '$FANOUT' --pipe --block 256k -j4 -k cat 2>/dev/null | cmp -s - in && echo ok" || :)
		[ "$piped" = ok ] || bad="$bad $n"
	done
	[ -z "$bad" ] || { echo "piped blocks failed at ulimit -n$bad"; return 1; }
	# The limits where both run were tried at all.
	[ "$(bash -c "ulimit -n 40; cat in | '$FANOUT' --pipe --block 256k -j4 -k cat | cmp - in && echo ok")" = ok ]
}
