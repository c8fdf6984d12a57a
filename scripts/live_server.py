"""The Jupyter server that runs the book's live code cells during `make serve`.

`scripts/serve.py` starts this module in its own process; run on its own it needs
`--port`, `--origin` (repeatable) and the token in the environment variable
JUPYTER_TOKEN (never on the command line, where other users could read it in `ps`).

Security model, for a server that only the reader's own browser should use:

* it listens on 127.0.0.1 only, and refuses requests whose Host header is not a
  loopback name (Jupyter's default when bound to loopback; stops DNS rebinding);
* every request needs the token (Authorization header or ``?token=``); login
  cookies are never issued nor accepted, so no ambient credential exists;
* every request, HTTP or websocket, is refused when it carries an Origin header
  other than the server's own or one of the book's origins. Stock jupyter_server
  skips this check for token-authenticated requests, so a page on any other
  origin that learnt the token could start kernels; `BookOriginIdentityProvider`
  applies the check to all of them;
* terminals and the server extensions of the environment are switched off; kernels
  talk to the server over Unix sockets in a private folder (no TCP ports); kernels
  left idle for an hour are shut down.
"""

from __future__ import annotations

import argparse
import os
import re
import sys
import tempfile
from pathlib import Path

from jupyter_server.auth.identity import IdentityProvider
from jupyter_server.serverapp import ServerApp
from tornado import web

ROOT = Path(__file__).resolve().parents[1]


class BookOriginIdentityProvider(IdentityProvider):
    """Token-only authentication with the Origin checked on every request.

    Requests without an Origin header (scripts, curl, the test suite) are checked by
    the token alone, as in Jupyter; browsers always send Origin on cross-origin requests
    and websocket handshakes, so a page from another origin is refused even with the token.
    """

    def should_check_origin(self, handler: web.RequestHandler) -> bool:
        return True  # also for token-authenticated requests (stock Jupyter skips those)

    async def get_user(self, handler: web.RequestHandler):
        # `check_origin` compares Origin with the server's own host and the allowed
        # origins (ServerApp.allow_origin_pat); websocket handlers read Sec-WebSocket-Origin too.
        if not handler.check_origin():
            # as Jupyter's own Host check does: no user, so that the error page can render
            handler.current_user = handler._jupyter_current_user = None
            raise web.HTTPError(403, "requests from this origin are not accepted")
        return await self._get_user(handler)

    def get_user_cookie(self, handler: web.RequestHandler):
        return None  # the token is the only credential

    def set_login_cookie(self, handler: web.RequestHandler, user) -> None:
        pass


def origin_pattern(origins: list[str]) -> str:
    """A regular expression that matches exactly these origins (scheme://host:port)."""
    for origin in origins:
        if not re.fullmatch(r"https?://[A-Za-z0-9.\-\[\]:]+", origin):
            raise ValueError(f"--origin must look like http://127.0.0.1:8000, got {origin!r}")
    return "|".join(re.escape(o) for o in origins)


def server_argv(port: int, origins: list[str], root_dir: Path, ipc_dir: Path) -> list[str]:
    return [
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",          # fail loudly rather than move to another port
        "--ServerApp.open_browser=False",
        "--ServerApp.allow_remote_access=False",
        f"--ServerApp.allow_origin_pat={origin_pattern(origins)}",
        f"--ServerApp.root_dir={root_dir}",
        "--ServerApp.terminals_enabled=False",
        "--ServerApp.allow_root=True",         # CI runs as root; the token still guards every request
        "--ServerApp.log_level=WARN",
        # Kernels talk to the server over Unix sockets in a private folder, not TCP ports that
        # any local user could reach (their messages are signed, but not encrypted).
        "--KernelManager.transport=ipc",
        f"--KernelManager.ip={ipc_dir / 'kernel'}",
        "--MappingKernelManager.cull_idle_timeout=3600",
        "--MappingKernelManager.cull_interval=300",
    ]


class BookServerApp(ServerApp):
    """ServerApp with the identity provider above and no server extensions."""

    def find_server_extensions(self) -> None:  # noqa: D102 - extensions of the environment stay off
        self.jpserver_extensions = {}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--origin", action="append", required=True,
                        help="an origin allowed to use the server, e.g. http://127.0.0.1:8000 (repeatable)")
    parser.add_argument("--root-dir", type=Path, default=ROOT / "book",
                        help="folder the kernels start from (default: book/)")
    args = parser.parse_args(argv)
    if len(os.environ.get("JUPYTER_TOKEN", "")) < 32:
        sys.exit("scripts/live_server.py: set JUPYTER_TOKEN to a random token of at least 32 characters")
    with tempfile.TemporaryDirectory(prefix="m4ml-kernels-") as ipc_dir:  # mode 0700
        BookServerApp.launch_instance(
            argv=server_argv(args.port, args.origin, args.root_dir.resolve(), Path(ipc_dir)),
            identity_provider_class=BookOriginIdentityProvider,
        )


if __name__ == "__main__":
    main()
