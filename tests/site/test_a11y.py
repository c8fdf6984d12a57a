"""Accessibility: axe-core (from npm, injected by Playwright) on every page, in the light and the
dark theme. No serious or critical violation of WCAG 2.1 A/AA is allowed.

axe-core is `node_modules/axe-core/axe.min.js`, installed by `make` from package-lock.json; it
is injected into the page under test and never served by the site. Screenshots of one page in each
theme are saved in book/_build/screenshots/ for a human to look at.
"""

from __future__ import annotations

import pytest

from conftest import CHROMIUM, ROOT, toc_pages
from page_visit import AXE, violations

pytestmark = [pytest.mark.book, pytest.mark.browser]

if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (see scripts/ensure_chromium.py)", allow_module_level=True)

SHOTS = ROOT / "book" / "_build" / "screenshots"


def test_axe_is_installed():
    assert AXE.is_file(), "node_modules/axe-core is missing: run `make env`"


@pytest.mark.parametrize("name", toc_pages())
def test_page_has_no_serious_accessibility_violations(page_visits, name):
    # Every rule in the light theme; in the dark theme only contrast can differ (tests/page_visit.py).
    found = page_visits(name).axe
    assert found == {"light": [], "dark": []}, f"{name}: {found}"


def test_detector_reports_a_violation(page, site_url):
    """The check can fail: an image without alt text is a critical violation."""
    page.goto(f"{site_url}/intro.html")
    page.evaluate("document.querySelector('main').insertAdjacentHTML('afterbegin', '<img src=\"x.png\">')")
    assert any(v.startswith("image-alt") for v in violations(page, "light"))


def test_screenshots_in_both_themes(page, site_url):
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.goto(f"{site_url}/foundations/gradient_descent.html")
    page.evaluate("document.fonts.ready.then(() => true)")  # the formulas' fonts (typeset at build time)
    for theme in ("light", "dark"):
        page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        page.wait_for_timeout(200)
        background = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.screenshot(path=str(SHOTS / f"gradient_descent-{theme}.png"))
        assert (background == "rgb(255, 255, 255)") == (theme == "light"), (theme, background)
