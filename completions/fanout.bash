# bash completion for fanout(1).
#
# Completes fanout's options and their values, then the command fanout runs
# as a command, with that command's own arguments.  It uses bash-completion's
# _filedir and _command_offset when they are loaded, and works without them.

_fanout_opts='--adaptive --arg-file --bar --batch --batch-timeout --block
	--block-size --breaker
	--breaker-cooldown --buffer-size --burst --colsep --controlmaster --delay
	--delimiter --dry-run --dryrun --env --eta --files --filter-hosts --group --halt --halt-on-error --header --help
	--jobs --joblog
	--json-log --keep-order --kill-after --lb --line-buffer --link --load
	--max-args --max-replace-args --max-procs --memfree --nice --no-run-if-empty
	--null --overload-exit
	--pipe --progress --quiet-failures --rate --recend --recstart --results --resume
	--resume-failed --retries --retry-delay --rlimit --round --round-robin --shard --shell --slf --ssh
	--spreadstdin --ssh-give-up --sshlogin --sshloginfile --stats --tag --tagstring --timeout
	--tmpdir --ungroup --verbose --version --wd --workdir --xapply --xargs
	-0 -a -C -d -h -I -j -k -L -m -M -n -N -P -r -s -S -t -u -v -V -X'

# Whether option $1 takes a value.
_fanout_takes_value()
{
	case $1 in
	--adaptive | --arg-file | --batch | --batch-timeout | --block | \
	--block-size | --breaker | \
	--breaker-cooldown | --overload-exit | \
	--buffer-size | --burst | --colsep | --delay | --delimiter | --halt | \
	--halt-on-error | --header | --jobs | --joblog | --json-log | --kill-after | \
	--max-args | --max-procs | --max-replace-args | --nice | --rate | --recend | --recstart | --results | --retries | \
	--retry-delay | --shard | --tagstring | --timeout | --tmpdir | --load | --memfree | --rlimit | \
	--env | --slf | --ssh | --ssh-give-up | --sshlogin | --sshloginfile | \
	--wd | --workdir | -a | -C | -n | -N | -d | -I | -j | -L | -P | -S)
		return 0 ;;
	esac
	return 1
}

# File names starting with $1.
_fanout_files()
{
	if declare -F _filedir >/dev/null; then
		local cur=$1    # what _filedir completes
		_filedir
	else
		compopt -o filenames 2>/dev/null
		mapfile -t COMPREPLY < <(compgen -f -- "$1")
	fi
}

# Values of option $1 starting with $2.
_fanout_value()
{
	case $1 in
	-a | --arg-file | --joblog | --json-log | --results)
		_fanout_files "$2"
		;;
	--header)
		mapfile -t COMPREPLY < <(compgen -W ':' -- "$2")
		;;
	--halt | --halt-on-error)
		mapfile -t COMPREPLY < <(compgen -W 'soon,fail= now,fail= soon,success=
			now,success= soon,done= now,done=' -- "$2")
		compopt -o nospace 2>/dev/null
		;;
	-j | -P | --jobs | --max-procs)
		mapfile -t COMPREPLY < <(compgen -W 'auto' -- "$2")
		;;
	--rlimit)
		mapfile -t COMPREPLY < <(compgen -W 'as= core= cpu= data= fsize= nofile= nproc= stack=' -- "$2")
		compopt -o nospace 2>/dev/null
		;;
	esac
}

_fanout()
{
	local cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD - 1]}
	local i j k w

	COMPREPLY=()

	# bash splits "--opt=value" into the words "--opt", "=" and "value".
	if [[ $cur == = && $prev == --* ]]; then
		_fanout_value "$prev" ""
		return
	fi
	if [[ $prev == = && ${COMP_WORDS[COMP_CWORD - 2]} == --* ]]; then
		_fanout_value "${COMP_WORDS[COMP_CWORD - 2]}" "$cur"
		return
	fi

	# Skip the options and their values before the cursor: i stops on the
	# command's word, or on the cursor's.
	for ((i = 1; i < COMP_CWORD; i++)); do
		w=${COMP_WORDS[i]}
		case $w in
		--)
			((i++))
			break
			;;
		::: | ::::)
			_fanout_files "$cur"
			return
			;;
		--*)
			if [[ ${COMP_WORDS[i + 1]} == = ]] || _fanout_takes_value "$w"; then
				[[ ${COMP_WORDS[i + 1]} == = ]] && ((i++))
				((i++))
				# A value bash split at "=", as in soon,fail=1.
				while [[ ${COMP_WORDS[i + 1]} == = ]]; do
					((i += 2))
				done
			fi
			;;
		-?*)
			# A cluster (-kj4, -kj 4) ends at the first letter that
			# takes a value; with nothing after it, the value is the
			# next word.
			for ((k = 1; k < ${#w}; k++)); do
				if _fanout_takes_value "-${w:k:1}"; then
					((k == ${#w} - 1)) && ((i++))
					while [[ ${COMP_WORDS[i + 1]} == = ]]; do
						((i += 2))
					done
					break
				fi
			done
			;;
		*)
			break
			;;
		esac
	done

	if ((i > COMP_CWORD)); then
		# The cursor is on the value of the option before it.
		[[ $prev == -[!-]* ]] && prev=-${prev: -1}
		_fanout_value "$prev" "$cur"
	elif ((i < COMP_CWORD)); then
		# After the command: records after :::, or its own arguments.
		for ((j = i + 1; j < COMP_CWORD; j++)); do
			if [[ ${COMP_WORDS[j]} == ::: || ${COMP_WORDS[j]} == :::: ]]; then
				_fanout_files "$cur"
				return
			fi
		done
		if declare -F _command_offset >/dev/null; then
			_command_offset "$i"
		else
			_fanout_files "$cur"
		fi
	elif [[ $cur == -* ]]; then
		mapfile -t COMPREPLY < <(compgen -W "$_fanout_opts" -- "$cur")
	else
		mapfile -t COMPREPLY < <(compgen -c -- "$cur")
	fi
}

complete -F _fanout fanout
