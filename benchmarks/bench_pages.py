"""What a reader downloads on a first visit to each page of the built book.

    python benchmarks/bench_pages.py [--html book/_build/html] [--json results.json] [--no-serve]

Every page of the table of contents is opened cold (a fresh browser context, so an empty
cache) in Debian's Chromium, twice:

1. from a plain static server on 127.0.0.1 that sends files as they are, uncompressed, as
   many hosts do (Python's http.server);
2. from `make serve` (scripts/serve.py with no warm kernel), which gzips text files for a
   browser that accepts it.

For each page it adds up the bytes of every response the page needed until the network went
quiet (HTML, CSS, JavaScript, fonts, images, data), as they came over the wire, and notes
whether the page draws an interactive (plotly) figure. It reports the median and the maximum
of each group, the five heaviest pages, and which pages are over the budget: 1 MB for a page
of text and mathematics, 2 MB for a page with an interactive figure (uncompressed). Requests
to any other host are aborted and counted (there must be none). Sizes are measured and the
budgets are asserted by tests/test_page_weight.py; nothing here is timed.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import json
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

from m4ml_book import toc

ROOT = Path(__file__).resolve().parents[1]

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]
MB = 1_000_000
BUDGET = {False: 1 * MB, True: 2 * MB}  # by "has an interactive figure"


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def static_server(html: Path):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(_Quiet, directory=str(html)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}"


def start_make_serve(html: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "scripts" / "serve.py"), "--port", str(port), "--spares", "0", "--html", str(html)],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"{url}/_live/server.json", timeout=2).read()
            return proc, url
        except OSError:
            time.sleep(0.3)
    proc.terminate()
    raise RuntimeError("scripts/serve.py did not answer within 60 s")


def measure(browser, url: str) -> dict:
    """Bytes over the wire for one cold visit of ``url``, by resource type, and its figure flag."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    finished, blocked = [], []

    def guard(route):
        host = urlparse(route.request.url).hostname
        if route.request.url.startswith(("data:", "blob:")) or host == "127.0.0.1":
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    page.route("**/*", guard)
    page.on("requestfinished", lambda request: finished.append(request))
    page.goto(url, wait_until="load")
    try:
        page.wait_for_load_state("networkidle", timeout=15_000)
    except PlaywrightTimeout:  # a late request keeps it busy: count what finished so far
        pass
    interactive = page.locator(".m4ml-plotly").count() > 0
    by_type: dict[str, int] = {}
    for request in finished:
        if request.url.startswith(("data:", "blob:")):
            continue
        size = request.sizes()["responseBodySize"]
        by_type[request.resource_type] = by_type.get(request.resource_type, 0) + size
    context.close()
    return {"bytes": sum(by_type.values()), "by_type": by_type, "interactive": interactive,
            "requests": len(finished), "blocked": blocked}


def summary(results: dict[str, dict]) -> dict:
    out = {}
    for interactive in (False, True):
        group = {k: v for k, v in results.items() if v["interactive"] == interactive}
        if not group:
            continue
        sizes = [v["bytes"] for v in group.values()]
        heaviest = max(group, key=lambda k: group[k]["bytes"])
        out["with an interactive figure" if interactive else "text and mathematics"] = {
            "pages": len(group), "median": statistics.median(sizes), "max": max(sizes), "max_page": heaviest,
            "over_budget": sorted(k for k, v in group.items() if v["bytes"] > BUDGET[interactive]),
        }
    return out


def report(title: str, results: dict[str, dict]) -> None:
    print(f"\n{title}")
    for group, s in summary(results).items():
        over = ", ".join(s["over_budget"]) or "none"
        print(f"  {group} ({s['pages']} pages): median {s['median'] / MB:.2f} MB, "
              f"max {s['max'] / MB:.2f} MB ({s['max_page']}); over budget: {over}")
    print("  heaviest pages:")
    for name in sorted(results, key=lambda k: -results[k]["bytes"])[:5]:
        r = results[name]
        parts = ", ".join(f"{t} {b / 1000:.0f} kB" for t, b in sorted(r["by_type"].items(), key=lambda x: -x[1]))
        print(f"    {name}{' (interactive)' if r['interactive'] else ''}: {r['bytes'] / MB:.2f} MB = {parts}")
    blocked = {k: v["blocked"] for k, v in results.items() if v["blocked"]}
    print(f"  requests to other hosts: {sum(len(v) for v in blocked.values())}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--html", type=Path, default=ROOT / "book" / "_build" / "html")
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--no-serve", action="store_true", help="only the plain static server")
    args = parser.parse_args()
    if not (args.html / "index.html").is_file():
        sys.exit(f"{args.html}/index.html is missing: build the book first")
    pages = toc.toc_pages(ROOT / "book")

    from playwright.sync_api import sync_playwright

    all_results = {}
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)
        server, base = static_server(args.html)
        try:
            all_results["static"] = {name: measure(browser, f"{base}/{name}.html") for name in pages}
        finally:
            server.shutdown()
        report("Plain static server, uncompressed (first visit, bytes over the wire):", all_results["static"])
        if not args.no_serve:
            proc, base = start_make_serve(args.html)
            try:
                all_results["serve"] = {name: measure(browser, f"{base}/{name}.html") for name in pages}
            finally:
                proc.terminate()
                proc.wait(timeout=30)
            report("`make serve`, gzip (first visit, bytes over the wire):", all_results["serve"])
        browser.close()
    if args.json:
        summaries = {k: summary(v) for k, v in all_results.items()}
        args.json.write_text(json.dumps({"pages": all_results, "summary": summaries}, indent=1) + "\n")


if __name__ == "__main__":
    main()
