#!/usr/bin/env bats
# --shell: what --dry-run, -v and the logs show is what runs (issues 11, 16).
# tests/unit/test_shell_render.c checks the same property on random records.

load helpers

# shown_runs_as_job TEMPLATE RECORD...: the --dry-run rendering, piped to
# sh, prints what the job prints, and no record ran "touch PWN".
shown_runs_as_job() {
	local t=$1 shown ran
	shift
	printf '%s\0' "$@" > recs
	shown=$(fanout -k -0 -a recs --dry-run -s "$t" | sh 2>&1)
	ran=$(fanout -k -0 -a recs -s "$t" 2>&1)
	[ "$shown" = "$ran" ] || {
		printf 'shown: %s\nran:   %s\n' "$shown" "$ran"
		return 1
	}
	[ ! -e PWN ]
}

@test "--shell: {} inside \$(( )) is refused, with what to write instead" {
	run fanout --dry-run -s 'echo $(( {} * 2 ))' ::: 21
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: '{}' inside \$(( )) would make a record arithmetic code: compute with expr instead, as in \$(expr {} \\* 2)" ]
	run fanout -s 'echo $(expr {} \* 2) $(( {#} * 2 ))' ::: 21
	[ "$status" -eq 0 ]
	[ "$output" = "42 2" ]
}

@test "--shell: {} in a here-document is the record, no quotes added" {
	t=$'cat <<EOF\n[{}]\nEOF'
	run fanout -k -s "$t" ::: 'a b' '$(touch PWN)'
	[ "$status" -eq 0 ]
	[ "$output" = $'[a b]\n[$(touch PWN)]' ]
	run fanout --dry-run -s "$t" ::: 'a b'
	[ "$output" = $'set -- \'a b\'; cat <<EOF\n[${1}]\nEOF' ]
	shown_runs_as_job "$t" 'a b' $'x\nEOF\ntouch PWN' '`touch PWN`'
	shown_runs_as_job $'cat <<-EOF\n\t{}\n\tEOF' $'\tEOF\ntouch PWN'
}

@test "--shell: {} in a quoted here-document is refused" {
	run fanout -s $'cat <<\'EOF\'\n{}\nEOF' ::: x
	[ "$status" -eq 2 ]
	[[ "$output" == "fanout: '{}' in a quoted here-document is never replaced: unquote its delimiter (<<EOF)"* ]]
}

@test "--shell --dry-run: a record's newline cannot end a comment" {
	run bash -c "'$FANOUT' --dry-run -s 'echo hi # {}' ::: \$'x\ntouch PWN #' | sh"
	[ "$status" -eq 0 ]
	[ "$output" = "hi" ]
	[ ! -e PWN ]
	shown_runs_as_job 'echo hi # {}' $'x\ntouch PWN #' 'a b'
}

@test "--shell --dry-run, -v and the job log quote a record inside backquotes" {
	t='echo `echo {}` "`printf %s "{}"`"'
	run fanout --dry-run -s "$t" ::: 'a`b'
	[ "$output" = "echo \`echo 'a\\\`b'\` \"\`printf %s \"a\\\\\\\`b\"\`\"" ]
	fanout -v --joblog log -s "$t" ::: 'a`b' 2> err > out
	[ "$(cat err)" = "${lines[0]}" ]
	[ "$(cut -f9 log | tail -n 1)" = "${lines[0]}" ]
	shown_runs_as_job "$t" 'a`b' '`touch PWN`' '\`touch PWN\`' "'\`touch PWN\`'"
}

@test "--shell --dry-run is what runs, in every context the template quotes" {
	for t in 'printf "[%s]\n" {} "{}" '\''{}'\' \
		 'case {} in *\)*) printf "[%s]\n" {};; *) echo no;; esac' \
		 'printf "[%s]\n" "$(case x in (x) printf %s {};; esac)"' \
		 'printf "[%s]\n" "${UNSET_FANOUT:-{}}"'; do
		shown_runs_as_job "$t" 'a b' "it's" '$(touch PWN)' 'x)y' \
			$'two\nlines' '"; touch PWN; "' '\' '*'
	done
}
