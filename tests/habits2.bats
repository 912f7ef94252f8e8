#!/usr/bin/env bats
# habits2.bats - more of issue 12: each failed job named on stderr
# (--quiet-failures for GNU parallel's silence), scripts without #!, a bad
# #! interpreter, a terminal on stdin, and GNU parallel's options that
# users type by habit.

load helpers

# nopid: fanout's lines with "[pid N]" for the pid, which changes each run.
nopid() {
	sed -E 's/^(fanout: job [0-9]+ \[pid )[0-9]+\]/\1N]/'
}

@test "each failed job is named once on stderr: exit status, signal, timeout" {
	run fanout -k --timeout 1 sh -c '
		case $1 in
		ok) echo fine ;;
		st) echo out; exit 3 ;;
		sig) kill -9 $$ ;;
		slow) sleep 813.5 ;;
		esac' sh ::: ok st sig slow
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "$output" | grep -v '^fanout:')" = $'fine\nout' ]
	[ "$(printf '%s\n' "$output" | grep '^fanout:' | nopid | sort)" = "\
fanout: job 2 [pid N]: 'sh -c '...' exited with status 3
fanout: job 3 [pid N]: 'sh -c '...' killed by signal 9 (SIGKILL)
fanout: job 4 [pid N]: 'sh -c '...' timed out after 1s" ]
	no_process 'sleep 813.5'
}

@test "a failed job's line names its pid and comes after its output" {
	run fanout sh -c 'echo "pid $$"; exit 2' ::: x
	[ "$status" -eq 1 ]
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[1]}" = "fanout: job 1 [${lines[0]}]: 'sh -c 'echo \"pid \$\$\"; exit 2' x' exited with status 2" ]
	# As the job log has it: the same job, the same command.
	run fanout --joblog log false ::: a b
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "${lines[@]}" | nopid | sort)" = "\
fanout: job 1 [pid N]: 'false a' exited with status 1
fanout: job 2 [pid N]: 'false b' exited with status 1" ]
	[ "$(cut -f9 log | tail -n +2 | sort | tr '\n' ,)" = "false a,false b," ]
}

@test "the command in the line is cut at its first line break and at 80 bytes" {
	run fanout -s 'echo {} >/dev/null; exit 1' ::: "$(printf 'a\nb')"
	[ "$(nopid <<<"$output")" = "fanout: job 1 [pid N]: 'echo 'a...' exited with status 1" ]
	long=$(printf 'x%.0s' $(seq 100))
	run fanout false "$long" ::: a
	[ "$(nopid <<<"$output")" = "fanout: job 1 [pid N]: 'false ${long:0:74}...' exited with status 1" ]
	# No COMMAND: the line is the command.
	run bash -c "echo 'exit 7' | '$FANOUT'"
	[ "$(nopid <<<"$output")" = "fanout: job 1 [pid N]: 'exit 7' exited with status 7" ]
}

@test "a retried job is named once, for its last attempt" {
	run fanout --retries 2 --retry-delay 10ms false ::: a
	[ "$status" -eq 1 ]
	[ "$(nopid <<<"$output")" = "fanout: job 1 [pid N]: 'false a' exited with status 1 after 3 attempts" ]
	# One that succeeds on a retry is not named at all.
	run fanout --retries 1 --retry-delay 10ms sh -c '[ -e seen ] || { touch seen; exit 1; }' ::: a
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "--quiet-failures: as quiet as GNU parallel; the status and the log still tell" {
	run fanout --quiet-failures --joblog log sh -c 'exit 4' ::: a
	[ "$status" -eq 1 ]
	[ -z "$output" ]
	[ "$(tail -1 log | cut -f7)" = 4 ]
	run fanout --quiet-failures=x true
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --quiet-failures takes no value" ]
}

@test "jobs ended by a cancel of the run are not named" {
	"$FANOUT" -j2 sleep ::: 815.5 815.5 2>err &
	pid=$!
	for i in $(seq 100); do
		[ "$(pgrep -fc 'sleep 815.5')" -ge 2 ] && break
		sleep 0.1
	done
	kill -TERM "$pid"
	wait "$pid" || st=$?
	[ "$st" -eq 143 ]
	[ -z "$(grep 'fanout: job' err)" ]
	grep -q '^fanout: cancelled: ' err
}

@test "a script without #! runs through /bin/sh, as execvp and xargs do" {
	printf 'echo "no #!: $1"\n' > noshebang.sh
	chmod +x noshebang.sh
	run fanout -k ./noshebang.sh ::: a b
	[ "$status" -eq 0 ]
	[ "$output" = $'no #!: a\nno #!: b' ]
	# The same as xargs.
	[ "$(echo a | xargs ./noshebang.sh)" = "no #!: a" ]
	# Found in PATH too; with no COMMAND the line's shell runs it anyway.
	run env PATH="$PWD:$PATH" "$FANOUT" noshebang.sh ::: c
	[ "$output" = "no #!: c" ]
}

@test "a bad #! interpreter is named, not the script: 127 missing, 126 not executable" {
	printf '#!/no/such/interp -x\necho hi\n' > bad.sh
	printf '#!%s\necho hi\n' "$PWD/noexec" > noexec.sh
	: > noexec
	chmod +x bad.sh noexec.sh
	run fanout --joblog log ./bad.sh ::: a b
	[ "$status" -eq 1 ]
	[ "$output" = "fanout: cannot run './bad.sh': interpreter '/no/such/interp' not found" ]
	[ "$(cut -f7 log | tail -n +2 | sort -u)" = 127 ]
	run fanout --joblog log ./noexec.sh ::: a
	[ "$status" -eq 1 ]
	[ "$output" = "fanout: cannot run './noexec.sh': interpreter '$PWD/noexec' not executable" ]
	[ "$(cut -f7 log | tail -n +2)" = 126 ]
	# A command that varies per job: each job says it, named.
	run fanout -k {} ::: ./bad.sh ./bad.sh
	[ "$(sort <<<"$output")" = "fanout: job 1: cannot run './bad.sh': interpreter '/no/such/interp' not found
fanout: job 2: cannot run './bad.sh': interpreter '/no/such/interp' not found" ]
}

@test "a varying command that cannot run is named by its job, as a failed job is" {
	printf 'echo hi\n' > noexec.sh
	run fanout {} ::: ./no-such-1 ./noexec.sh true
	[ "$status" -eq 1 ]
	[ "$(sort <<<"$output")" = "fanout: job 1: cannot run './no-such-1': not found
fanout: job 2: cannot run './noexec.sh': not executable" ]
	# Fixed: once for the run, no job named (every job would say it).
	run fanout ./no-such-1 ::: a b
	[ "$output" = "fanout: cannot run './no-such-1': not found" ]
}

@test "a fanout message after a job's output that did not end its line starts a line of its own" {
	# 2>&1: one file, so stdout's unended line counts too.
	run fanout sh -c 'printf partial; exit 3' ::: a
	[ "$status" -eq 1 ]
	[ "${lines[0]}" = partial ]
	[[ "${lines[1]}" == "fanout: job 1 [pid "*"]: 'sh -c 'printf partial; exit 3' a' exited with status 3" ]]
	# The job's stderr piece, and only stderr's when the two are apart.
	fanout sh -c 'printf out; printf err >&2; exit 3' ::: a >out 2>err && false
	[ "$(cat out)" = out ]
	[ "$(head -c 4 err | od -An -c | tr -d ' ')" = 'err\n' ]
	[ "$(wc -l <err)" -eq 2 ]
	fanout sh -c 'printf out; exit 3' ::: a >out 2>err && false
	[[ "$(cat err)" == "fanout: job 1 "* ]]
	# A line that ended is not followed by an empty one.
	run fanout sh -c 'echo whole >&2; exit 3' ::: a
	[ "${#lines[@]}" -eq 2 ]
	[ "${lines[0]}" = whole ]
}

@test "records read from a terminal: said once on stderr, as parallel does" {
	command -v script >/dev/null || skip "script (bsdutils) is not installed"
	# script runs fanout on a pseudo-terminal; Ctrl-D ends the input.
	run bash -c "(printf 'hello\n'; sleep 0.5; printf '\004'; sleep 1) |
		script -qec '$FANOUT echo got' /dev/null"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'fanout: reading records from the terminal (Ctrl-D to end)' <<<"$output")" = 1 ]
	[[ "$output" == *"got hello"* ]]
	# Records from elsewhere: nothing said, the terminal is not read.
	echo f > recs
	run script -qec "$FANOUT echo got ::: x; $FANOUT -a recs echo got" /dev/null </dev/null
	[ "$(tr -d '\r' <<<"$output")" = $'got x\ngot f' ]
	# Not a terminal: nothing said.
	run bash -c "echo y | '$FANOUT' echo got"
	[ "$output" = "got y" ]
}

@test "--halt now,success=1: the first success stops the run, exit 0, as in parallel" {
	start=$(date +%s)
	run fanout -j2 --quiet-failures --halt now,success=1 sh -c '
		case $1 in ok) sleep 0.5; echo found ;; bad) exit 1 ;; *) sleep 817.5 ;; esac' sh ::: bad ok slow later
	[ "$status" -eq 0 ]
	[ "$(grep -v '^fanout:' <<<"$output")" = found ]
	[[ "$output" == *"fanout: halted: 1 done, 1 failed, 1 cancelled, 1 never started"* ]]
	[ $(($(date +%s) - start)) -lt 20 ]
	no_process 'sleep 817.5'
	# -2 is now,success=1; -1 soon,success=1 lets running jobs finish.
	run fanout -j1 --halt -2 echo ::: a b
	[ "$status" -eq 0 ]
	[ "$output" = $'a\nfanout: halted: 1 done, 0 failed, 0 cancelled, 1 never started' ]
	run fanout -j2 --halt -1 sh -c 'case $1 in a) sleep 1 ;; b) sleep 2 ;; esac; echo $1' sh ::: a b c
	[ "$status" -eq 0 ]
	[ "$(grep -v '^fanout:' <<<"$output" | sort)" = $'a\nb' ]
}

@test "--halt soon,fail=20%: a percentage of all the jobs" {
	# Jobs 2 and 4 fail: 2 of 10 is 20%; job 5 does not start.
	run fanout -j1 --quiet-failures --halt soon,fail=20% sh -c 'echo $1; [ $(($1 % 2)) = 1 ]' sh ::: $(seq 10)
	[ "$status" -eq 1 ]
	[ "$output" = $'1\n2\n3\n4\nfanout: halted: 2 done, 2 failed, 0 cancelled, 6 never started' ]
	# From a stream: the total is known once the input ends.
	run bash -c "seq 10 | '$FANOUT' -j1 --quiet-failures --halt 30% sh -c 'echo \$0; exit 1'"
	[ "$status" -eq 1 ]
	[ "$output" = $'1\n2\n3\nfanout: halted: 0 done, 3 failed, 0 cancelled, 7 never started' ]
	# Less than the percentage: the run goes to its end.
	run fanout -j1 --quiet-failures --halt soon,fail=50% sh -c '[ $1 != 1 ]' sh ::: 1 2 3
	[ "$status" -eq 1 ]
	[ -z "$output" ]
}

@test "--halt soon,done=N: after N jobs either way; exit 1 only if one failed" {
	run fanout -j1 --halt soon,done=2 echo ::: a b c
	[ "$status" -eq 0 ]
	[ "$output" = $'a\nb\nfanout: halted: 2 done, 0 failed, 0 cancelled, 1 never started' ]
	run fanout -j1 --quiet-failures --halt now,done=2 sh -c 'echo $1; [ $1 != b ]' sh ::: a b c
	[ "$status" -eq 1 ]
	[ "$output" = $'a\nb\nfanout: halted: 1 done, 1 failed, 0 cancelled, 1 never started' ]
}

@test "--halt: a value outside parallel's grammar is refused" {
	for v in 3 soon soon,fail= now,fail=0 soon,fail=101% later,fail=1 soon,oops=1 100%; do
		run fanout --halt "$v" touch ran ::: x
		[ "$status" -eq 2 ]
		[ "$output" = "fanout: --halt '$v': must be soon or now, then fail, success or done =N or =N% (e.g. soon,fail=1); or 0, 1, 2, -1, -2" ]
	done
	[ ! -e ran ]
}

@test "--joblog +FILE appends to the log, with no second header" {
	run fanout --joblog +log true ::: a
	[ "$status" -eq 0 ]
	run fanout --joblog +log true ::: b c
	[ "$status" -eq 0 ]
	[ "$(grep -c '^Seq' log)" = 1 ]
	[ "$(cut -f9 log | tail -n +2 | sort | tr '\n' ,)" = "true a,true b,true c," ]
	# Without +, a new run replaces the log.
	run fanout --joblog log true ::: d
	[ "$(cut -f9 log | tail -n +2)" = "true d" ]
	run fanout --joblog + true ::: x
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --joblog: needs a FILE" ]
}

@test "--nice N: the jobs run at niceness N, fanout stays at its own" {
	base=$(ps -o ni= -p $$ | tr -d ' ')
	run fanout --nice 19 sh -c 'echo $(ps -o ni= -p $$) $(ps -o ni= -p $PPID)' ::: a
	[ "$status" -eq 0 ]
	[ "$output" = "19 $base" ]
	# Every process of the job: its children's too.
	run fanout --nice 19 sh -c 'sh -c "ps -o ni= -p \$\$" | tr -d " "' ::: a
	[ "$output" = 19 ]
	run fanout --nice 20 true
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --nice '20': must be at most 19" ]
	# Lower than fanout's own: root may, anyone else gets told.
	run fanout --nice -20 sh -c 'ps -o ni= -p $$ | tr -d " "' ::: a
	if [ "$(id -u)" = 0 ]; then
		[ "$output" = -20 ]
	elif [ "$base" -gt -20 ]; then
		[ "${lines[0]}" = "fanout: --nice -20: only root may lower the niceness; the jobs run at $base, as fanout does" ]
	fi
}

@test "--tmpdir DIR: held output spills there; it is TMPDIR, for the jobs too" {
	mkdir spill
	run fanout --tmpdir spill sh -c 'echo $TMPDIR' ::: a
	[ "$output" = spill ]
	# -k behind a slow first job, a 64K buffer: the others spill to DIR.
	# Job 1 looks (10 s at most) until a spill file is open in fanout.
	"$FANOUT" -k -j2 --buffer-size 64K --tmpdir "$PWD/spill" sh -c \
		'if [ $1 = 1 ]; then i=0
			until ls -l /proc/$PPID/fd | grep -q spill || [ $i -ge 200 ]; do
				sleep 0.05; i=$((i + 1)); done
			ls -l /proc/$PPID/fd | grep -c spill
		else head -c 300000 /dev/zero; fi' sh ::: 1 2 > out
	[ "$(head -1 out)" -ge 1 ]
	[ "$(wc -c < out)" -eq 300002 ]
	run fanout --tmpdir no-such-dir true
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --tmpdir 'no-such-dir': No such file or directory" ]
	touch file
	run fanout --tmpdir file true
	[ "$output" = "fanout: --tmpdir 'file': not a directory" ]
}

@test "--tagstring STR: --tag with STR's replacement strings as the tag" {
	mkdir a b
	printf '1\n2\n' > a/x.txt
	printf '1\n' > b/y.txt
	run fanout -k --tagstring '{#}:{/.}' cat ::: a/x.txt b/y.txt
	[ "$status" -eq 0 ]
	[ "$output" = $'1:x\t1\n1:x\t2\n2:y\t1' ]
	# stderr too, slots, columns of several sources, --line-buffer.
	run fanout -j1 -k --lb --tagstring '[{%}|{2}|{1}]' sh -c 'echo "$1 $2"; echo e >&2' sh ::: p q ::: 7
	[ "$output" = $'[1|7|p]\tp 7\n[1|7|p]\te\n[1|7|q]\tq 7\n[1|7|q]\te' ]
	# Without replacement strings: the same tag on every job, as parallel.
	run fanout -k --tagstring T echo ::: a b
	[ "$output" = $'T\ta\nT\tb' ]
	run fanout --tagstring x -u echo ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --tagstring cannot be used with --ungroup" ]
}

@test "--results DIR: each job's stdout and stderr also in DIR/SEQ/, the output as usual" {
	run fanout -k --results out sh -c 'echo "o $1"; echo "e $1" >&2; [ $1 != b ]' sh ::: a b
	[ "$status" -eq 1 ]
	[ "$(grep -v '^fanout: job' <<<"$output")" = $'o a\ne a\no b\ne b' ]
	[ "$(cat out/1/stdout)" = "o a" ]
	[ "$(cat out/1/stderr)" = "e a" ]
	[ "$(cat out/2/stdout)" = "o b" ]
	[ "$(cat out/2/stderr)" = "e b" ]
	[ "$(ls out | tr '\n' ,)" = "1,2," ]
	# A retried job's files hold its last attempt only.
	run fanout --results out2 --retries 1 --retry-delay 10ms sh -c \
		'if [ -e seen ]; then echo second; else touch seen; echo first; exit 1; fi' ::: x
	[ "$status" -eq 0 ]
	[ "$(cat out2/1/stdout)" = second ]
	run fanout --results out -u echo ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --results cannot be used with --ungroup (its output does not pass through fanout)" ]
}

@test "--results: a directory that cannot be made is said once, exit 3" {
	touch file
	run fanout --results file/sub echo ::: a b
	[ "$status" -eq 3 ]
	[ "${#lines[@]}" -eq 3 ]
	[ "$(grep -c "^fanout: cannot make directory 'file/sub' (--results): Not a directory" <<<"$output")" = 1 ]
}
