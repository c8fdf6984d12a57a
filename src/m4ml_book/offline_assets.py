"""Keep the built site self-contained.

sphinx-thebe (pulled in by Jupyter Book) registers, on every page, an inline
script that names Thebe's CDN URL and an async loader for it, even when live
code is switched off, and Jupyter Book registers the inline script twice, which
the browser reports as a redeclared `const`. Remove both, always, so that no page
refers to another host (``patches.drop_thebe_assets``): live code is loaded from the
site itself by live_code.py.
"""

from __future__ import annotations

from sphinx.application import Sphinx

from m4ml_book import names, patches


def add_plotly_where_needed(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Load the site's plotly.js only on pages that draw an interactive figure.

    The figure's inline script calls ``Plotly.newPlot`` while the page is parsed, so the library
    is a blocking script in <head> (no ``defer``); the other pages do not pay for its 1.5 MB.
    """
    if f'class="{names.PLOTLY_FIGURE_CLASS}"' in (context.get("body") or ""):
        app.add_js_file(names.PLOTLY_JS, priority=200)


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_plotly_where_needed)
    # priority 900: after sphinx-thebe has registered its files
    app.connect("env-before-read-docs", patches.drop_thebe_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
