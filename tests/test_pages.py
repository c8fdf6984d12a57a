"""Every page also runs on its own, top to bottom, in a fresh kernel."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from conftest import BOOK, ROOT, is_notebook, toc_pages

sys.path.insert(0, str(ROOT / "scripts"))
from run_page import run_page  # noqa: E402

NOTEBOOKS = [p for p in toc_pages() if is_notebook(p)]


@pytest.mark.book
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_page_runs_alone_in_a_fresh_kernel(page):
    ok, seconds, message = run_page(BOOK / f"{page}.md")
    assert ok, f"{page} failed after {seconds:.1f} s:\n{message}"
