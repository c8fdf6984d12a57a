"""Execute book pages on their own, each in a fresh kernel, as a reader would.

    python scripts/run_page.py book/foundations/probability.md [more pages ...]

A page passes if every cell runs without an error and nothing is written to
stderr (warnings included): the same standard as the book build. Prints one
line per page with its run time; exits 1 if any page fails.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

import jupytext
import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def stderr_outputs(nb: nbformat.NotebookNode) -> list[str]:
    """Texts written to stderr by any cell (warnings show up here)."""
    found = []
    for cell in nb.cells:
        for out in cell.get("outputs", []):
            if out.get("output_type") == "stream" and out.get("name") == "stderr":
                found.append(out.get("text", ""))
    return found


def run_page(path: Path, timeout: int = 300) -> tuple[bool, float, str]:
    """Run one page; return (passed, seconds, message)."""
    nb = jupytext.read(path)
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(path.parent)}},
    )
    start = time.perf_counter()
    try:
        client.execute()
    except CellExecutionError as err:
        return False, time.perf_counter() - start, str(err)[-3000:]
    seconds = time.perf_counter() - start
    errs = stderr_outputs(nb)
    if errs:
        return False, seconds, "stderr output:\n" + "\n".join(errs)[-3000:]
    return True, seconds, ""


def main(argv: list[str]) -> int:
    if not argv:
        print(__doc__)
        return 2
    failed = 0
    for name in argv:
        ok, seconds, message = run_page(Path(name))
        print(f"{'ok  ' if ok else 'FAIL'} {seconds:6.1f} s  {name}")
        if not ok:
            failed += 1
            print(message)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
