#!/usr/bin/env bash
# ssh.sh - remote jobs over real sshds on 127.0.0.1 ports, in one run:
#   A. per-job overhead of fanout -S (one slot, sequential jobs), as the
#      slope between 20 and 60 jobs (fanout's connection set-up cancels
#      out), against a bare `ssh -S SOCK host true` through a master;
#   B. 200 `echo N` jobs over 2 hosts x 4 slots: fanout -S 4/h1,4/h2
#      against GNU parallel -S 4/h1,4/h2 -M and a floor (xargs -P4 per host
#      running bare `ssh -S SOCK host echo N`), as jobs per second.
# Contenders alternate inside each round; we quote medians of per-round
# ratios. Run under flock /tmp/fanout-bench.lock; the sshds (and the jobs)
# share the machine with fanout.
#
#   bench/ssh.sh            ROUNDS=5 by default
#   JOB=true bench/ssh.sh   B's jobs print nothing (default JOB=echo: a line)
#   AS=plain bench/ssh.sh   as root: only the throwaway account's half
#
# Whose login: every remote job starts the login shell, which reads that
# account's rc files, and both contenders pay it alike. Root's ~/.bashrc
# on our VM runs `pyenv init` (~100 ms a job), which hides the runners'
# own cost. So, run as root, the bench measures twice in one run: as root
# (rc and all), then as a throwaway account made for the run
# (useradd -M, login shell /bin/bash (no rc files), HOME in the run's temp dir; the sshds,
# masters and runners all run as it, through setpriv) which is removed at
# the end. Run as anyone else, it measures as that user only.
# A SIGKILLed run leaves the account behind: `userdel fobench<PID>`.
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-5}
JOB=${JOB:-echo}
AS=${AS:-both}
case $JOB in echo | true) ;; *) die "JOB must be echo or true" ;; esac

# rounds WHO: ROUNDS rounds of A and B as the current user, on sshds of
# its own; one row per round on stdout, prefixed by WHO.
rounds() {
	local who=$1 r b f20 f60 tx tf tp
	# D and MPIDS are global: the EXIT trap runs after this function.
	D=$(mktemp -d -t fo.XXXXXX) MPIDS=
	# shellcheck disable=SC2317  # called by the trap
	stop() {
		local p
		for p in $MPIDS; do kill "$p" 2>/dev/null; done
		# A contender cut short (Ctrl-C, timeout) would go on without
		# its sshds for half an hour: GNU parallel -M has done so here.
		pkill -f -- "-F $D/ssh/ssh_config" 2>/dev/null
		for p in "$D"/ssh/h*/sshd.pid; do [ -s "$p" ] && kill "$(cat "$p")"; done
		rm -rf "$D"
	}
	trap stop EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	"$REPO/tests/lib/ssh-up.sh" "$D/ssh" $((20000 + RANDOM % 20000)) \
		$((40000 + RANDOM % 20000)) >/dev/null || die "sshd did not come up"
	SSH="ssh -F $D/ssh/ssh_config"
	for h in h1 h2; do   # the floors' masters, one per host
		$SSH -o ControlMaster=yes -o ControlPath="$D/$h" -o ControlPersist=no -N $h </dev/null &
		MPIDS="$MPIDS $!"
		for _ in $(seq 100); do [ -S "$D/$h" ] && break; sleep 0.05; done
	done

	now() { echo "$EPOCHREALTIME"; }
	secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }
	bare() {   # seconds for $1 sequential `ssh -S SOCK h1 true`
		local t0 i
		t0=$(now)
		for ((i = 0; i < $1; i++)); do $SSH -S "$D/h1" h1 true; done
		secs "$t0" "$(now)"
	}
	fo1() {    # seconds for fanout running $1 jobs on one slot of h1
		local t0
		t0=$(now)
		"$FANOUT" --ssh "$SSH" -S 1/h1 true ::: $(seq "$1") ||
			{ echo "bench: fanout failed" >&2; echo nan; return; }
		secs "$t0" "$(now)"
	}
	# The throughput floor: bare `ssh -S` through the masters, 4 at once
	# per host by xargs, 100 jobs each; what any ssh-per-job runner pays.
	xfloor() {
		local h pids= from=1
		for h in h1 h2; do
			seq $from $((from + 99)) | xargs -P4 -n1 $SSH -n -S "$D/$h" $h "$JOB" &
			pids="$pids $!" from=101
		done
		# shellcheck disable=SC2086
		wait $pids
	}
	# seconds for 200 `$JOB N` jobs over 2 hosts x 4 slots, by $1; a run
	# that fails or loses a line is left out (GNU parallel has said "Cannot
	# append to buffer file" here and still exited 0; as a plain user its -M
	# has printed 1 to 8 of the 200 lines and exited 0)
	thr() {
		local t0 t1 n
		t0=$(now)
		case $1 in
		floor) xfloor ;;
		fanout) "$FANOUT" --ssh "$SSH" -S 4/h1,4/h2 "$JOB" ::: $(seq 200) ;;
		# GNU parallel -M has hung here for 9 minutes (as a plain user)
		parallel) timeout 120 parallel --ssh "$SSH" -M -S 4/h1,4/h2 "$JOB" ::: $(seq 200) ;;
		esac >"$D/out" 2>"$D/err" || { echo "bench: $1 failed: round left out" >&2; head -n 3 "$D/err" >&2; echo nan; return; }
		t1=$(now)
		n=$(sort -un "$D/out" | wc -l)
		[ "$JOB" = true ] || [ "$n" = 200 ] || { echo "bench: $1 gave $n of 200 lines: round left out" >&2; head -n 3 "$D/err" >&2; echo nan; return; }
		secs "$t0" "$t1"
	}
	for ((r = 1; r <= ROUNDS; r++)); do
		b=$(bare 40)
		f20=$(fo1 20)
		f60=$(fo1 60)
		tx=$(thr floor)
		tf=$(thr fanout)
		tp=$(thr parallel)
		awk -v w="$who" -v r="$r" -v b="$b" -v f20="$f20" -v f60="$f60" \
		    -v tx="$tx" -v tf="$tf" -v tp="$tp" 'BEGIN {
			bm = b / 40 * 1000; fm = (f60 - f20) / 40 * 1000
			printf "%s %d %.1f %.1f %.2f %.1f %.1f %.1f %.2f %.2f\n", w, r, bm, fm,
				fm / bm, 200 / tx, 200 / tf, 200 / tp, tx / tf, tp / tf }'
	done
}

if [ "${1:-}" = --rounds ]; then   # the throwaway account's half (below)
	rounds "$2"
	exit
fi

command -v parallel >/dev/null || die "GNU parallel is not installed"
[ -x /usr/sbin/sshd ] || die "openssh-server is not installed"
build

# as_plain: make the account, run rounds as it, remove it.
as_plain() {
	# U and T are global: the EXIT trap runs after this function.
	U=fobench$$
	command -v useradd >/dev/null && command -v setpriv >/dev/null ||
		die "as root, the plain-user half needs useradd and setpriv"
	T=$(mktemp -d -t fo.XXXXXX)
	chmod 755 "$T"
	# shellcheck disable=SC2317  # called by the trap
	gone() {
		local p
		# What it left: GNU parallel -M's master keepers outlive it.
		for p in $(ps -u "$U" -o pid= 2>/dev/null); do kill "$p" 2>/dev/null; done
		sleep 1
		for p in $(ps -u "$U" -o pid= 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
		userdel "$U" 2>/dev/null || echo "bench: could not remove the account $U" >&2
		rm -rf "$T"
	}
	trap gone EXIT
	useradd -M -d "$T/home" -s /bin/bash -U "$U" || die "useradd $U failed"
	install -d -o "$U" -g "$U" -m 700 "$T/home"
	echo "# as $U: login shell /bin/bash (no rc files), HOME=$T/home" >&2
	setpriv --reuid "$U" --regid "$U" --init-groups \
		env -i HOME="$T/home" USER="$U" LOGNAME="$U" SHELL=/bin/bash \
		PATH=/usr/local/bin:/usr/bin:/bin TMPDIR=/tmp ROUNDS="$ROUNDS" \
		NOBUILD=1 FANOUT="$FANOUT" JOB="$JOB" bash "$BENCH/ssh.sh" --rounds plain
}

describe
echo "# B's job: $JOB N"
echo "# who round bare_ms fanout_ms ratio floor_jobs_s fanout_jobs_s parallel_jobs_s fanout/floor fanout/parallel"
{
	if [ "$(id -u)" = 0 ]; then
		[ "$AS" = plain ] || (rounds root)
		(as_plain)
	else
		(rounds "$(id -un)")
	fi
} | tee "$OUT/ssh.rounds"
# Each median is over the rounds that have its ratio: a runner that failed
# (nan), or noise that made A's slope negative, leaves that ratio of that
# round out (the round stays in ssh.rounds); n says how many are in.
awk '!/^#/ { w[$1] = 1
	if ($4 > 0 && $5 != "nan") o[$1] = o[$1] " " $5
	if ($9 != "nan") x[$1] = x[$1] " " $9
	if ($10 != "nan") t[$1] = t[$1] " " $10 }
     function med(s,   x, k, i, j, t0) { k = split(s, x, " ")
	if (!k) return "-"
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (x[j] + 0 < x[i] + 0) { t0 = x[i]; x[i] = x[j]; x[j] = t0 }
	return sprintf("%.2fx (n=%d)", k % 2 ? x[(k + 1) / 2] : (x[k / 2] + x[k / 2 + 1]) / 2, k) }
     END { for (who in w) {
	   printf "# %s: median per-job overhead, fanout -S / bare ssh -S: %s, target <= 1.3\n", who, med(o[who])
	   printf "# %s: median throughput, fanout / floor (xargs + ssh -S): %s\n", who, med(x[who])
	   printf "# %s: median throughput, fanout / GNU parallel -M:       %s, target >= 5\n", who, med(t[who]) } }' \
	"$OUT/ssh.rounds" | tee "$OUT/ssh.summary"
