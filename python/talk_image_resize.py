#!/usr/bin/env python3
"""The talk's image-processing case, in its own Python, timed honestly.

EuroPython 2020, "Speed Up Your Data Processing": every chest X-ray in
chest_xray/train/NORMAL (1431 JPEGs of differing sizes) is opened with Pillow,
resized to 64x64 and gathered into one NumPy array, three ways:

    def image_resize(path):
        img = Image.open(path)
        img = img.resize((64, 64))
        return np.array(img)

    arr = np.array([image_resize(p) for p in paths])        # list comprehension: 29.71 s
    arr = np.array(list(map(image_resize, paths)))          # map:                29.48 s
    with ProcessPoolExecutor() as executor:                 # 8 cores:             6.98 s
        arr = np.array(list(executor.map(image_resize, paths)))

The talk timed with time.clock(), which on Linux was the CPU time of the parent
process only (it was removed in Python 3.8): the pool's figure left out the work
its worker processes did. This script records, for every timed run,

    wall          time.perf_counter() around the whole run (what a reader waits for)
    cpu_parent    os.times() user+sys of this process (what time.clock() measured)
    cpu_children  os.times() children user+sys: CPU of child processes that have
                  exited and been waited for; counted after the pool is shut down
                  (the end of the `with` block), so it holds the pool's workers
    cpu           cpu_parent + cpu_children
    cpu_workers   (pool only) each worker's own time.process_time() at its last
                  task, summed over workers: the workers' CPU seen from inside
                  them. With the "forkserver" start method (Linux default from
                  Python 3.14) workers are children of the fork server, not of
                  this process, so cpu_children misses them and only cpu_workers
                  counts them.

The pool is created inside the timed section, as the talk's `with` block was, with
the platform's default start method (fork on Linux up to Python 3.13, forkserver
from 3.14, spawn on macOS and Windows) unless --start-method says otherwise; the
report names the one used. With spawn and forkserver, starting the workers (a
fresh interpreter importing NumPy and Pillow) is part of the pool's time.

Differences from the talk's code, on purpose:

  * Images are converted to grayscale ('L') before the resize, as the Go side
    decodes them to gray. The real X-rays are mostly 'L' already (a few are RGB),
    so this costs nothing for most images and gives one (N, 64, 64) uint8 array.
  * A file that cannot be decoded is recorded under "errors" and skipped. The
    talk's script would stop with the exception (and inside the pool, re-raise it
    from executor.map in the parent).
  * The resize filter is whatever Image.resize defaults to in the installed
    Pillow unless --filter says otherwise. Since Pillow 7.0.0 (January 2020) that
    is BICUBIC (for 8-bit modes such as 'L' and 'RGB'); Pillow up to 6.x used
    NEAREST. The talk did not say which Pillow it ran, so its default may have
    been either; NEAREST is much cheaper on large images.
  * --draft uses Image.draft, i.e. libjpeg's DCT scaling: the JPEG is decoded
    directly at 1/2, 1/4 or 1/8 size (the smallest scale still at least twice
    the target, as Image.thumbnail does with its default reducing_gap=2.0), then
    resized. That is the optimized path Pillow offers; its pixels differ
    slightly from the full decode, so its checksum differs too.

Input: a folder of images (its *.jpeg, *.jpg and *.png files, sorted, like the
talk's glob), a text file listing image paths one per line (blank lines and lines
starting with '#' are skipped; relative paths are relative to the list file's
folder), or the Kaggle zip chest-xray-pneumonia.zip, which is extracted next to
itself first if its chest_xray folder is not there yet (as the talk's script did),
then --subdir (default chest_xray/train/NORMAL) inside it is used.

    python talk_image_resize.py chest_xray/train/NORMAL
    python talk_image_resize.py paths.txt --methods pool --workers 2 --json
    python talk_image_resize.py chest_xray/train/NORMAL --profile --draft

Needs Python >= 3.9, Pillow and NumPy; the standard library otherwise.
Exit status: 0 on success (even with per-image errors), 2 for bad arguments or
input, 1 for anything unexpected.
"""

from __future__ import annotations

import argparse
import functools
import hashlib
import json
import multiprocessing
import os
import platform
import statistics
import sys
import time
import zipfile
from concurrent.futures import ProcessPoolExecutor

import numpy as np
import PIL
from PIL import Image

from childproc import kill_with_parent, watch_parent

_R = getattr(Image, "Resampling", Image)  # Image.Resampling exists from Pillow 9.1
FILTERS = {
    "nearest": _R.NEAREST,
    "bilinear": _R.BILINEAR,
    "bicubic": _R.BICUBIC,
    "lanczos": _R.LANCZOS,
}
METHODS = ("listcomp", "map", "pool")
IMAGE_EXTENSIONS = (".jpeg", ".jpg", ".png")
DRAFT_GAP = 2.0  # decode at >= DRAFT_GAP x the target size, like Image.thumbnail's reducing_gap

# The talk's own figures (time.clock(), i.e. CPU time of the parent; 1431 images, 8 cores).
TALK = {"listcomp": 29.71, "map": 29.48, "pool": 6.98}


def load_gray(path, size, resample, draft):
    """Open path and return it resized to size x size, mode 'L'. resample None = Pillow's default."""
    img = Image.open(path)
    box = None
    if draft:
        want = (int(size * DRAFT_GAP), int(size * DRAFT_GAP))
        res = img.draft("L", want)  # None for non-JPEG files: they decode at full size
        if res is not None:
            box = res[1]
    if img.mode != "L":
        img = img.convert("L")
    if resample is None and box is None:
        return img.resize((size, size))  # exactly the talk's call
    return img.resize((size, size), resample, box)


def image_resize(path, size=64, resample=None, draft=False, log=False):
    """The talk's task: one image in, a size x size uint8 array out.

    Returns (pid, process CPU seconds so far, array or None, error text or None):
    the pid is what the talk logged, the CPU seconds let the parent count the
    workers' CPU whatever the start method, and a failure is returned, not raised.
    """
    pid = os.getpid()
    if log:
        print(f"{pid}: running {os.path.basename(path)}", file=sys.stderr, flush=True)
    try:
        arr = np.array(load_gray(path, size, resample, draft))
        err = None
    except Exception as e:  # noqa: BLE001 - any per-image failure is recorded, not fatal
        arr, err = None, f"{type(e).__name__}: {e}"
    return pid, time.process_time(), arr, err


def gather(results, size):
    """The talk's np.array(list_of_arrays), skipping failed images: shape (N, size, size)."""
    arrays = [r[2] for r in results if r[2] is not None]
    if not arrays:
        return np.empty((0, size, size), dtype=np.uint8)
    return np.array(arrays)


def checksum(arr):
    h = hashlib.sha256()
    h.update(repr((arr.shape, str(arr.dtype))).encode())
    h.update(np.ascontiguousarray(arr).tobytes())
    return "sha256:" + h.hexdigest()


def run_once(method, paths, task, workers, die_with_parent, size, start_method):
    """One timed run of one method. Returns (wall, cpu_parent, cpu_children, results, arr, pool_size)."""
    pool_size = 1
    t0, w0 = os.times(), time.perf_counter()
    if method == "listcomp":
        results = [task(p) for p in paths]
        arr = gather(results, size)
    elif method == "map":
        results = list(map(task, paths))
        arr = gather(results, size)
    else:
        init = kill_with_parent if die_with_parent else None
        # Created inside the timed section, like the talk's `with` block: starting and
        # stopping the workers is part of what the pool costs.
        ctx = multiprocessing.get_context(start_method) if start_method else None
        with ProcessPoolExecutor(max_workers=workers, mp_context=ctx, initializer=init) as executor:
            results = list(executor.map(task, paths))
            pool_size = getattr(executor, "_max_workers", workers or 0)
        arr = gather(results, size)
    w1, t1 = time.perf_counter(), os.times()
    parent = (t1.user - t0.user) + (t1.system - t0.system)
    children = (t1.children_user - t0.children_user) + (t1.children_system - t0.children_system)
    return w1 - w0, parent, children, results, arr, pool_size


def measure(paths, args, resample):
    task = functools.partial(image_resize, size=args.size, resample=resample, draft=args.draft, log=args.log)
    methods, errors = {}, {}
    for method in args.methods:
        entry = {"wall": [], "cpu": [], "cpu_parent": [], "cpu_children": []}
        if method == "pool":
            entry["cpu_workers"] = []
        pids, tasks_per_pid, sums = 0, {}, None
        for i in range(args.warmup + args.repeat):
            wall, parent, children, results, arr, pool_size = run_once(
                method, paths, task, args.workers, args.die_with_parent, args.size, args.start_method
            )
            for p, r in zip(paths, results):
                if r[3] is not None:
                    errors.setdefault(p, r[3])
            if i < args.warmup:
                continue
            entry["wall"].append(wall)
            entry["cpu_parent"].append(parent)
            entry["cpu_children"].append(children)
            entry["cpu"].append(parent + children)
            per_pid, last_cpu = {}, {}
            for r in results:
                per_pid[r[0]] = per_pid.get(r[0], 0) + 1
                last_cpu[r[0]] = max(last_cpu.get(r[0], 0.0), r[1])
            if method == "pool":
                entry["cpu_workers"].append(sum(last_cpu.values()))
            if len(per_pid) >= pids:
                pids, tasks_per_pid = len(per_pid), per_pid
            sums = checksum(arr)
            entry["workers"] = pool_size
            entry["shape"] = list(arr.shape)
        entry["pids"] = pids
        entry["tasks_per_pid"] = {str(k): v for k, v in sorted(tasks_per_pid.items())}
        entry["checksum"] = sums
        methods[method] = entry
        progress(args, f"{method}: {fmt_runs(entry['wall'])} wall")
    return methods, errors


def profile(paths, args, resample):
    """Mean time per image of each step, to show where the time goes."""
    steps = ("open", "decode", "convert", "resize", "to_array")
    totals = {s: 0.0 for s in steps}
    n, pixels, decoded_pixels, errors = 0, 0, 0, {}
    passes = args.warmup + args.repeat
    for i in range(passes):
        for p in paths:
            try:
                t0 = time.perf_counter()
                img = Image.open(p)  # reads the header only
                w, h = img.size
                box = None
                if args.draft:
                    res = img.draft("L", (int(args.size * DRAFT_GAP), int(args.size * DRAFT_GAP)))
                    box = res[1] if res is not None else None
                t1 = time.perf_counter()
                img.load()  # the decode: libjpeg(-turbo) for JPEGs
                t2 = time.perf_counter()
                if img.mode != "L":
                    img = img.convert("L")
                t3 = time.perf_counter()
                if resample is None and box is None:
                    small = img.resize((args.size, args.size))
                else:
                    small = img.resize((args.size, args.size), resample, box)
                t4 = time.perf_counter()
                np.array(small)
                t5 = time.perf_counter()
            except Exception as e:  # noqa: BLE001
                errors.setdefault(p, f"{type(e).__name__}: {e}")
                continue
            if i < args.warmup:
                continue
            n += 1
            pixels += w * h
            decoded_pixels += img.size[0] * img.size[1]
            for s, d in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4)):
                totals[s] += d
    out = {f"{s}_ms": (totals[s] / n * 1e3 if n else 0.0) for s in steps}
    out["total_ms"] = sum(out[f"{s}_ms"] for s in steps)
    out["passes"] = args.repeat
    out["mean_megapixels"] = pixels / n / 1e6 if n else 0.0
    out["mean_decoded_megapixels"] = decoded_pixels / n / 1e6 if n else 0.0
    return out, errors


def default_filter_name():
    """Which filter Image.resize uses when none is given, found by trying them all on a test image."""
    rng = np.random.default_rng(1)
    img = Image.fromarray(rng.integers(0, 256, size=(97, 131), dtype=np.uint8), "L")
    want = np.array(img.resize((64, 64)))
    for name, f in FILTERS.items():
        if np.array_equal(np.array(img.resize((64, 64), f)), want):
            return name
    return "unknown"


def list_paths(source, subdir):
    if os.path.isfile(source) and source.lower().endswith(".zip"):
        root = os.path.dirname(os.path.abspath(source))
        top = subdir.replace("\\", "/").split("/")[0]
        if not os.path.exists(os.path.join(root, top)):
            with zipfile.ZipFile(source) as z:
                z.extractall(root)
        source = os.path.join(root, subdir)
    if os.path.isdir(source):
        names = [n for n in os.listdir(source) if n.lower().endswith(IMAGE_EXTENSIONS)]
        return [os.path.join(source, n) for n in sorted(names)]
    if os.path.isfile(source):
        base = os.path.dirname(os.path.abspath(source))
        with open(source, encoding="utf-8") as f:
            lines = [line.strip() for line in f]
        return [os.path.join(base, line) for line in lines if line and not line.startswith("#")]
    fail(f"{source}: no such folder or file")


def fail(msg):
    print(f"talk_image_resize: {msg}", file=sys.stderr)
    sys.exit(2)


def progress(args, msg):
    if not args.json or args.log:
        print(msg, file=sys.stderr, flush=True)


def fmt_runs(xs):
    if not xs:
        return "-"
    if len(xs) == 1:
        return f"{xs[0]:.3f} s"
    return f"{statistics.median(xs):.3f} s ({min(xs):.3f}-{max(xs):.3f})"


def print_table(out):
    print(
        f"{out['images']} images -> {tuple(out['shape'])} uint8, filter {out['filter']}"
        f"{' (Pillow default)' if out['filter_default'] else ''}, draft {'on' if out['draft'] else 'off'}"
    )
    print(
        f"Python {out['python']}, Pillow {out['pillow']}, NumPy {out['numpy']}, "
        f"{out['cpus']} CPUs, start method {out['start_method']}"
    )
    if "profile" in out:
        p = out["profile"]
        print(
            f"per image (mean of {p['passes']} passes, {p['mean_megapixels']:.2f} MP,"
            f" decoded {p['mean_decoded_megapixels']:.2f} MP):"
        )
        for s in ("open", "decode", "convert", "resize", "to_array", "total"):
            print(f"  {s:<9} {p[s + '_ms']:8.2f} ms")
    else:
        print(
            f"{'method':<9} {'workers':>7} {'wall (median, min-max)':>26} {'CPU parent':>10}"
            f" {'CPU children':>12} {'CPU total':>9} {'images/s':>9} {'pids':>5}"
        )
        for name, m in out["methods"].items():
            med = statistics.median(m["wall"]) if m["wall"] else float("nan")
            ips = out["images"] / med if m["wall"] and med > 0 else float("nan")
            print(
                f"{name:<9} {m.get('workers', 1):>7} {fmt_runs(m['wall']):>26}"
                f" {statistics.median(m['cpu_parent']):>8.3f} s {statistics.median(m['cpu_children']):>10.3f} s"
                f" {statistics.median(m['cpu']):>7.3f} s {ips:>9.1f} {m['pids']:>5}"
            )
        print(
            "talk (time.clock() = CPU parent, 1431 images, 8 cores): "
            + ", ".join(f"{k} {v:.2f} s" for k, v in TALK.items())
        )
        print(
            "wall = time.perf_counter(); CPU parent = os.times() user+sys of this process;"
            " CPU children = user+sys of exited child processes (the pool's workers)"
        )
        if out["start_method"] == "forkserver" and "pool" in out["methods"]:
            w = statistics.median(out["methods"]["pool"]["cpu_workers"])
            print(f"forkserver: the workers are not children of this process, so CPU children misses them; their own CPU: {w:.3f} s")
    for e in out["errors"]:
        print(f"skipped {e['path']}: {e['error']}")


def parse_args(argv):
    ap = argparse.ArgumentParser(
        description="The talk's image resize (Pillow + NumPy) timed three ways: list comprehension, map,"
        " ProcessPoolExecutor.",
    )
    ap.add_argument("source", help="folder of images, file listing image paths, or chest-xray-pneumonia.zip")
    ap.add_argument("--subdir", default="chest_xray/train/NORMAL", help="folder inside the extracted zip")
    ap.add_argument("--methods", default=",".join(METHODS), help="comma-separated: listcomp,map,pool")
    ap.add_argument("--workers", type=int, default=None, help="pool size (default: ProcessPoolExecutor's own)")
    ap.add_argument("--repeat", type=int, default=3, help="timed runs per method (default 3)")
    ap.add_argument("--warmup", type=int, default=1, help="untimed runs per method first (default 1)")
    ap.add_argument("--size", type=int, default=64, help="output side in pixels (default 64)")
    ap.add_argument(
        "--filter", choices=sorted(FILTERS), default=None, help="resize filter (default: Pillow's, BICUBIC today)"
    )
    ap.add_argument(
        "--start-method",
        choices=multiprocessing.get_all_start_methods(),
        default=None,
        help="the pool's multiprocessing start method (default: the platform's, reported in the output)",
    )
    ap.add_argument("--draft", action="store_true", help="decode JPEGs at reduced scale first (libjpeg DCT scaling)")
    ap.add_argument("--profile", action="store_true", help="mean decode vs resize time per image, no methods")
    ap.add_argument("--json", action="store_true", help="print one JSON object on stdout")
    ap.add_argument("--log", action="store_true", help="each task logs its process id on stderr, like the talk")
    ap.add_argument("--die-with-parent", action="store_true", help=argparse.SUPPRESS)
    args = ap.parse_args(argv)
    args.methods = [m.strip() for m in args.methods.split(",") if m.strip()]
    bad = [m for m in args.methods if m not in METHODS]
    if bad or not args.methods:
        ap.error(f"--methods: unknown {bad or 'empty list'}; choose from {','.join(METHODS)}")
    if args.repeat < 1 or args.warmup < 0 or args.size < 1 or (args.workers is not None and args.workers < 1):
        ap.error("--repeat and --size must be >= 1, --warmup >= 0, --workers >= 1")
    return args


def main(argv=None):
    args = parse_args(sys.argv[1:] if argv is None else argv)
    if args.die_with_parent:
        watch_parent()
    paths = list_paths(args.source, args.subdir)
    if not paths:
        fail(f"no images in {args.source}")
    resample = FILTERS[args.filter] if args.filter else None
    out = {
        "python": platform.python_version(),
        "pillow": PIL.__version__,
        "numpy": np.__version__,
        "cpus": os.cpu_count(),
        "start_method": args.start_method or multiprocessing.get_start_method(),
        "inputs": len(paths),
        "size": args.size,
        "filter": args.filter or default_filter_name(),
        "filter_default": args.filter is None,
        "draft": args.draft,
    }
    if args.profile:
        out["profile"], errors = profile(paths, args, resample)
        out["images"] = len(paths) - len(errors)
        out["shape"] = [out["images"], args.size, args.size]
    else:
        out["methods"], errors = measure(paths, args, resample)
        sums = [m["checksum"] for m in out["methods"].values()]
        first = next(iter(out["methods"].values()))
        out["images"] = first["shape"][0]
        out["shape"] = first["shape"]
        out["checksum"] = sums[0]
        out["checksums_agree"] = all(s == sums[0] for s in sums)
    out["errors"] = [{"path": p, "error": e} for p, e in errors.items()]
    if args.json:
        json.dump(out, sys.stdout, indent=1)
        sys.stdout.write("\n")
    else:
        print_table(out)
    return 0


if __name__ == "__main__":
    sys.exit(main())
