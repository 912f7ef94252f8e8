#!/usr/bin/env bats
# Watching a run: --json-log, --progress, --stats, --dry-run, -v, and the
# worker count moved by SIGUSR1 / SIGUSR2.

load helpers

# not COMMAND...: COMMAND fails (a bare "! COMMAND" does not fail a test).
not() {
	! "$@"
}

# json_check FILE PYTHON: parse every line of FILE as JSON (all of them must
# parse), then run PYTHON with the list of objects as `recs`.
json_check() {
	python3 -c '
import json, sys
recs = []
with open(sys.argv[1], "rb") as f:
    data = f.read()
assert data.endswith(b"\n"), "last line not whole"
for n, line in enumerate(data.split(b"\n")[:-1], 1):
    try:
        recs.append(json.loads(line.decode("utf-8")))
    except Exception as e:
        sys.exit("line %d: %s: %r" % (n, e, line))
exec(sys.argv[2])
' "$@"
}

@test "json-log: one object per attempt with every field" {
	run fanout -j2 --json-log j sh -c 'printf abc; printf de >&2; exit $0' \
		::: 0 3
	[ "$status" -eq 1 ]
	json_check j '
assert len(recs) == 2, recs
keys = {"seq", "attempt", "slot", "queued", "started", "ended", "wait",
        "runtime", "exit_code", "signal", "ok", "timed_out", "cancelled",
        "will_retry", "not_started", "bytes_out", "bytes_err", "cpu_user",
        "cpu_system", "max_rss_bytes", "ctxsw_voluntary", "ctxsw_involuntary",
        "limit", "signal_name", "breaker", "host", "lost_hosts", "command"}
by = {r["seq"]: r for r in recs}
for r in recs:
    assert set(r) == keys, set(r) ^ keys
    assert r["attempt"] == 1 and r["slot"] in (1, 2)
    assert r["queued"] <= r["started"] <= r["ended"], r
    assert abs(r["ended"] - r["started"] - r["runtime"]) < 0.001, r
    assert r["bytes_out"] == 3 and r["bytes_err"] == 2, r
    assert r["breaker"] is None and r["signal"] == 0
    assert r["host"] == ":" and r["lost_hosts"] is None, r
    assert not r["timed_out"] and not r["cancelled"] and not r["will_retry"]
assert by[1]["ok"] and by[1]["exit_code"] == 0
assert not by[2]["ok"] and by[2]["exit_code"] == 3
assert by[2]["command"] == "sh -c \x27printf abc; printf de >&2; exit $0\x27 3", by[2]
'
}

@test "json-log: retries, timeouts, signals, the breaker, a missing command" {
	run fanout --retries 1 --retry-delay 10ms --timeout 1 --breaker 100 \
		--json-log j sh -c 'case $0 in t) sleep 30;; k) kill -9 $$;; f) exit 4;; esac' \
		::: t k f
	[ "$status" -eq 1 ]
	run fanout --json-log j no-such-command-xyz ::: a
	[ "$status" -eq 1 ]
	json_check j '
att = {}
for r in recs:
    att.setdefault(r["seq"] if r["command"].startswith("sh") else "nf", []).append(r)
t, k, f, nf = att[1], att[2], att[3], att["nf"]
for rs in (t, k, f):
    assert [r["attempt"] for r in rs] == [1, 2], rs
    assert [r["will_retry"] for r in rs] == [True, False], rs
    assert all(r["breaker"] in ("closed", "open", "half-open") for r in rs)
assert all(r["timed_out"] and r["signal"] == 15 and r["exit_code"] is None
           and r["runtime"] >= 0.9 for r in t), t
assert all(r["signal"] == 9 and not r["timed_out"] for r in k), k
assert all(r["exit_code"] == 4 and r["signal"] == 0 for r in f), f
assert len(nf) == 1 and nf[0]["not_started"] and nf[0]["exit_code"] == 127, nf
'
}

@test "json-log: valid JSON for any bytes in the command" {
	# Quote, backslash, newline, tab, \x01, DEL, invalid UTF-8 (\xff, a
	# lone continuation byte, a surrogate, an overlong), valid UTF-8.
	printf 'a"b\\c\nd\te\001f\177g\377h\200i\355\240\200j\300\257k \303\251 \360\237\231\202\0' |
		fanout -0 --json-log j --joblog l printf '%s' > out
	json_check j '
assert len(recs) == 1, recs
c = recs[0]["command"]
want = "printf %s \x27a\"b\\c\nd\te\x01f\x7fg\xffh\x80i\xed\xa0\x80j\xc0\xafk \u00e9 \U0001F642\x27"
assert c == want, (c, want)
'
	# Control characters and invalid bytes are escaped, not raw.
	not env LC_ALL=C grep -q "$(printf '[\001\177\377]')" j
	# The output itself is the record, byte for byte.
	[ "$(od -An -tx1 out)" = "$(printf 'a"b\\c\nd\te\001f\177g\377h\200i\355\240\200j\300\257k \303\251 \360\237\231\202' | od -An -tx1)" ]
}

@test "json-log: lines stay whole when fanout is interrupted (SIGINT)" {
	seq 2000 | env --default-signal=INT "$FANOUT" -j4 --json-log j sh -c 'echo "$0 \"q\""; sleep 0.01' \
		>/dev/null 2>&1 &
	pid=$!
	wait_for_lines j 21 30
	kill -INT "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 130 ]
	json_check j '
assert 20 < len(recs) < 2000, len(recs)
assert all(r["ok"] or r["cancelled"] for r in recs)
'
	# Every line parses with jq as well, when it is there.
	if command -v jq >/dev/null; then
		jq -e . j >/dev/null
	fi
}

@test "json-log: - is standard output" {
	fanout --json-log - true ::: a b > j
	json_check j 'assert sorted(r["seq"] for r in recs) == [1, 2], recs'
	[ ! -e - ]
}

@test "json-log: a file that cannot be opened: exit 2, nothing runs" {
	mkdir d
	run fanout --json-log d touch ran ::: x
	[ "$status" -eq 2 ]
	[[ "$output" == "fanout: cannot open JSON log 'd'"* ]]
	[ ! -e ran ]
	run fanout --json-log no/such/dir/j touch ran ::: x
	[ "$status" -eq 2 ]
	[ ! -e ran ]
}

# in_tty COMMAND: run COMMAND (a string for sh) with a terminal as its
# stdin, stdout and stderr; what the terminal showed goes to tty.out.
in_tty() {
	command -v script >/dev/null || skip "script(1) is not installed"
	script -qec "$1" /dev/null < /dev/null > tty.out
}

@test "--progress: a bar on a terminal, erased at the end" {
	t0=$(date +%s%N)
	in_tty "$FANOUT --progress -j2 sleep ::: 0.4 0.4 0.4 0.4 0.4 0.4"
	ms=$((($(date +%s%N) - t0) / 1000000))
	cat -v tty.out
	# Drawn with a carriage return and erase-to-end-of-line ...
	grep -q "$(printf '\r')\[[0-9]*/6 [0-9]*%\] [0-9] running, 0 failed" tty.out
	grep -q "$(printf '\033')\[K" tty.out
	# ... a redraw at most ten times a second (6 jobs of 0.4 s at -j2) ...
	n=$(tr '\r' '\n' < tty.out | grep -c 'running,')
	[ "$n" -ge 3 ]
	[ "$n" -le $((ms / 100 + 3)) ]
	# ... and erased at the end: the last thing written is the erase.
	[ "$(tail -c 4 tty.out | od -An -tx1 | tr -d ' ')" = "0d1b5b4b" ]
}

@test "--bar is --progress; shows the breaker and the rate wait" {
	in_tty "$FANOUT --bar --breaker 3 --rate 20/s -j2 sleep ::: 0.3 0.3 0.3 0.3"
	grep -q 'breaker closed' tty.out
	grep -q 'rate wait' tty.out
}

@test "--progress: nothing when stderr is not a terminal" {
	run fanout --progress -j2 sh -c 'sleep 0.3; echo $0' ::: a b c
	[ "$status" -eq 0 ]
	[ "$(echo "$output" | sort | tr '\n' ' ')" = "a b c " ]
	# Stderr a file, stdout a terminal: still nothing.
	in_tty "$FANOUT --progress -j2 sh -c 'sleep 0.3; echo \$0' ::: a b c 2>err"
	[ ! -s err ]
	not grep -q running tty.out
}

@test "--progress: the bar never lands in the jobs' output" {
	in_tty "$FANOUT --progress -j2 sh -c 'sleep 0.3; echo out-\$0' ::: a b c d > out"
	grep -q 'running' tty.out
	[ "$(sort out | tr '\n' ' ')" = "out-a out-b out-c out-d " ]
}

@test "--progress: Ctrl-C erases the bar before the summary line" {
	command -v script >/dev/null || skip "script(1) is not installed"
	# SIGINT set to default: a suite run in the background of a script
	# starts with it ignored, and fanout leaves an ignored SIGINT so.
	{
		for ((i = 0; i < 200; i++)); do
			[ -e started.1 ] && [ -e started.2 ] && break
			sleep 0.05
		done
		sleep 0.3
		printf '\003'       # the terminal turns it into SIGINT
		sleep 5
	} | env --default-signal=INT script -qec \
		"$FANOUT --progress -j2 sh -c 'touch started.\$FANOUT_SEQ; sleep 59.37' ::: 1 2 3" \
		/dev/null > tty.out || true
	cat -v tty.out
	grep -q 'running' tty.out
	# The erase, then what the cancel says at the start of a clean line:
	# how long it waits (unless the terminal's SIGINT, which the jobs get
	# too, ended them first), and at the end the summary ...
	grep -q "$(printf '\r\033\\[Kfanout: cancel')" tty.out
	grep -qE "(^|$(printf '\r\033')\\[K)fanout: cancelled: " tty.out
	# ... and no bar after them.
	shown=$(cat tty.out)
	[[ "${shown#*fanout: cancel}" != *running,* ]]
	no_process 'sleep 59.37'
}

@test "--stats: the summary counts and percentiles on stderr" {
	run fanout --stats --retries 1 --retry-delay 10ms -j3 \
		sh -c 'sleep 0.$0; [ $0 != 2 ]' ::: 1 2 3 1
	[ "$status" -eq 1 ]
	echo "$output"
	[[ "$output" == *"fanout: stats: 4 jobs: 3 ok, 1 failed (0 timed out), 0 cancelled, 0 never started, 0 skipped; 1 retries"* ]]
	[[ "$output" =~ fanout:\ stats:\ wall\ [0-9.]+(ms|s),\ [0-9.]+\ jobs/s,\ 5\ attempts ]]
	[[ "$output" =~ fanout:\ stats:\ job\ runtime\ p50\ [0-9.]+(ms|s),\ p90\ [0-9.]+(ms|s),\ p99\ [0-9.]+(ms|s),\ max\ [0-9.]+(ms|s) ]]
	[[ "$output" == *"fanout: stats: waited "*" on the rate limit"*"breaker open"* ]]
}

@test "--stats: skipped (--resume), timed out, rate and breaker time" {
	fanout --joblog l true ::: a b >/dev/null
	run fanout --stats --joblog l --resume --timeout 0.5 --rate 10/s \
		--breaker 1 --breaker-cooldown 300ms sh -c 'sleep $0' ::: 0 0 9 0 0
	[ "$status" -eq 1 ]
	echo "$output"
	[[ "$output" == *"5 jobs: 2 ok, 1 failed (1 timed out), 0 cancelled, 0 never started, 2 skipped"* ]]
	# 3 starts at 10/s: some waiting; the breaker opened once.
	[[ "$output" =~ waited\ [0-9.]+(ms|s)\ on\ the\ rate\ limit ]]
	[[ "$output" =~ breaker\ open\ [0-9.]+(us|ms|s)\ \(1\ trips\) ]]
}

@test "--stats: max is the slowest job" {
	run fanout --stats -j2 sleep ::: 0.1 1.2 0.1
	[ "$status" -eq 0 ]
	[[ "$output" =~ max\ (1\.[2-9][0-9]|[2-9]\.[0-9][0-9])s ]]
}

@test "--dry-run: prints each command shell-quoted, runs nothing" {
	run fanout -k --dry-run touch ::: 'a b' "c'd" plain
	[ "$status" -eq 0 ]
	[ ! -e 'a b' ] && [ ! -e "c'd" ] && [ ! -e plain ]
	[ "${lines[0]}" = "touch 'a b'" ]
	[ "${#lines[@]}" -eq 3 ]
	# Each printed line, run by a shell, is exactly the command.
	run fanout -k --dry-run printf '%s|' ::: 'a b' "c'd" 'x"$y\z' '*'
	[ "$status" -eq 0 ]
	for l in "${lines[@]}"; do sh -c "$l" >> got; done
	[ "$(cat got)" = "a b|c'd|x\"\$y\\z|*|" ]
	# Also with the joblog on: the log is left alone, as in GNU parallel.
	run fanout --dry-run --joblog l touch ::: x
	[ ! -e x ]
	[ ! -e l ]
}

@test "-v prints each command on stderr as it starts" {
	run fanout -v -j1 sh -c 'echo out-$0' ::: 'a b' c
	[ "$status" -eq 0 ]
	[[ "$output" == *"sh -c 'echo out-\$0' 'a b'"* ]]
	[[ "$output" == *"sh -c 'echo out-\$0' c"* ]]
	# On stderr, not stdout.
	[ "$("$FANOUT" -v echo ::: x 2>/dev/null)" = x ]
	[ "$("$FANOUT" -v echo ::: x 2>&1 >/dev/null)" = "echo x" ]
}

# A job that notes how many jobs run with it (including itself) and its slot.
conc_job() {
	cat > job.sh <<'EOF'
touch "running.$1"
echo "$(ls running.* | wc -l) $FANOUT_SLOT" >> conc
touch "started.$1"
sleep "$2"
rm "running.$1"
EOF
}

@test "SIGUSR1 adds a worker" {
	conc_job
	"$FANOUT" -j1 sh job.sh {} 1 ::: 1 2 3 4 5 6 >/dev/null 2>&1 &
	pid=$!
	wait_for started.1
	kill -USR1 "$pid"
	wait "$pid"
	cat conc
	# Two at once, the second one in slot 2.
	grep -q '^2 ' conc
	grep -q ' 2$' conc
	[ "$(wc -l < conc)" -eq 6 ]
}

@test "SIGUSR2 removes a worker, never the last one" {
	conc_job
	"$FANOUT" -j2 sh job.sh {} 0.2 ::: $(seq 40) >/dev/null 2>&1 &
	pid=$!
	wait_for started.2
	kill -USR2 "$pid"
	wait "$pid"
	cat conc
	[ "$(wc -l < conc)" -eq 40 ]
	# Once the retired worker's queue drained, one job at a time: the
	# last ten ran alone.
	[ "$(tail -n 10 conc | cut -d' ' -f1 | sort -u)" = 1 ]

	# -j1: SIGUSR2 changes nothing, the run still ends.
	rm -f conc started.*
	"$FANOUT" -j1 sh job.sh {} 0.3 ::: 1 2 3 >/dev/null 2>&1 &
	pid=$!
	wait_for started.1
	kill -USR2 "$pid"
	kill -USR2 "$pid"
	wait "$pid"
	[ "$(wc -l < conc)" -eq 3 ]
	[ "$(cut -d' ' -f1 conc | sort -u)" = 1 ]
}
