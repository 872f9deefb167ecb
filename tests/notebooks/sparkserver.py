"""A real Spark Connect server for the notebooks that need one (notebook 07), started and stopped
by the test session through scripts/spark.sh, the same script behind `make spark`.

The server gets a free port and a state folder of its own (build/spark-test/), so a server the
user started with `make spark` (port 15002, build/spark/) is neither reused nor disturbed. While
it runs, SPARK_REMOTE, SPARK_CONNECT_PORT and SPEEDUP_SPARK_STATE are set in os.environ, which
the kernel inherits (nbrun.kernel_env). Knob: SPEEDUP_SPARK=skip skips the notebooks that need
Spark, loudly (the Docker image built without --build-arg WITH_SPARK=true has no Spark)."""

from __future__ import annotations

import os
import socket
import subprocess
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

import nbrun

SCRIPT = nbrun.ROOT / "scripts" / "spark.sh"
SPARK_MODULE_DIR = nbrun.ROOT / "spark"
STATE_DIR = nbrun.BUILD_DIR / "spark-test"
IMPORT = "github.com/speedup-go/speedup/spark"


SERVERS: dict = {}  # notebook path -> the Server its run had (filled by conftest.Runner)


def needs_spark(nb) -> bool:
    """Whether a notebook imports the spark package (so needs a Spark Connect server)."""
    return any(IMPORT in nbrun._text(c.source) for _, c in nbrun.code_cells(nb))


def needs_spark_file(path: Path) -> bool:
    return needs_spark(nbformat.read(path, as_version=4))


def skipped() -> bool:
    return os.environ.get("SPEEDUP_SPARK", "") == "skip"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Server:
    """One server's life: start, the spark module's Go tests against it, stop."""

    port: int = 0
    env: dict[str, str] = field(default_factory=dict)
    start_seconds: float = 0.0
    start_output: str = ""
    go_test: subprocess.CompletedProcess | None = None
    go_test_seconds: float = 0.0
    stop_output: str = ""
    stop_ok: bool | None = None  # None: not stopped yet
    leftover: list[str] = field(default_factory=list)  # JVMs of this checkout still running after stop
    failed: str | None = None  # why it could not start
    _saved_env: dict[str, str | None] = field(default_factory=dict)

    def start(self) -> None:
        self.port = _free_port()
        self.env = {
            "SPARK_CONNECT_PORT": str(self.port),
            "SPARK_REMOTE": f"sc://127.0.0.1:{self.port}",
            "SPEEDUP_SPARK_STATE": str(STATE_DIR),
        }
        for k, v in self.env.items():
            self._saved_env[k] = os.environ.get(k)
            os.environ[k] = v
        t0 = time.perf_counter()
        p = subprocess.run(["bash", str(SCRIPT), "start"], capture_output=True, text=True, timeout=900)
        self.start_seconds = time.perf_counter() - t0
        self.start_output = nbrun.strip_ansi(p.stdout + p.stderr)
        if p.returncode != 0:
            self.failed = f"scripts/spark.sh start failed (exit status {p.returncode}):\n{self.start_output[-3000:]}"

    def run_go_tests(self) -> None:
        """go test ./... in spark/ against this server; SPEEDUP_SPARK_REQUIRED=1 makes a missing
        server a failure rather than a skip. The first query also warms the server up."""
        env = dict(os.environ, SPEEDUP_SPARK_REQUIRED="1")
        t0 = time.perf_counter()
        self.go_test = subprocess.run(
            ["go", "test", "-count=1", "-v", "./..."], cwd=SPARK_MODULE_DIR, env=env, capture_output=True, text=True, timeout=900
        )
        self.go_test_seconds = time.perf_counter() - t0

    def stop(self) -> None:
        p = subprocess.run(["bash", str(SCRIPT), "stop"], capture_output=True, text=True, timeout=120, env=dict(os.environ))
        self.stop_output = nbrun.strip_ansi(p.stdout + p.stderr)
        self.stop_ok = p.returncode == 0
        self.leftover = our_jvms()
        for k, v in self._saved_env.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v

    def ready_seconds(self) -> float | None:
        """The server's own start-up time as scripts/spark.sh measured it (its 'ready in X s')."""
        import re

        m = re.search(r"ready at \S+ in ([\d.]+) s", self.start_output)
        return float(m.group(1)) if m else None


def our_jvms() -> list[str]:
    """'pid cmdline' of every Spark Connect server JVM of the test's state folder (scripts/spark.sh
    gives each -Djava.io.tmpdir=<state>/tmp)."""
    marker = f"-Djava.io.tmpdir={STATE_DIR}/tmp "
    out = []
    for d in Path("/proc").glob("[0-9]*"):
        try:
            cmd = (d / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "SparkConnectServer" in cmd and marker in cmd:
            out.append(f"{d.name} {cmd[:160]}")
    return out
