#!/usr/bin/env bats
# --rlimit: limits set in each job, not in fanout; a job its CPU limit ends
# is named with SIGXCPU. --memfree and --load: gates before a start.

load helpers

@test "--rlimit: each job gets the limits, fanout keeps its own" {
	run fanout --rlimit as=64M,nofile=10,core=0 sh -c 'ulimit -v; ulimit -n; ulimit -c' ::: a
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '65536\n10\n0')" ]
	# Without --rlimit the job has fanout's caller's limits.
	run fanout sh -c 'ulimit -n' ::: a
	[ "$output" = "$(ulimit -n)" ]
}

@test "--rlimit cpu: the job that runs out is named with SIGXCPU and its limit" {
	run fanout --rlimit cpu=1 --json-log j perl -e '1 while 1' ::: a
	[ "$status" -eq 1 ]
	echo "$output"
	[[ "$output" == *"fanout: job 1 [pid "*"]: 'perl -e "*" killed by signal 24 (SIGXCPU, --rlimit cpu=1)"* ]]
	grep -q '"signal":24,"signal_name":"SIGXCPU"' j
	# A job that ignores SIGXCPU gets SIGKILL a second later.
	run fanout --rlimit cpu=1 --json-log k perl -e '$SIG{XCPU} = "IGNORE"; 1 while 1' ::: a
	[ "$status" -eq 1 ]
	[[ "$output" == *"killed by signal 9 (SIGKILL, --rlimit cpu=1)"* ]]
	grep -q '"signal_name":"SIGKILL"' k
	# A SIGKILL from elsewhere, short of the CPU limit, is not the limit's.
	run fanout --rlimit cpu=5 sh -c 'kill -9 $$' ::: a
	[ "$status" -eq 1 ]
	[[ "$output" == *"killed by signal 9 (SIGKILL)" ]]
}

@test "--rlimit fsize: a job writing past it gets SIGXFSZ, named with its limit" {
	run fanout --rlimit fsize=1k sh -c 'head -c 5000 /dev/zero > big; exit $?' ::: a
	[ "$status" -eq 1 ]
	[ "$(stat -c %s big)" -le 1024 ]
	run fanout --rlimit fsize=2k sh -c 'exec head -c 5000 /dev/zero > big' ::: a
	[ "$status" -eq 1 ]
	[[ "$output" == *"'sh -c "*" killed by signal 25 (SIGXFSZ, --rlimit fsize=2K)" ]]
}

@test "--rlimit: bad values are usage errors naming the option" {
	run fanout --rlimit wat=1 true ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --rlimit 'wat=1': unknown limit (as, core, cpu, data, fsize, nofile, nproc, stack)" ]
	run fanout --rlimit as=12Q true ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --rlimit 'as=12Q': not a size (try 512M or unlimited)" ]
	run fanout --rlimit cpu=1,nofile=x true ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --rlimit 'nofile=x': not a whole number (or unlimited)" ]
	run fanout --rlimit cpu true ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --rlimit 'cpu': must be NAME=VALUE" ]
}

@test "--memfree: nothing starts while memory is short; SIGHUP ends the wait" {
	# SIGHUP set to default: a suite run under nohup has it ignored.
	env --default-signal=HUP "$FANOUT" --memfree 1000000G touch ran ::: a 2>err &
	pid=$!
	wait_for_match err waiting
	kill -HUP "$pid"
	st=0
	wait "$pid" || st=$?
	[ "$st" -eq 129 ]
	grep -qx 'fanout: waiting to start jobs: MemAvailable is below --memfree' err
	[ ! -e ran ]
	run fanout --memfree 1M touch ran ::: a
	[ "$status" -eq 0 ]
	[ -e ran ]
}

@test "--load: jobs start under the limit; bad values are usage errors" {
	run fanout --load 100000 touch ran ::: a
	[ "$status" -eq 0 ]
	[ -e ran ]
	run fanout --load 0 true ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --load '0': must be a number above 0, or N% of the CPUs" ]
	run fanout --load 2x true ::: a
	[ "$status" -eq 2 ]
	run fanout --memfree lots true ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --memfree 'lots': not a size (try 64M)" ]
}
