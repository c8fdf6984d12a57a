"""The built pages in a real browser: Debian's Chromium driven by Playwright.

Each page is opened from a loopback server. A route guard aborts (and records)
every request that would leave 127.0.0.1. We check that the math arrives typeset
(at build time, without errors, with no MathJax in the page), that every image loads, and that the
console stays free of errors.
"""

from __future__ import annotations

import os

import pytest

from conftest import CHROMIUM, LAUNCH_ARGS, is_local, toc_pages  # noqa: F401 (re-exported)

pytestmark = [pytest.mark.book, pytest.mark.browser]

if CHROMIUM is None:
    pytest.skip(
        "Debian's chromium is not installed and could not be installed (scripts/ensure_chromium.py "
        "needs root and apt-get); the browser tests cannot run on this machine",
        allow_module_level=True,
    )


def test_guard_blocks_other_hosts(page, site_url):
    page.goto(f"{site_url}/intro.html")  # index.html only redirects here
    page.evaluate("fetch('https://example.org/x.js').catch(() => null)")
    page.wait_for_timeout(200)
    assert any("example.org" in u for u in page.blocked)


@pytest.mark.parametrize("name", toc_pages())
def test_page_in_browser(page_visits, name):
    visit = page_visits(name)  # tests/page_visit.py: one visit per page for all per-page checks
    assert visit.status == 200, f"{name}: HTTP {visit.status}"
    # The formulas arrive typeset (m4ml_book.math_ssr): no MathJax runs in the page.
    if visit.has_math:
        assert visit.typeset > 0, f"{name}: no typeset formula"
        assert visit.errors == 0, f"{name}: a formula has a TeX error"
        assert visit.left_as_tex == 0, f"{name}: {visit.left_as_tex} formulas were not typeset"
    assert not visit.mathjax_loaded, f"{name}: MathJax was loaded"
    assert not visit.broken_images, f"{name}: images failed to load: {visit.broken_images}"
    assert not visit.blocked, f"{name}: requests to other hosts: {visit.blocked}"
    assert not visit.console_errors, f"{name}: console errors: {visit.console_errors}"


def test_solution_dropdown_opens(page, site_url):
    page.goto(f"{site_url}/foundations/descriptive_statistics.html")
    solution = page.locator("details.solution, div.solution").first
    assert solution.count() == 1
    if solution.evaluate("e => e.tagName") == "DETAILS":
        assert not solution.evaluate("e => e.open")
        solution.locator("summary").click()
        assert solution.evaluate("e => e.open")
    else:  # sphinx-togglebutton hides the body until the toggle is clicked
        body = solution.locator(".solution-content, section").first
        assert not body.is_visible()
        solution.locator("button.toggle-button, .toggle-button").first.click()
        page.wait_for_timeout(300)
        assert body.is_visible()


def test_screenshot_for_humans(page, site_url, tmp_path_factory):
    """Save a screenshot of one page next to the build, for a human to look at."""
    page.goto(f"{site_url}/problems/representation.html")
    page.evaluate("document.fonts.ready.then(() => true)")
    out = os.path.join(os.path.dirname(__file__), "..", "..", "book", "_build", "screenshot-representation.png")
    page.screenshot(path=out, full_page=False)
    assert os.path.getsize(out) > 10_000


def test_status_table_sorts_by_a_column(page, site_url):
    page.goto(f"{site_url}/appendix/status.html")
    table = page.locator("table.m4ml-status")

    def column(k):
        return table.evaluate(
            f"t => Array.from(t.tBodies[0].rows).map(r => r.cells[{k}].textContent.trim())")

    before = column(3)
    assert before[-1] == table.locator("tr.m4ml-total td").nth(3).inner_text().strip()
    heading = table.locator("thead th").nth(3)
    heading.locator("button").click()
    times = [float(x) for x in column(3)[:-1]]
    assert times == sorted(times) and heading.get_attribute("aria-sort") == "ascending"
    heading.locator("button").click()
    times = [float(x) for x in column(3)[:-1]]
    assert times == sorted(times, reverse=True) and heading.get_attribute("aria-sort") == "descending"
    assert column(3)[-1] == before[-1], "the total row must stay last"
    assert not page.console_errors


DOWNLOAD_MENU = 'button[data-bs-toggle="dropdown"][aria-label="Download this page"]'


def bootstrap_requested(page) -> bool:
    return any("/scripts/bootstrap.js" in r.url for r in page.requests)


def test_bootstrap_arrives_when_the_reader_reaches_for_a_menu(browser, site_url):
    """The theme's Bootstrap (81 kB) is not part of a first visit: the loader
    (book/_assets/bootstrap-lazy.js) fetches it when the pointer comes over a control that needs
    it, and a click that comes first still opens its menu."""
    from conftest import guarded_page

    url = f"{site_url}/calculus/gradients.html"
    with guarded_page(browser) as page:  # a click with no pointer over the button before
        page.goto(url, wait_until="load")
        page.wait_for_timeout(300)
        assert not bootstrap_requested(page)
        toggle = page.locator(DOWNLOAD_MENU)
        toggle.dispatch_event("click")
        page.wait_for_function("window.bootstrap !== undefined", timeout=10_000)
        page.wait_for_selector(f"{DOWNLOAD_MENU} + .dropdown-menu.show", timeout=5_000)
        assert toggle.get_attribute("aria-expanded") == "true"
        assert not page.console_errors, page.console_errors
    with guarded_page(browser) as page:  # the pointer over a header button, then a tooltip
        page.goto(url, wait_until="load")
        page.locator('[data-bs-toggle="tooltip"]').first.hover()
        page.wait_for_function("window.bootstrap !== undefined", timeout=10_000)
        assert bootstrap_requested(page)
        page.mouse.move(600, 600)
        page.locator('[data-bs-toggle="tooltip"]').first.hover()
        page.wait_for_selector(".tooltip.show", timeout=5_000)  # Bootstrap set up the tooltips
        page.locator(DOWNLOAD_MENU).click()
        page.wait_for_selector(f"{DOWNLOAD_MENU} + .dropdown-menu.show", timeout=5_000)
        assert not page.console_errors, page.console_errors
