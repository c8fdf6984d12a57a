"""Live code: seconds from the click on "Live Code" to the first output, as a reader meets it.

    python benchmarks/bench_live_code.py [--html book/_build/html] [--repeat 1]

For each timed page, starts `make serve` afresh (scripts/serve.py, with its warm spare kernel),
opens the printed address in headless Chromium as the person who started it would, opens the
page, waits until the tab has loaded Thebe in the background (as it does while a reader reads),
clicks Live Code and runs the first shown cell as soon as its run button appears. Once more on
the first page with no spare kernel (``--spares 0``). Prints, per run, the seconds from the click
until the run button shows, the kernel is ready and the first new output appears, with the
target; writes them to book/_build/live-code-timing.json. Machine-dependent: measured here,
never asserted by the test suite (tests/site/test_live_code.py checks that it works).
`make bench` runs it after bench_build.py. Needs a built book and Debian's chromium.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

from m4ml_book import names

ROOT = Path(__file__).resolve().parents[1]
SERVE = ROOT / "scripts" / "serve.py"
TIMING = ROOT / "book" / names.BUILD_DIR / names.LIVE_CODE_TIMING_FILE
TARGET_S = 3.0  # the first output of a page, from the click on Live Code, with a warm spare
# Pages whose first shown cell prints something, each importing different libraries.
TIMED_PAGES = ("preface/how_to_use", "calculus/hessian", "problems/clustering")
# Chromium without a sandbox (root in CI) and without background traffic to other hosts.
LAUNCH_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
               "--disable-background-networking", "--disable-component-update", "--disable-sync"]


class Server:
    """`scripts/serve.py` on a free port, and the address it printed."""

    def __init__(self, html: Path, *options: str):
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
        self.site = f"http://127.0.0.1:{port}"
        self.proc = subprocess.Popen([sys.executable, str(SERVE), "--port", str(port), "--html", str(html),
                                      *options], stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        self.lines: list[str] = []
        threading.Thread(target=self._read, daemon=True).start()
        deadline = time.monotonic() + 180
        while not (found := re.search(r"http://127\.0\.0\.1:\d+/\S*#token=[\w-]+", "".join(self.lines))):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                sys.exit("serve.py printed no address:\n" + "".join(self.lines))
            time.sleep(0.2)
        self.address = found.group(0)

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append(line)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def time_to_first_output(page, server: Server, name: str) -> dict:
    """Seconds from the click on Live Code: run button shown, kernel ready, first new output."""
    page.goto(server.address, wait_until="load")
    page.goto(f"{server.site}/{name}.html", wait_until="load")
    page.wait_for_function("Boolean(window.thebelab)", timeout=30_000)  # loaded while reading
    page.locator("button[aria-label='Launch interactive content'], .dropdown-launch-buttons > button").first.click()
    item = page.get_by_role("button", name="Live Code")
    start = time.monotonic()
    item.click()
    cell = page.locator("article div.cell:not([hidden])").filter(has=page.locator(".thebe-cell")).first
    run = cell.locator(".thebe-run-button")
    run.wait_for(state="visible", timeout=60_000)
    shown = time.monotonic() - start
    output = cell.locator("[data-output]")
    output.evaluate("o => o.querySelectorAll('.jp-OutputArea-child')"
                    ".forEach(c => { c.dataset.m4mlBuilt = '1'; })")  # the built output: old
    run.click()
    page.wait_for_function("o => o.querySelector('.jp-OutputArea-child:not([data-m4ml-built])')",
                           arg=output.element_handle(), timeout=90_000)
    first_output = time.monotonic() - start
    page.wait_for_function("window.m4mlLive && window.m4mlLive.status === 'ready'", timeout=90_000)
    events = page.evaluate("window.m4mlLive.events")
    clicked = page.evaluate("window.m4mlLive.clickedAt")
    ready_at = next(t for t, status, _ in events if status == "ready")
    return {"run_button_shown_s": round(shown, 2), "kernel_ready_s": round((ready_at - clicked) / 1000, 2),
            "first_output_s": round(first_output, 2)}


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--html", type=Path, default=ROOT / "book" / names.BUILD_DIR / "html")
    parser.add_argument("--repeat", type=int, default=1, help="runs of every case")
    args = parser.parse_args(argv)
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    if chromium is None:
        print("bench_live_code: no chromium on this machine (apt-get install chromium); skipped")
        return 0
    if not (args.html / "index.html").is_file():
        sys.exit(f"bench_live_code: no built book at {args.html}; run `make book` first")
    from playwright.sync_api import sync_playwright

    cases = [(name, "warm", ()) for name in TIMED_PAGES] + [(TIMED_PAGES[0], "cold", ("--spares", "0"))]
    runs = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=LAUNCH_ARGS, headless=True)
        for _ in range(args.repeat):
            for name, kernel, options in cases:
                context = browser.new_context(viewport={"width": 1280, "height": 900})
                page = context.new_page()
                page.route("**/*", lambda route: route.continue_()
                           if urlparse(route.request.url).hostname in ("127.0.0.1", None) else route.abort())
                server = Server(args.html, *options)
                try:
                    runs.append({"page": name, "kernel": kernel, **time_to_first_output(page, server, name)})
                finally:
                    server.stop()
                    context.close()
        browser.close()
    record = {"target_s": TARGET_S, "runs": runs, "cpus": os.cpu_count(),
              "load_average_1min": round(os.getloadavg()[0], 2), "measured": time.strftime("%Y-%m-%d %H:%M:%S")}
    TIMING.parent.mkdir(parents=True, exist_ok=True)
    TIMING.write_text(json.dumps(record, indent=1) + "\n")
    print(f"live code, seconds from the click on Live Code (target: first output within {TARGET_S:.1f} s "
          "with a warm spare kernel)")
    print(f"{'page':<24} {'kernel':<6} {'run button':>10} {'kernel ready':>12} {'first output':>12}")
    for r in runs:
        over = "" if r["kernel"] == "cold" or r["first_output_s"] <= TARGET_S else "  over target"
        print(f"{r['page']:<24} {r['kernel']:<6} {r['run_button_shown_s']:>10.2f} {r['kernel_ready_s']:>12.2f} "
              f"{r['first_output_s']:>12.2f}{over}")
    warm = [r["first_output_s"] for r in runs if r["kernel"] == "warm"]
    print(f"median first output with a warm kernel: {statistics.median(warm):.2f} s; written to {TIMING}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
