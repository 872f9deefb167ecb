"""Shared fixtures: each notebook is executed once per session, whatever number of tests
look at it; timings are printed live and summarised at the end (and in build/.../timings.txt)."""

from __future__ import annotations

from pathlib import Path

import pytest

import nbrun

_RUNS: dict[Path, nbrun.Run] = {}


class Runner:
    def __init__(self, config):
        self._tr = config.pluginmanager.get_plugin("terminalreporter")
        self._capture = config.pluginmanager.get_plugin("capturemanager")

    def _say(self, msg: str) -> None:
        """Print now, even while pytest captures output (executions take a while)."""
        if self._tr is None:
            return
        if self._capture is not None:
            with self._capture.global_and_fixture_disabled():
                self._tr.write_line(msg)
        else:
            self._tr.write_line(msg)

    def __call__(self, source: Path, out_dir: Path) -> nbrun.Run:
        source = source.resolve()
        if source not in _RUNS:
            self._say(f"\n[notebooks] executing {source} ...")
            run = nbrun.execute(source, out_dir)
            _RUNS[source] = run
            status = "ok" if not run.stopped else run.stopped
            self._say(f"[notebooks] {run.name}: {run.seconds:.1f} s, saved {run.saved} ({status})")
        return _RUNS[source]


@pytest.fixture(scope="session")
def run_notebook(pytestconfig) -> Runner:
    """run_notebook(path, out_dir) -> nbrun.Run, executing each notebook at most once."""
    return Runner(pytestconfig)


def pytest_terminal_summary(terminalreporter):
    if not _RUNS:
        return
    lines = [f"{'notebook':40} {'seconds':>8} {'MB':>6}  slowest cell", "-" * 90]
    for run in _RUNS.values():
        slow = run.slowest_cell()
        slow_s = f"cell[{slow[0]}] {slow[1]:.1f} s" if slow else "-"
        flag = "" if not run.stopped else "  STOPPED: " + run.stopped
        lines.append(f"{run.name:40} {run.seconds:8.1f} {run.saved_bytes / 1e6:6.2f}  {slow_s}{flag}")
    terminalreporter.section("notebook timings (kernel start included)")
    for line in lines:
        terminalreporter.write_line(line)
    for out_dir in sorted({run.saved.parent for run in _RUNS.values()}):
        with open(out_dir / "timings.txt", "w") as f:
            f.write("\n".join(ln for ln, run in zip(lines[2:], _RUNS.values()) if run.saved.parent == out_dir) + "\n")
