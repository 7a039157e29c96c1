#!/usr/bin/env bash
# bench-stencil: the stencil on one rank at 1 and 2 threads against the
# triad bound, then on 4 ranks x 1 thread for the share of the halo exchange
# the interior update hides. Extra arguments go to stencil_bench.
#   stencil_bench.sh EXE MPIRUN [stencil_bench options]
set -euo pipefail
exe=$1 mpirun=$2
shift 2
# Open MPI refuses root and more ranks than cores unless told; say so here,
# for this mpirun only.
if [[ $(id -u) == 0 ]]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_rmaps_base_oversubscribe=1
# One rank, unbound, so that its threads get cores of their own.
"$mpirun" -np 1 --bind-to none "$exe" --threads 1,2 "$@"
echo
"$mpirun" -np 4 --bind-to none "$exe" --threads 1 "$@"
