"""Phase "notebooks": every notebook runs INSIDE the image, as its user, with GOPROXY=off and
no network, through the repository's own notebook tests (tests/notebooks, with the image's venv
and kernelspec). Their output streams live and goes to build/image/pytest.log; the executed
notebooks, kernel logs and timings are copied to build/image/notebooks/.

IMAGE_TEST_PYTEST_ARGS replaces what pytest runs inside (split like a shell would), e.g.
    IMAGE_TEST_PYTEST_ARGS='tests/notebooks/test_notebooks.py -k "toast and not expectations"'
"""

from __future__ import annotations

import os
import shlex
import shutil
import subprocess
import xml.etree.ElementTree as ET

import pytest

from imagebox import OUT

# The whole notebook suite but one test: test_kernel_path_comes_from_the_kernelspec expects the
# kernel's tools in <repo>/.tools/bin (make setup's layout); the image keeps them in /opt/gopath/bin.
DEFAULT_ARGS = ["tests/notebooks", "-k", "not test_kernel_path_comes_from_the_kernelspec"]
RUN_DIR = "build/image-run"  # inside $HOME (build/ is not in the image: .dockerignore)
OFFLINE = {"GOPROXY": "off", "SPEEDUP_OFFLINE": "1", "SPEEDUP_BUILD_DIR": RUN_DIR, "PYTHONDONTWRITEBYTECODE": "1"}


def test_every_notebook_passes_the_notebook_tests_inside_the_image_offline(box, say):
    args = shlex.split(os.environ.get("IMAGE_TEST_PYTEST_ARGS", "")) or DEFAULT_ARGS
    env = dict(OFFLINE)
    # Spark is in the image only when it was built with --build-arg WITH_SPARK=true: then
    # notebook 07 runs against a server started inside it; otherwise it is skipped, loudly.
    if (box.root / box.home.lstrip("/") / ".spark" / "venv" / "bin" / "python").exists():
        say("[image] the image has Spark (WITH_SPARK=true): notebook 07 runs against a server started inside it")
    else:
        env["SPEEDUP_SPARK"] = "skip"
        say("[image] !!!! the image has no Spark (built without --build-arg WITH_SPARK=true): notebook 07 is SKIPPED inside it")
    argv = ["python", "-m", "pytest", *args, "-v", "-p", "no:cacheprovider", f"--junitxml={RUN_DIR}/notebooks-junit.xml"]
    run_dir = box.root / box.home.lstrip("/") / RUN_DIR
    for old in [OUT / "notebooks", OUT / "notebooks-fixtures", run_dir]:
        shutil.rmtree(old, ignore_errors=True)
    say(f"[image] inside the image, offline: {shlex.join(argv)}")
    with open(OUT / "pytest.log", "w") as log:
        p = subprocess.Popen(box.argv(argv, env), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in p.stdout:
            log.write(line)
            say("     " + line.rstrip("\n"))
        rc = p.wait()
    if run_dir.is_dir():
        shutil.copytree(run_dir, OUT, dirs_exist_ok=True)
    box.expect_nothing_running("the notebook tests")
    if rc != 0:
        failed = _failures()
        tail = "" if failed else "\n".join((OUT / "pytest.log").read_text(errors="replace").splitlines()[-15:]) + "\n"
        pytest.fail(
            f"the notebook tests failed inside the image (exit status {rc}): {', '.join(failed) or 'the end of their log:'}\n{tail}"
            f"log: {OUT / 'pytest.log'}; executed notebooks and kernel logs: {OUT / 'notebooks'}/",
            pytrace=False,
        )


def _failures() -> list[str]:
    """The inner tests that failed or errored, from their JUnit report."""
    try:
        cases = ET.parse(OUT / "notebooks-junit.xml").getroot().iter("testcase")
    except (OSError, ET.ParseError):
        return []
    return [f"{c.get('name')}" for c in cases if c.find("failure") is not None or c.find("error") is not None]
