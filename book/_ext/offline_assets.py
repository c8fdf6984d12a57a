"""Keep the built site self-contained.

sphinx-thebe (pulled in by Jupyter Book) registers, on every page, an inline
script that names Thebe's CDN URL and an async loader for it, even when live
code is switched off, and Jupyter Book registers the inline script twice, which
the browser reports as a redeclared `const`. Remove both, always, so that no page
refers to another host: live code is loaded from the site itself by live_code.py.
"""

from __future__ import annotations

from sphinx.application import Sphinx


def _is_thebe_asset(filename: str | None, attributes: dict) -> bool:
    body = attributes.get("body") or ""
    return "THEBE_JS_URL" in body or (filename or "").endswith("sphinx-thebe.js")


def drop_thebe_assets(app: Sphinx, env, docnames) -> None:
    app.registry.js_files[:] = [
        (fn, attrs) for fn, attrs in app.registry.js_files if not _is_thebe_asset(fn, attrs)
    ]
    builder_files = getattr(app.builder, "_js_files", None)
    if builder_files is not None:
        builder_files[:] = [
            js for js in builder_files if not _is_thebe_asset(js.filename, dict(js.attributes))
        ]


# The class that m4ml.interactive gives the div of every interactive figure.
PLOTLY_FIGURE_CLASS = 'class="m4ml-plotly"'


def add_plotly_where_needed(app: Sphinx, pagename, templatename, context, doctree) -> None:
    """Load the site's plotly.js only on pages that draw an interactive figure.

    The figure's inline script calls ``Plotly.newPlot`` while the page is parsed, so the library
    is a blocking script in <head> (no ``defer``); the other pages do not pay for its 1.5 MB.
    """
    if PLOTLY_FIGURE_CLASS in (context.get("body") or ""):
        app.add_js_file("plotly/plotly-cartesian.min.js", priority=200)


def setup(app: Sphinx) -> dict:
    app.connect("html-page-context", add_plotly_where_needed)
    # priority 900: after sphinx-thebe has registered its files
    app.connect("env-before-read-docs", drop_thebe_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
