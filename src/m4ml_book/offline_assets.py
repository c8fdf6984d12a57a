"""Keep the built site self-contained.

sphinx-thebe (pulled in by Jupyter Book) registers, on every page, an inline
script that names Thebe's CDN URL and an async loader for it, even when live
code is switched off, and Jupyter Book registers the inline script twice, which
the browser reports as a redeclared `const`. Remove both, always, so that no page
refers to another host (``patches.drop_thebe_assets``): live code is loaded from the
site itself by live_code.py.

Pages with an interactive figure get the loader of the site's own plotly.js
(``_assets/plotly-lazy.js``), which fetches the library when a figure comes near
the screen.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from m4ml_book import names, patches
from m4ml_book.assets import copy_asset


def add_plotly_where_needed(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Give the pages that draw an interactive figure the loader of the site's plotly.js.

    Each figure's inline script asks the loader (``_assets/plotly-lazy.js``) to draw it when it
    comes near the screen; the loader then fetches plotly.js (1.5 MB) once. So the loader is a
    blocking script in <head>, defined before the figures' scripts run; it is 1 kB. The other
    pages load neither.
    """
    if f'class="{names.PLOTLY_FIGURE_CLASS}"' in (context.get("body") or ""):
        app.add_js_file(f"{names.M4ML_STATIC}/{names.PLOTLY_LOADER}", priority=200)


def copy_loader(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_asset(app, names.PLOTLY_LOADER, names.M4ML_STATIC)
        copy_asset(app, names.BOOTSTRAP_LOADER, names.M4ML_STATIC)  # see patches.drop_page_scripts


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_plotly_where_needed)
    app.connect("build-finished", copy_loader)
    # priority 900: after sphinx-thebe has registered its files
    app.connect("env-before-read-docs", patches.drop_thebe_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
