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

pytestmark = [pytest.mark.book, pytest.mark.browser]

if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (see scripts/ensure_chromium.py)", allow_module_level=True)

WIDTHS = (1280, 1000)
THEMES = ("light", "dark")
TOLERANCE = 0.5  # px: sub-pixel rounding of the layout

# Opens every solution (sphinx-togglebutton) and every <details> (hidden code cells), then
# measures each displayed equation and each inline formula. Returns [label, overflow px, what
# overflows] per problem, and the number of displayed equations measured.
MEASURE = """() => {
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const article = document.querySelector('article.bd-article').getBoundingClientRect();
  const tex = new Map();
  if (window.MathJax && MathJax.startup && MathJax.startup.document) {
    for (const item of MathJax.startup.document.math) tex.set(item.typesetRoot, item.math);
  }
  const problems = [];
  const equations = document.querySelectorAll('mjx-container[display="true"]');
  for (const c of equations) {
    const box = c.parentElement;
    const eqno = box.querySelector(':scope > .eqno');
    const label = eqno ? eqno.textContent.replace('#', '').trim()
      : (box.id ? box.id.replace(/^equation-/, '')
      : (tex.get(c) || c.textContent).trim().replace(/\\s+/g, ' ').slice(0, 60));
    const formula = c.querySelector('mjx-math').getBoundingClientRect();
    const own = c.getBoundingClientRect();
    const outer = box.getBoundingClientRect();
    if (formula.width === 0) { problems.push([label, 0, 'not displayed, so not measured']); continue; }
    const checks = [
      [c.scrollWidth - c.clientWidth, 'wider than its box (it scrolls sideways)'],
      [formula.right - own.right, 'past the right edge of its box'],
      [own.left - formula.left, 'past the left edge of its box'],
      [formula.right - outer.right, 'clipped by its container'],
      [formula.right - article.right, 'past the right edge of the article'],
      [article.left - formula.left, 'past the left edge of the article'],
    ];
    if (eqno) checks.push([formula.right - eqno.getBoundingClientRect().left, 'under its equation number']);
    const [over, what] = checks.reduce((a, b) => (b[0] > a[0] ? b : a));
    if (over > %(tol)s) problems.push([label, Math.round(over), what]);
  }
  // An inline formula wider than the line is clipped by its span (the theme hides overflow).
  for (const span of document.querySelectorAll('article span.math')) {
    const c = span.querySelector('mjx-container');
    if (!c) continue;
    const formula = c.querySelector('mjx-math').getBoundingClientRect();
    if (formula.width === 0) continue;  // in a hidden output; the displayed check covers solutions
    const box = span.getBoundingClientRect();
    const over = Math.max(formula.right - box.right, formula.right - article.right, article.left - formula.left);
    const label = 'inline ' + (tex.get(c) || c.textContent).trim().replace(/\\s+/g, ' ').slice(0, 60);
    if (over > %(tol)s) problems.push([label, Math.round(over), 'clipped (too wide for a line)']);
  }
  // TeX that never became a formula (an unbalanced $, or a line of a formula read as a list
  // item) is printed raw: a control word such as \\lVert in the text outside code and formulas.
  const walker = document.createTreeWalker(document.querySelector('article.bd-article'), NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    if (text.parentElement.closest('pre, code, .math, mjx-container, script, style, .cell_output, svg')) continue;
    const raw = text.data.match(/\\\\[a-zA-Z]{2,}/);
    if (raw) problems.push([text.data.trim().replace(/\\s+/g, ' ').slice(0, 60), null, 'raw TeX ' + raw[0]]);
  }
  return [problems, equations.length];
}""" % {"tol": TOLERANCE}


def open_typeset(page, url: str, width: int) -> None:
    page.set_viewport_size({"width": width, "height": 900})
    response = page.goto(url, wait_until="load")
    assert response is not None and response.ok, f"{url}: HTTP {response and response.status}"
    page.evaluate("document.fonts.ready.then(() => true)")


def set_theme(page, theme: str) -> None:
    page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
    page.wait_for_timeout(100)


def cut_off(page, name: str) -> tuple[list[str], int]:
    problems, counted = [], 0
    for width in WIDTHS:
        open_typeset(page, f"{page.site}/{name}.html", width)
        for theme in THEMES:
            set_theme(page, theme)
            found, counted = page.evaluate(MEASURE)
            problems += [f"{name} at {width} px, {theme}: equation {label} is {what} by {px} px"
                         if px is not None else f"{name}: {what} in the text: {label}"
                         for label, px, what in found]
    return problems, counted


@pytest.fixture
def site_page(page, site_url):
    page.site = site_url
    return page


@pytest.mark.parametrize("name", toc_pages())
def test_displayed_equations_fit(site_page, name):
    problems, _ = cut_off(site_page, name)
    assert not problems, "displayed equations cut off:\n" + "\n".join(problems)


def test_the_book_has_displayed_equations_to_measure(site_page):
    _, counted = cut_off(site_page, "optim/logistic")
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
