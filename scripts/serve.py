"""`make serve`: the built book on 127.0.0.1, with a Jupyter server for its live code.

Two servers, both on the loopback interface only:

* the site (book/_build/html) at http://127.0.0.1:PORT, by Python's http.server;
* a Jupyter server (scripts/live_server.py) at another free loopback port, which runs
  the cells of the pages in the book's own environment (.venv, so `import m4ml` works).

Each run draws a fresh random token. The pages never contain it: when the reader
clicks "Live Code", the page asks the site for ``_live/server.json`` and this process
answers from memory (only to requests addressed to 127.0.0.1/localhost:PORT, which
stops DNS rebinding, and never to another origin). Nothing is written into the build.
The Jupyter server accepts requests only with that token and only from the book's origin
(see scripts/live_server.py). Stop both with Ctrl-C.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import os
import secrets
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIVE_PATH = "/_live/server.json"  # answered by this process only; never a file of the build


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class BookHandler(http.server.SimpleHTTPRequestHandler):
    """Static files of the book, plus the live-code settings of this run."""

    live: dict | None = None  # set per server by make_site_server
    port: int = 0

    def log_message(self, format, *args):  # quiet: the reader does not need one line per file
        if os.environ.get("M4ML_SERVE_VERBOSE"):
            super().log_message(format, *args)

    def do_GET(self):
        if self.path.split("?")[0] == LIVE_PATH:
            return self.send_live_settings()
        return super().do_GET()

    def send_live_settings(self):
        own = {f"127.0.0.1:{self.port}", f"localhost:{self.port}"}
        host = self.headers.get("Host", "")
        origin = self.headers.get("Origin")
        if host not in own or (origin is not None and origin.removeprefix("http://") not in own):
            return self.send_error(403, "live-code settings are only given to the book's own pages")
        if self.live is None:
            return self.send_error(404, "live code is off (make serve LIVE=0)")
        body = json.dumps(self.live).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Cache-Control", "no-store")
        self.send_header("X-Content-Type-Options", "nosniff")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def make_site_server(html: Path, port: int, live: dict | None) -> http.server.ThreadingHTTPServer:
    handler = type("Handler", (BookHandler,), {"live": live, "port": port})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", port),
                                             functools.partial(handler, directory=str(html)))
    server.daemon_threads = True
    return server


def start_jupyter(port: int, site_port: int, token: str, root_dir: Path) -> subprocess.Popen:
    origins = [f"http://127.0.0.1:{site_port}", f"http://localhost:{site_port}"]
    cmd = [sys.executable, str(ROOT / "scripts" / "live_server.py"), "--port", str(port),
           "--root-dir", str(root_dir)] + [a for o in origins for a in ("--origin", o)]
    # The token travels in the environment (readable by this user only), not in argv. Its own
    # session: Ctrl-C reaches only this process, which then stops Jupyter without its y/n prompt.
    return subprocess.Popen(cmd, env=dict(os.environ, JUPYTER_TOKEN=token), start_new_session=True)


def wait_until_up(proc: subprocess.Popen, base_url: str, token: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(f"{base_url}/api/status", headers={"Authorization": f"token {token}"})
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise SystemExit(f"scripts/serve.py: the Jupyter server exited with code {proc.returncode}")
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.2)
    raise SystemExit(f"scripts/serve.py: the Jupyter server did not answer within {timeout:.0f} s")


def stop(proc: subprocess.Popen | None) -> None:
    if proc is None or proc.poll() is not None:
        return
    proc.terminate()  # SIGTERM: Jupyter shuts its kernels down, then exits
    try:
        proc.wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--html", type=Path, default=ROOT / "book" / "_build" / "html")
    parser.add_argument("--root-dir", type=Path, default=ROOT / "book",
                        help="folder the kernels start from (default: book/)")
    parser.add_argument("--no-live", action="store_true", help="serve the pages only, without a Jupyter server")
    args = parser.parse_args(argv)
    if not (args.html / "index.html").is_file():
        sys.exit(f"scripts/serve.py: {args.html}/index.html is missing; run `make book` first")

    try:
        site = make_site_server(args.html, args.port, None)
    except OSError as err:
        sys.exit(f"scripts/serve.py: cannot listen on 127.0.0.1:{args.port} ({err.strerror}); "
                 f"choose another port with `make serve PORT=8001`")
    site.server_close()  # the port is free; it is bound again below, once the settings are known

    proc = None
    live = None
    signal.signal(signal.SIGTERM, _interrupt)  # `kill` stops the Jupyter server too, as Ctrl-C does
    try:
        if not args.no_live:
            token = secrets.token_urlsafe(32)
            jupyter_port = free_port()
            base_url = f"http://127.0.0.1:{jupyter_port}"
            proc = start_jupyter(jupyter_port, args.port, token, args.root_dir.resolve())
            wait_until_up(proc, base_url, token)
            live = {"provider": "local", "baseUrl": base_url, "token": token}
        site = make_site_server(args.html, args.port, live)
        print(f"Serving {args.html} at http://127.0.0.1:{args.port}  (Ctrl-C to stop)", flush=True)
        if live:
            print(f"Live code: Jupyter server at {live['baseUrl']} (loopback, token-protected, "
                  f"this book's origin only; the token changes at every start)", flush=True)
        site.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        site.server_close()
        stop(proc)
    return 0


if __name__ == "__main__":
    sys.exit(main())
