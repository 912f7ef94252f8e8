#!/usr/bin/env bats
# Fan-in: grouped output never interleaves.

load helpers

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

@test "large outputs pass through byte for byte" {
	head -c 3000000 /dev/urandom > blob
	run bash -c "'$FANOUT' cat ::: blob > copy"
	[ "$status" -eq 0 ]
	cmp blob copy
}
