"""The image's checks: the image scripts/image-build.sh built, tried as a reader would use it.

Run by `make image-test` after the build, as root, with the repository's .venv:

    .venv/bin/python -m pytest tests/image

Each test module is a phase of make image-test (IMAGE_TEST_PHASES picks them, as its PHASES
does): test_inside.py (inside), test_notebooks.py (notebooks), test_lab.py and test_binder.py
(lab). All share one working container of the image, run in a network namespace with only
loopback (imagebox.py). Nothing outlives the session: the fixtures end the container's
processes and remove the container and the namespace on success, failure, Ctrl-C and SIGTERM
(atexit as a safety net); what a killed session left (names carry its pid) goes at the next.

Knobs (environment): IMAGE_TAG (speedup:test), IMAGE_BUILD_ARGS (the build's; NB_UID=... sets
the expected user), STORAGE_DRIVER (vfs), IMAGE_TEST_PHASES, IMAGE_TEST_PYTEST_ARGS (what the
notebooks phase runs inside the image, see test_notebooks.py).
Artifacts in build/image/: inside.txt, pytest.log, notebooks/, lab.log, binder.log and
summary.txt (the build's timings, from image-build.sh's phases.tsv, then each phase's here).
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from imagebox import IMAGE_REF, OUT, PHASE_FILES, PREFIX, ROOT, Container, Netns, buildah, pid_alive

_CONFIG = None


def pytest_configure(config):
    global _CONFIG
    _CONFIG = config


def pytest_ignore_collect(collection_path: Path, config):
    phases = os.environ.get("IMAGE_TEST_PHASES", "").split()
    if phases and collection_path.name.startswith("test_"):
        return not any(collection_path.name in PHASE_FILES.get(p, []) for p in phases)
    return None


def pytest_collection_modifyitems(items):
    """Phases in make image-test's order (inside, notebooks, lab), tests in file order."""
    order = [f for files in PHASE_FILES.values() for f in files]
    items.sort(key=lambda item: order.index(item.path.name) if item.path.name in order else len(order))


def _sigterm(signum, frame):
    raise KeyboardInterrupt(f"signal {signum}")


@pytest.fixture(scope="session", autouse=True)
def image_session():
    """Before the first image test: root, SIGTERM handled, what killed sessions left removed."""
    if os.geteuid() != 0:
        pytest.exit("run as root: buildah runs the image with root privileges here, e.g. sudo make image-test", returncode=2)
    # SIGTERM (a CI timeout, kill) ends the session as Ctrl-C does: the fixtures clean up.
    previous = signal.signal(signal.SIGTERM, _sigterm)
    OUT.mkdir(parents=True, exist_ok=True)
    _remove_leftovers()
    yield
    signal.signal(signal.SIGTERM, previous)


def _remove_leftovers() -> None:
    """Containers and namespaces of earlier sessions that were killed before they could clean up."""

    def dead(name: str) -> bool:
        pid = name.removeprefix(PREFIX)
        return name.startswith(PREFIX) and pid.isdigit() and not pid_alive(int(pid))

    for c in json.loads(buildah("containers", "--all", "--json", check=False) or "null") or []:
        if dead(name := c.get("containername", "")):
            buildah("umount", name, check=False)
            buildah("rm", name, check=False)
    out = subprocess.run(["ip", "-j", "netns", "list"], capture_output=True, text=True).stdout
    for ns in json.loads(out.strip() or "[]"):
        if dead(ns.get("name", "")):
            Netns(ns["name"]).delete()


def say(line: str) -> None:
    """Print a line now, even while pytest captures output (the phases take minutes)."""
    tr = _CONFIG.pluginmanager.get_plugin("terminalreporter") if _CONFIG else None
    if tr is None:
        print(line, flush=True)
        return
    cap = _CONFIG.pluginmanager.get_plugin("capturemanager")
    with cap.global_and_fixture_disabled() if cap else contextlib.nullcontext():
        tr.write_line(line)


@pytest.fixture(scope="session", name="say")
def say_fixture():
    return say


@pytest.fixture(scope="session")
def image_config() -> dict:
    """The image's OCI config (buildah inspect): Entrypoint, Cmd, User, WorkingDir, Env."""
    try:
        return json.loads(buildah("inspect", "--type", "image", IMAGE_REF))["OCIv1"]["config"]
    except RuntimeError as e:
        pytest.exit(f"no image {IMAGE_REF} to test: build it first (make image-test PHASES='base build')\n{e}", returncode=1)


@pytest.fixture(scope="session")
def netns():
    """This session's network namespace: only loopback, up."""
    ns = Netns(PREFIX + str(os.getpid()))
    atexit.register(ns.delete)  # (the finalizer below runs first; this is the safety net)
    ns.create()
    yield ns
    ns.delete()


@pytest.fixture(scope="session")
def box(netns, image_config):
    """The working container every phase uses (one `buildah from`; with vfs it copies the image)."""
    c = Container(netns.name, netns, image_config)
    atexit.register(c.remove)
    t0 = time.monotonic()
    c.create()
    say(f"[image] container {c.name} from {IMAGE_REF} ({time.monotonic() - t0:.1f} s), in network namespace {netns.name}")
    yield c
    c.remove()


# --- timings: the build's (phases.tsv) and each phase's, in the terminal and build/image/summary.txt

_SECONDS: dict[str, float] = {}
_FAILED: set[str] = set()
_T0 = time.monotonic()


def pytest_runtest_logreport(report):
    name = Path(report.nodeid.split("::")[0]).name
    phase = next((p for p, files in PHASE_FILES.items() if name in files), name)
    _SECONDS[phase] = _SECONDS.get(phase, 0.0) + report.duration
    if report.failed:
        _FAILED.add(phase)


def pytest_terminal_summary(terminalreporter, exitstatus):
    if not _SECONDS:
        return
    lines, build_seconds = [], 0.0
    # The build's timings, written by scripts/image-build.sh just before (make image-test), are
    # taken: a later session without a build must not report them again.
    with contextlib.suppress(FileNotFoundError):
        for row in (OUT / "phases.tsv").read_text().splitlines():
            phase, seconds, note = row.split("\t", 2)
            build_seconds += float(seconds)
            lines.append(f"{phase:10} {float(seconds):8.1f} s  {note}")
        (OUT / "phases.tsv").unlink()
    for i, (phase, seconds) in enumerate(_SECONDS.items(), 1):
        interrupted = exitstatus == pytest.ExitCode.INTERRUPTED and i == len(_SECONDS)
        status = "FAILED" if phase in _FAILED else "INTERRUPTED" if interrupted else "ok"
        lines.append(f"{phase:10} {seconds:8.1f} s  {status}")
    lines.append(f"{'total':10} {build_seconds + time.monotonic() - _T0:8.1f} s")
    timings = OUT / "notebooks" / "timings.txt"
    if "notebooks" in _SECONDS and timings.exists():
        lines += ["", f"{'notebook (inside the image)':40} {'seconds':>8} {'MB':>6}  slowest cell", *timings.read_text().splitlines()]
    terminalreporter.section(f"image test timings ({IMAGE_REF})")
    for line in lines:
        terminalreporter.write_line(line)
    OUT.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
    (OUT / "summary.txt").write_text(f"image test of {IMAGE_REF}, {stamp}\n" + "\n".join(lines) + "\n")
    # Under sudo: the artifacts belong to the repository's owner.
    owner = ROOT.stat()
    for folder, _, files in os.walk(OUT):
        for path in [folder, *(os.path.join(folder, f) for f in files)]:
            with contextlib.suppress(OSError):
                os.lchown(path, owner.st_uid, owner.st_gid)
