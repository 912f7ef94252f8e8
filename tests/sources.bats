#!/usr/bin/env bats
# sources.bats - GNU parallel's input sources and columns (issue 12):
# positional {1} {2} ..., --colsep, --header. Each form is compared with
# GNU parallel's output where it is installed, and with the expected text
# written here in any case.

load helpers

# same WANT INPUT ARGS...: fanout -k ARGS, with INPUT on stdin, prints WANT;
# so does parallel -q -k ARGS (-q: the command's words are not shell code,
# as fanout's are not) where parallel is installed.
same() {
	local want=$1 input=$2
	shift 2
	run sh -c 'printf "%s" "$1" | { shift; "$@"; }' sh "$input" "$FANOUT" -k "$@"
	[ "$status" -eq 0 ] || { echo "fanout exit $status: $output" >&2; return 1; }
	[ "$output" = "$want" ] || { printf 'fanout: %s\nwant:   %s\n' "$output" "$want" >&2; return 1; }
	command -v parallel >/dev/null || return 0
	run sh -c 'printf "%s" "$1" | { shift; "$@"; }' sh "$input" parallel --will-cite -q -k "$@"
	[ "$output" = "$want" ] || { printf 'parallel: %s\nwant:     %s\n' "$output" "$want" >&2; return 1; }
}

@test "{1} with one input source is the record, in all its forms" {
	same '[a][a][b][b]' '' printf '[%s]' {} {1} ::: a b
	same '[d/x.tar][x.tar.gz][d][x.tar][]' '' \
		printf '[%s]' {1.} {1/} {1//} {1/.} {2} ::: d/x.tar.gz
	same '[x]' $'x\n' printf '[%s]' {1}
	same '[d/x.tar]' '' printf '[%s]' {-1.} ::: d/x.tar.gz
}

@test "{1} in --shell mode: each value its own quoted parameter" {
	run fanout -s 'printf "[%s]" {1} "{1/}"; echo' ::: "a'b \$(touch x)/c d"
	[ "$output" = "[a'b \$(touch x)/c d][c d]" ]
	[ ! -e x ]
	run fanout --dry-run -s 'echo {1} "{-1}"' ::: "'b"
	[ "$output" = "echo ''\\''b' \"'b\"" ]
}

@test "{1} in line mode (no COMMAND) is the record too" {
	run fanout ::: 'echo {1}'
	[ "$output" = '{1}' ]
}

@test "the shell's \${1} is not a replacement string, nor is what -I names" {
	run fanout sh -c 'echo ${1}' sh ::: a
	[ "$output" = a ]
	run fanout -I {1} echo {1} ::: b
	[ "$output" = b ]
	run fanout -s 'f() { echo ${1}; }; f x; echo {1}' ::: c
	[ "$output" = $'x\nc' ]
}

@test "--colsep cuts records into columns {1} {2} ...; missing ones are empty" {
	same '[a][b][][-][c][][][-][d][e][f][-]' $'a,b\nc\nd,e,f\n' \
		--colsep , printf '[%s]' {1} {2} {3} -
	# {} is the columns joined by spaces
	same $'a b X\nc X\nd e f X' $'a,b\nc\nd,e,f\n' --colsep , echo {} X
	same '[x][y z][][]' $'x\ty z\n\t\n' --colsep '\t' printf '[%s]' {1} {2}
	same '[a][b]' $'a::b\n' --colsep ':+' printf '[%s]' {1} {2}
	same '[a][][b][]' $'a,,b,\n' -C , printf '[%s]' {1} {2} {3} {4}
	same '[b][a][b.x]' $'a/b.x,a\n' --colsep , printf '[%s]' {1/.} {-1} {1/}
}

@test "--colsep with no replacement string appends each column as an argument" {
	same '[a][b c][d]' $'a,b c\nd\n' --colsep , printf '[%s]'
	run fanout -k -C , -s 'printf "[%s]"' ::: 'a,b c' d
	[ "$output" = "[a][b c][d]" ]
}

@test "--colsep in --shell mode quotes each column like a record" {
	run fanout -C , -s 'printf "[%s]" {2} {1}' ::: "\$(touch x),a'b c"
	[ "$output" = "[a'b c][\$(touch x)]" ]
	[ ! -e x ]
	run fanout -C , -s --dry-run 'echo {2}' ::: "x,a'b c"
	[ "$output" = "echo 'a'\\''b c'" ]
}

@test "--header : names the columns after the first record" {
	same $'b a a\nd c c' $'n,m\na,b\nc,d\n' --colsep , --header : echo {m} {n} {1}
	same '1 / 2 / 1 2' $'a\tb\n1\t2\n' --header : echo {a} / {b} / {}
	same '[y.c][x]' '' --header : printf '[%s]' {file/} {file//} ::: file x/y.c
	run fanout -k --header : echo {1} ::: h
	[ "$status" -eq 0 ] && [ -z "$output" ]
	run fanout -k --header : echo {1} </dev/null
	[ "$status" -eq 0 ] && [ -z "$output" ]
}

@test "--colsep and --header refuse what they cannot take" {
	run fanout --colsep '(' echo ::: a
	[ "$status" -eq 2 ]
	[[ "$output" == "fanout: --colsep '(': not a regular expression: "* ]]
	run fanout --colsep '' echo ::: a
	[ "$status" -eq 2 ] && [ "$output" = "fanout: --colsep: must not be empty" ]
	run fanout --header 2 echo ::: a
	[ "$status" -eq 2 ]
	# A number of lines is --pipe's (issue 13).
	[ "$output" = "fanout: --header N needs --pipe (without it, only ':')" ]
	run fanout --header x echo ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --header 'x': only ':' (the first record) is supported, or N lines with --pipe" ]
}

@test "--colsep: records too long for a command line fail alone" {
	local long
	long=$(head -c 300000 /dev/zero | tr '\0' a)
	printf 'a,b\n%s,c\nd,e\n' "$long" >in
	run sh -c "'$FANOUT' -k -C , echo {2} <in 2>err"
	[ "$status" -eq 1 ]
	[ "$output" = $'b\ne' ]
	[ "$(cat err)" = "fanout: job 2: argument list too long (record 2)" ]
}

@test "the four commands that once ran something else are right" {
	same $'a\nb' '' echo {1} ::: a b
	same $'a c\na d\nb c\nb d' '' echo {1} {2} ::: a b ::: c d
	same 'a b' '' echo ::: a :::+ b
	printf 'x y\nz\n' >files.txt
	same $'[x y]\n[z]' '' printf '[%s]\n' :::: files.txt
}

@test "several ::: sources: every combination, the first varying slowest" {
	same $'c-a\nd-a\nc-b\nd-b' '' echo {2}-{1} ::: a b ::: c d
	same $'a c\na d\nb c\nb d' '' echo ::: a b ::: c d
	same $'a 1 x\na 1 y\nb 2 x\nb 2 y' '' echo ::: a b :::+ 1 2 ::: x y
	same $'a 1 X 11\na 1 Y 22\nb 2 X 11\nb 2 Y 22\nc 3 X 11\nc 3 Y 22' '' \
		echo ::: a b c :::+ 1 2 3 ::: X Y :::+ 11 22
	# {} is the values joined by spaces, in one argument (parallel -q
	# would split it); a missing one is empty
	run fanout -k printf '[%s]' {} {3} ::: a b ::: c
	[ "$output" = '[a c][][b c][]' ]
}

@test ":::+ and ::::+ link to the source before: n-th with n-th, the shortest wins" {
	same $'a 1\nb 2' '' echo ::: a b c :::+ 1 2
	printf '1\n2\n3\n' >nums
	same $'a 1\nb 2' '' echo ::: a b ::::+ nums
	same $'1 a\n2 b' '' echo :::: nums :::+ a b
	run fanout echo :::+ a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: ':::+' links to the input source before it, and there is none" ]
}

@test "--link links them all, shorter sources wrapping round" {
	same $'a 1\nb 2\na 3\nb 4\na 5' '' --link echo ::: a b ::: 1 2 3 4 5
	same $'a 1\nb 1' '' --xapply echo ::: a b ::: 1
}

@test ":::: with several files, -a more than once, and - for stdin" {
	printf 'x\ny\n' >f1
	printf '1\n2\n' >f2
	same $'x 1\nx 2\ny 1\ny 2' '' echo :::: f1 f2
	same $'x 1\nx 2\ny 1\ny 2' '' -a f1 -a f2 echo
	same $'x p\nx q\ny p\ny q' $'p\nq\n' echo :::: f1 -
	same $'p x\np y\nq x\nq y' $'p\nq\n' echo :::: - f1
	same $'x a\ny a' '' echo :::: f1 ::: a
	run fanout echo :::: - -
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: '-' (standard input) given as 2 input sources: it can be read once" ]
	run fanout echo :::: f1 missing
	[ "$status" -eq 2 ]
	[[ "$output" == "fanout: cannot open 'missing': "* ]]
}

@test "an empty source among several is one empty value, as in parallel" {
	same $'[][a]\n[][b]' '' echo [{1}][{2}] ::: ::: a b
	same '[a][]' '' echo [{1}][{2}] ::: a :::: /dev/null
	same '[][a]' '' echo [{1}][{2}] :::: - ::: a
	run fanout echo ::: a :::
	[ "$output" = 'a ' ]
}

@test "several sources with --colsep and --header" {
	same $'D C B A\nH G F E' '' --link --colsep - echo {4} {3} {2} {1} ::: A-B E-F ::: C-D G-H
	same $'a c\nb c' '' --header : echo {f} {g} ::: f a b ::: g c
}

@test "several sources in --shell mode: each value its own parameter" {
	run fanout -k -s 'printf "[%s]" {2} {1}; echo' ::: "a'b" ::: '$(touch x)'
	[ "$output" = "[\$(touch x)][a'b]" ]
	[ ! -e x ]
	run fanout -k -s 'printf "[%s]"' ::: "a b" ::: c
	[ "$output" = '[a b][c]' ]
}

@test "several sources: the first streams, the job's number is the combination's" {
	# the first record's jobs run before the input ends
	mkfifo in
	fanout -k sh -c 'echo "$FANOUT_SEQ $1 $2"; touch "done.$FANOUT_SEQ"' sh :::: in ::: x y >out &
	exec 5>in
	echo a >&5
	wait_for done.2
	echo b >&5
	exec 5>&-
	wait
	[ "$(cat out)" = $'1 a x\n2 a y\n3 b x\n4 b y' ]
}

@test "-N N: N records a job, named {1} .. {N}; the last job may be short" {
	same '[a][b][c][]' '' -N2 printf '[%s]' {1} {2} ::: a b c
	same '[a][b][c]' '' -N2 printf '[%s]' ::: a b c
	same '[b][c][][d]' '' -N3 printf '[%s]' {2} {-1} ::: a b c d
	same $'1 2\n3 4\n5' $'1\n2\n3\n4\n5\n' -N2 echo
	same $'1 2\n3 4\n5' $'1\n2\n3\n4\n5\n' --max-replace-args 2 echo
	run fanout -k -N2 -s 'echo "{2}-{1}" {#}' ::: "a'" b c
	[ "$output" = $'b-a\' 1\n-c 2' ]
}

@test "-X: as many records as fit, a word with {} repeated per record" {
	same '[pre-a-post][pre-b-post][pre-c-post][xay][xby][xcy]' '' \
		-j1 -X printf '[%s]' pre-{}-post x{.}y ::: a b c
	same 'a b c' '' -j1 -X echo ::: a b c
	# cut to the argument size limits, not one command per record
	run sh -c "seq 200000 | '$FANOUT' -X echo x{}y | wc -l"
	[ "$output" -ge 1 ] && [ "$output" -le 20 ]
	run sh -c "seq 200000 | '$FANOUT' -X echo x{}y | tr ' ' '\n' | sort -u | wc -l"
	[ "$output" -eq 200000 ]
}

@test "-m: as many records as fit, {} all of them, the word cut between" {
	same '[pre-a][b][c-post][xa][b][cy1]' '' \
		-j1 -m printf '[%s]' pre-{}-post x{}y{#} ::: a b c
	same '[a][b-a][b]' '' -j1 -m printf '[%s]' {}-{} ::: a b
	same '[a][b][c]' '' -j1 --xargs printf '[%s]' ::: a b c
	run sh -c "seq 200000 | '$FANOUT' -m echo x{}-{}y | tr ' ' '\n' | grep -c -- -"
	[ "$output" -ge 1 ] && [ "$output" -le 20 ]
}

@test "-N, -X and -m refuse what contradicts them" {
	local m
	for m in "-X -m:-X cannot be used with -m" \
		"-X --batch 2:-X cannot be used with --batch (-X is as many as fit)" \
		"-m -n 2:-m cannot be used with --batch (-m is as many as fit)" \
		"-N 2 -L 2:-N cannot be used with -L" \
		"-N 2 -X:-N cannot be used with -X" \
		"-N 2 -C ,:-N cannot be used with --colsep"; do
		run fanout ${m%%:*} touch ran ::: x
		[ "$status" -eq 2 ] && [ "$output" = "fanout: ${m#*:}" ]
	done
	run fanout -N 2 touch ran ::: x ::: y
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: -N cannot be used with several input sources or --header" ]
	run fanout -N 0 touch ran ::: x
	[ "$status" -eq 2 ] && [ "$output" = "fanout: -N '0': must be at least 1" ]
	[ ! -e ran ]
}

@test "--resume-failed with several sources: the job's number is its combination's" {
	run fanout -k --joblog log sh -c 'echo "$1$2"; [ "$1$2" != bc ]' sh ::: a b ::: c d
	[ "$status" -eq 1 ]
	run fanout -k --joblog log --resume-failed sh -c 'echo "again $1$2"' sh ::: a b ::: c d
	[ "$status" -eq 0 ]
	[ "$output" = 'again bc' ]
	[ "$(tail -1 log | cut -f1)" = 3 ]
}

@test "--tag with several sources tags with the values joined, as parallel" {
	same $'a c\tx a c\nb c\tx b c' '' --tag echo x ::: a b ::: c
}
