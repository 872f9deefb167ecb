#!/usr/bin/env python3
"""The talk's network I/O case, in its own Python, timed honestly.

EuroPython 2020, "Speed Up Your Data Processing": one request per day to the
data.gov.sg air-temperature API for 100 days, each followed by a 1 s pause,
retried with exponential backoff, on a ThreadPoolExecutor with submit +
as_completed (977.88 s one day after the other, 46.83 s on 40 threads):

    @retry(wait_exponential_multiplier=1000, wait_exponential_max=10000)
    def get_airtemp_data_from_date(date):
        print('{}: running {}'.format(threading.current_thread().name, date))
        url = "https://api.data.gov.sg/v1/environment/air-temperature?date=" + str(date)
        JSONContent = requests.get(url).json()
        content = json.dumps(JSONContent, sort_keys=True)
        sleep(1)
        print('{}: done with {}'.format(threading.current_thread().name, date))
        return content

    with ThreadPoolExecutor() as executor:
        future = {executor.submit(get_airtemp_data_from_date, date): date
                  for date in tqdm(date_range)}
    resultarray_np = np.array([x.result() for x in as_completed(future)])

Here the same function runs against the API at BASE_URL (a local stand-in,
such as the Go command airtemp-server or airtemp.Server, on 127.0.0.1), on
ThreadPoolExecutor(max_workers=--workers), submit + as_completed, and every
timed run records

    wall   time.perf_counter() around the run: pool, submits, as_completed
    cpu    time.process_time() over the run: user+sys CPU of this process,
           all its threads (what the talk's time.clock() measured on Linux)

Differences from the talk's code, on purpose:

  * The address comes from the command line, and requests is told to ignore
    proxy settings from the environment, so that 127.0.0.1 is asked directly.
  * The `retrying` package's decorator is replaced by a loop with its waits:
    wait_exponential_multiplier=M, wait_exponential_max=X wait M * 2**n ms
    after the n-th failed attempt, at most X ms (2 s, 4 s, 8 s, 10 s, 10 s, ...
    with the talk's 1000 and 10000), retrying every exception. The talk never
    gave up; --max-attempts can (0, the default, never does).
  * A status other than 200 raises (raise_for_status) and so is retried: the
    talk's code would have kept a 503's error body as the day's data.
  * Each request has a --timeout (the talk's had none: a stalled answer would
    have hung its thread).
  * Besides the talk's json.dumps(..., sort_keys=True), each day is summed up
    as the Go side's airtemp.DayResult is: stations, items, readings, and the
    mean, minimum and maximum of the readings, summed in the body's order, so
    the two can be compared number for number.
  * The 100 days are consecutive from --start (default 2020-01-01, the Go
    side's airtemp.DefaultStart), not the 100 days before today.
  * The pause after each answer is --pause seconds (default 1, the talk's).
  * --session gives each thread one requests.Session, so that it keeps its
    connection between requests: the usual fix. Without it, as in the talk,
    every requests.get opens a new connection and closes it.

    python talk_air_temperature.py http://127.0.0.1:8080 --days 100 --workers 40 --pause 0
    python talk_air_temperature.py http://127.0.0.1:8080 --workers 40 --json --log

Needs Python >= 3.9 and requests; the standard library otherwise. Exit status:
0 on success (even when some days failed: they are listed under "errors"), 2
for bad arguments, 1 for anything unexpected.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import statistics
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor, as_completed

import requests

from childproc import watch_parent

PATH = "/v1/environment/air-temperature"
NO_PROXY = {"http": None, "https": None}  # ask the given address directly, whatever the environment says

# The talk's own figures (100 days, 1 s pause, the real API).
TALK = {"sequential": 977.88, "pool_40": 46.83}


def retry(multiplier_ms, max_ms, max_attempts):
    """The `retrying` package's @retry(wait_exponential_multiplier=..., wait_exponential_max=...),
    which retries every exception, with an optional limit on attempts. The wrapped function
    returns (result, attempts, retries), retries saying why each failed attempt failed."""

    def decorate(fn):
        def wrapped(*args, **kwargs):
            attempt, retries = 1, []
            while True:
                try:
                    return fn(*args, **kwargs), attempt, retries
                except Exception as e:  # noqa: BLE001 - retrying retries everything
                    if max_attempts and attempt >= max_attempts:
                        raise
                    retries.append(f"attempt {attempt}: {type(e).__name__}: {e}")
                    time.sleep(min(multiplier_ms * 2**attempt, max_ms) / 1000)
                    attempt += 1

        return wrapped

    return decorate


_local = threading.local()


def session_get(url, **kwargs):
    """requests.get through this thread's own Session (--session)."""
    s = getattr(_local, "session", None)
    if s is None:
        s = _local.session = requests.Session()
    return s.get(url, **kwargs)


def make_task(args):
    get = session_get if args.session else requests.get

    @retry(args.wait_multiplier_ms, args.wait_max_ms, args.max_attempts)
    def get_airtemp_data_from_date(date):
        if args.log:
            print(f"{threading.current_thread().name}: running {date}", file=sys.stderr, flush=True)
        url = args.base_url + PATH + "?date=" + str(date)
        response = get(url, timeout=args.timeout, proxies=NO_PROXY)
        response.raise_for_status()
        JSONContent = response.json()
        content = json.dumps(JSONContent, sort_keys=True)
        time.sleep(args.pause)
        if args.log:
            print(f"{threading.current_thread().name}: done with {date}", file=sys.stderr, flush=True)
        return summarize(date, JSONContent, content)

    return get_airtemp_data_from_date


def summarize(date, day, content):
    """The Go side's DayResult: counts, and the mean, min and max of every reading, in order."""
    stations = len((day.get("metadata") or {}).get("stations") or [])
    items = day.get("items") or []
    n, total, lo, hi = 0, 0.0, float("inf"), float("-inf")
    for item in items:
        for r in item.get("readings") or []:
            v = float(r.get("value") or 0)
            n += 1
            total += v
            lo, hi = min(lo, v), max(hi, v)
    return {
        "date": date,
        "stations": stations,
        "items": len(items),
        "readings": n,
        "mean": total / n if n else 0.0,
        "min": lo if n else 0.0,
        "max": hi if n else 0.0,
        "bytes": len(content),  # of the talk's json.dumps(..., sort_keys=True)
    }


def run_once(task, dates, workers):
    """One timed run: the talk's ThreadPoolExecutor, submit + as_completed."""
    results, errors, attempts = {}, {}, 0
    c0, w0 = time.process_time(), time.perf_counter()
    with ThreadPoolExecutor(max_workers=workers) as executor:
        future = {executor.submit(task, date): date for date in dates}
        for f in as_completed(future):
            date = future[f]
            try:
                res, n, retries = f.result()
            except Exception as e:  # noqa: BLE001 - a day that failed is reported, not fatal
                errors[date] = f"{type(e).__name__}: {e}"
                continue
            res["attempts"], res["retries"] = n, retries
            attempts += n
            results[date] = res
    w1, c1 = time.perf_counter(), time.process_time()
    return w1 - w0, c1 - c0, results, errors


def date_range(start, days):
    first = datetime.date.fromisoformat(start)
    return [(first + datetime.timedelta(days=i)).isoformat() for i in range(days)]


def fmt_runs(xs):
    if len(xs) == 1:
        return f"{xs[0]:.3f} s"
    return f"{statistics.median(xs):.3f} s ({min(xs):.3f}-{max(xs):.3f})"


def print_table(out):
    print(
        f"Python {out['python']}, requests {out['requests']}, {out['cpus']} CPUs: {out['days']} days from"
        f" {out['start']} at {out['base_url']}, ThreadPoolExecutor({out['workers']}),"
        f" {'a Session per thread' if out['session'] else 'requests.get (a connection per request)'}, pause {out['pause']} s"
    )
    walls = [r["wall"] for r in out["runs"]]
    cpus = [r["cpu"] for r in out["runs"]]
    print(f"wall {fmt_runs(walls)}, CPU {fmt_runs(cpus)}, {out['days'] / statistics.median(walls):.1f} days/s")
    print(f"talk (time.clock(), 100 days, 1 s pause, the real API): sequential {TALK['sequential']} s, 40 threads {TALK['pool_40']} s")
    for e in out["errors"]:
        print(f"failed {e['date']}: {e['error']}")


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="The talk's air-temperature requests (requests + ThreadPoolExecutor, submit + as_completed),"
        " timed against an API at BASE_URL.",
    )
    ap.add_argument("base_url", help="the API's address without the path, e.g. http://127.0.0.1:8080")
    ap.add_argument("--days", type=int, default=100, help="consecutive days to fetch (default 100, the talk's)")
    ap.add_argument("--start", default="2020-01-01", help="first day, YYYY-MM-DD (default 2020-01-01)")
    ap.add_argument("--workers", type=int, default=40, help="ThreadPoolExecutor(max_workers=...) (default 40, the talk's)")
    ap.add_argument("--pause", type=float, default=1.0, help="seconds to sleep after each answer (default 1, the talk's)")
    ap.add_argument("--wait-multiplier-ms", type=float, default=1000, help="retrying's wait_exponential_multiplier (default 1000)")
    ap.add_argument("--wait-max-ms", type=float, default=10000, help="retrying's wait_exponential_max (default 10000)")
    ap.add_argument("--max-attempts", type=int, default=0, help="give a day up after this many requests (default 0: never)")
    ap.add_argument("--timeout", type=float, default=30, help="seconds to wait for an answer (default 30)")
    ap.add_argument("--session", action="store_true", help="one requests.Session per thread: connections kept alive")
    ap.add_argument("--repeat", type=int, default=1, help="timed runs (default 1)")
    ap.add_argument("--warmup", type=int, default=0, help="untimed runs first (default 0)")
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    ap.add_argument("--log", action="store_true", help="each task logs 'running' and 'done with' on stderr, like the talk")
    ap.add_argument("--die-with-parent", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.base_url = args.base_url.rstrip("/")
    if not args.base_url.startswith(("http://", "https://")):
        ap.error(f"base_url {args.base_url!r}: want http://host:port")
    try:
        datetime.date.fromisoformat(args.start)
    except ValueError:
        ap.error(f"--start {args.start!r}: want YYYY-MM-DD")
    if args.days < 1 or args.workers < 1 or args.repeat < 1 or args.warmup < 0 or args.max_attempts < 0:
        ap.error("--days, --workers and --repeat must be >= 1, --warmup and --max-attempts >= 0")
    if args.pause < 0 or args.timeout <= 0 or args.wait_multiplier_ms < 0 or args.wait_max_ms < 0:
        ap.error("--pause and the waits must be >= 0, --timeout > 0")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.die_with_parent:
        watch_parent()
    dates = date_range(args.start, args.days)
    task = make_task(args)
    runs = []
    for i in range(args.warmup + args.repeat):
        wall, cpu, results, errors = run_once(task, dates, args.workers)
        if i >= args.warmup:
            runs.append({"wall": wall, "cpu": cpu, "attempts": sum(r["attempts"] for r in results.values())})
        if not args.json or args.log:
            kind = "warm-up" if i < args.warmup else "run"
            print(f"{kind} {i + 1}: {wall:.3f} s wall, {cpu:.3f} s CPU, {len(errors)} days failed", file=sys.stderr, flush=True)
    out = {
        "python": platform.python_version(),
        "requests": requests.__version__,
        "cpus": os.cpu_count(),
        "base_url": args.base_url,
        "start": args.start,
        "days": args.days,
        "workers": args.workers,
        "session": args.session,
        "pause": args.pause,
        "runs": runs,
        "results": [results[d] for d in dates if d in results],  # of the last run, in date order
        "errors": [{"date": d, "error": errors[d]} for d in dates if d in errors],
    }
    if args.json:
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print_table(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
