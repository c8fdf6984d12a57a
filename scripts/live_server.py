"""The one server of `make serve`: the built book and its live code, on 127.0.0.1.

`scripts/serve.py` runs `serve()` below. It is a Jupyter server (jupyter_server) that also
serves the static site, so the pages and the kernels share one origin:

* ``/`` and everything under it: the files of book/_build/html, to anyone on this
  machine (they are the published book; they hold no secret), gzip-compressed when the
  browser accepts it;
* ``/_live/server.json``: ``{"provider": "local", "baseUrl": "/_jupyter/"}``, which tells a
  page that this server runs live code. It holds no token;
* ``/_jupyter/...``: Jupyter's REST API and kernel websockets.

Security model. Only the person who started `make serve` may run code:

* the token is drawn at each start and lives in this process's memory only. It is not in
  an environment variable (kernels would inherit it), not on the command line (``ps``
  shows it), not in Jupyter's server-info or browser-open files (not written), and no
  endpoint returns it. `serve.py` prints it once, in the fragment of the address to open
  (``http://127.0.0.1:8000/intro.html#token=...``); a browser never sends a fragment to a
  server. The page's script moves it into the tab's sessionStorage and removes it from
  the address bar;
* every API request and websocket needs that token (``Authorization: token ...`` or
  ``?token=``). Login cookies are neither issued nor accepted, and the login page is off,
  so the browser holds no credential that another page could make it send;
* it listens on 127.0.0.1 only and refuses a Host header that is not a loopback name
  (stops DNS rebinding);
* every request that carries an Origin header, HTTP or websocket, must come from this
  server's own origin. Stock jupyter_server skips that check for token-authenticated
  requests; `BookIdentityProvider` applies it to all of them;
* terminals and the server extensions of the environment are off; kernels talk to the
  server over Unix sockets in a private folder (no TCP ports); kernels left idle for an
  hour are shut down.

Speed. `WarmKernelManager` keeps a spare kernel that has already imported the libraries
the pages use (kernel_zygote.PRELOAD, every module the served pages' code imports, and
every m4ml module). A request for a new kernel gets the spare, moved to the page's
folder, and a new spare starts a few seconds later. The spare's user namespace is empty,
as a fresh kernel's is: only the imports are shared.
"""

from __future__ import annotations

import ast
import asyncio
import json
import os
import re
import signal
import sys
import tempfile
from collections.abc import Callable
from datetime import UTC, datetime
from html import unescape
from pathlib import Path

from jupyter_server.auth.decorator import allow_unauthenticated
from jupyter_server.auth.identity import IdentityProvider
from jupyter_server.base.handlers import JupyterHandler
from jupyter_server.serverapp import ServerApp
from jupyter_server.services.kernels.kernelmanager import AsyncMappingKernelManager
from tornado import web
from tornado.web import GZipContentEncoding
from traitlets import Float, Integer, Unicode

from m4ml_book import names
from m4ml_book.kernel_zygote import PRELOAD  # the libraries the build's kernels preload

ROOT = Path(__file__).resolve().parents[1]

JUPYTER_PREFIX = names.JUPYTER_PREFIX  # Jupyter's base_url: the site owns every other path
SETTINGS_PATH = "/" + names.SERVER_SETTINGS_PATH

# Run silently in a spare kernel: imports only; the one helper name is deleted again.
WARM_CODE = """
def _m4ml_preload(names):
    import importlib, pkgutil
    for name in names:
        try:
            importlib.import_module(name)
        except Exception:  # "from a import b": b may be a function, not a module
            pass
    import m4ml
    for info in pkgutil.walk_packages(m4ml.__path__, "m4ml."):
        importlib.import_module(info.name)
_m4ml_preload({names!r})
del _m4ml_preload
"""


def imported_modules(code: str) -> set[str]:
    """The modules a piece of Python imports (for ``from a import b``, both a and a.b)."""
    try:
        tree = ast.parse(code)
    except SyntaxError:  # IPython magics: not plain Python
        return set()
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def page_imports(html: Path) -> list[str]:
    """Every module the served pages import: their hidden cells and their notebooks' cells."""
    found = set()
    for page in html.rglob("*.html"):
        template = re.search(rf'<template id="{names.LIVE_CELLS_ID}".*?</template>',
                             page.read_text(errors="replace"), re.S)
        for code in re.findall(r"<pre[^>]*>(.*?)</pre>", template.group(0) if template else "", re.S):
            found |= imported_modules(unescape(code))
    for notebook in (html / "_sources").rglob("*.ipynb"):
        try:
            cells = json.loads(notebook.read_text())["cells"]
        except (ValueError, KeyError):
            continue
        for cell in cells:
            if cell.get("cell_type") == "code":
                source = cell.get("source", "")
                found |= imported_modules("".join(source) if isinstance(source, list) else source)
    return sorted(found)


def warm_code(html: Path) -> str:
    return WARM_CODE.format(names=sorted(set(PRELOAD) | set(page_imports(html))))


class BookIdentityProvider(IdentityProvider):
    """The token as the only credential, and the Origin checked on every request.

    Requests without an Origin header (curl, scripts) are judged by the token alone, as in
    Jupyter; a browser sends Origin on every cross-origin request and websocket handshake,
    so a page of another origin is refused even if it knew the token.
    """

    def should_check_origin(self, handler: web.RequestHandler) -> bool:
        return True  # also for token-authenticated requests (stock Jupyter skips those)

    async def get_user(self, handler: web.RequestHandler):
        # `check_origin` compares Origin with the Host the request was sent to (and
        # ServerApp.allow_origin, left empty); websocket handlers read Sec-WebSocket-Origin too.
        if not handler.check_origin():
            # as Jupyter's own Host check does: no user, so that the error page can render
            handler.current_user = handler._jupyter_current_user = None
            raise web.HTTPError(403, "requests from this origin are not accepted")
        return await self._get_user(handler)

    def get_user_cookie(self, handler: web.RequestHandler):
        return None  # no ambient credential: a cookie would be sent by any page of 127.0.0.1

    def set_login_cookie(self, handler: web.RequestHandler, user) -> None:
        pass

    def get_handlers(self) -> list:
        return []  # no /login or /logout pages: there is nothing to log in to


class SiteHandler(JupyterHandler, web.StaticFileHandler):
    """The built book, read-only and public (Jupyter's Host and Origin checks still apply).

    Text files (HTML, CSS, JavaScript, JSON, SVG) are sent gzip-compressed to a browser that
    accepts it, as a web host would: a first visit then moves about a quarter of the bytes.
    Fonts and images are compressed already. Brotli would need a package that is not in the
    environment. Only the site is compressed, not Jupyter's API.
    """

    async def prepare(self):
        await super().prepare()
        # Tornado applies its gzip transform to a whole application (`compress_response`);
        # adding it to this handler's own transforms compresses the site only.
        if not self._finished:
            self._transforms = [*self._transforms, GZipContentEncoding(self.request)]

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")  # a rebuilt page shows at once

    def write_error(self, status_code: int, **kwargs) -> None:
        # plain text: Jupyter's error template would also set its (harmless) _xsrf cookie
        self.set_header("Content-Type", "text/plain; charset=utf-8")
        self.finish(f"{status_code} {self._reason}\n")

    @allow_unauthenticated
    def head(self, path: str):
        return super().head(path)

    @allow_unauthenticated
    def get(self, path: str, include_body: bool = True):
        return super().get(path, include_body)


class LiveSettingsHandler(JupyterHandler):
    """Tells a page that this server runs its code, and where; never the token."""

    @allow_unauthenticated
    def get(self) -> None:
        self.set_header("Content-Type", "application/json")
        self.set_header("Cache-Control", "no-store")
        self.finish(json.dumps({"provider": "local", "baseUrl": JUPYTER_PREFIX}))


class WarmKernelManager(AsyncMappingKernelManager):
    """Hands out kernels that have already imported the book's libraries.

    ``spares`` kernels of the default kind are kept started and warm. A request for a
    new kernel takes a warm one (or, if none is ready yet, gets a new kernel as usual),
    moves it to the folder the request names, as a kernel started there would be, and
    starts a replacement ``refill_delay`` seconds later, so that the replacement's imports
    do not compete with the reader's first cells for the processor. Spares are never
    culled and are not listed by the API until they are handed out.
    """

    spares = Integer(1, config=True, help="warm kernels kept ready")
    refill_delay = Float(3.0, config=True, help="seconds between a hand-out and the next spare")
    warm_code = Unicode(config=True, help="code run silently in each spare (imports only)")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        if not self.warm_code:
            self.warm_code = WARM_CODE.format(names=sorted(PRELOAD))
        self._spare_tasks: list[asyncio.Task] = []  # each resolves to a warm kernel id
        self._spare_ids: set[str] = set()

    # -- the pool --------------------------------------------------------------------------

    def fill_pool(self) -> None:
        while len(self._spare_tasks) < self.spares:
            self._spare_tasks.append(asyncio.ensure_future(self._start_spare()))

    async def wait_for_spares(self) -> list[str]:
        """The ids of the spares once all are warm (or failed: those are left out)."""
        ids = await asyncio.gather(*self._spare_tasks, return_exceptions=True)
        return [k for k in ids if isinstance(k, str)]

    async def _start_spare(self) -> str:
        kernel_id = await super().start_kernel(path="")
        self._spare_ids.add(kernel_id)
        try:
            await self.run_silently(kernel_id, self.warm_code)
        except Exception:
            self.log.warning("a spare kernel failed to warm up; it imports on demand", exc_info=True)
        return kernel_id

    async def run_silently(self, kernel_id: str, code: str, timeout: float = 120) -> None:
        """Execute code in a kernel without output, history or execution count."""
        client = self.get_kernel(kernel_id).client()
        client.start_channels()
        try:
            await client.wait_for_ready(timeout=timeout)
            reply = await client.execute_interactive(
                code, silent=True, store_history=False, allow_stdin=False,
                timeout=timeout, output_hook=lambda msg: None)
        finally:
            client.stop_channels()
        if reply["content"]["status"] != "ok":
            raise RuntimeError(f"{reply['content'].get('ename')}: {reply['content'].get('evalue')}")

    async def _take_spare(self) -> str | None:
        """A warm spare, if one is ready. One still warming up is left for a later request:
        it has more to import than a page needs, so a new kernel is no slower."""
        for task in [t for t in self._spare_tasks if t.done()]:
            self._spare_tasks.remove(task)
            asyncio.get_running_loop().call_later(self.refill_delay, self.fill_pool)
            if task.cancelled() or task.exception() is not None:
                error = None if task.cancelled() else task.exception()
                self.log.warning("a spare kernel did not start: %r", error)
                continue
            kernel_id = task.result()
            self._spare_ids.discard(kernel_id)
            if kernel_id in self and await self.get_kernel(kernel_id).is_alive():
                return kernel_id
        return None

    # -- MappingKernelManager --------------------------------------------------------------

    async def start_kernel(self, *, kernel_id=None, path=None, **kwargs) -> str:  # type: ignore[override]
        name = kwargs.get("kernel_name") or self.default_kernel_name
        if kernel_id is None and name == self.default_kernel_name:
            spare = await self._take_spare()
            if spare is not None:
                try:
                    return await self._hand_out(spare, path)
                except Exception:
                    self.log.warning("a spare kernel could not be handed out", exc_info=True)
                    await self.shutdown_kernel(spare, now=True)
        return await super().start_kernel(kernel_id=kernel_id, path=path, **kwargs)

    async def _hand_out(self, kernel_id: str, path: str | None) -> str:
        kernel = self.get_kernel(kernel_id)
        if path is not None:
            cwd = self.cwd_for_path(path)
            await self.run_silently(kernel_id, f"__import__('os').chdir({cwd!r})")
            kernel._launch_args["cwd"] = cwd  # the reader's "restart" starts it there too
        kernel.last_activity = datetime.now(UTC)  # idle from now, not since its warm-up
        self.log.info("Kernel handed out warm: %s", kernel_id)
        return kernel_id

    def pre_start_kernel(self, kernel_name, kwargs):
        km, kernel_name, kernel_id = super().pre_start_kernel(kernel_name, kwargs)
        if km.transport == "ipc":
            # jupyter_client numbers a kernel's sockets after the files that already exist, so
            # two kernels starting at once (a spare and a reader's) could pick the same ones and
            # receive each other's messages. One file prefix per kernel rules that out.
            km.ip = os.path.join(os.path.dirname(km.ip), kernel_id)
        return km, kernel_name, kernel_id

    def list_kernels(self) -> list[dict]:
        return [k for k in super().list_kernels() if k["id"] not in self._spare_ids]

    async def cull_kernel_if_idle(self, kernel_id: str) -> None:
        if kernel_id not in self._spare_ids:
            await super().cull_kernel_if_idle(kernel_id)


class BookServerApp(ServerApp):
    """ServerApp with the site, the identity provider and the kernel pool above."""

    html_dir = Unicode(config=True, help="the built site (book/_build/html)")
    on_ready: Callable[[ServerApp, list[str]], None] | None = None  # called once spares are warm

    def find_server_extensions(self) -> None:
        self.jpserver_extensions = {}  # the environment's extensions (JupyterLab, ...) stay off

    def init_webapp(self) -> None:
        super().init_webapp()
        # Handlers added this way are matched before Jupyter's own (and its 404 catch-all).
        self.web_app.add_handlers(".*$", [
            (re.escape(SETTINGS_PATH), LiveSettingsHandler),
            (r"/(?!_jupyter(?:/|$))(.*)", SiteHandler,
             {"path": self.html_dir, "default_filename": "index.html"}),
        ])

    def init_signal(self) -> None:
        super().init_signal()
        signal.signal(signal.SIGINT, self._signal_stop)  # Ctrl-C stops at once, no y/n prompt

    # Jupyter's server-info and browser-open files would be more copies of the token on disk.
    def write_server_info_file(self) -> None:
        pass

    def remove_server_info_file(self) -> None:
        pass

    def write_browser_open_files(self) -> None:
        pass

    def remove_browser_open_files(self) -> None:
        pass

    async def _post_start(self):
        await super()._post_start()
        self.kernel_manager.fill_pool()
        ids = await self.kernel_manager.wait_for_spares()
        if self.on_ready is not None:
            self.on_ready(self, ids)


def server_argv(port: int, html: Path, root_dir: Path, ipc_dir: Path, spares: int) -> list[str]:
    return [
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",          # fail loudly rather than move to another port
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_remote_access=False",
        f"--ServerApp.base_url={JUPYTER_PREFIX}",
        f"--BookServerApp.html_dir={html}",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.terminals_enabled=False",
        "--ServerApp.allow_root=True",         # CI runs as root; the token still guards every request
        "--ServerApp.log_level=WARN",
        f"--ServerApp.kernel_manager_class={__name__}.WarmKernelManager",
        f"--WarmKernelManager.spares={spares}",
        # Kernels talk to the server over Unix sockets in a private folder, not TCP ports that
        # any local user could reach (their messages are signed, but not encrypted).
        "--KernelManager.transport=ipc",
        f"--KernelManager.ip={ipc_dir / 'kernel'}",
        "--WarmKernelManager.cull_idle_timeout=3600",
        "--WarmKernelManager.cull_interval=300",
    ]


def serve(port: int, html: Path, root_dir: Path, token: str, spares: int = 1,
          on_ready: Callable[[ServerApp, list[str]], None] | None = None) -> None:
    """Run the server until SIGINT or SIGTERM; call ``on_ready`` once the spares are warm."""
    if len(token) < 32:
        raise ValueError("the token must be a random string of at least 32 characters")
    os.environ.pop("JUPYTER_TOKEN", None)  # only the token below counts, and kernels never see one
    with tempfile.TemporaryDirectory(prefix="m4ml-kernels-") as ipc_dir:  # mode 0700
        app = BookServerApp.instance(identity_provider_class=BookIdentityProvider)
        app.on_ready = on_ready
        app.initialize(server_argv(port, html.resolve(), root_dir.resolve(), Path(ipc_dir), spares))
        app.kernel_manager.warm_code = warm_code(html)
        # after the config files, which must not replace it; not "generated", so that Jupyter
        # does not print an address of its own
        app.identity_provider.token = token
        app.identity_provider.token_generated = False
        app.start()


if __name__ == "__main__":
    sys.exit("scripts/live_server.py is started by scripts/serve.py (make serve)")
