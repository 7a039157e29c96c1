#!/usr/bin/env bash
# `make run`: the bundled pi sweep on 2 MPI ranks, each with half the
# machine's cores as OpenMP threads, bound so threads really get those
# cores. The default schedule (auto) balances the sweep's uneven points.
set -euo pipefail
partita=${1:?usage: run-example.sh PARTITA_BINARY}
cd "$(dirname "$0")/.."

cores=$(nproc)
threads=$(( cores / 2 > 0 ? cores / 2 : 1 ))
if [ "$cores" -ge 2 ]; then
  placement=(--map-by "slot:PE=$threads" --bind-to core)
else
  placement=(--oversubscribe --bind-to none)  # 2 ranks on 1 core
fi
# Open MPI refuses root unless told; set only for this command, only as root.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi

set -x
mpirun -np 2 "${placement[@]}" -x OMP_NUM_THREADS="$threads" \
  "$partita" run examples/pi/pi.toml --out pi.out --restart
