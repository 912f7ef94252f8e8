#!/usr/bin/env bats
# Records: stdin, -a, -0, -d, :::, streaming, bounded memory.

load helpers

@test "one job per stdin line" {
	run bash -c "printf 'a\nb\nc\n' | '$FANOUT' -k echo"
	[ "$status" -eq 0 ]
	[ "$output" = $'a\nb\nc' ]
}

@test "a last record without a newline counts" {
	run bash -c "printf 'a\nb' | '$FANOUT' -k echo"
	[ "$output" = $'a\nb' ]
}

@test "empty input runs nothing and exits 0" {
	run bash -c "'$FANOUT' touch ran < /dev/null"
	[ "$status" -eq 0 ]
	[ "$output" = "" ]
	[ ! -e ran ]
}

@test "empty lines are records too" {
	run bash -c "printf 'a\n\nb\n' | '$FANOUT' -k echo x"
	[ "$output" = $'x a\nx \nx b' ]
}

@test "-0 and --null split on NUL; newlines stay inside records" {
	run bash -c "printf 'a b\nc\0d\0' | '$FANOUT' -k -0 printf '[%s]\n'"
	[ "$output" = $'[a b\nc]\n[d]' ]
	run bash -c "printf 'x\0y' | '$FANOUT' -k --null echo"
	[ "$output" = $'x\ny' ]
}

@test "-d splits on the given byte, with escapes" {
	run bash -c "printf 'a,b,c' | '$FANOUT' -k -d , echo"
	[ "$output" = $'a\nb\nc' ]
	run bash -c "printf 'a\tb' | '$FANOUT' -k -d '\\t' echo"
	[ "$output" = $'a\nb' ]
}

@test "-a FILE reads records from a file, not stdin" {
	printf '1\n2\n' > recs
	run bash -c "echo nope | '$FANOUT' -k -a recs echo"
	[ "$output" = $'1\n2' ]
	run fanout -k --arg-file recs echo
	[ "$output" = $'1\n2' ]
}

@test "::: gives the records on the command line" {
	run fanout -k echo pre ::: a 'b c' d
	[ "$status" -eq 0 ]
	[ "$output" = $'pre a\npre b c\npre d' ]
}

@test "a NUL inside a newline-separated record is reported, not hidden" {
	run bash -c "printf 'a\0b\nc\n' | '$FANOUT' -k echo"
	[ "$status" -eq 0 ]
	[[ "$output" == *"fanout: record 1 holds a NUL byte"* ]]
	[[ "$output" == *$'a\nc'* ]]
}

@test "jobs start as soon as their record is read, before EOF" {
	mkfifo in
	fanout -a in touch 3>&- &
	pid=$!
	exec 5>in
	echo first >&5
	wait_for first 10
	echo second >&5
	wait_for second 10
	exec 5>&-
	wait $pid
}

@test "memory stays flat on endless input (backpressure)" {
	"$FANOUT" -j2 sleep 0.01 < <(seq 2000000) 3>&- &
	pid=$!
	sleep 3
	rss=$(peak_rss_kb "$pid")
	kill -TERM "$pid"
	wait "$pid" || true
	echo "peak RSS ${rss} KiB"
	[ "$rss" -gt 0 ]
	# A sanitizer's shadow memory is not ours to count.
	[ "$rss" -lt $(( ${FANOUT_SANITIZED:+8 *} 8192 )) ]
}
