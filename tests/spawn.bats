#!/usr/bin/env bats
# What every job gets: own process group, /dev/null stdin, default signals,
# no leaked descriptors.

load helpers

@test "a job's stdin is /dev/null" {
	run bash -c "echo x | '$FANOUT' sh -c 'readlink /proc/self/fd/0; cat'"
	[ "$output" = "/dev/null" ]
}

@test "only fds 0, 1 and 2 are open in a job" {
	# Start fanout with nothing but 0, 1 and 2, so that any other fd the
	# job sees is one fanout leaked.
	run bash -c 'for f in /proc/$$/fd/*; do n=${f##*/}; [ "$n" -gt 2 ] && eval "exec $n>&-"; done 2>/dev/null
		exec "$0" -k sh -c '"'"'ls /proc/$$/fd; true'"'"' ::: x y' "$FANOUT"
	[ "$status" -eq 0 ]
	[ "$output" = $'0\n1\n2\n0\n1\n2' ]
}

@test "every job runs in its own process group" {
	run fanout -k sh -c 'ps -o pid=,pgid= -p $$' ::: a b
	for l in "${lines[@]}"; do
		set -- $l
		[ "$1" = "$2" ]
	done
}

@test "jobs: nothing blocked; ignored as by fanout's caller, the rest default" {
	run bash -c "trap '' INT TERM; '$FANOUT' sh -c 'grep -E \"^Sig(Ign|Blk)\" /proc/self/status' ::: x"
	[ "$status" -eq 0 ]
	blk=$(echo "$output" | awk '/^SigBlk:/ { print $2 }')
	ign=$(echo "$output" | awk '/^SigIgn:/ { print $2 }')
	# fanout blocks SIGHUP, SIGPIPE, SIGUSR1 ...: none of it reaches the job.
	[ "$blk" = 0000000000000000 ]
	# SIGINT and SIGTERM (bits 1, 14) stay ignored, as exec(2) leaves them
	# (sh, xargs); SIGPIPE and SIGHUP (bits 12, 0) are at their defaults.
	[ $(( 0x$ign & 0x4002 )) -eq $(( 0x4002 )) ]
	[ $(( 0x$ign & 0x1001 )) -eq 0 ]
}

@test "jobs do run in parallel with -j" {
	# Each job waits (10 s at most) until all four have started, then
	# says how many it saw: 4 each when they run at once, whatever the
	# load (a bound on the time of four 1 s sleeps was not).
	run fanout -j4 sh -c 'touch started.$0; i=0
		while [ "$(ls started.* | wc -l)" -lt 4 ] && [ $i -lt 100 ]; do
			sleep 0.1; i=$((i + 1)); done
		ls started.* | wc -l' ::: 1 2 3 4
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | tr '\n' ' ')" = "4 4 4 4 " ]
}

@test "-P and --jobs are -j; N% takes a share of the CPUs" {
	run fanout -P2 -k echo ::: a b
	[ "$output" = $'a\nb' ]
	run fanout --jobs 50% -k echo ::: a
	[ "$output" = "a" ]
	run fanout -j 100% sh -c 'echo $FANOUT_SLOT' ::: 1 2 3 4 5 6 7 8
	[ "$(printf '%s\n' "${lines[@]}" | sort -un | tail -1)" -le "$(nproc)" ]
}

@test "many jobs at once: the open-file limit is raised for fanout, not its jobs" {
	run bash -c "ulimit -Sn 256; '$FANOUT' -j 100 sh -c 'sleep 0.2; ulimit -n' ::: \$(seq 200)"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 200 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort -u)" = 256 ]
}

@test "a hard open-file limit too low for -j: fewer at once, said up front" {
	run bash -c "ulimit -n 256; '$FANOUT' -j 100 true ::: 1"
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "fanout: only enough open files for "[1-9]*" jobs at once (the limit is 256), not -j 100" ]]
}
