"""The per-notebook checks fail for wrong results and pass for right ones measured on a busy
machine: each is run here on notebooks made up of the lines a notebook prints."""

from __future__ import annotations

import nbformat
import pytest

import expectations


def notebook(stdout: str, *html: str) -> nbformat.NotebookNode:
    """A notebook with one code cell that printed stdout and displayed html."""
    nb = nbformat.v4.new_notebook()
    cell = nbformat.v4.new_code_cell("%%")
    cell.outputs = [nbformat.v4.new_output("stream", name="stdout", text=stdout)]
    cell.outputs += [nbformat.v4.new_output("display_data", data={"text/html": h}) for h in html]
    nb.cells = [cell]
    return nb


def charts(*kinds: str) -> list[str]:
    return [f'<div class="speedup-chart" id="c{i}" data-kind="{k}" data-title="t"></div>' for i, k in enumerate(kinds)]


def threads(cpu_goroutines: float, cpu_processes: float, one_by_one: str = "40µs", batched: str = "2µs", procs: int = 2) -> str:
    return f"""2 CPUs
burnt toast goroutines×8 on 1 core, traced: 1 of 2 Ps ran 8 workers, which ran 12% of the time
burnt toast goroutines×8, traced: {procs} of 2 Ps ran 8 workers, which ran 25% of the time
CPU-bound sequential:                speedup 1.00x
CPU-bound goroutines×8 on 1 core:    speedup 0.98x
CPU-bound goroutines×8:              speedup {cpu_goroutines:.2f}x
CPU-bound processes×2:               speedup {cpu_processes:.2f}x
I/O-bound sequential:                speedup 1.00x
I/O-bound goroutines×8 on 1 core:    speedup 7.90x
I/O-bound goroutines×8:              speedup 7.95x
I/O-bound processes×8:               speedup 6.10x
per task, sequential loop:            120ns
per task, goroutine pool:             170ns
per task, worker process, one by one: {one_by_one}
per task, worker process, batched:    {batched}
per worker, process start-up:         3.1ms
"""


@pytest.mark.parametrize(
    "case, text",
    [
        ("quiet machine", threads(1.95, 1.90)),
        ("busy machine: neither got two cores", threads(0.90, 1.30)),
    ],
)
def test_threads_processes_passes(case, text):
    expectations.check_threads_processes(notebook(text, *charts("states")))


@pytest.mark.parametrize(
    "case, text, complaint",
    [
        ("goroutines stuck on one core while processes had two", threads(1.02, 1.90), "processes gave"),
        ("batching that does not batch", threads(1.95, 1.90, batched="30µs"), "batching did not share"),
        ("a round trip as cheap as a goroutine", threads(1.95, 1.90, one_by_one="1µs"), "less than 10 goroutine"),
        ("goroutines on one P however busy the machine", threads(1.0, 1.2, procs=1), "ran on 1 Ps of 2 cores"),
    ],
)
def test_threads_processes_fails(case, text, complaint):
    with pytest.raises(AssertionError, match=complaint):
        expectations.check_threads_processes(notebook(text, *charts("states")))


def table(title: str, rows: list[tuple[str, str, str, str]]) -> str:
    """A kernelext comparison table: (strategy, workers, speedup, ideal) per row."""
    head = "".join(f"<th>{h}</th>" for h in ["strategy", "workers", "speedup", "ideal", "failed"])
    body = "".join(f"<tr><td>{s}</td><td>{w}</td><td>{sp}</td><td>{i}</td><td>0/40</td></tr>" for s, w, sp, i in rows)
    return f'<table class="speedup-table"><caption style="text-align:left">{title} — 40 tasks. wall = ...</caption><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>'


def test_no_pool_beats_its_ideal():
    right = table("toast", [("sequential", "1", "1.00×", "1.00×"), ("goroutines×4", "4", "4.40×", "4.00×")])
    expectations.no_pool_beats_its_ideal(expectations.table_rows(notebook("", right), "toast"))
    wrong = table("toast", [("sequential", "1", "1.00×", "1.00×"), ("goroutines×8 on 1 core", "8", "7.10×", "1.00×")])
    with pytest.raises(AssertionError, match="beats its ideal"):
        expectations.no_pool_beats_its_ideal(expectations.table_rows(notebook("", wrong), "toast"))


def test_ideal_capped_by_cores():
    rows = expectations.table_rows(
        notebook("", table("burnt toast", [("quiet", "8", "1.90×", "2.00×"), ("busy", "8", "1.70×", "2.09×"), ("uncapped", "8", "1.90×", "8.00×")])),
        "burnt toast",
    )
    expectations.ideal_capped_by_cores(rows["quiet"], 2)
    expectations.ideal_capped_by_cores(rows["busy"], 2)  # the baseline got 96 % of a core
    with pytest.raises(AssertionError, match="8 workers on 2 cores: ideal 8.00×"):
        expectations.ideal_capped_by_cores(rows["uncapped"], 2)


def test_table_rows_reads_the_named_table():
    nb = notebook("", table("burnt toast", [("sequential", "1", "1.00×", "1.00×")]), table("toast", [("goroutines×4", "4", "3.90×", "4.00×")]))
    assert list(expectations.table_rows(nb, "toast")) == ["goroutines×4"]
    assert expectations.table_rows(nb, "burnt toast")["sequential"]["ideal"] == "1.00×"
    with pytest.raises(AssertionError, match="no comparison table"):
        expectations.table_rows(nb, "bread")


def when(network: float, batched: float, one_by_one: float = 0.003) -> str:
    return f"""serial    5%: 1024 workers give   19.6x, the limit is 20
breakfast (20% serial by construction):  fitted serial fraction  19.0%, speedup limit 5.3x
network case:                            fitted serial fraction  {network:4.1f}%, speedup limit 9.9x
burnt toast on 2 cores:                  fitted serial fraction  48.0%, speedup limit 2.1x
tiny tasks, sequential:              1x
tiny tasks, goroutines×2:            0.9x
tiny tasks, processes×2, batch 1:    {one_by_one}x
tiny tasks, processes×2:             {batched}x
"""


def test_when_to_parallelize():
    kinds = charts("lines", "lines", "scaling", "scaling", "scaling")
    expectations.check_when_to_parallelize(notebook(when(4.2, 0.04), *kinds))
    with pytest.raises(AssertionError, match="batching did not help"):
        expectations.check_when_to_parallelize(notebook(when(4.2, 0.004), *kinds))
    with pytest.raises(AssertionError, match="nearly all waiting"):
        expectations.check_when_to_parallelize(notebook(when(95.0, 0.04), *kinds))
