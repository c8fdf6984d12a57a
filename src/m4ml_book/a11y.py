"""Accessibility fixes for the theme's HTML, checked by axe-core in tests/test_a11y.py.

The fixes are made in the written HTML, after the theme's templates have rendered, by
``patches.fix_html`` (exact, idempotent string replacements; tests/site/test_patches.py fails
when the theme's markup they expect changes). ``m4ml_book.math_ssr`` applies them in its one
pass over the pages a build wrote, so that each page is read and written once:

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

from m4ml_book import names
from m4ml_book.assets import copy_asset

CSS = "m4ml.css"


def copy_css(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    copy_asset(app, CSS, names.M4ML_STATIC)


def setup(app) -> dict:
    app.add_css_file(f"{names.M4ML_STATIC}/{CSS}")
    app.connect("build-finished", copy_css)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
