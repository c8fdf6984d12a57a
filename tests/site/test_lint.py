"""ruff, configured in pyproject.toml, over the project's Python and over the pages' code.

The pages are linted as the notebooks jupytext makes of them, so that ruff sees their cells (an
expression that ends a cell is shown, not useless) and names the page and cell of each finding.
"""

from __future__ import annotations

import shutil
import subprocess
import sys

import jupytext

from m4ml_book.toc import notebook_pages

from conftest import BOOK, ROOT

RUFF = [sys.executable, "-m", "ruff", "check", "--no-cache", "--output-format", "concise"]


def ruff(*paths: str) -> subprocess.CompletedProcess:
    return subprocess.run([*RUFF, *paths], cwd=ROOT, capture_output=True, text=True, timeout=300)


def test_the_project_python_passes_ruff():
    result = ruff("src", "scripts", "tests", "benchmarks")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_pages_code_passes_ruff():
    lint = BOOK / "_build" / "lint"
    shutil.rmtree(lint, ignore_errors=True)
    lint.mkdir(parents=True)
    pages = notebook_pages(BOOK)
    assert len(pages) >= 20
    for page in pages:
        jupytext.write(jupytext.read(BOOK / f"{page}.md"), lint / f"{page.replace('/', '__')}.ipynb")
    result = ruff(str(lint.relative_to(ROOT)))
    assert result.returncode == 0, (result.stdout + result.stderr).replace("__", "/")


def test_ruff_finds_what_it_should(tmp_path):
    """The check can fail: an unused import and an undefined name in a page-like notebook."""
    bad = tmp_path / "bad.ipynb"
    nb = jupytext.reads("import os\nprint(undefined_name)\n", fmt="py:percent")
    jupytext.write(nb, bad)
    result = ruff(str(bad))
    assert result.returncode == 1 and "F401" in result.stdout and "F821" in result.stdout
