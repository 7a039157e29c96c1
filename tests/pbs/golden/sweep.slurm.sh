#!/bin/bash
# Written by partita batch 0.1.0 for @WORK@/job.toml.
# Submit with: sbatch @WORK@/out/sweep.slurm.sh
#SBATCH --job-name=sweep
#SBATCH --nodes=2
#SBATCH --ntasks-per-node=4
#SBATCH --cpus-per-task=8
#SBATCH --time=1-00:00:00
#SBATCH --signal=B:USR1@120
#SBATCH --output=@WORK@/out/slurm-%j.out
#SBATCH --open-mode=append
#SBATCH --partition=compute
#SBATCH --account=proj42

# Absolute paths: the scheduler may run a copy of this script elsewhere.
partita='@PARTITA@'
job='@WORK@/job.toml'
out='@WORK@/out'
script='@WORK@/out/sweep.slurm.sh'
max_resubmits=10
attempt=${PARTITA_ALLOCATION:-0}

export OMP_NUM_THREADS=8 OMP_PLACES=cores OMP_PROC_BIND=close

# The allocation's end, for partita's automatic --deadline: from squeue,
# else this script's start plus the walltime.
if [ -z "${SLURM_JOB_END_TIME:-}" ]; then
  end=$(squeue -h -j "$SLURM_JOB_ID" -o %e 2>/dev/null) || end=
  case "$end" in
    [0-9]*) PARTITA_JOB_END_TIME=$(date -d "$end" +%s) ;;
    *) PARTITA_JOB_END_TIME=$(( $(date +%s) + 86400 )) ;;
  esac
  export PARTITA_JOB_END_TIME
fi

# 4 rank(s) per node, each bound to 8 core(s) of its own.
mpirun --map-by ppr:4:node:PE=8 --bind-to core "$partita" run "$job" --out "$out" --resume --threads 8 --grace 90 --progress text &
pid=$!
trap 'kill -USR1 "$pid" 2>/dev/null' USR1 TERM
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
wait "$pid"
status=$?
if [ "$status" -eq 75 ] && [ "$attempt" -lt "$max_resubmits" ]; then
  next=$(sbatch --parsable --export=ALL,PARTITA_ALLOCATION=$((attempt + 1)) "$script") &&
    echo "partita batch: not finished: resubmitted as job $next (allocation $((attempt + 2)) of at most $((max_resubmits + 1)))"
elif [ "$status" -eq 75 ]; then
  echo "partita batch: not finished after $((max_resubmits + 1)) allocations: submit $script again to go on" >&2
fi
exit "$status"
