#!/usr/bin/env bats
# Fan-in property test: a few hundred jobs with random output sizes (0 to
# 1 MiB), random pieces, pauses and exit codes, in every output mode; the
# whole of stdout and stderr is checked byte for byte by gen_output.pl:
# each job's piece whole (grouped), input order (-k), whole lines
# (--line-buffer, -u), every line tagged (--tag), and the exit status.
#
# Deterministic: PROPERTY_SEED picks another run (failures print the seed).
# Under FANOUT_SANITIZED the run is smaller.

load helpers

GEN=$BATS_TEST_DIRNAME/gen_output.pl

# property MODES BUFFER [OPTION...]: run fanout with the options MODES
# stands for, and the OPTIONs.
property() {
	local modes=$1 buffer=$2 seed=${PROPERTY_SEED:-20240611}
	local n=300 max=1048576 jobs=8 opts=()
	if [ -n "${FANOUT_SANITIZED:-}" ]; then
		n=100 max=262144
	fi
	case ,$modes, in *,k,*) opts+=(-k) ;; esac
	case ,$modes, in *,line,*) opts+=(--line-buffer) ;; esac
	case ,$modes, in *,tag,*) opts+=(--tag) ;; esac
	case ,$modes, in *,u,*) opts+=(-u) ;; esac
	opts+=("${@:3}")
	"$FANOUT" -j"$jobs" --buffer-size "$buffer" "${opts[@]}" \
		perl "$GEN" job "$seed" "$max" "$modes" ::: $(seq 1 "$n") \
		>out 2>err && st=0 || st=$?
	perl "$GEN" check "$seed" "$max" "$modes" "$n" out err "$st" || {
		echo "seed $seed, modes '$modes', $n jobs: see above" >&2
		return 1
	}
}

@test "property: grouped" { property "" 2M; }
@test "property: grouped --tag" { property tag 64M; }
@test "property: -k" { property k 1M; }
@test "property: -k --tag" { property k,tag 256K; }
@test "property: --line-buffer" { property line 64M; }
@test "property: --line-buffer --tag" { property line,tag 64K; }
@test "property: -k --line-buffer" { property k,line 1M; }
@test "property: -k --line-buffer --tag" { property k,line,tag 64M; }
@test "property: -u" { property u 64M; }
@test "property: -k with retries (failed tries are dropped)" {
	property k 1M --retries 1 --retry-delay 10ms
}
