#!/usr/bin/env bash
# Partita's batch scripts under the real Slurm of slurm_fixture.sh.
#
#   slurm_test.sh CASE PARTITA FIXTURE_DIR WORK_DIR
#
# CASE: srun | mpirun      a generated script, submitted, gives results.csv
#                          byte-identical to a run without Slurm
#       walltime           a sweep longer than its 1-minute walltime drains at
#                          the walltime signal, resubmits itself with --resume
#                          and completes over 2+ allocations, same bytes
#       deadline           a hand-written sbatch script (no partita batch), 40 s of
#                          work in a 1-minute walltime: partita
#                          asks squeue for the job's end and stops starting tasks
#                          30 s before it on its own (exit 75, journaled)
#       signal             USR1 sent to the batch shell (scancel --batch) drains
#                          the run, which resubmits and completes, same bytes
# Exit 77 (skip) with the fixture's reason when Slurm could not start here.
set -euo pipefail

case_name=$1 partita=$2 fixture=$3 work=$4/$1
export SLURM_CONF=$fixture/slurm.conf

if [ -e "$fixture/unavailable" ]; then
  echo "SKIPPED: Slurm is not available on this machine: $(cat "$fixture/unavailable")" >&2
  exit 77
fi

fail() { echo "FAILED ($case_name): $*" >&2; tail -n 30 "$work"/out/slurm-*.out >&2 2>/dev/null || true; exit 1; }

rm -rf "$work"
mkdir -p "$work"
cd "$work"

# The job: its name is unique per case, so the chain of allocations can be followed.
write_job() {  # tasks mean_us [distribution]
  printf 'name = "partita-%s"\nkernel = "synthetic"\nseed = 9\nrepeat = %s\n[params]\ndistribution = "%s"\nmean_us = %s\n[output]\ndir = "out"\n' \
    "$case_name" "$1" "${3:-exponential}" "$2" > job.toml
}

# Waits until no job of this case is pending or running (the last allocation
# of the chain has ended), at most $1 seconds.
wait_for_chain() {
  local limit=$1 start=$SECONDS
  sleep 1
  while squeue -h -n "partita-$case_name" -o %i | grep -q .; do
    [ $((SECONDS - start)) -lt "$limit" ] || fail "the job chain is still running after $limit s"
    sleep 0.5
  done
}

# The finished jobs of this run of the case: jobcomp.log keeps earlier runs' too.
done_before=$(wc -l < "$fixture/jobcomp.log" 2>/dev/null || echo 0)
finished_jobs() { tail -n "+$((done_before + 1))" "$fixture/jobcomp.log" 2>/dev/null | grep "Name=partita-$case_name " || true; }
allocations() { finished_jobs | grep -c . || true; }
last_state() { finished_jobs | tail -n 1 | sed -E 's/.* JobState=([A-Z_]+).*/\1/'; }

check_same_bytes() {
  "$partita" run job.toml --out reference --threads 2 --quiet --no-warnings || fail "the reference run failed"
  cmp out/results.csv reference/results.csv || fail "results.csv differs from the run without Slurm"
  cmp out/summary.csv reference/summary.csv || fail "summary.csv differs from the run without Slurm"
}

submit() {  # extra partita batch options...
  local line
  line=$("$partita" batch job.toml --scheduler slurm --nodes 1 --ranks-per-node 2 --threads 1 --submit "$@" | tail -n 1)
  case "$line" in "submitted: job "*) echo "${line#submitted: job }" ;; *) fail "partita batch --submit said: $line" ;; esac
}

case "$case_name" in
  srun|mpirun)
    write_job 200 2000
    submit --time 00:05:00 --launcher "$case_name" >/dev/null
    wait_for_chain 120
    [ "$(last_state)" = COMPLETED ] || fail "job state $(last_state), expected COMPLETED"
    check_same_bytes
    echo "PASSED ($case_name): one allocation, launched with $case_name, same bytes as without Slurm"
    ;;
  walltime)
    # 40 s of work on 2 cores; a 1-minute walltime with USR1 30 s before it,
    # and the automatic deadline 30 s before it too: it never fits in one.
    write_job 400 200000 constant
    submit --time 00:01:00 --signal-lead 30 >/dev/null
    wait_for_chain 400
    [ "$(last_state)" = COMPLETED ] || fail "last job state $(last_state), expected COMPLETED"
    n=$(allocations)
    [ "$n" -ge 2 ] || fail "$n allocation(s): the sweep should not fit in one"
    grep -q "resubmitted as job" out/slurm-*.out || fail "no allocation says it resubmitted"
    check_same_bytes
    echo "PASSED (walltime): completed over $n allocations, same bytes as without Slurm"
    ;;
  deadline)
    write_job 400 200000 constant
    mkdir -p out
    cat > plain.sh <<SCRIPT
#!/bin/bash
#SBATCH --job-name=partita-$case_name --ntasks=2 --cpus-per-task=1 --time=00:01:00 --output=$work/out/slurm-%j.out
srun "$partita" run "$work/job.toml" --out "$work/out" --threads 1
SCRIPT
    sbatch plain.sh >/dev/null || fail "sbatch plain.sh failed"
    wait_for_chain 150
    [ "$(allocations)" -eq 1 ] || fail "$(allocations) jobs: expected the one submitted"
    grep -q "the allocation's end is near" out/slurm-*.out || fail "partita did not stop at the job's end time"
    grep -q "Exited with exit code 75" out/slurm-*.out || fail "partita did not exit with 75"
    "$partita" status out | grep -q " remaining" || fail "no journal to resume from"
    echo "PASSED (deadline): a plain sbatch script stopped at the job's end time from squeue, resumable"
    ;;
  signal)
    write_job 400 20000
    first=$(submit --time 00:05:00)
    for _ in $(seq 300); do [ -s out/journal/rank-0.run-0.journal ] && break; sleep 0.1; done
    sleep 1
    scancel --signal=USR1 --batch "$first" || fail "scancel --signal=USR1 --batch $first failed"
    wait_for_chain 120
    grep -q "SIGUSR1: stopped with" "out/slurm-$first.out" || fail "allocation $first did not drain on SIGUSR1"
    grep -q "^  srun -n 2 .* --resume" "out/slurm-$first.out" || fail "the resume hint does not say srun -n 2"
    grep -q "resubmitted as job" "out/slurm-$first.out" || fail "allocation $first did not resubmit"
    [ "$(last_state)" = COMPLETED ] || fail "last job state $(last_state), expected COMPLETED"
    check_same_bytes
    echo "PASSED (signal): drained on USR1, resubmitted, completed in $(allocations) allocations, same bytes"
    ;;
  *) echo "unknown case $case_name" >&2; exit 2 ;;
esac
