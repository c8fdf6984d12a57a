"""Execute book pages on their own, each in a fresh kernel, as a reader would.

    python scripts/run_page.py book/foundations/probability.md [more pages ...]
    python scripts/run_page.py --exported book/foundations/probability.md [...]

With --exported, each page is first exported as the notebook a reader downloads
(m4ml_book.notebook_export; with the outputs of the last build when there is one, which
running replaces) and run alone in an empty temporary directory, with the
book's toolchain (MyST-NB, Jupyter Book, jupytext, jupyter-cache) made unimportable.

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
    return run_notebook(jupytext.read(path), path.parent, timeout=timeout)


def run_notebook(nb: nbformat.NotebookNode, workdir: Path, *, timeout: int = 300,
                 forbid: tuple[str, ...] = ()) -> tuple[bool, float, str]:
    """Run a notebook with ``workdir`` as working directory; return (passed, seconds, message).

    Modules named in ``forbid`` cannot be imported by the notebook (a first, extra cell makes
    their import fail), which proves that it does not need them.
    """
    if forbid:
        nb = nbformat.from_dict(nb)  # a copy: the caller's notebook is left as it was
        block = "import sys\n" + "".join(f"sys.modules[{name!r}] = None\n" for name in forbid)
        nb.cells.insert(0, nbformat.v4.new_code_cell(block))
    client = NotebookClient(
        nb, timeout=timeout, kernel_name="python3",
        resources={"metadata": {"path": str(workdir)}},
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


# Not sphinx itself: scipy probes for it when it builds its docstrings, and copes without it.
TOOLCHAIN = ("myst_nb", "jupyter_book", "jupytext", "jupyter_cache")


def run_exported(path: Path, timeout: int = 300) -> tuple[bool, float, str]:
    """Export a page as a portable notebook and run it alone, outside the book."""
    import tempfile

    from m4ml_book import names
    from m4ml_book.notebook_export import export, load_links
    from m4ml_book.toc import TOC_FILE

    book = next(p for p in path.resolve().parents if (p / TOC_FILE).is_file())
    page = path.resolve().relative_to(book).with_suffix("").as_posix()
    # With the last build's outputs and links, as the site offers it; running replaces the outputs.
    build = book / names.BUILD_DIR
    nb = export(path, build / names.CACHE_DIR, page=page, book=book,
                links=load_links(build / names.LINKS_FILE))
    with tempfile.TemporaryDirectory() as workdir:
        target = Path(workdir) / f"{page.replace('/', '-')}.ipynb"
        nbformat.write(nb, target)
        return run_notebook(nbformat.read(target, as_version=4), Path(workdir), timeout=timeout, forbid=TOOLCHAIN)


def main(argv: list[str]) -> int:
    exported = "--exported" in argv
    argv = [a for a in argv if a != "--exported"]
    if not argv:
        print(__doc__)
        return 2
    failed = 0
    for name in argv:
        ok, seconds, message = (run_exported if exported else run_page)(Path(name))
        print(f"{'ok  ' if ok else 'FAIL'} {seconds:6.1f} s  {name}")
        if not ok:
            failed += 1
            print(message)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
