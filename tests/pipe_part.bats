#!/usr/bin/env bats
# -a FILE --pipe without --block: GNU parallel --pipepart's default, 10
# blocks a job slot (its --block -10), not --pipe's 1M; stdin keeps 1M.

load helpers

# in: about 300 KB of lines of 90..110 bytes.
make_input() {
	awk 'BEGIN { srand(3); s = ""; for (i = 0; i < 12; i++) s = s "abcdefghij"
		for (n = 0; n < 3000; n++) print substr(s, 1, 89 + int(rand() * 21)) }' >in
}

@test "-a FILE --pipe: 10 blocks a job slot, the file joined back whole" {
	make_input
	mkdir got
	fanout -a in --pipe -j2 sh -c 'cat > got/$FANOUT_SEQ'
	n=$(ls got | wc -l)
	[ "$n" -ge 20 ] && [ "$n" -le 21 ]
	for i in $(seq "$n"); do cat "got/$i"; done | cmp - in
	mkdir got3
	fanout -a in --pipe -j3 sh -c 'cat > got3/$FANOUT_SEQ'
	n=$(ls got3 | wc -l)
	[ "$n" -ge 30 ] && [ "$n" -le 31 ]
}

@test "-a FILE --pipe --block SIZE: the size given wins" {
	make_input
	run fanout -a in --pipe -j2 --block 100k wc -l
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -ge 3 ] && [ "${#lines[@]}" -le 4 ]
}

@test "--pipe from stdin, even a regular file: 1M blocks, as GNU parallel --pipe" {
	make_input
	run bash -c "'$FANOUT' --pipe -j2 wc -l < in"
	[ "$status" -eq 0 ]
	[ "$output" = 3000 ]
}
