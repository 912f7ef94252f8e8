#!/usr/bin/env bash
# ssh.sh - remote jobs over real sshds on 127.0.0.1 ports, in one run:
#   A. per-job overhead of fanout -S (one slot, sequential jobs), as the
#      slope between 20 and 60 jobs (fanout's connection set-up cancels
#      out), against a bare `ssh -S SOCK host true` through a master;
#   B. 200 `true` jobs over 2 hosts x 4 slots: fanout -S 4/h1,4/h2 against
#      GNU parallel -S 4/h1,4/h2 -M, as jobs per second.
# Contenders alternate inside each round; we quote medians of per-round
# ratios. Run under flock /tmp/fanout-bench.lock; the sshds (and the jobs)
# share the machine with fanout.
#
#   bench/ssh.sh            ROUNDS=5 by default
#
# What the remote login shell reads per session (root's ~/.bashrc here
# runs pyenv init: ~100 ms a job) is paid by every contender alike and
# shrinks the ratios: log in as an account with cheap rc files to see
# fanout's own cost.
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-5}
command -v parallel >/dev/null || die "GNU parallel is not installed"
[ -x /usr/sbin/sshd ] || die "openssh-server is not installed"
build
D=$(mktemp -d -t fo.XXXXXX)
stop() {
	local p
	[ -n "${MPID:-}" ] && kill "$MPID" 2>/dev/null
	for p in "$D"/ssh/h*/sshd.pid; do [ -s "$p" ] && kill "$(cat "$p")"; done
	rm -rf "$D"
}
trap stop EXIT
"$REPO/tests/lib/ssh-up.sh" "$D/ssh" $((20000 + RANDOM % 20000)) $((40000 + RANDOM % 20000)) \
	>/dev/null || die "sshd did not come up"
SSH="ssh -F $D/ssh/ssh_config"
$SSH -o ControlMaster=yes -o ControlPath="$D/cm" -o ControlPersist=no -N h1 </dev/null &
MPID=$!
for i in $(seq 100); do [ -S "$D/cm" ] && break; sleep 0.05; done

now() { echo "$EPOCHREALTIME"; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.4f", b - a }'; }
bare() {   # seconds for $1 sequential `ssh -S SOCK h1 true`
	local t0 i
	t0=$(now)
	for ((i = 0; i < $1; i++)); do $SSH -S "$D/cm" h1 true; done
	secs "$t0" "$(now)"
}
fo1() {    # seconds for fanout running $1 jobs on one slot of h1
	local t0
	t0=$(now)
	"$FANOUT" --ssh "$SSH" -S 1/h1 true ::: $(seq "$1") ||
		{ echo "bench: fanout failed" >&2; echo nan; return; }
	secs "$t0" "$(now)"
}
thr() {    # seconds for 200 jobs over 2 hosts x 4 slots, by $1
	local t0
	t0=$(now)
	case $1 in
	fanout) "$FANOUT" --ssh "$SSH" -S 4/h1,4/h2 true ::: $(seq 200) ;;
	parallel) parallel --ssh "$SSH" -M -S 4/h1,4/h2 true ::: $(seq 200) ;;
	esac || { echo "bench: $1 failed: round left out" >&2; echo nan; return; }
	secs "$t0" "$(now)"
}

describe
echo "# round  bare_ms  fanout_ms  ratio  fanout_jobs_s  parallel_jobs_s  ratio"
for ((r = 1; r <= ROUNDS; r++)); do
	b=$(bare 40)
	f20=$(fo1 20)
	f60=$(fo1 60)
	tf=$(thr fanout)
	tp=$(thr parallel)
	awk -v r="$r" -v b="$b" -v f20="$f20" -v f60="$f60" -v tf="$tf" -v tp="$tp" 'BEGIN {
		bm = b / 40 * 1000; fm = (f60 - f20) / 40 * 1000
		printf "%d %.1f %.1f %.2f %.1f %.1f %.2f\n", r, bm, fm, fm / bm, 200 / tf, 200 / tp, tp / tf }'
done | tee "$OUT/ssh.rounds"
# A round where a runner failed, or the noise made the slope negative, is
# left out of the medians (it stays in ssh.rounds).
awk '!/^#/ && $3 > 0 && $4 != "nan" && $7 != "nan" { o[NR] = $4; t[NR] = $7; n++ }
     function med(a, n,   i, j, x, k) { k = 0; for (i in a) x[++k] = a[i]
	for (i = 1; i <= k; i++) for (j = i + 1; j <= k; j++) if (x[j] < x[i]) { t0 = x[i]; x[i] = x[j]; x[j] = t0 }
	return k % 2 ? x[(k + 1) / 2] : (x[k / 2] + x[k / 2 + 1]) / 2 }
     END { printf "# median per-job overhead, fanout -S / bare ssh -S: %.2fx (target <= 1.3)\n", med(o, n)
	   printf "# median throughput, fanout / GNU parallel -M:       %.2fx (target >= 5)\n", med(t, n) }' \
	"$OUT/ssh.rounds" | tee "$OUT/ssh.summary"
