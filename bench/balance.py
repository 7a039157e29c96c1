#!/usr/bin/env python3
"""Load balance of `partita run` per schedule: makespan against the ideal split.

Two irregular workloads, each run under every schedule (static, cyclic,
dynamic, guided, auto) at 2 ranks x 1 thread and 1 rank x 2 threads:

  pareto      kernel synthetic, 2000 tasks whose costs are Pareto distributed
              (mean_us 500, alpha 1.5: a heavy tail, a few tasks cost 20-50x
              the mean), burnt as CPU work
  mandelbrot  kernel mandelbrot, one task per image row, 1024 x 512 pixels,
              max_iter 2000, over a region that holds the whole set; rows
              through the set cost up to ~2000x the rows that escape at once.
              The region is not symmetric about the real axis: with a
              symmetric one, a block split in two hands each worker mirror
              images and hides static's imbalance.

The baseline, from the same run: ideal = (sum of busy seconds over all
workers) / workers, the makespan of a perfect split of the work actually
done. Makespan ("loop") = the slowest rank's loop wall_seconds from
report.json (per_rank); "wall" = report.json wall_seconds (rank 0, job start
to gathered results, so it adds parsing and gathering). The printed ratio is
loop / ideal; target: auto within 1.05, shown beside static's. "bound" is
max(ideal, longest single task): no schedule can beat it (the longest task's
time is estimated as busy x its share of the cost column: cost_us or
iterations).

Every run must write a results.csv byte-identical to every other run's, for
all schedules and layouts: printed as OK or DIFFER.

Each (workload, layout) runs every schedule --reps times (default 3), the
order rotating between repetitions, after one untimed warm-up run; medians.
Builds nothing: pass the partita executable. Standard library only.
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
from pathlib import Path

LAYOUTS = {
    "2x1": {"ranks": 2, "threads": 1, "bind": "core"},
    "1x2": {"ranks": 1, "threads": 2, "bind": "none"},
}
SEEN_STDERR = set()
SCHEDULES = ["static", "cyclic", "dynamic", "guided", "auto"]


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--partita", required=True, help="the partita executable")
    p.add_argument("--work-dir", required=True, help="where the job files and outputs go")
    p.add_argument("--mpirun", default="mpirun")
    p.add_argument("--reps", type=int, default=3, help="runs per schedule (medians; default 3)")
    p.add_argument("--layouts", default="2x1,1x2", help="comma-separated, from: " + ", ".join(LAYOUTS))
    p.add_argument("--schedules", default=",".join(SCHEDULES))
    p.add_argument("--workloads", default="pareto,mandelbrot")
    p.add_argument("--target", type=float, default=1.05, help="auto's target makespan / ideal (default 1.05)")
    p.add_argument("--pareto-tasks", type=int, default=2000)
    p.add_argument("--pareto-mean-us", type=float, default=500.0)
    p.add_argument("--pareto-alpha", type=float, default=1.5)
    p.add_argument("--seed", type=int, default=2026)
    p.add_argument("--mandel-width", type=int, default=1024)
    p.add_argument("--mandel-height", type=int, default=512)
    p.add_argument("--mandel-max-iter", type=int, default=2000)
    p.add_argument("--mandel-region", default="-2.0,1.0,-1.25,1.75", help="x_min,x_max,y_min,y_max")
    args = p.parse_args()
    if not os.access(args.partita, os.X_OK):
        p.error(f"--partita {args.partita}: not an executable file (build it first)")
    for name in args.layouts.split(","):
        if name not in LAYOUTS:
            p.error(f"unknown layout '{name}'; choose from {', '.join(LAYOUTS)}")
    for name in args.workloads.split(","):
        if name not in ("pareto", "mandelbrot"):
            p.error(f"unknown workload '{name}'; choose from pareto, mandelbrot")
    if args.reps < 1:
        p.error("--reps must be >= 1")
    return args


def write_jobs(args, work):
    jobs = {}
    jobs["pareto"] = (work / "pareto.toml", "cost_us")
    jobs["pareto"][0].write_text(
        f'name = "balance-pareto"\nkernel = "synthetic"\nseed = {args.seed}\nrepeat = {args.pareto_tasks}\n'
        f'[params]\ndistribution = "pareto"\nmean_us = {args.pareto_mean_us!r}\nalpha = {args.pareto_alpha!r}\n')
    x_min, x_max, y_min, y_max = (float(v) for v in args.mandel_region.split(","))
    rows = ", ".join(str(r) for r in range(args.mandel_height))
    jobs["mandelbrot"] = (work / "mandelbrot.toml", "iterations")
    jobs["mandelbrot"][0].write_text(
        f'name = "balance-mandelbrot"\nkernel = "mandelbrot"\nseed = {args.seed}\n'
        f'[params]\nwidth = {args.mandel_width}\nheight = {args.mandel_height}\n'
        f'max_iter = {args.mandel_max_iter}\nx_min = {x_min!r}\nx_max = {x_max!r}\n'
        f'y_min = {y_min!r}\ny_max = {y_max!r}\n'
        f'[sweep]\nrow = [{rows}]\n')
    return jobs


def mpi_env(threads):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    if os.getuid() == 0:  # Open MPI refuses root unless told; only our mpirun is told
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    return env


def run_partita(args, layout, job, schedule, out_dir):
    cmd = [args.mpirun, "-np", str(layout["ranks"]), "--bind-to", layout["bind"], args.partita, "run", str(job),
           "--out", str(out_dir), "--threads", str(layout["threads"]), "--schedule", schedule, "--quiet"]
    # A fresh directory each run: partita refuses to start over an earlier
    # run's journal without --resume or --restart.
    shutil.rmtree(out_dir, ignore_errors=True)
    proc = subprocess.run(cmd, env=mpi_env(layout["threads"]), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    if proc.returncode != 0:
        sys.exit(f"balance: failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")
    if proc.stderr.strip() and proc.stderr not in SEEN_STDERR:  # placement warnings: once each
        SEEN_STDERR.add(proc.stderr)
        print(proc.stderr.rstrip(), file=sys.stderr)
    report = json.loads((out_dir / "report.json").read_text())
    if report["ranks"] != layout["ranks"] or report["threads_per_rank"] != layout["threads"]:
        sys.exit(f"balance: partita ran {report['ranks']} ranks x {report['threads_per_rank']} threads, "
                 f"not {layout['ranks']} x {layout['threads']}")
    if report["schedule"] not in (schedule, schedule + ":1"):  # "dynamic" reads back as "dynamic:1"
        sys.exit(f"balance: asked for schedule {schedule}, report.json says {report['schedule']}")
    busy = [t["busy_seconds"] for r in report["per_rank"] for t in r["per_thread"]]
    idle = [t["idle_seconds"] for r in report["per_rank"] for t in r["per_thread"]]
    chunks = sum(r["chunks"] for r in report["per_rank"])
    ideal = sum(busy) / len(busy)
    loop = max(r["wall_seconds"] for r in report["per_rank"])
    digest = hashlib.sha256((out_dir / "results.csv").read_bytes()).hexdigest()
    return {"loop": loop, "wall": report["wall_seconds"], "ideal": ideal, "busy": sum(busy),
            "max_busy": max(busy), "max_idle": max(idle), "chunks": chunks, "digest": digest,
            "imbalance": report["imbalance"], "efficiency": report["parallel_efficiency"]}


def longest_share(results_csv, column):
    """The largest task's share of the summed cost column."""
    with open(results_csv, newline="") as f:
        costs = [float(row[column]) for row in csv.DictReader(f)]
    return max(costs) / sum(costs) if sum(costs) > 0 else 0.0


def main():
    args = parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    work = Path(args.work_dir).resolve()
    work.mkdir(parents=True, exist_ok=True)
    jobs = write_jobs(args, work)
    schedules = args.schedules.split(",")
    cpus = len(os.sched_getaffinity(0))
    print(f"load balance: makespan / ideal per schedule; {args.reps} runs each (after 1 warm-up), interleaved; "
          f"medians; {cpus} CPUs here")
    verdicts = []
    digests = {}
    for workload in args.workloads.split(","):
        job, cost_column = jobs[workload]
        for name in args.layouts.split(","):
            layout = LAYOUTS[name]
            outs = {s: work / f"out-{workload}-{name}-{s}" for s in schedules}
            for s in schedules:
                run_partita(args, layout, job, s, outs[s])  # warm-up: page cache, first-touch
            runs = {s: [] for s in schedules}
            for rep in range(args.reps):
                order = schedules[rep % len(schedules):] + schedules[:rep % len(schedules)]
                for s in order:
                    r = run_partita(args, layout, job, s, outs[s])
                    runs[s].append(r)
                    digests[(workload, name, s, rep)] = r["digest"]
            share = longest_share(outs[schedules[0]] / "results.csv", cost_column)
            print(f"\n{workload}, {name}: {layout['ranks']} rank(s) x {layout['threads']} thread(s), "
                  f"--bind-to {layout['bind']}")
            print(f"  {'schedule':10} {'loop s':>8} {'wall s':>8} {'ideal s':>8} {'bound s':>8} "
                  f"{'loop/ideal':>10} {'wall/ideal':>10} {'imbalance':>9} {'max idle s':>10} {'chunks':>7}")
            ratios = {}
            for s in schedules:
                med = {k: statistics.median(r[k] for r in runs[s]) for k in
                       ("loop", "wall", "ideal", "busy", "max_idle", "chunks", "imbalance")}
                # Per run, then the median: each run's own ideal is its baseline.
                ratio = statistics.median(r["loop"] / r["ideal"] for r in runs[s])
                wall_ratio = statistics.median(r["wall"] / r["ideal"] for r in runs[s])
                bound = max(med["ideal"], med["busy"] * share)
                ratios[s] = (ratio, wall_ratio)
                print(f"  {s:10} {med['loop']:8.3f} {med['wall']:8.3f} {med['ideal']:8.3f} {bound:8.3f} "
                      f"{ratio:10.3f} {wall_ratio:10.3f} {med['imbalance']:9.3f} {med['max_idle']:10.4f} "
                      f"{int(med['chunks']):7d}")
            print(f"  longest task: {share * 100:.2f} % of all work")
            if "auto" in ratios:
                verdicts.append((workload, name, ratios["auto"], ratios.get("static")))

    print()
    for workload in args.workloads.split(","):
        mine = {key: d for key, d in digests.items() if key[0] == workload}
        common = statistics.mode(mine.values())
        odd = sorted({f"{l}/{s}" for (_, l, s, _), d in mine.items() if d != common})
        status = "OK" if not odd else "DIFFER"
        print(f"{workload}: results.csv byte-identical across schedules, layouts and runs: {status}"
              + (f" (sha256 {common[:16]}, {len(mine)} runs)" if not odd else f" (odd ones out: {', '.join(odd)})"))
    for workload, name, auto, static in verdicts:
        status = "meets" if auto[0] <= args.target else "MISSES"
        wall_status = "meets" if auto[1] <= args.target else "misses"
        static_text = f"; static {static[0]:.3f} (wall {static[1]:.3f})" if static is not None else ""
        print(f"{workload} {name}: auto makespan / ideal = {auto[0]:.3f} ({status} target {args.target}); "
              f"with the whole in-process wall {auto[1]:.3f} ({wall_status}){static_text}")

if __name__ == "__main__":
    main()
