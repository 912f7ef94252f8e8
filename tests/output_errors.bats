#!/usr/bin/env bats
# Fan-in: write errors are never ignored. A closed stdout stops the run
# (141); an unwritable stdout or a full $TMPDIR is exit status 3 with a
# message that says what was lost.

load helpers

teardown() {
	cd /
	if [ -n "${MNT:-}" ] && mountpoint -q "$MNT"; then
		umount "$MNT" || umount -l "$MNT"
	fi
	rm -rf "$T"
}

# elapsed_ok START MAX: fewer than MAX seconds since START ($SECONDS).
elapsed_ok() {
	local took=$((SECONDS - $1))
	[ "$took" -lt "$2" ] || { echo "took ${took}s" >&2; return 1; }
}

@test "stdout closed: stop, terminate the jobs, exit 141 promptly" {
	start=$SECONDS
	run bash -c "'$FANOUT' -j2 -k sh -c 'while :; do echo \"fanout-test-\$0\"; done' ::: pipeA pipeB | head -1"
	[ "$output" = fanout-test-pipeA ]
	run bash -c "'$FANOUT' -j2 -k sh -c 'while :; do echo \"fanout-test-\$0\"; done' ::: pipeA pipeB | head -1; exit \${PIPESTATUS[0]}"
	[ "$status" -eq 141 ]
	elapsed_ok "$start" 10
	no_process 'fanout-test-'
}

@test "stdout closed with SIGPIPE ignored by the caller: the same" {
	start=$SECONDS
	run bash -c "trap '' PIPE; '$FANOUT' -j2 --line-buffer sh -c 'while :; do echo \"\$0\"; done' ::: sigignA sigignB | head -1; exit \${PIPESTATUS[0]}"
	[ "$status" -eq 141 ]
	elapsed_ok "$start" 10
	no_process 'sigign[AB]'
}

@test "stdout closed: many short jobs, nothing new starts" {
	start=$SECONDS
	run bash -c "seq 1 100000 | '$FANOUT' -j4 echo | head -1; exit \${PIPESTATUS[1]}"
	[ "$status" -eq 141 ]
	elapsed_ok "$start" 10
}

@test "stdout closed before anything was written: noticed when spilling" {
	# Grouped output of an endless job: nothing is ever written, so the
	# closed pipe shows when its output starts to spill.
	mkdir tmp
	start=$SECONDS
	run bash -c "TMPDIR='$T/tmp' '$FANOUT' --buffer-size 1M yes ::: spillclosed | true; exit \${PIPESTATUS[0]}"
	[ "$status" -eq 141 ]
	elapsed_ok "$start" 10
	no_process 'yes spillclosed'
}

@test "stdout on /dev/full: exit 3, and the message names what was lost" {
	run bash -c "'$FANOUT' -j1 echo hello ::: a b > /dev/full"
	[ "$status" -eq 3 ]
	[[ "$output" == *"job 1: cannot write its output to stdout (the rest is lost): No space left on device"* ]]
}

@test "stdout on /dev/full under -k and --line-buffer: exit 3 too" {
	run bash -c "'$FANOUT' -k echo hello ::: a > /dev/full"
	[ "$status" -eq 3 ]
	[[ "$output" == *"to stdout (the rest is lost): No space left on device"* ]]
	run bash -c "'$FANOUT' --line-buffer --tag echo hello ::: a > /dev/full"
	[ "$status" -eq 3 ]
}

@test "stderr on /dev/full: exit 3, never 0" {
	run bash -c "'$FANOUT' -j1 sh -c 'echo oops >&2' ::: a 2>/dev/full"
	[ "$status" -eq 3 ]
}

@test "stdout closed at start-up: exit 3 with a message, no temp file on fd 1" {
	run bash -c "'$FANOUT' -j1 echo hello ::: a >&-"
	[ "$status" -eq 3 ]
	[[ "$output" == *"job 1: cannot write its output to stdout"* ]]

	# Make fanout spill while fd 1 is closed: fd 1 must stay /dev/null.
	# Job 1 holds the head until "go"; fd 1 is looked at once job 2 has
	# spilled (a fixed sleep could look before fanout had even started).
	mkdir tmp
	TMPDIR=$T/tmp "$FANOUT" -k -j2 --buffer-size 4K sh -c '
		if [ $0 = 1 ]; then i=0
			while [ ! -e go ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
		else head -c 500000 /dev/zero; fi' ::: 1 2 >&- 2>err &
	pid=$!
	spill=
	for ((i = 0; i < 200; i++)); do
		for fd in /proc/$pid/fd/*; do
			case $(readlink "$fd") in "$T/tmp/"*) spill=$fd ;; esac
		done
		[ -n "$spill" ] && break
		sleep 0.05
	done
	[ -n "$spill" ]
	fd1=$(readlink /proc/$pid/fd/1)
	touch go
	wait $pid && st=0 || st=$?
	[ "$fd1" = /dev/null ]
	[ "$st" -eq 3 ]
	grep -q 'job 2: cannot write its output to stdout (the rest is lost): Bad file descriptor' err
}

@test "stdout and stderr closed at start-up: exit 3" {
	run bash -c "'$FANOUT' -j1 echo hello ::: a >&- 2>&-"
	[ "$status" -eq 3 ]
}

@test "temp space full: exit 3, the message names the job and stream lost" {
	MNT=$T/small
	mkdir "$MNT"
	if ! mount -t tmpfs -o size=1m tmpfs "$MNT" 2>/dev/null; then
		MNT=
		skip "cannot mount a 1 MiB tmpfs (needs root)"
	fi
	run bash -c "TMPDIR='$MNT' '$FANOUT' -k -j3 --buffer-size 64K sh -c '
		[ \$0 = 1 ] && sleep 1; head -c 3000000 /dev/zero' ::: 1 2 3 > out"
	[ "$status" -eq 3 ]
	[[ "$output" == *"job "*": cannot hold its stdout in a temp file in '$MNT' (it is lost): No space left on device"* ]]
	# What did fit was written, in order, and nothing stays behind.
	[ -z "$(ls -A "$MNT")" ]
}

@test "temp directory missing at start: exit 2 before any job runs, naming it" {
	run bash -c "TMPDIR='$T/nonexistent' '$FANOUT' -k --buffer-size 64K sh -c '
		echo \$0 >> ran; head -c 100000 /dev/zero' ::: 1 2 > out"
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: cannot make a temp file in '$T/nonexistent': No such file or directory (output past --buffer-size goes there; set TMPDIR, or use -u)" ]
	[ ! -e ran ]
	[ ! -s out ]
	# The same in every mode that may hold output; -u holds none.
	run bash -c "TMPDIR='$T/nonexistent' '$FANOUT' --line-buffer true ::: 1"
	[ "$status" -eq 2 ]
	run bash -c "TMPDIR='$T/nonexistent' '$FANOUT' -u echo ok ::: 1"
	[ "$status" -eq 0 ]
	[ "$output" = "ok 1" ]
}

@test "temp directory gone mid-run: exit 3, the message names the job lost" {
	mkdir "$T/tmp"
	# Job 1 holds the head until job 2 has written all it has (a fixed
	# sleep could end first on a loaded machine: job 2, the head, would
	# then need no temp file).
	run bash -c "TMPDIR='$T/tmp' '$FANOUT' -k -j2 --buffer-size 4K sh -c '
		if [ \$0 = 1 ]; then i=0
			while [ ! -e wrote ] && [ \$i -lt 200 ]; do sleep 0.05; i=\$((i + 1)); done
		else rmdir \"\$TMPDIR\"; head -c 100000 /dev/zero; touch wrote; fi
		' ::: 1 2 > out"
	[ "$status" -eq 3 ]
	[[ "$output" == *"job 2: cannot hold its stdout in a temp file in '$T/tmp' (it is lost)"* ]]
}

@test "jobs all succeed but output was lost: still exit 3" {
	run bash -c "'$FANOUT' -j4 true ::: 1 2 3 >/dev/full"
	[ "$status" -eq 0 ]
	run bash -c "'$FANOUT' -j4 echo x ::: 1 2 3 >/dev/full"
	[ "$status" -eq 3 ]
}
