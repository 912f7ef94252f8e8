#!/usr/bin/env bats
# -j auto / --adaptive MAX: the in-flight limit moves by itself; it shows
# in the JSON log, --stats and --progress; overloads halve it; SIGUSR1 and
# SIGUSR2 move its MAX. The policy itself is replayed in test_adaptive.c.

load helpers

# limits FILE: the "limit" of every JSON line of FILE, in order, one a line.
limits() {
	python3 -c '
import json, sys
for l in open(sys.argv[1]):
    print(json.loads(l)["limit"])' "$1"
}

@test "-j auto: bad values are usage errors naming the option" {
	run fanout --adaptive 0 true ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --adaptive '0': must be at least 1" ]
	run fanout --adaptive lots true ::: a
	[ "$status" -eq 2 ]
	[[ "$output" == "fanout: --adaptive 'lots'"* ]]
	run fanout -j autox true ::: a
	[ "$status" -eq 2 ]
	[[ "$output" == "fanout: -j 'autox'"* ]]
	run fanout -j 4 --adaptive 8 true ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --adaptive cannot be used with --jobs (--adaptive MAX is -j auto with its MAX)" ]
	run fanout -j auto --overload-exit 256 true ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --overload-exit '256': must be at most 255" ]
	run fanout -j auto --overload-exit 75,,99 true ::: a
	[ "$status" -eq 2 ]
	[[ "$output" == "fanout: --overload-exit '75,,99': must be exit statuses separated by commas" ]]
	run fanout --overload-exit 75 true ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --overload-exit needs -j auto or --adaptive" ]
	[ ! -e a ]
}

@test "-j auto: every job runs; the limit is in the JSON log and --stats" {
	run fanout -j auto --stats --json-log j sh -c 'sleep 0.05; echo $0' ::: $(seq 30)
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | grep -c '^[0-9]*$')" -eq 30 ]
	echo "$output" | grep -q '^fanout: stats: -j auto: limit [0-9]* of MAX [0-9]* at the end, 1 to [0-9]*; [0-9]* increases, [0-9]* decreases on latency, 0 on overload$'
	[ "$(limits j | wc -l)" -eq 30 ]
	# Within 1..MAX, and it rose: 30 jobs near their best latency.
	[ "$(limits j | sort -n | head -1)" -ge 1 ]
	[ "$(limits j | sort -n | tail -1)" -ge 2 ]
	# A fixed -j has no limit to show.
	run fanout -j2 --stats --json-log k true ::: a
	[ "$(limits k)" = None ]
	[[ "$output" != *"-j auto"* ]]
}

@test "-j auto: overload exit statuses halve the limit down to 1" {
	# Twelve jobs let it grow (two windows of six); then every job says
	# "overloaded" (75). The twelve last 0.5 s: on a loaded machine the
	# jitter of 20 ms jobs can move their latency by more than a quarter,
	# and a decrease on latency down to 1 leaves the overloads nothing to
	# halve (seen once under tsan and load: no overload counted; and at
	# 0.25 s once in a full suite beside other builds: no growth).
	run fanout --adaptive 8 --overload-exit 9,75 --stats --json-log j \
		sh -c 'if [ $0 -le 12 ]; then sleep 0.5; else sleep 0.02; exit 75; fi' \
		::: $(seq 40)
	[ "$status" -eq 1 ]
	echo "$output"
	echo "$output" | grep -q 'decreases on latency, [1-9][0-9]* on overload$'
	limits j > l
	[ "$(head -12 l | sort -n | tail -1)" -ge 2 ]
	[ "$(tail -1 l)" -eq 1 ]
}

@test "-j auto: a timeout counts as overload" {
	# Twelve jobs of 0.25 s let the limit grow, as above (20 ms ones let
	# a loaded machine's jitter bring it down to 1, where an overload has
	# nothing to halve and is not counted); then four timeouts: the fast
	# jobs' last window may move the limit after the first ones started
	# (their samples are then left out); the last ones start after it.
	run fanout --adaptive 4 --timeout 1 --kill-after 100ms --stats \
		sh -c 'if [ $0 -le 12 ]; then sleep 0.25; else sleep 875.4; fi' \
		::: $(seq 16)
	[ "$status" -eq 1 ]
	echo "$output" | grep -q 'decreases on latency, [1-9][0-9]* on overload$'
	no_process 'sleep 875.4'
}

@test "-j auto: SIGUSR2 and SIGUSR1 move its MAX" {
	# The jobs wait for "go", so that the run outlasts the signals; each
	# signal is taken before the next is sent (two pending would merge).
	"$FANOUT" --adaptive 4 --stats sh -c 'touch started.$0; i=0
		while [ ! -e go ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
		sleep 0.05' ::: $(seq 60) 2>err &
	pid=$!
	# 30 s: in a full suite on a loaded machine the first start was once
	# later than 10 s.
	wait_for started.1 30 || { cat err; return 1; }
	for sig in USR2 USR2 USR2 USR1; do
		kill -"$sig" "$pid"
		signal_taken "$pid" "$sig"
	done
	touch go
	wait "$pid"
	cat err
	grep -q '^fanout: stats: -j auto: limit [12] of MAX 2 at the end' err
}

@test "-j auto: --progress shows the limit" {
	command -v script >/dev/null || skip "script(1) is not installed"
	script -qec "$FANOUT --progress -j auto sleep ::: 0.3 0.3 0.3 0.3" /dev/null \
		< /dev/null > tty.out
	grep -q 'limit [0-9]*/[0-9]*' tty.out
}
