"""Live code: every notebook page's code cells can become editable cells run by a kernel.

The reader opens the rocket menu and picks "Live Code". ``_assets/live-code.js`` then asks
where to run the cells, loads Thebe 0.9.3 from the site itself (``_static/thebe``, see
scripts/vendor.py) and turns the cells into editors with a run button:

1. under `make serve` (scripts/serve.py, scripts/live_server.py), the server answers
   ``_live/server.json`` with where its Jupyter API is, on the same origin. The token is
   never served: `make serve` prints an address whose fragment holds it (``#token=...``),
   and ``TOKEN_PICKUP``, inlined in every page, moves it into the tab's sessionStorage.
   The build holds no token and no server address;
2. otherwise ``_static/live-code/config.json``, written here from the ``m4ml_live_code``
   setting of _config.yml (and editable in a deployed site without rebuilding):
   ``provider: local`` (only `make serve`: elsewhere the page explains, with links, how
   to run its code on the reader's computer), ``binder`` (a BinderHub builds the
   repository) or ``jupyterhub`` (each reader's server on a course JupyterHub). See README.

Cells hidden from the page (tag ``remove-cell``: imports, ``glue``) are still needed by
the visible ones, so their code is shipped in a ``<template>`` and run, in page order,
before the first cell the reader runs after them. The template also carries the
repository's address (``repository: url:`` in _config.yml) for that explanation.
sphinx-thebe (loaded by Jupyter Book) is kept for its CSS only: its CDN loader is dropped
by offline_assets.py and its Binder-only page config is not written (both in patches.py),
since this extension passes all of Thebe's options.
"""

from __future__ import annotations

import html
import json
from pathlib import PurePosixPath

from sphinx.application import Sphinx
from sphinx.errors import ConfigError

from m4ml_book import names, patches
from m4ml_book.assets import copy_asset

JS_FILES = ("live-code.js", "mathjax2-shim.js")
STATIC_DIR = names.LIVE_CODE_STATIC
PROVIDERS = {
    "local": (),
    "binder": ("binderhub_url", "repository"),
    "jupyterhub": ("jupyterhub_url",),
}
DEFAULTS = {"provider": "local", "ref": "main", "path_to_book": "book"}

# Inlined in every page (the reader may open any address `make serve` prints): a fragment
# "#token=..." goes into this tab's sessionStorage and out of the address bar.
TOKEN_PICKUP = """(function () {
  var m = /^#token=([A-Za-z0-9_-]{32,})$/.exec(location.hash);
  if (!m) return;
  try { sessionStorage.setItem("%s", m[1]); } catch (e) { return; }
  history.replaceState(history.state, "", location.pathname + location.search);
})();""" % names.LIVE_TOKEN_KEY


def settings(app: Sphinx) -> dict:
    """The validated ``m4ml_live_code`` setting, with defaults filled in."""
    conf = {**DEFAULTS, **(app.config.m4ml_live_code or {})}
    provider = conf["provider"]
    if provider not in PROVIDERS:
        raise ConfigError(f"m4ml_live_code.provider must be one of {sorted(PROVIDERS)}, got {provider!r}")
    missing = [key for key in PROVIDERS[provider] if not conf.get(key)]
    if missing:
        raise ConfigError(f"m4ml_live_code with provider {provider!r} needs {', '.join(missing)}")
    if "token" in conf:
        raise ConfigError("m4ml_live_code must not hold a token: it would be published with the site")
    return conf


def check_config(app: Sphinx, config) -> None:
    settings(app)


def hidden_cells(app: Sphinx, pagename: str) -> tuple[list[tuple[int, str]], int]:
    """Code of the page's removed cells, each with the number of shown cells before it."""
    import jupytext

    notebook = jupytext.read(app.env.doc2path(pagename))
    hidden, shown = [], 0
    for cell in notebook.cells:
        if cell.cell_type != "code":
            continue
        if "remove-cell" in cell.metadata.get("tags", []):
            hidden.append((shown, cell.source))
        else:
            shown += 1
    return hidden, shown


def add_live_code(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is None or "kernelspec" not in app.env.metadata.get(pagename, {}):
        return
    app.add_js_file(f"{STATIC_DIR}/live-code.js", defer="defer")

    # The rocket menu: sphinx-book-theme builds it only when the site names a repository.
    buttons = context.setdefault("header_buttons", [])
    if not any(b.get("label") == "launch-buttons" for b in buttons):
        buttons.insert(0, {
            "type": "group", "tooltip": "Launch interactive content", "icon": "fas fa-rocket",
            "label": "launch-buttons",
            "buttons": [{"type": "javascript", "text": "Live Code", "tooltip": "Edit and run this page's code",
                         "javascript": "initThebeSBT()", "icon": "fas fa-play", "label": "launch-thebe"}],
        })

    hidden, shown = hidden_cells(app, pagename)
    kernel = app.env.metadata[pagename]["kernelspec"]
    if isinstance(kernel, str):
        kernel = json.loads(kernel)
    folder = PurePosixPath(pagename).parent.as_posix()
    repository = (app.config.html_theme_options or {}).get("repository_url") or ""
    pres = "".join(f'<pre data-before="{k}">{html.escape(code)}</pre>' for k, code in hidden)
    context["body"] = context.get("body", "") + (
        f'<template id="{names.LIVE_CELLS_ID}" data-kernel="{html.escape(kernel.get("name", "python3"))}" '
        f'data-folder="{html.escape("" if folder == "." else folder)}" data-shown="{shown}" '
        f'data-repository="{html.escape(repository)}">{pres}</template>'
    )


def copy_assets(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for name in JS_FILES:
        out = copy_asset(app, name, STATIC_DIR).parent
    public = {k: v for k, v in settings(app).items()}
    (out / names.LIVE_CODE_CONFIG).write_text(json.dumps(public, indent=1) + "\n")


def setup(app: Sphinx) -> dict:
    app.add_config_value("m4ml_live_code", dict(DEFAULTS), "html", types=[dict])
    app.setup_extension("sphinx_thebe")
    patches.drop_thebe_page_config(app)
    app.connect("config-inited", check_config)
    app.add_js_file(None, body=TOKEN_PICKUP, priority=100)  # every page, before other scripts
    app.connect("html-page-context", add_live_code, priority=502)  # after the theme's launch buttons
    app.connect("build-finished", copy_assets)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
