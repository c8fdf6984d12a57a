"""The house style, checked on the page sources (no build needed).

These rules come from the style guide: short code cells, figures with captions,
names and alt text, the section shape (common mistakes, summary, exercises with
solutions), seeded randomness, and no hand-typed percentages in prose.
"""

from __future__ import annotations

import re

import jupytext
import pytest

from conftest import BOOK, is_notebook, toc_pages

PAGES = toc_pages()
NOTEBOOKS = [p for p in PAGES if is_notebook(p)]
# Pages that are sections of a chapter and so follow the full page shape.
SECTIONS = [p for p in PAGES if p.startswith(("foundations/", "problems/", "linalg/", "calculus/", "optim/")) and not p.endswith("index")]


def cells(page: str):
    return jupytext.read(BOOK / f"{page}.md").cells


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_code_cells_are_short(page):
    long = [len(c.source.splitlines()) for c in cells(page)
            if c.cell_type == "code" and len(c.source.strip().splitlines()) > 25]
    assert not long, f"{page}: code cells of {long} lines; move such code into m4ml"


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_figure_cells_have_caption_name_and_alt(page):
    for cell in cells(page):
        meta = cell.metadata.get("mystnb", {})
        if "figure" not in meta:
            continue
        fig, image = meta["figure"], meta.get("image", {})
        assert fig.get("caption") and fig.get("name"), f"{page}: figure without caption or name"
        assert len(str(image.get("alt", ""))) >= 30, f"{page}: figure {fig.get('name')} lacks alt text"


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_randomness_is_seeded(page):
    src = "\n".join(c.source for c in cells(page) if c.cell_type == "code")
    assert "np.random.seed" not in src, f"{page}: use rng = np.random.default_rng(seed)"
    unseeded = re.findall(r"default_rng\(\s*\)", src)
    assert not unseeded, f"{page}: default_rng() without a seed"
    legacy = re.findall(r"np\.random\.(?:rand|randn|normal|uniform|choice|permutation|shuffle)\(", src)
    assert not legacy, f"{page}: global-state random calls {legacy}; use a seeded Generator"


@pytest.mark.parametrize("page", SECTIONS)
def test_section_shape(page):
    text = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    for heading in ("## Common mistakes", "## Summary", "## Exercises"):
        assert heading in text, f"{page}: missing '{heading}'"
    assert text.index("## Common mistakes") < text.index("## Summary") < text.index("## Exercises")
    exercises = re.findall(r"```\{exercise\}\s*\n:label: (\S+)", text)
    solutions = re.findall(r"```\{solution-start\} (\S+)\s*\n:class: dropdown", text)
    assert len(exercises) >= 3, f"{page}: only {len(exercises)} exercises"
    assert set(exercises) <= set(solutions), f"{page}: exercises without a hidden solution: " \
                                             f"{set(exercises) - set(solutions)}"
    assert re.search(r"^\(sec-[\w-]+\)=\n# ", text, re.M), f"{page}: no (sec-...)= label before the title"
    assert "prf:" in text, f"{page}: no definitions or theorems in prf: blocks"


@pytest.mark.parametrize("page", PAGES)
def test_no_hand_typed_percentages_in_prose(page):
    """A percentage in running text must come from glue, not be typed (68-95-99.7 is a name)."""
    text = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", "", text, flags=re.S)  # drop code and directive blocks
    prose = re.sub(r"\$[^$]*\$", "", prose)  # drop inline math
    # The rounded values 68 %, 95 % and 99.7 % state the rule itself, not a result.
    prose = re.sub(r"68 %, 95 % and 99\.7 %", "", prose)
    typed = re.findall(r"(?<![\w.{`-])\d+(?:\.\d+)?\s?%", prose)
    assert not typed, f"{page}: hand-typed percentages {typed}; compute them and use glue"
