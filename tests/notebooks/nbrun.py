"""Run GoNB notebooks headless through the real kernel, and check what they printed.

Used by test_notebooks.py (the project's notebooks) and test_checker.py (fixtures proving
that the checks catch GoNB's ways of reporting failures). Knobs, all environment variables:

  SPEEDUP_NOTEBOOKS_DIR         folder of notebooks to test (default: <repo>/notebooks)
  SPEEDUP_BUILD_DIR             where executed notebooks are saved (default: <repo>/build)
  SPEEDUP_OFFLINE               1 (default): the kernel runs with GOPROXY=off, proving the notebooks
                                need no module download after setup; 0: the kernel may download
  SPEEDUP_KERNEL_GOMODCACHE     the module cache the kernel uses (scripts/test.sh points it at one
                                that set-up's downloads alone filled); default: the usual one
  SPEEDUP_CELL_TIMEOUT          seconds one cell may take (default 600)
  SPEEDUP_NOTEBOOK_MAX_SECONDS  seconds a whole notebook may take, kernel start included (default 120;
                                a notebook may allow itself more in its metadata, "speedup": {"max_seconds": N},
                                as 07 does: each of its Spark queries costs 0.3 s on idle cores, 4 s on busy ones)

How GoNB v0.11.4 reports failures (seen through nbclient):
  * a cell that does not compile: a display_data text/html report (one <div> per line, the
    compiler message after a "gonb-err-location" span) plus an output_type "error" whose evalue
    is only 'failed to run ".../go build -o ...": exit status 1'. nbclient stops there.
  * a program that exits non-zero (os.Exit, log.Fatal, panic, kernelext.Check): a stderr stream
    line "exit status N" after whatever the program printed (a panic's stack, with GoNB's
    "[[ Cell [1] Line 2 ]]" markers, and an HTML report of the cell lines), then an output_type
    "error" with evalue "exit status N". nbclient stops there too.
  * a failing `!` shell line: NO error output, the cell's status is "ok" and execution goes
    on; the only trace is a stderr stream line "exit status N".
  So the checks below look at stderr text, joined per cell, as well as error outputs.
"""

from __future__ import annotations

import html.parser
import os
import re
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

ROOT = Path(__file__).resolve().parents[2]
NOTEBOOKS_DIR = Path(os.environ.get("SPEEDUP_NOTEBOOKS_DIR") or ROOT / "notebooks").resolve()
BUILD_DIR = Path(os.environ.get("SPEEDUP_BUILD_DIR") or ROOT / "build").resolve()
CELL_TIMEOUT = int(os.environ.get("SPEEDUP_CELL_TIMEOUT") or 600)
MAX_SECONDS = float(os.environ.get("SPEEDUP_NOTEBOOK_MAX_SECONDS") or 120)
MAX_BYTES = 2 * 1024 * 1024
KERNEL_NAME = "gonb"


def list_notebooks(folder: Path = NOTEBOOKS_DIR) -> list[Path]:
    """The notebooks to test: *.ipynb directly in folder, sorted by name."""
    return sorted(folder.glob("*.ipynb")) if folder.is_dir() else []


def kernel_env() -> dict[str, str]:
    """Environment for the kernel: ours, plus GOPROXY=off unless SPEEDUP_OFFLINE=0."""
    env = dict(os.environ)
    env["JUPYTER_PREFER_ENV_PATH"] = "1"  # the project's kernelspec in .venv wins over ~/.local
    if os.environ.get("SPEEDUP_OFFLINE", "1") != "0":
        env["GOPROXY"] = "off"
        # GOPROXY=off does not stop `go get` from asking the checksum database about modules
        # missing from go.sum: point it nowhere, so a notebook that needs it fails here too.
        env["GOSUMDB"] = "sum.golang.org https://127.0.0.1:9"
    if os.environ.get("SPEEDUP_KERNEL_GOMODCACHE"):
        env["GOMODCACHE"] = os.environ["SPEEDUP_KERNEL_GOMODCACHE"]
        env["GOFLAGS"] = (env.get("GOFLAGS", "") + " -modcacherw").strip()
    return env


@dataclass
class Run:
    """One executed notebook."""

    name: str
    source: Path
    saved: Path
    kernel_log: Path
    nb: nbformat.NotebookNode
    seconds: float = 0.0
    stopped: str | None = None  # why execution stopped early (exception summary), else None
    cell_seconds: dict[int, float] = field(default_factory=dict)  # cell index -> wall seconds

    @property
    def saved_bytes(self) -> int:
        return self.saved.stat().st_size if self.saved.exists() else 0

    def slowest_cell(self) -> tuple[int, float] | None:
        if not self.cell_seconds:
            return None
        return max(self.cell_seconds.items(), key=lambda kv: kv[1])


class _TimedClient(NotebookClient):
    """NotebookClient that times each cell with a monotonic clock (GoNB's message headers
    carry whole seconds only, so nbclient's recorded timestamps are too coarse)."""

    def __init__(self, *args, cell_seconds: dict[int, float], **kwargs):
        super().__init__(*args, **kwargs)
        self._cell_seconds = cell_seconds

    async def async_execute_cell(self, cell, cell_index, *args, **kwargs):
        t0 = time.perf_counter()
        try:
            return await super().async_execute_cell(cell, cell_index, *args, **kwargs)
        finally:
            if cell.cell_type == "code":
                self._cell_seconds[cell_index] = time.perf_counter() - t0


def execute(source: Path, out_dir: Path) -> Run:
    """Execute the notebook at source with the GoNB kernel, its working directory (and so
    $GONB_DIR) being the notebook's folder. Saves the executed notebook to out_dir/<name>
    and the kernel's own log to out_dir/<name>.kernel.log. Never raises for a failing
    notebook: a stop is recorded in Run.stopped and the outputs tell the rest."""
    out_dir.mkdir(parents=True, exist_ok=True)
    nb = nbformat.read(source, as_version=4)
    run = Run(
        name=source.name,
        source=source,
        saved=out_dir / source.name,
        kernel_log=out_dir / (source.name + ".kernel.log"),
        nb=nb,
    )
    kernel = nb.metadata.get("kernelspec", {}).get("name")
    if kernel != KERNEL_NAME:
        run.stopped = (
            f"not executed: metadata.kernelspec.name is {kernel!r}, expected {KERNEL_NAME!r} "
            "(choose the 'Go (gonb)' kernel in JupyterLab and save)"
        )
        return run
    client = _TimedClient(
        nb,
        timeout=CELL_TIMEOUT,
        startup_timeout=120,
        kernel_name=KERNEL_NAME,
        resources={"metadata": {"path": str(source.parent)}},
        allow_errors=False,  # stop at the first error output, like a reader would
        cell_seconds=run.cell_seconds,
    )
    t0 = time.perf_counter()
    with open(run.kernel_log, "w") as log:
        try:
            client.execute(env=kernel_env(), stderr=log)
        except CellExecutionError as e:
            where = next((f"cell[{i}]" for i, c in code_cells(nb) if any(o.output_type == "error" for o in c.outputs)), "a cell")
            run.stopped = f"stopped at {where}: {e.ename}: {_first_line(strip_ansi(e.evalue or ''))}"
        except Exception as e:  # kernel died, timed out, failed to start, ...
            where = f"at cell[{max(run.cell_seconds)}] " if run.cell_seconds else "before any cell ran "
            run.stopped = (
                f"stopped {where}by {type(e).__name__}: {_first_line(str(e)) or repr(e)} (kernel log: {run.kernel_log})"
            )
    run.seconds = time.perf_counter() - t0
    nbformat.write(nb, run.saved)
    return run


def _first_line(s: str) -> str:
    for line in s.strip().splitlines():
        if line.strip():
            return line.strip()[:300]
    return ""


# --- reading outputs ---------------------------------------------------------------------------

_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]")


def strip_ansi(s: str) -> str:
    return _ANSI.sub("", s)


def _text(value) -> str:
    return "".join(value) if isinstance(value, list) else (value or "")


def code_cells(nb):
    """(index in nb.cells, cell) for each code cell."""
    return [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]


def cell_label(name: str, index: int, cell) -> str:
    """'01_x.ipynb cell[4] (In [3], `first line of source`)' -- index is 0-based in nb.cells."""
    first = next((ln.strip() for ln in _text(cell.source).splitlines() if ln.strip()), "")
    if len(first) > 60:
        first = first[:57] + "..."
    count = cell.get("execution_count")
    return f"{name} cell[{index}] (In [{count if count is not None else ' '}], `{first}`)"


def stream_text(cell, name: str) -> str:
    """All text of the cell's stream outputs called name ('stdout' or 'stderr'), joined:
    GoNB may split one line over several stream messages."""
    return "".join(
        _text(o.get("text")) for o in cell.get("outputs", []) if o.output_type == "stream" and o.get("name") == name
    )


def html_outputs(cell) -> list[str]:
    """The text/html payloads of the cell's display_data / execute_result outputs."""
    return [
        _text(o.data["text/html"])
        for o in cell.get("outputs", [])
        if o.output_type in ("display_data", "execute_result", "update_display_data") and "text/html" in o.get("data", {})
    ]


class _GonbErrorText(html.parser.HTMLParser):
    """Visible text of GoNB's HTML error report, without <style> and the hover-only context."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0  # depth inside <style> or <div class="gonb-err-context">

    def handle_starttag(self, tag, attrs):
        cls = dict(attrs).get("class") or ""
        if self._skip:
            if tag in ("div", "style"):
                self._skip += 1
        elif tag == "style" or (tag == "div" and "gonb-err-context" in cls.split()):
            self._skip = 1
        elif tag in ("br", "div"):  # v0.11.1 broke lines with <br>, v0.11.4 puts each in a <div>
            self.parts.append("\n")

    def handle_endtag(self, tag):
        if self._skip and tag in ("div", "style"):
            self._skip -= 1
        elif tag == "div":
            self.parts.append("\n")  # GoNB v0.11.4 puts each line of the report in its own <div>

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data.replace("\n", " "))  # the template's newlines are layout only


def gonb_error_text(html_text: str) -> list[str]:
    """The lines of GoNB's compile-error report, e.g. 'Cell[1]: Line 2 ./main.go:10:1: declared and not used: x'."""
    p = _GonbErrorText()
    p.feed(html_text)
    lines = [" ".join(ln.split()) for ln in "".join(p.parts).splitlines()]
    return [ln for ln in lines if ln and not ln.startswith("# gonb_")]


# --- generic checks: each returns a list of problems, empty when fine ---------------------------

# stderr lines that mean failure. GoNB's own "exit status N" / "signal: X" is how a program that
# exits non-zero, panics or is killed shows up (no error output!), and so does a failing `!` line.
STDERR_FAILURE = re.compile(
    r"^(?:panic:|fatal error:|Error\b|ERROR\b|error:|exit status \d+|signal: \w+)", re.MULTILINE
)
CHART_CLASS = re.compile(r"""class\s*=\s*["'][^"']*(?<![\w-])speedup-chart(?![\w-])""")
REMOTE_RESOURCE = re.compile(
    r"""<(?:script|link|img|iframe)\b[^>]*\b(?:src|href)\s*=\s*["']?\s*(?:https?:)?//[^"'\s>]*""", re.IGNORECASE
)


def error_problems(name: str, nb) -> list[str]:
    """Error outputs, and stderr that shows a panic, an error or a non-zero exit."""
    problems = []
    for i, cell in code_cells(nb):
        label = cell_label(name, i, cell)
        for o in cell.get("outputs", []):
            if o.output_type == "error":
                report = [ln for h in html_outputs(cell) if "gonb-err" in h for ln in gonb_error_text(h)]
                tb = strip_ansi("\n".join(o.get("traceback") or []))
                problems.append(
                    f"{label}: error output {o.get('ename')}: {strip_ansi(o.get('evalue', ''))}"
                    + "".join(f"\n    GoNB: {ln}" for ln in report)
                    + (f"\n    traceback: {tb[-800:]}" if tb and tb.strip() != o.get("evalue", "").strip() else "")
                )
        err = strip_ansi(stream_text(cell, "stderr"))
        m = STDERR_FAILURE.search(err)
        if m:
            shown = "\n".join("      " + ln for ln in err.strip()[-1500:].splitlines())
            problems.append(f"{label}: stderr line {_line_at(err, m.start())!r}; the cell's stderr:\n{shown}")
    return problems


def _line_at(text: str, pos: int) -> str:
    end = text.find("\n", pos)
    return text[pos : end if end >= 0 else len(text)]


# The first chart output of a session calls the bundle's loader with the gzipped library in
# base64 (gzip's magic bytes encode as "H4sI").
ECHARTS_BUNDLE = re.compile(r'\)\(w,"H4sI')


def chart_problems(name: str, nb) -> list[str]:
    """At least one chart (text/html with class="speedup-chart"), and no HTML output that
    loads anything from the network (charts must render offline)."""
    problems = []
    charts = 0
    for i, cell in code_cells(nb):
        for h in html_outputs(cell):
            if CHART_CLASS.search(h):
                charts += 1
            for m in REMOTE_RESOURCE.finditer(h):
                problems.append(
                    f"{cell_label(name, i, cell)}: HTML output loads from the network "
                    f"(breaks offline use): {m.group(0)[:200]}"
                )
    if charts == 0:
        problems.insert(0, f'{name}: no chart output (a text/html output with class="speedup-chart")')
    # The ECharts library travels in the first chart output of a kernel session only; a
    # notebook run top to bottom in one session must hold exactly one copy (~270 KB).
    copies = sum(len(ECHARTS_BUNDLE.findall(h)) for _, cell in code_cells(nb) for h in html_outputs(cell))
    if charts and copies != 1:
        problems.append(f"{name}: the ECharts library is embedded {copies} times, want exactly once per kernel session")
    return problems


def size_problems(run: Run) -> list[str]:
    if run.saved_bytes >= MAX_BYTES:
        return [f"{run.name}: executed notebook is {run.saved_bytes / 1e6:.2f} MB, must be < {MAX_BYTES / 1e6:.2f} MB"]
    return []


def max_seconds(nb) -> float:
    """MAX_SECONDS, or more if the notebook's metadata asks for it ("speedup": {"max_seconds": N})."""
    return max(MAX_SECONDS, float(nb.metadata.get("speedup", {}).get("max_seconds", 0)))


def duration_problems(run: Run) -> list[str]:
    limit = max_seconds(run.nb)
    if run.seconds >= limit:
        slow = run.slowest_cell()
        hint = ""
        if slow:
            hint = f"; slowest: {cell_label(run.name, slow[0], run.nb.cells[slow[0]])} {slow[1]:.1f} s"
        return [f"{run.name}: took {run.seconds:.1f} s to run, must be < {limit:g} s{hint}"]
    return []
