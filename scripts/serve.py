"""`make serve`: the built book on 127.0.0.1, with live code for the person who started it.

One server on the loopback interface (scripts/live_server.py explains it): a Jupyter
server that also serves book/_build/html, so the pages and the kernels that run their
cells share one origin. It runs the cells in the book's own environment (.venv, so
`import m4ml` works), and keeps a kernel warm so that the first output comes quickly.

Each start draws a fresh random token, held in memory and printed once, in the fragment
of the address to open (``.../intro.html#token=...``). That address is the only way in:
no endpoint hands the token out, so another user of this machine, who can reach
127.0.0.1 too, cannot run code as you. Stop with Ctrl-C.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import os
import re
import secrets
import socket
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))


def start_page(html: Path) -> str:
    """The page that index.html redirects to (Jupyter Book's root page), or index.html."""
    found = re.search(r'url=([^"\s>]+)', (html / "index.html").read_text(errors="replace"))
    return found.group(1) if found else "index.html"


def check_port(port: int) -> None:
    with socket.socket() as s:
        try:
            s.bind(("127.0.0.1", port))
        except OSError as err:
            sys.exit(f"scripts/serve.py: cannot listen on 127.0.0.1:{port} ({err.strerror}); "
                     f"choose another port with `make serve PORT=8001`")


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format, *args):  # the reader does not need one line per file
        pass


def serve_static(html: Path, port: int) -> None:
    """--no-live: the pages alone, as a plain static host serves them."""
    handler = functools.partial(QuietHandler, directory=str(html))
    with http.server.ThreadingHTTPServer(("127.0.0.1", port), handler) as server:
        print(f"Serving {html} at http://127.0.0.1:{port}/{start_page(html)} "
              f"without live code (Ctrl-C to stop)", flush=True)
        try:
            server.serve_forever()
        except KeyboardInterrupt:
            pass


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", 8000)))
    parser.add_argument("--html", type=Path, default=ROOT / "book" / "_build" / "html")
    parser.add_argument("--root-dir", type=Path, default=ROOT / "book",
                        help="folder the kernels' page folders are in (default: book/)")
    parser.add_argument("--spares", type=int, default=1,
                        help="warm kernels kept ready for the next Live Code (default: 1)")
    parser.add_argument("--no-live", action="store_true",
                        help="serve the pages only, as a static host would (no Jupyter server)")
    args = parser.parse_args(argv)
    if not (args.html / "index.html").is_file():
        sys.exit(f"scripts/serve.py: {args.html}/index.html is missing; run `make book` first")
    check_port(args.port)
    if args.no_live:
        serve_static(args.html, args.port)
        return 0

    import live_server  # Jupyter is imported only when live code is wanted

    token = secrets.token_urlsafe(32)
    address = f"http://127.0.0.1:{args.port}/{start_page(args.html)}#token={token}"

    def announce(app, warm: list[str]) -> None:
        kernels = f"{len(warm)} kernel{'s' * (len(warm) != 1)} warm" if warm else "no warm kernel"
        print(f"Serving {args.html} with live code ({kernels}). Open this address, which "
              f"only you have (the token changes at every start):\n\n    {address}\n\n"
              f"Ctrl-C stops the server and its kernels.", flush=True)

    live_server.serve(args.port, args.html, args.root_dir, token, spares=args.spares,
                      on_ready=announce)
    return 0


if __name__ == "__main__":
    sys.exit(main())
