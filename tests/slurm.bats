#!/usr/bin/env bats
# slurm.bats - the default -j follows CPU affinity and Slurm's CPU count,
# --shard K/N splits one input between N fanouts, and the two patterns of
# the man page's SLURM section work against a real one-node Slurm (munged,
# slurmctld and slurmd living in a temp dir, started here, stopped by pid).
# The Slurm tests skip, saying why, when slurm-wlm or munge is not installed.

load helpers

have_slurm() {
	command -v slurmctld >/dev/null && command -v slurmd >/dev/null &&
		command -v srun >/dev/null && command -v munged >/dev/null
}

setup_file() {
	have_slurm || return 0
	export FO_SLURM
	FO_SLURM=$(mktemp -d -t fo.XXXXXX)
	local try out
	# Random ports; a taken one shows as a node that never comes up.
	for try in 1 2 3; do
		if out=$(SLURMCTLD_PORT=$((20000 + RANDOM % 20000)) \
			 SLURMD_PORT=$((40000 + RANDOM % 20000)) \
			 SLURM_TASK_PLUGIN=task/affinity \
			 "$BATS_TEST_DIRNAME/lib/slurm-up.sh" "$FO_SLURM/s" 2>&1); then
			eval "$out"
			export SLURM_CONF
			return 0
		fi
		slurm_stop
	done
	echo "slurm did not come up: $out" >&2
	return 1
}

slurm_stop() {
	local p
	for p in "$FO_SLURM"/s/slurmd.pid "$FO_SLURM"/s/slurmctld.pid \
		 "$FO_SLURM"/s/munge/munged.pid; do
		if [ -s "$p" ]; then
			kill -KILL "$(cat "$p")" 2>/dev/null || true
		fi
		rm -f "$p"
	done
	return 0
}

teardown_file() {
	[ -n "${FO_SLURM:-}" ] || return 0
	slurm_stop
	rm -rf "$FO_SLURM"
}

need_slurm() {
	have_slurm || skip "slurm-wlm and munge are not installed"
}

@test "the default -j is the CPUs of the affinity mask" {
	command -v taskset >/dev/null || skip "taskset is not installed"
	run taskset -c 0 "$FANOUT" -s 'sleep 0.2; echo {%}' ::: 1 2 3 4
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1\n1\n1\n1')" ]
}

@test "the default -j is at most SLURM_CPUS_ON_NODE" {
	[ "$(nproc)" -ge 2 ] || skip "needs 2 CPUs to tell"
	SLURM_CPUS_ON_NODE=1 run fanout -s 'sleep 0.2; echo {%}' ::: 1 2 3 4
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1\n1\n1\n1')" ]
	# A value it cannot read changes nothing: two slots are used (each
	# job waits, 10 s at most, until both have started: a fixed sleep could
	# let a slow second worker find the first slot free again).
	SLURM_CPUS_ON_NODE='2(x3)' run fanout -j2 -s 'touch s.{%}; i=0
		while [ "$(ls s.* | wc -l)" -lt 2 ] && [ $i -lt 100 ]; do
			sleep 0.1; i=$((i + 1)); done; echo {%}' ::: 1 2
	[ "$(sort <<<"$output" | tr '\n' ' ')" = "1 2 " ]
}

@test "--shard K/N runs jobs K+1, K+1+N, ... with their own numbers" {
	run fanout -k --shard 1/3 sh -c 'echo "$FANOUT_SEQ {#} {}"' ::: a b c d e f g
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '2 2 b\n5 5 e')" ]
}

@test "--shard: the parts' job logs merge into one run" {
	for k in 0 1 2; do
		fanout --shard $k/3 --joblog log.$k echo ::: 1 2 3 4 5 6 7 >out.$k
	done
	[ "$(cat out.* | sort -n | tr '\n' ' ')" = "1 2 3 4 5 6 7 " ]
	[ "$(cat log.* | awk -F'\t' '$1 != "Seq" { print $1 }' | sort -n | tr '\n' ' ')" = \
	  "1 2 3 4 5 6 7 " ]
}

@test "--shard with -k keeps its part in order and ends" {
	run fanout -k -j3 --shard 0/2 -s 'sleep 0.0{}; echo {}' ::: 5 4 3 2 1
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '5\n3\n1')" ]
}

@test "--shard refuses a bad part with exit status 2" {
	run fanout --shard 2/2 true ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --shard '2/2': K must be below N (K counts from 0)" ]
	run fanout --shard 1 true ::: a
	[ "$status" -eq 2 ]
	[ "$output" = "fanout: --shard '1': must be K/N, as 0/4" ]
	run fanout --shard 0/0 true ::: a
	[ "$status" -eq 2 ]
	run fanout --shard x/2 true ::: a
	[ "$status" -eq 2 ]
}

@test "slurm: inside a 1-CPU step the default -j is 1" {
	need_slurm
	run srun -n1 -c1 "$FANOUT" -s 'sleep 0.2; echo {%}' ::: 1 2 3 4
	[ "$status" -eq 0 ]
	[ "$output" = "$(printf '1\n1\n1\n1')" ]
}

@test "slurm: one step per job with srun --exact inside an allocation" {
	need_slurm
	# stdout only: srun may say on stderr that it waits for a CPU.
	salloc -Q -n2 "$FANOUT" -k -j2 srun -N1 -n1 --exact \
		sh -c 'echo "$1 step=$SLURM_STEP_ID"' sh ::: a b c d >out 2>err ||
		{ cat err; false; }
	[ "$(cut -d' ' -f1 out | tr '\n' ' ')" = "a b c d " ]
	# Four steps of one allocation, each its own.
	[ "$(grep -o 'step=[0-9]*' out | sort -u | wc -l)" -eq 4 ]
}

@test "slurm: one fanout per task with --shard, each job run once" {
	need_slurm
	srun -n2 sh -c "\"$FANOUT\" --shard \$SLURM_PROCID/\$SLURM_NTASKS \
		sh -c 'echo \"\$1 task=\$SLURM_PROCID\"' sh ::: 1 2 3 4 5 6" >out 2>err ||
		{ cat err; false; }
	output=$(cat out)
	[ "$(cut -d' ' -f1 <<<"$output" | sort -n | tr '\n' ' ')" = "1 2 3 4 5 6 " ]
	# Odd jobs ran in task 0, even ones in task 1.
	[ "$(grep -c '^[135] task=0$' <<<"$output")" -eq 3 ]
	[ "$(grep -c '^[246] task=1$' <<<"$output")" -eq 3 ]
}

@test "slurm: a job's exit status comes back through srun" {
	need_slurm
	run salloc -Q -n1 "$FANOUT" --joblog log srun -N1 -n1 --exact sh -c 'exit $1' sh ::: 0 3
	[ "$status" -eq 1 ]
	[ "$(awk -F'\t' '$1 != "Seq" { print $1, $7 }' log | sort)" = "$(printf '1 0\n2 3')" ]
}
