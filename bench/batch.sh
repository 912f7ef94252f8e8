#!/usr/bin/env bash
# batch.sh - many records, batched 1000 to a command.
#
#   bench/batch.sh              quick: 1e6 records, 5 rounds (~30 s)
#   ROUNDS=11 bench/batch.sh
#
# seq R | fanout -j2 --batch 1000 /bin/echo  vs  xargs -P2 -n1000 (the
# floor) vs parallel -j2 -n1000 (on R/5 records: it is slow; scaled per
# record). /bin/echo, not echo: a runner that goes through a shell would
# otherwise get the builtin. Timed runs write to /dev/null (the brief: this
# measures reading, batching and spawning, the output is small); one untimed
# run per runner checks the output is every record exactly once, in batches
# of 1000. Target: fanout no slower than xargs.
. "$(dirname "$0")/lib.sh"

R=${R:-1000000}
RP=${RP:-$((R / 5))}
ROUNDS=${ROUNDS:-5}
RES=$OUT/batch.res
build
: >"$RES"
printf 'fanout %s\nxargs %s\nparallel %s\n' "$R" "$R" "$RP" >"$OUT/batch.scale"

c_fanout()   { seq "$R" | rss "$FANOUT" -j2 --batch 1000 /bin/echo >/dev/null; }
c_xargs()    { seq "$R" | rss xargs -P2 -n1000 /bin/echo >/dev/null; }
c_parallel() { seq "$RP" | rss parallel --will-cite -j2 -n1000 /bin/echo >/dev/null; }

# check NAME RECORDS CMD... : lines = batches, and the sorted numbers are seq's.
# Not for xargs: its jobs write to the shared pipe unsynchronised, and a
# 7 KB line is over PIPE_BUF, so lines can interleave mid-number; only its
# byte count is checked.
check() {
	local name=$1 r=$2; shift 2
	local lines want got
	if [ "$name" = xargs ]; then
		got=$(seq "$r" | "$@" | wc -c); want=$(seq "$r" | wc -c)
		[ "$got" = "$want" ] && echo "# verify $name: $got bytes, as seq (content not checked: ungrouped)" \
			|| echo "# verify $name: WRONG byte count $got, want $want"
		return
	fi
	lines=$(seq "$r" | "$@" | tee "$OUT/batch.out" | wc -l)
	want=$(seq "$r" | md5sum)
	got=$(tr ' ' '\n' <"$OUT/batch.out" | sort -n | md5sum)
	[ "$got" = "$want" ] && [ "$lines" = $(( (r + 999) / 1000 )) ] \
		&& echo "# verify $name: all $r records once, in $lines batches" \
		|| echo "# verify $name: WRONG output ($lines batches; records match: $([ "$got" = "$want" ] && echo yes || echo no))"
	rm -f "$OUT/batch.out"
}

for ROUND in $(seq "$ROUNDS"); do
	for c in fanout xargs parallel; do
		timed "$c" "c_$c"
	done
done

{
	describe
	echo "# batch: seq $R (parallel $RP), batches of 1000, /bin/echo, -j2, to /dev/null; $ROUNDS rounds; per-record time / xargs's, same round"
	echo "name wall_s us_per_record x_xargs peak_rss_kib failed_runs"
	SCALE=$OUT/batch.scale summarize xargs
	check fanout "$R" "$FANOUT" -j2 --batch 1000 /bin/echo
	check xargs "$R" xargs -P2 -n1000 /bin/echo
	check parallel "$RP" parallel --will-cite -j2 -n1000 /bin/echo
} | tee "$OUT/batch.summary"
