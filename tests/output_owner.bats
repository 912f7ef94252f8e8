#!/usr/bin/env bats
# One owner for fd 1 and 2: whatever fanout itself writes there (the job
# log and JSON log on "-", -v lines, its own messages) goes out whole and
# never lands inside a job's grouped output, even when that output is too
# big for the pipe and is written in many pieces (issue 16).
#
# Job 1 writes 3 MB at once; the reader does not read for a while, so the
# worker writing job 1's output is stuck part-way. Meanwhile job 2 ends
# (or starts, or times out) and fanout has a line to write.

load helpers

BIG='head -c 3000000 /dev/zero | tr "\0" x'

# not_mixed FILE: every line of FILE with a run of x's is x's only.
not_mixed() {
	if grep -aE 'x{100}' "$1" | grep -aqv '^x*$'; then
		echo "a line landed inside the x's in $1" >&2
		return 1
	fi
}

@test "--joblog -: log lines never land inside a job's output (issue 16)" {
	"$FANOUT" -j4 --joblog - sh -c "$BIG; echo" ::: a b c d e f g h |
		(sleep 2; cat) > out
	run grep -acE $'x+[0-9]+\t:\t' out
	[ "$output" = 0 ]
	[ "$(grep -ac '^Seq' out)" = 1 ]
	[ "$(grep -acE $'^[0-9]+\t:\t' out)" = 8 ]
}

@test "--joblog -: a line written while a big output is stuck waits for it" {
	"$FANOUT" -j2 --joblog - sh -c "case \$0 in 1) $BIG; echo;; *) sleep 0.3;; esac" \
		::: 1 2 3 | (sleep 3; cat) > out
	not_mixed out
	[ "$(grep -acE $'^[0-9]+\t:\t' out)" = 3 ]
	[ "$(grep -ac '^x' out)" = 1 ]
}

@test "--json-log -: the same" {
	"$FANOUT" -j2 --json-log - sh -c "case \$0 in 1) $BIG; echo;; *) sleep 0.3;; esac" \
		::: 1 2 3 | (sleep 3; cat) > out
	not_mixed out
	[ "$(grep -ac '^{"seq":' out)" = 3 ]
}

@test "-v: command lines on stderr never land inside a job's stderr" {
	# --rate: job 2 starts a second after job 1, on the other worker.
	"$FANOUT" -v -j2 --rate 1/s sh -c "case \$0 in 1) $BIG >&2; echo >&2;; esac" \
		::: 1 2 2>&1 >/dev/null | (sleep 3; cat) > err
	not_mixed err
	[ "$(grep -ac '^sh -c' err)" = 2 ]
}

@test "fanout's own messages never land inside a job's stderr" {
	# --timeout 1: job 1 must end before it (0.3 s is little for 3 MB
	# through tr on a loaded machine), job 2 times out within the sleep 3.
	"$FANOUT" -j2 --timeout 1 sh -c "case \$0 in 1) $BIG >&2; echo >&2;; *) sleep 7.31;; esac" \
		::: 1 2 2>&1 >/dev/null | (sleep 3; cat) > err || true
	not_mixed err
	grep -aq "^fanout: job 2 \\[pid [0-9]*\\]: 'sh -c .*' timed out after 1s$" err
}
