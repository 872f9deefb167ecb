"""Per-notebook checks, on top of the generic ones every notebook gets (no errors, a chart,
offline HTML, size, time).

CHECKS maps a notebook's file name to a function that receives the executed notebook (an
nbformat NotebookNode) and asserts on what it printed. A notebook without an entry still gets
the generic checks. Helpers:

  all_text(nb)            stdout + text/plain + text/html of every code cell, concatenated
  find_line(nb, regex)    the first line of all_text(nb) matching regex (re.Match), or None
  require_line(nb, regex) like find_line, but fails with a clear message when nothing matches

Example:

    def check_toast(nb):
        m = require_line(nb, r"4 toasters: .* ([\\d.]+)x")
        assert float(m.group(1)) > 3, f"4 toasters should be ~4x faster, got {m.group(0)!r}"

    CHECKS = {"01_toast_and_coffee.ipynb": check_toast}
"""

from __future__ import annotations

import html
import re
from typing import Callable

from nbrun import _text, code_cells, strip_ansi


def all_text(nb) -> str:
    """stdout + text/plain + text/html of every code cell, in order, ANSI codes removed."""
    parts: list[str] = []
    for _, cell in code_cells(nb):
        for o in cell.get("outputs", []):
            if o.output_type == "stream" and o.get("name") == "stdout":
                parts.append(_text(o.get("text")))
            elif o.output_type in ("display_data", "execute_result"):
                for mime in ("text/plain", "text/html"):
                    if mime in o.get("data", {}):
                        parts.append(_text(o.data[mime]) + "\n")
    return strip_ansi("".join(parts))


def find_line(nb, regex: str | re.Pattern, flags: int = 0) -> re.Match | None:
    """The first line of all_text(nb) that regex matches (re.search), or None."""
    pattern = re.compile(regex, flags) if isinstance(regex, str) else regex
    for line in all_text(nb).splitlines():
        m = pattern.search(line)
        if m:
            return m
    return None


def require_line(nb, regex: str | re.Pattern, flags: int = 0) -> re.Match:
    """find_line, but an AssertionError naming the pattern when no line matches."""
    m = find_line(nb, regex, flags)
    assert m is not None, f"no output line matches {getattr(regex, 'pattern', regex)!r}"
    return m


# --- the per-notebook checks ------------------------------------------------------------------


def chart_kinds(nb) -> list[str]:
    """The data-kind of every chart in the notebook's outputs, in order."""
    return re.findall(r'class="speedup-chart"[^>]*? data-kind="(\w+)"', all_text(nb))


def number(nb, regex: str) -> float:
    """The first group of the first line matching regex, as a float."""
    return float(require_line(nb, regex).group(1))


def table_rows(nb, title: str) -> dict[str, dict[str, str]]:
    """The rows of the comparison table whose caption starts with title, by strategy: each
    a dict from column header to cell text (kernelext's HTML table, class speedup-table)."""
    text = all_text(nb)
    for m in re.finditer(r'<table class="speedup-table"><caption[^>]*>(.*?)</caption>(.*?)</table>', text, re.DOTALL):
        if not html.unescape(m.group(1)).startswith(title):
            continue
        head = [html.unescape(h) for h in re.findall(r"<th>(.*?)</th>", m.group(2))]
        rows = {}
        for tr in re.findall(r"<tr[^>]*>(.*?)</tr>", m.group(2), re.DOTALL):
            cells = [html.unescape(c) for c in re.findall(r"<td>(.*?)</td>", tr)]
            if cells:
                rows[cells[0]] = dict(zip(head, cells))
        return rows
    raise AssertionError(f"no comparison table titled {title!r}")


def times(cell: str) -> float:
    """'2.50×' -> 2.5"""
    return float(cell.rstrip("×"))


def ideal_capped_by_cores(row: dict[str, str], cores: int, share: float = 0.75) -> None:
    """CPU-bound work on more workers than cores: its ideal is the cores ÷ the baseline's CPU
    share, not the workers. On a quiet machine the share is 1 and the ideal the cores; on a
    busy one the baseline gets less of a core (measured: 0.96), so the ideal may stand a
    little above, never near the workers."""
    ideal, workers = times(row["ideal"]), int(row["workers"])
    assert ideal <= cores / share, f"{workers} workers on {cores} cores: ideal {row['ideal']}, want at most the cores ({cores}) ÷ a CPU share of {share:g}"


def no_pool_beats_its_ideal(rows: dict[str, dict[str, str]], slack: float = 1.25) -> None:
    """Load only slows runs down: a speedup well above what a strategy could reach is a
    measurement bug, whatever the machine is doing."""
    for name, r in rows.items():
        if r["speedup"] != "—":
            assert times(r["speedup"]) <= slack * times(r["ideal"]), f"{name}: speedup {r['speedup']} beats its ideal {r['ideal']}"


def check_start_here(nb):
    require_line(nb, r"^Go:\s+go1\.\d+")
    require_line(nb, r"^notebook:\s+true \(GoNB kernel\)$")
    require_line(nb, r"^gonb:\s+github\.com/janpfeifer/gonb v0\.11\.4$")
    require_line(nb, r"^go-echarts:\s+github\.com/go-echarts/go-echarts/v2 v")
    require_line(nb, r"Set-up check: 8 slices on 4 toasters: 8 tasks in [\d.]+ [mµ]?s \(CPU [^)]+\), 0 failed")
    assert chart_kinds(nb) == ["timeline"], f"charts: {chart_kinds(nb)}"


def check_toast_and_coffee(nb):
    # One toaster or four: the talk's 200 and 50 minutes, measured (sleeps only overshoot).
    one = number(nb, r"^1 toaster:\s+([\d.]+) talk minutes")
    assert 200 <= one < 300, f"one toaster should take ~200 talk minutes, took {one}"
    speedup = number(nb, r"^toaster speedup: ([\d.]+)x")
    # Measured side by side: four toasters take a quarter of the waiting, whatever the load
    # (the one-core loop's sleeps overshoot more on a busy machine, hence the room above 4).
    assert 2.5 < speedup < 6, f"4 toasters should be ~4x faster than one, got {speedup}x"
    slice_ms = number(nb, r"^toast one slice: ([\d.]+) ms per loop")
    assert 10 <= slice_ms < 20, f"a slice (2 minutes of 5 ms) took {slice_ms} ms"
    # Breakfast: 9 minutes synchronous, 5 asynchronous.
    sync = number(nb, r"^synchronous breakfast:\s+([\d.]+) talk minutes")
    async_ = number(nb, r"^asynchronous breakfast:\s+([\d.]+) talk minutes")
    assert 9 <= sync < 12 and 5 <= async_ < 7.5 and sync / async_ > 1.4, f"breakfast took {sync} / {async_} minutes, want ~9 / ~5"
    # The three strategies: every task done; waiting parallelizes on goroutines and processes.
    toast = table_rows(nb, "toast — 40 tasks")
    for row in ("sequential", "goroutines×4", "processes×4"):
        assert toast[row]["failed"] == "0/40", f"the toast comparison lost tasks: {toast[row]}"
    assert times(toast["goroutines×4"]["speedup"]) > 2.5 and times(toast["processes×4"]["speedup"]) > 2, f"toasters: {toast}"
    no_pool_beats_its_ideal(toast)
    # Burnt toast: the ideal is capped by the cores.
    burnt = table_rows(nb, "burnt toast — 12 tasks")
    cores = int(number(nb, r"^(\d+) CPU cores, GOMAXPROCS="))
    wide = next(r for name, r in burnt.items() if name.startswith("goroutines×") and int(r["workers"]) == 4 * cores)
    ideal_capped_by_cores(wide, cores)
    no_pool_beats_its_ideal(burnt)
    # A failing task fails alone, with the reason.
    require_line(nb, r"^19 of 20 slices toasted$")
    require_line(nb, r"unlucky toaster: task 12 on worker \d+ \(pid \d+\): slice 13 caught fire")
    # Amdahl's law recovered from measured runs: 20 % serial by construction.
    serial = number(nb, r"^serial fraction: fitted ([\d.]+)%, by construction 20.0%")
    assert 10 <= serial <= 35, f"fitted serial fraction {serial}% is far from the 20% built in"
    kinds = chart_kinds(nb)
    for kind in ("bars", "timeline", "times", "speedup", "lines", "scaling"):
        assert kind in kinds, f"no {kind} chart among {kinds}"
    assert len(kinds) >= 10, f"only {len(kinds)} charts: {kinds}"


def check_network_io(nb):
    # The local API answers with the real API's shape.
    require_line(nb, r"^http://127\.0\.0\.1:\d+: 16 stations, 144 timestamps from 2020-01-01T00:00:00\+08:00")
    # The talk's thread log, from goroutines.
    require_line(nb, r"^worker \d \(pid \d+\): running 2020-01-01$")
    require_line(nb, r"^worker \d \(pid \d+\): done with 2020-01-06$")
    # Every strategy fetched every day; no pool beat its physical limit; every pool waits
    # in parallel (side by side in one run, with room for a loaded machine).
    speedups = {}
    for row in ("sequential", "goroutines×8", "processes×8", "goroutines×40", "goroutines×100"):
        m = require_line(nb, rf"^{row}\s+\S+\s+\S+\s+([\d.]+)x\s+([\d.]+)x$")
        ratio, speedups[row] = float(m.group(1)), float(m.group(2))
        assert ratio >= 0.99, f"{row} beat its physical limit: {m.group(0)!r}"
    pools = {k: v for k, v in speedups.items() if k != "sequential"}
    assert min(pools.values()) > 1.5 and max(pools.values()) > 4, f"pools barely beat the loop: {pools}"
    rows = table_rows(nb, "fetch day — 100 tasks")
    assert [r["failed"] for r in rows.values()] == ["0/100"] * 5, f"a strategy lost requests: {rows}"
    require_line(nb, r"^in talk seconds: sequential \d+ s \(the talk: 977.88 s\), 40 goroutines [\d.]+ s \(the talk: 46.83 s\)$")
    # Faults: every failing request retried, nothing lost, same data as the clean run.
    injected = number(nb, r"^faults injected by the server: (\d+) ")
    slow = number(nb, r"^failed requests retried by the client: \d+ \(the (\d+) slow bodies")
    retried = number(nb, r"^failed requests retried by the client: (\d+) ")
    assert injected >= 20 and retried == injected - slow, f"{injected} faults ({slow} slow) but {retried} retries"
    require_line(nb, r"^days fetched: 100 of 100, 100 identical to the clean run, 0 failed$")
    # The data is used.
    require_line(nb, r"^2020-01-01: mean 2\d\.\d\d °C \(2\d\.\d–[23]\d\.\d\); 2020-04-09: mean 2\d\.\d\d °C$")
    require_line(nb, r"^skipped: set useRealAPI = true")
    kinds = chart_kinds(nb)
    for kind in ("times", "speedup", "timeline", "bars", "lines"):
        assert kind in kinds, f"no {kind} chart among {kinds}"


def check_image_processing(nb):
    n = int(number(nb, r"^(\d+) images in \S+/chest_xray/train/NORMAL$"))
    for row in ("sequential", r"goroutines×\d+", r"processes×\d+"):
        require_line(nb, rf"^Go {row}:\s+[\d.]+ images/s \([\d.]+x\)$")
    require_line(nb, rf"^gathered: {n * 64 * 64} bytes, shape \({n}, 64, 64\)$")
    # Bad files fail alone, each with its path; the rest of the batch is kept.
    require_line(nb, r"^6 of 9 images resized$")
    for bad in ("corrupt.jpeg", "notes.jpeg", "missing.jpeg"):
        require_line(nb, rf"^\s+resize: task \d on worker \d \(pid \d+\): .*\$TMP/{re.escape(bad)}")
    require_line(nb, r"^fitted serial fraction: [\d.]+% on \d+ cores$")
    # The talk's Python on the same files (the project's .venv has Pillow and NumPy).
    require_line(nb, r"^Python: all three methods gathered the same array: true$")
    before = number(nb, r"^before optimizing: best Go / Python ProcessPoolExecutor = ([\d.]+)$")
    # Where the time goes: the profile of the resize, its callees (the decoder inside xray.Resize,
    # imaging's filter on goroutines of its own), saved for pprof; Python's own profile beside it.
    require_line(nb, r"resize, one core, CPU profile: .* of CPU, \d+% in the task;.*saved as .*profiles/resize-one-core\.pb\.gz")
    require_line(nb, r"resize, one core, inside the task: .*xray\.Resize \d+% \([\d.]+ [mµ]s a task\)")
    require_line(nb, r"^per image: Python decode [\d.]+ ms, resize [\d.]+ ms$")
    # Side by side in one session: decoding at 1/8 scale must beat the full decode by far.
    gain = number(nb, r"^Go optimized: sequential [\d.]+ images/s \(([\d.]+)x the plain loop\)")
    assert gain > 2, f"decoding at 1/8 scale gained only {gain}x"
    after = number(nb, r"^after optimizing: best Go / Python ProcessPoolExecutor = ([\d.]+);")
    assert after > before, f"the optimization did not improve Go against Python: {before} -> {after}"
    kinds = chart_kinds(nb)
    for kind in ("times", "speedup", "timeline", "scaling", "bars", "flame"):
        assert kind in kinds, f"no {kind} chart among {kinds}"


def check_data_processing(nb):
    m = require_line(nb, r"^crossover: \d+ goroutines beat the preallocated loop from n = (\d+) on")
    crossover = int(m.group(1))
    assert crossover == 0 or crossover > 100, f"a goroutine pool beat a 100-element loop: {m.group(0)!r}"
    # Side by side: preallocating is faster, and allocates less (exactly: once).
    prealloc = number(nb, r"^at n = 1e\d: append [\d.e-]+s, preallocated [\d.e-]+s \(([\d.]+)x faster\)")
    assert prealloc > 1.5, f"preallocating gained only {prealloc}x over appending"
    less = number(nb, r"^at n = 1e\d: append allocates [\d.e+]+ MB per call, preallocated [\d.e+]+ MB \(([\d.]+)x less\)")
    assert less > 1.5, f"appending allocated only {less}x the preallocated loop"
    require_line(nb, r"^preallocated\s+n=1e\d: .* in 1 allocation per loop$")
    # Python measured beside Go (the project's .venv, or python3).
    require_line(nb, r"^Python 3\.\d+")
    ratio = number(nb, r"^1e6\s+\S+\s+\S+\s+\S+\s+\S+\s+(\d+)x$")
    assert ratio > 3, f"Python's list comprehension was only {ratio}x slower than Go's loop at 1e6"
    kinds = chart_kinds(nb)
    assert kinds.count("lines") >= 4, f"charts: {kinds}"


def check_threads_processes(nb):
    cpus = int(number(nb, r"^(\d+) CPUs$"))
    # The scheduler's view, whatever the load: on one core one P ran the eight workers, on all
    # cores as many Ps as cores.
    require_line(nb, r"goroutines×8 on 1 core, traced: 1 of \d+ Ps ran 8 workers")
    procs = int(number(nb, r"goroutines×8, traced: (\d+) of \d+ Ps ran 8 workers"))
    assert procs == min(cpus, 8), f"goroutines×8 ran on {procs} Ps of {cpus} cores"
    assert "states" in chart_kinds(nb), f"no scheduler chart among {chart_kinds(nb)}"
    gil = number(nb, r"^CPU-bound goroutines×8 on 1 core:\s+speedup ([\d.]+)x$")
    assert gil < 1.3, f"goroutines on one core sped up CPU-bound work {gil}x: the GIL analogy is broken"
    if cpus >= 2:
        free = number(nb, r"^CPU-bound goroutines×8:\s+speedup ([\d.]+)x$")
        procs = number(nb, r"^CPU-bound processes×\d+:\s+speedup ([\d.]+)x$")
        # Measured side by side: when the machine gave the processes their cores, it gave
        # them to the goroutines too. On a busy machine neither gets them, and this says nothing.
        if procs > 1.5:
            assert free > 0.7 * procs, f"goroutines on {cpus} cores gave {free}x where processes gave {procs}x"
    for row in ("goroutines×8 on 1 core", "goroutines×8", "processes×8"):
        io = number(nb, rf"^I/O-bound {row}:\s+speedup ([\d.]+)x$")
        assert io > 4, f"I/O-bound {row} gave only {io}x: waiting should parallelize on any core count"
    pool = number(nb, r"^per task, goroutine pool:\s+([\d.]+)[nµm]?s$") * _unit(nb, r"^per task, goroutine pool:\s+[\d.]+([nµm]?s)$")
    one = number(nb, r"^per task, worker process, one by one:\s+([\d.]+)[nµm]?s$") * _unit(nb, r"^per task, worker process, one by one:\s+[\d.]+([nµm]?s)$")
    batched = number(nb, r"^per task, worker process, batched:\s+([\d.]+)[nµm]?s$") * _unit(nb, r"^per task, worker process, batched:\s+[\d.]+([nµm]?s)$")
    require_line(nb, r"^per worker, process start-up:\s+\d")
    assert one > 10 * pool, f"a process round trip ({one} s) costs less than 10 goroutine hand-offs ({pool} s)"
    assert batched * 3 < one, f"batching did not share the round trips: {batched} s a task batched, {one} s one by one"


_UNITS = {"ns": 1e-9, "µs": 1e-6, "ms": 1e-3, "s": 1.0}


def _unit(nb, regex: str) -> float:
    return _UNITS[require_line(nb, regex).group(1)]


def check_when_to_parallelize(nb):
    require_line(nb, r"^serial\s+5%: 1024 workers give\s+19\.\dx, the limit is 20$")
    breakfast = number(nb, r"^breakfast \(20% serial by construction\):\s+fitted serial fraction\s+([\d.]+)%")
    assert 10 <= breakfast <= 35, f"breakfast fitted {breakfast}% serial, built with 20%"
    network = number(nb, r"^network case:\s+fitted serial fraction\s+([\d.]+)%")
    assert network < 30, f"the network case fitted {network}% serial: it should be nearly all waiting"
    require_line(nb, r"^burnt toast on \d+ cores:\s+fitted serial fraction\s+[\d.]+%")
    one_by_one = number(nb, r"^tiny tasks, processes×\d+, batch 1:\s+([\d.e-]+)x$")
    batched = number(nb, r"^tiny tasks, processes×\d+:\s+([\d.e-]+)x$")
    assert one_by_one < 0.1, f"worker processes on 1 ns tasks, one by one, came out at {one_by_one}x the loop"
    assert batched > 3 * one_by_one, f"batching did not help tiny tasks: {batched}x against {one_by_one}x one by one"
    kinds = chart_kinds(nb)
    assert kinds.count("lines") >= 2 and kinds.count("scaling") >= 3, f"charts: {kinds}"


def check_spark(nb):
    # The server answered, and its fixed costs were measured and printed.
    require_line(nb, r"^Spark 4\.\d+\.\d+ at sc://[\w.:-]+: connected in [\d.]+ s$")
    require_line(nb, r"^server start-up: [\d.]+ s \(local\[\d+\], started by make spark at")
    first = number(nb, r"^first query: ([\d.]+) s")
    query = number(nb, r"^per-query overhead: Spark ([\d.]+) s, \d+ goroutines [\d.]+ µs")
    pool = number(nb, r"^per-query overhead: Spark [\d.]+ s, \d+ goroutines ([\d.]+) µs")
    assert 0 < query < 30 and first > 0, f"Spark's overheads: first query {first} s, each query {query} s"
    assert pool * 1e-6 < query, f"a goroutine pool call ({pool} µs) cost more than a Spark query ({query} s)"
    # Every engine ran every size, each answer equal to the closed form (Sweep checks each call).
    m = require_line(nb, r"^every engine ran every size: (\d+) sizes from 1e(\d+) to 1e(\d+), all sums equal to n\(n-1\)\(2n-1\)/6$")
    sizes, lo, hi = (int(g) for g in m.groups())
    assert sizes == hi - lo + 1 >= 5, f"only {sizes} sizes: {m.group(0)!r}"
    assert find_line(nb, r"^FAILED ") is None, f"a run failed: {find_line(nb, r'^FAILED .*').group(0)!r}"
    for e in range(lo, hi + 1):
        row = require_line(nb, rf"^1e{e}\s+(.*)$").group(1)
        assert len(re.findall(r"[\d.e+-]+ s \(\d runs?\)", row)) == 3, f"1e{e}: not every engine has a time: {row!r}"
    # The crossover, reasoned from the fitted costs.
    cost = r"[\d.]+ [µm]?s \+ [\d.]+ ns/row"
    require_line(nb, rf"^fitted: Go loop: {cost}; \d+ goroutines: {cost}; Spark: {cost}$")
    need = number(nb, r"^Spark needs more than ([\d.]+) machines like this one before any size beats")
    assert need > 0.1, f"Spark needs {need} machines: the per-row costs are off"
    on = re.findall(r"^on\s+(\d+) machines?:\s+Spark (wins from n = \S+ rows|never wins)", all_text(nb), re.MULTILINE)
    assert [m for m, _ in on] == ["1", "4", "16", "64"], f"crossover lines: {on}"
    kinds = chart_kinds(nb)
    assert kinds.count("lines") >= 3 and "bars" in kinds, f"charts: {kinds}"


CHECKS: dict[str, Callable] = {
    "00_start_here.ipynb": check_start_here,
    "01_toast_and_coffee.ipynb": check_toast_and_coffee,
    "02_network_io.ipynb": check_network_io,
    "03_image_processing.ipynb": check_image_processing,
    "04_data_processing.ipynb": check_data_processing,
    "05_threads_processes_gil.ipynb": check_threads_processes,
    "06_when_to_parallelize.ipynb": check_when_to_parallelize,
    "07_when_one_machine_is_not_enough.ipynb": check_spark,
}
