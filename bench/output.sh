#!/usr/bin/env bash
# output.sh - throughput and memory of grouped, ordered output.
#
#   bench/output.sh                  quick: 9 rounds + 3 slow-head rounds (~1.5 min)
#   ROUNDS=11 ROUNDS_SLOW=7 bench/output.sh
#   VERIFY=0 bench/output.sh         skip the untimed byte-for-byte checks
#   PARTS=b bench/output.sh          only part B (default: a b)
#   OLD=path/to/fanout bench/output.sh   part B also times that binary
#
# A. 200 jobs each writing 1 MiB (bench/blob.c), 2 in flight:
#    fanout -k vs parallel -k vs xargs -P2 -n1 (the floor: xargs passes the
#    jobs' bytes straight through, no grouping, no ordering). fanout without
#    -k is shown too. Output goes through a pipe into `wc -c` rather than to
#    /dev/null: a runner could skip work for /dev/null, a pipe makes every
#    byte move, and the count is checked.
# B. Slow head: job 1 sleeps 2 s then writes 50 MiB; jobs 2..21 write 50 MiB
#    each at once. Under -k everything behind job 1 must be held (memory,
#    then spill to $TMPDIR) and written after it. Target: fanout within 1.1x
#    of xargs, peak RSS < 32 MiB. Also shown: fanout with --buffer-size 16M
#    spelled out (the default since issue 10; it was 64M, which alone broke
#    the memory target: kept to compare with an OLD binary), and
#    "sleep2_cat": sleep 2 s, then cat the whole expected output from a file
#    in the page cache into the same pipe -- what a runner that holds the
#    tail and copies it out with read/write cannot beat.
. "$(dirname "$0")/lib.sh"

ROUNDS=${ROUNDS:-9}
ROUNDS_SLOW=${ROUNDS_SLOW:-3}
VERIFY=${VERIFY:-1}
PARTS=${PARTS:-a b}
OLD=${OLD:-}
MIB=1048576
build; blob
B="$OUT/blob"

recs_a() { seq 200; }
recs_b() { echo 1@2000; seq 2 21; }

# Each contender writes its byte count to $OUT/count; checked after the round.
a_xargs()    { recs_a | rss xargs -P2 -n1 "$B" $MIB | wc -c >"$OUT/count"; }
a_fanout_k() { recs_a | rss "$FANOUT" -k -j2 "$B" $MIB | wc -c >"$OUT/count"; }
a_fanout()   { recs_a | rss "$FANOUT" -j2 "$B" $MIB | wc -c >"$OUT/count"; }
a_parallel_k() { recs_a | rss parallel --will-cite -k -j2 "$B" $MIB | wc -c >"$OUT/count"; }
b_xargs()    { recs_b | rss xargs -P2 -n1 "$B" $((50 * MIB)) | wc -c >"$OUT/count"; }
b_fanout_k() { recs_b | rss "$FANOUT" -k -j2 "$B" $((50 * MIB)) | wc -c >"$OUT/count"; }
b_old_k()    { recs_b | rss "$OLD" -k -j2 "$B" $((50 * MIB)) | wc -c >"$OUT/count"; }
b_fanout_k16() { recs_b | rss "$FANOUT" -k -j2 --buffer-size 16M "$B" $((50 * MIB)) | wc -c >"$OUT/count"; }
b_sleep2_cat() { sleep 2; rss cat "$OUT/slowhead.expect" | wc -c >"$OUT/count"; }
b_parallel_k() { recs_b | rss parallel --will-cite -k -j2 "$B" $((50 * MIB)) | wc -c >"$OUT/count"; }

# run PART NAME... : ROUNDS rounds of the contenders in turn; a wrong byte
# count marks the run as failed (rc 99) so it shows in the summary.
run() {
	local part=$1 want=$2 rounds=$3; shift 3
	local c n
	for ROUND in $(seq "$rounds"); do
		for c in "$@"; do
			timed "$c" "${part}_$c"
			n=$(cat "$OUT/count")
			if [ "$n" != "$want" ]; then
				echo "bench: $part $c round $ROUND wrote $n bytes, want $want" >&2
				sed -i '$s/ [0-9]*$/ 99/' "$RES"
			fi
		done
	done
}

# Ordered output must equal a sequential run byte for byte.
expect() { local r; recs_"$1" | while read -r r; do "$B" "$2" "$r"; done; }
verify() {       # PART BYTES MD5_OF_EXPECTED
	local part=$1 bytes=$2 want=$3 got c
	for c in fanout_k parallel_k; do
		case $c in
		fanout_k) got=$(recs_"$part" | "$FANOUT" -k -j2 "$B" "$bytes" | md5sum) ;;
		parallel_k) got=$(recs_"$part" | parallel --will-cite -k -j2 "$B" "$bytes" | md5sum) ;;
		esac
		[ "$got" = "$want" ] && echo "# verify $part $c: byte-identical to a sequential run" \
			|| echo "# verify $part $c: MISMATCH with a sequential run"
	done
}

# Unordered grouped output: each job's 1 MiB (65536 lines) must come out in
# one piece, so there must be exactly 200 runs of equal lines, 200 tags.
grouped() {
	recs_a | "$FANOUT" -j2 "$B" $MIB | uniq -c | awk '
		{ runs++; if ($1 == 65536) whole++; tags[$2] = 1 }
		END { n = 0; for (t in tags) n++
		      printf "# verify a fanout: %d runs, %d whole, %d distinct jobs (want 200 each)%s\n",
		             runs, whole, n, (runs == 200 && whole == 200 && n == 200) ? "" : " -- GARBLED" }'
}

{
	describe
	case " $PARTS " in *" a "*)
	RES=$OUT/output_a.res; : >"$RES"
	run a $((200 * MIB)) "$ROUNDS" xargs fanout_k fanout parallel_k
	echo "# output A: 200 jobs x 1 MiB, -j2, into a pipe to wc -c; $ROUNDS rounds; ratio = time / xargs's, same round"
	echo "name wall_s MB_per_s x_xargs peak_rss_kib failed_runs"
	summarize xargs | awk '{ $3 = sprintf("%.0f", 200 * 1.048576 / $2); print }'
	[ "$VERIFY" = 1 ] && verify a $MIB "$(expect a $MIB | md5sum)" && grouped
	;; esac
	case " $PARTS " in *" b "*)

	RES=$OUT/output_b.res; : >"$RES"
	expect b $((50 * MIB)) >"$OUT/slowhead.expect"    # 1050 MiB, for sleep2_cat
	run b $((21 * 50 * MIB)) "$ROUNDS_SLOW" xargs fanout_k ${OLD:+old_k} fanout_k16 parallel_k sleep2_cat
	echo "# output B: slow head (job 1 sleeps 2 s) + 20 x 50 MiB, -j2, into wc -c; $ROUNDS_SLOW rounds"
	echo "name wall_s MB_per_s x_xargs peak_rss_kib failed_runs"
	summarize xargs | awk '{ $3 = sprintf("%.0f", 21 * 50 * 1.048576 / $2); print }'
	summarize sleep2_cat | awk '$1 ~ /^(fanout|old)/ { print "# " $1 " x_sleep2_cat " $4 }'
	[ "$VERIFY" = 1 ] && verify b $((50 * MIB)) "$(md5sum <"$OUT/slowhead.expect")"
	rm -f "$OUT/slowhead.expect"
	;; esac
} | tee "$OUT/output.summary"
