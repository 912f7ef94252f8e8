#!/usr/bin/env bats
# files.bats - --files (issue 12): GNU parallel's "save each job's stdout
# in a file and print the file's name instead".

load helpers

@test "--files: each job's stdout is in a file of TMPDIR, its name the job's one line" {
	mkdir tmp
	TMPDIR=$PWD/tmp run fanout --files sh -c 'echo "out $1"; echo "more $1"' sh ::: a b
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 2 ]
	for p in "${lines[@]}"; do
		[[ "$p" == "$PWD/tmp/fanout."?????? ]]
		[ "$(stat -c %a "$p")" = 600 ]
	done
	[ "$(cat "${lines[@]}" | sort)" = $'more a\nmore b\nout a\nout b' ]
	[ "$(ls tmp | wc -l)" -eq 2 ]
	# A job that writes nothing has an empty file, still named.
	TMPDIR=$PWD/tmp run fanout --files true ::: x
	[ "$status" -eq 0 ]
	[ -f "$output" ] && [ ! -s "$output" ]
}

@test "--files: stderr is written as usual, not into the file" {
	mkdir tmp
	TMPDIR=$PWD/tmp fanout --files sh -c 'echo "out $1"; echo "err $1" >&2' sh ::: a >out 2>err
	[ "$(cat err)" = "err a" ]
	[ "$(cat "$(cat out)")" = "out a" ]
}

@test "--files: --tmpdir DIR, else TMPDIR, else /tmp" {
	mkdir t1 t2
	TMPDIR=$PWD/t2 run fanout --tmpdir t1 --files echo ::: a
	[ "$status" -eq 0 ]
	[[ "$output" == t1/fanout.* ]]
	[ "$(cat "$output")" = a ]
	# A TMPDIR given with a slash at its end does not double it.
	TMPDIR=$PWD/t2/ run fanout --files echo ::: b
	[[ "$output" == "$PWD/t2/fanout."* ]]
	[ "$(cat "$output")" = b ]
	run env -u TMPDIR "$FANOUT" --files echo ::: 'files.bats /tmp check'
	[ "$status" -eq 0 ]
	[[ "$output" == /tmp/fanout.* ]]
	[ "$(cat "$output")" = "files.bats /tmp check" ]
	rm -f "$output"
}

@test "--files -k: the names in input order; --tag: the tag before the name" {
	mkdir tmp
	export TMPDIR=$PWD/tmp
	run fanout --files -k sh -c 'sleep "0.$1"; echo "o$1"' sh ::: 3 1 2
	[ "$status" -eq 0 ]
	[ "$(cat "${lines[@]}")" = $'o3\no1\no2' ]
	run fanout --files -k --tag echo ::: x y
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "x	$PWD/tmp/fanout."* ]]
	[[ "${lines[1]}" == "y	$PWD/tmp/fanout."* ]]
	[ "$(cat "${lines[0]#*	}")" = x ]
	run fanout --files -k --tagstring '{#}:' echo ::: x
	[[ "$output" == "1:	$PWD/tmp/fanout."* ]]
}

@test "--files: a retried job's file holds its last attempt, and only its file is left" {
	mkdir tmp
	TMPDIR=$PWD/tmp run fanout --files --retries 2 --retry-delay 10ms sh -c \
		'if [ -e seen ]; then echo second; else touch seen; echo first; exit 1; fi' ::: x
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(cat "$output")" = second ]
	[ "$(ls tmp | wc -l)" -eq 1 ]
}

@test "--files: a failed job is named and its file printed; a job that never started has none" {
	mkdir tmp
	export TMPDIR=$PWD/tmp
	fanout --files sh -c 'echo "half"; exit 3' ::: a >out 2>err && false
	[ "$(cat "$(cat out)")" = half ]
	[[ "$(cat err)" == "fanout: job 1 [pid "*"]: 'sh -c 'echo \"half\"; exit 3' a' exited with status 3" ]]
	rm tmp/*
	run fanout --files ./no-such-program-3817 ::: a
	[ "$status" -eq 1 ]
	[[ "$output" == "fanout: cannot run './no-such-program-3817'"* ]]
	[ "${#lines[@]}" -eq 1 ]
	[ "$(ls tmp | wc -l)" -eq 0 ]
}

@test "--files --results DIR: the name printed is DIR/SEQ/stdout, no temp file" {
	mkdir tmp
	TMPDIR=$PWD/tmp run fanout --files --results out -k sh -c 'echo "o $1"; echo "e $1" >&2' sh ::: a b
	[ "$status" -eq 0 ]
	[ "$output" = $'out/1/stdout\ne a\nout/2/stdout\ne b' ]
	[ "$(cat out/2/stdout)" = "o b" ]
	[ "$(cat out/2/stderr)" = "e b" ]
	[ "$(ls tmp | wc -l)" -eq 0 ]
}

@test "--files --pipe: each block's output in a file of its own" {
	mkdir tmp
	printf 'l1\nl2\nl3\n' | TMPDIR=$PWD/tmp fanout --files --pipe -L 1 -k cat >names
	[ "$(wc -l <names)" -eq 3 ]
	[ "$(xargs cat <names)" = $'l1\nl2\nl3' ]
}

@test "--files with -u is refused: the output would not pass through fanout" {
	run fanout --files -u echo a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --files cannot be used with --ungroup (its output does not pass through fanout)" ]
	run fanout -u --files echo a
	[ "$status" -eq 2 ]
}

@test "--files: a file that cannot be made is said once, exit 3, and that job's stdout written as usual" {
	mkdir tmp
	TMPDIR=$PWD/tmp run fanout -j1 -k --files sh -c 'rm -rf "$TMPDIR"; echo "$1"' sh ::: a b c
	[ "$status" -eq 3 ]
	[[ "${lines[0]}" == "$PWD/tmp/fanout."* ]]
	# (said when job 2 starts, before its output)
	[ "${lines[1]}" = "fanout: cannot make a file in '$PWD/tmp' (--files): No such file or directory" ]
	[ "${lines[2]}" = b ]
	[ "${lines[3]}" = c ]
	[ "${#lines[@]}" -eq 4 ]
}
