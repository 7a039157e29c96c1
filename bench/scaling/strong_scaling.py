#!/usr/bin/env python3
"""Strong scaling of `partita run`, called by run.sh (which sets the environment).

For each workload and schedule: the same job at p = 1, 2, 4, ... workers
(p <= --max-workers), each p as every split into R ranks x T threads with
R x T = p (powers of two), placed with

  T = 1:  mpirun -np R --bind-to core --map-by core
  T > 1:  mpirun -np R --bind-to core --map-by slot:PE=T   (T cores per rank)

and OMP_NUM_THREADS=T, --threads T (OMP_PROC_BIND/OMP_PLACES come from
run.sh). Times, medians of --reps runs:

  in process  report.json wall_seconds: rank 0, job start to gathered results
  loop        the slowest rank's loop (report.json per_rank wall_seconds)
  whole       the whole mpirun command, startup and output files included

efficiency = T1 / (p x Tp), T1 the 1 x 1 run of this session (same workload,
schedule and time). Every run's results.csv must equal the 1 x 1 run's, byte
for byte. Standard library only.
"""

import argparse
import csv
import hashlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--partita", required=True)
    p.add_argument("--mpirun", default="mpirun")
    p.add_argument("--max-workers", type=int, required=True)
    p.add_argument("--work-dir", required=True)
    p.add_argument("--csv", required=True)
    p.add_argument("--reps", type=int, default=3)
    p.add_argument("--schedules", default="auto", help="space- or comma-separated")
    p.add_argument("--workloads", default="pi pareto", help="space- or comma-separated: pi, pareto")
    p.add_argument("--pi-tasks", type=int, default=1024)
    p.add_argument("--pi-samples", type=int, default=524288)
    p.add_argument("--pareto-tasks", type=int, default=8000)
    p.add_argument("--pareto-mean-us", type=float, default=500.0)
    p.add_argument("--pareto-alpha", type=float, default=1.5)
    p.add_argument("--seed", type=int, default=2026)
    args = p.parse_args()
    if args.max_workers < 1 or args.reps < 1:
        p.error("--max-workers and --reps must be >= 1")
    args.schedules = args.schedules.replace(",", " ").split()
    args.workloads = args.workloads.replace(",", " ").split()
    for w in args.workloads:
        if w not in ("pi", "pareto"):
            p.error(f"unknown workload '{w}'; choose from pi, pareto")
    return args


def write_job(args, work, workload):
    path = work / f"{workload}.toml"
    if workload == "pi":
        path.write_text(f'name = "scaling-pi"\nkernel = "pi"\nseed = {args.seed}\nrepeat = {args.pi_tasks}\n'
                        f'[params]\nsamples = {args.pi_samples}\n')
        what = f"Monte Carlo pi, {args.pi_tasks} tasks x {args.pi_samples} samples"
    else:
        path.write_text(f'name = "scaling-pareto"\nkernel = "synthetic"\nseed = {args.seed}\n'
                        f'repeat = {args.pareto_tasks}\n[params]\ndistribution = "pareto"\n'
                        f'mean_us = {args.pareto_mean_us!r}\nalpha = {args.pareto_alpha!r}\n')
        what = (f"synthetic Pareto, {args.pareto_tasks} tasks, mean {args.pareto_mean_us:g} us, "
                f"alpha {args.pareto_alpha:g}")
    return path, what


def layouts(max_workers):
    """(p, ranks, threads) for p = 1, 2, 4, ... <= max_workers; ranks first, as ranks x threads."""
    out = []
    p = 1
    while p <= max_workers:
        r = p
        while r >= 1:
            out.append((p, r, p // r))
            r //= 2
        p *= 2
    return out


def run_once(args, job, schedule, ranks, threads, out_dir, log, check=True):
    if threads == 1:
        placement = ["--bind-to", "core", "--map-by", "core"]
    else:
        placement = ["--bind-to", "core", "--map-by", f"slot:PE={threads}"]
    cmd = [args.mpirun, "-np", str(ranks)] + placement + [
        args.partita, "run", str(job), "--out", str(out_dir), "--threads", str(threads), "--schedule", schedule,
        "--quiet"]
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    # A fresh directory each run: partita refuses to start over an earlier
    # run's journal without --resume or --restart.
    shutil.rmtree(out_dir, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    whole = time.perf_counter() - start
    log.write(f"$ OMP_NUM_THREADS={threads} {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")
    if proc.returncode != 0:
        sys.exit(f"strong_scaling: failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")
    report = json.loads((out_dir / "report.json").read_text())
    if check and (report["ranks"] != ranks or report["threads_per_rank"] != threads):
        sys.exit(f"strong_scaling: asked for {ranks} x {threads}, partita ran {report['ranks']} ranks x "
                 f"{report['threads_per_rank']} threads (too few cores for the placement? see {log.name})")
    return {"whole": whole, "inproc": report["wall_seconds"], "threads": report["threads_per_rank"],
            "loop": max(r["wall_seconds"] for r in report["per_rank"]),
            "efficiency": report["parallel_efficiency"], "imbalance": report["imbalance"],
            "digest": hashlib.sha256((out_dir / "results.csv").read_bytes()).hexdigest()}


def probe_omp_binding(args, work, plan):
    """Drops OMP_PROC_BIND/OMP_PLACES if partita then runs fewer threads than asked.

    With either set, libgomp pins the main thread to the first place when the
    program starts, and a partita that counts its CPUs with
    sched_getaffinity() on that thread sees one CPU and runs one thread per
    rank. Threads left unbound still stay inside the cores mpirun gave the
    rank (--map-by slot:PE=T), so the run stays meaningful; say so loudly.
    """
    threads = max((t for _, _, t in plan), default=1)
    if threads < 2 or not (os.environ.get("OMP_PROC_BIND") or os.environ.get("OMP_PLACES")):
        return
    job = work / "probe.toml"
    job.write_text('name = "probe"\nkernel = "pi"\nrepeat = 4\n[params]\nsamples = 1000\n')
    out_dir = work / "out-probe"
    with open(work / "probe.log", "w") as log:
        report_threads = run_once(args, job, "auto", 1, 2, out_dir, log, check=False)["threads"]
    if report_threads < 2:
        print(f"WARNING: with OMP_PROC_BIND={os.environ.get('OMP_PROC_BIND', '')} "
              f"OMP_PLACES={os.environ.get('OMP_PLACES', '')} partita ran 1 rank x {report_threads} thread(s) "
              f"when asked for 1 x 2 (it counts the CPUs of the main thread, which libgomp pinned to one place); "
              f"running unset, so threads stay within each rank's cores but are not pinned one per core")
        os.environ.pop("OMP_PROC_BIND", None)
        os.environ.pop("OMP_PLACES", None)


def main():
    args = parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    work = Path(args.work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    cpus = len(os.sched_getaffinity(0))
    plan = layouts(args.max_workers)
    print(f"strong scaling: {os.uname().nodename}, {cpus} CPUs; workers 1..{plan[-1][0]}; {args.reps} runs per "
          f"layout, medians")
    if plan[-1][0] > cpus:
        print(f"warning: {plan[-1][0]} workers on {cpus} CPUs: the largest layouts are oversubscribed")
    probe_omp_binding(args, work, plan)
    print(f"OMP_PROC_BIND={os.environ.get('OMP_PROC_BIND', '(unset)')} "
          f"OMP_PLACES={os.environ.get('OMP_PLACES', '(unset)')}")
    rows = []
    with open(work / "mpirun.log", "w") as log, open(args.csv, "w", newline="") as csv_file:
        out = csv.writer(csv_file)
        out.writerow(["workload", "schedule", "workers", "ranks", "threads", "rep", "whole_s", "in_process_s",
                      "loop_s", "report_parallel_efficiency", "report_imbalance"])
        for workload in args.workloads:
            job, what = write_job(args, work, workload)
            for schedule in args.schedules:
                print(f"\n{what}; schedule {schedule}")
                # Every repetition runs every layout once, so load that comes
                # and goes on the machine spreads over all layouts alike.
                runs = {layout: [] for layout in plan}
                for rep in range(args.reps):
                    progress = []
                    for p, ranks, threads in plan:
                        out_dir = work / f"out-{workload}-{schedule.replace(':', '_')}-{ranks}x{threads}"
                        r = run_once(args, job, schedule, ranks, threads, out_dir, log)
                        runs[(p, ranks, threads)].append(r)
                        out.writerow([workload, schedule, p, ranks, threads, rep, f"{r['whole']:.6f}",
                                      f"{r['inproc']:.6f}", f"{r['loop']:.6f}", r["efficiency"], r["imbalance"]])
                        csv_file.flush()
                        progress.append(f"{ranks}x{threads} {r['inproc']:.3f}")
                    print(f"  run {rep + 1}/{args.reps}, in-process s: " + ", ".join(progress))
                print(f"  {'layout':>7} {'p':>3} {'whole s':>8} {'in-proc s':>9} {'loop s':>8} "
                      f"{'eff whole':>9} {'eff in-proc':>11} {'eff loop':>8} {'busy/cap':>8} results.csv")
                base = None
                reference = None
                for (p, ranks, threads), mine in runs.items():
                    med = {k: statistics.median(r[k] for r in mine) for k in ("whole", "inproc", "loop", "efficiency")}
                    if base is None:
                        base = med
                        reference = mine[0]["digest"]
                    same = all(r["digest"] == reference for r in mine)
                    eff = {k: base[k] / (p * med[k]) for k in ("whole", "inproc", "loop")}
                    rows.append((workload, schedule, p, ranks, threads, med, eff))
                    print(f"  {f'{ranks}x{threads}':>7} {p:3d} {med['whole']:8.3f} {med['inproc']:9.3f} "
                          f"{med['loop']:8.3f} {eff['whole']:9.3f} {eff['inproc']:11.3f} {eff['loop']:8.3f} "
                          f"{med['efficiency']:8.3f} {'same' if same else 'DIFFERS'}")
    print(f"\nefficiency = T1 / (p x Tp) against the 1x1 run; 'busy/cap' = report.json parallel_efficiency "
          f"(busy seconds / (wall x workers)). Every run: {args.csv}; mpirun output: {work / 'mpirun.log'}")
    best = {}
    for workload, schedule, p, ranks, threads, _, eff in rows:
        key = (workload, schedule, p)
        if key not in best or eff["inproc"] > best[key][1]:
            best[key] = (f"{ranks}x{threads}", eff["inproc"])
    print("best layout per worker count (in-process efficiency):")
    for (workload, schedule, p), (layout, e) in best.items():
        print(f"  {workload:7} {schedule:8} p={p:<3d} {layout:>6} {e:.3f}")


if __name__ == "__main__":
    main()
