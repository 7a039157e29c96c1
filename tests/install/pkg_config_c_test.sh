#!/usr/bin/env bash
# Builds examples/c/heat_and_sum.c with the C compiler and nothing but the
# staged partita-c.pc, as a Makefile user would, then runs it on two ranks.
#   pkg_config_c_test.sh PKG_CONFIG STAGE LIBDIR VERSION CC SOURCE WORKDIR MPIEXEC NUMPROC_FLAG [BUILD_FLAGS]
# BUILD_FLAGS: the build's own CMAKE_C_FLAGS (a sanitizer build needs them to link).
set -euo pipefail
pkg_config=$1 stage=$2 libdir=$3 version=$4 cc=$5 source=$6 work=$7 mpiexec=$8 numproc_flag=$9
build_flags=${10:-}

export PKG_CONFIG_PATH="$stage/$libdir/pkgconfig"
fail() { echo "FAIL: $*" >&2; exit 1; }

"$pkg_config" --exists --print-errors partita-c || fail "pkg-config cannot resolve partita-c (or what it Requires)"
found_version=$("$pkg_config" --modversion partita-c)
[[ $found_version == "$version" ]] || fail "partita-c.pc says version $found_version, expected $version"

cflags=$("$pkg_config" --cflags partita-c)
libs=$("$pkg_config" --libs partita-c)
echo "cflags: $cflags"
echo "libs:   $libs"
# A C compiler rejects or warns about C++ options; none may be there.
[[ " $cflags " != *" -std=c++"* ]] || fail "Cflags carry a C++ standard"
[[ " $cflags " != *" -fopenmp "* ]] || fail "Cflags require -fopenmp"
[[ $cflags == *"-I$stage/"* || $cflags == *"-I"*"/include"* ]] || fail "Cflags have no include directory"

rm -rf "$work" && mkdir -p "$work"
# -Werror: a C++ flag the C compiler ignores with a warning fails here.
# shellcheck disable=SC2086 # the flags are meant to split into words
"$cc" $build_flags $cflags -std=c99 -Wall -Wextra -Werror -c "$source" -o "$work/heat_and_sum.o"
# shellcheck disable=SC2086
"$cc" $build_flags "$work/heat_and_sum.o" $libs -lm -o "$work/heat_and_sum"
echo "built $work/heat_and_sum with $cc and partita-c.pc"

"$mpiexec" "$numproc_flag" 2 "$work/heat_and_sum" | tee "$work/output.txt"
grep -q "c-consumer: OK" "$work/output.txt" || fail "the pkg-config C build did not report OK"
