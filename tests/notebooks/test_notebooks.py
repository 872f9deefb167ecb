"""Every notebooks/*.ipynb runs top to bottom through the real GoNB kernel, cleanly, fast
enough, with an offline chart; then its own checks from expectations.CHECKS run.
Executed notebooks are saved to build/notebooks/ (the test artifact)."""

from __future__ import annotations

import pytest

import nbrun
from expectations import CHECKS

NOTEBOOKS = nbrun.list_notebooks()
IDS = [p.name for p in NOTEBOOKS]
OUT_DIR = nbrun.BUILD_DIR / "notebooks"

each_notebook = pytest.mark.parametrize("path", NOTEBOOKS, ids=IDS)


def test_there_are_notebooks():
    assert NOTEBOOKS, f"no *.ipynb in {nbrun.NOTEBOOKS_DIR}: the project must have notebooks"


def test_every_check_names_a_notebook():
    unknown = sorted(set(CHECKS) - set(IDS))
    assert not unknown, f"expectations.CHECKS has entries for notebooks that do not exist: {unknown}"


def _fail(problems: list[str]) -> None:
    if problems:
        pytest.fail("\n".join(problems), pytrace=False)


def _skip_if_stopped(run: nbrun.Run) -> None:
    if run.stopped:
        pytest.skip(f"not checked, execution did not finish ({run.stopped}); see test_runs_without_errors")


@each_notebook
def test_runs_without_errors(path, run_notebook):
    run = run_notebook(path, OUT_DIR)
    problems = nbrun.error_problems(run.name, run.nb)
    if run.stopped and not problems:
        problems.append(f"{run.name}: {run.stopped}")
    _fail(problems)


@each_notebook
def test_shows_an_offline_chart(path, run_notebook):
    run = run_notebook(path, OUT_DIR)
    _skip_if_stopped(run)
    _fail(nbrun.chart_problems(run.name, run.nb))


@each_notebook
def test_executed_notebook_is_small(path, run_notebook):
    _fail(nbrun.size_problems(run_notebook(path, OUT_DIR)))


@each_notebook
def test_runs_fast_enough(path, run_notebook):
    run = run_notebook(path, OUT_DIR)
    _skip_if_stopped(run)
    _fail(nbrun.duration_problems(run))


@each_notebook
def test_notebook_expectations(path, run_notebook):
    check = CHECKS.get(path.name)
    if check is None:
        pytest.skip(f"no per-notebook checks for {path.name} in expectations.CHECKS")
    run = run_notebook(path, OUT_DIR)
    _skip_if_stopped(run)
    try:
        check(run.nb)
    except AssertionError as e:
        pytest.fail(f"{path.name}: {e}", pytrace=False)
