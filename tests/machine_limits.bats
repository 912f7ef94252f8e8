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
