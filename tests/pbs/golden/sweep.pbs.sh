#!/bin/bash
# Written by partita batch 0.1.0 for @WORK@/job.toml.
# Submit with: qsub @WORK@/out/sweep.pbs.sh
#PBS -N sweep
#PBS -l select=2:ncpus=32:mpiprocs=4:ompthreads=8
#PBS -l walltime=12:00:00
#PBS -j oe
#PBS -o @WORK@/out/pbs.out
#PBS -q workq
#PBS -A proj42

# Absolute paths: the scheduler may run a copy of this script elsewhere.
partita='@PARTITA@'
job='@WORK@/job.toml'
out='@WORK@/out'
script='@WORK@/out/sweep.pbs.sh'
max_resubmits=3
attempt=${PARTITA_ALLOCATION:-0}

export OMP_NUM_THREADS=8 OMP_PLACES=cores OMP_PROC_BIND=close

# PBS sends no signal before the walltime: the deadline (this script's start
# plus the walltime) makes partita stop starting tasks in time instead.
export PARTITA_JOB_END_TIME=$(( $(date +%s) + 43200 ))

# 4 rank(s) per node from $PBS_NODEFILE, each bound to 8 core(s) of its own.
mpirun --hostfile "$PBS_NODEFILE" -np 8 --map-by ppr:4:node:PE=8 --bind-to core "$partita" run "$job" --out "$out" --resume --threads 8 --grace 5 --progress text &
pid=$!
trap 'kill -USR1 "$pid" 2>/dev/null' USR1 TERM
while kill -0 "$pid" 2>/dev/null; do wait "$pid"; done
wait "$pid"
status=$?
if [ "$status" -eq 75 ] && [ "$attempt" -lt "$max_resubmits" ]; then
  next=$(qsub -v PARTITA_ALLOCATION=$((attempt + 1)) "$script") &&
    echo "partita batch: not finished: resubmitted as job $next (allocation $((attempt + 2)) of at most $((max_resubmits + 1)))"
elif [ "$status" -eq 75 ]; then
  echo "partita batch: not finished after $((max_resubmits + 1)) allocations: submit $script again to go on" >&2
fi
exit "$status"
