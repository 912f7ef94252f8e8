#!/usr/bin/env bats
# Signals to fanout (DESIGN.md, "Signals"), and no process left behind.
# A non-interactive shell starts background commands with SIGINT ignored
# (and a suite run under nohup has SIGHUP ignored), and fanout leaves an
# ignored signal ignored: start_fanout gives it both back (env
# --default-signal) so that `kill -INT` and `kill -HUP` reach it.

load helpers

# start_fanout ARGS...: run fanout in the background, output to out/err.
# The tests use -u so that a job's first lines show before it ends.
start_fanout() {
	env --default-signal=INT,HUP "$FANOUT" "$@" > out 2> err 3>&- &
	pid=$!
}

@test "SIGINT: jobs get SIGINT, output is kept, summary line, exit 130" {
	start_fanout -u -j2 sh -c 'trap "echo got INT \$0; exit 7" INT; echo start $0; sleep 411.$0 & wait' ::: 1 2 3
	wait_for_lines out 2
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 130 ]
	grep -q 'got INT 1' out
	grep -q 'got INT 2' out
	grep -q '^fanout: cancelled: 0 done, 0 failed, 2 cancelled, 1 never started$' err
	no_process 'sleep 411.'
}

@test "SIGTERM: the same, exit 143" {
	start_fanout -u -j2 sh -c 'echo start; sleep 412.$0' ::: 1 2
	wait_for_lines out 2
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 143 ]
	grep -q '^fanout: cancelled: ' err
	no_process 'sleep 412.'
}

@test "a job that ignores the signal is killed after --kill-after" {
	start_fanout -u --kill-after 300ms sh -c 'trap "" INT TERM; echo start; sleep 413.5; :' ::: x
	wait_for_lines out 1
	t0=$(date +%s)
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 130 ]
	[ $(( $(date +%s) - t0 )) -lt 10 ]
	no_process 'sleep 413.5'
}

@test "a second SIGINT kills every job at once" {
	start_fanout -u --kill-after 60s sh -c 'trap "" INT TERM; echo start; sleep 414.5; :' ::: x
	wait_for_lines out 1
	t0=$(date +%s)
	kill -INT "$pid"
	# The first one taken: sent before, the second would merge into it
	# (a pending signal is not counted twice) and the run wait 60 s.
	wait_for_match err cancelling
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 130 ]
	[ $(( $(date +%s) - t0 )) -lt 10 ]
	no_process 'sleep 414.5'
}

@test "the first SIGINT says how long it waits, for how many jobs" {
	start_fanout -u -j2 --kill-after 30s sh -c 'trap "" INT TERM; echo start; sleep 824.$0; :' ::: 1 2 3
	wait_for_lines out 2
	kill -INT "$pid"
	wait_for_match err cancelling
	[ "$(head -1 err)" = "fanout: cancelling: waiting up to 30s for 2 jobs; Ctrl-C again to kill them" ]
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 130 ]
	no_process 'sleep 824.'
}

@test "SIGHUP drains: running jobs finish, nothing new starts, exit 129" {
	# Job 1 ends once "go" exists, after fanout took the SIGHUP (a fixed
	# sleep in the job could let job 2 start first on a loaded machine).
	start_fanout -u -j1 sh -c 'echo start $0; i=0
		while [ ! -e go ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
		echo end $0' ::: 1 2 3
	wait_for_lines out 1
	kill -HUP "$pid"
	signal_taken "$pid" HUP
	touch go
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 129 ]
	grep -q 'end 1' out
	! grep -q 'start 2' out
	grep -q '^fanout: drained: 1 done, 0 failed, 0 cancelled, 2 never started$' err
}

@test "nohup fanout: SIGHUP stays ignored, the run goes on to its end" {
	nohup "$FANOUT" -u -j1 sh -c 'echo start $0; sleep 0.5; echo end $0' \
		::: 1 2 > out 2> err 3>&- &
	pid=$!
	wait_for_lines out 1
	kill -HUP "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 0 ]
	grep -q 'end 2' out
	! grep -q drained err
}

@test "a SIGTERM the caller ignored stays ignored, by fanout and its jobs" {
	(trap '' TERM; exec "$FANOUT" -u sh -c \
		'echo start; sleep 0.5; grep ^SigIgn /proc/self/status' ::: x) \
		> out 2> err 3>&- &
	pid=$!
	wait_for_lines out 1
	kill -TERM "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 0 ]
	ign=$(awk '/^SigIgn:/ { print $2 }' out)
	[ $(( 0x$ign & 0x4000 )) -ne 0 ]        # bit 14: SIGTERM
}

@test "a background fanout in a script ignores SIGINT (the terminal's Ctrl-C)" {
	# No start_fanout: the shell's own way of starting it, SIGINT ignored.
	"$FANOUT" -u sh -c 'echo start; sleep 0.5; echo end' ::: x \
		> out 2> err 3>&- &
	pid=$!
	wait_for_lines out 1
	kill -INT "$pid"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 0 ]
	grep -q end out
	[ ! -s err ]
}

@test "SIGTSTP stops the jobs with fanout; SIGCONT resumes them" {
	# A duration no other process on the machine uses; the job's sleep
	# is ended by the test once it runs again (a short one could end
	# before a loaded machine had stopped it).
	start_fanout -u sh -c 'echo start; sleep 417.2; echo end' ::: x
	wait_for_lines out 1
	kill -TSTP "$pid"
	job= st= own=
	for ((i = 0; i < 200; i++)); do
		job=$(pgrep -f '^sleep 417\.2$' | head -1)
		[ -n "$job" ] && st=$(ps -o stat= -p "$job" | cut -c1)
		own=$(ps -o stat= -p "$pid" | cut -c1)
		[ "$st" = T ] && [ "$own" = T ] && break
		sleep 0.05
	done
	[ -n "$job" ]
	[ "$st" = T ]
	[ "$own" = T ]
	kill -CONT "$pid"
	for ((i = 0; i < 200; i++)); do
		st=$(ps -o stat= -p "$job" | cut -c1)
		[ "$st" != T ] && break
		sleep 0.05
	done
	[ "$st" != T ]
	kill -TERM "$job"
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 0 ]
	grep -q end out
}

@test "jobs blocked from SIGTERM in fanout still die on SIGTERM" {
	start_fanout --timeout 300ms sleep 415.5 ::: x
	status=0
	wait "$pid" || status=$?
	[ "$status" -eq 1 ]
	no_process 'sleep 415.5'
}

@test "SIGKILL to fanout leaves no job behind (PR_SET_PDEATHSIG, guardian)" {
	start_fanout -u -j2 sh -c 'echo start; sleep 416.$0 & sleep 416.9$0' ::: 1 2
	wait_for_lines out 2
	kill -KILL "$pid"
	wait "$pid" || true
	no_process 'sleep 416.'
}

@test "closed stdout: fanout stops its jobs and exits 141 promptly, quietly" {
	t0=$(date +%s)
	run bash -c "trap '' PIPE; seq 1000 | '$FANOUT' -j2 sh -c 'head -c 100000 /dev/zero | tr \\\\0 x; sleep 0.2; echo \$0 >> ran' 2>err | head -c 10 > /dev/null; echo \${PIPESTATUS[1]}"
	[ $(( $(date +%s) - t0 )) -lt 10 ]
	[ "$output" = 141 ]
	[ ! -s err ]
	[ "$(wc -l < ran)" -lt 50 ]
}

@test "-u: a closed stdout stops the run too (exit 141, quietly)" {
	run bash -c "seq 1000 | '$FANOUT' -u sh -c 'echo \$0 >> ran; echo line' 2>err | head -1 > /dev/null; echo \${PIPESTATUS[1]}"
	[ "$output" = 141 ]
	[ ! -s err ]
	# Before: all 1000 ran (999 killed by SIGPIPE, each named on stderr).
	[ "$(wc -l < ran)" -lt 500 ]
}

@test "-u: endless input piped to head -1 ends" {
	t0=$(date +%s)
	run bash -c "yes | timeout 60 '$FANOUT' -u echo line 2>/dev/null | head -1 > /dev/null; echo \${PIPESTATUS[1]}"
	[ "$output" = 141 ]
	[ $(( $(date +%s) - t0 )) -lt 30 ]
}

@test "a closed reader is seen at once, not at the next write of a job" {
	t0=$(date +%s)
	run bash -c "timeout 60 '$FANOUT' -j2 sh -c 'echo \$1; [ \$1 = a ] || sleep 817.3' sh ::: a b c 2>err | head -1; echo \${PIPESTATUS[0]}"
	[ "${lines[0]}" = a ]
	[ "${lines[1]}" = 141 ]
	[ ! -s err ]
	[ $(( $(date +%s) - t0 )) -lt 30 ]
	no_process 'sleep 817.3'
}
