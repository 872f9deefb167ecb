"""Shared fixtures: each notebook is executed once per session, whatever number of tests
look at it; timings are printed live and summarised at the end (and in build/.../timings.txt).
A notebook that needs Spark (imports the spark package: notebook 07) gets a real Spark Connect
server for its run, started just before and stopped right after (sparkserver.py); the spark
module's Go tests run against that server first."""

from __future__ import annotations

from pathlib import Path

import pytest

import nbrun
import sparkserver

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
            server = None
            if sparkserver.needs_spark_file(source):
                if sparkserver.skipped():
                    pytest.skip(f"{source.name} needs Spark and SPEEDUP_SPARK=skip: NOT run")
                server = self._start_spark(source)
            self._say(f"\n[notebooks] executing {source} ...")
            try:
                run = nbrun.execute(source, out_dir)
            finally:
                if server is not None:
                    server.stop()
                    self._say(f"[spark] server stopped: {'ok' if server.stop_ok else 'FAILED'}"
                              + (f"; JVMs left: {server.leftover}" if server.leftover else ", no JVM left"))
            _RUNS[source] = run
            status = "ok" if not run.stopped else run.stopped
            self._say(f"[notebooks] {run.name}: {run.seconds:.1f} s, saved {run.saved} ({status})")
        return _RUNS[source]


    def _start_spark(self, source: Path) -> sparkserver.Server:
        server = sparkserver.Server()
        sparkserver.SERVERS[source] = server
        self._say(f"\n[spark] {source.name} needs Spark: scripts/spark.sh start (a free port, state in {sparkserver.STATE_DIR})")
        server.start()
        if server.failed:
            self._say(f"[spark] {server.failed}")
            return server
        self._say(f"[spark] ready at {server.env['SPARK_REMOTE']}: server start-up {server.ready_seconds()} s "
                  f"({server.start_seconds:.1f} s with the install check)")
        server.run_go_tests()
        passed = server.go_test.returncode == 0
        warm = [ln.strip() for ln in server.go_test.stdout.splitlines() if ln.strip().startswith("--- ") and "Server" in ln]
        self._say(f"[spark] go test ./... in spark/ against it: {'ok' if passed else 'FAILED'} in {server.go_test_seconds:.1f} s"
                  + "".join(f"\n[spark]   {ln}" for ln in warm))
        return server


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
