"""Accessibility fixes for the theme's HTML, checked by axe-core in tests/test_a11y.py.

The fixes are made in the written HTML, after the theme's templates have rendered, so that no
template of the theme has to be copied into the book (copies drift from the theme they came
from). Each replacement is exact and idempotent; if a theme upgrade changes the markup, the
replacement finds nothing and the axe test fails loudly, instead of the fix silently rotting.

* The search box has the visible text "Search Ctrl+K" but the accessible name "Search": speech
  users who say what they see cannot reach it (WCAG 2.5.3). Drop the ``aria-label``; its title stays.
* The colour-mode button's icons carry ``title`` attributes that become its text, which then does
  not match its ``aria-label`` (WCAG 2.5.3). Drop the icons' titles; the button keeps its label.
* The sidebar's expand/collapse toggles are ``<summary>`` elements without any text (WCAG 4.1.2):
  give them a name.
* The bibliography's list of citations is marked ``role="list"`` but its children are not list
  items (WCAG 1.3.1): drop the role; it is a plain sequence of entries.
* MyST-NB's "Show code cell source" toggles have the ``aria-label`` "Toggle hidden content",
  which hides their visible text from the accessible name (WCAG 2.5.3): drop it.

``m4ml.css`` also prints glued numbers in the weight of the surrounding text, and darkens links
inside theorem, exercise and solution boxes in the light theme,
where the theme's link colour on the boxes' pale tints falls just short of a 4.5:1 contrast ratio
(WCAG 1.4.3).
"""

from __future__ import annotations

from pathlib import Path

REPLACEMENTS = [
    ('<button class="btn search-button-field search-button__button pst-js-only" title="Search" aria-label="Search"',
     '<button class="btn search-button-field search-button__button pst-js-only" title="Search"'),
    ('data-mode="light" title="Light"', 'data-mode="light"'),
    ('data-mode="dark"  title="Dark"', 'data-mode="dark"'),
    ('data-mode="auto"  title="System Settings"', 'data-mode="auto"'),
    ('<summary><span class="toctree-toggle" role="presentation">',
     '<summary aria-label="Show or hide the sections of this chapter">'
     '<span class="toctree-toggle" role="presentation">'),
    ('<div role="list" class="citation-list">', '<div class="citation-list">'),
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
]
ASSETS = Path(__file__).resolve().parents[1] / "_assets"


def fix_html(text: str) -> str:
    for old, new in REPLACEMENTS:
        text = text.replace(old, new)
    return text


def rewrite_site(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    out = Path(app.outdir)
    for path in out.rglob("*.html"):
        text = path.read_text(encoding="utf-8")
        fixed = fix_html(text)
        if fixed != text:
            path.write_text(fixed, encoding="utf-8")
    target = out / "_static" / "m4ml" / "m4ml.css"
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes((ASSETS / "m4ml.css").read_bytes())


def setup(app) -> dict:
    app.add_css_file("m4ml/m4ml.css")
    app.connect("build-finished", rewrite_site)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
