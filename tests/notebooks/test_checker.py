"""The checks must catch each way GoNB reports a failure. Each fixtures/bad_*.ipynb fails in
one way and must be flagged by the named check; fixtures/good.ipynb must pass them all.
These run through the real kernel too, so they also notice if GoNB changes how it reports."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

import nbrun

FIXTURES = Path(__file__).parent / "fixtures"
OUT_DIR = nbrun.BUILD_DIR / "notebooks-fixtures"

pytestmark = pytest.mark.fixtures

# fixture -> (check that must flag it, regex its message must match)
BAD = {
    "bad_compile.ipynb": ("errors", r"cell\[1\].*error output.*go build.*\n    GoNB: Cell\[1\]: Line 2 .*declared and not used: x"),
    "bad_exit_status.ipynb": ("errors", r"cell\[1\].*stderr line 'exit status 3'"),
    "bad_panic.ipynb": ("errors", r"cell\[1\].*stderr line 'panic: boom'"),
    "bad_log_fatal.ipynb": ("errors", r"cell\[1\].*stderr line 'exit status 1'.*\n.*cannot open data"),
    "bad_shell.ipynb": ("errors", r"cell\[1\].*stderr line 'exit status 2'.*\n.*No such file"),
    "bad_stderr_error.ipynb": ("errors", r"cell\[1\].*stderr line 'error: could not fetch"),
    # kernelext.Check(err), how every notebook cell stops on an error: red on stderr, exit status 1.
    "bad_check.ipynb": ("errors", r"cell\[2\].*stderr line 'exit status 1'.*\n.*no bread in the kitchen"),
    "bad_no_chart.ipynb": ("charts", r"no chart output"),
    "bad_cdn_chart.ipynb": ("charts", r"cell\[2\].*loads from the network.*<script src=\"https://cdn"),
}
CHECKS = {"errors": nbrun.error_problems, "charts": nbrun.chart_problems}


def test_fixture_list_is_complete():
    on_disk = {p.name for p in FIXTURES.glob("bad_*.ipynb")}
    assert on_disk == set(BAD), f"fixtures without an expectation, or expectations without a fixture: {on_disk ^ set(BAD)}"


def test_good_fixture_passes_every_check(run_notebook):
    run = run_notebook(FIXTURES / "good.ipynb", OUT_DIR)
    assert run.stopped is None, run.stopped
    problems = nbrun.error_problems(run.name, run.nb) + nbrun.chart_problems(run.name, run.nb)
    problems += nbrun.size_problems(run) + nbrun.duration_problems(run)
    assert not problems, "\n".join(problems)


def test_kernel_path_comes_from_the_kernelspec(run_notebook):
    """The kernelspec's env PATH is '<repo>/.tools/bin:<GOROOT>/bin:${PATH}': the kernel must
    see our tools first, and ${PATH} must have been filled in by jupyter_client."""
    run = run_notebook(FIXTURES / "good.ipynb", OUT_DIR)
    out = "".join(nbrun.stream_text(c, "stdout") for _, c in nbrun.code_cells(run.nb))
    m = re.search(r"^KERNEL_PATH=(.*)$", out, re.MULTILINE)
    assert m, f"the good fixture printed no KERNEL_PATH line: {out!r}"
    dirs = m.group(1).split(":")
    assert dirs[0] == str(nbrun.ROOT / ".tools" / "bin"), dirs
    assert "${PATH}" not in m.group(1) and "$PATH" not in m.group(1), f"PATH was not substituted: {m.group(1)}"
    assert len(dirs) > 2, f"the user's PATH is missing after the kernelspec's entries: {dirs}"


@pytest.mark.parametrize("name", sorted(BAD))
def test_bad_fixture_is_flagged(name, run_notebook):
    check, pattern = BAD[name]
    run = run_notebook(FIXTURES / name, OUT_DIR)
    problems = CHECKS[check](run.name, run.nb)
    assert problems, f"{name}: the {check} check found nothing wrong"
    assert any(re.search(pattern, p, re.DOTALL) for p in problems), (
        f"{name}: the {check} check did not report /{pattern}/; it reported:\n" + "\n".join(problems)
    )
