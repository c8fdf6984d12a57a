"""Accessibility: axe-core (from npm, injected by Playwright) on every page, in the light and the
dark theme. No serious or critical violation of WCAG 2.1 A/AA is allowed.

axe-core is `node_modules/axe-core/axe.min.js`, installed by `make` from package-lock.json; it
is injected into the page under test and never served by the site. Screenshots of one page in each
theme are saved in book/_build/screenshots/ for a human to look at.
"""

from __future__ import annotations

import pytest

from conftest import CHROMIUM, ROOT, toc_pages

pytestmark = [pytest.mark.book, pytest.mark.browser]

if CHROMIUM is None:
    pytest.skip("Debian's chromium is not installed (see scripts/ensure_chromium.py)", allow_module_level=True)

AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SHOTS = ROOT / "book" / "_build" / "screenshots"


def violations(page, theme: str, *, contrast_only: bool = False) -> list[str]:
    """Serious and critical axe violations of WCAG 2.1 A/AA in the given theme."""
    if page.evaluate("document.documentElement.dataset.theme") != theme:
        page.evaluate(f"document.documentElement.dataset.theme = '{theme}'")
        page.wait_for_timeout(400)  # let colour transitions finish before contrast is measured
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(AXE))
    run_only = "{type: 'rule', values: ['color-contrast']}" if contrast_only else f"{{type: 'tag', values: {WCAG}}}"
    result = page.evaluate(f"axe.run(document, {{runOnly: {run_only}, resultTypes: ['violations']}})")
    return [f"{v['id']} ({v['impact']}): {v['nodes'][0]['html'][:160]}"
            for v in result["violations"] if v["impact"] in ("serious", "critical")]


def test_axe_is_installed():
    assert AXE.is_file(), "node_modules/axe-core is missing: run `make env`"


@pytest.mark.parametrize("name", toc_pages())
def test_page_has_no_serious_accessibility_violations(page, site_url, name):
    page.goto(f"{site_url}/{name}.html", wait_until="load")
    page.evaluate("document.fonts.ready.then(() => true)")
    # Every rule in the light theme; in the dark theme only contrast can differ.
    found = {"light": violations(page, "light"), "dark": violations(page, "dark", contrast_only=True)}
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
