"""Shared fixtures: the built book, a loopback HTTP server, and paths."""

from __future__ import annotations

import contextlib
import functools
import http.server
import os
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from hypothesis import settings

from m4ml_book import toc

# In CI (CI=true) property tests draw the same examples every run, so a landing is never
# decided by the luck of a random draw; locally they explore new examples each run.
settings.register_profile("ci", derandomize=True, deadline=None)
if os.environ.get("CI"):
    settings.load_profile("ci")

ROOT = Path(__file__).resolve().parents[1]
BOOK = ROOT / "book"
HTML = BOOK / "_build" / "html"


def toc_pages() -> list[str]:
    """Every page named in the table of contents, as paths relative to book/ without suffix."""
    return toc.toc_pages(BOOK)


def is_notebook(page: str) -> bool:
    """A page with a jupytext kernelspec header is executed; plain Markdown is not."""
    return toc.is_notebook(toc.page_path(BOOK, page))


MATH_MARKUP = re.compile(r"<mjx-container\b.*?</mjx-container>", re.S)


@functools.cache
def page_soup(html_root: Path, page: str):
    """A built page parsed with BeautifulSoup, once per session; callers only read it.

    Each typeset formula is parsed as an empty ``<mjx-container>``: its glyph markup is three
    quarters of a page of mathematics and of its parsing time, and the tests that read
    formulas read the HTML itself (test_page_weight.py, test_math_ssr.py) or the page in
    Chromium (tests/page_visit.py).
    """
    return soup_without_formulas((html_root / f"{page}.html").read_text(encoding="utf-8"))


def soup_without_formulas(html: str):
    """`html` parsed with each typeset formula as an empty container (see :func:`page_soup`)."""
    from bs4 import BeautifulSoup

    return BeautifulSoup(MATH_MARKUP.sub('<mjx-container class="MathJax"></mjx-container>', html),
                         "html.parser")


@pytest.fixture(scope="session")
def built_book() -> Path:
    """Build the HTML book once per session with warnings as errors (`make book`).

    To run the book tests against a build of your own instead, set M4ML_HTML to its html folder.
    """
    if os.environ.get("M4ML_HTML"):
        return Path(os.environ["M4ML_HTML"])
    result = subprocess.run(
        ["make", "--no-print-directory", "book"], cwd=ROOT, capture_output=True, text=True,
        env=dict(os.environ, PYTHON=sys.executable),
    )
    log = result.stdout + result.stderr
    (ROOT / "book" / "_build").mkdir(parents=True, exist_ok=True)
    (ROOT / "book" / "_build" / "last-build.log").write_text(log)
    if result.returncode != 0:
        pytest.fail(f"`make book` failed (exit {result.returncode}); end of log:\n{log[-6000:]}")
    return HTML


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep test output readable
        pass


@pytest.fixture(scope="session")
def site_url(built_book: Path):
    """Serve the built book on 127.0.0.1 at a free port for the session."""
    handler = functools.partial(_QuietHandler, directory=str(built_book))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


# ------------------------------------------------------------------ browser (Playwright)
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
# Flags: no sandbox (we run as root in CI), and no background traffic to Google's hosts.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def is_local(url: str) -> bool:
    parsed = urlparse(url)
    if parsed.scheme in ("data", "blob", "about"):
        return True
    return parsed.hostname in ("127.0.0.1", "localhost", "::1")


@pytest.fixture(scope="session")
def browser():
    """One headless Chromium for the whole session (Debian's, never a downloaded one)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def launch_chromium(playwright):
    """Debian's headless Chromium, with LAUNCH_ARGS."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=LAUNCH_ARGS, headless=True)


@contextlib.contextmanager
def guarded_page(browser):
    """A fresh page (own context, empty cache) whose requests to any host but 127.0.0.1 are aborted
    and recorded in `blocked`; console errors are collected in `console_errors`."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    pg.blocked = []
    pg.console_errors = []
    pg.requests = []  # every finished request, for page-weight measurements

    def guard(route):
        if is_local(route.request.url):
            route.continue_()
        else:
            pg.blocked.append(route.request.url)
            route.abort()

    pg.route("**/*", guard)
    pg.on("console", lambda msg: pg.console_errors.append(msg.text) if msg.type == "error" else None)
    pg.on("pageerror", lambda err: pg.console_errors.append(str(err)))
    pg.on("requestfinished", lambda req: pg.requests.append(req))
    try:
        yield pg
    finally:
        context.close()


@pytest.fixture
def page(browser):
    """A fresh guarded page (see :func:`guarded_page`)."""
    with guarded_page(browser) as pg:
        yield pg


VISIT_WORKERS = 2  # Chromiums visiting pages side by side: one per core
VISIT_LOOKAHEAD = 2  # pages of the table of contents visited before a test asks for them


@pytest.fixture(scope="session")
def page_visits(site_url):
    """name -> tests/page_visit.Visit: every per-page browser check, one visit per page per session.

    Visits run in two worker processes, each with its own Chromium, so both cores work. A test
    that asks for a page of the table of contents gets the next pages visited ahead, in the
    order the parametrized tests ask for them; a test file run alone visits only the pages it
    asks for and a few after.
    """
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    import page_visit

    order = toc_pages()
    futures: dict = {}
    with ProcessPoolExecutor(VISIT_WORKERS, mp_context=multiprocessing.get_context("spawn"),
                             initializer=page_visit.start_worker) as pool:

        def submit(name: str) -> None:
            if name not in futures:
                futures[name] = pool.submit(page_visit.visit_in_worker, site_url, name)

        def get(name: str):
            submit(name)
            if name in order:
                for ahead in order[order.index(name) + 1:order.index(name) + 1 + VISIT_LOOKAHEAD]:
                    submit(ahead)
            return futures[name].result()

        yield get
        for future in futures.values():
            future.cancel()
