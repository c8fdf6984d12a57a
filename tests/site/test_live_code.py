"""Live code: `make serve` (scripts/serve.py, scripts/live_server.py) and the pages' live-code.js.

Security, at the HTTP and websocket level, against a real server started by serve.py on
a tiny site. The token reaches only the person who started the server: serve.py prints it
in the fragment of the address to open, and nothing else hands it out. Another local
process, with no browser and without that address, learns no token from any endpoint and
starts no kernel. A kernel starts and runs code only with the token, and only from the
server's own origin (or from no browser origin at all, like curl with the token).

Speed: a new kernel comes warm (the book's libraries imported) yet fresh (empty namespace,
in its page's folder). In Chromium, the real "Live Code" menu item on built pages: open
the printed address, edit a number, run, see the new output, typeset math, get a kernel of
each page's own that ends when the page is left; a tab with the token loads Thebe before the
click and runs the first cell. How long that takes depends on the machine: it is measured by
benchmarks/bench_live_code.py (`make bench`), never asserted here. Without a server, the page
says in words and links what to do instead.

Set M4ML_HTML=/path/to/_build/html to point the book tests at a build of your own
instead of building the book (`make book`) first.
"""

from __future__ import annotations

import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.error
import urllib.request
import uuid
from pathlib import Path

import pytest

from m4ml_book import names

from conftest import ROOT

SERVE = ROOT / "scripts" / "serve.py"
OTHER_ORIGIN = "http://evil.example"
REPOSITORY = "https://github.com/math4ml/math4ml"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def request(url: str, method: str = "GET", headers: dict | None = None,
            body: dict | None = None) -> tuple[int, bytes, dict]:
    data = json.dumps(body or {}).encode() if method in ("POST", "PATCH") else None
    req = urllib.request.Request(url, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read(), dict(r.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read(), dict(err.headers)


class Served:
    """A running `scripts/serve.py`, and what it printed for the person who started it."""

    def __init__(self, html: Path, *options: str):
        self.port = free_port()
        self.site = f"http://127.0.0.1:{self.port}"
        self.api = f"{self.site}/_jupyter"
        self.proc = subprocess.Popen(
            [sys.executable, str(SERVE), "--port", str(self.port), "--html", str(html), *options],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        self.reader = threading.Thread(target=self._read, daemon=True)  # never let the pipe fill
        self.reader.start()
        deadline = time.monotonic() + 180
        found = None
        while found is None:
            found = re.search(r"(http://127\.0\.0\.1:\d+/\S*)#token=([\w-]+)", "".join(self.lines))
            if found is None:
                if self.proc.poll() is not None:
                    self.reader.join(5)
                    raise AssertionError(f"serve.py exited early:\n{''.join(self.lines)}")
                assert time.monotonic() < deadline, f"serve.py printed no address within 180 s:\n{self.lines}"
                time.sleep(0.2)
        self.address = found.group(0)  # what the person who started it opens
        self.token = found.group(2)

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    @property
    def auth(self) -> dict:
        return {"Authorization": f"token {self.token}"}

    def kernel_ids(self) -> set[str]:
        status, body, _ = request(f"{self.api}/api/kernels", headers=self.auth)
        assert status == 200, body
        return {k["id"] for k in json.loads(body)}

    def stop(self) -> str:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(timeout=30)
        except subprocess.TimeoutExpired as err:
            self.proc.kill()
            self.proc.wait()
            raise AssertionError("serve.py did not stop within 30 s of SIGTERM") from err
        self.reader.join(5)
        self.proc.stdout.close()
        return "".join(self.lines)


def jupyter_alive(url: str) -> bool:
    try:
        request(f"{url}/api")
        return True
    except (urllib.error.URLError, OSError):
        return False


def children(pid: int) -> list[int]:
    """The processes whose parent is pid (the kernels of the server)."""
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    html = tmp_path_factory.mktemp("site")
    (html / "index.html").write_text("<!doctype html><title>t</title><p>tiny site</p>")
    (html / "long.html").write_text("<!doctype html><title>t</title>" + "<p>a page of some length</p>\n" * 200)
    server = Served(html)
    yield server
    print(f"serve.py said:\n{server.stop()}")  # shown by pytest when a test failed
    assert not jupyter_alive(server.api), "the Jupyter server outlived `make serve`"


def test_the_site_is_gzipped_for_a_browser_that_accepts_it(served):
    """Pages go compressed to a browser that accepts gzip, as-is to one that does not; not the API."""
    import gzip

    page = served.proc.args[served.proc.args.index("--html") + 1] + "/long.html"
    original = Path(page).read_bytes()
    status, body, headers = request(f"{served.site}/long.html", headers={"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("Content-Encoding") == "gzip", headers
    assert gzip.decompress(body) == original and len(body) < len(original) / 5
    status, body, headers = request(f"{served.site}/long.html")
    assert status == 200 and "Content-Encoding" not in headers and body == original
    status, body, headers = request(f"{served.api}/api/kernels", headers={**served.auth, "Accept-Encoding": "gzip"})
    assert status == 200 and "Content-Encoding" not in headers, headers


# -- the address printed for the person who started the server -------------------------------------

def test_the_token_is_printed_in_the_fragment_of_the_address_only(served):
    assert served.address == f"{served.site}/index.html#token={served.token}"
    assert len(served.token) >= 40
    status, body, headers = request(f"{served.site}/{names.SERVER_SETTINGS_PATH}")
    assert status == 200 and headers.get("Cache-Control") == "no-store"
    assert json.loads(body) == {"provider": "local", "baseUrl": names.JUPYTER_PREFIX}
    status, body, _ = request(f"{served.api}/api/status", headers=served.auth)
    assert status == 200, "the printed token does not open the Jupyter API"


# What another user of the machine runs: no browser, no printed address, only 127.0.0.1.
# It looks for the token everywhere, tries every long string it sees as a token, and tries
# to start a kernel without one. It prints what it got, as JSON.
INTRUDER = r"""
import json, re, sys, urllib.error, urllib.request
site, port = sys.argv[1], sys.argv[1].rsplit(":", 1)[1]
paths = ["/", "/index.html", "/_live/server.json", "/_live/", "/_live/token", "/api/kernels",
         "/api/status", "/_jupyter", "/_jupyter/", "/_jupyter/api", "/_jupyter/api/status",
         "/_jupyter/api/me", "/_jupyter/api/kernels", "/_jupyter/api/sessions",
         "/_jupyter/api/kernelspecs", "/_jupyter/api/contents", "/_jupyter/api/config/notebook",
         "/_jupyter/login", "/_jupyter/logout", "/_jupyter/tree", "/_jupyter/lab",
         "/_jupyter/files/", "/_jupyter/static/", "/_jupyter/metrics", "/_jupyter/?token="]
variants = [{}, {"Host": f"127.0.0.1:{port}"}, {"Host": f"localhost:{port}"}, {"Origin": site}]

def call(path, method="GET", headers=None):
    data = b"{}" if method == "POST" else None
    req = urllib.request.Request(site + path, method=method, headers=headers or {}, data=data)
    try:
        with urllib.request.urlopen(req, timeout=60) as r:
            return r.status, r.read().decode(errors="replace"), dict(r.headers)
    except urllib.error.HTTPError as err:
        return err.code, err.read().decode(errors="replace"), dict(err.headers)

seen = []
for path in paths:
    for headers in variants:
        status, body, head = call(path, headers=headers)
        seen.append({"path": path, "headers": headers, "status": status, "body": body,
                     "response_headers": head})
tried = sorted({t for s in seen for t in re.findall(r"[\w-]{32,}", s["body"] + json.dumps(s["response_headers"]))})
posts = {}
for path in ("/_jupyter/api/kernels", "/_jupyter/api/sessions", "/api/kernels"):
    posts[path] = call(path, "POST", {"Content-Type": "application/json"})[0]
posts["with a guessed token"] = [call("/_jupyter/api/kernels", "POST", {"Authorization": "token " + t})[0]
                                 for t in tried[:60]]
print(json.dumps({"seen": seen, "tried": len(tried), "posts": posts}))
"""


def test_another_local_process_gets_no_token_and_no_kernel(served):
    before = served.kernel_ids()
    result = subprocess.run([sys.executable, "-c", INTRUDER, served.site], capture_output=True,
                            text=True, timeout=300, env={"PATH": os.environ.get("PATH", "")})
    assert result.returncode == 0, result.stderr
    assert served.token not in result.stdout + result.stderr, "an endpoint revealed the token"
    got = json.loads(result.stdout)
    by_path = {(s["path"], json.dumps(s["headers"])): s for s in got["seen"]}
    for (path, _), seen in by_path.items():
        api = path.startswith("/_jupyter/api/")
        assert not api or seen["status"] == 403, f"{path} answered {seen['status']} without a token"
        cookies = seen["response_headers"].get("Set-Cookie", "")
        assert not cookies or cookies.startswith("_xsrf="), f"{path} set a cookie: {cookies}"
    assert by_path[("/index.html", "{}")]["status"] == 200  # the pages themselves are public
    assert got["tried"] > 0  # ETags and the like: long strings, none of them the token
    posts = got["posts"]
    assert posts["/_jupyter/api/kernels"] == 403 and posts["/_jupyter/api/sessions"] == 403, posts
    assert posts["/api/kernels"] in (403, 404, 405), posts
    assert set(posts["with a guessed token"]) == {403}, posts
    assert served.kernel_ids() == before, "a kernel was started without the token"


def test_the_token_is_in_no_command_line_environment_or_file(served):
    pids = [served.proc.pid, *children(served.proc.pid)]
    assert len(pids) >= 2, "no kernel process found under the server (the warm spare)"
    for pid in pids:
        for part in ("cmdline", "environ"):  # other users can read every process's cmdline
            assert served.token.encode() not in Path(f"/proc/{pid}/{part}").read_bytes(), (pid, part)
    from jupyter_core.paths import jupyter_runtime_dir

    runtime = Path(jupyter_runtime_dir())
    for path in runtime.glob("*") if runtime.is_dir() else []:
        if path.is_file():
            assert served.token not in path.read_text(errors="replace"), path


# -- HTTP: who can start a kernel -----------------------------------------------------------------

def kernel_request(served, token: str | None, origin: str | None, method="POST", path="/api/kernels",
                   body: dict | None = None):
    headers = {"Content-Type": "application/json"}
    if token is not None:
        headers["Authorization"] = f"token {token}"
    if origin is not None:
        headers["Origin"] = origin
    return request(f"{served.api}{path}", method=method, headers=headers, body=body)


def delete_kernel(served, kernel_id: str) -> None:
    status, _, _ = kernel_request(served, served.token, None, "DELETE", f"/api/kernels/{kernel_id}")
    assert status == 204


# -- warm kernels ---------------------------------------------------------------------------------

# What a new kernel looks like from inside: its folder, its user namespace (names a fresh IPython
# kernel does not hide), its execution count, and whether the book's libraries are imported.
INSPECT = ("print(__import__('json').dumps({'cwd': __import__('os').getcwd(), "
           "'names': [k for k in get_ipython().user_ns if not k.startswith('_') "
           "and k not in get_ipython().user_ns_hidden], "
           "'count': get_ipython().execution_count, "
           "'warm': all(m in __import__('sys').modules for m in ('sklearn', 'm4ml.models.linear'))}))")


def start_session(served, path: str) -> tuple[str, str]:
    """Start a session as Thebe does (POST /api/sessions); return its id and its kernel's."""
    status, body, _ = kernel_request(served, served.token, served.site, "POST", "/api/sessions", body={
        "path": path, "name": Path(path).name, "type": "notebook", "kernel": {"name": "python3"}})
    assert status == 201, body
    model = json.loads(body)
    return model["id"], model["kernel"]["id"]


def test_a_new_kernel_is_warm_yet_fresh_and_starts_in_its_pages_folder(served):
    # The first kernel this server hands out: the spare it warmed before printing its address.
    session, kernel_id = start_session(served, "preface/how_to_use.ipynb")
    try:
        seen = json.loads(run_in(served, kernel_id, INSPECT))
        assert seen == {"cwd": str(ROOT / "book" / "preface"), "names": [], "count": 1, "warm": True}
        # Restarted (the reader's restart button), it is a cold kernel, in the same folder.
        status, _, _ = kernel_request(served, served.token, served.site, "POST",
                                      f"/api/kernels/{kernel_id}/restart")
        assert status == 200
        seen = json.loads(run_in(served, kernel_id, INSPECT))
        assert seen == {"cwd": str(ROOT / "book" / "preface"), "names": [], "count": 1, "warm": False}
    finally:
        status, _, _ = kernel_request(served, served.token, served.site, "DELETE", f"/api/sessions/{session}")
        assert status == 204


@pytest.mark.parametrize("case, token, origin, expected", [
    ("no token, no origin (curl)", None, None, 403),
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
    before = served.kernel_ids()
    status, body, _ = kernel_request(served, token, origin)
    assert status == expected, f"{case}: HTTP {status} {body[:200]!r}"
    if status == 201:
        delete_kernel(served, json.loads(body)["id"])
    else:
        assert served.kernel_ids() == before, case


def test_origin_is_checked_on_every_request_not_only_the_kernel_api(served):
    # /api/status is an API handler; /api/kernelspecs too; the /files/ handler is not.
    for path in ("/api/status", "/api/kernelspecs", "/files/index.html"):
        status, _, _ = kernel_request(served, served.token, OTHER_ORIGIN, "GET", path)
        assert status == 403, path
    status, _, _ = kernel_request(served, served.token, served.site, "GET", "/api/kernelspecs")
    assert status == 200
    status, _, _ = request(f"{served.site}/index.html", headers={"Host": "evil.example"})
    assert status == 403, "DNS rebinding: a foreign Host name must be refused, pages included"


def test_no_login_no_cookie_no_terminals(served):
    status, _, headers = kernel_request(served, served.token, served.site, "GET", "/api/status")
    assert status == 200 and "Set-Cookie" not in headers
    status, _, _ = kernel_request(served, served.token, served.site, "POST", "/api/terminals")
    assert status == 404
    status, _, headers = request(f"{served.api}/login")
    assert status == 404, "a login page would issue a login cookie"
    # Jupyter's own HTML pages (this 404) set its anti-forgery cookie _xsrf: no credential
    assert headers.get("Set-Cookie", "_xsrf=").startswith("_xsrf=")


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


def run_in(served, kernel_id: str, code: str) -> str:
    import websocket

    url = served.api.replace("http://", "ws://") + f"/api/kernels/{kernel_id}/channels?token={served.token}"
    ws = websocket.create_connection(url, origin=served.site, timeout=60)
    try:
        return execute(ws, code)
    finally:
        ws.close()


@pytest.fixture(scope="module")
def kernel(served):
    status, body, _ = kernel_request(served, served.token, None)
    assert status == 201
    kernel_id = json.loads(body)["id"]
    yield kernel_id
    delete_kernel(served, kernel_id)


@pytest.mark.parametrize("case, token, origin", [
    ("wrong origin, right token", "right", OTHER_ORIGIN),
    ("right origin, no token", None, "book"),
    ("right origin, wrong token", "wrong", "book"),
    ("no origin, no token (curl)", None, None),
])
def test_websocket_refuses_other_origins_and_missing_tokens(served, kernel, case, token, origin):
    import websocket

    token = served.token if token == "right" else token
    query = f"?token={token}" if token else ""
    url = served.api.replace("http://", "ws://") + f"/api/kernels/{kernel}/channels{query}"
    origin = served.site if origin == "book" else origin
    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(url, origin=origin, suppress_origin=origin is None, timeout=30)
    assert refused.value.status_code == 403, case


def test_websocket_from_the_book_runs_code_in_the_books_environment(served, kernel):
    out = run_in(served, kernel, "import sys, m4ml; from ipykernel.kernelapp import IPKernelApp; "
                                 "print(sys.executable, m4ml.__file__, IPKernelApp.instance().transport, 6 * 7)")
    executable, module, transport, answer = out.split()
    assert transport == "ipc", "the kernel listens on TCP ports"
    assert Path(executable) == Path(sys.executable), "the kernel does not run in the book's environment"
    import m4ml

    assert Path(module) == Path(m4ml.__file__), "the kernel imports another m4ml than the book's"
    assert answer == "42"


def test_kernels_started_at_once_have_sockets_of_their_own(served):
    """Kernels started together (a reader's and a spare, or two tabs) must not share sockets.

    jupyter_client numbers Unix-socket kernels after the socket files that already exist;
    two kernels starting at the same moment used to pick the same files and receive each
    other's messages ("Invalid Signature"). Each kernel now has a file prefix of its own.
    """
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(4) as pool:
        started = list(pool.map(lambda _: kernel_request(served, served.token, None), range(4)))
    ids = [json.loads(body)["id"] for status, body, _ in started if status == 201]
    assert len(ids) == 4, [status for status, _, _ in started]
    try:
        seen = [json.loads(run_in(served, k, "from ipykernel.kernelapp import IPKernelApp as A; "
                                             "import json, os; print(json.dumps([A.instance().ip, os.getpid()]))"))
                for k in ids]
        prefixes, pids = zip(*seen)
        assert len(set(prefixes)) == 4 and len(set(pids)) == 4, seen
    finally:
        for k in ids:
            delete_kernel(served, k)


# -- the built book ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def book_html(built_book) -> Path:
    return built_book  # honours M4ML_HTML (conftest)


@pytest.mark.book
def test_the_built_site_holds_no_token_and_no_server_address(book_html):
    config = json.loads((book_html / "_static" / names.LIVE_CODE_STATIC / names.LIVE_CODE_CONFIG).read_text())
    assert "token" not in config
    assert not (book_html / "_live").exists(), "_live/ must be answered by serve.py, never built"
    served = Served(book_html)
    try:
        assert served.address.startswith(f"{served.site}/intro.html#token=")  # index.html redirects there
        for path in book_html.rglob("*"):
            if path.suffix in {".html", ".js", ".json", ".txt"}:
                text = path.read_text(errors="replace")
                assert served.token not in text and f"127.0.0.1:{served.port}" not in text, path
    finally:
        served.stop()


# -- in a browser ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def live_site(book_html):
    server = Served(book_html)
    yield server
    server.stop()


@pytest.fixture
def errors(request):
    """The page errors of the shared Playwright page (conftest: loopback-only route guard)."""
    from conftest import CHROMIUM

    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed")
    found = []
    request.getfixturevalue("page").on("pageerror", lambda err: found.append(str(err)))
    return found


def open_printed_address(page, served: Served) -> None:
    """What the person who started `make serve` does first: open the address it printed."""
    page.goto(served.address, wait_until="load")
    assert "#" not in page.url, "the token stays in the address bar"
    assert page.evaluate(f"sessionStorage.getItem('{names.LIVE_TOKEN_KEY}')") == served.token


def click_live_code(page) -> float:
    """Pick Live Code in the rocket menu; return the monotonic time of the click."""
    page.locator("button[aria-label='Launch interactive content'], .dropdown-launch-buttons > button").first.click()
    item = page.get_by_role("button", name="Live Code")
    start = time.monotonic()
    item.click()
    return start


def wait_for_status(page) -> str:
    page.wait_for_function("window.m4mlLive && ['ready', 'failed'].includes(window.m4mlLive.status)",
                           timeout=90_000)
    return page.evaluate("window.m4mlLive.status")


def start_live_code(page, site: str, name: str) -> float:
    """Open a page, pick Live Code; return seconds until the kernel is ready."""
    page.goto(f"{site}/{name}.html", wait_until="load")
    start = click_live_code(page)
    status = wait_for_status(page)
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
def test_edit_a_number_run_it_and_see_the_new_output(errors, page, live_site):
    from playwright.sync_api import expect

    open_printed_address(page, live_site)
    ready = start_live_code(page, live_site.site, "preface/how_to_use")
    cell = live_cells(page).first
    rows = cell.locator("[data-output] table tbody tr")
    expect(rows).to_have_count(3)  # the built output of january.head(3)
    code = cell.locator(".thebe-cell").evaluate(
        "box => window.thebe.notebook.cells.find(c => c.id === box.dataset.thebeId).source")
    assert "head(3)" in code
    set_code(page, cell, code.replace("head(3)", "head(5)"))
    page.evaluate("window.m4mlLive.warmup")  # the hidden set-up cell, run while the reader edits
    start = time.monotonic()
    cell.locator(".thebe-run-button").click()
    expect(rows).to_have_count(5, timeout=60_000)
    print(f"\nlive code: kernel ready {ready:.1f} s after the click on Live Code; "
          f"edited cell's output {time.monotonic() - start:.1f} s after run")
    assert "2020-01-05" in cell.locator("[data-output]").inner_text()
    assert not page.blocked, f"requests to other hosts: {page.blocked}"
    assert not errors, errors


@pytest.mark.book
@pytest.mark.browser
def test_live_output_typesets_math_with_the_sites_mathjax(errors, page, live_site):
    from playwright.sync_api import expect

    open_printed_address(page, live_site)
    start_live_code(page, live_site.site, "preface/how_to_use")
    cell = live_cells(page).nth(1)
    # The page's own formulas came typeset from the build: no MathJax until an output needs it.
    assert page.evaluate("typeof window.MathJax === 'undefined' || !window.MathJax.startup")
    set_code(page, cell, 'from IPython.display import Math\nMath(r"\\frac{a}{b} + \\sqrt{2} + \\vx")')
    cell.locator(".thebe-run-button").click()
    expect(cell.locator("[data-output] mjx-container")).to_have_count(1, timeout=60_000)
    assert page.locator("mjx-merror").count() == 0
    assert page.evaluate("Boolean(window.MathJax && window.MathJax.startup)")  # loaded for this output
    # \vx, the book's macro, is known (MathJax prints an unknown macro's name in red)
    assert "vx" not in cell.locator("[data-output] mjx-container").text_content()
    assert not page.blocked, f"requests to other hosts: {page.blocked}"
    assert not errors, errors


@pytest.mark.book
@pytest.mark.browser
def test_a_tab_without_the_printed_address_is_told_to_open_it(errors, page, live_site):
    """The same server, reached without the token (or with one of an earlier start): no kernel."""
    before = live_site.kernel_ids()
    for stale in (None, "x" * 43):
        page.goto(f"{live_site.site}/preface/how_to_use.html", wait_until="load")
        if stale:
            page.evaluate(f"sessionStorage.setItem('{names.LIVE_TOKEN_KEY}', '{stale}')")
            page.reload(wait_until="load")
        click_live_code(page)
        assert wait_for_status(page) == "failed"
        help_box = page.locator(".m4ml-live-help")
        text = help_box.inner_text()
        assert "#token=" in text and "`" not in text, text
        assert help_box.locator("code", has_text="make serve").count() >= 1
        assert page.evaluate(f"sessionStorage.getItem('{names.LIVE_TOKEN_KEY}')") is None
    assert live_site.kernel_ids() <= before, "a kernel was started without the token"
    assert not page.blocked and not errors, (page.blocked, errors)


@pytest.mark.book
@pytest.mark.browser
def test_each_page_gets_a_kernel_of_its_own_shut_down_when_left(errors, page, live_site):
    """Two pages of one folder do not share a kernel (nor its variables); leaving one ends its kernel."""
    open_printed_address(page, live_site)
    start_live_code(page, live_site.site, "preface/how_to_use")
    first = page.evaluate("window.thebe.session.kernel.id")
    assert first in live_site.kernel_ids()
    start_live_code(page, live_site.site, "preface/notation")  # same folder, next page
    second = page.evaluate("window.thebe.session.kernel.id")
    assert second != first
    deadline = time.monotonic() + 20
    while first in live_site.kernel_ids():
        assert time.monotonic() < deadline, "the kernel of the page left behind is still running"
        time.sleep(0.2)
    assert second in live_site.kernel_ids()
    assert not page.blocked and not errors, (page.blocked, errors)


def axe_violations(page, selector: str) -> list[str]:
    """Serious or critical axe-core violations inside one element, in both themes (contrast in dark)."""
    page.add_script_tag(path=str(ROOT / "node_modules" / "axe-core" / "axe.min.js"))
    found = []
    for theme, rules in (("light", "{type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}"),
                         ("dark", "{type: 'rule', values: ['color-contrast']}")):
        page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        page.wait_for_timeout(400)
        result = page.evaluate(f"axe.run(document.querySelector('{selector}'), "
                               f"{{runOnly: {rules}, resultTypes: ['violations']}})")
        found += [f"{theme}: {v['id']} ({v['impact']})" for v in result["violations"]
                  if v["impact"] in ("serious", "critical")]
    return found


@pytest.mark.book
@pytest.mark.browser
def test_without_a_server_live_code_says_what_to_do_instead(errors, page, site_url, book_html):
    """A plain static host (as a published copy is), and the pages opened as files."""
    page.route("file://**/*", lambda route: route.continue_())  # local files are no other host
    for where in (site_url, book_html.resolve().as_uri()):
        page.goto(f"{where}/preface/how_to_use.html", wait_until="load")
        repo_button = page.locator("a.btn-source-repository-button")
        assert repo_button.get_attribute("href") == REPOSITORY  # the header's link to the repository
        click_live_code(page)
        assert wait_for_status(page) == "failed"
        help_box = page.locator(".m4ml-live-help")
        text = help_box.inner_text()
        assert "`" not in text, f"markup printed as text: {text}"
        assert help_box.locator(f"a[href='{REPOSITORY}']").count() == 1
        pip = help_box.locator("pre code").inner_text()
        assert pip == f'pip install jupyterlab "m4ml @ git+{REPOSITORY}"'
        notebook = help_box.locator("a[download]")
        assert notebook.get_attribute("download") == "how_to_use.ipynb"
        href = notebook.evaluate("a => a.href")
        assert href.endswith("/_sources/preface/how_to_use.ipynb")
        if where == site_url:
            status, body, _ = request(href)
            assert status == 200 and json.loads(body)["nbformat"] == 4
            assert not axe_violations(page, ".m4ml-live-help")
        else:
            assert Path(href.removeprefix("file://")).is_file()
        assert "jupyter lab how_to_use.ipynb" in text
    assert not page.blocked, f"requests to other hosts: {page.blocked}"
    assert not errors, errors


# -- the first output, as a reader gets it ----------------------------------------------------------

@pytest.mark.book
@pytest.mark.browser
def test_a_tab_with_the_token_loads_thebe_early_and_runs_the_first_cell(errors, page, live_site):
    """As a reader: open the printed address, then a page; the tab loads Thebe in the background
    before the click; after Live Code the first cell's run button shows, and running it replaces
    the built output with a new one, without an error. (benchmarks/bench_live_code.py times
    these same steps.)"""
    open_printed_address(page, live_site)
    page.goto(f"{live_site.site}/preface/how_to_use.html", wait_until="load")
    page.wait_for_function("Boolean(window.thebelab)", timeout=30_000)
    click_live_code(page)
    cell = live_cells(page).first
    run = cell.locator(".thebe-run-button")
    run.wait_for(state="visible", timeout=60_000)
    output = cell.locator("[data-output]")
    output.evaluate("o => o.querySelectorAll('.jp-OutputArea-child')"
                    ".forEach(c => { c.dataset.m4mlBuilt = '1'; })")
    run.click()
    page.wait_for_function(
        "o => o.querySelector('.jp-OutputArea-child:not([data-m4ml-built])')",
        arg=output.element_handle(), timeout=90_000)
    assert wait_for_status(page) == "ready"
    assert output.inner_text().strip(), "the first cell's new output is empty"
    assert page.locator(".jp-OutputArea-output[data-mime-type='application/vnd.jupyter.stderr']"
                        ).count() == 0, "the first cell failed"
    events = page.evaluate("window.m4mlLive.events")
    assert any(status == "ready" for _, status, _ in events), events
    assert not page.blocked, f"requests to other hosts: {page.blocked}"
    assert not errors, errors
