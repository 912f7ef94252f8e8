#!/usr/bin/env bats
# habits.bats - what GNU parallel and xargs users type by habit (issue 12):
# fanout takes it with the same meaning, or refuses it with exit status 2
# and a message that says what to write; a habit token never reaches a
# command as literal text.

load helpers

# refused MESSAGE ARGS...: fanout ARGS exits 2 with exactly "fanout: MESSAGE"
# and runs nothing (the commands in ARGS use touch to show it).
refused() {
	local want=$1
	shift
	run fanout "$@"
	[ "$status" -eq 2 ] || { echo "exit $status: $output" >&2; return 1; }
	[ "$output" = "fanout: $want" ] || { echo "got: $output" >&2; return 1; }
	[ -z "$(ls)" ] || { echo "something ran: $(ls)" >&2; return 1; }
}

# max_slot N OPTIONS...: run 2N jobs that each wait (up to 10 s) until N of
# them have started, and print the highest worker slot used: N when fanout
# ran exactly N at once.
max_slot() {
	local n=$1
	shift
	fanout "$@" sh -c 'touch "started.$FANOUT_SEQ"; i=0
		while [ "$(ls started.* | wc -l)" -lt "$1" ] && [ $i -lt 100 ]; do
			sleep 0.1; i=$((i + 1))
		done
		echo "$FANOUT_SLOT"' sh "$n" ::: $(seq $((2 * n))) | sort -n | tail -1
}

@test "-r and --no-run-if-empty are accepted: empty input runs nothing" {
	run fanout -r touch ran </dev/null
	[ "$status" -eq 0 ]
	[ ! -e ran ]
	run fanout --no-run-if-empty -k echo ::: a b
	[ "$status" -eq 0 ]
	[ "$output" = $'a\nb' ]
}

@test "-t is -v: each command on stderr" {
	[ "$("$FANOUT" -t echo ::: x 2>/dev/null)" = x ]
	[ "$("$FANOUT" -t echo ::: x 2>&1 >/dev/null)" = "echo x" ]
}

@test "--max-procs is -j, --max-args is -n, and messages name what was typed" {
	[ "$(max_slot 3 --max-procs 3)" = 3 ]
	run fanout -k --max-args 2 echo ::: 1 2 3
	[ "$output" = $'1 2\n3' ]
	run fanout --max-procs abc true
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --max-procs 'abc': not a whole number" ]
}

@test "-L N puts N lines in each command, each line one argument" {
	run sh -c "printf '1\n2\n3\n4\n5\n' | '$FANOUT' -k -L 2 echo"
	[ "$output" = $'1 2\n3 4\n5' ]
	run sh -c "printf 'a b\nc\n' | '$FANOUT' -L2 printf '[%s]'"
	[ "$output" = "[a b][c]" ]
	refused "-L cannot be used with --batch" -L 2 -n 3 touch ran
	refused "-L counts lines: it cannot be used with --null (write --batch N)" \
		-0 -L 2 touch ran
	refused "-L counts lines: it cannot be used with --delimiter (write --batch N)" \
		-L 2 -d , touch ran
}

@test "-j 0 runs as many jobs as the hard open-file limit leaves room for" {
	# (94 - 64) / 6 = 5 jobs at once.
	run bash -c "ulimit -n 94; cd '$T' && $(declare -f fanout max_slot); FANOUT='$FANOUT' max_slot 5 -j 0"
	[ "$status" -eq 0 ]
	[ "$output" = 5 ]
	# Sized to fit: no warning that the limit is too low.
	run bash -c "ulimit -n 256; '$FANOUT' -j 0 echo ::: x"
	[ "$status" -eq 0 ]
	[ "$output" = x ]
}

@test "-j +N and -j -N are the CPUs plus or minus N, at least 1" {
	[ "$(max_slot $(($(nproc) + 1)) -j +1)" = $(($(nproc) + 1)) ]
	rm -f started.*
	[ "$(max_slot 1 -j-1000 --jobs=+1 -P +1 --max-procs=-1000)" = 1 ]
	rm -f started.*
	refused "-j '+x': must be N, N%, +N or -N, N up to 4096" -j +x touch ran
}

@test "--eta is --progress: a progress line with its ETA on a terminal" {
	command -v script >/dev/null || skip "script(1) is not installed"
	script -qec "$FANOUT --eta -j2 sleep ::: 0.3 0.3 0.3 0.3" /dev/null \
		</dev/null >tty.out
	grep -q 'running, 0 failed.*ETA' tty.out
}

@test "--delay DUR lets at least DUR pass between two job starts" {
	start=$(date +%s%N)
	run fanout --delay 300ms -j4 true ::: 1 2 3 4
	end=$(date +%s%N)
	[ "$status" -eq 0 ]
	# The fourth start comes at least 3 x 300 ms after the first.
	[ $(( (end - start) / 1000000 )) -ge 900 ]
	run fanout --delay 0 -k echo ::: a b
	[ "$output" = $'a\nb' ]
	refused "--delay cannot be used with --rate (--delay DUR is --rate 1/DUR)" \
		--delay 1s --rate 2/s touch ran
	refused "--burst needs --rate" --delay 1s --burst 2 touch ran
	refused "--delay '5x': not a duration (try 250ms, 1.5s, 2m, 1h)" \
		--delay 5x touch ran
}

@test "--lb is --line-buffer, --dryrun is --dry-run" {
	run fanout --lb -k sh -c 'printf "a\nb"' ::: x
	[ "$output" = $'a\nb' ]
	run fanout --dryrun touch ran ::: x
	[ "$status" -eq 0 ]
	[ "$output" = "touch ran x" ]
	[ ! -e ran ]
}

@test "--group is the default mode, refused with -u and --line-buffer" {
	run fanout --group -j2 sh -c 'echo $1-1; sleep 0.2; echo $1-2' sh ::: a b
	[ "$status" -eq 0 ]
	[[ "$output" == $'a-1\na-2\nb-1\nb-2' || "$output" == $'b-1\nb-2\na-1\na-2' ]]
	refused "--group cannot be used with --ungroup" --group -u touch ran ::: x
	refused "--group cannot be used with --line-buffer" --lb --group touch ran ::: x
}

@test "--progress (--bar) is refused with -u: the jobs would write over it" {
	refused "--progress cannot be used with --ungroup (the jobs would write over the bar)" \
		--progress -u touch ran ::: x
	refused "--progress cannot be used with --ungroup (the jobs would write over the bar)" \
		-u --bar touch ran ::: x
}

@test "--halt-on-error and --halt take GNU parallel's 0, 1 and 2" {
	run fanout -j1 --halt-on-error 1 sh -c 'echo $1; exit $1' sh ::: 0 1 0 0
	[ "$status" -eq 1 ]
	[ "$(sed 's/\[pid [0-9]*\]/[pid N]/' <<<"$output")" = "0
1
fanout: job 2 [pid N]: 'sh -c 'echo \$1; exit \$1' sh 1' exited with status 1
fanout: halted: 1 done, 1 failed, 0 cancelled, 2 never started" ]
	run fanout -j1 --quiet-failures --halt-on-error 0 sh -c 'echo $1; exit $1' sh ::: 0 1 0 0
	[ "$status" -eq 1 ]
	[ "$output" = $'0\n1\n0\n0' ]
	start=$(date +%s)
	run fanout -j2 --halt 2 sh -c '[ $1 = fail ] && exit 1; sleep 30.71; echo late' sh ::: slow fail
	[ "$status" -eq 1 ]
	[ -z "$(grep -x late <<<"$output")" ]
	[ $(($(date +%s) - start)) -lt 20 ]
	no_process 'sleep 30.71'
	refused "--halt-on-error '3': must be soon or now, then fail, success or done =N or =N% (e.g. soon,fail=1); or 0, 1, 2, -1, -2" \
		--halt-on-error 3 touch ran ::: x
}

@test "conflicting options are refused, not the last one winning" {
	refused "--null cannot be used with --delimiter" -0 -d , touch ran ::: x
	refused "--null cannot be used with --delimiter" -d , --null touch ran ::: x
	refused "--resume cannot be used with --resume-failed" \
		--joblog log --resume --resume-failed touch ran ::: x
	refused "--line-buffer cannot be used with --ungroup" \
		--line-buffer -u touch ran ::: x
	refused "--line-buffer cannot be used with --ungroup" -u --lb touch ran ::: x
	refused "--keep-order cannot be used with --ungroup" -k -u touch ran ::: x
	refused "--keep-order cannot be used with --ungroup" -u --keep-order touch ran ::: x
	refused "--tag cannot be used with --ungroup" --tag -u touch ran ::: x
}

@test "-s with a number (xargs' max-chars) is refused with a hint" {
	local msg="fanout's -s is --shell, not a size; argument size limits are automatic, so leave it out"
	refused "-s 100: $msg" -s 100 touch ran ::: x
	refused "-s 4096: $msg" -ks4096 touch ran ::: x
	run fanout -s 'echo {}' ::: 100
	[ "$output" = 100 ]
}

@test ":::: FILE reads the records of FILE, as -a FILE; stdin is not read" {
	printf 'a\nb\n' >files.txt
	run sh -c "echo c | '$FANOUT' -k echo :::: files.txt"
	[ "$status" -eq 0 ]
	[ "$output" = $'a\nb' ]
	run sh -c "echo c | '$FANOUT' -k echo :::: -"
	[ "$output" = c ]
	run sh -c "printf 'x\0y' | '$FANOUT' -0 -k echo :::: -"
	[ "$output" = $'x\ny' ]
	run fanout true :::: missing.txt
	[ "$status" -eq 2 ]
	[[ "$output" == "fanout: cannot open 'missing.txt': "* ]]
	rm files.txt
	refused "'::::' needs a FILE" touch ran ::::
	refused "'::::+' needs a FILE" touch ran ::: a ::::+
}
