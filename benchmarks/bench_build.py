"""Time the book build the way an author experiences it.

    python benchmarks/bench_build.py [--json results.json]

On a private copy of book/ (the source tree is never touched) it measures:

1. a clean build (no cache: every page executes);
2. a rebuild with nothing changed (the fixed cost of every build);
3. a rebuild after a prose-only edit of one page (nothing should execute);
4. a rebuild after a code edit of one page (only that page executes);

and reports wall time, the peak resident memory of the whole build process
tree, and each page's execution time split into kernel start-up, import cells
and the page's own code (recorded by m4ml_book.page_exec), with the median,
and a projection of the clean build to 90 pages: the fixed cost plus 90 times
the measured cost per page. Targets (DEVELOPERS.md): clean build <= 90 s today
and <= 180 s projected for 90 pages, median page <= 2 s, no page > 8 s, prose
edit <= 5 s, code edit <= 10 s, peak memory <= 2 GB. They are reported, never
asserted.
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

from m4ml_book import names

ROOT = Path(__file__).resolve().parents[1]
BUILD_BOOK = ROOT / "scripts" / "build_book.py"  # what `make book` runs: jupyter-book, minus a slow import
TO_EXECUTE = re.compile(r"\[exec\] (?P<n>\d+) of (?P<total>\d+) pages to execute")
PROJECTED_PAGES = 90


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


def executed(log: str) -> int:
    """How many pages the build executed (page_exec prints "[exec] N of M pages to execute")."""
    m = TO_EXECUTE.search(log)
    return int(m["n"]) if m else 0


def page_times(book: Path) -> dict[str, dict]:
    """Per-page timings of the last execution of every page (start-up, imports, own code)."""
    path = book / names.BUILD_DIR / names.CACHE_DIR / names.TIMINGS_FILE
    data = json.loads(path.read_text())
    return {name: rec for name, rec in data.items() if not name.startswith("_")}


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
        pages = page_times(book)
        results["clean"] = {"seconds": t, "peak_mb": mem, "executed": executed(log)}
        for kind in ("nothing", "prose", "code"):
            if kind != "nothing":
                edit(book / args.page, kind)
            t, mem, log = build(book, cache)
            results[kind] = {"seconds": t, "peak_mb": mem, "executed": executed(log)}

    keys = ("total", "startup", "imports", "code")
    print(f"{'page':<40} {'total (s)':>10} {'start-up':>9} {'imports':>8} {'own code':>9}")
    for name, rec in sorted(pages.items(), key=lambda kv: -kv[1]["total"]):
        print(f"{name:<40} " + " ".join(f"{rec[k]:>{w}.2f}" for k, w in zip(keys, (10, 9, 8, 9))))
    for label, fn in (("median", statistics.median), ("max", max), ("sum", sum)):
        print(f"{label:<40} " + " ".join(f"{fn([r[k] for r in pages.values()]):>{w}.2f}"
                                         for k, w in zip(keys, (10, 9, 8, 9))))
    print()
    print(f"{'build':<30} {'wall (s)':>9} {'peak RSS (MB)':>14} {'pages executed':>15}")
    for kind, label in (("clean", "clean build"), ("nothing", "nothing changed"),
                        ("prose", "after a prose edit"), ("code", "after a code edit")):
        r = results[kind]
        print(f"{label:<30} {r['seconds']:>9.1f} {r['peak_mb']:>14.0f} {r['executed']:>15}")
    n = len(pages)
    fixed = results["nothing"]["seconds"]
    per_page = (results["clean"]["seconds"] - fixed) / n
    projected = fixed + PROJECTED_PAGES * per_page
    results["projection"] = {"pages": PROJECTED_PAGES, "fixed_seconds": fixed,
                             "per_page_seconds": per_page, "clean_build_seconds": projected}
    print(f"\nprojection: fixed cost {fixed:.1f} s + {PROJECTED_PAGES} pages x {per_page:.2f} s "
          f"(measured on {n} executed pages) = {projected:.0f} s for a clean build")
    if args.json:
        args.json.write_text(json.dumps({"builds": results, "pages": pages}, indent=2))


if __name__ == "__main__":
    main()
