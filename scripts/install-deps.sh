#!/usr/bin/env bash
# Installs what Partita needs to build and test, from Debian's packages only.
# Idempotent: installs only what is missing, and does nothing when all is
# there. As root it runs apt-get; otherwise it uses sudo when sudo works
# without a password prompt, else prints the exact command and stops.
#
#   scripts/install-deps.sh [PRESET]   # tsan also needs clang and LLVM's OpenMP (Archer);
#                                      # fuzz (fuzz/run.sh) also clang's libFuzzer
set -euo pipefail
preset=${1:-release}

packages=(
  g++ make cmake pkg-config       # compiler and build (CMake >= 3.25: Debian 12 has 3.25.1)
  openmpi-bin libopenmpi-dev      # MPI: mpirun, mpicxx, headers
  libeigen3-dev                   # dense linear algebra for kernels
  libopenblas-dev                 # BLAS backend of the dense kernel, and its benchmark's baseline
  gfortran                        # examples/fortran: the C API from Fortran (ISO_C_BINDING)
  librandom123-dev                # Philox counter-based random numbers
  libtoml11-dev libcli11-dev libfmt-dev   # the partita command: job files, CLI, formatting
  libgtest-dev procps             # tests (procps: pgrep, to kill one rank)
  python3                         # make bench (bench/pi_throughput.py), the Spack recipe check
  tcl                             # tclsh: loads the installed modulefile in a test
)
if [ "$preset" = tsan ] || [ "$preset" = fuzz ]; then
  # GCC's libgomp is invisible to ThreadSanitizer; clang's libomp with the
  # Archer tool tells it about OpenMP's barriers (CMakePresets.json, tsan).
  packages+=(clang-14 libomp-14-dev)
fi
[ "$preset" = fuzz ] && packages+=(libclang-rt-14-dev)  # libFuzzer and the sanitizer runtimes

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done
[ ${#missing[@]} -eq 0 ] && exit 0

apt_line="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$(id -u)" -eq 0 ]; then
  echo "install-deps: installing ${missing[*]}"
  sh -c "$apt_line"
elif command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
  echo "install-deps: installing with sudo: ${missing[*]}"
  sudo sh -c "$apt_line"
else
  cat >&2 <<MSG
install-deps: these Debian packages are missing and this user cannot install them:
  ${missing[*]}
Ask an administrator to run:
  sudo sh -c '$apt_line'
or, on a cluster without root, load MPI and Eigen as modules and configure with the
CMake presets directly (README.md, "Building on a cluster without root").
MSG
  exit 1
fi
