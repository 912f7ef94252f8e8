# Shared helpers for the fanout benches; sourced by bench/*.sh (bash).
#
# Knobs (environment):
#   ROUNDS=N       rounds per bench (each bench has its own quick default)
#   FANOUT=PATH    binary under test (default: a snapshot of the repo's
#                  ./fanout taken right after make, see build)
#   SHARED_BENCH=DIR  where spawnloop.c / pipeloop.c live
#                  (default: ../shared/bench next to the repo)
#   NOBUILD=1      do not run make first
#
# The method (see /work/shared/bench/README.md): the box is noisy, so
# contenders run alternately inside each round (A B C A B C ...) and we quote
# the median of per-round ratios to a floor, never absolute times taken at
# different moments. Everything runs under LC_ALL=C because a UTF-8 locale
# makes coreutils load locale data per job, which would swamp the overhead.

set -u -o pipefail   # a runner failing mid-pipeline must show as a failed run
export LC_ALL=C

BENCH=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO=$(dirname "$BENCH")
OUT=$BENCH/out
SHARED_BENCH=${SHARED_BENCH:-$(dirname "$REPO")/shared/bench}
FANOUT_GIVEN=${FANOUT:+1}
FANOUT=${FANOUT:-$REPO/fanout}
GNUTIME=/usr/bin/time
mkdir -p "$OUT"

die() { echo "bench: $*" >&2; exit 1; }

# Others edit src/ concurrently, so a failed build may be transient: retry.
# Then copy the binary aside: others rebuild ./fanout while we measure, and
# every run of a bench (and of run-all) must time one and the same binary.
build() {
	local i
	if [ "${NOBUILD:-0}" != 1 ]; then
		for i in 1 2 3 4 5 6; do
			make -C "$REPO" >"$OUT/build.log" 2>&1 && break
			[ "$i" = 6 ] && die "build keeps failing, see $OUT/build.log"
			echo "bench: build failed (try $i), retrying in 60 s" >&2
			sleep 60
		done
	fi
	if [ -z "$FANOUT_GIVEN" ]; then
		FANOUT_REV="$(git -C "$REPO" describe --always --dirty 2>/dev/null) built $(date -u -r "$REPO/fanout" +%H:%M:%S)"
		cp "$REPO/fanout" "$OUT/fanout.snap" && "$OUT/fanout.snap" --version >/dev/null \
			|| die "cannot snapshot $REPO/fanout"
		FANOUT=$OUT/fanout.snap
		export FANOUT FANOUT_REV
	fi
}

# The floors are compiled from the shared copy at run time on purpose: they
# belong to the machine's measurement kit, not to this repo.
floors() {
	[ -f "$SHARED_BENCH/spawnloop.c" ] || die "no spawnloop.c in $SHARED_BENCH (set SHARED_BENCH)"
	cc -O2 -o "$OUT/spawnloop" "$SHARED_BENCH/spawnloop.c" || die "cannot build spawnloop"
	cc -O2 -o "$OUT/pipeloop" "$SHARED_BENCH/pipeloop.c" || die "cannot build pipeloop"
}

# Our own job generator (bench/blob.c), for the output benches.
blob() {
	cc -O2 -Wall -o "$OUT/blob" "$BENCH/blob.c" || die "cannot build blob"
}

# A line saying what was measured, for the results.
describe() {
	echo "# $(date -u '+%Y-%m-%d %H:%M UTC') $(uname -n) $(nproc) cpus; fanout ${FANOUT_REV:-$FANOUT}"
}

# timed NAME CMD... : run CMD (a function or command) and append
# "round name wall_s rss_kib rc" to $RES. Wall time covers the whole
# pipeline inside CMD; RSS is what CMD's own `rss` wrapper (below) recorded
# around the runner itself.
timed() {
	local name=$1; shift
	: >"$OUT/rss.tmp"
	local t0=$EPOCHREALTIME
	"$@"
	local rc=$?
	local t1=$EPOCHREALTIME
	local kib; kib=$(tail -n1 "$OUT/rss.tmp" 2>/dev/null); kib=${kib:--}
	echo "$ROUND $name $(awk -v a="$t0" -v b="$t1" 'BEGIN{printf "%.6f", b-a}') $kib $rc" >>"$RES"
	return 0
}

# rss CMD... : run CMD under GNU time, keeping its peak RSS for timed().
# Note ru_maxrss of a waited process is the max of itself and its reaped
# children, so this is max(runner, largest job).
rss() { "$GNUTIME" -f %M -o "$OUT/rss.tmp" "$@"; }

median() { sort -g | awk '{v[NR]=$1} END{if(!NR){print "-";exit} print (NR%2)?v[(NR+1)/2]:(v[NR/2]+v[NR/2+1])/2}'; }

# summarize FLOOR : one line per contender from $RES:
#   name median_wall_s median_per_job_us median_ratio_to_FLOOR max_rss_kib failed_runs
# The ratio is taken per round (contenders of one round ran back to back),
# then the median over rounds. $SCALE, if set, names a file of "name jobs"
# lines for contenders that ran a different number of jobs (per-job scaling).
summarize() {
	awk -v floor="$1" -v scalef="${SCALE:-/dev/null}" '
	function med(s,   n, a, i, j, t) {
		n = split(s, a, " ")
		if (!n) return "-"
		for (i = 2; i <= n; i++)       # insertion sort: a handful of rounds
			for (j = i; j > 1 && a[j-1]+0 > a[j]+0; j--) { t = a[j]; a[j] = a[j-1]; a[j-1] = t }
		return (n % 2) ? a[(n+1)/2] : (a[n/2] + a[n/2+1]) / 2
	}
	FILENAME == scalef { jobs[$1] = $2; next }
	{
		w[$1, $2] = $3; rounds[$1] = 1
		if (!($2 in seen)) { seen[$2] = 1; names[++n] = $2 }
		if ($4 != "-" && $4+0 > rss[$2]+0) rss[$2] = $4
		if ($5 != 0) bad[$2]++
	}
	END {
		kf = (floor in jobs) ? jobs[floor] : 1
		for (i = 1; i <= n; i++) {
			nm = names[i]; k = (nm in jobs) ? jobs[nm] : 1
			ws = pj = rs = ""
			for (r in rounds) if ((r, nm) in w) {
				ws = ws " " w[r, nm]; pj = pj " " w[r, nm] / k * 1e6
				if ((r, floor) in w) rs = rs " " (w[r, nm] / k) / (w[r, floor] / kf)
			}
			printf "%s %.3f %.2f %.3f %s %d\n", nm, med(ws), med(pj), med(rs), (nm in rss) ? rss[nm] : "-", bad[nm]
		}
	}' "${SCALE:-/dev/null}" "$RES"
}
