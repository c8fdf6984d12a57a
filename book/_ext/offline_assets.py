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


def setup(app: Sphinx) -> dict:
    # priority 900: after sphinx-thebe has registered its files
    app.connect("env-before-read-docs", drop_thebe_assets, priority=900)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
