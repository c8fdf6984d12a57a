"""Live code: `make serve` (scripts/serve.py) and its Jupyter server (scripts/live_server.py).

Security, at the HTTP and websocket level, against a real server started by serve.py on
a tiny site: a kernel starts and runs code only with the token of this run *and* from the
book's origin (or from no browser origin at all, like curl), and the token is handed only
to the book's own pages. Then, in Chromium, the real "Live Code" menu item on a built page:
edit a number, run, see the new output, typeset math, and time it.

Set M4ML_HTML=/path/to/_build/html to point the book tests at a build of your own
instead of building the book (`make book`) first.
"""

from __future__ import annotations

import json
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from conftest import ROOT

SERVE = ROOT / "scripts" / "serve.py"
OTHER_ORIGIN = "http://evil.example"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, method: str = "GET", headers: dict | None = None) -> tuple[int, bytes, dict]:
    req = urllib.request.Request(url, method=method, headers=headers or {},
                                 data=b"{}" if method == "POST" else None)
    try:
        with urllib.request.urlopen(req, timeout=30) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


class Served:
    """A running `scripts/serve.py` and the live settings it hands to its pages."""

    def __init__(self, html: Path):
        self.port = free_port()
        self.site = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen([sys.executable, str(SERVE), "--port", str(self.port), "--html", str(html)],
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        deadline = time.monotonic() + 120
        while True:
            if self.proc.poll() is not None:
                raise AssertionError(f"serve.py exited early:\n{self.proc.stdout.read()}")
            try:
                status, body, _ = request(f"{self.site}/_live/server.json")
                if status == 200:
                    break
            except (urllib.error.URLError, OSError):
                pass
            assert time.monotonic() < deadline, "serve.py did not start within 120 s"
            time.sleep(0.3)
        self.live = json.loads(body)
        self.api = self.live["baseUrl"]
        self.token = self.live["token"]

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        try:
            out, _ = self.proc.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            out, _ = self.proc.communicate()
            raise AssertionError("serve.py did not stop within 30 s of SIGTERM")
        return out


def jupyter_alive(url: str) -> bool:
    try:
        request(f"{url}/api/status")
        return True
    except (urllib.error.URLError, OSError):
        return False


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    html = tmp_path_factory.mktemp("site")
    (html / "index.html").write_text("<!doctype html><title>t</title><p>tiny site</p>")
    server = Served(html)
    yield server
    server.stop()
    assert not jupyter_alive(server.api), "the Jupyter server outlived `make serve`"


# -- the settings handed to pages --------------------------------------------------------------

def test_pages_get_a_fresh_loopback_server_and_token(served):
    status, _, headers = request(f"{served.site}/_live/server.json")
    assert status == 200 and headers.get("Cache-Control") == "no-store"
    assert served.live["provider"] == "local"
    assert served.api.startswith("http://127.0.0.1:") and served.api != served.site
    assert len(served.token) >= 40


@pytest.mark.parametrize("headers", [
    {"Host": "evil.example"},                                  # DNS rebinding: a foreign name for 127.0.0.1
    {"Origin": OTHER_ORIGIN},                                  # a page on another origin
])
def test_the_token_is_not_given_to_other_sites(served, headers):
    status, body, _ = request(f"{served.site}/_live/server.json", headers=headers)
    assert status == 403 and served.token.encode() not in body


# -- HTTP: who can start a kernel -----------------------------------------------------------------

def kernel_request(served, token: str | None, origin: str | None, method="POST", path="/api/kernels"):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"token {token}"
    if origin is not None:
        headers["Origin"] = origin
    return request(f"{served.api}{path}", method=method, headers=headers)


def delete_kernel(served, body: bytes) -> None:
    kernel_id = json.loads(body)["id"]
    status, _, _ = kernel_request(served, served.token, None, "DELETE", f"/api/kernels/{kernel_id}")
    assert status == 204


@pytest.mark.parametrize("case, token, origin, expected", [
    ("no token", None, "book", 403),
    ("wrong token", "wrong-" + uuid.uuid4().hex, "book", 403),
    ("wrong origin, right token", "right", OTHER_ORIGIN, 403),
    ("other local port, right token", "right", "http://127.0.0.1:1", 403),
    ("right origin, right token", "right", "book", 201),
    ("no origin (a script), right token", "right", None, 201),
])
def test_starting_a_kernel_needs_the_token_and_the_books_origin(served, case, token, origin, expected):
    token = served.token if token == "right" else token
    origin = served.site if origin == "book" else origin
    status, body, headers = kernel_request(served, token, origin)
    assert status == expected, f"{case}: HTTP {status} {body[:200]!r}"
    if status == 201:
        delete_kernel(served, body)
        if origin is not None:
            assert headers.get("Access-Control-Allow-Origin") == origin


def test_origin_is_checked_on_every_request_not_only_the_kernel_api(served):
    # /api/status is an API handler; /api/kernelspecs too; the /files/ handler is not.
    for path in ("/api/status", "/api/kernelspecs", "/files/index.html"):
        status, _, _ = kernel_request(served, served.token, OTHER_ORIGIN, "GET", path)
        assert status == 403, path
    status, _, _ = kernel_request(served, served.token, served.site, "GET", "/api/kernelspecs")
    assert status == 200


def test_no_login_cookie_and_no_terminals(served):
    status, _, headers = kernel_request(served, served.token, served.site, "GET", "/api/status")
    assert status == 200 and "Set-Cookie" not in headers
    status, _, _ = kernel_request(served, served.token, served.site, "POST", "/api/terminals")
    assert status == 404


# -- websocket: who can run code ------------------------------------------------------------------

def execute(ws, code: str) -> str:
    """Run code over the kernel's websocket (Jupyter protocol); return its stdout."""
    msg_id = uuid.uuid4().hex
    ws.send(json.dumps({
        "header": {"msg_id": msg_id, "msg_type": "execute_request", "username": "test", "session": msg_id,
                   "version": "5.3", "date": ""},
        "parent_header": {}, "metadata": {}, "channel": "shell", "buffers": [],
        "content": {"code": code, "silent": False, "store_history": False, "user_expressions": {},
                    "allow_stdin": False, "stop_on_error": True},
    }))
    out = []
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        msg = json.loads(ws.recv())
        if msg.get("parent_header", {}).get("msg_id") != msg_id:
            continue
        if msg["msg_type"] == "stream":
            out.append(msg["content"]["text"])
        elif msg["msg_type"] == "error":
            raise AssertionError("\n".join(msg["content"]["traceback"]))
        elif msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return "".join(out)
    raise AssertionError("no reply from the kernel within 60 s")


@pytest.fixture(scope="module")
def kernel(served):
    status, body, _ = kernel_request(served, served.token, None)
    assert status == 201
    yield json.loads(body)["id"]
    delete_kernel(served, body)


@pytest.mark.parametrize("case, token, origin", [
    ("wrong origin, right token", "right", OTHER_ORIGIN),
    ("right origin, no token", None, "book"),
    ("right origin, wrong token", "wrong", "book"),
])
def test_websocket_refuses_other_origins_and_missing_tokens(served, kernel, case, token, origin):
    import websocket

    token = served.token if token == "right" else token
    query = f"?token={token}" if token else ""
    url = served.api.replace("http://", "ws://") + f"/api/kernels/{kernel}/channels{query}"
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, origin=served.site if origin == "book" else origin, timeout=30)
    assert refused.value.status_code == 403, case


def test_websocket_from_the_book_runs_code_in_the_books_environment(served, kernel):
    import websocket

    url = served.api.replace("http://", "ws://") + f"/api/kernels/{kernel}/channels?token={served.token}"
    ws = websocket.create_connection(url, origin=served.site, timeout=60)
    try:
        out = execute(ws, "import sys, m4ml; from ipykernel.kernelapp import IPKernelApp; "
                          "print(sys.executable, m4ml.__file__, IPKernelApp.instance().transport, 6 * 7)")
    finally:
        ws.close()
    executable, module, transport, answer = out.split()
    assert transport == "ipc", "the kernel listens on TCP ports"
    assert Path(executable) == Path(sys.executable), "the kernel does not run in the book's environment"
    assert Path(module).is_relative_to(ROOT / "src" / "m4ml")
    assert answer == "42"


# -- the built book in a browser --------------------------------------------------------------------

@pytest.fixture(scope="module")
def book_html(built_book) -> Path:
    return built_book  # honours M4ML_HTML (conftest)


@pytest.mark.book
def test_the_built_site_holds_no_token_and_no_server_address(book_html):
    config = json.loads((book_html / "_static" / "live-code" / "config.json").read_text())
    assert "token" not in config
    assert not (book_html / "_live").exists(), "_live/ must be answered by serve.py, never built"
    served = Served(book_html)
    try:
        for path in book_html.rglob("*"):
            if path.suffix in {".html", ".js", ".json", ".txt"}:
                text = path.read_text(errors="replace")
                assert served.token not in text and served.api not in text, path
    finally:
        served.stop()


@pytest.fixture(scope="module")
def live_site(book_html):
    server = Served(book_html)
    yield server
    server.stop()


@pytest.fixture
def browser_page(live_site, page):
    """The shared Playwright page (conftest: loopback-only route guard), with its page errors."""
    from conftest import CHROMIUM

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    page.errors = []
    page.on("pageerror", lambda err: page.errors.append(str(err)))
    return page


def start_live_code(page, site: str, name: str) -> float:
    """Open a page, pick Live Code in the rocket menu; return seconds until the kernel is ready."""
    page.goto(f"{site}/{name}.html", wait_until="load")
    page.locator("button[aria-label='Launch interactive content'], .dropdown-launch-buttons > button").first.click()
    item = page.get_by_role("button", name="Live Code")
    start = time.monotonic()
    item.click()
    page.wait_for_function("window.m4mlLive && ['ready', 'failed'].includes(window.m4mlLive.status)",
                           timeout=90_000)
    status = page.evaluate("window.m4mlLive.status")
    assert status == "ready", f"live code did not start: {page.evaluate('window.m4mlLive.events')}"
    return time.monotonic() - start


def set_code(page, cell, code: str) -> None:
    cell.locator(".CodeMirror, .cm-editor").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(code)


def live_cells(page):
    """The page's shown code cells once Thebe has turned them into editors."""
    return page.locator("article div.cell:not([hidden])").filter(has=page.locator(".thebe-cell"))


@pytest.mark.book
@pytest.mark.browser
def test_edit_a_number_run_it_and_see_the_new_output(browser_page, live_site):
    from playwright.sync_api import expect

    page = browser_page
    ready = start_live_code(page, live_site.site, "preface/how_to_use")
    cell = live_cells(page).first
    rows = cell.locator("[data-output] table tbody tr")
    expect(rows).to_have_count(3)  # the built output of january.head(3)
    code = cell.locator(".thebe-cell").evaluate(
        "box => window.thebe.notebook.cells.find(c => c.id === box.dataset.thebeId).source")
    assert "head(3)" in code
    set_code(page, cell, code.replace("head(3)", "head(5)"))
    page.evaluate("window.m4mlLive.warmup")  # the hidden set-up cell, run while the reader edits
    warm = page.evaluate("(window.m4mlLive.warmedAt - window.m4mlLive.events[0][0]) / 1000")
    start = time.monotonic()
    cell.locator(".thebe-run-button").click()
    expect(rows).to_have_count(5, timeout=60_000)
    first_output = time.monotonic() - start
    print(f"\nlive code: kernel ready {ready:.1f} s after the click on Live Code, hidden set-up cells "
          f"run by {warm:.1f} s; edited cell's output {first_output:.1f} s after run")
    assert "2020-01-05" in cell.locator("[data-output]").inner_text()
    assert not page.blocked, f"requests to other hosts: {page.blocked}"
    assert not page.errors, page.errors
    assert ready < 20 and first_output < 10, "live code is far slower than the ~3 s target"


@pytest.mark.book
@pytest.mark.browser
def test_live_output_typesets_math_with_the_sites_mathjax(browser_page, live_site):
    from playwright.sync_api import expect

    page = browser_page
    start_live_code(page, live_site.site, "preface/how_to_use")
    cell = live_cells(page).nth(1)
    set_code(page, cell, 'from IPython.display import Math\nMath(r"\\frac{a}{b} + \\sqrt{2}")')
    cell.locator(".thebe-run-button").click()
    expect(cell.locator("[data-output] mjx-container")).to_have_count(1, timeout=60_000)
    assert page.locator("mjx-merror").count() == 0
    assert not page.blocked, f"requests to other hosts: {page.blocked}"
    assert not page.errors, page.errors
