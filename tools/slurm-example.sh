#!/bin/bash
# A Slurm job for a large tradewar batch: MPI ranks across nodes, OpenMP threads inside
# each, resumed after the walltime. Submit from the repository root:
#     sbatch tools/slurm-example.sh
# Tested on a one-node Slurm 22.05 cluster by tests/e2e/test_slurm.py.
#
# The walltime. Slurm sends SIGTERM to the job step (every rank) 120 s before the walltime
# (--signal=TERM@120, without "B:"). tradewar stops after the chunk in progress, writes a
# checkpoint and exits 1; this script then submits itself again, and the next job goes on
# with `run --resume` until the batch is complete (the files are then the same bytes as one
# long run). The signal goes to the ranks, not to this shell: srun, when it receives
# SIGTERM itself, kills its tasks with SIGKILL ("forcing job termination"), which would
# lose the work since the last periodic checkpoint.
#
# Which batch. OUTDIR belongs to one scenario: before anything runs, the scenario hash of
# SCENARIO with TW_ARGS' --set overrides (`tradewar validate` prints it) is compared with
# the hash of the batch in OUTDIR (provenance.yaml's scenario_hash, or that of the
# scenario.yaml kept in OUTDIR.partial). Another scenario is refused (exit 2) with both
# hashes: choose a new OUTDIR, or remove the old one to start anew. The same scenario
# resumes OUTDIR.partial, or, when OUTDIR is complete, says so and does nothing.
#
# Resubmission. Only a batch stopped by the walltime signal ("stopped by a signal" from
# tradewar, which keeps OUTDIR.partial) is resubmitted; a batch that failed otherwise (a
# refused input, a damaged checkpoint, a full disk) keeps OUTDIR.partial and stops with
# tradewar's exit status and its message, since the next job would fail the same way.
# At most TW_MAX_RESUBMITS (default 10) jobs follow the first one; the count
# so far travels in TW_RESUBMITS (set by the script, 0 when you submit by hand). At the
# limit the job says so and stops with OUTDIR.partial kept: submit again to go on. The next
# job is submitted as $SLURM_SUBMIT_DIR/tools/slurm-example.sh (the file you submitted;
# under sbatch "$0" is Slurm's spool copy, which is gone once this job ends), or
# TW_SLURM_SCRIPT, with this job's nodes, tasks (in all and per node), CPUs per task, time
# limit and partition, after this job has ended (--dependency=afterany). Other sbatch
# options given on the command line apply to the first job only: set them as SBATCH_*
# variables (for example SBATCH_OUTPUT, SBATCH_ACCOUNT), which every resubmission inherits.
#
# Settings, as environment variables at submission (sbatch passes the environment on):
#   SCENARIO, REPLICATES, OUTDIR   the batch (relative paths are from the submit directory)
#   TRADEWAR                       the program (default build/tradewar)
#   TW_ARGS                        more options for the first run, split at spaces, for
#                                  example "--set firms.per_cell=200 --checkpoint-every 60"
#   TW_SRUN_ARGS                   more srun options, for example "--mpi=pmix"
#   TW_MAX_RESUBMITS               the resubmission limit (default 10)
#
# MPI. OpenMPI 4 and 5 start under srun through PMIx: if the site's default (MpiDefault in
# slurm.conf; `srun --mpi=list` shows what is there) is not pmix, submit with
# TW_SRUN_ARGS=--mpi=pmix. Where tradewar is built without MPI, or srun cannot start
# OpenMPI's ranks (no PMIx), run one task, threads only:
#     sbatch --nodes=1 --ntasks-per-node=1 --cpus-per-task=C tools/slurm-example.sh
# Several tasks of a program without MPI would be separate batches writing one directory,
# so the script refuses them; ranks that srun starts without PMIx would be the same, so
# check `srun --mpi=list` first.
#SBATCH --job-name=tradewar-mc
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=4
#SBATCH --cpus-per-task=8
#SBATCH --time=02:00:00
#SBATCH --signal=TERM@120
#SBATCH --output=tradewar-%j.log

set -u
cd "${SLURM_SUBMIT_DIR:?submit this script with sbatch}" || exit 1
SCENARIO=${SCENARIO:-scenarios/geneva-truce.yaml}
REPLICATES=${REPLICATES:-100000}
OUTDIR=${OUTDIR:-out/geneva-truce-mc}
TRADEWAR=${TRADEWAR:-build/tradewar}
SCRIPT=${TW_SLURM_SCRIPT:-$SLURM_SUBMIT_DIR/tools/slurm-example.sh}
read -r -a extra <<<"${TW_ARGS:-}"
read -r -a srun_extra <<<"${TW_SRUN_ARGS:-}"
resubmits=${TW_RESUBMITS:-0}
max_resubmits=${TW_MAX_RESUBMITS:-10}
cpus=${SLURM_CPUS_PER_TASK:-1}
ntasks=${SLURM_NTASKS:-1}

# The batch this job is for: SCENARIO with TW_ARGS' --set overrides, by its scenario hash.
sets=()
for ((i = 0; i < ${#extra[@]}; i++)); do
  case "${extra[i]}" in
    --set) sets+=(--set "${extra[i + 1]:-}"); i=$((i + 1)) ;;
    --set=*) sets+=(--set "${extra[i]#--set=}") ;;
  esac
done
scenario_hash() { # the hash `tradewar validate` prints for a scenario (exit 2 if refused)
  local line
  line=$("$TRADEWAR" validate "$@") || exit 2
  sed -n 's/.*scenario hash \([0-9a-f]*\))$/\1/p' <<<"$line"
}
if [ -d "$OUTDIR" ] || [ -d "$OUTDIR.partial" ]; then
  want=$(scenario_hash "$SCENARIO" ${sets[@]+"${sets[@]}"}) || exit 2
  if [ -d "$OUTDIR.partial" ]; then
    what="$OUTDIR.partial"
    have=$(scenario_hash "$OUTDIR.partial/scenario.yaml") || exit 2
  else
    what="$OUTDIR"
    have=$(sed -n 's/^scenario_hash: "\([0-9a-f]*\)"$/\1/p' "$OUTDIR/provenance.yaml" 2>/dev/null)
  fi
  if [ -z "$want" ] || [ "$want" != "$have" ]; then
    echo "$what holds the batch of another scenario (scenario hash ${have:-unknown}), not" \
      "of $SCENARIO with TW_ARGS' --set overrides (scenario hash ${want:-unknown}): set" \
      "OUTDIR to a new directory, or remove $what to start anew" >&2
    exit 2
  fi
fi
if [ -d "$OUTDIR" ] && [ ! -d "$OUTDIR.partial" ]; then
  echo "$OUTDIR is complete (scenario hash $want): nothing to do"
  exit 0
fi
if [ "$ntasks" -gt 1 ] && ! ldd "$TRADEWAR" 2>/dev/null | grep -q libmpi; then
  echo "$TRADEWAR is built without MPI: $ntasks tasks would be $ntasks separate batches;" \
    "submit with --nodes=1 --ntasks-per-node=1 --cpus-per-task=C" >&2
  exit 2
fi

export OMP_NUM_THREADS=$cpus
export OMP_PROC_BIND=close OMP_PLACES=cores

if [ -d "$OUTDIR.partial" ]; then
  echo "resuming $OUTDIR (resubmission $resubmits)"
  args=(run --resume "$OUTDIR" -t "$cpus" --quiet)
else
  args=(run "$SCENARIO" -n "$REPLICATES" -t "$cpus" -o "$OUTDIR" --quiet ${extra[@]+"${extra[@]}"})
fi

# Slurm 22.05 to 23.02: srun does not take --cpus-per-task from the job, so it is given
# here; without it every rank would get one CPU for its threads.
# tradewar's messages are kept to tell a walltime stop from a failure, then shown.
errlog=$(mktemp "${TMPDIR:-/tmp}/tradewar-${SLURM_JOB_ID:-job}.XXXXXX") || exit 1
srun --cpus-per-task="$cpus" --cpu-bind=cores ${srun_extra[@]+"${srun_extra[@]}"} \
  "$TRADEWAR" "${args[@]}" 2>"$errlog"
rc=$?
cat "$errlog" >&2
stopped=0
grep -q "stopped by a signal after" "$errlog" && stopped=1
rm -f "$errlog"

if [ -d "$OUTDIR.partial" ] && [ ! -d "$OUTDIR" ]; then
  if [ "$stopped" -ne 1 ]; then
    echo "batch failed (exit $rc) without a walltime stop: not resubmitting" \
      "($OUTDIR.partial is kept: fix the cause above, then sbatch $SCRIPT to resume)" >&2
    exit $((rc != 0 ? rc : 1))
  fi
  if [ "$resubmits" -ge "$max_resubmits" ]; then
    echo "batch interrupted; not resubmitting: $resubmits resubmissions reached" \
      "TW_MAX_RESUBMITS=$max_resubmits ($OUTDIR.partial is kept: sbatch $SCRIPT to go on)" >&2
    exit 1
  fi
  shape=(--nodes="$SLURM_JOB_NUM_NODES" --ntasks="$ntasks" --cpus-per-task="$cpus")
  [ -n "${SLURM_NTASKS_PER_NODE:-}" ] && shape+=(--ntasks-per-node="$SLURM_NTASKS_PER_NODE")
  limit=$(squeue --noheader --jobs="$SLURM_JOB_ID" --format=%l 2>/dev/null)
  case "$limit" in [0-9]*) shape+=(--time="$limit") ;; esac
  [ -n "${SLURM_JOB_PARTITION:-}" ] && shape+=(--partition="$SLURM_JOB_PARTITION")
  echo "batch interrupted; resubmission $((resubmits + 1)) of at most $max_resubmits" \
    "to resume $OUTDIR"
  sbatch --export=ALL,TW_RESUBMITS=$((resubmits + 1)) --dependency=afterany:"$SLURM_JOB_ID" \
    "${shape[@]}" "$SCRIPT" || exit 1
  exit 0
fi
exit "$rc"
