"""Phase "inside": the image as its user finds it, with no network: who, where, what is owned
by whom, which kernel Jupyter offers, and that the Go modules resolve offline. What the image
holds (versions, sizes) is recorded in build/image/inside.txt."""

from __future__ import annotations

import json
import shlex

from imagebox import OUT, ROOT, expected_uid, notebook_kernel_names

REPOSITORY_FILES = ["go.mod", "go.sum", "README.md", "Dockerfile", "notebooks", "kernelext", "tests/notebooks/nbrun.py"]
USER_FOLDERS = ["/opt/venv", "/opt/gopath", "/opt/gocache"]  # the venv and the Go caches (Dockerfile)


def test_runs_as_the_non_root_user(box):
    uid = int(box.check_output(["id", "-u"]))
    assert uid != 0, "the image runs as root: its USER must be the non-root notebook user"
    assert uid == expected_uid(), f"the image runs as uid {uid}, expected {expected_uid()} (NB_UID; IMAGE_BUILD_ARGS may set it)"


def test_starts_in_home_which_holds_the_repository(box):
    cwd = box.check_output(["pwd"]).strip()
    home = box.check_output(["printenv", "HOME"]).strip()
    assert cwd == home, f"the working directory is {cwd}, not $HOME ({home}): JupyterLab would open elsewhere"
    p = box.run(["ls", "-d", "--", *REPOSITORY_FILES])
    assert p.returncode == 0, f"$HOME ({home}) lacks parts of the repository:\n{p.stderr}"


def test_has_the_repository_notebooks(box):
    listed = box.check_output(["ls", "notebooks"]).split()
    in_image = sorted(n for n in listed if n.endswith(".ipynb"))
    here = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
    assert in_image == here, f"notebooks in the image: {in_image}; in the repository: {here}"


def test_home_venv_and_go_caches_belong_to_the_user(box):
    uid = box.check_output(["id", "-u"]).strip()
    home = box.check_output(["printenv", "HOME"]).strip()
    # -print -quit: the first file not owned by the user (pip install / go get in a notebook would fail there)
    not_mine = box.check_output(["find", home, *USER_FOLDERS, "!", "-user", uid, "-print", "-quit"]).strip()
    assert not not_mine, f"{not_mine} is not owned by uid {uid}: everything in $HOME and {' '.join(USER_FOLDERS)} must be"


def test_jupyter_offers_a_go_kernel_that_the_notebooks_name(box):
    specs = json.loads(box.check_output(["jupyter", "kernelspec", "list", "--json"]))["kernelspecs"]
    for name in notebook_kernel_names():
        assert name in specs, f"the notebooks ask for kernel {name!r}; the image's Jupyter has {sorted(specs)}"
        spec = specs[name]["spec"]
        assert spec.get("language") == "go", f"kernel {name!r} is not a Go kernel: {spec}"
        program = spec["argv"][0]
        # argv[0] may be GoNB or a wrapper around it: it must be a program the user can run.
        p = box.run(["test", "-x", program])
        assert p.returncode == 0, f"kernel {name!r} starts {program!r}, which is not an executable in the image"


def test_go_modules_resolve_with_GOPROXY_off(box):
    p = box.run(["go", "list", "-deps", "./..."], env={"GOPROXY": "off", "GOFLAGS": "-mod=readonly"})
    assert p.returncode == 0, f"go list -deps ./... with GOPROXY=off failed: a module is missing from the image's cache:\n{p.stderr[-3000:]}"


def test_has_no_network(box, netns):
    links = netns.links()
    assert links == ["lo"], f"the container's network namespace has interfaces {links}, expected only lo"
    probe = "import urllib.request; urllib.request.urlopen('https://proxy.golang.org', timeout=5)"
    p = box.run(["python3", "-c", probe])
    assert p.returncode != 0, "the container reached https://proxy.golang.org: it must have no network"


def test_reports_versions_and_sizes(box, say):
    """Not a check of values: what the image holds, in build/image/inside.txt and the output."""
    commands = [
        ["id"],
        ["go", "version"],
        ["go", "env", "GOPROXY", "GOMODCACHE", "GOCACHE", "CGO_ENABLED"],
        ["python", "--version"],
        ["jupyter", "lab", "--version"],
        ["jupyter", "notebook", "--version"],
        ["jupyter", "kernelspec", "list"],
        ["du", "-sh", "/opt/gopath/pkg/mod", "/opt/gocache", "/opt/venv", "/usr/local/go"],
    ]
    lines = []
    for argv in commands:
        out = box.check_output(argv)
        lines += [f"$ {shlex.join(argv)}", *out.rstrip().splitlines()]
    (OUT / "inside.txt").write_text("\n".join(lines) + "\n")
    for line in lines:
        say(f"     {line}")
