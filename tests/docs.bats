#!/usr/bin/env bats
# docs.bats - the man page, the shell completions and the README agree with
# the binary: every option of --help is documented and completed, nothing
# stale is, the completions work in bash, zsh and fish, make install lays the
# files out, and every example runs as written.
#
# Needs mandoc, zsh and fish (CI installs them): a missing one fails.

load helpers

ROOT=$BATS_TEST_DIRNAME/..
MAN=$ROOT/man/fanout.1
COMP=$ROOT/completions

# Every option --help names, one a line, sorted: both forms from the option
# lines, and the aliases (-P, --bar) from their help text.
help_opts() {
	"$FANOUT" --help | sed -n '/^Options:/,/^$/p' |
		grep -oE '(^|[ (;,])--?[A-Za-z0-9][A-Za-z0-9-]*' |
		sed 's/^[ (;,]//' | sort -u
}

# The first option of each line of --help, in order.
help_order() {
	"$FANOUT" --help | sed -n '/^Options:/,/^$/p' |
		grep -oE '^  +--?[A-Za-z0-9][A-Za-z0-9-]*' | tr -d ' '
}

# Every option the man page's source names with Fl, sorted.
man_opts() {
	awk '/^\./ { for (i = 1; i < NF; i++) if ($i == "Fl") print "-" $(i + 1) }' \
		"$MAN" | grep -E '^--?[A-Za-z0-9][A-Za-z0-9-]*$' | sort -u
}

# The .It lines of the option list ("The options are as follows:").
man_option_items() {
	awk '/^The options are as follows:/ { on = 1; next }
	     on && /^\.El/ { exit }
	     on && /^\.It / { print }' "$MAN"
}

# fish in a clean home: no user configuration, the system's completions.
fish_clean() {
	HOME=$T XDG_CONFIG_HOME=$T/.config XDG_DATA_HOME=$T/.local/share \
		fish "$@"
}

# Fail with a diff unless the option sets $1 and $2 (files) are equal.
same_opts() {
	if ! diff -u "$1" "$2"; then
		echo "(- in --help only, + in $3 only)" >&2
		return 1
	fi
}

# A directory of sample files for the examples, with fanout first in PATH.
make_fixture() {
	mkdir -p "$1" "$T/bin"
	ln -sf "$FANOUT" "$T/bin/fanout"
	(
		cd "$1" || exit 1
		mkdir -p logs data tests src
		printf 'started\n' >app.log
		printf 'GET /\n' >logs/web.log
		printf 'hello\n' >notes.md
		printf 'more notes\n' >'my notes.md'
		printf 'Ada\nGrace\n' >names.txt
		printf 'echo test a passed\n' >tests/a.sh
		printf 'echo test b passed\n' >tests/b.sh
		touch data/a data/b "it's.txt" plain.txt
	)
}

# Run the example in file $2 with sh -e (or make, for a .make file) in
# directory $1; print a report and fail unless it exits with status $3.
run_example() {
	local dir=$1 file=$2 want=$3 st=0 out
	if [[ $file == *.make ]]; then
		out=$(cd "$dir" && PATH=$T/bin:$PATH timeout 60 make -s -f "$file" 2>&1) || st=$?
	else
		out=$(cd "$dir" && PATH=$T/bin:$PATH timeout 60 sh -e "$file" 2>&1) || st=$?
	fi
	if [ "$st" -ne "$want" ]; then
		printf -- '--- example (exit %s, expected %s):\n%s\n--- output:\n%s\n' \
			"$st" "$want" "$(cat "$file")" "$out" >&2
		return 1
	fi
}

@test "the man page is mandoc -Tlint -W warning clean" {
	command -v mandoc >/dev/null || { echo "mandoc is not installed" >&2; return 1; }
	run mandoc -Tlint -W warning "$MAN"
	[ "$output" = "" ]
	[ "$status" -eq 0 ]
}

@test "the man page's SYNOPSIS is the usage line" {
	local usage synopsis
	usage=$("$FANOUT" --help | head -1)
	synopsis=$(mandoc -Tascii "$MAN" | col -bx | sed -n '/^SYNOPSIS/{n;p;q;}' | sed 's/^ *//')
	[ "usage: $synopsis" = "$usage" ]
}

@test "the man page documents every option of --help, in its order, and no other" {
	help_opts >help.txt
	man_opts >man.txt
	same_opts help.txt man.txt "the man page"
	# Each option has an entry in the option list, both forms.
	man_option_items | awk '{ for (i = 1; i < NF; i++) if ($i == "Fl") print "-" $(i + 1) }' |
		sort -u >items.txt
	same_opts help.txt items.txt "the man page's option list"
	# The entries come in --help's order.
	help_order >order.txt
	man_option_items | awk '{ for (i = 1; i < NF; i++) if ($i == "Fl") { print "-" $(i + 1); next } }' \
		>items-order.txt
	diff -u order.txt items-order.txt
}

@test "the man page's EXIT STATUS lists exactly 0, 1, 2, 3 and 128+N" {
	run awk '/^\.Sh EXIT STATUS/ { on = 1; next } /^\.Sh / { on = 0 }
		 on && /^\.It / { sub(/^\.It /, ""); print }' "$MAN"
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '0\n1\n2\n3\n128+ Ns Ar N')" ]
	mandoc -Tascii "$MAN" | col -bx | sed -n '/^EXIT STATUS/,/^EXAMPLES/p' >exit.txt
	grep -q '129 SIGHUP (drain), 130 SIGINT, 143 SIGTERM' exit.txt
	grep -q '141 (128 + SIGPIPE)' exit.txt
}

@test "bash completion offers every option of --help and no other" {
	help_opts >help.txt
	bash --norc --noprofile -c '
		source "$1"
		COMP_WORDS=(fanout -) COMP_CWORD=1 COMP_LINE="fanout -" COMP_POINT=8
		_fanout fanout - fanout
		printf "%s\n" "${COMPREPLY[@]}"' bash "$COMP/fanout.bash" | sort -u >bash.txt
	same_opts help.txt bash.txt "the bash completion"
}

@test "zsh completion offers every option of --help and no other" {
	help_opts >help.txt
	# Call the completion function with _arguments replaced by a stub that
	# prints its specs, then keep the option names of the specs.
	zsh -f -c '
		_arguments() { print -rl -- "$@"; }
		source "$1"' zsh "$COMP/_fanout" >specs.txt
	grep '\[' specs.txt | sed -E 's/^\([^)]*\)//; s/^\*//' |
		grep -oE '^--?[A-Za-z0-9][A-Za-z0-9-]*' | sort -u >zsh.txt
	same_opts help.txt zsh.txt "the zsh completion"
}

@test "fish completion offers every option of --help and no other" {
	help_opts >help.txt
	fish_clean -c 'source $argv[1]; complete -C "fanout -"' "$COMP/fanout.fish" |
		cut -f1 | sort -u >fish.txt
	same_opts help.txt fish.txt "the fish completion"
}

@test "bash completes options, their values, then the command and its arguments" {
	mkdir sub && touch sub/input.txt
	cat >complete.bash <<-'EOF'
		source "$1"
		# complete LINE: what _fanout offers with the cursor at the end.
		complete_line() {
			COMP_LINE=$1 COMP_POINT=${#1}
			read -ra COMP_WORDS <<<"$1"
			[[ $1 == *" " ]] && COMP_WORDS+=("")
			COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
			COMPREPLY=()
			_fanout fanout "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
			printf '%s\n' "${COMPREPLY[@]}" | sort -u | tr '\n' ' '
			echo
		}
		complete_line 'fanout --ti'
		complete_line 'fanout --halt s'
		complete_line 'fanout -k -a sub/in'
		complete_line 'fanout -kj 4 --tag ech'
		complete_line 'fanout -j4 ls sub/in'
		complete_line 'fanout echo ::: sub/in'
	EOF
	run bash --norc --noprofile complete.bash "$COMP/fanout.bash"
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "--timeout " ]
	[ "${lines[1]}" = "soon,done= soon,fail= soon,success= " ]
	[ "${lines[2]}" = "sub/input.txt " ]
	[[ " ${lines[3]}" == *" echo "* ]]
	[ "${lines[4]}" = "sub/input.txt " ]
	[ "${lines[5]}" = "sub/input.txt " ]
}

@test "zsh completes options, their values, then the command and its arguments" {
	mkdir sub && touch sub/input.txt
	# An interactive zsh on a pseudo-terminal (zpty): each line is typed with
	# a Tab at its end, then ^G writes the edited buffer to a file.
	cat >drive.zsh <<-'EOF'
		zmodload zsh/zpty || exit 1
		dir=$1 out=$2; shift 2
		: >$out
		zpty z zsh -f -i
		zpty -w z "PS1='> '; fpath=($dir \$fpath); autoload -U compinit; compinit -u -D"
		zpty -w z "show() { print -r -- \"<\$BUFFER>\" >>$out; BUFFER=; }; zle -N show; bindkey '^G' show"
		zpty -w z "print RE''ADY"
		zpty -r z line '*READY*'
		for l; do zpty -n -w z "$l"$'\t\a'; done
		for i in {1..400}; do (( $(wc -l <$out) >= $# )) && break; sleep 0.05; done
		zpty -d z
		cat $out
	EOF
	run timeout 60 zsh -f drive.zsh "$COMP" "$T/buffers.txt" \
		'fanout --ti' 'fanout --halt=n' 'fanout -k -a sub/in' \
		'fanout -kj4 --tag ech' 'fanout -j 4 ls --colo' 'fanout --batch-'
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = "<fanout --timeout=>" ]
	[ "${lines[1]}" = "<fanout --halt=now,>" ]
	[ "${lines[2]}" = "<fanout -k -a sub/input.txt >" ]
	[ "${lines[3]}" = "<fanout -kj4 --tag echo >" ]
	[ "${lines[4]}" = "<fanout -j 4 ls --color=>" ]
	[ "${lines[5]}" = "<fanout --batch-timeout=>" ]
}

@test "fish completes options, their values, then the command and its arguments" {
	mkdir sub && touch sub/input.txt
	complete_fish() {
		fish_clean -c 'source $argv[1]; complete -C $argv[2]' \
			"$COMP/fanout.fish" "$1" | cut -f1 | tr '\n' ' '
	}
	[ "$(complete_fish 'fanout --ti')" = "--timeout " ]
	[ "$(complete_fish 'fanout --halt ')" = "now,done= now,fail= now,success= soon,done= soon,fail= soon,success= " ]
	[ "$(complete_fish 'fanout -k -a sub/in')" = "sub/input.txt " ]
	[[ " $(complete_fish 'fanout -kj 4 --tag ech')" == *" echo "* ]]
	[[ " $(complete_fish 'fanout -j4 ls --colo')" == *" --color "* ]]
	[ "$(complete_fish 'fanout echo ::: sub/in')" = "sub/input.txt " ]
	# Past the command, fanout's own options are not offered.
	[[ " $(complete_fish 'fanout -j4 ls --ta')" != *" --tag "* ]]
}

@test "make install lays out every file and make uninstall removes them" {
	local files="bin/fanout share/man/man1/fanout.1
		share/bash-completion/completions/fanout share/zsh/site-functions/_fanout
		share/fish/vendor_completions.d/fanout.fish" f
	run make -C "$ROOT" install DESTDIR="$T/root" PREFIX=/usr
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	for f in $files; do
		[ -f "$T/root/usr/$f" ] || { echo "not installed: $f" >&2; return 1; }
	done
	[ -x "$T/root/usr/bin/fanout" ]
	"$T/root/usr/bin/fanout" --version
	cmp "$MAN" "$T/root/usr/share/man/man1/fanout.1"
	cmp "$COMP/fanout.bash" "$T/root/usr/share/bash-completion/completions/fanout"
	cmp "$COMP/_fanout" "$T/root/usr/share/zsh/site-functions/_fanout"
	cmp "$COMP/fanout.fish" "$T/root/usr/share/fish/vendor_completions.d/fanout.fish"
	run make -C "$ROOT" uninstall DESTDIR="$T/root" PREFIX=/usr
	[ "$status" -eq 0 ] || { echo "$output" >&2; return 1; }
	for f in $files; do
		[ ! -e "$T/root/usr/$f" ] || { echo "not removed: $f" >&2; return 1; }
	done
}

@test "every example of the man page runs as written" {
	# The .Dl lines of EXAMPLES, in order, each after the status it must exit
	# with (a ".\" exit N" comment line before it, or 0), roff escapes undone.
	awk '/^\.Sh / { on = ($0 == ".Sh EXAMPLES") }
	     on && /^\.\\" exit [0-9]+$/ { st = $3 }
	     on && /^\.Dl / { sub(/^\.Dl /, ""); print (st == "" ? 0 : st) "\t" $0; st = "" }' \
		"$MAN" |
		sed -e 's/\\(dq/"/g' -e "s/\\\\(aq/'/g" -e 's/\\&//g' -e 's/\\-/-/g' \
			-e 's/\\e/\\/g' >examples.txt
	[ "$(wc -l <examples.txt)" -ge 12 ]
	mandoc -Tascii -O width=400 "$MAN" | col -bx >rendered.txt

	# They run one after the other in one directory: some use what an
	# earlier one left (the job log).
	make_fixture "$T/work"
	local want cmd n=0 failed=0
	while IFS=$'\t' read -r want cmd; do
		n=$((n + 1))
		# The reader sees exactly what runs.
		grep -qF -- "$cmd" rendered.txt ||
			{ echo "not rendered as written: $cmd" >&2; failed=1; }
		printf '%s\n' "$cmd" >"$T/man-example-$n.sh"
		run_example "$T/work" "$T/man-example-$n.sh" "$want" || failed=1
	done <examples.txt
	[ "$failed" -eq 0 ]
}

@test "a README text block marked as the output of the block above is that output" {
	# "<!-- output of the block above -->" before a ```text block: the sh
	# block before it prints exactly that (stdout and stderr together),
	# but for the pids in fanout's lines that name a failed job.
	mkdir pairs
	awk -v dir="$T/pairs" '
		/^```sh$/ { n++; sh = sprintf("%s/%02d.sh", dir, n); inb = "sh"; next }
		/^<!-- output of the block above -->$/ { want = 1; next }
		/^```text$/ && want { inb = "text"; txt = sh ".want"; want = 0; next }
		inb != "" && /^```$/ { inb = ""; next }
		inb == "sh" { print >sh; next }
		inb == "text" { print >txt; next }
		/./ { want = 0 }' "$ROOT/README.md"
	local f n=0 failed=0
	for f in pairs/*.want; do
		[ -e "$f" ] || continue
		n=$((n + 1))
		rm -rf "$T/work"
		make_fixture "$T/work"
		(cd "$T/work" && PATH=$T/bin:$PATH timeout 60 sh "$T/${f%.want}" 2>&1) |
			sed -E 's/^(fanout: job [0-9]+ \[pid )[0-9]+\]/\1N]/' >got || true
		sed -E 's/^(fanout: job [0-9]+ \[pid )[0-9]+\]/\1N]/' "$f" |
			diff -u - got >&2 || failed=1
	done
	[ "$n" -ge 1 ]
	[ "$failed" -eq 0 ]
}

@test "every sh and make block of the README runs as written" {
	# Each ```sh or ```make block, with the status it must exit with: an
	# "<!-- exit N -->" line right before it, or 0; "<!-- not run ... -->"
	# skips it.
	mkdir blocks
	awk -v dir="$T/blocks" '
		/^<!-- .* -->$/ { m = $0; sub(/^<!-- /, "", m); sub(/ -->$/, "", m); next }
		/^```(sh|make)$/ {
			n++; file = sprintf("%s/%02d.%s", dir, n, substr($0, 4))
			st = m ~ /^not run/ ? "skip" : m ~ /^exit [0-9]+$/ ? substr(m, 6) : 0
			print st >(file ".status"); close(file ".status")
			inb = 1; m = ""; next
		}
		inb && /^```$/ { inb = 0; close(file); next }
		inb { print >file; next }
		/./ { m = "" }' "$ROOT/README.md"
	[ "$(ls blocks/*.status | wc -l)" -ge 20 ]

	local f want failed=0 ran=0
	for f in blocks/*.sh blocks/*.make; do
		want=$(cat "$f.status")
		[ "$want" = skip ] && continue
		rm -rf "$T/work"
		make_fixture "$T/work"
		run_example "$T/work" "$T/$f" "$want" || failed=1
		ran=$((ran + 1))
	done
	[ "$ran" -ge 15 ]
	[ "$failed" -eq 0 ]
}
