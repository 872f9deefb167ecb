"""Phase "lab", part 2: the way mybinder.org starts the image. It keeps the ENTRYPOINT and runs
`jupyter-notebook` with these arguments (binderhub's BinderSpawnerMixin.get_args), then opens
<base_url><urlpath> of the launch link (README: ?urlpath=lab/tree/notebooks/...). Its log:
build/image/binder.log. The tests run in file order against one server; the last one stops it."""

from __future__ import annotations

import secrets
import time

import pytest

from imagebox import OUT, ROOT, Http, default_go_kernel, status_in, stop_like_docker

PORT = 8888
BASE = "/user/speedup-test/"
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
URLPATH = f"lab/tree/notebooks/{NOTEBOOKS[0]}" if NOTEBOOKS else "lab"


@pytest.fixture(scope="module")
def binder(box, image_config, say):
    token = secrets.token_hex(16)
    argv = (image_config.get("Entrypoint") or []) + [
        "jupyter-notebook", "--ip=0.0.0.0", f"--port={PORT}", f"--NotebookApp.base_url={BASE}",
        f"--NotebookApp.token={token}", "--NotebookApp.trust_xheaders=True", f"--NotebookApp.default_url=/{URLPATH}",
    ]
    server = box.start(argv, OUT / "binder.log")
    server.wait_for(rf"http://127\.0\.0\.1:{PORT}{BASE}", 120)
    server.token = token
    server.http = Http(box.netns, f"http://127.0.0.1:{PORT}{BASE}")
    say(f"[image] jupyter-notebook with Binder's arguments up in {time.monotonic() - server.started:.1f} s")
    yield server
    server.kill()


def test_serves_the_launch_link_urlpath_with_the_token(binder):
    status_in(binder.http.request(f"/{URLPATH}?token={binder.token}"), 200, what=f"GET {BASE}{URLPATH}?token=...")


def test_launch_link_urlpath_needs_the_token(binder):
    status_in(binder.http.request(f"/{URLPATH}"), 302, 403, what=f"GET {BASE}{URLPATH} without the token")


def test_serves_the_notebook_7_tree(binder):
    status_in(binder.http.request(f"/tree?token={binder.token}"), 200, what=f"GET {BASE}tree?token=... (Notebook 7 UI)")


def test_go_is_the_default_kernel(binder):
    r = binder.http.request("/api/kernelspecs", token=binder.token)
    status_in(r, 200, what=f"GET {BASE}api/kernelspecs with the token")
    default_go_kernel(r.json())


def test_sigterm_ends_the_server(binder, say):
    seconds = stop_like_docker(binder, "jupyter-notebook (Binder's way)")
    say(f"[image] jupyter-notebook ended {seconds:.1f} s after SIGTERM")
