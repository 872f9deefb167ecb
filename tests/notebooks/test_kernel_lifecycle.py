"""The kernel's life and death, through the project's kernelspec and jupyter_client:

* nothing the kernel started outlives it, however it ends: its process group killed
  (jupyter_client's kill, when a kernel does not shut down in time), the process that
  started it killed (the Jupyter server dying), or a graceful shutdown;
* the stop button stops a cell at any moment: 0.3 s and 1.5 s after the cell was sent
  (GoNB is still building it) and while its worker processes run; no worker is left and
  the next cell runs.

Every process of a kernel carries a marker in its environment (SPEEDUP_KERNEL_TEST_MARKER),
inherited by gonb, gopls, the cell's program and its workers, so that a process that
escaped is found wherever it was reparented. Times are measured and printed (and saved to
build/kernel-lifecycle.txt); bounds on time are generous, what is left is checked exactly.

Knobs (environment): SPEEDUP_LIFECYCLE_KERNEL names another kernelspec (e.g. a plain gonb
one, to measure what happens without the guard), SPEEDUP_INTERRUPT_TRIALS trials per
interrupt moment (default 3).
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from jupyter_client import BlockingKernelClient, KernelManager

import nbrun

os.environ.setdefault("JUPYTER_PREFER_ENV_PATH", "1")  # the project's kernelspec, as scripts/lib.sh does

KERNEL = os.environ.get("SPEEDUP_LIFECYCLE_KERNEL") or nbrun.KERNEL_NAME
TRIALS = int(os.environ.get("SPEEDUP_INTERRUPT_TRIALS") or 3)
MARKER_VAR = "SPEEDUP_KERNEL_TEST_MARKER"
ROOT = nbrun.ROOT
OUT_DIR = nbrun.BUILD_DIR / "kernel-lifecycle"
REPORT = nbrun.BUILD_DIR / "kernel-lifecycle.txt"

GONE_WITHIN = 15.0  # seconds for every process of an ended kernel to be gone
STOP_WITHIN = 5.0  # seconds from an interrupt to the end of the cell
# gopls is optional (make setup carries on without it): expect it only if the kernel finds it.
HAS_GOPLS = shutil.which("gopls", path=os.pathsep.join([str(ROOT / ".tools" / "bin"), os.environ.get("PATH", "")])) is not None

# The notebooks' first cell, with the repository's absolute path (no $GONB_DIR needed).
FIRST_CELL = (
    "!*go mod edit -require=github.com/speedup-go/speedup@v0.0.0-00010101000000-000000000000 "
    f"-replace=github.com/speedup-go/speedup={shlex.quote(str(ROOT))} && cat {shlex.quote(str(ROOT / 'go.sum'))} >> go.sum"
)


def pool_cell(tasks: int, task_ms: int, tag: str) -> str:
    """A cell that runs `tasks` naps of task_ms on kernelext.Processes(2) and prints how Map
    returned ('<nil>': it ran to completion). tag makes each cell's program new, so that GoNB
    compiles and links it again (an unchanged program is not rebuilt)."""
    return f"""import (
	"context"
	"fmt"
	"time"

	"github.com/speedup-go/speedup/kernelext"
)

var nap = kernelext.NewTask("nap", func(ctx context.Context, i int) (int, error) {{
	select {{
	case <-time.After({task_ms} * time.Millisecond):
		return i, nil
	case <-ctx.Done():
		return 0, ctx.Err()
	}}
}})

const trial = {json.dumps(tag)}

%%
start := time.Now()
_, err := kernelext.Map(context.Background(), kernelext.Processes(2), nap, make([]int, {tasks}))
fmt.Printf("map returned after %.1f s: %v\\n", time.Since(start).Seconds(), err)
"""


COMPLETED = re.compile(r"map returned after [\d.]+ s: <nil>")


# --- processes -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Proc:
    pid: int
    ppid: int
    comm: str
    state: str
    start: int  # clock ticks after boot: with pid, names one process for good

    def __str__(self) -> str:
        return f"{self.comm}({self.pid}, parent {self.ppid}, state {self.state})"


def read_proc(pid: int) -> Proc | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_bytes().decode(errors="replace")
    except OSError:
        return None
    comm = stat[stat.index("(") + 1 : stat.rindex(")")]
    f = stat[stat.rindex(")") + 2 :].split()
    return Proc(pid=pid, ppid=int(f[1]), comm=comm, state=f[0], start=int(f[19]))


def environ(pid: int) -> dict[str, str]:
    try:
        raw = Path(f"/proc/{pid}/environ").read_bytes()
    except OSError:
        return {}
    return dict(kv.split("=", 1) for kv in raw.decode(errors="replace").split("\0") if "=" in kv)


def marked(marker: str) -> list[Proc]:
    """The living processes that carry the marker (zombies have no environment left)."""
    out = []
    needle = f"{MARKER_VAR}={marker}".encode()
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            raw = Path(f"/proc/{name}/environ").read_bytes()
        except OSError:
            continue
        if needle in raw.split(b"\0"):
            p = read_proc(int(name))
            if p and p.state != "Z":
                out.append(p)
    return out


def alive(p: Proc) -> bool:
    q = read_proc(p.pid)
    return q is not None and q.start == p.start and q.state != "Z"


def wait_for(what: str, cond, timeout: float, every: float = 0.05):
    """Poll cond() until it returns something truthy; fail after timeout seconds."""
    deadline = time.monotonic() + timeout
    while True:
        v = cond()
        if v:
            return v
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:g} s waiting for {what}", pytrace=False)
        time.sleep(every)


def cell_programs(marker: str) -> list[Proc]:
    """The cell's programs and their workers: GoNB names the binary gonb_<id>."""
    return [p for p in marked(marker) if p.comm.startswith("gonb_")]


def workers(marker: str) -> list[Proc]:
    """Worker processes: a cell program whose parent is a cell program (the same binary)."""
    progs = {p.pid: p for p in cell_programs(marker)}
    return [p for p in progs.values() if p.ppid in progs]


# --- kernels -------------------------------------------------------------------------------------


def kernel_env(marker: str, tmp: Path | None = None) -> dict[str, str]:
    env = nbrun.kernel_env()
    env[MARKER_VAR] = marker
    if tmp is not None:  # GoNB's folder and named pipes go there
        tmp.mkdir(parents=True, exist_ok=True)
        env["TMPDIR"] = str(tmp)
    return env


@dataclass
class Cell:
    stdout: str = ""
    stderr: str = ""
    errors: list[str] = field(default_factory=list)  # "ename: evalue" of error outputs
    html: list[str] = field(default_factory=list)
    status: str = ""  # of the execute_reply
    ended: float = 0.0  # time.monotonic() when the kernel went idle

    def shown(self) -> str:
        """What a reader sees of a failed cell, in one line."""
        parts = [nbrun.strip_ansi(e) for e in self.errors]
        parts += [ln for h in self.html if "gonb-err" in h for ln in nbrun.gonb_error_text(h)]
        if self.stderr.strip():
            parts.append("stderr: " + " | ".join(nbrun.strip_ansi(self.stderr).strip().splitlines()[-3:]))
        return "; ".join(parts)[:400]


def collect(kc, msg_id: str, timeout: float) -> Cell:
    """The outputs of the request msg_id, up to the kernel going idle, and its reply."""
    cell = Cell()
    deadline = time.monotonic() + timeout
    while True:
        left = deadline - time.monotonic()
        if left <= 0:
            pytest.fail(f"the cell did not finish within {timeout:g} s; so far: {cell}", pytrace=False)
        try:
            msg = kc.get_iopub_msg(timeout=min(left, 1.0))
        except Exception:  # queue.Empty
            continue
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "stream":
            if content["name"] == "stdout":
                cell.stdout += content["text"]
            else:
                cell.stderr += content["text"]
        elif kind == "error":
            cell.errors.append(f"{content.get('ename')}: {content.get('evalue')}")
        elif kind in ("display_data", "update_display_data", "execute_result"):
            if "text/html" in content.get("data", {}):
                cell.html.append(content["data"]["text/html"])
        elif kind == "status" and content["execution_state"] == "idle":
            cell.ended = time.monotonic()
            break
    while True:
        reply = kc.get_shell_msg(timeout=max(deadline - time.monotonic(), 5.0))
        if reply.get("parent_header", {}).get("msg_id") == msg_id:
            cell.status = reply["content"]["status"]
            return cell


def run(kc, code: str, timeout: float = 300) -> Cell:
    return collect(kc, kc.execute(code, allow_stdin=False), timeout)


def run_ok(kc, code: str, timeout: float = 300) -> Cell:
    cell = run(kc, code, timeout)
    problems = cell.errors + [ln for ln in cell.stderr.splitlines() if nbrun.STDERR_FAILURE.match(nbrun.strip_ansi(ln))]
    assert cell.status == "ok" and not problems, f"cell failed: {cell.shown()}\n--- code:\n{code}"
    return cell


def start_gopls_and_pool(kc, marker: str, tag: str) -> list[Proc]:
    """Ask for a completion (GoNB talks to gopls), start a long Processes(2) run, wait until
    its two workers run, and return every process of the kernel."""
    code = 'import "strings"\n%%\nstrings.'
    msg_id = kc.complete(code, len(code))
    while kc.get_shell_msg(timeout=120).get("parent_header", {}).get("msg_id") != msg_id:
        pass
    kc.execute(pool_cell(60, 1000, tag), allow_stdin=False)  # 30 s on two workers
    wait_for("the run's two worker processes", lambda: len(workers(marker)) >= 2, 180)
    if HAS_GOPLS:
        wait_for("gopls", lambda: any(p.comm == "gopls" for p in marked(marker)), 60)
    return marked(marker)


def report(line: str) -> None:
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    with open(REPORT, "a") as f:
        f.write(line + "\n")


@pytest.fixture
def say(pytestconfig):
    capture = pytestconfig.pluginmanager.get_plugin("capturemanager")
    tr = pytestconfig.pluginmanager.get_plugin("terminalreporter")

    def _say(line: str) -> None:
        report(line)
        if tr is None:
            return
        if capture is not None:
            with capture.global_and_fixture_disabled():
                tr.write_line(line)
        else:
            tr.write_line(line)

    return _say


# Started by the test of a dying server: a Jupyter server in miniature, which starts the
# kernel, says where it is, and waits to be killed.
SERVER = """
import json, os, sys, time
from jupyter_client import KernelManager
kernel, cwd, out, log, marker = sys.argv[1:6]
km = KernelManager(kernel_name=kernel)
km.start_kernel(env=dict(os.environ, %s=marker), cwd=cwd, stderr=open(log, "w"))
with open(out + ".tmp", "w") as f:
    json.dump({"connection_file": km.connection_file, "pid": km.provisioner.process.pid}, f)
os.rename(out + ".tmp", out)
while True:
    time.sleep(60)
""" % MARKER_VAR


@pytest.mark.parametrize("ending", ["killpg", "server-killed", "shutdown"])
def test_nothing_outlives_the_kernel(ending, tmp_path, say):
    marker = uuid.uuid4().hex
    env = kernel_env(marker, tmp_path / "tmp")
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    log = OUT_DIR / f"{ending}.kernel.log"
    km = server = None
    if ending == "server-killed":
        info = tmp_path / "kernel.json"
        env.pop(MARKER_VAR)  # the server passes it to the kernel only
        server = subprocess.Popen([sys.executable, "-c", SERVER, KERNEL, str(tmp_path), str(info), str(log), marker], env=env)
        wait_for("the helper server to start the kernel", info.exists, 120)
        started = json.loads(info.read_text())
        kc = BlockingKernelClient(connection_file=started["connection_file"])
        kc.load_connection_file()
        leader = started["pid"]
    else:
        km = KernelManager(kernel_name=KERNEL)
        km.start_kernel(env=env, cwd=str(tmp_path), stderr=open(log, "w"))
        kc = km.client()
        leader = km.provisioner.process.pid
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        run_ok(kc, FIRST_CELL)
        before = start_gopls_and_pool(kc, marker, ending)
    except BaseException:
        for p in marked(marker):
            os.kill(p.pid, signal.SIGKILL)
        if server:
            server.kill()
        raise
    finally:
        kc.stop_channels()
    comms = sorted(p.comm for p in before)
    assert leader in {p.pid for p in before}, f"the kernel's own process {leader} is not among its marked processes {comms}"
    assert len(workers(marker)) >= 2 and (not HAS_GOPLS or "gopls" in comms), comms

    t0 = time.monotonic()
    if ending == "killpg":
        os.killpg(os.getpgid(leader), signal.SIGKILL)  # what jupyter_client's KernelManager kill does
    elif ending == "server-killed":
        server.kill()
        server.wait()
    else:
        km.shutdown_kernel()  # shutdown_request; SIGTERM, then SIGKILL of the group, if need be
    ended = time.monotonic() - t0

    def none_left():
        return not [p for p in before if alive(p)] and not marked(marker)

    deadline = time.monotonic() + GONE_WITHIN
    while not none_left() and time.monotonic() < deadline:
        time.sleep(0.05)
    gone = time.monotonic() - t0
    left = sorted(str(read_proc(pid)) for pid in {p.pid for p in before if alive(p)} | {p.pid for p in marked(marker)})
    if km is not None:
        try:
            km.shutdown_kernel(now=True)  # reap the kernel process, remove the connection file
        except Exception:
            pass
    for p in marked(marker):  # do not leave them to the next test
        os.kill(p.pid, signal.SIGKILL)
    files = sorted(p.name for p in (tmp_path / "tmp").iterdir())
    say(
        f"[kernel {KERNEL}] {ending}: {len(before)} processes ({', '.join(comms)}); "
        f"ended in {ended:.1f} s; {len(left)} left after {gone:.1f} s; left in TMPDIR: {files}"
    )
    assert not left, (
        f"{len(left)} of the kernel's processes outlived it ({ending}) by {GONE_WITHIN:g} s: {left}; kernel log: {log}"
    )
    # GoNB removes the named pipes of a cell's program when the program ends; when the kernel
    # is killed first, the guard does. (GoNB's own folder, gonb_<id>, goes when gonb stops
    # cleanly. On a graceful shutdown, GoNB may exit just before the program it interrupted and
    # leave the pipes: reported above, not checked.)
    pipes = [f for f in files if f.startswith("gonb_pipe_")]
    assert ending == "shutdown" or not pipes, f"the named pipes of the cell's program are left in the kernel's TMPDIR: {pipes}"


# --- interrupts ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def kernel(tmp_path_factory):
    """One kernel for the interrupt tests, with the local module importable and the pool
    cell built once."""
    marker = uuid.uuid4().hex
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    km = KernelManager(kernel_name=KERNEL)
    log = OUT_DIR / "interrupts.kernel.log"
    km.start_kernel(env=kernel_env(marker), cwd=str(tmp_path_factory.mktemp("kernel")), stderr=open(log, "w"))
    kc = km.client()
    kc.start_channels()
    try:
        kc.wait_for_ready(timeout=120)
        run_ok(kc, FIRST_CELL)
        cell = run_ok(kc, pool_cell(2, 10, "warm-up"))
        assert COMPLETED.search(cell.stdout), cell.stdout
        yield km, kc, marker, log
    finally:
        kc.stop_channels()
        km.shutdown_kernel(now=True)
        for p in marked(marker):
            os.kill(p.pid, signal.SIGKILL)


# The lines of a kernel's log that tell what became of an interrupt: the guardian's, GoNB's
# steps and its receipt of the signal.
TELLING = re.compile(r"^speedup-kernel|Executing|Signal interrupt|Failed|failed to")


def log_since(log: Path, offset: int) -> str:
    with open(log, "rb") as f:
        f.seek(offset)
        return f.read().decode(errors="replace")


@pytest.mark.parametrize("moment", ["0.05s", "0.3s", "1.5s", "mid-run"])
def test_interrupt_stops_the_cell(moment, kernel, say):
    """Interrupt a 60-task Processes(2) run (6 s on two workers) at moment, TRIALS times; each
    time the cell must end within STOP_WITHIN s, without running to completion, leave no
    program or worker, and the next cell must run."""
    km, kc, marker, log = kernel
    trials = []
    for trial in range(TRIALS):
        tag = f"{moment}-{trial}-{uuid.uuid4().hex[:8]}"
        offset = log.stat().st_size
        sent = time.monotonic()
        msg_id = kc.execute(pool_cell(60, 200, tag), allow_stdin=False)
        if moment == "mid-run":
            wait_for("the run's two worker processes", lambda: len(workers(marker)) >= 2, 180)
            time.sleep(0.5)
        else:
            time.sleep(max(0.0, sent + float(moment[:-1]) - time.monotonic()))
        interrupted = time.monotonic()
        km.interrupt_kernel()
        cell = collect(kc, msg_id, 120)
        deadline = time.monotonic() + 10  # GoNB reaps its program; kernelext's workers die with it
        while cell_programs(marker) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = [str(p) for p in cell_programs(marker)]
        for p in cell_programs(marker):  # do not let them spoil the next trial
            os.kill(p.pid, signal.SIGKILL)
        kernel_log = log_since(log, offset)
        nxt = run(kc, f'import "fmt"\n%%\nfmt.Println("alive after {tag}")')
        trials.append(
            {
                "stop": cell.ended - interrupted,
                "completed": bool(COMPLETED.search(cell.stdout)),
                "shown": cell.shown() or cell.stdout.strip()[-200:],
                "stopped": ",".join(re.findall(r"interrupt: stopping (\S+)", kernel_log)) or "-",
                "log": "\n".join(line for line in kernel_log.splitlines() if TELLING.search(line)),
                "left": left,
                "next": f"alive after {tag}" in nxt.stdout and nxt.status == "ok" and not nxt.errors,
            }
        )
    stops = [t["stop"] for t in trials]
    say(
        f"[kernel {KERNEL}] interrupt at {moment}: the cell ended {statistics.median(stops):.2f} s after it "
        f"(median of {len(stops)}: {', '.join(f'{s:.2f}' for s in stops)}); "
        f"ran to completion {sum(t['completed'] for t in trials)}x; guard stopped: {'; '.join(t['stopped'] for t in trials)}"
    )
    for shown in sorted({t["shown"] for t in trials}):
        say(f"    the cell showed: {shown}")
    for i, t in enumerate(trials):
        assert not t["completed"], (
            f"trial {i}: the run went to completion, {t['stop']:.1f} s after the interrupt; the kernel's log:\n{t['log']}"
        )
        assert t["stop"] < STOP_WITHIN, (
            f"trial {i}: the cell ended {t['stop']:.1f} s after the interrupt (bound {STOP_WITHIN:g} s); the kernel's log:\n{t['log']}"
        )
        assert not t["left"], f"trial {i}: processes of the cell left 10 s after it ended: {t['left']}"
        assert t["next"], f"trial {i}: the next cell did not run"
