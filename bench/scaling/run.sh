#!/usr/bin/env bash
# Strong scaling of `partita run` for 1, 2, 4, 8, 16 workers, each worker
# count as every ranks x threads split (16: 16x1 8x2 4x4 2x8 1x16), on the
# Monte Carlo pi sweep and on the Pareto synthetic workload. Prints
# efficiency = T1 / (p x Tp) against the 1 rank x 1 thread run of the same
# session. Written for the 16-core machine (/work/shared/scaling/README.md):
# Open MPI carried there, no network; try it first here at 1 and 2 workers.
#
#   bash bench/scaling/run.sh [BUILD_DIR [MAX_WORKERS]]     (from the repo root)
#
# BUILD_DIR holds launch/partita (default build/release); MAX_WORKERS caps
# the worker counts (default: the CPUs this process may use). Settings, as
# environment variables (defaults sized for about 3 minutes at 16 workers):
#   REPS=3                runs per layout (medians)
#   SCHEDULES=auto        space-separated, e.g. "auto static"
#   WORKLOADS="pi pareto"
#   PI_TASKS=1024 PI_SAMPLES=524288             (2^29 samples)
#   PARETO_TASKS=8000 PARETO_MEAN_US=500 PARETO_ALPHA=1.5
#   WORK_DIR=/tmp/partita-scaling               (job files, outputs, logs)
#   CSV=WORK_DIR/scaling.csv                    (every run, one row each)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build/release}
max_workers=${2:-$(nproc)}
partita="$build/launch/partita"
if [ ! -x "$partita" ]; then
  echo "run.sh: $partita: not an executable (give the build folder: bash bench/scaling/run.sh BUILD_DIR [MAX_WORKERS])" >&2
  exit 2
fi
case "$max_workers" in
  '' | *[!0-9]*) echo "run.sh: MAX_WORKERS '$max_workers' must be a positive integer" >&2; exit 2 ;;
esac
command -v mpirun >/dev/null || { echo "run.sh: no mpirun on PATH (source ompi-env.sh first)" >&2; exit 2; }
command -v python3 >/dev/null || { echo "run.sh: needs python3" >&2; exit 2; }

# Open MPI refuses root unless told; only this script's mpiruns are told.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
# Threads of a rank stay on the cores mpirun gave it, one per core.
export OMP_PROC_BIND=close OMP_PLACES=cores

work=${WORK_DIR:-/tmp/partita-scaling}
exec python3 "$here/strong_scaling.py" \
  --partita "$partita" --max-workers "$max_workers" --work-dir "$work" \
  --reps "${REPS:-3}" --schedules "${SCHEDULES:-auto}" --workloads "${WORKLOADS:-pi pareto}" \
  --pi-tasks "${PI_TASKS:-1024}" --pi-samples "${PI_SAMPLES:-524288}" \
  --pareto-tasks "${PARETO_TASKS:-8000}" --pareto-mean-us "${PARETO_MEAN_US:-500}" \
  --pareto-alpha "${PARETO_ALPHA:-1.5}" --csv "${CSV:-$work/scaling.csv}"
