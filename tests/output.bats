#!/usr/bin/env bats
# Fan-in: the output modes (grouped, -k, --line-buffer, --tag, -u) and spill
# files. Write errors: output_errors.bats; memory: output_memory.bats;
# random runs checked byte for byte: output_property.bats.

load helpers

# A job that prints $2, waits (10 s at most) for the file $1, prints $3.
gate_job() {
	cat >gate.sh <<'EOF'
printf '%s\n' "$2"
i=0
while [ ! -e "$1" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i+1)); done
[ -e "$1" ] || { echo "never saw $1"; exit 1; }
printf '%s\n' "$3"
EOF
}

@test "grouped: each job's output is one piece, never mixed with another" {
	# Each job writes 200 lines slowly; grouped, they come out in blocks.
	run fanout -j4 sh -c 'i=0; while [ $i -lt 200 ]; do echo "$0 $i"; i=$((i+1)); done' ::: a b c d
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 800 ]
	# Collapse runs of the same job: exactly four blocks remain.
	[ "$(printf '%s\n' "${lines[@]}" | cut -d' ' -f1 | uniq | wc -l)" -eq 4 ]
}

@test "grouped: a job's stdout is written whole, then its stderr" {
	run bash -c "'$FANOUT' -j1 sh -c 'echo out1; echo err1 >&2; echo out2' ::: x 2>err >out; cat out err"
	[ "$output" = $'out1\nout2\nerr1' ]
}

@test "grouped: a last line without a newline is passed on as it is" {
	run bash -c "'$FANOUT' -j1 printf '%s' ::: a b"
	[ "$status" -eq 0 ]
	[ "$output" = "ab" ]
}

@test "large outputs pass through byte for byte" {
	head -c 3000000 /dev/urandom > blob
	run bash -c "'$FANOUT' cat ::: blob > copy"
	[ "$status" -eq 0 ]
	cmp blob copy
}

@test "-k: outputs in input order when later jobs end first" {
	run fanout -j4 -k sh -c 'sleep 0.$((4 - $0)); echo "out $0"; echo "err $0" >&2' ::: 1 2 3
	[ "$status" -eq 0 ]
	[ "$output" = $'out 1\nerr 1\nout 2\nerr 2\nout 3\nerr 3' ]
}

@test "-k: failed and timed-out jobs keep their place" {
	# Job 1 ends after job 3, well before the timeout (0.5 s could leave a
	# loaded machine too little to run its sleep 0.3).
	run bash -c "'$FANOUT' -j3 -k --timeout 2 sh -c '
		case \$0 in
		1) sleep 0.3; echo one; exit 3 ;;
		2) echo two; sleep 10 ;;
		3) echo three ;;
		esac' ::: 1 2 3 2>err"
	[ "$status" -eq 1 ]
	[ "$output" = $'one\ntwo\nthree' ]
	grep -q "^fanout: job 2 \\[pid [0-9]*\\]: 'sh -c .*' timed out after 2s$" err
}

@test "-k: the head job streams live instead of waiting for its end" {
	gate_job
	fanout -k -j2 sh gate.sh go start end ::: x >out 2>&1 &
	wait_for_match out '^start$'
	touch go
	wait $!
	[ "$(cat out)" = $'start\nend' ]
}

@test "-k: a job that becomes the head while running shows what it held at once" {
	gate_job
	# Job 2 prints 'early' while job 1 runs, then waits; once job 1 ends,
	# 'early' must come out although job 2 has not ended.
	fanout -k -j3 sh -c '
		case $0 in
		1) echo one; sleep 0.5 ;;
		2) sh gate.sh go early late ;;
		3) echo three ;;
		esac' ::: 1 2 3 >out 2>&1 &
	wait_for_match out '^early$'
	touch go
	wait $!
	[ "$(cat out)" = $'one\nearly\nlate\nthree' ]
}

@test "-k: a streaming head's stdout comes out whole before its stderr" {
	run bash -c "'$FANOUT' -k -j1 sh -c 'echo o1; echo e1 >&2; sleep 0.1; echo o2' ::: x 2>&1"
	[ "$status" -eq 0 ]
	[ "$output" = $'o1\no2\ne1' ]
}

@test "-k: thousands of --resume skips behind a slow head keep the order" {
	# The log has jobs 2-3000 as done: they are skipped while job 1 runs,
	# far more skipped seqs than the reorder window of -j1 holds.
	seq 2 3000 | awk '{ printf "%d\t:\t0\t0\t0\t0\t0\t0\tx\n", $1 }' > log
	seq 1 3100 > in
	run bash -c "'$FANOUT' -k -j1 --joblog log --resume sh -c '[ \$0 = 1 ] && sleep 1; echo \$0' < in"
	[ "$status" -eq 0 ]
	[ "$output" = "$(echo 1; seq 3001 3100)" ]
}

@test "-k: many jobs behind a slow first one come out in order" {
	n=3000
	[ -z "${FANOUT_SANITIZED:-}" ] || n=600
	seq 1 $n > in
	run bash -c "'$FANOUT' -k -j8 sh -c '[ \$0 = 1 ] && sleep 1; echo \$0' < in"
	[ "$status" -eq 0 ]
	[ "$output" = "$(seq 1 $n)" ]
}

@test "-k --tag: records are kept after their jobs are gone" {
	run fanout -k -j4 --tag sh -c 'sleep 0.$((4 - ${#0})); echo "x"; printf y' ::: a bb ccc
	[ "$status" -eq 0 ]
	# Grouped, a last line without a newline is left as it is.
	[ "$output" = $'a\tx\na\tybb\tx\nbb\tyccc\tx\nccc\ty' ]
}

@test "--tag --batch: the tag is every record of the job, joined by a space" {
	# GNU parallel's: `parallel --tag -n3 echo ::: a b c d`.
	run fanout -k --tag --batch 3 sh -c 'echo "$#"; echo e >&2' sh ::: a b c d
	[ "$status" -eq 0 ]
	[ "$output" = $'a b c\t3\na b c\te\nd\t1\nd\te' ]
}

@test "--line-buffer: whole lines pass on while another job holds a part" {
	gate_job
	# Job a writes half a line and waits; job b's whole line must pass.
	fanout --line-buffer -j2 sh -c '
		if [ $0 = a ]; then
			printf "a-part"; sh gate.sh go "" "-end" | tr -d "\n"; echo
		else
			sleep 0.2; echo b-line
		fi' ::: a b >out 2>&1 &
	wait_for_match out '^b-line$'
	touch go
	wait $!
	[ "$(cat out)" = $'b-line\na-part-end' ]
}

@test "--line-buffer: a last line without a newline gets one" {
	run fanout --line-buffer -j2 printf '%s' ::: x y
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' ' ')" = "x y " ]
	[ "${#lines[@]}" -eq 2 ]
}

@test "--line-buffer: stdout and stderr are each line-buffered" {
	run bash -c "'$FANOUT' --line-buffer -j2 sh -c 'printf \"o-\$0\"; printf \"e-\$0\" >&2' ::: 1 2 2>err >out"
	[ "$status" -eq 0 ]
	[ "$(sort out | tr '\n' ' ')" = "o-1 o-2 " ]
	[ "$(sort err | tr '\n' ' ')" = "e-1 e-2 " ]
}

@test "-k --line-buffer: input order, the head streaming whole lines" {
	gate_job
	fanout -k --line-buffer -j3 sh -c '
		case $0 in
		1) sh gate.sh go start end ;;
		2) printf "two" ;;
		3) echo three ;;
		esac' ::: 1 2 3 >out 2>&1 &
	wait_for_match out '^start$'
	touch go
	wait $!
	[ "$(cat out)" = $'start\nend\ntwo\nthree' ]
}

@test "--tag: every line of stdout and stderr starts with the record and a tab" {
	run bash -c "'$FANOUT' -j2 --tag sh -c 'echo \"o1 \$0\"; echo \"e1 \$0\" >&2; echo \"o2 \$0\"' ::: p q 2>err >out"
	[ "$status" -eq 0 ]
	[ "$(grep -c $'^p\to[12] p$' out)" -eq 2 ]
	[ "$(grep -c $'^q\to[12] q$' out)" -eq 2 ]
	[ "$(grep -c $'^p\te1 p$' err)" -eq 1 ]
	[ "$(grep -c $'^q\te1 q$' err)" -eq 1 ]
}

@test "--tag --line-buffer: lines split across writes get one tag" {
	run fanout -j2 --tag --line-buffer sh -c 'printf "a"; sleep 0.1; printf "b\nc"; sleep 0.1; printf "d\n"' ::: R S
	[ "$status" -eq 0 ]
	[ "$(printf '%s\n' "${lines[@]}" | sort | tr '\n' '|')" = $'R\tab|R\tcd|S\tab|S\tcd|' ]
}

@test "--tag: many short lines are all tagged" {
	run bash -c "'$FANOUT' -j4 --tag sh -c 'seq 1 20000' ::: a b c d | sort | uniq -c | wc -l"
	[ "$status" -eq 0 ]
	[ "$output" -eq 80000 ]
	run bash -c "'$FANOUT' -j4 --tag sh -c 'seq 1 20000' ::: a b c d | grep -vc \$'^[abcd]\t[0-9]*\$'"
	[ "$output" -eq 0 ]
}

@test "-u: jobs write straight through, before they end" {
	gate_job
	fanout -u -j2 sh gate.sh go start end ::: x >out 2>&1 &
	wait_for_match out '^start$'
	touch go
	wait $!
	[ "$(cat out)" = $'start\nend' ]
}

@test "spilled output comes back byte for byte, in order" {
	for i in 1 2 3 4 5 6; do head -c $((300000 + i * 1000)) /dev/urandom > b$i; done
	run bash -c "'$FANOUT' -k -j6 --buffer-size 64K sh -c 'sleep 0.\$((7 - \${0#b})); cat \$0' ::: b1 b2 b3 b4 b5 b6 > got"
	[ "$status" -eq 0 ]
	cat b1 b2 b3 b4 b5 b6 | cmp - got
	run bash -c "'$FANOUT' -j6 --buffer-size 64K --tag cat ::: b1 b2 > got"
	[ "$status" -eq 0 ]
}

@test "spill files: unnamed, mode 0600, not inherited by jobs" {
	mkdir tmp
	gate_job
	# Job 1 holds the head; job 2 spills a megabyte behind it and then
	# lists its own descriptors.
	TMPDIR=$T/tmp "$FANOUT" -k -j2 --buffer-size 4K sh -c '
		if [ $0 = 1 ]; then sh gate.sh go start end; else
			head -c 1000000 /dev/zero; sleep 0.5
			ls -l /proc/self/fd/ | grep -c "$TMPDIR/" > fds-of-job
			true
		fi' ::: 1 2 >out 2>&1 &
	pid=$!
	wait_for fds-of-job
	[ -z "$(ls -A tmp)" ]
	spill=
	for fd in /proc/$pid/fd/*; do
		case $(readlink "$fd") in "$T/tmp/"*) spill=$fd ;; esac
	done
	[ -n "$spill" ]
	[ "$(stat -L -c %a "$spill")" = 600 ]
	touch go
	wait $pid
	[ "$(cat fds-of-job)" -eq 0 ]
	[ -z "$(ls -A tmp)" ]
}

@test "spill files: nothing left behind when fanout is killed" {
	mkdir tmp
	TMPDIR=$T/tmp "$FANOUT" -k -j2 --buffer-size 4K sh -c '
		if [ $0 = 1 ]; then sleep 5; else head -c 2000000 /dev/zero; fi' ::: 1 2 >/dev/null 2>&1 &
	pid=$!
	# Killed while it holds a spill file open (not after a fixed sleep,
	# which on a loaded machine could come before any spill).
	spilling() {
		local fd
		for fd in /proc/$pid/fd/*; do
			case $(readlink "$fd") in "$T/tmp/"*) return 0 ;; esac
		done
		return 1
	}
	for ((i = 0; i < 200; i++)); do
		spilling && break
		sleep 0.05
	done
	spilling
	kill -9 $pid
	wait $pid || true
	[ -z "$(ls -A tmp)" ]
}
