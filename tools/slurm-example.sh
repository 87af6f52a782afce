#!/bin/bash
# A SLURM job for a large tradewar batch: MPI ranks across nodes, OpenMP threads inside
# each, resumed after the walltime. Submit from the repository root:
#     sbatch tools/slurm-example.sh
# SLURM sends SIGTERM 120 s before the walltime (--signal); tradewar stops after the
# chunk in progress with a checkpoint, and this script resubmits itself with --resume
# until the batch is complete (the files are then the same bytes as one long run).
#SBATCH --job-name=tradewar-mc
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=4
#SBATCH --cpus-per-task=8
#SBATCH --time=02:00:00
#SBATCH --signal=B:TERM@120
#SBATCH --output=tradewar-%j.log

set -u
SCENARIO=${SCENARIO:-scenarios/geneva-truce.yaml}
REPLICATES=${REPLICATES:-100000}
OUTDIR=${OUTDIR:-out/geneva-truce-mc}

export OMP_NUM_THREADS=${SLURM_CPUS_PER_TASK:-1}
export OMP_PROC_BIND=close OMP_PLACES=cores

if [ -d "$OUTDIR.partial" ]; then
  args=(run --resume "$OUTDIR" -t "$OMP_NUM_THREADS" --quiet)
else
  args=(run "$SCENARIO" -n "$REPLICATES" -t "$OMP_NUM_THREADS" -o "$OUTDIR" --quiet)
fi

# srun forwards the SIGTERM that --signal=B: sends to this script to every rank.
trap 'kill -TERM "$pid" 2>/dev/null' TERM
srun --cpu-bind=cores build/tradewar "${args[@]}" &
pid=$!
wait "$pid"
rc=$?
if [ "$rc" -gt 128 ]; then # the trap cut the first wait short: wait for the ranks
  wait "$pid"
  rc=$?
fi

if [ -d "$OUTDIR.partial" ] && [ ! -d "$OUTDIR" ]; then
  echo "batch interrupted; resubmitting to resume $OUTDIR"
  sbatch "$0"
  exit 0
fi
exit "$rc"
