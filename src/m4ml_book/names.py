"""Names that more than one file must spell alike.

Python takes them from here. Where JavaScript or CSS must spell a name too, :data:`ASSET_NAMES`
lists it with the asset that holds it, and ``tests/site/test_patches.py`` checks that every asset
still contains every name paired with it (a rename on one side only fails that test).
"""

from __future__ import annotations

# ------------------------------------------------------------------ files of the build
BUILD_DIR = "_build"
CACHE_DIR = ".jupyter_cache"            # jupyter-cache of executed pages, in BUILD_DIR
TIMINGS_FILE = "m4ml-timings.json"      # per-page start-up / imports / own code, in CACHE_DIR
EXEC_STATE_FILE = "m4ml-exec-state.json"  # what page_exec knows of each page, in CACHE_DIR
LINKS_FILE = "notebook-links.json"      # resolved cross-references of the exported notebooks
NOTEBOOKS_ZIP = "math4ml-notebooks.zip"  # every exported notebook, in the site's _downloads
LIVE_CODE_TIMING_FILE = "live-code-timing.json"  # the browser test's live-code timings
ASSETS_DIR = "_assets"                  # the site's own CSS and JavaScript, in book/

# ------------------------------------------------------------------ the served site
SERVER_SETTINGS_PATH = "_live/server.json"  # answered by `make serve` only (relative to the root)
JUPYTER_PREFIX = "/_jupyter/"           # Jupyter's base_url under `make serve`
LIVE_CODE_STATIC = "live-code"          # _static/<this>: live-code.js, the shim, config.json
LIVE_CODE_CONFIG = "config.json"        # where a published site runs live code (in LIVE_CODE_STATIC)
READING_STATIC = "m4ml-reading"         # _static/<this>: reading.js, reading.css
M4ML_STATIC = "m4ml"                    # _static/<this>: m4ml.css, sortable-table.js
PLOTLY_JS = "plotly/plotly-cartesian.min.js"  # in _static (scripts/vendor.py puts it there)
BOOTSTRAP_LOADER = "bootstrap-lazy.js"   # loads the theme's Bootstrap when needed, in _static/M4ML_STATIC
BOOTSTRAP_ATTRIBUTE = "data-bootstrap"   # the loader's attribute with Bootstrap's address
PLOTLY_LOADER = "plotly-lazy.js"         # loads PLOTLY_JS near a figure, in _static/M4ML_STATIC
THEBE_REQUIREJS = "thebe/require.js"    # in _static (scripts/vendor.py)

# ------------------------------------------------------------------ names inside the pages
PLOTLY_FIGURE_CLASS = "m4ml-plotly"     # the div of every interactive figure (m4ml's figures)
LIVE_CELLS_ID = "m4ml-live-cells"       # <template> with a page's hidden cells
LIVE_TOKEN_KEY = "m4ml-live-token"      # sessionStorage key of `make serve`'s token
THEBE_REQUIREJS_GLOBAL = "thebeRequireJsUrl"  # window.<this>: read by the patched Thebe
NOWRAP_CLASS = "m4ml-nowrap"            # a formula with its punctuation, or a signed number
SORTABLE_CLASS = "m4ml-sortable"        # a table sortable by its headings
TOTAL_ROW_CLASS = "m4ml-total"          # a totals row, which stays last when sorted
STATUS_CLASS = "m4ml-status"            # the execution-status table
GLUE_MIME_PREFIX = "application/papermill.record/"  # MyST-NB's MIME type of glued values

# ------------------------------------------------------------------ environment
EXEC_WORKERS_ENV = "M4ML_EXEC_WORKERS"  # pages run at once by page_exec (default: up to 2)
KERNEL_DIR_PREFIX = "m4ml-kernels-"     # private folder of kernel sockets

# Each asset of book/_assets with the names above that it must contain, as written there.
ASSET_NAMES: dict[str, tuple[str, ...]] = {
    "live-code.js": (f'"{LIVE_TOKEN_KEY}"', f'"{LIVE_CELLS_ID}"', f'"{SERVER_SETTINGS_PATH}"',
                     f"window.{THEBE_REQUIREJS_GLOBAL} =", f'"{THEBE_REQUIREJS}"',
                     f'"{LIVE_CODE_STATIC}/{LIVE_CODE_CONFIG}"',
                     f'"{LIVE_CODE_STATIC}/mathjax2-shim.js"'),
    "plotly-lazy.js": (f'"../{PLOTLY_JS}"',),
    "bootstrap-lazy.js": (f'getAttribute("{BOOTSTRAP_ATTRIBUTE}")',),
    "reading.css": (f".{NOWRAP_CLASS}",),
    "sortable-table.js": (f'"{TOTAL_ROW_CLASS}"', f'"table.{SORTABLE_CLASS}"'),
}
