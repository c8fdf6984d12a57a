"""The book's interactive figures in a real browser (Debian's Chromium, Playwright).

For every page whose source calls ``interactive.show`` we open the built page from
a loopback server, with a route guard that aborts any request to another host, and
check that: plotly.js comes from the site and only where needed; each figure is
drawn, is labelled for screen readers, and follows the dark theme; a real mouse
click and a drag on its slider change what is shown; and the console stays clean.
We also record the bytes a first visit transfers in book/_build/interactive-page-weight.json
(the target is at most 2 MB; like the build-time targets it is reported, not asserted).
plotly.js itself is fetched only when a figure comes near the screen (``_assets/plotly-lazy.js``).

To try the tests on a build of your own instead of building the book, point
M4ML_HTML at its html directory, e.g. ``M4ML_HTML=/tmp/me-build/_build/html``.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import urlparse

import pytest

from m4ml_book import names

from conftest import BOOK, CHROMIUM, toc_pages

pytestmark = [pytest.mark.book, pytest.mark.browser]

if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (scripts/ensure_chromium.py installs it)",
                allow_module_level=True)

PLOTLY_JS = f"_static/{names.PLOTLY_JS}"
LOADER = f"_static/{names.M4ML_STATIC}/{names.PLOTLY_LOADER}"
FIGURE = f".{names.PLOTLY_FIGURE_CLASS}"
FIRST_VISIT_BUDGET = 2_000_000  # bytes; the project's target for a first visit of a page
FIGURE_PAGES = [p for p in toc_pages() if "interactive.show(" in (BOOK / f"{p}.md").read_text(encoding="utf-8")]


@pytest.fixture(scope="module")
def html_dir(built_book) -> Path:
    return built_book


@pytest.fixture(scope="module")
def site(site_url) -> str:
    return site_url


def open_page(page, site, name):
    """Open the page and scroll to each figure, so that plotly.js is loaded and every figure drawn."""
    response = page.goto(f"{site}/{name}.html", wait_until="load")
    assert response is not None and response.ok, f"{name}: HTTP {response and response.status}"
    for i in range(page.locator(FIGURE).count()):
        page.locator(FIGURE).nth(i).scroll_into_view_if_needed()
    page.wait_for_function(
        f"Array.from(document.querySelectorAll('{FIGURE}')).every(d => d.querySelector('.main-svg'))",
        timeout=15_000)
    page.evaluate("window.MathJax && MathJax.startup ? MathJax.startup.promise : null")


def figure_state(page, index):
    return page.evaluate(
        """i => { const gd = document.querySelectorAll('%s')[i];
                  return {active: gd._fullLayout.sliders.length ? gd._fullLayout.sliders[0].active : null,
                          visible: gd.data.map(t => t.visible !== false && t.visible !== 'legendonly'),
                          font: gd._fullLayout.font.color}; }""" % FIGURE, index)


def test_there_are_figure_pages():
    assert len(FIGURE_PAGES) >= 4, f"expected an interactive figure in each chapter, found {FIGURE_PAGES}"


def test_plotly_only_where_needed(page, site):
    page.goto(f"{site}/intro.html")
    assert page.locator(f"script[src$='{PLOTLY_JS.split('/', 1)[1]}']").count() == 0
    assert page.locator(f"script[src*='{names.PLOTLY_LOADER}']").count() == 0


def test_plotly_loads_when_a_figure_comes_near(page, site):
    """A page whose first figure is far below the screen does not fetch plotly.js on arrival; it
    does when the reader scrolls towards the figure, and the figure is drawn."""
    far = None
    for name in FIGURE_PAGES:
        page.goto(f"{site}/{name}.html", wait_until="load")
        top = page.evaluate(f"document.querySelector('{FIGURE}').getBoundingClientRect().top")
        if top > 900 + 800 + 200:
            far = name
            break
    assert far, "no figure page has its first figure far below the first screen"
    page.requests.clear()
    page.goto(f"{site}/{far}.html", wait_until="load")
    page.wait_for_timeout(1000)
    assert not [r for r in page.requests if PLOTLY_JS in r.url], f"{far}: plotly.js loaded on arrival"
    assert page.evaluate(f"document.querySelector('{FIGURE} .main-svg') === null")
    page.locator(FIGURE).first.scroll_into_view_if_needed()
    page.wait_for_function(f"document.querySelector('{FIGURE} .main-svg')", timeout=15_000)
    assert len([r for r in page.requests if PLOTLY_JS in r.url]) == 1
    assert not page.console_errors, page.console_errors


@pytest.mark.parametrize("name", FIGURE_PAGES)
def test_figures_draw_and_respond(page, site, name, html_dir):
    open_page(page, site, name)
    record_weight(page, site, name, html_dir)
    head_scripts = page.evaluate(
        "Array.from(document.head.querySelectorAll('script[src]')).map(s => [s.src, s.defer || s.async])")
    loader = [s for s in head_scripts if urlparse(s[0]).path.endswith(LOADER)]
    assert len(loader) == 1 and not loader[0][1], (
        f"{name}: plotly's loader should be one blocking script in <head>: {head_scripts}")
    fetched = [r.url for r in page.requests if urlparse(r.url).path.endswith(PLOTLY_JS)]
    assert len(fetched) == 1, f"{name}: plotly.js should be fetched once, when a figure is near: {fetched}"
    n_figures = page.locator(FIGURE).count()
    assert n_figures >= 1
    for i in range(n_figures):
        div = page.locator(FIGURE).nth(i)
        assert div.get_attribute("role") == "img" and len(div.get_attribute("aria-label") or "") >= 20
        assert div.locator("xpath=ancestor::figure").count() == 1, f"{name}: figure {i} has no caption"
        assert div.evaluate("d => d.getBoundingClientRect().width") > 300
        before = figure_state(page, i)
        if before["active"] is None:
            continue
        # A real click on the rail, at the end far from the current state.
        div.scroll_into_view_if_needed()
        rail = div.locator(".slider-rail-touch-rect").first.bounding_box()
        n_steps = len(page.evaluate(
            f"i => document.querySelectorAll('{FIGURE}')[i]._fullLayout.sliders[0].steps", i))
        far_right = before["active"] < n_steps / 2
        x = rail["x"] + rail["width"] * (0.97 if far_right else 0.03)
        page.mouse.click(x, rail["y"] + rail["height"] / 2)
        page.wait_for_timeout(300)
        clicked = figure_state(page, i)
        assert clicked["active"] != before["active"], f"{name}: clicking the slider did not move it"
        assert clicked["visible"] != before["visible"], f"{name}: the slider did not change the figure"
        # A real drag of the grip back across the rail.
        grip = div.locator(".slider-grip-rect").first.bounding_box()
        page.mouse.move(grip["x"] + grip["width"] / 2, grip["y"] + grip["height"] / 2)
        page.mouse.down()
        target = rail["x"] + rail["width"] * (0.4 if far_right else 0.6)
        page.mouse.move(target, rail["y"] + rail["height"] / 2, steps=8)
        page.mouse.up()
        page.wait_for_timeout(300)
        dragged = figure_state(page, i)
        assert dragged["active"] != clicked["active"], f"{name}: dragging the slider did not move it"
        assert dragged["visible"] != clicked["visible"]
    # The dark theme recolours the text (the page's own switch sets data-theme on <html>).
    light = figure_state(page, 0)["font"]
    page.evaluate("document.documentElement.dataset.theme = 'dark'")
    page.wait_for_timeout(300)
    dark = figure_state(page, 0)["font"]
    assert light != dark, f"{name}: the figure's text colour did not follow the dark theme"
    assert not page.blocked, f"{name}: requests to other hosts: {page.blocked}"
    assert not page.console_errors, f"{name}: console errors: {page.console_errors}"


def gzipped_size(html_dir: Path, path: str) -> int | None:
    """Bytes of a site file after gzip, as a static host that compresses would send it."""
    file = html_dir / urlparse(path).path.lstrip("/")
    return len(gzip.compress(file.read_bytes(), compresslevel=6)) if file.is_file() else None


def record_weight(page, site, name, html_dir):
    """Record what a first visit transfers, raw and gzipped (the target is FIRST_VISIT_BUDGET).

    The test server does not compress, so the raw bytes are what a host without
    compression would send; real hosts (GitHub Pages, Netlify, nginx defaults for
    these types) gzip text, which is what the budget is checked against.
    """
    page.wait_for_timeout(500)                          # let late requests (fonts, MathJax parts) finish
    raw, packed = {}, {}
    for req in page.requests:
        path = req.url.replace(site, "")
        raw[path] = req.sizes()["responseBodySize"]
        packed[path] = gzipped_size(html_dir, path) or raw[path]
    total_raw, total_gz = sum(raw.values()), sum(packed.values())
    record = html_dir.parent / "interactive-page-weight.json"
    weights = json.loads(record.read_text()) if record.exists() else {}
    weights[name] = {"raw_bytes": total_raw, "gzip_bytes": total_gz, "requests": len(raw),
                     "plotly_raw_bytes": sum(v for k, v in raw.items() if PLOTLY_JS in k),
                     "plotly_gzip_bytes": sum(v for k, v in packed.items() if PLOTLY_JS in k),
                     "largest_raw": sorted(raw.items(), key=lambda kv: -kv[1])[:6]}
    record.write_text(json.dumps(weights, indent=1))
    print(f"{name}: first visit {total_raw / 1e6:.2f} MB raw, {total_gz / 1e6:.2f} MB gzipped, "
          f"{len(raw)} requests")
    # The budget is a performance target like the build times: measured and reported (this file
    # and `make bench`), not asserted, so that a growing search index cannot fail the suite.
    assert total_raw > 0 and PLOTLY_JS in " ".join(raw), f"{name}: the figure page did not load plotly.js"


# ----------------------------------------------------------------------------------------------
# matrices/eigenvalues: the 2 x 2 family A(t) = [[1, 1], [t, 1]] under a slider of t. Its states go
# through real, defective (t = 0), complex (t < 0), singular (t = 1) and orientation-reversing
# (t > 1) matrices; each must draw what its title says.
# ----------------------------------------------------------------------------------------------
EIGEN_PAGE = "matrices/eigenvalues"
STEP_INSET = 10  # px: plotly.js's slider constant stepInset, the margin of the first and last step

EIGEN_STATE = """() => {
  const gd = document.querySelector('.m4ml-plotly');
  const shown = gd.data.filter(t => t.visible !== false);
  const finite = v => v !== null && v !== undefined && !Number.isNaN(Number(v));
  return {active: gd._fullLayout.sliders[0].active,
          title: gd.querySelector('.gtitle') ? gd.querySelector('.gtitle').textContent : '',
          eigenlines: shown.filter(t => t.line && t.line.dash === 'dash' && finite(t.x[0])).length,
          fills: shown.filter(t => t.fill === 'toself').map(t => t.line.color)};
}"""


def test_eigenvalue_figure_has_every_case():
    assert EIGEN_PAGE in FIGURE_PAGES


def test_eigenvalue_figure_walks_through_every_case(page, site):
    """A click on each step of the rail shows that state, with the eigen-directions its title names."""
    open_page(page, site, EIGEN_PAGE)
    div = page.locator(FIGURE).first
    div.scroll_into_view_if_needed()
    rail = div.locator(".slider-rail-touch-rect").first.bounding_box()
    labels = page.evaluate("() => document.querySelector('.m4ml-plotly')._fullLayout.sliders[0].steps"
                           ".map(s => s.label)")
    assert len(labels) >= 5
    seen = []
    for j in range(len(labels)):
        x = rail["x"] + STEP_INSET + (rail["width"] - 2 * STEP_INSET) * j / (len(labels) - 1)
        page.mouse.click(x, rail["y"] + rail["height"] / 2)
        page.wait_for_timeout(200)
        seen.append(page.evaluate(EIGEN_STATE))
    assert [s["active"] for s in seen] == list(range(len(labels))), "a click did not reach its step"
    cases = set()
    for label, state in zip(labels, seen):
        t, title = float(label), state["title"]
        assert title.startswith(f"t = {label}:"), f"state {label}: title {title!r}"
        # two real eigen-directions for t > 0, one for the shear, none for a complex pair
        expected = 2 if t > 0 else 1 if t == 0 else 0
        assert state["eigenlines"] == expected, f"t = {label}: {state}"
        assert ("complex" in title) == (t < 0) and ("defective" in title) == (t == 0)
        det = float(title.rsplit("det = ", 1)[1])
        assert det == pytest.approx(1 - t, abs=0.006)
        assert len(state["fills"]) == 1
        cases.add("complex" if t < 0 else "defective" if t == 0 else "flipped" if t > 1 else "real")
    assert cases == {"complex", "defective", "real", "flipped"}
    # the image of the square changes colour exactly where the determinant changes sign
    colours = {float(label) > 1: state["fills"][0] for label, state in zip(labels, seen)}
    assert colours[True] != colours[False]
    assert not page.console_errors, page.console_errors
