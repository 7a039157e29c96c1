#!/usr/bin/env python3
"""The journal's cost on the Monte Carlo benchmark: the same pi sweep through
`partita run` with the journal (default batching, fdatasync on) and with
--no-journal, interleaved in one run, at 2 ranks x 1 thread and 1 rank x 2
threads. Prints median wall times and throughput with / without. Target:
the journal costs under 2% (ratio >= 0.98).

  bench/journal_overhead.py --partita build/release/launch/partita [--tasks 16384] [--samples 16384] [--reps 5]
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import tempfile


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--partita", required=True)
    parser.add_argument("--mpirun", default="mpirun")
    parser.add_argument("--tasks", type=int, default=16384, help="tasks (small ones stress the journal)")
    parser.add_argument("--samples", type=int, default=16384, help="samples per task")
    parser.add_argument("--reps", type=int, default=5)
    args = parser.parse_args()
    env = dict(os.environ)
    if os.geteuid() == 0:
        env.update(OMPI_ALLOW_RUN_AS_ROOT="1", OMPI_ALLOW_RUN_AS_ROOT_CONFIRM="1")
    work = tempfile.mkdtemp(prefix="partita-journal-bench-")
    job = os.path.join(work, "job.toml")
    with open(job, "w") as f:
        f.write(f'kernel = "pi"\nseed = 1\nrepeat = {args.tasks}\n[params]\nsamples = {args.samples}\n')
    layouts = {"2x1": ["-np", "2", "--bind-to", "core"], "1x2": ["-np", "1", "--bind-to", "none"]}
    threads = {"2x1": "1", "1x2": "2"}
    print(f"journal overhead: pi, {args.tasks} tasks x {args.samples} samples, {args.reps} interleaved runs each")
    for name, placement in layouts.items():
        times = {"journal": [], "no journal": []}
        for rep in range(args.reps + 1):  # the first pair warms caches and is dropped
            for mode in (["journal", "no journal"] if rep % 2 == 0 else ["no journal", "journal"]):
                out = os.path.join(work, "out")
                shutil.rmtree(out, ignore_errors=True)
                cmd = [args.mpirun, *placement, args.partita, "run", job, "--out", out,
                       "--quiet", "--no-warnings", "--schedule", "static", "--threads", threads[name]]
                if mode == "no journal":
                    cmd.append("--no-journal")
                subprocess.run(cmd, check=True, env=env)
                with open(os.path.join(out, "report.json")) as f:
                    seconds = json.load(f)["wall_seconds"]
                if rep > 0:
                    times[mode].append(seconds)
        with_j = statistics.median(times["journal"])
        without = statistics.median(times["no journal"])
        print(f"  {name}: with journal {with_j:.3f} s, without {without:.3f} s: throughput ratio "
              f"{without / with_j:.3f} (journal costs {100 * (with_j / without - 1):+.1f}%)")
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
