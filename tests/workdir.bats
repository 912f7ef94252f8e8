#!/usr/bin/env bats
# workdir.bats - --workdir and --env for local jobs (no -S, or the sshlogin
# ':'), as GNU parallel means them: local jobs run in DIR; '.' is this
# directory; they inherit the whole environment anyway. (Remote jobs: see
# remote_ssh.bats.)

load helpers

@test "workdir: local jobs run in DIR, relative to here" {
	mkdir -p a/b
	run fanout --workdir a/b sh -c pwd sh ::: x
	[ "$status" -eq 0 ]
	[ "$output" = "$T/a/b" ]
	run fanout --wd "$T/a" -k sh -c 'pwd; echo "$1"' sh ::: x y
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '%s\nx\n%s\ny' "$T/a" "$T/a")" ]
	# '.': here, where fanout was started.
	run fanout --workdir . sh -c pwd sh ::: x
	[ "$output" = "$T" ]
}

@test "workdir: the sshlogin ':' (this machine) runs in DIR too" {
	mkdir -p d
	run fanout -S : --workdir d sh -c pwd sh ::: x
	[ "$status" -eq 0 ]
	[ "$output" = "$T/d" ]
	run fanout -S 2/: --workdir . --shell 'pwd' ::: x
	[ "$status" -eq 0 ]
	[ "$output" = "$T" ]
}

@test "workdir: a program named by a relative path is found in DIR" {
	mkdir -p d
	printf '#!/bin/sh\necho "in $(pwd) $1"\n' >d/run.sh
	chmod +x d/run.sh
	run fanout --workdir d ./run.sh ::: 1
	[ "$status" -eq 0 ]
	[ "$output" = "in $T/d 1" ]
	# The command varies: looked up per job, in DIR as well.
	run fanout --workdir d ./{} ::: run.sh
	[ "$status" -eq 0 ]
	[ "$output" = "in $T/d " ]
}

@test "workdir: a missing DIR fails every job (126), said once" {
	run fanout --workdir nowhere --joblog log echo ::: a b c
	[ "$status" -eq 1 ]
	[ "$output" = "fanout: cannot change to 'nowhere': No such file or directory (--workdir)" ]
	[ "$(awk -F'\t' 'NR > 1 { print $7 }' log | sort -u)" = 126 ]
	[ "$(awk 'NR > 1' log | wc -l)" -eq 3 ]
	touch file
	run fanout --workdir file echo ::: a
	[ "$status" -eq 1 ]
	[ "$output" = "fanout: cannot change to 'file': Not a directory (--workdir)" ]
}

@test "workdir: --env is accepted for local jobs, which have the variable" {
	FO_ENV_ONE='a b' run fanout --env FO_ENV_ONE sh -c 'echo "$FO_ENV_ONE"' ::: x
	[ "$status" -eq 0 ]
	[ "$output" = "a b" ]
	FO_ENV_ONE='c' run fanout -S : --env FO_ENV_ONE sh -c 'echo "$FO_ENV_ONE"' ::: x
	[ "$status" -eq 0 ]
	[ "$output" = c ]
}
