# Shared setup for fanout's bats tests.
# FANOUT is the binary under test (the Makefile points it at the build).

FANOUT=${FANOUT:-$BATS_TEST_DIRNAME/../fanout}

setup() {
	T=$(mktemp -d "${BATS_TMPDIR:-/tmp}/fanout-test.XXXXXX")
	cd "$T" || return 1
}

teardown() {
	# A test that failed half-way must not leave its background fanout;
	# `jobs -p` lists only children not yet waited for, never a reused pid.
	local p
	for p in $(jobs -p); do
		kill -KILL "$p" 2>/dev/null || true
	done
	cd /
	rm -rf "$T"
}

fanout() {
	"$FANOUT" "$@"
}

# wait_for FILE [SECONDS]: poll until FILE exists; fail after SECONDS (10).
wait_for() {
	local i n=$(( ${2:-10} * 20 ))
	for ((i = 0; i < n; i++)); do
		[ -e "$1" ] && return 0
		sleep 0.05
	done
	echo "timed out waiting for $1" >&2
	return 1
}

# no_process PATTERN: no process whose command line matches PATTERN remains
# (after a grace of up to 10 s: a guardian that kills what a SIGKILLed
# fanout left looks a few times a second, and a loaded machine is slower).
no_process() {
	local i
	for ((i = 0; i < 200; i++)); do
		pgrep -f -- "$1" >/dev/null || return 0
		sleep 0.05
	done
	echo "still running: $(pgrep -af -- "$1")" >&2
	return 1
}

# peak_rss_kb PID: the peak resident set size of a live process, in KiB.
peak_rss_kb() {
	awk '/^VmHWM:/ { print $2 }' "/proc/$1/status"
}

# wait_for_lines FILE N [SECONDS]: poll until FILE has at least N lines.
wait_for_lines() {
	local i n=$(( ${3:-10} * 20 ))
	for ((i = 0; i < n; i++)); do
		[ -e "$1" ] && [ "$(wc -l < "$1")" -ge "$2" ] && return 0
		sleep 0.05
	done
	echo "timed out waiting for $2 lines in $1" >&2
	return 1
}

# wait_for_process PATTERN: poll until a process's command line matches
# (10 s at most).
wait_for_process() {
	local i
	for ((i = 0; i < 200; i++)); do
		pgrep -f -- "$1" >/dev/null && return 0
		sleep 0.05
	done
	echo "no process matches $1" >&2
	return 1
}

# signal_taken PID SIGNAL: poll until the process PID no longer holds SIGNAL
# (a name: INT, USR1) pending: fanout's signal thread took it with
# sigwait(2) (10 s at most). Two of one signal sent before the first is
# taken merge into one: wait for this between them.
signal_taken() {
	local i bit pnd
	bit=$(( $(kill -l "$2") - 1 ))
	for ((i = 0; i < 200; i++)); do
		pnd=$(awk '/^ShdPnd:/ { print $2 }' "/proc/$1/status" 2>/dev/null)
		[ -n "$pnd" ] || return 0       # gone: nothing pending
		(( (0x$pnd >> bit) & 1 )) || return 0
		sleep 0.05
	done
	echo "SIG$2 still pending in $1" >&2
	return 1
}

# wait_for_match FILE PATTERN [SECONDS]: poll until a line of FILE matches
# the grep PATTERN; fail after SECONDS (10), showing what FILE holds.
wait_for_match() {
	local i n=$(( ${3:-10} * 20 ))
	for ((i = 0; i < n; i++)); do
		grep -q -- "$2" "$1" 2>/dev/null && return 0
		sleep 0.05
	done
	echo "no line of $1 matches $2; it holds: $(cat "$1" 2>/dev/null)" >&2
	return 1
}
