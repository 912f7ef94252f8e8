#!/usr/bin/env bats
# --joblog: GNU parallel's columns and number formats, one line per attempt,
# whole lines however fanout ends, and --resume / --resume-failed.

load helpers

# not COMMAND...: COMMAND fails (a bare "! COMMAND" does not fail a test).
not() {
	! "$@"
}

# The structure of a job log, times left out: for each line after the
# header (sorted by Seq), the number of columns, then every column with
# Starttime and JobRuntime replaced by their shape.
shape() {
	tail -n +2 "$1" | awk -F'\t' -v OFS='\t' '{
		n = NF
		$3 = ($3 ~ /^[0-9]+\.[0-9][0-9][0-9]$/) ? "T" : "bad-start:" $3
		$4 = ($4 ~ /^ *[0-9]+\.[0-9][0-9][0-9]$/ && length($4) >= 10) ? \
			"R" : "bad-runtime:" $4
		print n, $0
	}' | sort -t "$(printf '\t')" -k2,2n
}

# log_col FILE COL: column COL of every line after the header.
log_col() {
	tail -n +2 "$1" | cut -f "$2"
}

@test "joblog: same header, columns and formats as GNU parallel's" {
	command -v parallel >/dev/null || skip "GNU parallel is not installed"
	# ok with stdout, exit 3, killed by a signal, killed by --timeout,
	# output on stderr only, command not found.
	printf '%s\n' 'echo hello' 'exit 3' 'kill -9 $$' 'sleep 30' \
		'echo err >&2' 'no-such-command-xyz' > jobs
	parallel --will-cite --timeout 2 -j3 --joblog p.log < jobs \
		>/dev/null 2>&1 || true
	run fanout --timeout 2 -j3 --joblog f.log < jobs
	[ "$status" -eq 1 ]
	[ "$(head -n 1 f.log)" = "$(head -n 1 p.log)" ]
	[ "$(head -n 1 f.log)" = "$(printf 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand')" ]
	shape p.log > p.shape
	shape f.log > f.shape
	cat f.shape
	diff p.shape f.shape
	# What the shapes hold, spelled out.
	grep -q "$(printf '^9\t1\t:\tT\tR\t0\t6\t0\t0\techo hello$')" f.shape
	grep -q "$(printf '^9\t3\t:\tT\tR\t0\t0\t0\t9\t')" f.shape
	grep -q "$(printf '^9\t4\t:\tT\tR\t0\t0\t-1\t15\tsleep 30$')" f.shape
	grep -q "$(printf '^9\t6\t:\tT\tR\t0\t0\t127\t0\t')" f.shape
}

@test "joblog: Receive counts the bytes of stdout only, Send is 0" {
	run fanout --joblog l sh -c 'printf 12345; echo more-bytes >&2' ::: x
	[ "$status" -eq 0 ]
	[ "$(log_col l 5)" = 0 ]
	[ "$(log_col l 6)" = 5 ]
}

@test "joblog: the command is the one run, shell-quoted; a newline is a NUL" {
	printf 'a b\0two\nlines\0' | fanout -j1 -0 --joblog l printf '%s' >/dev/null
	[ "$(tail -n +2 l | wc -l)" -eq 2 ]
	[ "$(log_col l 9 | head -n 1)" = "printf %s 'a b'" ]
	# The second command holds a NUL where the record had its newline.
	[ "$(log_col l 9 | tail -n 1 | tr '\0' '|')" = "printf %s 'two|lines'" ]
}

@test "joblog: one line per attempt with --retries" {
	run fanout --retries 2 --retry-delay 10ms --joblog l sh -c 'exit 3' ::: x
	[ "$status" -eq 1 ]
	[ "$(tail -n +2 l | wc -l)" -eq 3 ]
	[ "$(log_col l 1 | sort -u)" = 1 ]
	[ "$(log_col l 7 | sort -u)" = 3 ]
	# Fails once, then succeeds: two lines, the last one 0.
	run fanout --retries 3 --retry-delay 10ms --joblog l2 sh -c \
		'if [ -e tried ]; then exit 0; fi; touch tried; exit 1' ::: y
	[ "$status" -eq 0 ]
	[ "$(log_col l2 7 | tr '\n' ' ')" = "1 0 " ]
}

@test "joblog: a new run replaces the log, a resumed one adds to it" {
	fanout --joblog l true ::: a b
	fanout --joblog l true ::: c
	[ "$(grep -c '^Seq' l)" -eq 1 ]
	[ "$(tail -n +2 l | wc -l)" -eq 1 ]
	fanout --joblog l --resume true ::: c d
	[ "$(grep -c '^Seq' l)" -eq 1 ]
	[ "$(tail -n +2 l | cut -f1 | tr '\n' ' ')" = "1 2 " ]
}

@test "joblog: - is standard output, as in GNU parallel" {
	run fanout --joblog - true ::: a b
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "$(printf 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand')" ]
	[ "${#lines[@]}" -eq 3 ]
	[ ! -e - ]
}

@test "joblog: a log that cannot be opened is refused before anything runs" {
	mkdir d
	run fanout --joblog d touch ran ::: x
	[ "$status" -eq 2 ]
	[[ "$output" == "fanout: "*"'d'"* ]]
	[ ! -e ran ]
}

# A job that records when it starts and when it ends; jobs 3 and 4 hang
# while the file "hang" exists.
make_job() {
	cat > job.sh <<'EOF'
echo "$1" >> "started.$PHASE"
if [ -e hang ] && { [ "$1" = 3 ] || [ "$1" = 4 ]; }; then
	sleep 60
fi
echo "$1" >> finished
EOF
}

@test "--resume after Ctrl-C: no finished job runs again, none is lost" {
	make_job
	touch hang
	PHASE=1 env --default-signal=INT "$FANOUT" -j2 --joblog l sh job.sh ::: 1 2 3 4 5 6 7 8 \
		>/dev/null 2>&1 &
	pid=$!
	# Once 3 and 4 both run, both workers hang on them: nothing else runs.
	for ((i = 0; i < 200; i++)); do
		[ -e started.1 ] && grep -qx 3 started.1 && grep -qx 4 started.1 &&
			break
		sleep 0.05
	done
	grep -qx 3 started.1
	grep -qx 4 started.1
	kill -INT "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 130 ]
	# The log holds exactly the jobs that finished, all with status 0.
	[ "$(log_col l 1 | sort -n)" = "$(sort -n finished)" ]
	[ "$(log_col l 7 | sort -u)" = 0 ]
	not grep -qx 3 finished
	not grep -qx 4 finished
	cp finished finished.1

	rm hang
	PHASE=2 run fanout -j2 --joblog l --resume sh job.sh ::: 1 2 3 4 5 6 7 8
	[ "$status" -eq 0 ]
	# Every job finished exactly once over both runs ...
	[ "$(sort -n finished | tr '\n' ' ')" = "1 2 3 4 5 6 7 8 " ]
	# ... and the second run started only what had not finished.
	[ "$(sort -n started.2)" = "$(seq 8 | grep -vxF -f finished.1)" ]

	# Everything is done now: a third run starts nothing.
	PHASE=3 run fanout -j2 --joblog l --resume sh job.sh ::: 1 2 3 4 5 6 7 8
	[ "$status" -eq 0 ]
	[ ! -e started.3 ]
}

@test "--resume skips failed jobs too; --resume-failed runs them again" {
	# Even jobs fail until ok.N exists.
	cat > job.sh <<'EOF'
echo "$1" >> "ran.$PHASE"
[ $(($1 % 2)) -eq 1 ] || [ -e "ok.$1" ]
EOF
	PHASE=1 run fanout -j2 --joblog l sh job.sh ::: 1 2 3 4 5 6
	[ "$status" -eq 1 ]
	[ "$(sort -n ran.1 | tr '\n' ' ')" = "1 2 3 4 5 6 " ]

	# --resume: every job is in the log, failed or not: nothing runs.
	PHASE=2 run fanout -j2 --joblog l --resume sh job.sh ::: 1 2 3 4 5 6
	[ "$status" -eq 0 ]
	[ ! -e ran.2 ]

	touch ok.2 ok.4
	PHASE=3 run fanout -j2 --joblog l --resume-failed sh job.sh ::: 1 2 3 4 5 6
	[ "$status" -eq 1 ]
	[ "$(sort -n ran.3 | tr '\n' ' ')" = "2 4 6 " ]

	PHASE=4 run fanout -j2 --joblog l --resume-failed sh job.sh ::: 1 2 3 4 5 6
	[ "$status" -eq 1 ]
	[ "$(cat ran.4)" = 6 ]

	touch ok.6
	PHASE=5 run fanout -j2 --joblog l --resume-failed sh job.sh ::: 1 2 3 4 5 6
	[ "$status" -eq 0 ]
	[ "$(cat ran.5)" = 6 ]
	PHASE=6 run fanout -j2 --joblog l --resume-failed sh job.sh ::: 1 2 3 4 5 6
	[ "$status" -eq 0 ]
	[ ! -e ran.6 ]
}

@test "--resume -k: the remaining jobs' output still comes in input order" {
	fanout --joblog l echo ::: 1 2 3 >/dev/null
	run fanout -k -j3 --joblog l --resume sh -c 'sleep 0.$((4 - $0 % 4)); echo $0' \
		::: 1 2 3 4 5 6
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '4\n5\n6')" ]
}

@test "--resume needs --joblog" {
	run fanout --resume true ::: x
	[ "$status" -eq 2 ]
}

# every_line_whole FILE: each line has the 9 columns and ends in a newline.
every_line_whole() {
	[ -z "$(tail -c 1 "$1")" ]
	awk -F'\t' 'NF != 9 { print "torn: " $0; bad = 1 } END { exit bad }' "$1"
}

@test "joblog: whole lines when fanout is interrupted mid-run (SIGINT)" {
	seq 2000 | env --default-signal=INT "$FANOUT" -j4 --joblog l sh -c 'echo $0; sleep 0.01' \
		>/dev/null 2>&1 &
	pid=$!
	wait_for_lines l 21 30
	kill -INT "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 130 ]
	every_line_whole l
	# 20 lines were there before the signal (wait_for_lines counts the
	# header); a cancel that lands at once may add none.
	[ "$(tail -n +2 l | wc -l)" -ge 20 ]
	[ "$(tail -n +2 l | wc -l)" -lt 2000 ]
	# Jobs cut short by the cancel are not logged: all lines are successes.
	[ "$(log_col l 7 | sort -u)" = 0 ]
	[ "$(log_col l 8 | sort -u)" = 0 ]
}

@test "joblog: whole lines even when fanout is killed with SIGKILL" {
	seq 2000 | "$FANOUT" -j4 --joblog l sh -c 'echo $0; sleep 0.01' \
		>/dev/null 2>&1 &
	pid=$!
	wait_for_lines l 21 30
	kill -KILL "$pid"
	wait "$pid" || true
	every_line_whole l
	# And the next run appends after whole lines, resuming from them.
	run fanout -j4 --joblog l --resume true ::: $(seq 2000)
	[ "$status" -eq 0 ]
	every_line_whole l
	[ "$(log_col l 1 | sort -n | uniq | wc -l)" -eq 2000 ]
}

@test "joblog: --dry-run leaves the log alone, and --resume still skips" {
	run fanout --dry-run --joblog l echo ::: a
	[ "$output" = "echo a" ]
	[ ! -e l ]
	fanout --joblog l echo ::: a b > /dev/null
	cp l before
	run fanout --dry-run --joblog l --resume echo ::: a b c
	[ "$output" = "echo c" ]
	cmp l before
}
