"""Helpers of the image tests (tests/image): the image's working container, the network
namespace it runs in, its processes, HTTP to its servers. The fixtures are in conftest.py.

Every command in the container goes through a network namespace of our own that has only a
loopback interface: the image runs with no network at all (buildah's chroot isolation, which
needs no runtime, refuses --network none), its servers do not clash with this machine's ports,
and the namespace's process list is exactly what the container started, even what was left
behind (re-parented to PID 1, with no other trace of the container). The tests reach the
container's servers through sockets made inside that namespace (setns on this thread only, for
as long as it takes to connect). Commands run as the image's USER (no --user: what `docker run`
and mybinder.org do).
"""

from __future__ import annotations

import contextlib
import ctypes
import http.client
import json
import os
import re
import shlex
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
import warnings
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "build" / "image"
IMAGE_TAG = os.environ.get("IMAGE_TAG") or "speedup:test"
IMAGE_REF = IMAGE_TAG if "/" in IMAGE_TAG else "localhost/" + IMAGE_TAG  # how buildah names it
STORAGE_DRIVER = os.environ.get("STORAGE_DRIVER") or "vfs"
PREFIX = "speedup-image-test-"  # + this session's pid: the container's and the namespace's name
PHASE_FILES = {
    "inside": ["test_inside.py"],
    "notebooks": ["test_notebooks.py"],
    "lab": ["test_lab.py", "test_binder.py"],
}


def buildah(*args: str, check: bool = True, timeout: float = 300) -> str:
    """Run buildah on the host, return its stdout; a failure says what buildah said."""
    p = subprocess.run(["buildah", "--storage-driver", STORAGE_DRIVER, *args], capture_output=True, text=True, timeout=timeout)
    if check and p.returncode != 0:
        raise RuntimeError(f"buildah {' '.join(args)}: exit status {p.returncode}: {p.stderr.strip()[-1000:]}")
    return p.stdout


def expected_uid() -> int:
    """The user the image should run as: NB_UID from IMAGE_BUILD_ARGS, else the Dockerfile's 1000."""
    args = shlex.split(os.environ.get("IMAGE_BUILD_ARGS", ""))
    for before, arg in zip(["", *args], args):
        if before == "--build-arg" or arg.startswith("--build-arg="):
            name, _, value = arg.removeprefix("--build-arg=").partition("=")
            if name == "NB_UID":
                return int(value)
    return 1000


def notebook_kernel_names() -> set[str]:
    """The kernels the repository's notebooks ask for (metadata.kernelspec.name)."""
    return {json.loads(p.read_text())["metadata"]["kernelspec"]["name"] for p in sorted((ROOT / "notebooks").glob("*.ipynb"))}


# --- processes ---------------------------------------------------------------------------------


@dataclass
class Proc:
    pid: int
    ppid: int
    uid: int
    comm: str
    argv: list[str]

    def __str__(self) -> str:
        return f"{self.pid} (uid {self.uid}) {' '.join(self.argv)[:100]}"


def proc(pid: int) -> Proc | None:
    """What /proc says of pid, or None if it has ended."""
    try:
        status = Path(f"/proc/{pid}/status").read_text()
        argv = Path(f"/proc/{pid}/cmdline").read_bytes().decode(errors="replace").split("\0")[:-1]
    except (FileNotFoundError, ProcessLookupError):
        return None
    fields = dict(line.split(":\t", 1) for line in status.splitlines() if ":\t" in line)
    return Proc(pid, int(fields["PPid"]), int(fields["Uid"].split()[0]), fields["Name"].strip(), argv)


def pid_alive(pid: int) -> bool:
    return Path(f"/proc/{pid}").exists()


# --- the network namespace -----------------------------------------------------------------------

_libc = ctypes.CDLL(None, use_errno=True)
_CLONE_NEWNET = 0x40000000


def _setns(fd: int) -> None:
    if _libc.setns(fd, _CLONE_NEWNET) != 0:
        e = ctypes.get_errno()
        raise OSError(e, f"setns: {os.strerror(e)}")


class Netns:
    """A network namespace with only loopback up (`ip netns add`); its processes are the container's."""

    def __init__(self, name: str):
        self.name = name
        self.path = Path("/run/netns") / name

    def create(self) -> None:
        subprocess.run(["ip", "netns", "add", self.name], check=True)
        subprocess.run(["ip", "-n", self.name, "link", "set", "lo", "up"], check=True)

    def links(self) -> list[str]:
        out = subprocess.run(["ip", "-n", self.name, "-j", "link", "show"], check=True, capture_output=True, text=True).stdout
        return [link["ifname"] for link in json.loads(out)]

    def processes(self) -> list[Proc]:
        """Every process in the namespace (what `ip netns pids` lists)."""
        try:
            want = self.path.stat()
        except FileNotFoundError:
            return []
        found = []
        for d in Path("/proc").iterdir():
            if not d.name.isdigit() or int(d.name) == os.getpid():
                continue
            try:
                st = (d / "ns" / "net").stat()
            except OSError:
                continue
            if (st.st_ino, st.st_dev) == (want.st_ino, want.st_dev) and (p := proc(int(d.name))):
                found.append(p)
        return found

    def stop_all(self, grace: float = 5) -> list[Proc]:
        """SIGTERM every process in the namespace, SIGKILL what is left after grace seconds.
        Returns what was running."""
        procs = self.processes()
        for p in procs:
            with contextlib.suppress(ProcessLookupError):
                os.kill(p.pid, signal.SIGTERM)
        deadline = time.monotonic() + grace
        while self.processes() and time.monotonic() < deadline:
            time.sleep(0.1)
        for p in self.processes():
            with contextlib.suppress(ProcessLookupError):
                os.kill(p.pid, signal.SIGKILL)
        return procs

    def delete(self) -> None:
        if self.path.exists():
            self.stop_all()
            subprocess.run(["ip", "netns", "del", self.name], check=False)

    @contextlib.contextmanager
    def entered(self):
        """This thread in the namespace, for as long as it takes to make a socket there."""
        own = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
        target = os.open(self.path, os.O_RDONLY)
        try:
            _setns(target)
            try:
                yield
            finally:
                _setns(own)
        finally:
            os.close(own)
            os.close(target)

    def connect(self, port: int, timeout: float = 30) -> socket.socket:
        """A TCP connection to 127.0.0.1:port inside the namespace."""
        with self.entered():
            return socket.create_connection(("127.0.0.1", port), timeout=timeout)


# --- HTTP inside the namespace -------------------------------------------------------------------


@dataclass
class Response:
    status: int
    headers: dict
    body: bytes

    def json(self):
        return json.loads(self.body)


class Http:
    """urllib against a server in the namespace; redirects are not followed (their status counts)."""

    def __init__(self, netns: Netns, base: str):
        self.base = base.rstrip("/")

        class Connection(http.client.HTTPConnection):
            def connect(self):
                with netns.entered():
                    super().connect()

        class Handler(urllib.request.HTTPHandler):
            def http_open(self, req):
                return self.do_open(Connection, req)

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self._opener = urllib.request.build_opener(urllib.request.ProxyHandler({}), NoRedirect, Handler)

    def request(self, path: str, token: str | None = None, method: str = "GET", data=None) -> Response:
        """path relative to the base; token goes in the Authorization header; data is sent as JSON."""
        headers = {"Authorization": f"token {token}"} if token else {}
        body = None
        if data is not None:
            body = json.dumps(data).encode()
            headers["Content-Type"] = "application/json"
        req = urllib.request.Request(self.base + path, data=body, method=method, headers=headers)
        try:
            with self._opener.open(req, timeout=30) as r:
                return Response(r.status, dict(r.headers), r.read())
        except urllib.error.HTTPError as e:
            return Response(e.code, dict(e.headers), e.read())


# --- the container -------------------------------------------------------------------------------


class Container:
    """A working container of the image; commands run in it through the namespace, as its USER."""

    def __init__(self, name: str, netns: Netns, config: dict):
        self.name = name
        self.netns = netns
        self.config = config  # the image's OCI config: Entrypoint, Cmd, User, WorkingDir, Env
        self.env = dict(e.split("=", 1) for e in config.get("Env") or [])
        self.home = self.env.get("HOME") or config.get("WorkingDir") or "/"
        self.made = False
        self.servers: list[Server] = []  # started in the background, not yet stopped
        self._root: Path | None = None

    def create(self) -> None:
        buildah("from", "--pull-never", "--name", self.name, IMAGE_REF)
        self.made = True

    @property
    def root(self) -> Path:
        """The container's file system on the host (buildah mount)."""
        if self._root is None:
            self._root = Path(buildah("mount", self.name).strip())
        return self._root

    def argv(self, argv: list[str], env: dict[str, str] | None = None) -> list[str]:
        opts = [a for k, v in (env or {}).items() for a in ("--env", f"{k}={v}")]
        return ["ip", "netns", "exec", self.netns.name, "buildah", "--storage-driver", STORAGE_DRIVER, "run",
                "--isolation", "chroot", *opts, self.name, "--", *argv]

    def run(self, argv: list[str], env: dict[str, str] | None = None, timeout: float = 300) -> subprocess.CompletedProcess:
        """argv in the container in the foreground (stdout and stderr captured as text). After it,
        nothing of it may be left running: leftovers are ended and fail the caller."""
        running = [s for s in self.servers if s.popen.poll() is None]
        assert not running, f"run() while {shlex.join(running[0].argv)} runs: its leftovers could not be told apart"
        try:
            p = subprocess.run(self.argv(argv, env), capture_output=True, text=True, timeout=timeout)
        except subprocess.TimeoutExpired:
            self.netns.stop_all()
            raise AssertionError(f"{shlex.join(argv)} did not end within {timeout} s (ended now)") from None
        self.expect_nothing_running(f"{shlex.join(argv)}")
        return p

    def check_output(self, argv: list[str], env: dict[str, str] | None = None) -> str:
        p = self.run(argv, env)
        assert p.returncode == 0, f"{shlex.join(argv)} failed in the image (exit status {p.returncode}):\n{p.stdout}{p.stderr}"
        return p.stdout

    def start(self, argv: list[str], log: Path) -> Server:
        """argv in the container in the background (as `docker run` does), its output in log."""
        server = Server(self, argv, log)
        self.servers.append(server)
        return server

    def expect_nothing_running(self, what: str) -> None:
        left = self.netns.stop_all()
        assert not left, f"{what} left processes running in the container (ended now):\n  " + "\n  ".join(map(str, left))

    def remove(self) -> None:
        for server in self.servers:
            server.kill()
        self.netns.stop_all()
        if self.made:
            buildah("umount", self.name, check=False)
            buildah("rm", self.name, check=False)
            self.made = False


class Server:
    """A background command of the container, e.g. the image's default command."""

    def __init__(self, box: Container, argv: list[str], log: Path):
        self.box, self.argv, self.log = box, argv, log
        self.started = time.monotonic()
        self.token = ""  # a Jupyter server's token and an Http to it (set by the fixture that starts it)
        self.http: Http | None = None
        with open(log, "wb") as f:
            # A session of its own: a Ctrl-C at the terminal does not reach it; the fixtures stop it.
            self.popen = subprocess.Popen(box.argv(argv), stdout=f, stderr=subprocess.STDOUT, start_new_session=True)

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for(self, pattern: str, seconds: float = 120) -> re.Match:
        """Until the output matches pattern; fails if the command ends or time runs out."""
        deadline = time.monotonic() + seconds
        while True:
            if m := re.search(pattern, self.output()):
                return m
            tail = "\n".join(self.output().splitlines()[-30:])
            if self.popen.poll() is not None:
                pytest.fail(f"{shlex.join(self.argv)} ended (exit status {self.popen.returncode}) before printing /{pattern}/; "
                            f"log {self.log}:\n{tail}", pytrace=False)
            if time.monotonic() > deadline:
                pytest.fail(f"no /{pattern}/ from {shlex.join(self.argv)} after {seconds} s; log {self.log}:\n{tail}", pytrace=False)
            time.sleep(0.2)

    def tree(self, top: int | None = None) -> list[Proc]:
        """The container's processes below pid top (default: this command's `buildah run`)."""
        procs = self.box.netns.processes()
        found, todo = [], [self.popen.pid if top is None else top]
        while todo:
            parent = todo.pop()
            kids = [p for p in procs if p.ppid == parent]
            found += kids
            todo += [k.pid for k in kids]
        return found

    def init(self) -> Proc:
        """The container's first process (its PID 1 under Docker: the ENTRYPOINT), the first of
        the command's processes that is not buildah's own (buildah-chroot-runtime, -exec)."""
        procs = self.tree()
        first = [p for p in procs if not (p.argv[:1] or [""])[0].startswith("buildah")]
        assert first, f"no process of {shlex.join(self.argv)} is running: {[str(p) for p in procs]}"
        return first[0]

    def stop(self, grace: float = 15) -> tuple[float, list[Proc]]:
        """What `docker stop` does: SIGTERM to the container's first process, which must end (and
        its command with it) within grace seconds. Returns the seconds it took and what was left
        running in the container afterwards (ended now)."""
        t0 = time.monotonic()
        init = self.init()
        os.kill(init.pid, signal.SIGTERM)
        deadline = t0 + grace
        while pid_alive(init.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        if pid_alive(init.pid):
            left = self.box.netns.stop_all(1)
            pytest.fail(f"{init} did not end within {grace} s of SIGTERM; running then:\n  " + "\n  ".join(map(str, left)), pytrace=False)
        with contextlib.suppress(subprocess.TimeoutExpired):
            self.popen.wait(timeout=grace)
        seconds = time.monotonic() - t0
        time.sleep(0.5)
        return seconds, self.box.netns.stop_all()

    def kill(self) -> None:
        """End the command and everything in the container, now (a fixture's teardown)."""
        if self.popen.poll() is None:
            self.box.netns.stop_all()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.popen.wait(timeout=10)
            if self.popen.poll() is None:
                self.popen.kill()




# --- checks shared by the JupyterLab and Binder phases -------------------------------------------


def status_in(r: Response, *codes: int, what: str) -> None:
    assert r.status in codes, f"{what}: HTTP {r.status}, expected {' or '.join(map(str, codes))}; body: {r.body[:300]!r}"


def default_go_kernel(specs: dict) -> str:
    """specs: an /api/kernelspecs answer. The default kernel must be the one the notebooks name,
    and a Go kernel (whatever program its argv starts: GoNB or a wrapper of it)."""
    default = specs.get("default")
    names = notebook_kernel_names()
    assert default in names, f"the default kernel is {default!r}; the notebooks ask for {sorted(names)} (kernels: {sorted(specs.get('kernelspecs', {}))})"
    language = specs["kernelspecs"][default]["spec"].get("language")
    assert language == "go", f"the default kernel {default!r} is for {language!r}, not Go"
    return default


def stop_like_docker(server: Server, what: str) -> float:
    """SIGTERM to the container's first process (`docker stop`): it and everything it started must
    end. Docker's PID namespace would end orphans with PID 1; here they survive, so they are
    listed: gopls (GoNB's completion daemon) is tolerated with a warning, anything else fails."""
    seconds, left = server.stop()
    others = [p for p in left if p.comm != "gopls"]
    assert not others, f"{what} left processes running after SIGTERM (ended now):\n  " + "\n  ".join(map(str, left))
    if left:
        warnings.warn(f"{what} left GoNB's gopls running after SIGTERM (Docker's PID namespace would end it): {', '.join(map(str, left))}")
    return seconds
