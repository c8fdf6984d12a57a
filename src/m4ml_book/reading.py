"""What a reader meets on the site: line breaks, solution titles, sidebars, contents and search.

Fixes in the written pages (checked in Chromium by tests/test_reading_browser.py):

* **No line break between a formula and its punctuation, or inside a number.** Chromium may break
  a line right after an inline MathJax formula, so that the full stop or question mark that
  follows it starts the next line; and it breaks numbers such as ``6.3e-11`` or ``-5.37`` after
  their hyphen. The post-transform :class:`KeepTogether` wraps an inline formula with the
  punctuation directly around it, and every signed or exponent-form number in the prose, in a
  ``<span class="m4ml-nowrap">`` that ``_assets/reading.css`` keeps on one line. HTML only: the
  PDF's TeX does not break there.
* **Search without TeX.** The search index is built from page doctrees with their mathematics
  left out, so that TeX control words (``mathbf``, ``frac``, ``vw``) are not search terms;
  ``_assets/search-scorer.js`` (Sphinx's ``html_search_scorer``) ranks pages whose own title
  names the query above pages that only mention it in a section title; ``_assets/reading.js``
  writes result snippets from the article only, without hidden code, with formulas shown as an
  ellipsis.
* ``_assets/reading.js`` also repairs three theme behaviours: a click on the link in a
  solution's title bar ("Solution to Exercise 4.6") made sphinx-togglebutton throw
  ``button is not defined``; the article's buttons that toggle the primary and secondary
  sidebars did nothing, because the themes attach their handlers to the first such button in
  the page, the hidden one in the header; and the page's table of contents marked a section
  only when its heading crossed a narrow band, so that after a long scroll or a scroll upwards
  it lagged behind the text.
"""

from __future__ import annotations

import re

from docutils import nodes
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform

from m4ml_book import names, patches
from m4ml_book.assets import asset_dir, copy_asset

STATIC_DIR = names.READING_STATIC
FILES = ("reading.js", "reading.css")
NOWRAP = names.NOWRAP_CLASS

# Punctuation that must stay on the line of the formula it follows, or precedes.
CLOSING = re.compile(r"^[.,;:!?\u2026)\]}\u2019\u201d%]+")
OPENING = re.compile(r"[(\[{\u2018\u201c]+$")
# A number that a browser may break: with a sign (hyphen or minus) or an exponent.
NUMBER = re.compile(r"[-\u2212]?\d[\d.,]*[eE][-+\u2212]?\d+|(?<![\w.])[-\u2212]\d(?:[\d.,]*\d)?")
# Text inside these is code or mathematics, not prose.
NOT_PROSE = (nodes.FixedTextElement, nodes.literal, nodes.math, nodes.math_block, nodes.raw,
             nodes.comment, nodes.title)


def _wrapper(*children: nodes.Node) -> nodes.inline:
    node = nodes.inline(classes=[NOWRAP])
    node.extend(children)
    return node


def _keep_math_with_punctuation(document: nodes.document) -> int:
    count = 0
    for math in list(document.findall(nodes.math)):
        parent = math.parent
        i = parent.index(math)
        before = parent[i - 1] if i > 0 and isinstance(parent[i - 1], nodes.Text) else None
        after = parent[i + 1] if i + 1 < len(parent) and isinstance(parent[i + 1], nodes.Text) else None
        opening = OPENING.search(before.astext()) if before is not None else None
        closing = CLOSING.match(after.astext()) if after is not None else None
        if not (opening or closing):
            continue
        children: list[nodes.Node] = [math]
        # Index assignment, not Element.replace/remove: Text nodes are strings and compare equal
        # to any other Text with the same characters.
        if closing:
            rest = after.astext()[closing.end():]
            if rest:
                parent[i + 1] = nodes.Text(rest)
            else:
                del parent[i + 1]
            children.append(nodes.Text(closing.group()))
        if opening:
            rest = before.astext()[:opening.start()]
            children.insert(0, nodes.Text(opening.group()))
            if rest:
                parent[i - 1] = nodes.Text(rest)
            else:
                del parent[i - 1]
                i -= 1
        parent[i] = _wrapper(*children)
        count += 1
    return count


def _in_prose(node: nodes.Node) -> bool:
    parent = node.parent
    while parent is not None:
        if isinstance(parent, NOT_PROSE) or NOWRAP in parent.get("classes", ()):
            return False
        parent = parent.parent
    return True


def _keep_numbers_whole(document: nodes.document) -> int:
    count = 0
    for text in list(document.findall(nodes.Text)):
        value = text.astext()
        if not NUMBER.search(value) or not _in_prose(text):
            continue
        parent = text.parent
        i = next(k for k, child in enumerate(parent.children) if child is text)
        pieces: list[nodes.Node] = []
        last = 0
        for match in NUMBER.finditer(value):
            if match.start() > last:
                pieces.append(nodes.Text(value[last:match.start()]))
            pieces.append(_wrapper(nodes.Text(match.group())))
            last = match.end()
            count += 1
        if last < len(value):
            pieces.append(nodes.Text(value[last:]))
        parent[i:i + 1] = pieces
    return count


class KeepTogether(SphinxPostTransform):
    """Wrap formula-plus-punctuation and signed or exponent-form numbers in a no-wrap span."""

    default_priority = 900  # late: after glue values and references are in place
    formats = ("html",)

    def run(self, **kwargs) -> None:
        _keep_math_with_punctuation(self.document)
        _keep_numbers_whole(self.document)


def _without_math(doctree: nodes.document) -> nodes.document:
    copy = doctree.deepcopy()
    for node in list(copy.findall(lambda n: isinstance(n, (nodes.math, nodes.math_block)))):
        node.parent.remove(node)
    return copy


def index_without_math(app: Sphinx) -> None:
    """Feed Sphinx's search indexer each page without its formulas (HTML builders only)."""
    patches.index_pages_with(app, _without_math)


def use_search_scorer(app: Sphinx, config) -> None:
    # Sphinx copies this file into language_data.js, which defines the `Scorer` that
    # searchtools.js uses to rank results.
    config.html_search_scorer = str(asset_dir(app) / "search-scorer.js")


def copy_assets(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    for name in FILES:
        copy_asset(app, name, STATIC_DIR)


def setup(app: Sphinx) -> dict:
    app.add_post_transform(KeepTogether)
    app.connect("config-inited", use_search_scorer)
    app.connect("builder-inited", index_without_math)
    app.connect("build-finished", copy_assets)
    app.add_css_file(f"{STATIC_DIR}/reading.css")
    app.add_js_file(f"{STATIC_DIR}/reading.js", defer="defer")
    return {"parallel_read_safe": True, "parallel_write_safe": True}
