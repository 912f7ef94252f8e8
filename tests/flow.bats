#!/usr/bin/env bats
# Flow control: --rate/--burst, --batch/--batch-timeout, --breaker,
# --retries/--retry-delay, --halt.

load helpers

# starts LOG: the jobs' start times (seconds) from a --joblog, sorted.
starts() {
	tail -n +2 "$1" | cut -f3 | sort -n
}

# within_bucket BURST RATE: every window of the start times on stdin holds
# at most BURST + RATE * width starts (+1 for the log's millisecond rounding).
within_bucket() {
	awk -v b="$1" -v r="$2" '
		{ t[NR] = $1 }
		END {
			for (i = 1; i <= NR; i++)
				for (j = i; j <= NR; j++)
					if (j - i + 1 > b + r * (t[j] - t[i]) + 1) {
						printf "%d starts in %.3fs\n", j - i + 1, t[j] - t[i]
						exit 1
					}
		}'
}

@test "--rate 10/s: 30 jobs on 8 workers take at least ~2.5 s, never above the bucket" {
	t0=$(date +%s%N)
	run bash -c "seq 30 | '$FANOUT' -j8 --rate 10/s --joblog log sh -c 'date +%s.%N'"
	ms=$(( ($(date +%s%N) - t0) / 1000000 ))
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 30 ]
	[ "$ms" -ge 2500 ]
	starts log | within_bucket 1 10
}

@test "--burst 5 lets five start at once, then the rate holds" {
	run bash -c "seq 10 | '$FANOUT' -j8 --rate 2/s --burst 5 --joblog log true"
	[ "$status" -eq 0 ]
	starts log | within_bucket 5 2
	first=$(starts log | head -1)
	fifth=$(starts log | sed -n 5p)
	# The first five need no tokens: they go at once, where the rate
	# alone would start the fifth 2 s after the first (the bound leaves
	# a loaded machine 1.5 s for five starts).
	awk -v a="$first" -v b="$fifth" 'BEGIN { exit !(b - a < 1.5) }'
}

@test "--rate: jobs start in input order, whichever worker holds them" {
	run bash -c "'$FANOUT' --rate 5/s -j4 --joblog log echo ::: \$(seq 8)"
	[ "$status" -eq 0 ]
	# The job log's Seq column in order of start time (200 ms apart).
	order=$(tail -n +2 log | sort -s -t "$(printf '\t')" -k3,3n | cut -f1 | tr '\n' ' ')
	[ "$order" = "1 2 3 4 5 6 7 8 " ]
}

@test "--rate with --halt soon: the jobs that started are the first ones" {
	run bash -c "'$FANOUT' --rate 5/s -j4 --halt soon,fail=1 --joblog log sh -c 'exit \$0' ::: 0 0 1 0 0 0 0 0"
	[ "$status" -eq 1 ]
	n=$(tail -n +2 log | wc -l)
	[ "$n" -ge 3 ]
	# No later record started while an earlier one never did: 1 .. n.
	[ "$(tail -n +2 log | cut -f1 | sort -n | tr '\n' ' ')" = "$(seq "$n" | tr '\n' ' ')" ]
}

@test "--rate accepts N/UNIT forms and refuses nonsense" {
	for r in 10/s 600/m 5/100ms 0.5/s 100 2/h; do
		run fanout --rate "$r" true ::: x
		[ "$status" -eq 0 ]
	done
	for r in 0/s -1/s 10/x /s abc 10/0s; do
		run fanout --rate "$r" true ::: x
		[ "$status" -eq 2 ]
		[[ "$output" == "fanout: --rate '$r': "* ]]
	done
}

@test "--batch N puts up to N records on one command line" {
	run bash -c "seq 7 | '$FANOUT' -k --batch 3 echo"
	[ "$output" = $'1 2 3\n4 5 6\n7' ]
	run fanout -k -n 2 echo 'x{}y' ::: a b c
	[ "$output" = $'xay xby\nxcy' ]
	run fanout -k -n 2 echo '[' {} ']' ::: a b c
	[ "$output" = $'[ a b ]\n[ c ]' ]
}

@test "--batch-timeout sends a partial batch while input is still open" {
	mkfifo in
	"$FANOUT" -u -a in --batch 100 --batch-timeout 300ms sh -c 'echo "$@" >> got' sh 3>&- &
	pid=$!
	exec 5>in
	# One write: two echos could be 300 ms apart on a loaded machine.
	printf 'a\nb\n' >&5
	# The whole line: "got" exists before the job's echo writes to it.
	wait_for_lines got 1
	[ "$(cat got)" = "a b" ]
	exec 5>&-
	wait "$pid"
}

@test "--batch-timeout needs --batch above 1" {
	run fanout --batch-timeout 1s true ::: x
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --batch-timeout needs --batch N with N above 1" ]
}

@test "batches are cut to fit the system's argument limits" {
	# 1000 records of 10 KiB: 10 MB, far more than one command line holds.
	line=$(head -c 10240 /dev/zero | tr '\0' x)
	for i in $(seq 1000); do echo "$line"; done > big
	run bash -c "'$FANOUT' -a big --batch 1000 sh -c 'echo \$#' sh"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -gt 1 ]
	total=0
	for n in "${lines[@]}"; do
		[ "$n" -lt 1000 ]
		total=$(( total + n ))
	done
	[ "$total" -eq 1000 ]
}

@test "a record too long for any command line fails that job, the run goes on" {
	{ echo small; head -c 200000 /dev/zero | tr '\0' x; echo; echo last; } > recs
	run fanout -k -a recs sh -c 'echo ${#0}'
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "${lines[@]}" | grep -v '^fanout:' | tr '\n' ' ')" = "5 4 " ]
	[ "$(printf '%s\n' "${lines[@]}" | grep '^fanout:')" = "fanout: job 2: argument list too long (record 2)" ]
}

@test "--breaker opens on a run of failures and closes after a good probe" {
	run bash -c "seq 12 | '$FANOUT' -j1 --quiet-failures --breaker 3 --breaker-cooldown 300ms sh -c '[ \$0 -gt 4 ]' 2>err; cat err"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "fanout: breaker open after 3 failed jobs in a row; next try in 0.3s" ]
	[ "${lines[1]}" = "fanout: breaker half-open: starting one probe job" ]
	[ "${lines[2]}" = "fanout: breaker open again: probe job failed; next try in 0.3s" ]
	[ "${lines[3]}" = "fanout: breaker half-open: starting one probe job" ]
	[ "${lines[4]}" = "fanout: breaker closed: probe job succeeded" ]
	[ "${#lines[@]}" -eq 5 ]
}

@test "--breaker: jobs wait while it is open; none is lost" {
	run bash -c "seq 20 | '$FANOUT' -j4 --breaker 2 --breaker-cooldown 200ms sh -c 'echo \$0; [ \$0 -gt 3 ]' 2>/dev/null | sort -n | tr '\n' ' '"
	[ "$output" = "$(seq 20 | tr '\n' ' ')" ]
}

@test "--breaker with many workers: one probe at a time while half-open" {
	# Every job fails: each half-open period must start exactly one job.
	run bash -c "seq 40 | '$FANOUT' -j8 --breaker 2 --breaker-cooldown 200ms --halt soon,fail=12 --joblog log false 2>err"
	[ "$(grep -c 'half-open' err)" -ge 2 ]
	# After each "open" line, until the next "half-open", no job may start:
	# the log can only grow by one job per half-open line past the first trip.
	trips=$(grep -c 'breaker open' err)
	probes=$(grep -c 'half-open' err)
	[ "$probes" -le "$trips" ]
}

@test "--retries: a job that fails twice then succeeds, with backoff" {
	run fanout -k --retries 3 --retry-delay 100ms --joblog log sh -c \
		'n=$(cat cnt 2>/dev/null || echo 0); n=$((n+1)); echo $n > cnt; echo attempt $n; [ $n -ge 3 ]' ::: a
	[ "$status" -eq 0 ]
	# Only the final attempt's output is written.
	[ "$output" = "attempt 3" ]
	[ "$(tail -n +2 log | wc -l)" -eq 3 ]
	[ "$(tail -n +2 log | cut -f7 | tr '\n' ' ')" = "1 1 0 " ]
}

@test "--retries: a job that keeps failing fails after N more attempts" {
	run fanout --retries 2 --retry-delay 10ms --joblog log sh -c 'echo x >> tries; exit 4' ::: a
	[ "$status" -eq 1 ]
	[ "$(wc -l < tries)" -eq 3 ]
}

@test "--retries does not hold a worker while waiting" {
	# With one worker, a retry waiting 2 s must not delay the other jobs.
	t0=$(date +%s%N)
	run fanout -j1 -k --retries 1 --retry-delay 2s sh -c '[ "$0" != a ] || [ -e seen ] || { touch seen; exit 1; }; date +%s%N > "done.$0"' ::: a b c
	[ "$status" -eq 0 ]
	# b and c finished before a's retry.
	[ "$(cat done.b)" -lt "$(cat done.a)" ]
	[ "$(cat done.c)" -lt "$(cat done.a)" ]
}

@test "--halt soon,fail=2: nothing new after two failures, running jobs finish" {
	run bash -c "seq 10 | '$FANOUT' -j1 --quiet-failures --halt soon,fail=2 sh -c 'echo \$0; exit 1'"
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = 1 ]
	[ "${lines[1]}" = 2 ]
	[[ "${lines[2]}" == "fanout: halted: 0 done, 2 failed, 0 cancelled, "* ]]
	[ "${#lines[@]}" -eq 3 ]
}

@test "--halt now,fail=1: running jobs are killed at the first failure" {
	t0=$(date +%s)
	run bash -c "'$FANOUT' -j2 --halt now,fail=1 sh -c '[ \$0 = 1 ] && exit 1; sleep 421.\$0' ::: 1 2 3"
	[ "$status" -eq 1 ]
	[ $(( $(date +%s) - t0 )) -lt 10 ]
	[[ "$output" == *"fanout: halted: 0 done, 1 failed, "* ]]
	no_process 'sleep 421.'
}

@test "-k keeps order with retries, rate and batches together" {
	run fanout -k -j4 --rate 50/s --burst 4 --retries 1 --retry-delay 10ms -n 2 \
		sh -c 'f=seen.$1; [ -e $f ] || { touch $f; [ $(($1 % 3)) -ne 0 ] || exit 1; }; echo "$@"' sh ::: $(seq 20)
	[ "$status" -eq 0 ]
	[ "$output" = "$(seq 20 | paste -d' ' - -)" ]
}

@test "-k with --retries: the last attempt at the head streams live" {
	"$FANOUT" -k --retries 1 --retry-delay 10ms sh -c \
		'if [ -e tried ]; then echo live; sleep 431.5; else touch tried; echo hidden; exit 1; fi' \
		::: x > out 2> err 3>&- &
	pid=$!
	wait_for_lines out 1 20
	[ "$(cat out)" = live ]
	kill -TERM "$pid"
	wait "$pid" || true
	no_process 'sleep 431.5'
}
