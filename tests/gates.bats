#!/usr/bin/env bats
# --load and --memfree against a machine whose load and memory the test
# sets: fanout runs in a private mount namespace (unshare -m, propagation
# private: nothing leaks to the host) where a regular file of the test is
# bind-mounted over /proc/loadavg or /proc/meminfo, and the test rewrites
# that file in place while the run goes on. No test hook in the binary.
# Needs root (or CAP_SYS_ADMIN) for the namespace; skipped without it.

load helpers

# needs_ns: skip unless we may make a private mount namespace and bind a
# file over one of /proc's.
needs_ns() {
	[ "$(id -u)" -eq 0 ] ||
		skip "needs root: a private mount namespace to fake /proc/$1"
	command -v unshare >/dev/null || skip "unshare (util-linux) is not installed"
	: > probe
	unshare -m --propagation private mount --bind "$PWD/probe" "/proc/$1" ||
		skip "needs root with CAP_SYS_ADMIN: cannot bind over /proc/$1"
}

# in_ns NAME CMD...: run CMD (60 s at most) where /proc/NAME is ./NAME.
in_ns() {
	local name=$1
	shift
	timeout 60 unshare -m --propagation private sh -c \
		'mount --bind "$1" "$2" && shift 2 && exec "$@"' \
		sh "$PWD/$name" "/proc/$name" "$@"
}

# set_mem KIB: MemAvailable in ./meminfo, rewritten in place (same inode,
# same length: a reader never sees it empty).
set_mem() {
	printf 'MemTotal:       %012d kB\nMemAvailable:   %012d kB\n' \
		99999999 "$1" | dd of=meminfo conv=notrunc status=none
}

# set_load L: the 1-minute load average in ./loadavg, as set_mem does.
set_load() {
	printf '%08.2f 0.00 0.00 1/100 4242\n' "$1" |
		dd of=loadavg conv=notrunc status=none
}

@test "--load: nothing starts while the load is above N; jobs start once it drops" {
	needs_ns loadavg
	set_load 99
	in_ns loadavg "$FANOUT" --load 4 touch ran ::: a 2>err &
	pid=$!
	wait_for_match err 'waiting to start jobs'
	# Held across the gate's looks, twice a second.
	sleep 1.2
	[ ! -e ran ]
	set_load 0.5
	st=0
	wait "$pid" || st=$?
	cat err
	[ "$st" -eq 0 ]
	[ -e ran ]
	[ "$(cat err)" = "fanout: waiting to start jobs: the load average is above --load" ]
}

@test "--memfree: nothing starts while memory is short; jobs start once it is back" {
	needs_ns meminfo
	set_mem 102400                  # 100M available, --memfree 1G
	in_ns meminfo "$FANOUT" --memfree 1G touch ran ::: a 2>err &
	pid=$!
	wait_for_match err 'waiting to start jobs'
	sleep 1.2
	[ ! -e ran ]
	set_mem 8388608                 # 8G
	st=0
	wait "$pid" || st=$?
	cat err
	[ "$st" -eq 0 ]
	[ -e ran ]
	[ "$(cat err)" = "fanout: waiting to start jobs: MemAvailable is below --memfree" ]
}

@test "--memfree: below half of SIZE the youngest job is stopped and runs again, counted once" {
	needs_ns meminfo
	set_mem 8388608
	mkfifo in
	# Job 2 ignores SIGTERM: stopping it takes the SIGKILL after
	# --kill-after. Job N ends once goN exists.
	in_ns meminfo "$FANOUT" --memfree 1G -j2 -k --kill-after 1s --stats \
		--joblog log --json-log js sh -c \
		'[ {} != 2 ] || trap "" TERM; echo start {}; echo {} >> started
		 until [ -e go{} ]; do sleep 0.05; done; echo out {}' \
		< in > out 2> err &
	pid=$!
	exec 7> in
	# Job 1 starts first: job 2 is the youngest.
	echo 1 >&7
	wait_for_lines started 1
	printf '2\n3\n' >&7
	exec 7>&-
	wait_for_lines started 2
	set_mem 102400
	wait_for_match err 'stopped and queued again'
	# Job 1 now runs alone: however low memory is, it is left alone.
	sleep 1.2
	touch go1 go2 go3
	wait_for_lines out 2            # job 1 done (-k: its output first)
	# Memory still short: the gate holds jobs 2 and 3.
	sleep 1.2
	[ "$(wc -l < started)" -eq 2 ]
	set_mem 8388608
	st=0
	wait "$pid" || st=$?
	cat err
	[ "$st" -eq 0 ]
	[ "$(sed -n 1p err)" = "fanout: job 2: stopped and queued again: memory available 100MiB < half of --memfree 1.00GiB" ]
	[ "$(grep -c 'stopped and queued again' err)" -eq 1 ]
	! grep -q 'killed by\|exited with' err
	grep -qx 'fanout: stats: 1 attempts stopped and run again: 1 by --memfree, 0 with their host lost' err
	grep -q 'fanout: stats: 3 jobs: 3 ok, .*; 0 retries$' err
	# The stopped attempt's output is dropped; every job's shows once.
	[ "$(cat out)" = "$(printf 'start %s\nout %s\n' 1 1 2 2 3 3)" ]
	[ "$(sort started | tr '\n' ' ')" = "1 2 2 3 " ]
	# The logs hold each job once, done: the stop is not a failure.
	[ "$(wc -l < log)" -eq 4 ]
	[ "$(awk 'NR > 1 && $7 == 0 && $8 == 0' log | wc -l)" -eq 3 ]
	[ "$(wc -l < js)" -eq 3 ]
	[ "$(grep -c '"exit_code":0,' js)" -eq 3 ]
}
