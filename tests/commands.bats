#!/usr/bin/env bats
# The three command modes, replacement strings and the job environment.

load helpers

@test "no COMMAND: each line is a shell command" {
	run bash -c "printf 'echo one\necho two | tr a-z A-Z\n' | '$FANOUT' -k"
	[ "$status" -eq 0 ]
	[ "$output" = $'one\nTWO' ]
}

@test "COMMAND runs directly: records are never shell syntax" {
	run fanout -k echo ::: '$(touch pwned)' '`touch pwned`' 'a; touch pwned' '*'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = '$(touch pwned)' ]
	[ "${lines[1]}" = '`touch pwned`' ]
	[ "${lines[2]}" = 'a; touch pwned' ]
	[ "${lines[3]}" = '*' ]
	[ ! -e pwned ]
}

@test "the record is appended when no ARG holds a replacement string" {
	run fanout -k printf '%s-%s\n' x ::: a b
	[ "$output" = $'x-a\nx-b' ]
}

@test "replacement strings {} {.} {/} {//} {/.}" {
	run fanout -k echo '{}|{.}|{/}|{//}|{/.}' ::: dir/sub/file.tar.gz plain
	[ "${lines[0]}" = 'dir/sub/file.tar.gz|dir/sub/file.tar|file.tar.gz|dir/sub|file.tar' ]
	[ "${lines[1]}" = 'plain|plain|plain|.|plain' ]
}

@test "{#} is the job number and {%} the worker slot" {
	run fanout -k -j1 echo '{#}:{%}:{}' ::: a b c
	[ "$output" = $'1:1:a\n2:1:b\n3:1:c' ]
	run fanout -j3 echo '{%}' ::: a b c d e f
	for l in "${lines[@]}"; do [[ "$l" =~ ^[123]$ ]]; done
}

@test "a replacement string inside a longer word, several times" {
	run fanout -k echo 'x{}y{}z' ::: 1
	[ "$output" = "x1y1z" ]
}

@test "-I changes the record's replacement string" {
	run fanout -k -I XX echo 'XX {}' ::: a
	[ "$output" = "a {}" ]
}

@test "FANOUT_SEQ and FANOUT_SLOT are in every job's environment" {
	run fanout -k -j1 sh -c 'echo $FANOUT_SEQ $FANOUT_SLOT $0' ::: a b
	[ "$output" = $'1 1 a\n2 1 b' ]
	FANOUT_SEQ=stale run fanout -j1 sh -c 'env | grep -c ^FANOUT_SEQ=; true' ::: a
	[ "$output" = "1" ]
}

@test "--shell runs a template under /bin/sh" {
	run fanout -k --shell 'echo {} | tr a-z A-Z' ::: ab cd
	[ "$status" -eq 0 ]
	[ "$output" = $'AB\nCD' ]
}

@test "--shell: hostile records are never code, however the template quotes" {
	printf '%s\0' '$(touch pwned1)' '`touch pwned2`' 'a;touch pwned3' \
		"it's" 'say "hi"' 'back\slash' $'two\nlines' '$HOME' '*' ' sp ' > recs
	for t in 'printf "[%s]\n" {}' "printf '[%s]\n' '{}'" \
		 'printf "[%s]\n" "{}"' 'printf "[%s]\n" "x{}y"' \
		 "printf '[%s]\n' 'a'{}'b'"; do
		run fanout -k -0 -a recs --shell "$t"
		[ "$status" -eq 0 ]
		[ ! -e pwned1 ] && [ ! -e pwned2 ] && [ ! -e pwned3 ]
		case "$t" in
		*x{}y*) pre=x post=y ;;
		*a\'{}\'b*) pre=a post=b ;;
		*) pre= post= ;;
		esac
		expected=$(printf "[$pre%s$post]\n" '$(touch pwned1)' '`touch pwned2`' \
			'a;touch pwned3' "it's" 'say "hi"' 'back\slash' \
			$'two\nlines' '$HOME' '*' ' sp ')
		[ "$output" = "$expected" ]
	done
}

@test "-s is --shell" {
	run fanout -k -s 'echo "<{}>"' ::: 'a b'
	[ "$output" = "<a b>" ]
}

@test "a command that is not found: one message, every job fails with 127" {
	run fanout --joblog log no-such-command-xyz ::: a b c
	[ "$status" -eq 1 ]
	[ "$output" = "fanout: cannot run 'no-such-command-xyz': not found" ]
	[ "$(cut -f7 log | tail -n +2 | sort -u)" = "127" ]
}

@test "a command that is not executable: one message, jobs fail with 126" {
	printf 'echo hi\n' > script
	chmod 644 script
	run fanout --joblog log ./script ::: a b
	[ "$status" -eq 1 ]
	[ "$output" = "fanout: cannot run './script': not executable" ]
	[ "$(cut -f7 log | tail -n +2 | sort -u)" = "126" ]
}

@test "a command that cannot run for another reason fails with 126, as in xargs" {
	# ENOTDIR: only "not found" (ENOENT) is 127; OpenBSD xargs and xe agree.
	run fanout --joblog log /dev/null/calc.exe ::: a b
	[ "$status" -eq 1 ]
	[ "$output" = "fanout: cannot run '/dev/null/calc.exe': Not a directory" ]
	[ "$(cut -f7 log | tail -n +2 | sort -u)" = "126" ]
}

@test "no COMMAND: a line whose command is missing fails that job with 127" {
	run bash -c "printf 'no-such-cmd-xyz\necho ok\n' | '$FANOUT' -k --joblog log"
	[ "$status" -eq 1 ]
	[[ "$output" == *"ok"* ]]
	[ "$(awk -F '\t' '$1 == 1 { print $7 }' log)" = "127" ]
	[ "$(awk -F '\t' '$1 == 2 { print $7 }' log)" = "0" ]
}

@test "--shell --dry-run shows the script with its values quoted in place" {
	printf '%s\0' "it's" 'a b' '$(touch pwned)' 'q"z' 'back\slash' > recs
	run fanout -k -0 -a recs --dry-run --shell "printf '[%s|%s|%s]\n' {} \"{}\" '{}'"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "printf '[%s|%s|%s]\n' 'it'\\''s' \"it's\" 'it'\\''s'" ]
	# What it shows, run by sh, does what the job does.
	shown=$(printf '%s\n' "${lines[@]}" | sh)
	ran=$(fanout -k -0 -a recs --shell "printf '[%s|%s|%s]\n' {} \"{}\" '{}'")
	[ "$shown" = "$ran" ]
	[ ! -e pwned ]
}

@test "a whole shell line given as COMMAND gets a hint about --shell" {
	run fanout 'echo {} | wc -c' ::: a b c
	[ "$status" -eq 1 ]
	# Once, not once per job.
	[[ "$output" == "fanout: cannot run 'echo "?" | wc -c': not found (for a shell command line, use --shell)" ]]
}
