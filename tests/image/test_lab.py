"""Phase "lab", part 1: the image's default command (ENTRYPOINT + CMD, what `docker run -p
8888:8888 IMAGE` starts) serves JupyterLab on :8888 with token authentication, the notebooks'
Go kernel is the default and runs Go, everything runs as the image's user, and SIGTERM (`docker
stop`) ends it all. Its log: build/image/lab.log.

The tests run in file order against one server; the last one stops it."""

from __future__ import annotations

import json
import re
import time
import uuid
from datetime import datetime, timezone

import pytest
import websocket

from imagebox import OUT, ROOT, Http, default_go_kernel, expected_uid, status_in, stop_like_docker

PORT = 8888
NOTEBOOKS = sorted(p.name for p in (ROOT / "notebooks").glob("*.ipynb"))
NOTEBOOK = f"notebooks/{NOTEBOOKS[0]}" if NOTEBOOKS else "notebooks"


@pytest.fixture(scope="module")
def lab(box, image_config, say):
    """The default command, running until the last test stops it (or teardown kills it)."""
    argv = (image_config.get("Entrypoint") or []) + (image_config.get("Cmd") or [])
    assert argv, "the image has neither ENTRYPOINT nor CMD"
    server = box.start(argv, OUT / "lab.log")
    m = server.wait_for(rf"http://127\.0\.0\.1:{PORT}/lab\?token=([0-9a-f]+)", 120)
    server.token = m.group(1)
    server.http = Http(box.netns, f"http://127.0.0.1:{PORT}")
    say(f"[image] {' '.join(argv)}: JupyterLab up in {time.monotonic() - server.started:.1f} s")
    yield server
    server.kill()


def test_prints_a_token_url_on_port_8888(lab):
    assert len(lab.token) >= 32, f"the token printed is short: {lab.token!r}"


def test_lab_without_the_token_goes_to_the_login_page(lab):
    status_in(lab.http.request("/lab"), 302, 403, what="GET /lab without the token")


def test_api_without_the_token_is_refused(lab):
    status_in(lab.http.request("/api/kernelspecs"), 401, 403, what="GET /api/kernelspecs without the token")


def test_lab_opens_a_notebook_with_the_token(lab):
    status_in(lab.http.request(f"/lab?token={lab.token}"), 200, what="GET /lab?token=...")
    status_in(lab.http.request(f"/lab/tree/{NOTEBOOK}?token={lab.token}"), 200, what=f"GET /lab/tree/{NOTEBOOK}?token=...")


def test_contents_api_lists_the_notebooks(lab):
    r = lab.http.request("/api/contents/notebooks", token=lab.token)
    status_in(r, 200, what="GET /api/contents/notebooks with the token")
    listed = sorted(item["name"] for item in r.json()["content"] if item["type"] == "notebook")
    assert listed == NOTEBOOKS, f"JupyterLab lists the notebooks {listed}; the repository has {NOTEBOOKS}"


def test_go_is_the_default_kernel(lab):
    r = lab.http.request("/api/kernelspecs", token=lab.token)
    status_in(r, 200, what="GET /api/kernelspecs with the token")
    default_go_kernel(r.json())


def test_default_kernel_starts_and_runs_go(lab, box, say):
    """As JupyterLab does when a notebook opens: a kernel through the REST API (no name: the
    default), then a cell through its websocket."""
    t0 = time.monotonic()
    r = lab.http.request("/api/kernels", token=lab.token, method="POST", data={})
    status_in(r, 201, 200, what="POST /api/kernels (start the default kernel)")
    kernel = r.json()
    code = '%%\nfmt.Printf("Go %s as uid %d in %s\\n", runtime.Version(), os.Getuid(), os.Getenv("HOME"))'
    reply = run_cell(lab, kernel["id"], code)
    assert reply["status"] == "ok" and not reply["error"], f"the {kernel['name']} kernel failed to run Go: {reply}; log {lab.log}"
    m = re.search(r"Go go1\.\S+ as uid (\d+) in (\S+)", reply["stdout"])
    assert m, f"the {kernel['name']} kernel ran the cell but printed {reply['stdout']!r} (stderr {reply['stderr']!r})"
    assert int(m.group(1)) == expected_uid(), f"the kernel runs as uid {m.group(1)}, expected {expected_uid()}"
    assert m.group(2) == box.home, f"the kernel's HOME is {m.group(2)}, expected {box.home}"
    say(f"[image] kernel {kernel['name']} started and ran a Go cell in {time.monotonic() - t0:.1f} s: {m.group(0)}")


def test_lab_and_its_kernel_run_as_the_user(lab):
    init = lab.init()
    below = [init, *lab.tree(init.pid)]
    wrong = [p for p in below if p.uid != expected_uid()]
    assert not wrong, f"processes of the container not running as uid {expected_uid()}:\n  " + "\n  ".join(map(str, wrong))
    assert len(below) > 2, f"expected the entrypoint, JupyterLab and a kernel; found {[str(p) for p in below]}"


def test_sigterm_ends_lab_and_its_kernels(lab, say):
    seconds = stop_like_docker(lab, "JupyterLab (the default command)")
    say(f"[image] JupyterLab and its kernel ended {seconds:.1f} s after SIGTERM")


def run_cell(server, kernel_id: str, code: str, timeout: float = 300) -> dict:
    """Execute code on a kernel through the server's websocket (Jupyter's messaging protocol);
    returns the reply's status and the cell's stdout, stderr and error."""
    sock = server.box.netns.connect(PORT)
    ws = websocket.create_connection(
        f"ws://127.0.0.1:{PORT}/api/kernels/{kernel_id}/channels",
        socket=sock, header=[f"Authorization: token {server.token}"], suppress_origin=True, timeout=timeout,
    )
    msg_id = uuid.uuid4().hex
    header = {"msg_id": msg_id, "msg_type": "execute_request", "username": "image-test", "session": uuid.uuid4().hex,
              "version": "5.3", "date": datetime.now(timezone.utc).isoformat()}
    content = {"code": code, "silent": False, "store_history": False, "user_expressions": {}, "allow_stdin": False, "stop_on_error": True}
    result = {"status": None, "stdout": "", "stderr": "", "error": None}
    try:
        ws.send(json.dumps({"header": header, "parent_header": {}, "metadata": {}, "content": content, "channel": "shell", "buffers": []}))
        idle = False
        while result["status"] is None or not idle:
            msg = json.loads(ws.recv())
            if msg.get("parent_header", {}).get("msg_id") != msg_id:
                continue
            kind, c = msg["header"]["msg_type"], msg["content"]
            if kind == "stream":
                result[c["name"]] += c["text"]
            elif kind == "error":
                result["error"] = f"{c.get('ename')}: {c.get('evalue')}"
            elif kind == "execute_reply":
                result["status"] = c["status"]
            elif kind == "status" and c["execution_state"] == "idle":
                idle = True
    finally:
        ws.close()
    return result
