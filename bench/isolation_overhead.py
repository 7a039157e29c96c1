#!/usr/bin/env python3
"""The per-task cost of isolation = "process" against in-process tasks: the
same synthetic sweep (constant task cost) run through `partita run` both
ways, interleaved in one run, at 2 ranks x 1 thread and 1 rank x 2 threads.
For each task size it prints the median wall times (report.json's, from
MPI start to results written), the throughput ratio process / thread, and
the extra cost per task on each worker: (process - thread) x workers / tasks.

  bench/isolation_overhead.py --partita build/release/launch/partita [--tasks 20000] [--reps 5]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile


def wall(args, env, work, job_text, placement, threads):
    job = os.path.join(work, "job.toml")
    with open(job, "w") as f:
        f.write(job_text)
    out = os.path.join(work, "out")
    shutil.rmtree(out, ignore_errors=True)
    cmd = [args.mpirun, *placement, args.partita, "run", job, "--out", out, "--quiet", "--no-warnings",
           "--threads", threads]
    subprocess.run(cmd, check=True, env=env)
    with open(os.path.join(out, "report.json")) as f:
        return json.load(f)["wall_seconds"]


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partita", required=True)
    parser.add_argument("--mpirun", default="mpirun")
    parser.add_argument("--tasks", type=int, default=20000)
    parser.add_argument("--reps", type=int, default=5)
    parser.add_argument("--task-us", default="0,100,1000", help="task costs to try, microseconds")
    args = parser.parse_args()
    env = dict(os.environ)
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    work = tempfile.mkdtemp(prefix="partita-isolation-bench-")
    layouts = {"2x1": (["-np", "2", "--bind-to", "core"], "1", 2),
               "1x2": (["-np", "1", "--bind-to", "none"], "2", 2)}
    print(f"isolation overhead: synthetic constant tasks, {args.reps} interleaved runs each, medians")
    for task_us in [float(x) for x in args.task_us.split(",")]:
        # Fewer of the long tasks: the run stays a few seconds.
        tasks = args.tasks if task_us < 100 else max(200, int(args.tasks * 100 / task_us / 10))
        base = f'kernel = "synthetic"\nseed = 1\nrepeat = {tasks}\n'
        params = f'[params]\ndistribution = "constant"\nmean_us = {task_us}\n'
        jobs = {"thread": base + params, "process": base + 'isolation = "process"\n' + params}
        for name, (placement, threads, workers) in layouts.items():
            times = {"thread": [], "process": []}
            for rep in range(args.reps + 1):  # the first pair warms caches and is dropped
                for mode in (["thread", "process"] if rep % 2 == 0 else ["process", "thread"]):
                    seconds = wall(args, env, work, jobs[mode], placement, threads)
                    if rep > 0:
                        times[mode].append(seconds)
            thread = statistics.median(times["thread"])
            process = statistics.median(times["process"])
            per_task_us = (process - thread) * workers / tasks * 1e6
            print(f"  {task_us:7.0f} us tasks x {tasks:6d}, {name}: thread {thread:.3f} s, process {process:.3f} s: "
                  f"throughput ratio {thread / process:.3f}, extra {per_task_us:.1f} us per task")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
