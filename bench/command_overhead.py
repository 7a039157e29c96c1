#!/usr/bin/env python3
"""What a command task costs: Partita starting the user's program once per
task, against the tools people use for that, measured in the same run.

1. Empty tasks: N runs of `true` (no outputs) as a Partita command job at
   1 rank x 2 threads and 2 ranks x 1 thread, next to `xargs -P2 -n1 true`
   over N inputs and GNU parallel `-j2 true ::: ...` (skipped, and said so,
   when `parallel` is not installed). Each contender runs N and N/10 tasks:
   the difference over 0.9 N tasks is the steady-state cost per task, free
   of the fixed start-up (mpirun, MPI_Init, the fork server, the files).
   A bare MPI program under the same mpirun (bench/pi_hand_loop, when
   built) shows how much of the fixed cost is MPI's own start-up.
2. Sleeping tasks: 40 x `sleep 0.1` on 2 workers, against the ideal 2 s
   and against xargs running the same sleeps.

Every figure is a median over --reps repetitions; in each repetition the
contenders run back to back, the order rotating.

  bench/command_overhead.py --partita build/release/launch/partita [--tasks 2000] [--reps 3]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile
import time


def timed(cmd, env, stdin_text=None):
    start = time.perf_counter()
    subprocess.run(cmd, check=True, env=env, input=stdin_text, text=True,
                   stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


class Partita:
    """One layout of `mpirun ... partita run`: wall of the whole command, and
    report.json's wall (job start to results gathered) and loop (slowest
    rank's task loop)."""

    def __init__(self, args, env, work, name, placement, threads):
        self.args, self.env, self.work = args, env, work
        self.name, self.placement, self.threads = name, placement, threads

    def run(self, job_text, tag):
        job = os.path.join(self.work, f"{tag}.toml")
        with open(job, "w") as f:
            f.write(job_text)
        out = os.path.join(self.work, f"{tag}-{self.name}.out")
        shutil.rmtree(out, ignore_errors=True)
        cmd = [self.args.mpirun, *self.placement, self.args.partita, "run", job, "--out", out, "--quiet",
               "--no-warnings", "--threads", self.threads]
        whole = timed(cmd, self.env)
        with open(os.path.join(out, "report.json")) as f:
            report = json.load(f)
        if not report["complete"] or report["failed"] != 0:
            raise SystemExit(f"{self.name}: the job did not complete: {report}")
        loop = max(r["wall_seconds"] for r in report["per_rank"])
        shutil.rmtree(out, ignore_errors=True)
        return {"whole": whole, "in_process": report["wall_seconds"], "loop": loop}


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partita", required=True)
    parser.add_argument("--mpirun", default="mpirun")
    parser.add_argument("--tasks", type=int, default=2000, help="empty tasks per run (and a tenth of it)")
    parser.add_argument("--reps", type=int, default=3)
    parser.add_argument("--sleep-tasks", type=int, default=40)
    parser.add_argument("--sleep", type=float, default=0.1, help="seconds each sleeping task sleeps")
    parser.add_argument("--hand", help="bench/pi_hand_loop, timed as a bare MPI program (default: found beside "
                        "the partita binary's build folder; left out if absent)")
    parser.add_argument("--skip-parallel", action="store_true", help="leave GNU parallel out")
    args = parser.parse_args()
    env = dict(os.environ)
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    true = shutil.which("true")
    sleep = shutil.which("sleep")
    parallel = None if args.skip_parallel else shutil.which("parallel")
    work = tempfile.mkdtemp(prefix="partita-command-bench-")
    layouts = [Partita(args, env, work, "partita 1x2", ["-np", "1", "--bind-to", "none"], "2"),
               Partita(args, env, work, "partita 2x1", ["-np", "2", "--bind-to", "core"], "1")]
    if parallel is None:
        print("GNU parallel: not found (apt-get install parallel), its column is left out"
              if not args.skip_parallel else "GNU parallel: left out (--skip-parallel)")

    # --- 1. empty tasks ----------------------------------------------------
    big, small = args.tasks, max(1, args.tasks // 10)
    print(f"\nempty tasks: {big} and {small} runs of {true}, 2 workers, {args.reps} repetitions, medians")

    def xargs(n):
        return timed(["xargs", "-P2", "-n1", true], env, "".join(f"{k}\n" for k in range(n)))

    def gnu_parallel(n):
        return timed([parallel, "--will-cite", "-j2", true, ":::", *map(str, range(n))], env)

    contenders = {p.name: (lambda n, p=p: p.run(f'command = ["{true}"]\nrepeat = {n}\n', f"true{n}"))
                  for p in layouts}
    contenders["xargs -P2"] = lambda n: {"whole": xargs(n)}
    if parallel:
        contenders["parallel -j2"] = lambda n: {"whole": gnu_parallel(n)}
    names = list(contenders)
    times = {name: {big: [], small: []} for name in names}
    # A bare MPI program (MPI_Init_thread, one tiny task, MPI_Finalize) under
    # the same mpirun: how much of partita's fixed cost is MPI's start-up.
    hand = args.hand or os.path.join(os.path.dirname(os.path.abspath(args.partita)), "..", "bench", "pi_hand_loop")
    hand = hand if os.access(hand, os.X_OK) else None
    launch = {p.name: [] for p in layouts}
    for rep in range(args.reps):
        order = names[rep % len(names):] + names[:rep % len(names)]
        for name in order:
            for n in (big, small):
                times[name][n].append(contenders[name](n))
        for p in layouts:
            if hand:
                launch[p.name].append(timed([args.mpirun, *p.placement, hand, "--tasks", "2", "--samples", "1"], env))

    def med(name, n, key="whole"):
        return statistics.median(t[key] for t in times[name][n])

    steady = {name: (med(name, big) - med(name, small)) / (big - small) for name in names}
    print(f"  {'':14s} {'wall ' + str(big):>11s} {'wall ' + str(small):>10s} {'us/task':>8s} {'steady us/task':>15s}"
          f" {'in-process':>11s} {'loop us/task':>13s}")
    for name in names:
        line = (f"  {name:14s} {med(name, big):9.3f} s {med(name, small):8.3f} s {med(name, big) / big * 1e6:8.0f}"
                f" {steady[name] * 1e6:15.0f}")
        if name.startswith("partita"):
            line += f" {med(name, big, 'in_process'):9.3f} s {med(name, big, 'loop') / big * 1e6:13.0f}"
        print(line)
    fixed = {p.name: med(p.name, big) - big * steady[p.name] for p in layouts}
    print("  fixed cost (wall N - N x steady): " + ", ".join(
        f"{k} {v:.3f} s" + (f" (a bare MPI program: {statistics.median(launch[k]):.3f} s)" if hand else "")
        for k, v in fixed.items()))
    print("  (us/task: wall / tasks on 2 workers; steady: (wall N - wall N/10) / 0.9 N; in-process: report.json"
          " wall; loop: slowest rank's task loop / tasks)")
    for p in layouts:
        name = p.name
        line = (f"  {name}: throughput / xargs {med('xargs -P2', big) / med(name, big):.2f} whole,"
                f" {steady['xargs -P2'] / steady[name]:.2f} steady")
        if parallel:
            line += (f"; / parallel {med('parallel -j2', big) / med(name, big):.1f} whole,"
                     f" {steady['parallel -j2'] / steady[name]:.1f} steady")
        print(line)

    # --- 2. sleeping tasks -------------------------------------------------
    n = args.sleep_tasks
    ideal = n * args.sleep / 2
    print(f"\nsleeping tasks: {n} x sleep {args.sleep:g} on 2 workers, ideal {ideal:.3f} s, {args.reps} repetitions,"
          " medians")
    sleepers = {p.name: (lambda p=p: p.run(f'command = ["{sleep}", "{args.sleep:g}"]\nrepeat = {n}\n', "sleep"))
                for p in layouts}
    sleepers["xargs -P2"] = lambda: {"whole": timed(["xargs", "-P2", "-n1", sleep], env, f"{args.sleep:g}\n" * n)}
    if parallel:
        sleepers["parallel -j2"] = lambda: {
            "whole": timed([parallel, "--will-cite", "-j2", sleep, ":::", *[f"{args.sleep:g}"] * n], env)}
    names = list(sleepers)
    slept = {name: [] for name in names}
    for rep in range(args.reps):
        for name in names[rep % len(names):] + names[:rep % len(names)]:
            slept[name].append(sleepers[name]())
    xargs_whole = statistics.median(t["whole"] for t in slept["xargs -P2"])
    for name in names:
        whole = statistics.median(t["whole"] for t in slept[name])
        line = f"  {name:14s} whole {whole:6.3f} s ({(whole / ideal - 1) * 100:+5.1f} %)"
        if name.startswith("partita"):
            loop = statistics.median(t["loop"] for t in slept[name])
            in_process = statistics.median(t["in_process"] for t in slept[name])
            per_task = (loop - ideal) * 2 / n
            line += (f"  in-process {in_process:6.3f} s ({(in_process / ideal - 1) * 100:+5.1f} %)"
                     f"  loop {loop:6.3f} s ({(loop / ideal - 1) * 100:+5.2f} %, {per_task * 1e3:.2f} ms per task;"
                     f" beyond xargs {(loop / xargs_whole - 1) * 100:+5.2f} %)")
        print(line)
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
