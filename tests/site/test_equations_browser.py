"""Displayed equations fit the content column, in Debian's Chromium (Playwright).

Every page of the built book is opened at two viewport widths, 1280 px (a laptop, with both
sidebars) and 1000 px (the right-hand contents hidden), and measured in the light and the dark
theme once its fonts have loaded (the formulas are typeset at build time, m4ml_book.math_ssr).
Solutions and hidden code cells are opened first, so that the equations inside them are measured
too. A displayed equation (``mjx-container[display="true"]``) is cut off when its typeset formula is wider than its box,
which then clips it or scrolls sideways with no hint that it does; when it reaches past the
article's content area; or when its equation number is drawn over it. An inline formula is cut
off when it is wider than the line, where the theme clips it; and TeX that never became a
formula (an unbalanced dollar, a formula line read as a list item) is printed raw, which is
found as a TeX control word in the text. None is allowed, and the failure
lists page, width, theme, equation number (or label, or the start of the TeX) and the overflow in
pixels. A long equation is broken over lines in the page source (``aligned``, ``gathered``), and
a long inline chain is displayed, never shrunk.
"""

from __future__ import annotations

import pytest

from conftest import CHROMIUM, toc_pages
from page_visit import MEASURE

pytestmark = [pytest.mark.book, pytest.mark.browser]

if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (see scripts/ensure_chromium.py)", allow_module_level=True)


def open_typeset(page, url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
    page.evaluate("document.fonts.ready.then(() => true)")


@pytest.fixture
def site_page(page, site_url):
    page.site = site_url
    return page


@pytest.mark.parametrize("name", toc_pages())
def test_displayed_equations_fit(page_visits, name):
    problems = page_visits(name).equations  # at both widths, in both themes (tests/page_visit.py)
    assert not problems, "displayed equations cut off:\n" + "\n".join(problems)


def test_the_book_has_displayed_equations_to_measure(page_visits):
    counted = page_visits("optim/logistic").equations_counted
    assert counted >= 10, f"only {counted} displayed equations found on optim/logistic"


def test_detector_reports_a_long_equation(site_page):
    """The check can fail: a numbered formula twice as wide as the column, and raw TeX, are reported."""
    open_typeset(site_page, f"{site_page.site}/calculus/gradients.html", 1280)
    # The page's own formulas are typeset at build time; this one is typeset in the page by the
    # site's MathJax, loaded by the shim that live code uses for formulas in outputs.
    site_page.add_script_tag(url=f"{site_page.site}/_static/live-code/mathjax2-shim.js")
    site_page.evaluate("""() => {
      const div = document.createElement('div');
      div.className = 'math notranslate nohighlight';
      div.id = 'equation-test-too-long';
      div.innerHTML = '<span class="eqno">(9.99)</span>\\\\[' +
        Array.from({length: 40}, (_, k) => 'x_{' + k + '}').join('+') + '\\\\]';
      document.querySelector('article.bd-article section').appendChild(div);
      const p = document.createElement('p');
      p.textContent = 'Then $\\\\lVert a + b';
      document.querySelector('article.bd-article section').appendChild(p);
      return window.m4mlMathJax2Shim.typeset(div);
    }""")
    found, _ = site_page.evaluate(MEASURE)
    assert [label for label, px, _ in found if px and px > 100] == ["(9.99)"], found
    assert [what for _, px, what in found if px is None] == ["raw TeX \\lVert"], found
