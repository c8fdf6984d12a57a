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
  what a plain static server sends (uncompressed, as many hosts do). These are sizes, not
  timings. benchmarks/bench_pages.py prints them, and what `make serve` sends gzip-compressed.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from m4ml_book import math_ssr

from conftest import BOOK, CHROMIUM, ROOT, toc_pages

MB = 1_000_000
BUDGET = {False: 1 * MB, True: 2 * MB}  # by "the page has an interactive figure"
MATH_SHEET = re.compile(rf'href="[./]*_static/{math_ssr.STATIC_DIR}/({math_ssr.CSS_PREFIX}[0-9a-f]{{16}}\.css)"')
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
    sheets = MATH_SHEET.findall(text)
    assert len(sheets) == (1 if containers else 0), sheets


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


def page_math_stylesheet(built_book, name: str) -> str:
    sheet = MATH_SHEET.search(html_of(built_book, name))
    return (built_book / "_static" / math_ssr.STATIC_DIR / sheet.group(1)).read_text()


@pytest.mark.book
def test_math_stylesheets_are_the_pages_own_and_fonts_the_sites(built_book):
    static = built_book / "_static" / math_ssr.STATIC_DIR
    css = page_math_stylesheet(built_book, "calculus/gradients")
    fonts = re.findall(r'url\("([^"]+)"\)', css)
    assert fonts and all((static / f).is_file() for f in fonts), fonts
    assert "mjx-assistive-mml" in css          # keeps the MathML out of sight
    assert "mjx-c.mjx-c1D431" in css           # bold x, the book's \vx
    assert "mjx-c.mjx-c1D4AE" not in css       # script S: no page uses it
    # a page's stylesheet has the rules of its own formulas only: the notation page's bold A
    # (a matrix) has no rule in the gradients page's
    assert "mjx-c.mjx-c1D400.TEX-B" in page_math_stylesheet(built_book, "preface/notation")
    assert "mjx-c.mjx-c1D400.TEX-B" not in css
    macros = (static / "tex-macros.json").read_text()
    assert '"vx": "\\\\mathbf{x}"' in macros   # for the MathJax that live outputs load
    # no stylesheet is left that no page links
    linked = {MATH_SHEET.search(page.read_text()).group(1)
              for page in built_book.rglob("*.html") if "m4ml-math/math-" in page.read_text()}
    assert {p.name for p in static.glob("math-*.css")} == linked


@pytest.mark.book
@pytest.mark.parametrize("name", toc_pages())
def test_math_stylesheet_draws_every_character_of_the_page(built_book, name):
    """The page's math stylesheet parses without an error, and each character class of its
    formulas has a rule that draws it (``content``): braces included, whose rules hold a brace
    in a string."""
    import tinycss2

    text = html_of(built_book, name)
    if "<mjx-container" not in text:
        return
    css = page_math_stylesheet(built_book, name)
    drawn = set()
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        assert rule.type != "error", f"{name}: {rule.message}"
        if rule.type != "qualified-rule":
            continue
        for declaration in tinycss2.parse_blocks_contents(rule.content, skip_whitespace=True):
            assert declaration.type == "declaration", f"{name}: {tinycss2.serialize(rule.prelude)}: {declaration}"
            bad = [t for t in declaration.value if t.type in ("bad-string", "bad-url", "error")]
            assert not bad, f"{name}: {tinycss2.serialize(rule.prelude)}: {bad}"
            if declaration.lower_name == "content":
                drawn |= set(re.findall(r"mjx-c[0-9A-F]+", tinycss2.serialize(rule.prelude)))
    used = set(re.findall(r'<mjx-c class="(mjx-c[0-9A-F]+)', text))
    assert used and used <= drawn, f"{name}: no rule draws {sorted(used - drawn)[:10]}"
    if "mjx-c7D" in used:
        assert re.search(r'mjx-c\.mjx-c7D::before\{[^{}]*content: "\}";\}', css)


@pytest.mark.book
def test_math_fonts_are_cut_to_the_characters_the_pages_draw(built_book):
    """Every character a page's stylesheet draws is in the font its rule names; the fonts hold
    few more (the full fonts are about 350 kB)."""
    from fontTools.ttLib import TTFont

    static = built_book / "_static" / math_ssr.STATIC_DIR
    needed: dict[str, set[int]] = {}
    for page in built_book.rglob("*.html"):
        found = MATH_SHEET.search(page.read_text())
        if found:
            for font, chars in math_ssr.font_characters((static / found.group(1)).read_text()).items():
                needed.setdefault(font, set()).update(chars)
    assert needed["MathJax_Main-Regular.woff"] >= {ord("("), ord("="), 0x2212}  # ( = and a minus sign
    assert 0x1D465 in needed["MathJax_Math-Italic.woff"] or ord("x") in needed["MathJax_Math-Italic.woff"]
    total = 0
    for font, chars in needed.items():
        have = set(TTFont(static / math_ssr.FONT_DIR / font).getBestCmap())
        lost = (chars & full_cmap(font)) - have  # MathJax's font has them, the site's does not
        assert not lost, (font, sorted(lost))
        total += (static / math_ssr.FONT_DIR / font).stat().st_size
    assert total < 300_000


def full_cmap(font: str) -> set[int]:
    from fontTools.ttLib import TTFont

    source = ROOT / "node_modules" / "mathjax-full" / "es5" / "output" / "chtml" / "fonts" / math_ssr.FONT_DIR
    return set(TTFont(source / font).getBestCmap())


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



def test_slim_markup_keeps_what_readers_and_screen_readers_use():
    markup = ('<mjx-container class="MathJax" jax="CHTML" display="true" style="position: relative;">'
              '<mjx-math class=" MJX-TEX" aria-hidden="true"><mjx-mi class="mjx-i">'
              '<mjx-c class="mjx-c1D465 TEX-I"></mjx-c></mjx-mi></mjx-math>'
              '<mjx-assistive-mml unselectable="on" display="block">'
              '<math xmlns="http://www.w3.org/1998/Math/MathML" display="block"><mrow data-mjx-texclass="ORD">'
              '<mi data-mjx-variant="-tex-calligraphic" mathvariant="script">x</mi></mrow></math>'
              '</mjx-assistive-mml></mjx-container>')
    slim = math_ssr.slim_markup(markup)
    assert slim.startswith('<mjx-container class="MathJax" display="true">')
    for kept in ('aria-hidden="true"', 'class="mjx-c1D465 TEX-I"', '<mjx-assistive-mml display="block">',
                 '<math display="block">', 'mathvariant="script"'):
        assert kept in slim, kept
    for dropped in ("data-mjx-", "xmlns", "unselectable", "jax=", "style="):
        assert dropped not in slim, dropped
    css = math_ssr.site_stylesheet('mjx-container[jax="CHTML"][display="true"] {\n  display: block;\n}\n')
    assert 'mjx-container.MathJax[display="true"]' in css and "jax=" not in css
    assert "position: relative" in css and f"font-size: {math_ssr.SCALE}" in css


def test_font_characters_follow_each_rules_font():
    css = ('.TEX-I {\n  font-family: MJXZERO, MJXTEX-I;\n}\n'
           'mjx-stretchy-v mjx-c, mjx-stretchy-h mjx-c {\n'
           '  font-family: MJXZERO, MJXTEX-S1, MJXTEX-S4 ! important;\n}\n'
           '@font-face /* 1 */ {\n  font-family: MJXTEX;\n  src: url("woff-v2/Main.woff") format("woff");\n}\n'
           '@font-face /* 2 */ {\n  font-family: MJXTEX-I;\n  src: url("woff-v2/Italic.woff") format("woff");\n}\n'
           '@font-face /* 3 */ {\n  font-family: MJXTEX-S1;\n  src: url("woff-v2/S1.woff") format("woff");\n}\n'
           '@font-face /* 4 */ {\n  font-family: MJXTEX-S4;\n  src: url("woff-v2/S4.woff") format("woff");\n}\n'
           'mjx-c.mjx-c1D465.TEX-I::before {\n  content: "x";\n}\n'
           'mjx-c.mjx-c2211::before {\n  content: "\\2211";\n}\n'
           'mjx-stretchy-v.mjx-c28 mjx-beg mjx-c::before {\n  content: "\\239B";\n}\n')
    used = math_ssr.font_characters(css)
    assert used == {"Main.woff": {0x2211}, "Italic.woff": {ord("x")}, "S1.woff": {0x239B}, "S4.woff": {0x239B}}


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
    assert visit.plain <= budget, (f"{name}: {visit.plain / MB:.2f} MB uncompressed (budget "
                                   f"{budget / MB:.0f} MB; {visit.compressed / MB:.2f} MB with gzip)")


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
