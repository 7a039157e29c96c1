#!/usr/bin/env bash
# Fuzzes the job-spec reader (TOML text -> JobSpec -> task space) with
# libFuzzer under AddressSanitizer and UndefinedBehaviorSanitizer, for a
# bounded time, and exits non-zero on any finding: a crash, an escaped
# exception, a sanitizer report, a leak, a hang (-timeout) or too much
# memory (-rss_limit_mb). The reproducer is left in build/fuzz/findings/.
#
#   fuzz/run.sh [SECONDS]     # default 60
#
# Needs the Debian packages clang-14, libclang-rt-14-dev (libFuzzer and the
# sanitizer runtimes) and libomp-14-dev (OpenMP for clang):
# scripts/install-deps.sh fuzz installs them. The seeds in
# fuzz/corpus stay as committed: the fuzzer grows a copy, build/fuzz/corpus,
# which later runs start from. To rerun one input:
#   build/fuzz/fuzz/job_spec_fuzzer build/fuzz/findings/crash-...
set -euo pipefail
seconds=${1:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
build=$root/build/fuzz
cxx=${PARTITA_FUZZ_CXX:-clang++-14}
sanitize="-fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer"

command -v "$cxx" >/dev/null || { echo "fuzz/run.sh: $cxx not found (apt-get install clang-14 libclang-rt-14-dev libomp-14-dev)" >&2; exit 2; }
cmake -S "$root" -B "$build" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DCMAKE_CXX_COMPILER="$cxx" \
  -DCMAKE_CXX_FLAGS="$sanitize" -DCMAKE_EXE_LINKER_FLAGS="-fsanitize=address,undefined" \
  -DPARTITA_BUILD_FUZZ=ON -DPARTITA_BUILD_TESTS=OFF -DPARTITA_BUILD_EXAMPLES=OFF -DPARTITA_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" --target job_spec_fuzzer -j "$(nproc)"

corpus=$build/corpus
findings=$build/findings
rm -rf "$findings"
mkdir -p "$corpus" "$findings"
cp "$root"/fuzz/corpus/* "$corpus"/

status=0
ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:detect_stack_use_after_return=1} \
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1} \
  "$build/fuzz/job_spec_fuzzer" -max_total_time="$seconds" -timeout=5 -rss_limit_mb=2048 -max_len=4096 \
  -dict="$root/fuzz/toml.dict" -artifact_prefix="$findings/" -print_final_stats=1 "$corpus" || status=$?

if [ "$status" -ne 0 ] || [ -n "$(ls -A "$findings")" ]; then
  echo "fuzz/run.sh: FINDING (libFuzzer exit $status); reproducer(s):" >&2
  ls -l "$findings" >&2
  exit 1
fi
echo "fuzz/run.sh: no findings in ${seconds} s"
