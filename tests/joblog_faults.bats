#!/usr/bin/env bats
# --joblog and --json-log when things go wrong: a log to resume from that is
# damaged, cut short, unreadable or endless; a command line refused after
# --joblog was named; a log that cannot be written mid-run.

load helpers

HEADER=$(printf 'Seq\tHost\tStarttime\tJobRuntime\tSend\tReceive\tExitval\tSignal\tCommand')

# log FILE SEQ...: a job log in which each SEQ succeeded.
log() {
	local f=$1 s
	shift
	printf '%s\n' "$HEADER" > "$f"
	for s in "$@"; do
		printf '%s\t:\t1700000000.000\t     0.010\t0\t0\t0\t0\ttouch ran.%s\n' \
			"$s" "$s" >> "$f"
	done
}

# capped CMD...: run CMD with at most 1 GiB of address space (not under
# the sanitizers, which reserve far more) and for 60 s at most, so that a
# fanout that reads or allocates without end fails instead of hanging.
capped() {
	bash -c '[ -n "$FANOUT_SANITIZED" ] || ulimit -v 1048576
		exec timeout 60 "$@"' capped "$@"
}

# every_line_whole FILE: each line has the 9 columns and ends in a newline.
every_line_whole() {
	[ -z "$(tail -c 1 "$1")" ]
	awk -F'\t' 'NF != 9 { print "torn: " $0; bad = 1 } END { exit bad }' "$1"
}

@test "--resume refuses a Seq of -1, naming the file and line; nothing runs" {
	log l 1 2
	printf -- '-1\t:\t1700000000.000\t     0.010\t0\t0\t0\t0\tx\n' >> l
	cp l before
	run capped "$FANOUT" -j1 --joblog l --resume touch ran ::: a
	[ "$status" -eq 3 ]
	[ "$output" = "fanout: cannot resume from 'l' line 4: bad Seq '-1'" ]
	[ ! -e ran ]
	cmp l before
}

@test "--resume refuses a Seq of 2^63 and above, and a Seq of 0" {
	for seq in 9223372036854775808 18446744073709551615 0; do
		log l
		printf '%s\t:\t1700000000.000\t     0.010\t0\t0\t0\t0\tx\n' \
			"$seq" >> l
		run capped "$FANOUT" -j1 --joblog l --resume touch ran ::: a
		[ "$status" -eq 3 ]
		[ "$output" = "fanout: cannot resume from 'l' line 2: bad Seq '$seq'" ]
		[ ! -e ran ]
	done
}

@test "--resume checks every column, as GNU parallel writes them" {
	bad() {
		log l
		printf '%s\n' "$1" >> l
		run capped "$FANOUT" -j1 --joblog l --resume touch ran ::: a
		[ "$status" -eq 3 ]
		[ "$output" = "fanout: cannot resume from 'l' line 2: $2" ]
		[ ! -e ran ]
	}
	t=$(printf '\t')
	bad "1$t$t""1.0${t}1.0${t}0${t}0${t}0${t}0${t}x" "bad Host ''"
	bad "1$t:${t}yesterday${t}1.0${t}0${t}0${t}0${t}0${t}x" \
		"bad Starttime 'yesterday'"
	bad "1$t:${t}1.0${t}long${t}0${t}0${t}0${t}0${t}x" "bad JobRuntime 'long'"
	bad "1$t:${t}1.0${t}1.0$t-5${t}0${t}0${t}0${t}x" "bad Send '-5'"
	bad "1$t:${t}1.0${t}1.0${t}0${t}lots${t}0${t}0${t}x" "bad Receive 'lots'"
	bad "1$t:${t}1.0${t}1.0${t}0${t}0${t}300${t}0${t}x" "bad Exitval '300'"
	bad "1$t:${t}1.0${t}1.0${t}0${t}0${t}0${t}KILL${t}x" "bad Signal 'KILL'"
	bad "1$t:${t}1.0${t}1.0" "4 columns instead of 9"
	bad "" "empty line"
	bad "garbage" "bad Seq 'garbage'"
}

@test "--resume refuses a file that is not a job log, and keeps it" {
	printf 'my precious notes\n' > notes
	run capped "$FANOUT" -j1 --joblog notes --resume touch ran ::: a
	[ "$status" -eq 3 ]
	[ "$output" = "fanout: cannot resume from 'notes' line 1: bad Seq 'my precious notes'" ]
	[ "$(cat notes)" = "my precious notes" ]
	[ ! -e ran ]
}

@test "--resume with a Seq of 10^12: memory follows the lines, not the number" {
	log l 1000000000000 2
	run capped "$FANOUT" -j1 --joblog l --resume sh -c 'touch ran.$0' ::: 1 2 3
	[ "$status" -eq 0 ]
	[ -e ran.1 ] && [ ! -e ran.2 ] && [ -e ran.3 ]
	every_line_whole l
}

@test "--joblog /dev/full --resume: refused at once, not read forever" {
	[ -r /dev/full ] || skip "no /dev/full"
	run capped "$FANOUT" -j1 --joblog /dev/full --resume touch ran ::: a
	[ "$status" -eq 3 ]
	[ "$output" = "fanout: cannot resume from '/dev/full' line 1: bad Seq '????????????????????...'" ]
	[ ! -e ran ]
}

@test "--resume: a read error is fatal, not a short log" {
	# /proc/self/mem cannot be read at offset 0: EIO on the first read.
	[ -r /proc/self/mem ] || skip "no /proc/self/mem"
	run capped "$FANOUT" -j1 --joblog /proc/self/mem --resume touch ran ::: a
	[ "$status" -eq 3 ]
	[[ "$output" == "fanout: cannot resume from '/proc/self/mem' line 1: "* ]]
	[ ! -e ran ]
	mkdir d
	run capped "$FANOUT" -j1 --joblog d --resume touch ran ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: cannot read job log 'd': Is a directory" ]
	[ ! -e ran ]
}

@test "--resume: a last line cut short (fanout killed mid-write) is dropped" {
	log l 1 3
	printf '2\t:\t1700000000.000\t    ' >> l
	run capped "$FANOUT" -j1 --joblog l --resume sh -c 'touch ran.$0' ::: 1 2 3 4
	[ "$status" -eq 0 ]
	[ ! -e ran.1 ] && [ -e ran.2 ] && [ ! -e ran.3 ] && [ -e ran.4 ]
	every_line_whole l
	[ "$(tail -n +2 l | cut -f1 | sort -n | tr '\n' ' ')" = "1 2 3 4 " ]
	# And the log reads back whole: nothing runs again.
	run capped "$FANOUT" -j1 --joblog l --resume sh -c 'touch again.$0' ::: 1 2 3 4
	[ "$status" -eq 0 ]
	[ -z "$(ls again.* 2>/dev/null)" ]
}

@test "a refused command line leaves the old job log as it was" {
	log keep.log 1 2
	cp keep.log before
	run fanout --joblog keep.log --json-log /nonexistent/x touch ran ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: cannot open JSON log '/nonexistent/x': No such file or directory" ]
	cmp keep.log before
	[ ! -e ran ]
	mkdir d
	run fanout --joblog keep.log --json-log d touch ran ::: a
	[ "$status" -eq 2 ]
	cmp keep.log before
	# Nor does a refused job log create the JSON log.
	run fanout --json-log new.json --joblog /nonexistent/y touch ran ::: a
	[ "$status" -eq 2 ]
	[ ! -e new.json ]
	[ ! -e ran ]
}

@test "--json-log that cannot be written mid-run: exit 3, said once" {
	[ -w /dev/full ] || skip "no /dev/full"
	run fanout -j1 --json-log /dev/full true ::: a b c d
	[ "$status" -eq 3 ]
	[ "$output" = "fanout: cannot write JSON log '/dev/full': No space left on device" ]
}

@test "--joblog that cannot be written mid-run: exit 3, said once; resumable" {
	# A 1 KiB file size limit lets the log fill after some lines; with
	# SIGXFSZ ignored, the write fails with EFBIG instead of killing fanout.
	run bash -c "trap '' XFSZ; ulimit -f 1; '$FANOUT' -j1 --joblog l \
		sh -c 'touch ran.\$0' ::: \$(seq 100)"
	[ "$status" -eq 3 ]
	[ "$output" = "fanout: cannot write job log 'l': File too large" ]
	[ "$(ls ran.* | wc -l)" -eq 100 ]
	# The jobs after the failure are not in the log: --resume runs them.
	rm ran.*
	run fanout -j1 --joblog l --resume sh -c 'touch ran.$0' ::: $(seq 100)
	[ "$status" -eq 0 ]
	[ "$(ls ran.* | wc -l)" -gt 0 ]
	[ "$(ls ran.* | wc -l)" -lt 100 ]
	every_line_whole l
	[ "$(tail -n +2 l | cut -f1 | sort -n | uniq | wc -l)" -eq 100 ]
}

@test "-a DIR: refused before anything runs, naming it (exit 2)" {
	mkdir d
	log keep.log 1
	cp keep.log before
	run fanout --joblog keep.log -a d touch ran
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: cannot read 'd': Is a directory" ]
	cmp keep.log before
}
