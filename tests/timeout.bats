#!/usr/bin/env bats
# --timeout, --kill-after, a job's end, and no process left behind.
# Sleeps have unique durations so that leftovers can be looked for.

load helpers

elapsed_ms() {
	echo $(( ($(date +%s%N) - $1) / 1000000 ))
}

@test "a 1 s timeout ends a 30 s job well within 10 s, as a failure" {
	t0=$(date +%s%N)
	run fanout --timeout 1 sleep ::: 401.5
	ms=$(elapsed_ms "$t0")
	[ "$status" -eq 1 ]
	[[ "$output" == *"fanout: job 1 [pid "*"]: 'sleep 401.5' timed out after 1s"* ]]
	[ "$ms" -ge 900 ]
	[ "$ms" -lt 10000 ]
	no_process 'sleep 401.5'
}

@test "a job that ends before its timeout is not touched" {
	run fanout -k --timeout 5s sh -c 'sleep 0.1; echo ok' ::: x
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}

@test "the output a timed-out job produced is kept" {
	run fanout --timeout 500ms sh -c 'echo before; sleep 402.5; echo after' ::: x
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	[[ " ${lines[*]} " == *" before "* ]]
	[[ "$output" == *"fanout: job 1 [pid "*"]: 'sh -c 'echo before; sleep 402.5; echo after' x' timed out after 0.5s"* ]]
}

@test "SIGTERM goes to the whole process group" {
	run fanout --timeout 500ms sh -c 'sleep 403.5 & sleep 403.6 & wait' ::: x
	[ "$status" -eq 1 ]
	no_process 'sleep 403.5'
	no_process 'sleep 403.6'
}

@test "a timed-out job gets SIGTERM once (its trap runs once)" {
	# Each job's shell counts the TERMs it traps for a while after the
	# first, then ends; signalled twice, a busy one runs its trap twice.
	# 2 s, not 300 ms: a shell slow to start on a loaded machine would
	# die of a TERM that came before its trap was set.
	run fanout -j6 --timeout 2s --kill-after 10s sh -c '
		trap "echo TERM >> terms.\$0; t=1" TERM
		c=0
		while [ "$c" -lt 30 ]; do
			sleep 0.01
			[ -n "$t" ] && c=$((c + 1))
		done
		exit 0' ::: 1 2 3 4 5 6
	for i in 1 2 3 4 5 6; do
		[ "$(cat terms.$i)" = TERM ]
	done
}

@test "a timeout sends one SIGTERM: to the group, and only to who left it" {
	command -v strace >/dev/null || skip "strace is not installed"
	strace -f -qq -e trace=kill -e signal=none -o trace true 2>/dev/null ||
		skip "strace cannot trace here"
	run strace -f -qq -e trace=kill -e signal=none -o trace \
		"$FANOUT" --timeout 300ms sh -c 'sleep 822.1; :' ::: x
	[ "$status" -eq 1 ]
	cat trace
	# kill(-PGID, SIGTERM): the group, once; not its leader and its
	# sleep again, one by one.
	[ "$(grep -c 'kill(.*SIGTERM)' trace)" -eq 1 ]
	grep -q 'kill(-[0-9]*, SIGTERM)' trace
	no_process 'sleep 822.1'
}

@test "a job ignoring SIGTERM gets SIGKILL after --kill-after" {
	t0=$(date +%s%N)
	run fanout --timeout 300ms --kill-after 500ms sh -c 'trap "" TERM; sleep 404.5; :' ::: x
	ms=$(elapsed_ms "$t0")
	[ "$status" -eq 1 ]
	[ "$ms" -lt 10000 ]
	no_process 'sleep 404.5'
}

@test "descendants that escaped the group with setsid are killed too" {
	t0=$(date +%s%N)
	run fanout --timeout 500ms sh -c 'setsid sleep 405.5 & sleep 405.6' ::: x
	ms=$(elapsed_ms "$t0")
	[ "$status" -eq 1 ]
	[ "$ms" -lt 10000 ]
	no_process 'sleep 405.5'
	no_process 'sleep 405.6'
}

@test "a job whose background child holds stdout does not hang fanout" {
	t0=$(date +%s%N)
	run fanout --kill-after 300ms sh -c 'sleep 406.5 & echo main done' ::: x
	ms=$(elapsed_ms "$t0")
	[ "$status" -eq 0 ]
	[ "$output" = "main done" ]
	[ "$ms" -lt 10000 ]
	no_process 'sleep 406.5'
}

@test "what a finished job left in its process group is killed" {
	run fanout sh -c 'sleep 407.5 >/dev/null 2>&1 & echo ok' ::: x
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	no_process 'sleep 407.5'
}

@test "orphans that escaped with setsid are killed when the run ends" {
	run fanout sh -c 'setsid sleep 408.5 >/dev/null 2>&1 < /dev/null & echo ok' ::: x
	[ "$status" -eq 0 ]
	no_process 'sleep 408.5'
}

@test "bad durations are refused: 0, negative, unknown unit" {
	for d in 0 -1s 5x 1..2s ''; do
		run fanout --timeout "$d" true ::: x
		[ "$status" -eq 2 ]
		[[ "$output" == "fanout: --timeout '$d': "* ]]
	done
	run fanout --timeout 250ms --kill-after 1.5s true ::: x
	[ "$status" -eq 0 ]
}
