#!/usr/bin/env bash
# adaptive.sh - does -j auto find the right -j by itself?
#
#   bench/adaptive.sh                 quick: 1000 jobs, 3 rounds (~3 min)
#   ROUNDS=5 N=2000 CAP=8 bench/adaptive.sh
#
# A test service (bench/capsrv.c) serves CAP requests at a time, queues the
# rest and slows down a little for each one queued: throughput peaks near
# CAP in flight, latency grows steeply past it. Each job is one request
# (`capsrv ask`). Every round runs a sweep of fixed -j, then -j auto, and
# xargs -P and GNU parallel -j at CAP for reference, one after the other.
# The figure: per round, auto's throughput over the best fixed -j's of that
# round (the sweep's best is only known afterwards: auto does not know it);
# the median over rounds. Goal (issue 14): at least 0.90.
. "$(dirname "$0")/lib.sh"

N=${N:-1000}
CAP=${CAP:-8}
BASE_MS=${BASE_MS:-40}
ROUNDS=${ROUNDS:-3}
SWEEP=${SWEEP:-"4 6 8 10 12 16 24"}
build
cc -O2 -Wall -pthread -o "$OUT/capsrv" "$BENCH/capsrv.c" || die "cannot build capsrv"
SOCK=$(mktemp -u "${TMPDIR:-/tmp}/capsrv.XXXXXX")
"$OUT/capsrv" serve "$SOCK" "$CAP" "$BASE_MS" &
SRV=$!
trap 'kill "$SRV" 2>/dev/null; rm -f "$SOCK"' EXIT
for i in $(seq 50); do [ -S "$SOCK" ] && break; sleep 0.1; done
RES=$OUT/adaptive.res
: >"$RES"

run_fanout() { seq "$N" | "$FANOUT" -j "$1" "$OUT/capsrv" ask "$SOCK"; }
run_xargs() { seq "$N" | xargs -P "$CAP" -n 1 "$OUT/capsrv" ask "$SOCK"; }
run_parallel() { seq "$N" | parallel --will-cite -j "$CAP" "$OUT/capsrv" ask "$SOCK"; }

for ROUND in $(seq "$ROUNDS"); do
	for j in $SWEEP; do
		timed "j$j" run_fanout "$j"
	done
	timed auto run_fanout auto
	timed "xargs-P$CAP" run_xargs
	timed "parallel-j$CAP" run_parallel
done

{
	describe
	echo "# adaptive: $N requests to a service of capacity $CAP, ${BASE_MS} ms each; $ROUNDS rounds; sweep -j $SWEEP"
	echo "# jobs/s per contender (median over rounds); auto_vs_best = per round auto / best fixed -j, median"
	awk -v n="$N" '
	function med(s,   k, a, i, j, t) {
		k = split(s, a, " ")
		for (i = 2; i <= k; i++)
			for (j = i; j > 1 && a[j-1]+0 > a[j]+0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		return (k % 2) ? a[(k+1)/2] : (a[k/2] + a[k/2+1]) / 2
	}
	{
		tp = n / $3; rate[$2] = rate[$2] " " tp
		if ($5 != 0) bad[$2]++
		if (!($2 in seen)) { seen[$2] = 1; names[++m] = $2 }
		if ($2 ~ /^j[0-9]+$/ && tp > best[$1]) { best[$1] = tp; bestj[$1] = $2 }
		if ($2 == "auto") auto[$1] = tp
		if ($2 ~ /^xargs/) xa[$1] = tp
		if ($2 ~ /^parallel/) pa[$1] = tp
	}
	END {
		for (i = 1; i <= m; i++)
			printf "%-14s %8.1f jobs/s%s\n", names[i], med(rate[names[i]]), bad[names[i]] ? "  (FAILED runs: " bad[names[i]] ")" : ""
		for (r in auto) { ra = ra " " auto[r] / best[r]; rx = rx " " auto[r] / xa[r]; rp = rp " " auto[r] / pa[r]; bj = bj " " bestj[r] }
		printf "best fixed per round:%s\n", bj
		printf "auto_vs_best %.3f  auto_vs_xargs %.3f  auto_vs_parallel %.3f\n", med(ra), med(rx), med(rp)
	}' "$RES"
} | tee "$OUT/adaptive.summary"
