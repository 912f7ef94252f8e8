#!/usr/bin/env bash
# run-all.sh - every bench at its quick default (~5 min), then one table.
#
#   bench/run-all.sh
#   ROUNDS=9 bench/run-all.sh      more rounds everywhere (each bench's own knobs work too)
#
# Logs of each bench go to bench/out/<name>.log; summaries stay in
# bench/out/<name>.summary, which is what the table is built from.
. "$(dirname "$0")/lib.sh"

build
for b in spawn output timeout batch; do
	echo "== $b" >&2
	NOBUILD=1 "$BENCH/$b.sh" >"$OUT/$b.log" 2>&1 || echo "bench: $b.sh failed, see $OUT/$b.log" >&2
	grep -i 'bench:' "$OUT/$b.log" >&2    # wrong byte counts, joblog gaps...
done

# Aligned summaries: comment lines as they are, table lines through column.
for b in spawn output timeout batch; do
	awk '/^#/ { if (t != "") { printf "%s", t | "column -t"; close("column -t"); t = "" } print; next }
	     { t = t $0 "\n" }
	     END { if (t != "") printf "%s", t | "column -t" }' "$OUT/$b.summary"
	echo
done

# Targets from the project brief, checked against the medians above.
v() { awk -v n="$2" -v c="$3" '!/^#/ && $1 == n { print $c; exit }' "$OUT/$1.summary"; }
# The slow-head table is the second in output.summary: pick it by its section.
vb() { awk -v n="$1" -v c="$2" '/^# output B/ { b = 1 } b && !/^#/ && $1 == n { print $c; exit }' "$OUT/output.summary"; }
ok() { awk -v x="$1" -v lim="$2" 'BEGIN { print (x + 0 <= lim + 0) ? "ok" : "MISSED" }'; }
echo "targets:"
printf '  spawn   fanout <= 1.15x spawnloop: %s (%s)\n' "$(ok "$(v spawn fanout 4)" 1.15)" "$(v spawn fanout 4)"
printf '  spawn   fanout peak < 8 MiB:       %s (%s KiB)\n' "$(ok "$(v spawn fanout 5)" 8191)" "$(v spawn fanout 5)"
printf '  output  slow head <= 1.1x xargs:   %s (%s)\n' "$(ok "$(vb fanout_k 4)" 1.1)" "$(vb fanout_k 4)"
printf '  output  slow head peak < 32 MiB:   %s (%s KiB)\n' "$(ok "$(vb fanout_k 5)" 32767)" "$(vb fanout_k 5)"
printf '  batch   fanout <= 1.0x xargs:      %s (%s)\n' "$(ok "$(v batch fanout 4)" 1.0)" "$(v batch fanout 4)"
