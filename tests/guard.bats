#!/usr/bin/env bats
# The guardian (a process that kills what fanout leaves when fanout is
# SIGKILLed) and the sweep of orphans at the end of a run.

load helpers

# start_fanout ARGS...: run fanout in the background, output to out/err.
start_fanout() {
	"$FANOUT" "$@" > out 2> err 3>&- &
	pid=$!
}

# guardian PID: the guardian of the fanout PID.
guardian() {
	pgrep -P "$1" -x fan-out-guard
}

# guardian_looked PID: wait until the guardian of the fanout PID has taken
# a whole snapshot of fanout's tree after this call. Its loop is poll for
# a period, snapshot, poll: each poll that sleeps is one voluntary context
# switch of its main thread, so three more than now take in a whole
# snapshot (one to spare for a snapshot that slept). The period grows
# with the snapshot's cost, up to 5 s on a loaded machine: a fixed sleep
# does not cover it.
guardian_looked() {
	local g i c0 c
	g=$(guardian "$1")
	[ -n "$g" ] || { echo "no guardian for $1" >&2; return 1; }
	c0=$(awk '/^voluntary_ctxt_switches:/ { print $2 }' "/proc/$g/status")
	for ((i = 0; i < 400; i++)); do
		c=$(awk '/^voluntary_ctxt_switches:/ { print $2 }' "/proc/$g/status")
		[ "$c" -ge $((c0 + 3)) ] && return 0
		sleep 0.05
	done
	echo "the guardian $g took no snapshot in 20 s" >&2
	return 1
}

@test "SIGKILL to fanout: what left the job's group with setsid dies too" {
	start_fanout sh -c 'setsid sleep 812.1 & sleep 812.2' ::: x
	wait_for_process '^sleep 812.1'
	wait_for_process '^sleep 812.2'
	guardian_looked "$pid"
	kill -KILL "$pid"
	wait "$pid" || true
	no_process 'sleep 812.1'
	no_process 'sleep 812.2'
}

@test "SIGKILL to fanout: orphans fanout had adopted die too" {
	start_fanout sh -c '(setsid sleep 813.1 &); sleep 813.2' ::: x
	wait_for_process '^sleep 813.1'
	wait_for_process '^sleep 813.2'
	guardian_looked "$pid"
	kill -KILL "$pid"
	wait "$pid" || true
	no_process 'sleep 813.1'
	no_process 'sleep 813.2'
}

@test "SIGKILL to fanout's whole process group (kill -9 %1) leaves no job behind" {
	# setsid: a group of its own, as a shell with job control gives it.
	setsid "$FANOUT" sh -c 'sleep 814.1 & sleep 814.2' ::: x > out 2> err 3>&- &
	pid=$!
	wait_for_process '^sleep 814.1'
	[ "$(ps -o pgid= -p "$pid" | tr -d ' ')" = "$pid" ]
	kill -KILL -- "-$pid"
	wait "$pid" || true
	no_process 'sleep 814.1'
	no_process 'sleep 814.2'
}

@test "the guardian has a name of its own: pgrep -x fanout, pkill fanout miss it" {
	start_fanout sh -c 'sleep 815.1' ::: x
	wait_for_process '^sleep 815.1'
	g=$(guardian "$pid")
	[ -n "$g" ]
	[ "$(cat /proc/$g/comm)" = fan-out-guard ]
	# Neither its name nor its command line says fanout or the job's command.
	! pgrep -P "$pid" fanout
	! pgrep -P "$pid" -f fanout
	! pgrep -f 'sleep 815.1' | grep -qx "$g"
	kill -TERM "$pid"
	wait "$pid" || true
	no_process 'sleep 815.1'
}

@test "the guardian dies: fanout warns once and the run goes on" {
	start_fanout -u -j1 sh -c 'echo start $0; while [ ! -e go ]; do sleep 0.05; done; echo done $0' ::: 1 2
	wait_for_lines out 1
	# Fanout's child that is not the job, whatever its name.
	for c in $(pgrep -P "$pid"); do
		[ "$(cat "/proc/$c/comm")" = sh ] || g=$c
	done
	[ -n "$g" ]
	kill -KILL "$g"
	wait_for_lines err 1
	touch go
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 0 ]
	[ "$(cat err)" = "fanout: the guardian process died: jobs may outlive a SIGKILL of fanout" ]
	[ "$(cat out)" = $'start 1\ndone 1\nstart 2\ndone 2' ]
}

@test "a job that leaves 1000 setsid'ed processes: all killed, promptly, at the end" {
	t0=$(date +%s)
	run fanout sh -c 'for i in $(seq 1000); do setsid sleep 816.1 </dev/null >/dev/null 2>&1 & done; echo ok' ::: x
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
	[ $(( $(date +%s) - t0 )) -lt 20 ]
	no_process 'sleep 816.1'
}

@test "SIGKILL to fanout just after a job's exec: the job's children die too" {
	# The worker learns its job's pid only when vfork returns; strace
	# holds that return 3 s, while the job runs and starts its children.
	# The child registers its own group before it execs: else these
	# escaped (fanout killed before the worker registered the job, by
	# the guardian, which does not look while nothing is registered).
	command -v strace >/dev/null || skip "no strace (.ci/run installs it)"
	strace -f -qq -o /dev/null true 2>/dev/null || skip "strace cannot trace here"
	[ "${FANOUT_SANITIZED:-}" != thread ] || skip "ThreadSanitizer turns vfork into fork"
	ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0 strace -f -qq -o /dev/null \
		-e trace=vfork -e inject=vfork:delay_exit=3000000 \
		"$FANOUT" -u sh -c 'echo start; sleep 877.1 & sleep 877.2' ::: x > out 2> err 3>&- &
	wait_for_process '^sleep 877.1'
	wait_for_process '^sleep 877.2'
	f=$(pgrep -P "$!" -x fanout)
	[ -n "$f" ]
	kill -KILL "$f"
	wait "$!" || true
	no_process '^sleep 877.'
}
