#!/usr/bin/env bash
# PBS and Slurm scripts from `partita batch`, checked two ways:
#
#   pbs_test.sh golden PARTITA SOURCE_DIR WORK   the scripts for fixed options
#                                                match tests/pbs/golden/ line
#                                                for line (paths as @WORK@, @PARTITA@)
#   pbs_test.sh run PARTITA SOURCE_DIR WORK      a PBS script run under pbs_shim.sh
#                                                (no PBS server here): short
#                                                walltimes stop it at the deadline,
#                                                it resubmits itself through qsub,
#                                                and the sweep completes with the
#                                                bytes of a run without PBS
set -euo pipefail
what=$1 partita=$2 source=$3 work=$4/$1
fail() { echo "FAILED ($what): $*" >&2; exit 1; }
rm -rf "$work"
mkdir -p "$work"
cd "$work"

case "$what" in
  golden)
    printf 'name = "sweep"\nkernel = "pi"\nrepeat = 10\n' > job.toml
    "$partita" batch job.toml --scheduler pbs --nodes 2 --ranks-per-node 4 --threads 8 --time 12:00:00 \
      --partition workq --account proj42 --output-dir out --max-resubmits 3 >/dev/null
    "$partita" batch job.toml --scheduler slurm --nodes 2 --ranks-per-node 4 --threads 8 --time 1-00:00:00 \
      --partition compute --account proj42 --output-dir out --launcher mpirun >/dev/null
    for script in sweep.pbs.sh sweep.slurm.sh; do
      sed -e "s|$partita|@PARTITA@|g" -e "s|$work|@WORK@|g" "out/$script" > "$script"
      diff -u "$source/golden/$script" "$script" || fail "$script differs from golden/$script (above)"
    done
    echo "PASSED (golden): the PBS and Slurm scripts match golden/"
    ;;
  run)
    # About 4 s of work on 2 ranks; each allocation has 3 s before its deadline.
    printf 'name = "sweep"\nkernel = "synthetic"\nseed = 4\nrepeat = 160\n[params]\ndistribution = "constant"\nmean_us = 50000\n[output]\ndir = "out"\n' > job.toml
    "$partita" batch job.toml --scheduler pbs --nodes 1 --ranks-per-node 2 --threads 1 --time 00:00:33 >/dev/null
    bash "$source/pbs_shim.sh" out/sweep.pbs.sh state || true
    # The chain ends when the newest job has written its status.
    for _ in $(seq 1200); do
      last=$(($(cat state/next-id) - 1))
      [ -e "state/job-$last.status" ] && break
      sleep 0.1
    done
    last=$(($(cat state/next-id) - 1))
    [ "$(cat "state/job-$last.status" 2>/dev/null)" = 0 ] || { cat state/job-*.out >&2; fail "job $last did not end with 0"; }
    [ "$last" -ge 2 ] || fail "one job only: the deadline should have stopped the first"
    grep -q "qsub -v PARTITA_ALLOCATION=1 " state/qsub.log || fail "no resubmission with PARTITA_ALLOCATION=1"
    grep -q "the allocation's end is near" state/job-1.out || fail "job 1 did not stop at the deadline"
    "$partita" run job.toml --out reference --threads 2 --quiet --no-warnings
    cmp out/results.csv reference/results.csv || fail "results.csv differs from the run without PBS"
    echo "PASSED (run): $last PBS jobs under the shim, same bytes as without PBS"
    ;;
  *) echo "unknown case $what" >&2; exit 2 ;;
esac
