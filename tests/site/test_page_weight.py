"""What a reader's browser downloads: formulas typeset at build time, and nothing a page does not use.

m4ml_book.math_ssr typesets every formula at build time and drops MathJax, Font Awesome's
script and the search index from the pages; scripts/live_server.py gzips the site. Checked on
the built HTML, then in Chromium on a first visit (empty cache) of every page:

* the formulas are MathJax CommonHTML with assistive MathML, none left as TeX, none with an
  error, on every page whose source has mathematics, with one stylesheet and local fonts;
* no page loads MathJax, ``fontawesome.js`` or ``searchindex.js`` (only the search page loads
  the index, and its search finds pages), and no request goes to another host;
* the icon fonts hold every icon the pages show;
* byte budgets per page: 1 MB for text and mathematics, 2 MB with an interactive figure, for
  what `make serve` sends (text files gzip-compressed, as measured here by compressing each
  response the way it does). These are sizes, not timings. The uncompressed figures are
  printed by benchmarks/bench_pages.py, which also times nothing.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from m4ml_book import math_ssr

from conftest import BOOK, CHROMIUM, toc_pages

MB = 1_000_000
BUDGET = {False: 1 * MB, True: 2 * MB}  # by "the page has an interactive figure"
MATH_IN_SOURCE = re.compile(r"(?<!\\)\$|\{math\}|```\{math\}|\\begin\{")


def html_of(built_book: Path, name: str) -> str:
    return (built_book / f"{name}.html").read_text(encoding="utf-8")


# -- the built HTML ------------------------------------------------------------------------------

@pytest.mark.book
@pytest.mark.parametrize("name", toc_pages())
def test_formulas_arrive_typeset_with_assistive_mathml(built_book, name):
    text = html_of(built_book, name)
    source = (BOOK / f"{name}.md").read_text(encoding="utf-8")
    wrappers = re.findall(r'<(span|div) class="math notranslate nohighlight"[^>]*>(.*?)</\1>', text, re.S)
    if MATH_IN_SOURCE.search(source.split("\n---\n", 1)[-1]):
        assert wrappers, f"{name}: its source has mathematics but the page has no formula"
    containers = re.findall(r"<mjx-container\b.*?</mjx-container>", text, re.S)
    assert len(containers) >= len(wrappers)
    untypeset = [inner[:60] for _, inner in wrappers if "<mjx-container" not in inner]
    assert not untypeset, f"{name}: formulas left as TeX: {untypeset[:3]}"
    for container in containers:
        assert re.search(r"<mjx-assistive-mml [^>]*><math\b.*</math></mjx-assistive-mml>", container, re.S), \
            f"{name}: a formula without assistive MathML: {container[:200]}"
        assert 'aria-hidden="true"' in container  # screen readers read the MathML, not the glyphs
    assert "<mjx-merror" not in text
    if containers:
        assert f"_static/{math_ssr.STATIC_DIR}/{math_ssr.CSS_NAME}" in text


@pytest.mark.book
@pytest.mark.parametrize("name", toc_pages())
def test_no_page_loads_mathjax_icon_script_or_search_index(built_book, name):
    scripts = re.findall(r"<script[^>]*>", html_of(built_book, name))
    loaded = [s for s in scripts if re.search(r"mathjax|fontawesome|searchindex|searchtools", s, re.I)]
    assert not loaded, f"{name}: {loaded}"
    assert "window.MathJax" not in html_of(built_book, name)


@pytest.mark.book
def test_only_the_search_page_loads_the_index(built_book):
    assert re.search(r'<script[^>]*src="searchindex\.js"', html_of(built_book, "search"))


@pytest.mark.book
def test_math_stylesheet_and_fonts_are_the_sites_own(built_book):
    static = built_book / "_static" / math_ssr.STATIC_DIR
    css = (static / math_ssr.CSS_NAME).read_text()
    fonts = re.findall(r'url\("([^"]+)"\)', css)
    assert fonts and all((static / f).is_file() for f in fonts), fonts
    assert "mjx-assistive-mml" in css          # keeps the MathML out of sight
    assert "mjx-c.mjx-c1D431" in css           # bold x, the book's \vx
    assert "mjx-c.mjx-c1D4AE" not in css       # script S: no page uses it
    macros = (static / "tex-macros.json").read_text()
    assert '"vx": "\\\\mathbf{x}"' in macros   # for the MathJax that live outputs load


@pytest.mark.book
def test_icon_fonts_hold_every_icon_the_pages_use(built_book):
    from fontTools.ttLib import TTFont

    css = (built_book / "_static" / "styles" / "pydata-sphinx-theme.css").read_text()
    used = set()
    for name in [*toc_pages(), "search"]:
        used.update(re.findall(r"\bfa-(?!solid\b|brands\b|regular\b)[a-z0-9-]+", html_of(built_book, name)))
    glyphs = set()
    for name in used:
        found = re.search(r"\." + re.escape(name) + r':before[^{]*\{content:"\\([0-9a-f]+)"', css)
        if found:
            glyphs.add(int(found.group(1), 16))
    assert len(glyphs) >= 10, used
    have = set()
    for font in math_ssr.FA_FONTS:
        have |= set(TTFont(built_book / "_static" / math_ssr.ICON_DIR / f"{font}.woff").getBestCmap())
    assert glyphs <= have, sorted(f"{g:x}" for g in glyphs - have)
    assert len(have) < 100  # cut down: the full fonts hold about 2000 icons
    assert "fa-solid-900.woff2" not in css


def test_stylesheet_pruning_keeps_what_a_page_can_match():
    css = ('mjx-container[jax="CHTML"] {\n  line-height: 0;\n}\n'
           'mjx-mfrac {\n  display: inline-block;\n}\n'
           'mjx-c.mjx-c78.TEX-I::before {\n  content: "x";\n}\n'
           'mjx-c.mjx-c79.TEX-I::before {\n  content: "y";\n}\n'
           '@font-face /* 1 */ {\n  font-family: MJXTEX;\n}\n')
    page = '<mjx-container jax="CHTML"><mjx-c class="mjx-c78 TEX-I"></mjx-c></mjx-container>'
    kept = math_ssr.prune_stylesheet(css, [page])
    assert "mjx-c78" in kept and "line-height" in kept and "MJXTEX" in kept
    assert "mjx-c79" not in kept and "mjx-mfrac" not in kept


# -- a first visit in Chromium -------------------------------------------------------------------

needs_chromium = pytest.mark.skipif(CHROMIUM is None, reason="Debian's chromium is not installed")


@pytest.mark.book
@pytest.mark.browser
@needs_chromium
@pytest.mark.parametrize("name", toc_pages())
def test_first_visit_within_budget_and_without_heavy_scripts(page_visits, name):
    visit = page_visits(name)  # a cold visit (tests/page_visit.py)
    heavy = [u for u in visit.urls if re.search(r"mathjax/|fontawesome|searchindex\.js|searchtools\.js|\.woff2", u)]
    assert not heavy, f"{name}: {heavy}"
    assert not visit.mathjax_loaded
    assert not visit.blocked, f"{name}: requests to other hosts: {visit.blocked}"
    budget = BUDGET[visit.interactive]
    assert visit.compressed <= budget, (f"{name}: {visit.compressed / MB:.2f} MB with gzip (budget "
                                        f"{budget / MB:.0f} MB; {visit.plain / MB:.2f} MB uncompressed)")


@pytest.mark.book
@pytest.mark.browser
@needs_chromium
def test_search_from_a_page_finds_pages(page, site_url):
    """The header's search box leads to the search page, which loads the index and lists results."""
    page.goto(f"{site_url}/calculus/taylor.html", wait_until="load")
    page.keyboard.press("Control+k")
    field = page.locator("form.bd-search input[name='q']:visible").first
    field.fill("gradient")
    field.press("Enter")
    page.wait_for_url(re.compile(r"search\.html\?q=gradient"))
    results = page.locator("#search-results li")
    results.first.wait_for(timeout=20_000)
    assert results.count() >= 3
    assert any(r.url.endswith("searchindex.js") for r in page.requests)
    assert not page.console_errors, page.console_errors
