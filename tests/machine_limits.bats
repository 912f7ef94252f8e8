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
# on kernels before 5.3 or under a seccomp filter.
no_pidfd() {
	strace -f -qq -o /dev/null -e trace=pidfd_open \
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
	for i in $(seq 30); do kill -USR1 $pid; done
	wait $pid
	[ "$(tail -n +2 log | wc -l)" -eq 100 ]
	[ "$(awk -F'\t' 'NR > 1 && $7 != 0' log)" = "" ]
	grep -q '^fanout: too few open files (Too many open files): running at most [0-9]* jobs at once$' err
	[ "$(wc -l < err)" -eq 1 ]
}
