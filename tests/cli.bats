#!/usr/bin/env bats
# Options and their validation: every bad value is refused before anything
# runs, with "fanout: ..." on one line and exit status 2.

load helpers

refused() {
	run fanout "$@" touch ran ::: x
	[ "$status" -eq 2 ]
	[ "${#lines[@]}" -eq 1 ]
	[[ "${lines[0]}" == "fanout: "* ]]
	[ ! -e ran ]
	[ ! -e x ]
}

@test "--help prints usage and every option, exit 0" {
	run fanout --help
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: fanout "* ]]
	[[ "$output" == *"--keep-order"* ]]
	[[ "$output" == *"--timeout"* ]]
}

@test "-h is --help" {
	run fanout -h
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "usage: fanout "* ]]
}

@test "--version prints the version" {
	run fanout --version
	[ "$status" -eq 0 ]
	[[ "$output" =~ ^fanout\ [0-9]+\.[0-9]+ ]]
}

@test "--timeout 0 is refused with the documented message" {
	run fanout --timeout 0 true ::: x
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --timeout '0': must be more than 0" ]
}

@test "bad numbers and durations are refused before anything runs" {
	refused -j abc
	refused -j +x
	refused -j -
	refused -j 3-
	refused --jobs=
	refused -j 99999999
	refused --timeout 0
	refused --timeout -1s
	refused --timeout 5x
	refused --timeout 1.5.2s
	refused --kill-after soon
	refused --batch 0
	refused --rate 0/s
	refused --rate fast
	refused --burst 3
	refused --halt sometimes
	refused --halt soon,fail=0
	refused --retries -1
	refused --breaker 0
	refused --buffer-size 12Q
	refused -d ab
}

@test "unknown options are named" {
	run fanout --frobnicate true
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: unknown option '--frobnicate' (see --help)" ]
	run fanout -Z true
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: unknown option '-Z' (see --help)" ]
}

@test "an option without its value is refused" {
	run fanout -j
	[ "$status" -eq 2 ]
	[[ "$output" == "fanout: -j needs a value"* ]]
}

@test "a flag given a value is refused" {
	run fanout --keep-order=yes true
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --keep-order takes no value" ]
}

@test "an unreadable input file exits 2 and runs nothing" {
	run fanout -a /nonexistent/file touch ran
	[ "$status" -eq 2 ]
	[[ "$output" == "fanout: cannot open '/nonexistent/file': "* ]]
	[ ! -e ran ]
}

@test "options cluster and take attached values: -kj2, -j2, --jobs=2" {
	run fanout -kj2 echo ::: a b c
	[ "$status" -eq 0 ]
	[ "$output" = $'a\nb\nc' ]
	run fanout --jobs=2 -k echo ::: x
	[ "$output" = "x" ]
}

@test "options stop at COMMAND: its own options are its own" {
	run fanout -k echo -n ::: a
	[ "$status" -eq 0 ]
	[ "$output" = "a" ]
	run fanout -- echo -k ::: b
	[ "$output" = "-k b" ]
}
