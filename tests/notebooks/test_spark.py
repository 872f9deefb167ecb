"""The notebooks that need Spark (notebook 07) ran against a real Spark Connect server that this
session started and stopped through scripts/spark.sh (conftest.Runner, sparkserver.py): the server
started, the spark module's Go tests passed against it (none skipped), and stopping it left no JVM."""

from __future__ import annotations

import pytest

import nbrun
import sparkserver

OUT_DIR = nbrun.BUILD_DIR / "notebooks"
SPARK_NOTEBOOKS = [p for p in nbrun.list_notebooks() if sparkserver.needs_spark_file(p)]

each = pytest.mark.parametrize("path", SPARK_NOTEBOOKS, ids=[p.name for p in SPARK_NOTEBOOKS])


def test_a_notebook_uses_spark():
    assert SPARK_NOTEBOOKS, "no notebook imports the spark package: notebook 07 should"


def _server(path, run_notebook) -> sparkserver.Server:
    run_notebook(path, OUT_DIR)  # executed at most once per session: the server lived for that run
    server = sparkserver.SERVERS.get(path.resolve())
    assert server is not None, f"{path.name} ran without a Spark server from the test session"
    return server


@each
def test_server_started(path, run_notebook):
    server = _server(path, run_notebook)
    assert not server.failed, server.failed
    assert server.ready_seconds() is not None, f"scripts/spark.sh did not say how long start-up took:\n{server.start_output}"


@each
def test_go_package_against_the_live_server(path, run_notebook):
    server = _server(path, run_notebook)
    if server.failed:
        pytest.skip("the server did not start: see test_server_started")
    out = server.go_test.stdout + server.go_test.stderr
    assert server.go_test.returncode == 0, f"go test ./... in spark/ failed:\n{out[-4000:]}"
    assert "SKIP" not in out, f"Go tests were skipped although a server ran:\n{out[-4000:]}"
    for name in ("TestServerSumsAgreeWithGo", "TestServerDecimalPath", "TestServerRefusesAnOverflowingBigintSum", "TestServerSweep"):
        assert f"--- PASS: {name}" in out, f"{name} did not pass:\n{out[-4000:]}"


@each
def test_server_stopped_leaving_no_jvm(path, run_notebook):
    server = _server(path, run_notebook)
    assert server.stop_ok, f"scripts/spark.sh stop failed:\n{server.stop_output}"
    assert not server.leftover, f"JVMs left running after stop: {server.leftover}"
    assert not sparkserver.our_jvms(), f"a Spark Connect server JVM of the tests is running: {sparkserver.our_jvms()}"
