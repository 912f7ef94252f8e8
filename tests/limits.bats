#!/usr/bin/env bats
# The kernel's limits on a command line: ARG_MAX for the whole of it and
# 128 KiB (Linux's MAX_ARG_STRLEN) for any one argument. Batches are cut to
# fit both; a record too long for any command line fails alone, and fanout
# never holds more of it than a command line could take.

load helpers

# huge_input: "first", a 100 MB line, "last".
huge_input() {
	echo first
	head -c 100000000 /dev/zero | tr '\0' x
	echo
	echo last
}

# The job for "last" runs after the reader went through the huge line: it
# reports fanout's peak memory (VmHWM) then.
REPORT_PEAK='if [ "$1" = last ]; then awk "/^VmHWM:/ { print \$2 }" /proc/$PPID/status; else echo "$1"; fi'

# peak_ok KIB: well under 64 MiB (a sanitizer's shadow memory is not ours).
peak_ok() {
	echo "peak RSS $1 KiB"
	[ "$1" -gt 0 ]
	[ "$1" -lt $(( ${FANOUT_SANITIZED:+4 *} 32768 )) ]
}

# huge_ran: of what `run` saw, "first" ran, the peak is well under 64 MiB,
# and the huge record (job 2) failed alone, with one message.
huge_ran() {
	local out
	out=$(printf '%s\n' "${lines[@]}" | grep -v '^fanout:')
	peak_ok "$(tail -1 <<< "$out")"
	[ "$(head -1 <<< "$out")" = first ]
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "${lines[@]}" | grep '^fanout:')" = \
	  "fanout: job 2: argument list too long (record 2)" ]
}

@test "a 100 MB record fails alone, with bounded memory, and the run goes on" {
	run bash -c "$(declare -f huge_input); huge_input |
		'$FANOUT' -j1 -k --joblog log sh -c '$REPORT_PEAK' sh"
	huge_ran
	# The job log has it, failed as a job that could not start.
	[ "$(awk -F'\t' '$1 == 2 { print $7 }' log)" = 126 ]
}

@test "no COMMAND: a line over 128 KiB fails alone, with bounded memory" {
	run bash -c "{ echo 'echo first'; head -c 100000000 /dev/zero | tr '\0' x; echo;
		echo 'awk \"/^VmHWM:/ { print \\\$2 }\" /proc/\$PPID/status'; } |
		'$FANOUT' -j1 -k"
	huge_ran
}

@test "the longest record that fits runs; one byte more fails" {
	# An argument may take 128 KiB with its NUL: 131071 bytes of record.
	for n in 131071 131072; do head -c $n /dev/zero | tr '\0' x; echo; done > recs
	run fanout -k -a recs sh -c 'echo ${#0}'
	[ "$status" -eq 1 ]
	[ "${lines[*]}" = "131071 fanout: job 2: argument list too long (record 2)" ] ||
	[ "${lines[*]}" = "fanout: job 2: argument list too long (record 2) 131071" ]
	for n in 131071 131072; do
		printf ': '; head -c $((n - 2)) /dev/zero | tr '\0' x; echo
	done > lines
	run fanout -k -a lines
	[ "$status" -eq 1 ]
	[ "$output" = "fanout: job 2: argument list too long (record 2)" ]
}

@test "an oversized record inside a batch fails alone; its neighbours run" {
	run bash -c "{ seq 10; head -c 1000000 /dev/zero | tr '\0' z; echo; seq 12 15; } |
		'$FANOUT' -j1 -k --batch 100 echo"
	[ "$status" -eq 1 ]
	[ "$(printf '%s\n' "${lines[@]}" | grep -v '^fanout:')" = \
	  $'1 2 3 4 5 6 7 8 9 10\n12 13 14 15' ]
	[ "$(printf '%s\n' "${lines[@]}" | grep '^fanout:')" = \
	  "fanout: job 2: argument list too long (record 11)" ]
}

@test "a NUL cuts a long record before the limit: the part before it runs" {
	{ printf 'a\0'; head -c 300000 /dev/zero | tr '\0' x; echo; echo b; } > recs
	run fanout -k -a recs echo
	[ "$status" -eq 0 ]
	[ "$output" = $'fanout: record 1 holds a NUL byte: cut there (use -0 for NUL-separated input)\na\nb' ]
}

@test "no COMMAND: a batch of lines is cut to fit one sh -c argument" {
	# 66 lines of 2006 bytes: 132 KB joined, over the 128 KiB of one argument.
	x=$(head -c 2000 /dev/zero | tr '\0' y)
	for i in $(seq 66); do echo "echo $i $x"; done > lines
	run fanout -k -n66 -a lines
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -eq 66 ]
	[ "$(printf '%s\n' "${lines[@]}" | cut -d' ' -f1 | tr '\n' ' ')" = "$(seq 66 | tr '\n' ' ')" ]
}

@test "--shell: a batch is cut so that its script fits one argument" {
	run bash -c "seq 15000 | '$FANOUT' -k -n15000 -s 'echo {} | wc -w'"
	[ "$status" -eq 0 ]
	[ "${#lines[@]}" -gt 1 ]
	total=0
	for n in "${lines[@]}"; do total=$(( total + n )); done
	[ "$total" -eq 15000 ]
}
