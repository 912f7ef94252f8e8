#!/usr/bin/env bash
# spawn.sh - per-job overhead of starting trivial jobs, 2 in flight.
#
#   bench/spawn.sh            quick: K=5000, 5 rounds (about a minute)
#   ROUNDS=15 K=20000 bench/spawn.sh
#
# Floor: spawnloop (posix_spawn + waitpid, nothing else), given the same argv
# shape as the runners produce ("/bin/true 1": they append the record).
# pipeloop is the floor for a runner that captures output (fanout groups
# output by default, so it is the fairer floor; both are shown).
# GNU parallel runs K/5 jobs (it is ~7x slower) and is scaled per job.
# Target: fanout <= 1.15x spawnloop, peak RSS < 8 MiB.
. "$(dirname "$0")/lib.sh"

K=${K:-5000}
KP=${KP:-$((K / 5))}
ROUNDS=${ROUNDS:-5}
RES=$OUT/spawn.res
build; floors
: >"$RES"
printf 'spawnloop %s\npipeloop %s\nfanout %s\nxargs %s\nparallel %s\n' "$K" "$K" "$K" "$K" "$KP" >"$OUT/spawn.scale"

c_spawnloop() { rss "$OUT/spawnloop" -k "$K" -p 2 /bin/true 1 >/dev/null; }
c_pipeloop()  { rss "$OUT/pipeloop" "$K" 2 /bin/true 1 >/dev/null; }
c_fanout()    { seq "$K" | rss "$FANOUT" -j2 /bin/true; }
c_xargs()     { seq "$K" | rss xargs -P2 -n1 /bin/true; }
# --will-cite only silences the citation notice; nothing else changes.
c_parallel()  { seq "$KP" | rss parallel --will-cite -j2 /bin/true; }

for ROUND in $(seq "$ROUNDS"); do
	for c in spawnloop pipeloop fanout xargs parallel; do
		timed "$c" "c_$c"
	done
done

{
	describe
	echo "# spawn: K=$K (parallel $KP) /bin/true, 2 in flight, $ROUNDS rounds; ratio = per-job time / spawnloop's, same round"
	echo "name wall_s us_per_job x_spawnloop peak_rss_kib failed_runs"
	SCALE=$OUT/spawn.scale summarize spawnloop
	# The pipeloop-relative figure for fanout: what grouping costs beyond the floor for it.
	SCALE=$OUT/spawn.scale summarize pipeloop | awk '$1=="fanout"{print "# fanout x_pipeloop " $4}'
	# Untimed: did fanout really run K jobs? (/bin/echo so each leaves a line)
	n=$(seq "$K" | "$FANOUT" -j2 /bin/echo | wc -l)
	[ "$n" = "$K" ] && echo "# verify fanout: $n of $K jobs ran" || echo "# verify fanout: ONLY $n of $K jobs ran"
} | tee "$OUT/spawn.summary"
