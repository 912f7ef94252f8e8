#!/usr/bin/env bats
# What a job cost: CPU, peak RSS, context switches and output bytes of each
# attempt, in --json-log and --stats, checked against jobs of known cost.

load helpers

# json_check FILE PYTHON: every line of FILE is JSON; run PYTHON on `recs`.
json_check() {
	python3 -c '
import json, sys
recs = [json.loads(l) for l in open(sys.argv[1], "rb").read().splitlines()]
by = {r["seq"]: r for r in recs}
MiB = 1024 * 1024
exec(sys.argv[2])
' "$@"
}

# A busy loop of 0.3 s of user CPU that makes few system calls.
BUSY='while ((times)[0] < 0.3) { for (1..20000) { 1 } }'

@test "cost: a job that touches 64 MiB shows at least that peak RSS" {
	run fanout --json-log j dd if=/dev/zero of=/dev/null bs=64M ::: count=1
	[ "$status" -eq 0 ]
	# In a pipeline: the shell waited for dd, so dd's peak is the job's.
	run fanout --json-log j ::: 'dd if=/dev/zero bs=64M count=1 2>/dev/null | tail -c 1 >/dev/null'
	[ "$status" -eq 0 ]
	json_check j '
assert len(recs) == 2, recs
for r in recs:
    assert r["max_rss_bytes"] >= 64 * MiB, r
    # Bounded above too: no sum over processes, no units mix-up.
    assert r["max_rss_bytes"] < 512 * MiB, r
'
}

@test "cost: a busy loop of 0.3 s CPU shows about that, a sleep shows little" {
	run fanout -j2 --json-log j perl -e "$BUSY" ::: x
	[ "$status" -eq 0 ]
	run fanout -j2 --json-log j sleep ::: 0.3
	[ "$status" -eq 0 ]
	json_check j '
busy, idle = recs
cpu = busy["cpu_user"] + busy["cpu_system"]
assert busy["cpu_user"] >= 0.29 and cpu < 5, busy
idle_cpu = idle["cpu_user"] + idle["cpu_system"]
assert idle_cpu < 0.2 and idle["runtime"] >= 0.29, idle
# sleep gives up the CPU: at least one voluntary switch.
assert idle["ctxsw_voluntary"] >= 1, idle
for r in recs:
    assert isinstance(r["ctxsw_involuntary"], int) and r["ctxsw_involuntary"] >= 0
'
}

@test "cost: CPU of the children a job waits for is the job's" {
	# The shell waits for both perls: their CPU is counted into it.
	run fanout --json-log j ::: "perl -e '$BUSY' & perl -e '$BUSY'; wait"
	[ "$status" -eq 0 ]
	json_check j '
r = recs[0]
assert r["cpu_user"] >= 0.58, r
'
}

@test "cost: output bytes and an attempt that never started" {
	run fanout --json-log j sh -c 'head -c 1000 /dev/zero; head -c 7 /dev/zero >&2' ::: a
	[ "$status" -eq 0 ]
	run fanout --json-log j no-such-command-873 ::: a
	[ "$status" -eq 1 ]
	json_check j '
ran, never = recs
assert ran["bytes_out"] == 1000 and ran["bytes_err"] == 7, ran
for k in ("cpu_user", "cpu_system", "max_rss_bytes", "ctxsw_voluntary",
          "ctxsw_involuntary"):
    assert isinstance(ran[k], (int, float)), (k, ran)
    assert never[k] is None, (k, never)
'
}

@test "cost: --stats gives totals, quantiles and the top jobs by CPU and memory" {
	run fanout -j2 --stats ::: \
		"perl -e '$BUSY'" \
		'dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null' \
		'echo small'
	[ "$status" -eq 0 ]
	echo "$output"
	[[ "$output" == *"fanout: stats: cost: CPU "*" user, "*" system; "*" voluntary, "*" involuntary context switches; output 6B stdout, 0B stderr"* ]]
	[[ "$output" == *"fanout: stats: job CPU p50 "*", p90 "*", max "*"; peak RSS p50 "*", p90 "*", max "* ]]
	# The 0.3 s loop leads by CPU, dd by memory, each with its command.
	echo "$output" | grep -q "^fanout: stats: top CPU 1: job 1: [0-9.]*m\?s CPU, .*: perl -e"
	echo "$output" | grep -q "^fanout: stats: top memory 1: job 2: .*, 6[4-9]\.[0-9]MiB peak RSS, .*: dd if=/dev/zero"
	[ "$(echo "$output" | grep -c '^fanout: stats: top CPU')" -eq 3 ]
	[ "$(echo "$output" | grep -c '^fanout: stats: top memory')" -eq 3 ]
}

@test "cost: the GNU job log keeps its columns" {
	run fanout --joblog l ::: 'dd if=/dev/zero of=/dev/null bs=64M count=1 2>/dev/null'
	[ "$status" -eq 0 ]
	head -1 l | grep -qx 'Seq	Host	Starttime	JobRuntime	Send	Receive	Exitval	Signal	Command'
	[ "$(awk -F'\t' 'NR == 2 { print NF }' l)" -eq 9 ]
}
