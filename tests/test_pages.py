"""Every page runs on its own, top to bottom, in a fresh kernel, as the notebook a reader downloads.

Each page is exported exactly as the site and `make notebooks` export it
(book/_ext/notebook_export.py), copied alone into an empty directory outside the repository and
executed there with the book's toolchain (MyST-NB, Jupyter Book, jupytext, jupyter-cache) made
unimportable: the notebook needs only `m4ml` and its dependencies, and no file of the book.
"""

from __future__ import annotations

import sys

import nbformat
import pytest

from conftest import BOOK, ROOT, is_notebook, toc_pages

sys.path.insert(0, str(ROOT / "scripts"))
sys.path.insert(0, str(BOOK / "_ext"))
from notebook_export import export, plain_markdown  # noqa: E402
from run_page import run_notebook  # noqa: E402

NOTEBOOKS = [p for p in toc_pages() if is_notebook(p)]
# (not sphinx itself: scipy probes for it when it builds its docstrings, and copes without it)
TOOLCHAIN = ("myst_nb", "jupyter_book", "jupytext", "jupyter_cache")


@pytest.mark.book
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_exported_notebook_runs_alone_outside_the_book(page, tmp_path):
    nb = export(BOOK / f"{page}.md", page=page)
    path = tmp_path / f"{page.replace('/', '-')}.ipynb"
    nbformat.write(nb, path)
    ok, seconds, message = run_notebook(nbformat.read(path, as_version=4), tmp_path, forbid=TOOLCHAIN)
    assert ok, f"{page} failed after {seconds:.1f} s:\n{message}"


def test_plain_markdown_turns_myst_into_jupyter_markdown():
    text = "\n".join([
        "(sec-x)=", "# Title", ":::{prf:theorem} Bayes", ":label: thm-x-bayes", "Statement.", ":::",
        "See {doc}`../linalg/inner_products`, {prf:ref}`thm-x-bayes` and {cite}`bishop2006pattern`.",
        "The accuracy is {glue:text}`acc:.1%` over {glue:text}`n` rows and {glue:text}`missing`.",
        "```{exercise}", ":label: ex-x-1", "Do it.", "```",
    ])
    out = plain_markdown(text, {"acc": 0.9567, "n": 569})
    assert out.splitlines() == [
        "# Title", "**Theorem (Bayes).**", "Statement.",
        "See ../linalg/inner_products, thm-x-bayes and bishop2006pattern.",
        "The accuracy is 95.7% over 569 rows and `missing`.",
        "**Exercise.**", "Do it.",
    ]
