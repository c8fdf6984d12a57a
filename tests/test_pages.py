"""Every page runs on its own, top to bottom, in a fresh kernel, as the notebook a reader downloads.

Each page is exported exactly as the site and `make notebooks` export it
(book/_ext/notebook_export.py), written alone into an empty directory outside the repository and
executed there with the book's toolchain (MyST-NB, Jupyter Book, jupytext, jupyter-cache) made
unimportable: the notebook needs only `m4ml` and its dependencies, and no file of the book.
The pages run two at a time (the machine has two cores), each in its own process
(`scripts/run_page.py --exported`).
"""

from __future__ import annotations

import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import BOOK, ROOT, is_notebook, toc_pages

sys.path.insert(0, str(BOOK / "_ext"))
from notebook_export import plain_markdown  # noqa: E402

NOTEBOOKS = [p for p in toc_pages() if is_notebook(p)]


def run_alone(page: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "scripts" / "run_page.py"), "--exported", str(BOOK / f"{page}.md")],
                          capture_output=True, text=True, timeout=900)


@pytest.fixture(scope="module")
def runs(request) -> dict[str, subprocess.CompletedProcess]:
    """Run every selected page (two at a time) when the first page test needs the results."""
    selected = [item.callspec.params["page"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_exported_notebook_runs_alone_outside_the_book"]
    with ThreadPoolExecutor(max_workers=2) as pool:
        return dict(zip(selected, pool.map(run_alone, selected)))


@pytest.mark.book
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_exported_notebook_runs_alone_outside_the_book(page, runs):
    result = runs[page]
    assert result.returncode == 0 and result.stdout.startswith("ok"), (
        f"{page} failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}")


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
