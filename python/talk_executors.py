#!/usr/bin/env python3
"""What Python's executors cost per task: N tasks that do nothing, mapped by a
ThreadPoolExecutor and by a ProcessPoolExecutor with chunksize 1 and 100, the pool created
inside the timed section as the talk's `with` block did. Prints a JSON report of the wall
time of each timed run.

Usage: python3 talk_executors.py [--tasks 20000] [--workers 2] [--repeat 3] [--die-with-parent]
Standard library only.
"""
import argparse
import concurrent.futures as cf
import json
import os
import platform
import sys
import time

from childproc import watch_parent


def nothing(x):
    return x


def run(kind, chunksize, tasks, workers):
    start = time.perf_counter()
    if kind == "threads":
        with cf.ThreadPoolExecutor(max_workers=workers) as ex:
            out = list(ex.map(nothing, range(tasks), chunksize=chunksize))
    else:
        with cf.ProcessPoolExecutor(max_workers=workers) as ex:
            out = list(ex.map(nothing, range(tasks), chunksize=chunksize))
    wall = time.perf_counter() - start
    assert out[-1] == tasks - 1
    return wall


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--tasks", type=int, default=20000)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--die-with-parent", action="store_true")
    args = ap.parse_args()
    if args.die_with_parent:
        watch_parent()
    cases = [("threads", 1), ("processes", 1), ("processes", 100)]
    report = {"python": platform.python_version(), "tasks": args.tasks, "workers": args.workers, "runs": {}}
    for kind, chunksize in cases:
        name = f"{kind}-chunksize-{chunksize}"
        run(kind, chunksize, min(args.tasks, 1000), args.workers)  # warm-up
        report["runs"][name] = [run(kind, chunksize, args.tasks, args.workers) for _ in range(max(args.repeat, 1))]
    json.dump(report, sys.stdout)
    print()


if __name__ == "__main__":
    main()
