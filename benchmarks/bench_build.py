"""Time the book build the way an author experiences it.

    python benchmarks/bench_build.py [--json results.json]

On a private copy of book/ (the source tree is never touched) it measures:

1. a clean build (no cache: every page executes);
2. a rebuild after a prose-only edit of one page (nothing should execute);
3. a rebuild after a code edit of one page (only that page executes);

and reports wall time, the peak resident memory of the whole build process
tree, and each page's execution time (from MyST-NB's log), with the median.
Targets (see DEVELOPERS.md): clean build <= 120 s, no page > 10 s, median
page < 2 s, prose edit <= 5 s, code edit <= 10 s, peak memory <= 2 GB.
They are reported, never asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
BUILD_BOOK = ROOT / "scripts" / "build_book.py"  # what `make book` runs: jupyter-book, minus a slow import
EXECUTED = re.compile(r"(?P<path>\S+\.md): Executed notebook in (?P<sec>[0-9.]+) seconds")


def build(book: Path, cache: Path) -> tuple[float, float, str]:
    """Run one build; return (seconds, peak RSS of the process tree in MB, log)."""
    cmd = [sys.executable, str(BUILD_BOOK), "build", str(book), "--builder", "html", "-W", "-n", "--keep-going"]
    # A private m4ml cache: the clean build also pays for the genotype simulation.
    env = dict(os.environ, M4ML_CACHE_DIR=str(cache))
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env)
    peak = 0.0
    stop = threading.Event()

    def sample():
        nonlocal peak
        root = psutil.Process(proc.pid)
        while not stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
                peak = max(peak, sum(p.memory_info().rss for p in procs if p.is_running()) / 2**20)
            except psutil.Error:
                pass
            time.sleep(0.1)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    log, _ = proc.communicate()
    seconds = time.perf_counter() - start
    stop.set()
    sampler.join()
    if proc.returncode != 0:
        warnings = [line for line in log.splitlines() if "WARNING" in line or "ERROR" in line]
        sys.exit(f"build failed (exit {proc.returncode}):\n" + "\n".join(warnings[:20]))
    return seconds, peak, log


def page_times(log: str, book: Path) -> dict[str, float]:
    times = {}
    for m in EXECUTED.finditer(log):
        name = str(Path(m["path"]).resolve().relative_to(book.resolve()))
        times[name] = float(m["sec"])
    return times


def edit(path: Path, kind: str) -> None:
    text = path.read_text()
    if kind == "prose":
        # append a sentence to the last paragraph of Markdown: no code changes
        text = text.rstrip("\n") + "\n\nA sentence added by the benchmark.\n"
    else:
        # add a comment as the last line of the first code cell (after any cell options):
        # the cell's source changes, so the page must re-execute
        start = text.index("```{code-cell} ipython3\n")
        end = text.index("\n```", start + 3)
        text = text[:end] + "\n# edited by the benchmark" + text[end:]
    path.write_text(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", type=Path, help="also write the results to this file")
    parser.add_argument("--page", default="foundations/descriptive_statistics.md",
                        help="the page to edit for the rebuild timings")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="m4ml-bench-") as tmp:
        book = Path(tmp) / "book"
        shutil.copytree(ROOT / "book", book, ignore=shutil.ignore_patterns("_build"))
        # pages include package code with literalinclude ../../src/m4ml/...: keep the layout
        shutil.copytree(ROOT / "src", Path(tmp) / "src", ignore=shutil.ignore_patterns("__pycache__"))
        results = {}
        cache = Path(tmp) / "m4ml-cache"
        t, mem, log = build(book, cache)
        pages = page_times(log, book)
        results["clean"] = {"seconds": t, "peak_mb": mem, "executed": len(pages)}
        for kind in ("prose", "code"):
            edit(book / args.page, kind)
            t, mem, log = build(book, cache)
            results[kind] = {"seconds": t, "peak_mb": mem, "executed": len(page_times(log, book))}

    values = sorted(pages.values())
    print(f"{'page':<45} {'execution (s)':>14}")
    for name, sec in sorted(pages.items(), key=lambda kv: -kv[1]):
        print(f"{name:<45} {sec:>14.2f}")
    print(f"{'median':<45} {statistics.median(values):>14.2f}")
    print(f"{'max':<45} {max(values):>14.2f}")
    print(f"{'sum':<45} {sum(values):>14.2f}")
    print()
    print(f"{'build':<30} {'wall (s)':>9} {'peak RSS (MB)':>14} {'pages executed':>15}")
    for kind, label in (("clean", "clean build"), ("prose", "after a prose edit"), ("code", "after a code edit")):
        r = results[kind]
        print(f"{label:<30} {r['seconds']:>9.1f} {r['peak_mb']:>14.0f} {r['executed']:>15}")
    if args.json:
        args.json.write_text(json.dumps({"builds": results, "pages": pages}, indent=2))


if __name__ == "__main__":
    main()
