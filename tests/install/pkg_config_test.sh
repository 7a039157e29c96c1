#!/usr/bin/env bash
# Builds examples/link-your-code/main.cpp with nothing but the staged
# partita.pc, as a Makefile user would, then runs it on one rank.
#   pkg_config_test.sh PKG_CONFIG STAGE LIBDIR VERSION CXX SOURCE WORKDIR MPIEXEC NUMPROC_FLAG [BUILD_FLAGS]
# BUILD_FLAGS: the build's own CMAKE_CXX_FLAGS (a sanitizer build needs them to link).
set -euo pipefail
pkg_config=$1 stage=$2 libdir=$3 version=$4 cxx=$5 source=$6 work=$7 mpiexec=$8 numproc_flag=$9
build_flags=${10:-}

export PKG_CONFIG_PATH="$stage/$libdir/pkgconfig"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$pkg_config" --exists --print-errors partita || fail "pkg-config cannot resolve partita (or what it Requires)"
found_version=$("$pkg_config" --modversion partita)
[[ $found_version == "$version" ]] || fail "partita.pc says version $found_version, expected $version"

# A tree installed with `cmake --install --prefix DIR` must describe DIR,
# not the prefix chosen at configure time.
includedir=$("$pkg_config" --variable=includedir partita)
[[ -f $includedir/partita/version.hpp ]] ||
  fail "partita.pc points at includedir '$includedir', which is not the staged tree $stage"

cflags=$("$pkg_config" --cflags partita)
libs=$("$pkg_config" --libs partita)
echo "cflags: $cflags"
echo "libs:   $libs"
# Public headers must compile without OpenMP; -Werror=unknown-pragmas turns
# an '#pragma omp' that slipped into a header into an error.
[[ " $cflags " != *" -fopenmp "* ]] || fail "Cflags require -fopenmp"

rm -rf "$work" && mkdir -p "$work"
# shellcheck disable=SC2086 # the flags are meant to split into words
"$cxx" $build_flags $cflags -Wall -Wextra -Werror=unknown-pragmas -c "$source" -o "$work/main.o"
# shellcheck disable=SC2086
"$cxx" $build_flags "$work/main.o" $libs -o "$work/link_your_code"
echo "built $work/link_your_code with pkg-config flags"

"$mpiexec" "$numproc_flag" 1 "$work/link_your_code" | tee "$work/output.txt"
grep -q "link-your-code: OK" "$work/output.txt" || fail "the pkg-config build did not report OK"
