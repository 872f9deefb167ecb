#!/usr/bin/env python3
"""The talk's "for loops are slow" slide, measured: squares of 0..n-1 built by a for loop
appending to a list, and by a list comprehension, for each size n given.

Usage: python3 squares.py [--repeat 3] [--json] N [N ...]

For each size it times the call with timeit (enough calls for ~0.1 s, at least one) and
reports the median seconds per call of `repeat` repetitions, as Go's kernelext.TimeIt does.
Standard library only.
"""
import argparse
import json
import platform
import statistics
import sys
import timeit


def for_loop(n):
    out = []
    for i in range(n):
        out.append(i * i)
    return out


def list_comprehension(n):
    return [i * i for i in range(n)]


def measure(fn, n, repeat):
    timer = timeit.Timer(lambda: fn(n))
    number = 1
    while True:  # timeit's autorange, aiming at 0.1 s per repetition, as kernelext.TimeIt
        took = timer.timeit(number)
        if took >= 0.1:
            break
        number = max(number * 2, int(number * 0.1 / max(took, 1e-9) * 1.05))
    runs = [took / number] + [timer.timeit(number) / number for _ in range(repeat - 1)]
    return statistics.median(runs)


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("sizes", type=int, nargs="+")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    result = {"python": platform.python_version(), "sizes": args.sizes, "for_loop": [], "list_comprehension": []}
    for n in args.sizes:
        for name, fn in (("for_loop", for_loop), ("list_comprehension", list_comprehension)):
            result[name].append(measure(fn, n, max(args.repeat, 1)))
            if not args.json:
                print(f"{name:20s} n={n:>10d} {result[name][-1]:.3g} s per call", file=sys.stderr)
    if args.json:
        json.dump(result, sys.stdout)
        print()


if __name__ == "__main__":
    main()
