"""Glued numbers read in the weight of their sentence (issue 15, section 4).

MyST-NB prints every ``{glue:text}`` value in bold (``span.pasted-text``), so a paragraph with ten
numbers has ten bold spots and none stands out. The book's stylesheet (``book/_assets/m4ml.css``)
gives them the weight of the text around them; a number a paragraph is about is marked
``**{glue:text}`name`**`` in the source and stays bold. Checked on the built HTML and, for the
weight the reader actually sees, in Chromium.
"""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from m4ml_book import names

from conftest import CHROMIUM, page_soup, toc_pages

PAGES = toc_pages()
MAX_BOLD_PER_PARAGRAPH = 2


def soup(html_root, page: str):
    return page_soup(html_root, page)  # parsed once per session (conftest.py)


def bold_glue_by_paragraph(doc: BeautifulSoup) -> list[int]:
    """For each paragraph or list item with glued numbers, how many of them are marked bold."""
    counts = []
    for block in doc.select("article p, article li"):
        glued = block.select("span.pasted-text")
        if glued:
            counts.append(sum(bool(g.find_parent(["strong", "b"])) for g in glued))
    return counts


@pytest.mark.book
def test_the_stylesheet_prints_glued_numbers_in_the_text_weight(built_book):
    css = (built_book / "_static" / "m4ml" / "m4ml.css").read_text(encoding="utf-8")
    rule = re.search(r"span\.pasted-text\s*\{([^}]*)\}", css)
    assert rule and re.search(r"font-weight:\s*inherit", rule.group(1)), "m4ml.css lost the glue rule"
    for page in PAGES:
        links = [link.get("href", "") for link in soup(built_book, page).select("link[rel=stylesheet]")]
        mystnb = [i for i, h in enumerate(links) if "mystnb" in h]
        ours = [i for i, h in enumerate(links) if f"{names.M4ML_STATIC}/m4ml.css" in h]
        assert ours, f"{page}: m4ml.css is not linked"
        assert not mystnb or ours[0] > max(mystnb), f"{page}: m4ml.css comes before MyST-NB's CSS"


@pytest.mark.book
def test_bold_is_kept_for_the_few_results_a_paragraph_is_about(built_book):
    """At most two marked numbers in a paragraph, and the marking is used somewhere."""
    marked = 0
    for page in PAGES:
        counts = bold_glue_by_paragraph(soup(built_book, page))
        assert max(counts, default=0) <= MAX_BOLD_PER_PARAGRAPH, (
            f"{page}: a paragraph marks {max(counts)} glued numbers bold; keep bold for the one or two "
            "results it is about")
        marked += sum(counts)
    assert marked >= 3


def test_bold_count_reads_paragraphs():
    doc = BeautifulSoup(
        '<article><p>A <span class="pasted-text">1</span> and <strong><span class="pasted-text">2'
        '</span></strong>.</p><p>No numbers.</p><ul><li><span class="pasted-text">3</span></li></ul>'
        "</article>", "html.parser")
    assert bold_glue_by_paragraph(doc) == [1, 0]


WEIGHTS = """() => Array.from(document.querySelectorAll('article span.pasted-text')).map(s => [
    parseInt(getComputedStyle(s).fontWeight, 10),
    parseInt(getComputedStyle(s.parentElement).fontWeight, 10),
    !!s.closest('strong, b'), s.textContent])"""


@pytest.mark.book
@pytest.mark.browser
@pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")
@pytest.mark.parametrize("name", ["optim/logistic", "optim/descent", "problems/classification",
                                  "linalg/vector_spaces"])
def test_glued_numbers_have_the_weight_of_their_text(page, site_url, name):
    page.goto(f"{site_url}/{name}.html", wait_until="load")
    spans = page.evaluate(WEIGHTS)
    assert len(spans) > 5, f"{name}: too few glued numbers to check"
    for weight, parent, marked, text in spans:
        if marked:
            assert weight >= 600, f"{name}: the marked number {text} is not bold"
        else:
            assert weight == parent, f"{name}: {text} has weight {weight} in text of weight {parent}"
    plain = [w for w, _, marked, _ in spans if not marked]
    assert plain and max(plain) < 600, f"{name}: unmarked glued numbers are still bold"
