"""Copying the site's own files (``book/_assets``) into the built site.

Every extension that ships a CSS or JavaScript file goes through :func:`copy_asset`, built on
Sphinx's ``copy_asset_file``, which copies only when the content changed (so an unchanged asset
keeps its date) and keeps the source's modification time.
"""

from __future__ import annotations

from pathlib import Path

from sphinx.application import Sphinx
from sphinx.util.fileutil import copy_asset_file

from m4ml_book import names


def asset_dir(app: Sphinx) -> Path:
    """``book/_assets`` of the book being built."""
    return Path(app.confdir) / names.ASSETS_DIR


def copy_asset(app: Sphinx, name: str, static_dir: str) -> Path:
    """Copy ``book/_assets/<name>`` to ``_static/<static_dir>/<name>`` of the built site."""
    source = asset_dir(app) / name
    if not source.is_file():  # copy_asset_file would skip it without a word
        raise FileNotFoundError(f"the site asset {source} does not exist")
    target = Path(app.outdir) / "_static" / static_dir
    target.mkdir(parents=True, exist_ok=True)
    # The build's own copy of an edited asset is replaced: no overwrite notice.
    copy_asset_file(source, target, __overwrite_warning__=False)
    return target / name
