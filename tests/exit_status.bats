#!/usr/bin/env bats
# One test per row of the EXIT STATUS table.

load helpers

@test "0: every job ran and exited 0" {
	run fanout true ::: a b c
	[ "$status" -eq 0 ]
}

@test "1: a job exited non-zero" {
	run fanout sh -c 'exit $0' ::: 0 3 0
	[ "$status" -eq 1 ]
}

@test "1: a job was killed by a signal" {
	run fanout sh -c 'kill -9 $$' ::: x
	[ "$status" -eq 1 ]
}

@test "1: a job could not start (not found)" {
	run fanout no-such-command-xyz ::: x
	[ "$status" -eq 1 ]
}

@test "2: usage error, nothing ran" {
	run fanout --jobs abc touch ran ::: x
	[ "$status" -eq 2 ]
	[ ! -e ran ]
}
