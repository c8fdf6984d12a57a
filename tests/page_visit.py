"""One visit of each page in Chromium, shared by the per-page browser tests.

Opening a page is most of what a browser test costs, and the per-page checks of several test
files (axe-core, equations that fit, line breaks, page weight, typesetting, images, console
errors, solution title bars, figure sizes) each used to open every page again, eight times per
page in all. :func:`visit` opens a page twice, at 1280 px (cold, to weigh it) and at 1000 px,
runs every check on it in an order that keeps them independent, and returns the findings; the
tests assert on them. The ``page_visits`` fixture (tests/conftest.py) keeps one visit per page
for the session, so a test file run alone visits only the pages it asks for.

Each check's JavaScript and its detector tests stay with the test file that owns it; the
script itself lives here so that the visit can run it.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from m4ml_book import names

from conftest import ROOT, guarded_page

WIDTHS = (1280, 1000)
THEMES = ("light", "dark")
TOLERANCE = 0.5  # px: sub-pixel rounding of the layout
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
TEXT_TYPES = ("text/", "application/javascript", "application/json", "image/svg+xml")
SHRINK_LIMIT = 0.72  # a 100-dpi figure with 11-pt text, shown smaller than this, has text under 11 px


# ------------------------------------------------------------------ the checks' scripts
# Equations (tests/site/test_equations_browser.py). Opens every solution (sphinx-togglebutton)
# and every <details> (hidden code cells), then measures each displayed equation and each inline
# formula. Returns [label, overflow px, what overflows] per problem, and the number of displayed
# equations measured.
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


# Line breaks (tests/site/test_reading_browser.py). For every inline formula with punctuation
# right after it (or an opening bracket right before it), and every signed or exponent-form number
# in the prose: is it split over two lines where the lines fall now, and is it in a no-wrap span?
# Solutions and hidden cells are opened first.
LINE_BREAKS = r"""() => {
  document.querySelectorAll('.toggle-hidden').forEach(e => e.classList.remove('toggle-hidden'));
  document.querySelectorAll('details').forEach(d => { d.open = true; });
  const article = document.querySelector('article.bd-article');
  const nowrap = (node) => {
    for (let el = node.parentElement; el && el !== article; el = el.parentElement) {
      if (getComputedStyle(el).whiteSpace.startsWith('nowrap')) return true;
    }
    return false;
  };
  const context = (el) => (el.closest('p, li, dd, figcaption') || el).textContent
    .replace(/\s+/g, ' ').trim().slice(0, 70);
  const problems = [];
  let pairs = 0, numbers = 0;
  for (const math of article.querySelectorAll('span.math')) {
    const formula = math.querySelector('mjx-container');
    if (!formula) continue;
    const box = formula.getBoundingClientRect();
    for (const [sibling, pattern, after] of [[math.nextSibling, /^[.,;:!?\u2026)\]}\u2019\u201d%]/, true],
                                             [math.previousSibling, /[(\[{\u2018\u201c]$/, false]]) {
      if (!sibling || sibling.nodeType !== Node.TEXT_NODE || !pattern.test(sibling.data)) continue;
      pairs += 1;
      const range = document.createRange();
      const k = after ? 0 : sibling.data.length - 1;
      range.setStart(sibling, k);
      range.setEnd(sibling, k + 1);
      const mark = range.getBoundingClientRect();
      const sameLine = mark.bottom > box.top && mark.top < box.bottom
        && (after ? mark.left >= box.right - 2 : mark.right <= box.left + 2);
      if (!sameLine) problems.push(`"${sibling.data[k]}" on another line than its formula: ${context(math)}`);
      else if (!nowrap(sibling)) problems.push(`"${sibling.data[k]}" may wrap away from its formula: ${context(math)}`);
    }
  }
  const number = /[-\u2212]?\d[\d.,]*[eE][-+\u2212]?\d+|(?<![\w.])[-\u2212]\d(?:[\d.,]*\d)?/g;
  const walker = document.createTreeWalker(article, NodeFilter.SHOW_TEXT);
  for (let text = walker.nextNode(); text; text = walker.nextNode()) {
    const el = text.parentElement;
    const skipped = 'pre, code, .math, mjx-container, script, style, h1, h2, h3, h4, h5, h6, .cell_output, svg';
    if (el.closest(skipped)) continue;
    for (const match of text.data.matchAll(number)) {
      numbers += 1;
      const range = document.createRange();
      range.setStart(text, match.index);
      range.setEnd(text, match.index + match[0].length);
      const lines = new Set(Array.from(range.getClientRects()).map(r => Math.round(r.top)));
      if (lines.size > 1) problems.push(`number ${match[0]} split over two lines: ${context(el)}`);
      else if (!nowrap(text)) problems.push(`number ${match[0]} may be split over two lines: ${context(el)}`);
    }
  }
  return [problems, pairs, numbers];
}"""


FIGURE_SIZES = """Array.from(document.querySelectorAll('article figure img'))
  .map(i => [(i.closest('figure').querySelector('.caption-number') || {}).textContent || i.src,
             i.naturalWidth, i.getBoundingClientRect().width])"""


# Colours change with a transition when the theme changes. The checks measure the colours the
# reader ends with, so the visit turns transitions off instead of waiting for them.
NO_TRANSITIONS = "*, *::before, *::after { transition: none !important; animation: none !important; }"
NEXT_FRAME = "new Promise(done => requestAnimationFrame(() => requestAnimationFrame(() => done(true))))"


def set_theme(page, theme: str) -> None:
    if page.evaluate("document.documentElement.dataset.theme") != theme:
        page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        page.evaluate(NEXT_FRAME)


def violations(page, theme: str, *, contrast_only: bool = False) -> list[str]:
    """Serious and critical axe violations of WCAG 2.1 A/AA in the given theme."""
    set_theme(page, theme)
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    run_only = "{type: 'rule', values: ['color-contrast']}" if contrast_only else f"{{type: 'tag', values: {WCAG}}}"
    result = page.evaluate(f"axe.run(document, {{runOnly: {run_only}, resultTypes: ['violations']}})")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:160]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def first_visit(page, url: str) -> tuple[int, int, list[str]]:
    """(bytes as sent uncompressed, bytes as `make serve` sends them, URLs) of a cold visit."""
    page.failed = []
    page.on("requestfailed", lambda request: page.failed.append(request))
    started = []
    page.on("request", lambda request: started.append(request))
    page.main_response = page.goto(url, wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    # Quiet: every request started has finished (or failed), and none started for 0.5 s.
    quiet_since, seen = None, -1
    for _ in range(200):
        done = {id(r) for r in page.requests} | {id(r) for r in page.failed}
        if len(started) == seen and all(id(r) in done for r in started):
            if quiet_since is not None and quiet_since >= 5:
                break
            quiet_since = (quiet_since or 0) + 1
        else:
            quiet_since, seen = None, len(started)
        page.wait_for_timeout(100)
    plain = compressed = 0
    urls = []
    for request in page.requests:
        if request.url.startswith(("data:", "blob:")):
            continue
        response = request.response()
        body = response.body() if response is not None else b""
        kind = (response.headers.get("content-type", "") if response is not None else "")
        plain += len(body)
        small = kind.startswith(TEXT_TYPES) and len(body) >= 1024
        compressed += len(gzip.compress(body, compresslevel=6)) if small else len(body)
        urls.append(request.url)
    return plain, compressed, urls


def solution_title_clicks(page, name: str) -> tuple[int, list[str]]:
    """(number of solution title bars, problems): a click on the link in a title bar follows it,
    a click elsewhere on the bar toggles the solution."""
    titles = page.locator(".solution.toggle > .admonition-title")
    problems = []
    for k in range(titles.count()):
        title = titles.nth(k)
        link = title.locator("a").first
        if link.count():
            target = link.get_attribute("href")
            link.click()
            if not waited(page, "target => location.hash === target", target):
                problems.append(f"{name}: the link in solution {k + 1} was not followed")
        solution = title.locator("xpath=..")
        hidden = "toggle-hidden" in (solution.get_attribute("class") or "")
        title.click(position={"x": 8, "y": 8})
        if not waited(page, "([el, hidden]) => el.classList.contains('toggle-hidden') !== hidden",
                      [solution.element_handle(), hidden]):
            problems.append(f"{name}: clicking the title bar of solution {k + 1} did not toggle it")
    return titles.count(), problems


def waited(page, condition: str, arg, timeout_ms: int = 2_000) -> bool:
    """Whether `condition(arg)` becomes true within `timeout_ms` (checked at every frame)."""
    try:
        page.wait_for_function(condition, arg=arg, timeout=timeout_ms)
        return True
    except PlaywrightTimeout:
        return False


def at_width(page, width: int) -> None:
    """The page laid out at `width` px (the layout follows the viewport without a reload)."""
    page.set_viewport_size({"width": width, "height": 900})
    page.evaluate(NEXT_FRAME)


def equation_problems(page, name: str, width: int) -> tuple[list[str], int]:
    problems, counted = [], 0
    for theme in THEMES:
        set_theme(page, theme)
        found, counted = page.evaluate(MEASURE)
        problems += [f"{name} at {width} px, {theme}: equation {label} is {what} by {px} px"
                     if px is not None else f"{name}: {what} in the text: {label}"
                     for label, px, what in found]
    return problems, counted


# ------------------------------------------------------------------ the visit
@dataclass
class Visit:
    name: str
    status: int | None = None
    # a cold first visit at 1280 px: bytes uncompressed, bytes as `make serve` sends them, URLs
    plain: int = 0
    compressed: int = 0
    urls: list[str] = field(default_factory=list)
    interactive: bool = False
    # formulas
    has_math: bool = False
    typeset: int = 0
    errors: int = 0
    left_as_tex: int = 0
    mathjax_loaded: bool = False
    broken_images: list[str] = field(default_factory=list)
    axe: dict[str, list[str]] = field(default_factory=dict)
    small_figures: list[str] = field(default_factory=list)
    solution_titles: int = 0
    solution_problems: list[str] = field(default_factory=list)
    line_breaks: list[str] = field(default_factory=list)
    equations: list[str] = field(default_factory=list)
    equations_counted: int = 0
    blocked: list[str] = field(default_factory=list)
    console_errors: list[str] = field(default_factory=list)


def visit(browser, site_url: str, name: str) -> Visit:
    """Every per-page browser check of `name`, in one cold visit at 1280 px and one at 1000 px.

    Order: weigh the cold load; the checks that need the page as it loaded (typesetting, images,
    MathJax, axe in both themes, figure sizes); the solution title bars (they toggle solutions);
    then, at each width, the line breaks and the equations in both themes, which open every
    solution and hidden cell first (whatever the clicks before left open or closed).
    """
    result = Visit(name)
    url = f"{site_url}/{name}.html"
    with guarded_page(browser) as page:
        result.plain, result.compressed, result.urls = first_visit(page, url)
        result.status = page.main_response.status if page.main_response else None
        page.add_style_tag(content=NO_TRANSITIONS)  # after weighing: it adds nothing to fetch
        result.interactive = page.locator(f".{names.PLOTLY_FIGURE_CLASS}").count() > 0
        result.has_math = page.locator("span.math, div.math").count() > 0
        result.typeset = page.locator("mjx-container").count()
        result.errors = page.locator("mjx-merror").count()
        result.left_as_tex = page.evaluate(
            "Array.from(document.querySelectorAll('span.math, div.math'))"
            ".filter(e => !e.querySelector('mjx-container')).length")
        result.mathjax_loaded = page.evaluate("typeof window.MathJax") != "undefined"
        # Figures load when the reader comes near them (loading="lazy"): load them all now.
        page.evaluate("document.querySelectorAll('img[loading=lazy]').forEach(i => { i.loading = 'eager'; })")
        page.wait_for_function("Array.from(document.images).every(i => i.complete)", timeout=20_000)
        result.broken_images = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0)).map(i => i.src)")
        # Every rule in the light theme; in the dark theme only contrast can differ.
        result.axe = {"light": violations(page, "light"), "dark": violations(page, "dark", contrast_only=True)}
        set_theme(page, "light")
        result.small_figures = [f"{name}: {caption.strip()} shown at {shown / natural:.2f} of its size"
                                for caption, natural, shown in page.evaluate(FIGURE_SIZES)
                                if natural and shown / natural < SHRINK_LIMIT]
        result.solution_titles, result.solution_problems = solution_title_clicks(page, name)
        for width in WIDTHS:
            at_width(page, width)
            set_theme(page, "light")
            found, _, _ = page.evaluate(LINE_BREAKS)
            result.line_breaks += [f"{width} px: {p}" for p in found]
            problems, result.equations_counted = equation_problems(page, name, width)
            result.equations += problems
        result.blocked = list(page.blocked)
        result.console_errors = list(page.console_errors)
    return result


# ------------------------------------------------------------------ in a worker process
_WORKER: dict = {}


def start_worker() -> None:
    """Start this worker process's own Chromium (the ``page_visits`` fixture runs two)."""
    from multiprocessing import util

    from playwright.sync_api import sync_playwright

    from conftest import launch_chromium

    driver = sync_playwright().start()
    _WORKER["browser"] = launch_chromium(driver)

    def stop() -> None:
        _WORKER["browser"].close()
        driver.stop()

    util.Finalize(None, stop, exitpriority=10)  # run when the worker exits (atexit is not)


def visit_in_worker(site_url: str, name: str) -> Visit:
    return visit(_WORKER["browser"], site_url, name)
