#!/usr/bin/env bash
# Chaos test: a 2,000-task sweep (about 8 s of CPU) on 3 ranks is killed with SIGKILL (the whole
# job: mpirun and every rank) at 5 pseudo-random moments, resumed each time
# with another rank count, then finished; results.csv and summary.csv must
# equal an uninterrupted run's bytes, with no task journaled twice.
#   chaos.sh PARTITA MPIEXEC WORK_DIR [SEED]
set -euo pipefail
partita=$1 mpiexec=$2 work=$3 seed=${4:-2026}
RANDOM=$seed  # fixed kill times, so CI is repeatable
rm -rf "$work" && mkdir -p "$work"
cat > "$work/job.toml" <<'TOML'
name = "chaos"
kernel = "synthetic"
seed = 7
repeat = 400
[sweep]
distribution = ["constant", "uniform", "exponential", "pareto", "constant"]
[params]
mean_us = 4000
TOML

# SIGKILL every process of the job's session: mpirun and each rank (Open
# MPI gives ranks their own process groups, so a group kill would miss them,
# and survivors would go on writing the journal beside the next run).
kill_session() {
  local sid=$1 stat pid fields
  for stat in /proc/[0-9]*/stat; do
    pid=${stat#/proc/}; pid=${pid%/stat}
    read -r -a fields < "$stat" 2>/dev/null || continue
    # field 6 is the session id; the name (field 2) has no spaces here
    [ "${fields[5]:-}" = "$sid" ] && kill -KILL "$pid" 2>/dev/null
  done
  return 0
}

start() {  # start RANKS ARGS...: the job in the background, in its own process group; $! is its pid
  local ranks=$1; shift
  setsid "$mpiexec" -n "$ranks" "$partita" run "$work/job.toml" --quiet --threads 1 --journal-flush-records 64 \
    --journal-flush-seconds 0.05 "$@" >> "$work/runs.log" 2>&1 &
}

echo "chaos: reference run (2 ranks)"
"$mpiexec" -n 2 "$partita" run "$work/job.toml" --out "$work/reference" --quiet --threads 1

ranks_cycle=(3 1 2 4 2)
for kill in 0 1 2 3 4; do
  ranks=${ranks_cycle[$kill]}
  flag=--resume
  [ "$kill" -eq 0 ] && flag=--restart
  delay_ms=$(( 600 + RANDOM % 1800 ))
  start "$ranks" --out "$work/out" $flag
  pid=$!
  sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
  kill_session "$pid"
  wait "$pid" 2>/dev/null || true
  echo "chaos: kill $((kill + 1)) after ${delay_ms} ms on $ranks ranks: $("$partita" status "$work/out" 2>&1 || true)"
done

echo "chaos: final resume (3 ranks)"
"$mpiexec" -n 3 "$partita" run "$work/job.toml" --out "$work/out" --quiet --threads 1 --resume
status=$("$partita" status "$work/out")
echo "chaos: $status"
case "$status" in
  *" 0 remaining, 0 duplicated "*) ;;
  *) echo "chaos: FAIL: tasks remaining or journaled twice" >&2; exit 1 ;;
esac
cmp "$work/reference/results.csv" "$work/out/results.csv"
cmp "$work/reference/summary.csv" "$work/out/summary.csv"
echo "chaos: OK: 5 kills, identical results.csv and summary.csv, nothing lost or duplicated"
