#!/usr/bin/env python3
"""Dispatch cost of partita::for_each against raw OpenMP, and idle time per worker.

Runs the dispatch_overhead executable under mpirun and prints two tables.

1. Empty tasks (--mode overhead), for the schedules static, dynamic (chunk 1),
   dynamic:64, guided and auto, next to a plain `#pragma omp parallel for`
   (schedule(static) and schedule(dynamic)) over the same tasks in the same
   process. Each task is the same non-inlined call that counts itself in
   its worker's counter (every run checks each id ran exactly once).
   Layouts:
     1x2      1 rank x 2 threads   (--bind-to none)
     2x1      2 ranks x 1 thread   (--bind-to core, shared memory)
     2x1-tcp  2 ranks x 1 thread   (OMPI_MCA_btl=self,tcp OMPI_MCA_osc=pt2pt:
              ranks talk as if across nodes)
   Figures: "us/task" = loop seconds x workers / tasks, the worker time one
   task costs beyond its own body (the amortised dispatch cost);
   "ns wall/task" = loop seconds / tasks. The number of tasks is chosen per
   schedule so one run lasts about --target-seconds (at most --max-tasks).
   Target: auto at most --target-us (1 us) per task.

2. Fixed-length tasks (--mode idle, default 1 ms spinning), under the TCP
   settings at 2 and 3 ranks x 1 thread: WorkStats idle seconds per worker.
   "max idle" is the largest per-worker total, "idle/chunk" the largest
   per-worker idle divided by the chunks it waited for (chunks - 1); the
   claim under test is that a rank waiting for work never waits for another
   rank's task to finish, i.e. idle/chunk stays well under one task.
   "ideal" = tasks x length / workers (spin: / min(workers, CPUs), as a
   spinning task needs a CPU). Task kinds: spin (busy until the time has
   passed, as a CPU-bound task) and sleep (leaves the CPU free, so only the
   hand-out protocol is measured, even with more ranks than CPUs).

Builds nothing: pass the executable. Standard library only.
"""

import argparse
import os
import subprocess
import sys

LAYOUTS = {
    "1x2": {"ranks": 1, "threads": 2, "bind": "none", "tcp": False},
    "2x1": {"ranks": 2, "threads": 1, "bind": "core", "tcp": False},
    "2x1-tcp": {"ranks": 2, "threads": 1, "bind": "core", "tcp": True},
}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--exe", required=True, help="the dispatch_overhead executable")
    p.add_argument("--mpirun", default="mpirun")
    p.add_argument("--reps", type=int, default=5, help="timed runs per schedule (medians; default 5)")
    p.add_argument("--layouts", default="1x2,2x1,2x1-tcp", help="comma-separated, from: " + ", ".join(LAYOUTS))
    p.add_argument("--schedules", default="static,dynamic,dynamic:64,guided,auto")
    p.add_argument("--target-seconds", type=float, default=0.3, help="length of one timed run (default 0.3)")
    p.add_argument("--max-tasks", type=int, default=10_000_000)
    p.add_argument("--target-us", type=float, default=1.0, help="auto's target, us per task (default 1)")
    p.add_argument("--idle-ranks", default="2,3", help="rank counts for the idle table ('' skips it)")
    p.add_argument("--idle-schedules", default="static,dynamic,auto")
    p.add_argument("--task-us", type=float, default=1000.0, help="task length for the idle table (default 1000)")
    p.add_argument("--task-kinds", default="spin,sleep",
                   help="spin (busy until the time has passed: a CPU-bound task) and/or sleep")
    args = p.parse_args()
    if not os.access(args.exe, os.X_OK):
        p.error(f"--exe {args.exe}: not an executable file (build the dispatch_overhead target first)")
    for name in args.layouts.split(","):
        if name and name not in LAYOUTS:
            p.error(f"unknown layout '{name}'; choose from {', '.join(LAYOUTS)}")
    return args


def mpi_env(threads, tcp, oversubscribe):
    env = dict(os.environ, OMP_NUM_THREADS=str(threads))
    if os.getuid() == 0:  # Open MPI refuses root unless told; only our mpirun is told
        env["OMPI_ALLOW_RUN_AS_ROOT"] = "1"
        env["OMPI_ALLOW_RUN_AS_ROOT_CONFIRM"] = "1"
    if oversubscribe:
        env["OMPI_MCA_rmaps_base_oversubscribe"] = "1"
    if tcp:
        env["OMPI_MCA_btl"] = "self,tcp"
        env["OMPI_MCA_osc"] = "pt2pt"
    return env


def run(cmd, env, prefix):
    proc = subprocess.run(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        sys.exit(f"dispatch_overhead: failed (exit {proc.returncode}): {' '.join(cmd)}\n{proc.stdout}{proc.stderr}")
    if proc.stderr.strip():
        print(proc.stderr.rstrip(), file=sys.stderr)
    rows = []
    for line in proc.stdout.splitlines():
        if line.startswith(prefix + " "):
            rows.append(dict(kv.split("=", 1) for kv in line.split()[1:]))
    if not rows:
        sys.exit(f"dispatch_overhead: no '{prefix}' lines from {' '.join(cmd)}:\n{proc.stdout}")
    return rows


def overhead_table(args, name):
    layout = LAYOUTS[name]
    cmd = [args.mpirun, "-np", str(layout["ranks"]), "--bind-to", layout["bind"], args.exe, "--mode", "overhead",
           "--reps", str(args.reps), "--schedules", args.schedules, "--target-seconds", str(args.target_seconds),
           "--max-tasks", str(args.max_tasks)]
    rows = run(cmd, mpi_env(layout["threads"], layout["tcp"], False), "dispatch")
    by_name = {r["name"]: r for r in rows}
    omp_dyn = float(by_name["omp:dynamic"]["us_per_task"])
    omp_sta = float(by_name["omp:static"]["us_per_task"])
    print(f"\nlayout {name}: {layout['ranks']} rank(s) x {layout['threads']} thread(s), --bind-to {layout['bind']}"
          + (", btl self,tcp + osc pt2pt" if layout["tcp"] else "") + f"; medians of {args.reps} runs")
    print(f"  {'loop':20} {'tasks':>9} {'us/task':>9} {'ns wall/task':>13} {'x omp dynamic':>14} "
          f"{'x omp static':>13} {'mean chunk':>11}")
    for r in rows:
        us = float(r["us_per_task"])
        tasks = int(r["tasks"])
        chunks = int(r["chunks"])
        mean_chunk = f"{tasks / chunks:11.1f}" if chunks else f"{'-':>11}"
        print(f"  {r['name']:20} {tasks:9d} {us:9.4f} {float(r['ns_wall_per_task']):13.2f} {us / omp_dyn:14.2f} "
              f"{us / omp_sta:13.2f} {mean_chunk}")
    auto = by_name.get("partita:auto")
    if auto is not None:
        us = float(auto["us_per_task"])
        verdict = "meets" if us <= args.target_us else "MISSES"
        print(f"  auto: {us:.4f} us/task ({verdict} target {args.target_us} us); raw OpenMP dynamic {omp_dyn:.4f}")
    return auto


def idle_table(args, ranks, kind):
    cpus = len(os.sched_getaffinity(0))
    bind = "core" if ranks <= cpus else "none"
    cmd = [args.mpirun, "-np", str(ranks), "--bind-to", bind, args.exe, "--mode", "idle", "--reps", str(args.reps),
           "--schedules", args.idle_schedules, "--task-us", str(args.task_us), "--task-kind", kind]
    rows = run(cmd, mpi_env(1, True, ranks > cpus), "idle")
    task_ms = args.task_us / 1e3
    print(f"\n{ranks} ranks x 1 thread, btl self,tcp + osc pt2pt, --bind-to {bind} ({cpus} CPUs here), "
          f"{rows[0]['tasks']} tasks of {task_ms:g} ms ({kind}); medians of {args.reps} runs")
    # Spinning tasks need a CPU each: with more workers than CPUs the best
    # wall is the tasks' time over the CPUs, not over the workers.
    workers = int(rows[0]["workers"])
    ideal = int(rows[0]["tasks"]) * args.task_us * 1e-6 / (min(workers, cpus) if kind == "spin" else workers)
    print(f"  {'loop':20} {'wall s':>8} {'ideal s':>8} {'max busy s':>10} {'max idle ms':>12} {'idle/chunk us':>14} "
          f"{'idle/chunk / task':>18}   idle ms per worker (last run)")
    for r in rows:
        per_chunk = float(r["max_idle_per_chunk_us"])
        print(f"  {r['name']:20} {float(r['wall_s']):8.3f} {ideal:8.3f} {float(r['max_busy_s']):10.3f} "
              f"{float(r['max_idle_ms']):12.3f} {per_chunk:14.1f} {per_chunk / args.task_us:18.4f}   "
              f"{r['last_idle_ms_per_worker']}")


def main():
    args = parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    cpus = len(os.sched_getaffinity(0))
    print(f"dispatch overhead: {cpus} CPUs here; each figure is a median of {args.reps} runs made in one process, "
          f"the schedules interleaved")
    verdicts = []
    for name in filter(None, args.layouts.split(",")):
        auto = overhead_table(args, name)
        if auto is not None:
            verdicts.append((name, float(auto["us_per_task"])))
    for ranks in filter(None, args.idle_ranks.split(",")):
        for kind in filter(None, args.task_kinds.split(",")):
            idle_table(args, int(ranks), kind)
    if verdicts:
        print()
        for name, us in verdicts:
            print(f"{name}: auto {us:.4f} us per task amortised "
                  f"({'meets' if us <= args.target_us else 'MISSES'} target <= {args.target_us} us)")


if __name__ == "__main__":
    main()
