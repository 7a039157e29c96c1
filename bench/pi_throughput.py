#!/usr/bin/env python3
"""Partita against a hand-written MPI+OpenMP loop on the same Monte Carlo pi sweep.

Runs `mpirun ... partita run JOB.toml` and `mpirun ... pi_hand_loop` on the same
tasks (default 1024 tasks x 2^18 samples = 2^28 samples, one Rng(seed, id)
stream per task), interleaved in the same run, for each layout:

  2x1: mpirun -np 2 --bind-to core, 1 OpenMP thread per rank
  1x2: mpirun -np 1 --bind-to none, 2 OpenMP threads

and prints median times and throughput ratios partita / hand loop, both as
the ratio of the median times ("ratio") and as the median of the ratios of
the runs made back to back in each repetition ("paired", steadier when other
load on the machine comes and goes), for:

  whole process : wall time of the whole mpirun command, measured here around
                  it (startup, parsing, output files and MPI_Finalize included;
                  what a user waits for)
  in process    : partita's report.json wall_seconds (rank 0, from the start of
                  the job to the gathered results, before writing files) against
                  the hand loop's MPI_Wtime from before its work to after its
                  MPI_Reduce
  loop only     : slowest rank's threaded loop (report.json per_rank
                  wall_seconds against the hand loop's loop_seconds)
  CPU time      : user + system seconds of mpirun and all its ranks; on a
                  shared machine it moves less with other people's load than
                  wall time does (ranks that wait in MPI poll, so it counts
                  waiting too)

Every run checks that both give the same mean estimate, bit for bit.
--noise-floor times the hand loop against itself instead: how far the ratio
moves on this machine when nothing differs.
Builds nothing: pass the two executables. Needs only the standard library.
"""

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

LAYOUTS = {
    "2x1": {"ranks": 2, "threads": 1, "bind": "core"},
    "1x2": {"ranks": 1, "threads": 2, "bind": "none"},
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--partita", required=True, help="the partita executable")
    p.add_argument("--hand", required=True, help="the pi_hand_loop executable")
    p.add_argument("--work-dir", required=True, help="where the job file and partita's output go")
    p.add_argument("--mpirun", default="mpirun", help="the MPI launcher (default: mpirun)")
    p.add_argument("--reps", type=int, default=5, help="timed runs of each program per layout (default 5)")
    p.add_argument("--warmup", type=int, default=1, help="untimed runs of each first (default 1)")
    p.add_argument("--tasks", type=int, default=1024)
    p.add_argument("--samples", type=int, default=262144, help="samples per task (default 2^18)")
    p.add_argument("--seed", type=int, default=12345)
    p.add_argument("--layouts", default="2x1,1x2", help="comma-separated, from: " + ", ".join(LAYOUTS))
    p.add_argument("--target", type=float, default=0.97, help="ratio to meet (default 0.97)")
    p.add_argument("--noise-floor", action="store_true",
                   help="time the hand loop against itself instead of partita: shows how far noise alone moves "
                        "the ratio on this machine")
    args = p.parse_args()
    for flag, path in (("--partita", args.partita), ("--hand", args.hand)):
        if not os.access(path, os.X_OK):
            p.error(f"{flag} {path}: not an executable file (build it first)")
    if args.reps < 1 or args.warmup < 0 or args.tasks < 1 or args.samples < 1:
        p.error("--reps, --tasks and --samples must be >= 1, --warmup >= 0")
    for name in args.layouts.split(","):
        if name not in LAYOUTS:
            p.error(f"unknown layout '{name}'; choose from {', '.join(LAYOUTS)}")
    return args


def mpi_env():
    env = dict(os.environ)
    # Open MPI refuses root unless told; only this benchmark's mpirun is told.
    if os.getuid() == 0:
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    return env


def cpu_seconds_of_children():
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def run(cmd, env):
    """Runs cmd, returns (wall seconds, CPU seconds, stdout); exits with its output on failure.

    CPU seconds: user + system time of mpirun and every rank it waited for.
    """
    cpu_start = cpu_seconds_of_children()
    start = time.perf_counter()
    try:
        proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    except OSError as e:
        sys.exit(f"pi_throughput: cannot run {cmd[0]}: {e} (pass --mpirun)")
    seconds = time.perf_counter() - start
    cpu = cpu_seconds_of_children() - cpu_start
    if proc.returncode != 0:
        sys.exit(f"pi_throughput: failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")
    if proc.stderr.strip():
        print(proc.stderr.rstrip(), file=sys.stderr)
    return seconds, cpu, proc.stdout


def mpirun_prefix(args, layout):
    return [args.mpirun, "-np", str(layout["ranks"]), "--bind-to", layout["bind"]]


def layout_env(env, layout):
    # Ranks on this node inherit mpirun's environment (Open MPI and MPICH alike).
    return dict(env, OMP_NUM_THREADS=str(layout["threads"]))


def run_partita(args, layout, job, out_dir, env):
    cmd = mpirun_prefix(args, layout) + [args.partita, "run", str(job), "--out", str(out_dir),
                                         "--threads", str(layout["threads"]), "--quiet", "--restart"]
    for stale in ("report.json", "summary.csv"):
        (out_dir / stale).unlink(missing_ok=True)
    wall, cpu, _ = run(cmd, layout_env(env, layout))
    report = json.loads((out_dir / "report.json").read_text())
    if report["ranks"] != layout["ranks"] or report["threads_per_rank"] != layout["threads"]:
        sys.exit(f"pi_throughput: partita ran {report['ranks']} ranks x {report['threads_per_rank']} threads, "
                 f"not {layout['ranks']} x {layout['threads']}")
    with open(out_dir / "summary.csv") as f:
        header = f.readline().strip().split(",")
        row = f.readline().strip().split(",")
        mean = float(row[header.index("estimate_mean")])
    loop = max(r["wall_seconds"] for r in report["per_rank"])
    return {"wall": wall, "cpu": cpu, "inproc": report["wall_seconds"], "loop": loop, "mean": mean}


def run_hand(args, layout, env):
    cmd = mpirun_prefix(args, layout) + [args.hand, "--tasks", str(args.tasks), "--samples", str(args.samples),
                                         "--seed", str(args.seed)]
    wall, cpu, out = run(cmd, layout_env(env, layout))
    line = next((l for l in out.splitlines() if l.startswith("pi_hand_loop ")), None)
    if line is None:
        sys.exit(f"pi_throughput: no result line from {' '.join(cmd)}:\n{out}")
    fields = dict(kv.split("=", 1) for kv in line.split()[1:])
    if int(fields["ranks"]) != layout["ranks"] or int(fields["threads"]) != layout["threads"]:
        sys.exit(f"pi_throughput: hand loop ran {fields['ranks']} ranks x {fields['threads']} threads")
    return {"wall": wall, "cpu": cpu, "inproc": float(fields["seconds"]), "loop": float(fields["loop_seconds"]),
            "mean": float(fields["mean_estimate"])}


def main():
    args = parse_args()
    work = Path(args.work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    job = work / "pi_throughput.toml"
    job.write_text(f'name = "pi-throughput"\nkernel = "pi"\nseed = {args.seed}\nrepeat = {args.tasks}\n'
                   f'[params]\nsamples = {args.samples}\n')
    out_dir = work / "partita-out"
    env = mpi_env()
    total = args.tasks * args.samples
    cpus = len(os.sched_getaffinity(0))
    # The contender: partita, or (--noise-floor) the hand loop again, whose
    # "ratio" to itself shows how far this machine's noise alone moves it.
    if args.noise_floor:
        name_a, name_b = "hand-A", "hand-B"
        run_a = lambda layout: run_hand(args, layout, env)  # noqa: E731
    else:
        name_a, name_b = "partita", "hand"
        run_a = lambda layout: run_partita(args, layout, job, out_dir, env)  # noqa: E731
    print(f"pi throughput: {args.tasks} tasks x {args.samples} samples = {total} samples; "
          f"{args.reps} timed runs each (after {args.warmup} warm-up), interleaved; medians; {cpus} CPUs here"
          + ("\nnoise floor: the hand loop against itself; any ratio away from 1 is noise" if args.noise_floor
             else ""))

    verdicts = []
    for name in args.layouts.split(","):
        layout = LAYOUTS[name]
        for _ in range(args.warmup):
            run_a(layout)
            run_hand(args, layout, env)
        a_runs, b_runs = [], []
        for rep in range(args.reps):
            # Alternate who goes first, so a drift in machine load hits both alike.
            for who in ("a", "b") if rep % 2 == 0 else ("b", "a"):
                if who == "a":
                    a_runs.append(run_a(layout))
                else:
                    b_runs.append(run_hand(args, layout, env))
        for a, b in zip(a_runs, b_runs):
            if a["mean"] != b["mean"]:
                sys.exit(f"pi_throughput: mean estimates differ: {name_a} {a['mean']!r}, {name_b} {b['mean']!r}")

        print(f"\nlayout {name}: {layout['ranks']} rank(s) x {layout['threads']} thread(s), "
              f"--bind-to {layout['bind']}; mean estimate {a_runs[0]['mean']!r} (same in both)")
        print(f"  {'':14} {name_a + ' s':>10} {name_b + ' s':>10} {name_a + ' Msamples/s':>19} "
              f"{name_b + ' Msamples/s':>18} {'ratio':>7} {'paired':>7}")
        rows = (("wall", "whole process"), ("inproc", "in process"), ("loop", "loop only"),
                ("cpu", "CPU time"))
        for key, label in rows:
            at = statistics.median(r[key] for r in a_runs)
            bt = statistics.median(r[key] for r in b_runs)
            ratio = bt / at  # throughput ratio: same samples, so inverse time
            # Each repetition ran the two back to back, under the same load:
            # the median of their per-repetition ratios shrugs off load that
            # drifts between repetitions, which the ratio of medians does not.
            paired = statistics.median(b[key] / a[key] for a, b in zip(a_runs, b_runs))
            # CPU time is summed over all CPUs, so its "throughput" is per CPU-second.
            print(f"  {label:14} {at:10.3f} {bt:10.3f} {total / at / 1e6:19.1f} {total / bt / 1e6:18.1f} "
                  f"{ratio:7.3f} {paired:7.3f}")
            if key == "wall":
                verdicts.append((name, ratio, paired))
        for key, label in (("wall", "whole process"), ("cpu", "CPU time")):
            print(f"  runs (s), {label}: {name_a} " + " ".join(f"{r[key]:.3f}" for r in a_runs)
                  + f" | {name_b} " + " ".join(f"{r[key]:.3f}" for r in b_runs))

    print()
    for name, ratio, paired in verdicts:
        status = "meets" if ratio >= args.target else "BELOW"
        print(f"{name}: {name_a} / {name_b} throughput (whole process) = {ratio:.3f} from median times "
              f"({status} target {args.target}); {paired:.3f} as median of paired runs")


if __name__ == "__main__":
    main()
