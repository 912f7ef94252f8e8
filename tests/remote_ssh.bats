#!/usr/bin/env bats
# remote_ssh.bats - jobs on other hosts over real OpenSSH: two sshds on
# 127.0.0.1 ports (keys and configs in a temp dir, started in setup_file,
# stopped by pid in teardown_file) are the hosts h1 and h2. The "remote"
# jobs run on this machine, so leftovers are looked for by a unique sleep
# duration; '^sleep N' matches the job and not the stub that ran it.
# Skips, saying why, when openssh-server is not installed.

load helpers

have_sshd() {
	[ -x /usr/sbin/sshd ] && command -v ssh >/dev/null && command -v ssh-keygen >/dev/null
}

# ssh_up DIR [N]: N sshds (2 by default) on random free ports, retried
# when a port is taken.
ssh_up() {
	local try i ports
	for try in 1 2 3 4; do
		ports=()
		for ((i = 0; i < ${2:-2}; i++)); do
			ports+=($((20000 + i * 12000 + RANDOM % 12000)))
		done
		"$BATS_TEST_DIRNAME/lib/ssh-up.sh" "$1" "${ports[@]}" >/dev/null 2>&1 && return 0
		ssh_down "$1"
	done
	echo "sshd did not come up" >&2
	return 1
}

# ssh_down DIR: stop the sshds ssh_up started there, by pid.
ssh_down() {
	local p
	for p in "$1"/h*/sshd.pid; do
		if [ -s "$p" ]; then
			kill "$(cat "$p")" 2>/dev/null || true
		fi
		rm -f "$p"
	done
	return 0
}

setup_file() {
	have_sshd || return 0
	export FO_SSHD
	FO_SSHD=$(mktemp -d -t fo.XXXXXX)
	ssh_up "$FO_SSHD/ssh"
}

teardown_file() {
	[ -n "${FO_SSHD:-}" ] || return 0
	ssh_down "$FO_SSHD/ssh"
	rm -rf "$FO_SSHD"
}

setup() {
	have_sshd || skip "openssh-server is not installed"
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/fanout-test.XXXXXX")
	cd "$T" || return 1
	# fanout's private directory of sockets goes here: nothing may stay.
	export TMPDIR=$T
	SSH="ssh -F $FO_SSHD/ssh/ssh_config"
}

# Nothing of fanout's connections is left: no master, no directory (after
# a grace: when fanout is killed, its guardian removes the directory).
no_connections() {
	local i
	no_process "ControlPath=$T/fo-" || return 1
	for ((i = 0; i < 100; i++)); do
		compgen -G "$T/fo-*" >/dev/null || return 0
		sleep 0.05
	done
	echo "private directory left behind: $(ls -d "$T"/fo-*)" >&2
	return 1
}

@test "ssh: jobs spread over the hosts; the job log's Host is the sshlogin" {
	run fanout --ssh "$SSH" -S 1/h1,1/h2 --joblog log sh -c 'sleep 0.3; echo "$1 $FANOUT_HOST"' sh ::: 1 2 3 4
	[ "$status" -eq 0 ]
	[ "$(sort <<<"$output" | cut -d' ' -f1 | tr '\n' ' ')" = "1 2 3 4 " ]
	[ "$(cut -f2 log | sort -u | tr '\n' ' ')" = "Host h1 h2 " ]
	# Each job ran where the log says.
	while read -r seq host; do
		grep -qx "$seq $host" <<<"$output"
	done < <(awk -F'\t' 'NR > 1 { print $1, $2 }' log)
	no_connections
}

@test "ssh: -k keeps the input order; exit statuses come back" {
	run fanout --ssh "$SSH" -S h1,h2 -k --joblog log sh -c 'sleep 0.$(( $1 % 3 )); echo "out $1"; echo "err $1" >&2; exit $1' sh ::: 1 0 3 0 2
	[ "$status" -eq 1 ]
	[ "$(grep '^out' <<<"$output" | tr '\n' ' ')" = "out 1 out 0 out 3 out 0 out 2 " ]
	[ "$(awk -F'\t' 'NR > 1 { print $1 "=" $7 }' log | sort | tr '\n' ' ')" = "1=1 2=0 3=3 4=0 5=2 " ]
	no_connections
}

@test "ssh: a remote exit status of 255 with the host up is the job's failure" {
	run fanout --ssh "$SSH" -S h1 --joblog log sh -c 'exit 255' ::: x
	[ "$status" -eq 1 ]
	[ "$(awk -F'\t' 'NR > 1 { print $2, $7 }' log)" = "h1 255" ]
	[[ "$output" != *"is down"* ]]
}

@test "ssh: a record never runs as shell code, there or here" {
	run fanout --ssh "$SSH" -S h1 -k printf '[%s]\n' ::: "a; touch $T/p1" "\$(touch $T/p2)" "it's \`touch $T/p3\`" '' '*'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "[a; touch $T/p1]" ]
	[ "${lines[1]}" = "[\$(touch $T/p2)]" ]
	[ "${lines[2]}" = "[it's \`touch $T/p3\`]" ]
	[ "${lines[3]}" = "[]" ]
	[ "${lines[4]}" = "[*]" ]
	[ ! -e p1 ] && [ ! -e p2 ] && [ ! -e p3 ]
}

@test "ssh: a line as a shell command runs there, with --tag" {
	run fanout --ssh "$SSH" -S h1 --tag ::: 'echo one; echo two'
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf 'echo one; echo two\tone\necho one; echo two\ttwo')" ]
}

@test "ssh: ':' is this machine, beside remote hosts" {
	run fanout --ssh "$SSH" -S 1/:,1/h1 --joblog log sh -c 'sleep 0.3; echo "$1 ${FANOUT_HOST:-local}"' sh ::: 1 2 3 4
	[ "$status" -eq 0 ]
	[ "$(cut -f2 log | sort -u | tr '\n' ' ')" = ": Host h1 " ]
	grep -q ' local$' <<<"$output"
	grep -q ' h1$' <<<"$output"
}

@test "ssh: N/ sets a host's jobs at once; without it, the host's CPUs" {
	run fanout --ssh "$SSH" -S 1/h1 sh -c 'sleep 0.2; echo $FANOUT_SLOT' ::: 1 2 3
	[ "$status" -eq 0 ]
	[ "$(sort -u <<<"$output")" = 1 ]
	n=$(nproc)
	run fanout --ssh "$SSH" -S h1 --joblog log sh -c 'sleep 1; echo $FANOUT_SLOT' ::: $(seq $((n + 1)))
	[ "$status" -eq 0 ]
	[ "$(sort -u <<<"$output" | wc -l)" -eq "$n" ]
	# -j is per host.
	run fanout --ssh "$SSH" -S h1,h2 -j1 sh -c 'sleep 0.5; echo $FANOUT_HOST' ::: 1 2
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "h1 h2 " ]
}

@test "ssh: 12 jobs at once on one host past sshd's MaxSessions of 10: none refused" {
	# Each job waits (30 s at most: 12 logins on a loaded machine) until
	# all 12 have started, then says how many it saw: 12 sessions at once
	# need two masters.
	mkdir b
	run fanout --ssh "$SSH" -S 12/h1 sh -c 'touch "$1/$2"; i=0
		while [ "$(ls "$1" | wc -l)" -lt 12 ] && [ $i -lt 300 ]; do
			sleep 0.1; i=$((i + 1)); done; ls "$1" | wc -l' sh "$T/b" ::: $(seq 12)
	[ "$status" -eq 0 ]
	# Only the counts: root's login rc on this VM may say something on
	# stderr when 12 logins run it at once (pyenv: cannot rehash).
	[ "$(grep -cx '[0-9][0-9]*' <<<"$output")" -eq 12 ]
	[ "$(grep -x '[0-9][0-9]*' <<<"$output" | sort -u)" = 12 ]
	no_connections
}

@test "ssh: -j auto: up to 8 jobs per CPU on each host, the limit over all" {
	local c per
	c=$(nproc)
	per=$((8 * c > 16 ? 8 * c : 16))
	run fanout --ssh "$SSH" -S h1,1/h2 -j auto --stats sh -c 'echo "$FANOUT_HOST $FANOUT_SLOT"' sh ::: $(seq 30)
	[ "$status" -eq 0 ]
	[ "$(grep -c '^h[12] ' <<<"$output")" -eq 30 ]
	[[ "$output" == *"-j auto: limit "*" of MAX $((per + 1)) at the end"* ]]
	# --adaptive MAX is per host, as -j N is.
	run fanout --ssh "$SSH" -S h1,1/h2 --adaptive 3 --stats sh -c 'echo "$FANOUT_HOST $FANOUT_SLOT"' sh ::: $(seq 30)
	[ "$status" -eq 0 ]
	[[ "$output" == *"-j auto: limit "*" of MAX 4 at the end"* ]]
	[ "$(grep '^h1 ' <<<"$output" | sort -u | wc -l)" -le 3 ]
	[ "$(grep '^h2 ' <<<"$output" | sort -u | wc -l)" -eq 1 ]
	no_connections
}

@test "ssh: --sshloginfile, '-' for stdin, comments and blank lines" {
	printf '# the hosts\n\n1/h1\n  1/h2\n' >hosts
	run fanout --ssh "$SSH" --slf hosts --joblog log sh -c 'sleep 0.3' ::: 1 2 3 4
	[ "$status" -eq 0 ]
	[ "$(cut -f2 log | sort -u | tr '\n' ' ')" = "Host h1 h2 " ]
	run fanout --ssh "$SSH" --sshloginfile - echo ::: a <<<'h2'
	[ "$status" -eq 0 ]
	[ "$output" = a ]
}

@test "ssh: --env copies variables; --workdir sets the directory" {
	mkdir -p "$T/wd"
	FO_ONE='a b' FO_TWO="it's" run fanout --ssh "$SSH" -S h1 --env FO_ONE --env FO_TWO --env FO_UNSET \
		--workdir "$T/wd" sh -c 'echo "$FO_ONE|$FO_TWO|${FO_UNSET-unset}|$(pwd)"' ::: x
	[ "$status" -eq 0 ]
	[ "$output" = "a b|it's|unset|$T/wd" ]
	run fanout --ssh "$SSH" -S h1 --workdir "$T/none" --joblog wdlog pwd ::: x
	[ "$status" -eq 1 ]
	# As for local jobs: could not start there, 126.
	[ "$(awk -F'\t' 'NR > 1 { print $7 }' wdlog)" = 126 ]
}

@test "ssh: --timeout ends the remote job" {
	run fanout --ssh "$SSH" -S h1 --timeout 1 sleep ::: 873.1
	[ "$status" -eq 1 ]
	[[ "$output" == *"timed out after 1s"* ]]
	no_process '^sleep 873.1'
	no_connections
}

@test "ssh: Ctrl-C ends the remote job; exit 130" {
	env --default-signal=INT "$FANOUT" --ssh "$SSH" -S h1 sleep ::: 873.2 2>err 3>&- &
	pid=$!
	wait_for_process '^sleep 873.2'
	kill -INT "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 130 ]
	no_process '^sleep 873.2'
	no_connections
}

@test "ssh: SIGKILL of fanout ends the remote job too" {
	"$FANOUT" --ssh "$SSH" -S h1 sleep ::: 873.3 2>err 3>&- &
	pid=$!
	wait_for_process '^sleep 873.3'
	kill -KILL "$pid"
	wait "$pid" || true
	no_process '^sleep 873.3'
	# The masters die with fanout, and its guardian removes their files.
	no_connections
}

@test "ssh: Ctrl-C while connecting leaves no master and no directory" {
	# An ssh that never logs in: fanout waits for the master's socket.
	printf '#!/bin/sh\nexec sleep 873.9\n' >stuckssh
	chmod +x stuckssh
	env --default-signal=INT "$FANOUT" --ssh ./stuckssh -S h1 echo ::: a 2>err 3>&- &
	pid=$!
	wait_for_process '^sleep 873.9'
	compgen -G "$T/fo-*"
	kill -INT "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 130 ]
	no_process '^sleep 873.9'
	no_connections
}

# master_pid: the pid of the one master of this test's fanout.
master_pid() {
	pgrep -f "ControlPath=$T/fo-" | head -n1
}

@test "ssh: a master killed between jobs is restarted: no down line" {
	mkfifo in
	"$FANOUT" --ssh "$SSH" -S 1/h1 sh -c 'echo "done $1"' sh <in >out 2>err 3>&- &
	pid=$!
	exec 4>in
	echo 1 >&4
	wait_for_lines out 1
	m=$(master_pid)
	[ -n "$m" ]
	kill -KILL "$m"
	echo 2 >&4
	echo 3 >&4
	exec 4>&-
	st=0
	wait "$pid" || st=$?
	cat err >&2
	[ "$st" -eq 0 ]
	[ "$(sort out | tr '\n' ' ')" = "done 1 done 2 done 3 " ]
	[ "$(grep -c down err)" -eq 0 ]
	[ "$(master_pid)" = "" ]
	no_connections
}

@test "ssh: a master killed under a job: the job runs again, no down line" {
	"$FANOUT" --ssh "$SSH" -S 1/h1 --joblog log --stats sh -c '
		if [ "$1" = 1 ] && mkdir "$2/once" 2>/dev/null; then
			touch "$2/running"; exec sleep 873.8
		fi
		echo "done $1"' sh {} "$T" ::: 1 2 >out 2>err 3>&- &
	pid=$!
	wait_for running
	kill -KILL "$(master_pid)"
	st=0
	wait "$pid" || st=$?
	cat err >&2
	[ "$st" -eq 0 ]
	[ "$(sort out | tr '\n' ' ')" = "done 1 done 2 " ]
	[ "$(grep -c down err)" -eq 0 ]
	[ "$(awk -F'\t' 'NR > 1 { print $1, $7 }' log | sort -n | tr '\n' ' ')" = "1 0 2 0 " ]
	grep -qx 'fanout: stats: 1 attempts stopped and run again: 0 by --memfree, 1 with their host lost' err
	no_process '^sleep 873.8'
	no_connections
}

@test "ssh: --halt now ends the other remote jobs" {
	run fanout --ssh "$SSH" -S 2/h1 --halt now,fail=1 sh -c 'if [ "$1" = x ]; then sleep 0.5; exit 1; fi; exec sleep "$1"' sh ::: x 873.4
	[ "$status" -eq 1 ]
	no_process '^sleep 873.4'
	no_connections
}

@test "ssh: a host killed mid-run: every job still done exactly once" {
	ssh_up "$T/k"
	local killer
	(
		sleep 1.5
		l=$(cat "$T/k/h2/sshd.pid")
		for c in $(pgrep -P "$l"); do
			pkill -KILL -P "$c"
			kill -KILL "$c"
		done
		kill -KILL "$l"
	) &
	killer=$!
	run fanout --ssh "ssh -F $T/k/ssh_config" -S 2/h1,2/h2 --retries 0 --joblog log \
		sh -c 'sleep 1; echo "done $1"' sh ::: 1 2 3 4 5 6 7 8 9 10
	wait "$killer"
	ssh_down "$T/k"
	[ "$status" -eq 0 ]
	[ "$(grep '^done' <<<"$output" | sort -n -k2 | tr '\n' ' ')" = \
	  "done 1 done 2 done 3 done 4 done 5 done 6 done 7 done 8 done 9 done 10 " ]
	[[ "$output" == *"fanout: host 'h2' is down; its jobs go to the other hosts"* ]]
	[ "$(grep -c "is down" <<<"$output")" -eq 1 ]
	# One line a job in the log, each a success.
	[ "$(awk -F'\t' 'NR > 1 { print $1, $7 }' log | sort -n | tr '\n' ' ')" = \
	  "1 0 2 0 3 0 4 0 5 0 6 0 7 0 8 0 9 0 10 0 " ]
}

@test "ssh: a job that takes down each host it runs on fails after two; the others run" {
	# Three hosts, one job at a time on each. Job 1 kills the sshd of
	# the host it runs on: the listener (the host is down for good), its
	# connections and their children, in one go and deaf to the TERM
	# the stub sends when its channel closes. Lost once, it runs again
	# on another host, kills that one too, and fails; the third host
	# runs every other job. Without the rule it would kill the third
	# too: every host down.
	ssh_up "$T/k" 3
	run fanout --ssh "ssh -F $T/k/ssh_config" -S 1/h1,1/h2,1/h3 --ssh-give-up 20s \
		--joblog log --json-log json --stats sh -c 'if [ "$1" = x ]; then
			trap "" TERM
			l=$(cat "$2/$FANOUT_HOST/sshd.pid"); cs=$(pgrep -P "$l")
			gs=$(for c in $cs; do pgrep -P "$c"; done)
			kill -KILL "$l" $cs $gs
			trap - TERM
			exec sleep 874.1
		fi
		sleep 0.3; echo "done $1"' sh {} "$T/k" ::: x 1 2 3 4 5 6
	ssh_down "$T/k"
	[ "$status" -eq 1 ]
	[ "$(grep '^done' <<<"$output" | sort -n -k2 | tr '\n' ' ')" = \
	  "done 1 done 2 done 3 done 4 done 5 done 6 " ]
	[ "$(grep -c 'lost its host' <<<"$output")" -eq 1 ]
	grep -Eq "^fanout: job 1 \[pid [0-9]+\]: 'sh -c .*' lost its host on 2 hosts \('h[123]' and 'h[123]'\); not run again$" <<<"$output"
	[ "$(grep -c 'is down' <<<"$output")" -eq 2 ]
	[[ "$output" != *"giving up"* ]]
	# Run again once: the attempt that failed is not counted as such.
	grep -qx 'fanout: stats: 1 attempts stopped and run again: 0 by --memfree, 1 with their host lost' <<<"$output"
	# Logged once, as failed with ssh's 255, on the second host it lost.
	[ "$(awk -F'\t' 'NR > 1 { print $1, $7 }' log | sort -n | tr '\n' ' ')" = \
	  "1 255 2 0 3 0 4 0 5 0 6 0 7 0 " ]
	second=$(sed -n "s/.*lost its host on 2 hosts ('h.' and '\(h.\)').*/\1/p" <<<"$output")
	[ "$(awk -F'\t' '$1 == 1 { print $2 }' log)" = "$second" ]
	# The JSON log names both hosts, in the order they were lost.
	first=$(sed -n "s/.*lost its host on 2 hosts ('\(h.\)' and.*/\1/p" <<<"$output")
	[ "$first" != "$second" ]
	[ "$(grep -c "\"seq\":1,.*\"host\":\"$second\",\"lost_hosts\":\[\"$first\",\"$second\"\]" json)" -eq 1 ]
	[ "$(grep -c '"lost_hosts":null' json)" -eq 6 ]
	no_process '^sleep 874.1'
	no_connections
}

@test "ssh: a job that kills its own connection fails after 3 losses of the one host; the others run" {
	# One host, one job at a time. Job x kills the connection it runs
	# over (the sshd processes under the listener, which serve fanout's
	# one master) and not the listener: the host stays up, a new master
	# connects, and the job runs again on the same host. Without a bound
	# on losses of the same host it ran again for ever: hence timeout.
	ssh_up "$T/k" 1
	run timeout 120 "$FANOUT" --ssh "ssh -F $T/k/ssh_config" -S 1/h1 \
		--joblog log --json-log json --stats sh -c 'if [ "$1" = x ]; then
			echo run >>"$2/runs"
			trap "" TERM
			l=$(cat "$2/h1/sshd.pid"); cs=$(pgrep -P "$l")
			gs=$(for c in $cs; do pgrep -P "$c"; done)
			kill -KILL $cs $gs
			trap - TERM
			exec sleep 874.6
		fi
		sleep 0.3; echo "done $1"' sh {} "$T/k" ::: x 1 2 3
	[ -s "$T/k/h1/sshd.pid" ] && kill -0 "$(cat "$T/k/h1/sshd.pid")"
	ssh_down "$T/k"
	[ "$status" -eq 1 ]
	[ "$(grep '^done' <<<"$output" | sort -n -k2 | tr '\n' ' ')" = "done 1 done 2 done 3 " ]
	# Run 3 times, lost 3 times: the third loss fails it.
	[ "$(wc -l <"$T/k/runs")" -eq 3 ]
	[ "$(grep -c 'lost its host' <<<"$output")" -eq 1 ]
	grep -Eq "^fanout: job 1 \[pid [0-9]+\]: 'sh -c .*' lost its host 3 times \(on 'h1'\); not run again$" <<<"$output"
	[[ "$output" != *"is down"* ]]
	grep -qx 'fanout: stats: 2 attempts stopped and run again: 0 by --memfree, 2 with their host lost' <<<"$output"
	[ "$(awk -F'\t' 'NR > 1 { print $1, $2, $7 }' log | sort -n | tr '\n' ' ')" = \
	  "1 h1 255 2 h1 0 3 h1 0 4 h1 0 " ]
	[ "$(grep -c '"seq":1,.*"host":"h1","lost_hosts":\["h1"\]' json)" -eq 1 ]
	[ "$(grep -c '"lost_hosts":null' json)" -eq 3 ]
	no_process '^sleep 874.6'
	no_connections
}

@test "ssh: every host down: the jobs never start after --ssh-give-up" {
	run fanout --ssh "$SSH" -S 127.0.0.1:1 --ssh-give-up 2s echo ::: 1 2 3
	[ "$status" -eq 1 ]
	[[ "$output" == *"host '127.0.0.1:1' is down"* ]]
	[[ "$output" == *"every host has been down for 2s: giving up"* ]]
	[[ "$output" == *"3 never started"* ]]
	no_connections
}

@test "ssh: bad sshlogins and lone remote options are usage errors" {
	run fanout -S '' echo ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --sshlogin '': empty sshlogin" ]
	run fanout -S '-oProxyCommand=touch' echo ::: a
	[ "$status" -eq 2 ]
	[[ "$output" == *"must not begin with '-'"* ]]
	run fanout -S 0/h1 echo ::: a
	[ "$status" -eq 2 ]
	run fanout -S h1:99999 echo ::: a
	[ "$status" -eq 2 ]
	run fanout -S h1 --env 'A B' echo ::: a
	[ "$status" -eq 2 ]
	run fanout --slf nosuchfile echo ::: a
	[ "$status" -eq 2 ]
	printf 'h1\n0/h2\n' >hosts
	run fanout --slf hosts echo ::: a
	[ "$status" -eq 2 ]
	[[ "$output" == *"line 2"* ]]
	run fanout --slf - echo
	[ "$status" -eq 2 ]
	run fanout --ssh nosuchssh -S h1 echo ::: a
	[ "$status" -eq 2 ]
	[ ! -e x ]
}

@test "ssh: -M and --filter-hosts are accepted" {
	run fanout --ssh "$SSH" -M --filter-hosts -S h1 echo ::: ok
	[ "$status" -eq 0 ]
	[ "$output" = ok ]
}
