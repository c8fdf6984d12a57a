"""Pages that arrive ready: formulas typeset at build time, and no script a page does not need.

The HTML builder writes each formula as MathJax source (``<span class="math ...">\\(...\\)</span>``
and ``<div class="math ...">\\[...\\]</div>``), which a reader's browser used to typeset with
1.2 MB of MathJax after the page had loaded. After the build, :func:`finish_site` sends every
formula of the pages written in this build to one node process (``mathjax_render.mjs`` in this package,
with mathjax-full from npm), which returns MathJax's CommonHTML for each, with assistive MathML
for screen readers, using the book's macros (``mathjax3_config.tex.macros`` in _config.yml).
The formula's wrapper element, its equation number and its anchor stay as Sphinx wrote them.
The markup loses what only client-side MathJax reads (:func:`slim_markup`: its menu's ``data-mjx-*``
attributes, an XML namespace the HTML parser implies, a style the stylesheet sets).
Each page links its own stylesheet, ``_static/m4ml-math/math-<digest>.css``, with only the rules
of the elements and characters it uses (pages with the same needs share one), and MathJax's fonts
are cut down to the characters the site's pages use, font by font (:func:`font_characters`).
The formulas are scaled to 127.3 % of the text, the ex-height match MathJax measured
for the theme's font in Chromium on Linux (the width checks of tests/test_equations_browser.py
were made at that size). A TeX error or an undefined macro fails the build.

Typeset formulas are cached in ``_build/m4ml-math-cache.pickle``, keyed by the renderer, MathJax's
version and the macros: a rebuild after a prose edit finds the formulas of the pages it rewrote
in the cache and starts no node process (half of what such a rebuild used to cost). A formula
with a TeX error is never cached, so its warning comes back on every build.

The same pass marks every PNG image ``loading="lazy"`` with its pixel size, so that a figure
is fetched when the reader comes near it, and removes three scripts from every page:

* MathJax itself (Sphinx's mathjax extension adds it to every page). Client-side MathJax is
  loaded only if live code prints a formula: ``_assets/mathjax2-shim.js``, which Thebe calls to
  typeset an output, loads the site's copy (``_static/mathjax``, from sphinx-mathjax-offline)
  the first time an output has TeX delimiters in it, with the macros this pass writes to
  ``_static/m4ml-math/tex-macros.json``.
* Font Awesome's 1.5 MB script, which turns each ``<i class="fa-...">`` into an SVG. The theme's
  stylesheet already holds Font Awesome's icon font rules, so the icons are drawn as font
  glyphs instead. Its copy in the site keeps the rules of the icons the site uses (the pages'
  ``fa-*`` classes, the theme's scripts, and the glyphs the theme's stylesheets name), and its
  fonts are cut down to those glyphs with fontTools (``_static/m4ml-icons``, WOFF: 270 kB of
  icon fonts become a few kB).
* The search index (``searchindex.js``) with Sphinx's search tools. The theme loads them on
  every page for its search-as-you-type, which this book does not turn on: the search box
  sends the reader to ``search.html``, the only page that loads the index.

It also drops sphinx-design's stylesheet and tab script, which Jupyter Book adds to every page,
from the pages that use none of its components (``patches.drop_page_scripts``).

The theme's stylesheet (312 kB) and MyST-NB's (43 kB) are cut to the rules some page can match:
a selector is dropped when it needs a class that no page has and no script of the site names
(:func:`purge_stylesheet`).

HTML builders only; the LaTeX (PDF) build typesets its formulas with TeX.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
import pickle
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

from sphinx.application import Sphinx
from sphinx.errors import ExtensionError
from sphinx.util import logging

from m4ml_book import patches

logger = logging.getLogger(__name__)

STATIC_DIR = "m4ml-math"
CSS_PREFIX = "math-"  # a page's stylesheet: math-<digest of its text>.css
FONT_DIR = "woff-v2"
SCALE = "127.3%"
# What slim_markup and site_stylesheet do to MathJax's output: part of the cache's key.
MARKUP_VERSION = "2"

INLINE = re.compile(r'(<span class="math notranslate nohighlight">)(.*?)(</span>)', re.S)
DISPLAY = re.compile(r'(<div class="math notranslate nohighlight"[^>]*>)(.*?)(</div>)', re.S)
EQNO = re.compile(r'^\s*<span class="eqno">.*?</span>', re.S)
OLD_SHEET_LINK = re.compile(r'\n? *<link rel="stylesheet" type="text/css" href="[^"]*_static/m4ml-math/'
                            r'(?:math-[0-9a-f]+|mathjax-chtml)\.css" />')



RENDERER = Path(__file__).with_name("mathjax_render.mjs")


def _node_modules(app: Sphinx) -> Path:
    """The npm packages (mathjax-full): beside the book's folder, as in the repository, or beside
    this package's source tree (a copy of the book built elsewhere, as the benchmark does)."""
    for root in (Path(app.confdir).resolve().parent, Path(__file__).resolve().parents[2]):
        if (root / "node_modules" / "mathjax-full").is_dir():
            return root / "node_modules"
    raise ExtensionError("math_ssr: node_modules/mathjax-full not found; run `make env` (npm ci)")


def _node() -> str:
    exe = Path(sys.executable).with_name("node")
    found = str(exe) if exe.exists() else shutil.which("node")
    if not found:
        raise ExtensionError("math_ssr: node not found (it comes with the book's environment)")
    return found


def drop_client_mathjax(app: Sphinx) -> None:
    """Sphinx's mathjax extension adds MathJax to every page: not for the HTML builders."""
    if app.builder.format != "html":
        return
    import sphinx.ext.mathjax

    for listener in list(app.events.listeners.get("html-page-context", [])):
        if listener.handler is sphinx.ext.mathjax.install_mathjax:
            app.disconnect(listener.id)


# ------------------------------------------------------------------ finding the formulas
def _tex_of_display(inner: str) -> tuple[str, str] | None:
    """(equation number markup, TeX) of a display formula's content, or None if not MathJax source."""
    eqno = EQNO.match(inner)
    prefix = eqno.group(0) if eqno else ""
    source = html.unescape(inner[len(prefix):]).strip()
    if not source or "<" in inner[len(prefix):] or "<mjx-" in inner:
        return None
    if source.startswith("\\[") and source.endswith("\\]"):
        source = source[2:-2]
    return prefix, source  # else a `nowrap` formula: an environment written without delimiters


def _tex_of_inline(inner: str) -> str | None:
    source = html.unescape(inner).strip()
    if "<" in inner or not (source.startswith("\\(") and source.endswith("\\)")):
        return None
    return source[2:-2]


def formulas(text: str) -> list[tuple[str, bool]]:
    """Every formula of a page not typeset yet, as (TeX, display): displayed ones first."""
    found = []
    for pattern, display in ((DISPLAY, True), (INLINE, False)):
        for match in pattern.finditer(text):
            inner = match.group(2)
            tex = _tex_of_display(inner) if display else _tex_of_inline(inner)
            if tex is not None:
                found.append(((tex[1] if display else tex), display))
    return found


def typeset_page(text: str, rendered: dict[tuple[str, bool], str]) -> str:
    """The page with each formula's source replaced by its typeset markup."""

    def display(match: re.Match) -> str:
        parsed = _tex_of_display(match.group(2))
        if parsed is None:
            return match.group(0)
        prefix, tex = parsed
        return match.group(1) + prefix + rendered[(tex, True)] + match.group(3)

    def inline(match: re.Match) -> str:
        tex = _tex_of_inline(match.group(2))
        if tex is None:
            return match.group(0)
        return match.group(1) + rendered[(tex, False)] + match.group(3)

    return INLINE.sub(inline, DISPLAY.sub(display, text))


# ------------------------------------------------------------------ lighter markup
CONTAINER_START = re.compile(r"<mjx-container\b[^>]*>")
MARKUP_DROPS = re.compile(
    r' xmlns="http://www\.w3\.org/1998/Math/MathML"'  # the HTML parser puts <math> in MathML's namespace
    r'| unselectable="on"'                              # for browsers that predate user-select
    r'| data-mjx-[a-z-]+="[^"]*"'                       # for MathJax's menu and explorer, not loaded
)


def slim_markup(markup: str) -> str:
    """MathJax's markup for a formula without what only client-side MathJax reads: the
    container's ``jax="CHTML"`` and ``style="position: relative;"`` (the stylesheet says both,
    :func:`site_stylesheet`), the ``data-mjx-*`` attributes of its menu, the MathML namespace
    and ``unselectable``. What screen readers get (``aria-hidden`` on the glyphs, the MathML and
    its ``mathvariant``, ``stretchy``, ...) is kept. About 12 % of a page of formulas."""

    def container(match: re.Match) -> str:
        return match.group(0).replace(' jax="CHTML"', "").replace(' style="position: relative;"', "")

    return MARKUP_DROPS.sub("", CONTAINER_START.sub(container, markup, count=1))


def site_stylesheet(css: str) -> str:
    """MathJax's stylesheet for the markup of :func:`slim_markup`: a container is known by its
    class ``MathJax`` (the same specificity as ``[jax="CHTML"]``), placed relative, and scaled."""
    css = css.replace('mjx-container[jax="CHTML"]', "mjx-container.MathJax")
    return css + (f"\nmjx-container.MathJax {{\n  position: relative;\n}}"
                  f"\nmjx-container.MathJax {{\n  font-size: {SCALE};\n}}\n")


# ------------------------------------------------------------------ the site's stylesheet
# A rule: its selector, and its body up to the brace that closes it (a brace in a string, as in
# the rule of the character "}", is part of the body).
RULE = re.compile(r'([^{}]+)\{((?:[^{}"]|"(?:[^"\\\n]|\\.)*")*)\}')
TAG_IN_SELECTOR = re.compile(r"(?<![.\w-])(mjx-[a-z][a-z0-9-]*)", re.I)
CHAR_CLASS = re.compile(r"\.(mjx-c[0-9A-F]+)\b")
TAG_IN_PAGE = re.compile(r"<(mjx-[a-z][a-z0-9-]*)", re.I)
CHAR_IN_PAGE = re.compile(r"\b(mjx-c[0-9A-F]+)\b")


def prune_stylesheet(css: str, pages: list[str]) -> str:
    """MathJax's stylesheet with only the rules that can match an element of one of the pages.

    A rule is kept when every ``mjx-*`` element its selector names and at least one of the
    character classes it names (if any) occur in some page; ``@font-face`` rules are kept
    (a browser downloads only the fonts a page uses).
    """
    tags: set[str] = set()
    chars: set[str] = set()
    for text in pages:
        page_tags, page_chars, *_ = page_features(text)
        tags |= page_tags
        chars |= page_chars
    return prune_stylesheet_for(css, tags, chars)


CLASS_ATTRIBUTE = re.compile(r'\bclass="([^"]*)"')


def page_features(text: str) -> tuple[set[str], set[str], set[str], set[str]]:
    """What the site's stylesheets must cover for one page: its MathJax elements, its MathJax
    character classes, its Font Awesome classes and all its classes."""
    classes = {name for value in CLASS_ATTRIBUTE.findall(text) for name in value.split()}
    return ({t.lower() for t in TAG_IN_PAGE.findall(text)}, set(CHAR_IN_PAGE.findall(text)),
            set(FA_CLASS.findall(text)), classes)


def prune_stylesheet_for(css: str, tags: set[str], chars: set[str], *, compact: bool = False) -> str:
    """MathJax's stylesheet with the rules for these elements and character classes (see
    :func:`prune_stylesheet`). MathJax writes a declaration a line, indented; `compact` writes
    a rule a line (a quarter smaller). Only the line breaks between declarations go: a string
    such as ``content: "}"`` is never touched."""
    kept = []
    for selector, selectors, body in _rules(css):
        if selectors is not None:
            usable = [one for one, needed_tags, needed_chars in selectors
                      if needed_tags <= tags and (not needed_chars or needed_chars & chars)]
            if not usable:
                continue
            selector = ", ".join(usable)
        kept.append(f"{selector}{{{BETWEEN_DECLARATIONS.sub('', body)}}}" if compact else f"{selector} {{{body}\n}}")
    return "\n".join(kept) + "\n"


BETWEEN_DECLARATIONS = re.compile(r"\n[ \t]*(?=[a-z-]|$)")


@functools.lru_cache(maxsize=4)
def _rules(css: str) -> list[tuple[str, list[tuple[str, frozenset, frozenset]] | None, str]]:
    """The rules of MathJax's stylesheet, parsed once per stylesheet: (selector, its parts with
    the elements and character classes each needs, or None for an at-rule; body)."""
    rules = []
    for match in RULE.finditer(css):
        selector = match.group(1).strip()
        parts = None
        if not selector.startswith("@"):
            parts = [(one, frozenset(t.lower() for t in TAG_IN_SELECTOR.findall(one)),
                      frozenset(CHAR_CLASS.findall(one)))
                     for one in (s.strip() for s in selector.split(","))]
        rules.append((selector, parts, match.group(2).rstrip()))
    return rules


# ------------------------------------------------------------------ the fonts, cut down
FONT_FACE = re.compile(r'@font-face[^{]*\{\s*font-family:\s*([\w-]+);\s*src:\s*url\("[^"]*/([^"/]+)"\)')
FAMILY_OF_CLASS = re.compile(r"\.(TEX-[A-Z0-9]+)\s*\{\s*font-family:\s*MJXZERO,\s*([\w-]+);")
STRETCHY_FAMILIES = re.compile(r"mjx-stretchy-v mjx-c, mjx-stretchy-h mjx-c\s*\{\s*font-family:([^;!]*)")
CONTENT = re.compile(r'content:\s*"((?:[^"\\]|\\.)*)"')
CSS_ESCAPE = re.compile(r"\\([0-9A-Fa-f]{1,6}) ?|\\(.)|(.)", re.S)


def font_characters(css: str) -> dict[str, set[int]]:
    """font file -> the characters the rules of `css` (MathJax's stylesheet, pruned to the site's
    pages) draw with it. A character rule names its font by a ``TEX-*`` class; one without is
    drawn in the main font (``.MJX-TEX``); the parts of stretchy delimiters in each font of
    their fallback list. The zero-width font is left whole."""
    files = {family: name for family, name in FONT_FACE.findall(css)}
    by_class = {cls: family for cls, family in FAMILY_OF_CLASS.findall(css)}
    stretchy = STRETCHY_FAMILIES.search(css)
    stretchy_families = [f.strip() for f in stretchy.group(1).split(",")] if stretchy else []
    used: dict[str, set[int]] = {name: set() for name in files.values()}
    for _, selectors, body in _rules(css):
        content = CONTENT.search(body)
        if selectors is None or not content:
            continue
        characters = {int(m.group(1), 16) if m.group(1) else ord(m.group(2) or m.group(3))
                      for m in CSS_ESCAPE.finditer(content.group(1))}
        for one, _, _ in selectors:
            if "mjx-stretchy-" in one:
                families = stretchy_families
            else:
                named = [by_class[c] for c in re.findall(r"\.(TEX-[A-Z0-9]+)", one) if c in by_class]
                families = named or ["MJXTEX"]
            for family in families:
                if family in files:
                    used[files[family]] |= characters
    return used


def write_fonts(source: Path, target: Path, used: dict[str, set[int]]) -> None:
    """MathJax's fonts from `source` cut down to `used` in `target`; a font is cut again only
    when its characters change (``characters.json`` remembers them)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    target.mkdir(parents=True, exist_ok=True)
    stamp = target / "characters.json"
    try:
        before = json.loads(stamp.read_text())
    except (OSError, ValueError):
        before = {}
    after = {}
    for font in sorted(source.glob("*.woff")):
        wanted = sorted(used.get(font.name, ()))
        key = [hashlib.sha256(font.read_bytes()).hexdigest(), wanted]
        after[font.name] = key
        out = target / font.name
        if before.get(font.name) == key and out.exists():
            continue
        if not wanted or font.name == "MathJax_Zero.woff":
            shutil.copyfile(font, out)
            continue
        cut = TTFont(font)
        options = subset.Options()
        options.notdef_outline = True
        options.name_IDs = ["*"]  # keep the names: they are small, and tools show them
        options.drop_tables += ["FFTM"]  # FontForge's timestamps, which fontTools cannot cut
        cutter = subset.Subsetter(options)
        cutter.populate(unicodes=wanted)
        cutter.subset(cut)
        cut.flavor = "woff"
        cut.save(out)
    stamp.write_text(json.dumps(after, indent=0) + "\n")


def page_stylesheet(css: str, tags: set[str], chars: set[str]) -> tuple[str, str]:
    """(file name, text) of the stylesheet of a page with these MathJax elements and characters."""
    text = prune_stylesheet_for(css, tags, chars, compact=True)
    return f"{CSS_PREFIX}{hashlib.sha256(text.encode()).hexdigest()[:16]}.css", text


# ------------------------------------------------------------------ images
IMG = re.compile(r"<img\s[^>]*>")
SRC = re.compile(r'\ssrc="([^"]+)"')


def png_size(path: Path) -> tuple[int, int] | None:
    """(width, height) from a PNG file's header, or None if it is not a readable PNG."""
    try:
        with path.open("rb") as stream:
            head = stream.read(24)
    except OSError:
        return None
    if len(head) < 24 or head[:8] != b"\x89PNG\r\n\x1a\n" or head[12:16] != b"IHDR":
        return None
    return int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")


def lazy_images(text: str, page: Path) -> str:
    """Every PNG image of the page with ``loading="lazy"`` and its pixel size: the browser fetches
    a figure when it comes near the screen, and reserves its place before (m4ml.css keeps the
    height proportional when the column is narrower than the image)."""

    def one(match: re.Match) -> str:
        tag = match.group(0)
        src = SRC.search(tag)
        if " loading=" in tag or src is None:
            return tag
        size = png_size((page.parent / html.unescape(src.group(1)).split("?")[0]).resolve())
        if size is None or " width=" in tag or " height=" in tag:
            return tag
        return f'<img loading="lazy" width="{size[0]}" height="{size[1]}" ' + tag[len("<img "):]

    return IMG.sub(one, text)


# ------------------------------------------------------------------ the pass over the site
def _pages(outdir: Path) -> list[Path]:
    """The pages Sphinx wrote (not the HTML files that packages ship under _static)."""
    return sorted(p for p in outdir.rglob("*.html") if not p.relative_to(outdir).parts[0].startswith("_"))


def _macros(app: Sphinx) -> dict:
    return ((app.config.mathjax3_config or {}).get("tex") or {}).get("macros") or {}


NODE_PROCESSES = 2  # a clean build typesets thousands of formulas: one process per core
SPLIT_FROM = 400    # fewer formulas are typeset in one process (each starts MathJax in 0.5 s)


def render(app: Sphinx, items: list[tuple[str, bool]]) -> tuple[list[str], str, set[int]]:
    """Typeset `items` in node: (markup of each, the stylesheet, indices with TeX errors). Many
    items are shared out between :data:`NODE_PROCESSES` processes that run side by side."""
    from concurrent.futures import ThreadPoolExecutor

    parts = NODE_PROCESSES if len(items) >= SPLIT_FROM else 1
    chunks = [items[k::parts] for k in range(parts)]
    with ThreadPoolExecutor(parts) as pool:
        replies = list(pool.map(lambda chunk: _render_in_node(app, chunk), chunks))
    markup: list[str] = [""] * len(items)
    failed = set()
    for k, reply in enumerate(replies):
        for j, html_ in enumerate(reply["html"]):
            markup[k + j * parts] = html_
        for error in reply["errors"]:
            failed.add(k + error["index"] * parts)
            logger.warning("TeX error in %r: %s", error["tex"], error["message"], type="m4ml", subtype="math")
    return markup, replies[0]["css"], failed


def _render_in_node(app: Sphinx, items: list[tuple[str, bool]]) -> dict:
    request = {"macros": _macros(app), "fontURL": FONT_DIR, "items": [list(i) for i in items]}
    result = subprocess.run(
        [_node(), str(RENDERER), str(_node_modules(app))],
        input=json.dumps(request), capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise ExtensionError(f"math_ssr: mathjax_render.mjs failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout)


# ------------------------------------------------------------------ the cache of typeset formulas
CACHE_NAME = "m4ml-math-cache.pickle"
CACHE_FIELDS = ("key", "css", "markup", "pages", "scripts", "purged")


def _cache_key(app: Sphinx) -> str:
    """What the markup of a formula depends on besides its TeX: the renderer, MathJax's version,
    the macros, the font folder and what this module does to MathJax's output. A change of any
    of them empties the cache."""
    package = _node_modules(app) / "mathjax-full" / "package.json"
    parts = [RENDERER.read_bytes(), package.read_bytes(),
             json.dumps(_macros(app), sort_keys=True).encode(), FONT_DIR.encode(), MARKUP_VERSION.encode()]
    return hashlib.sha256(b"\0".join(parts)).hexdigest()


def _cache_path(app: Sphinx) -> Path:
    return Path(app.doctreedir).parent / CACHE_NAME


def load_cache(path: Path, key: str) -> dict:
    """The cache at `path` if it was written under `key`, else an empty one. A damaged file is
    an empty cache: it only costs typesetting again."""
    try:
        with path.open("rb") as stream:
            cache = pickle.load(stream)
        if isinstance(cache, dict) and cache.get("key") == key and set(cache) == set(CACHE_FIELDS):
            return cache
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError):
        pass
    return {"key": key, "css": None, "markup": {}, "pages": {}, "scripts": {}, "purged": {}}


def save_cache(path: Path, cache: dict) -> None:
    tmp = path.with_suffix(".tmp")
    with tmp.open("wb") as stream:
        pickle.dump(cache, stream, protocol=pickle.HIGHEST_PROTOCOL)
    tmp.replace(path)


def typeset(app: Sphinx, items: list[tuple[str, bool]], cache: dict | None = None,
            ) -> tuple[dict[tuple[str, bool], str], str, int]:
    """Markup for every item and the site's stylesheet, from the cache where possible: node runs
    only when some formula is new (or the stylesheet is not cached yet). A formula with a TeX
    error is never cached, so its warning comes back on every build. Returns the number typeset.
    Without `cache`, the one in the build folder is loaded and saved."""
    own = cache is None
    if own:
        cache = load_cache(_cache_path(app), _cache_key(app))
    known = cache["markup"]
    missing = [item for item in items if item not in known]
    failed_markup = {}
    if missing or cache["css"] is None:
        markup, css, failed = render(app, missing)
        for index, (item, html_) in enumerate(zip(missing, markup)):
            if index not in failed:
                known[item] = slim_markup(html_)
        cache["css"] = site_stylesheet(css)
        failed_markup = {missing[i]: markup[i] for i in failed}
    if own:
        save_cache(_cache_path(app), cache)
    rendered = {item: failed_markup.get(item) or known[item] for item in items}
    return rendered, cache["css"], len(missing)


def _relative_static(page: Path, outdir: Path) -> str:
    depth = len(page.relative_to(outdir).parts) - 1
    return "../" * depth + "_static/"


def _stamp(page: Path) -> tuple[int, int]:
    stat = page.stat()
    return stat.st_mtime_ns, stat.st_size


def finish_site(app: Sphinx, exception) -> None:
    """Fix, typeset, strip and link the pages that changed since the last pass, each with its
    own math stylesheet; then cut MathJax's fonts to the characters all pages draw, and write
    the site's icon stylesheet. The fixes are m4ml_book.a11y's.

    A page is processed when its modification time or size differs from what this pass recorded
    for it last time (Sphinx rewrote it, or a failed build left it unprocessed); the others are
    not even read. What the stylesheets and fonts need from each page is recorded with it.
    """
    if exception is not None or app.builder.format != "html":
        return
    started = time.perf_counter()
    outdir = Path(app.outdir)
    cache = load_cache(_cache_path(app), _cache_key(app))
    memo = cache["pages"]
    pages = _pages(outdir)
    keys = {page: page.relative_to(outdir).as_posix() for page in pages}
    stale = [page for page in pages if (memo.get(keys[page]) or (None,))[0] != _stamp(page)]
    texts = {page: page.read_text(encoding="utf-8") for page in stale}
    wanted: dict[tuple[str, bool], None] = {}
    for text in texts.values():
        wanted.update(dict.fromkeys(formulas(text)))
    items = list(wanted)
    rendered, css, fresh = typeset(app, items, cache)

    static = outdir / "_static" / STATIC_DIR
    static.mkdir(parents=True, exist_ok=True)
    fresh_sheets: dict[str, str] = {}  # the stylesheets of the pages processed now, by name
    for page, text in texts.items():
        new = patches.fix_html(text)  # the accessibility fixes (m4ml_book.a11y)
        new = typeset_page(new, rendered) if rendered else new
        new = lazy_images(new, page)
        new = patches.drop_page_scripts(new, keep_search=page.name == "search.html" and page.parent == outdir)
        new = OLD_SHEET_LINK.sub("", new)  # a page that an earlier pass processed
        features = page_features(new)
        sheet = None
        if "<mjx-container" in new:
            sheet, fresh_sheets[sheet] = page_stylesheet(css, features[0], features[1])
            href = f"{_relative_static(page, outdir)}{STATIC_DIR}/{sheet}"
            link = f'<link rel="stylesheet" type="text/css" href="{href}" />'
            new = new.replace("</head>", f"    {link}\n  </head>", 1)
        if new != text:
            page.write_text(new, encoding="utf-8")
        memo[keys[page]] = (_stamp(page), *features, sheet)
    for gone in set(memo) - set(keys.values()):
        del memo[gone]
    tags = set().union(*(memo[k][1] for k in keys.values()))
    chars = set().union(*(memo[k][2] for k in keys.values()))
    icons = set().union(*(memo[k][3] for k in keys.values()))
    classes = set().union(*(memo[k][4] for k in keys.values()))
    # The pages' stylesheets: each that is missing is written (a new one, or one that went
    # missing), and those no page links any more (nor the site-wide one of earlier builds) are
    # removed.
    sheets = {}
    for key in keys.values():
        _, page_tags, page_chars, *_, sheet = memo[key]
        if sheet is not None:
            sheets[sheet] = (page_tags, page_chars)
    for sheet, (page_tags, page_chars) in sheets.items():
        if not (static / sheet).exists():
            text = fresh_sheets.get(sheet) or page_stylesheet(css, page_tags, page_chars)[1]
            (static / sheet).write_text(text, encoding="utf-8")
    for old in [*static.glob(f"{CSS_PREFIX}*.css"), static / "mathjax-chtml.css"]:
        if old.name not in sheets and old.exists():
            old.unlink()

    fonts = _node_modules(app) / "mathjax-full" / "es5" / "output" / "chtml" / "fonts" / FONT_DIR
    write_fonts(fonts, static / FONT_DIR, font_characters(prune_stylesheet_for(css, tags, chars)))
    (static / "tex-macros.json").write_text(json.dumps(_macros(app), indent=1) + "\n", encoding="utf-8")
    slim_icons(outdir, icons, classes | script_words(outdir, cache), cache)
    save_cache(_cache_path(app), cache)
    _cache_path(app).with_suffix(".key").write_text(_pass_key(app))
    logger.info("math_ssr: %d of %d pages processed, %d formulas, %d of them typeset in node "
                "(the rest cached), in %.1f s", len(stale), len(pages), len(items), fresh,
                time.perf_counter() - started)


# ------------------------------------------------------------------ icons
FA_RULE = re.compile(r'((?:\.fa-[a-z0-9-]+::?before,)*\.fa-[a-z0-9-]+::?before)\{content:"\\([0-9a-f]+)"\}')
FA_CLASS = re.compile(r"\bfa-[a-z0-9-]+")
PRIVATE_GLYPH = re.compile(r'"\\([ef][0-9a-f]{3})"')
FA_FONTS = ("fa-solid-900", "fa-regular-400", "fa-brands-400")
ICON_DIR = "m4ml-icons"
SEARCH_ICON_IN_FLOW = (".bd-search .fa-solid.fa-magnifying-glass{position:static;margin-right:.5em}"
                       "#pst-search-dialog[open] form.bd-search .fa-magnifying-glass"
                       "{font-size:var(--pst-font-size-icon)}")


def _theme_static() -> Path:
    import pydata_sphinx_theme

    return Path(pydata_sphinx_theme.__file__).parent / "theme" / "pydata_sphinx_theme" / "static"


def slim_icons(outdir: Path, page_classes: set[str], used: set[str] | None = None,
               cache: dict | None = None) -> None:
    """The theme's stylesheet with the rules of used icons only (the pages' `fa-*` classes, and
    those the theme's scripts set), and fonts cut to their glyphs. With `used` (every class of
    the pages and every word of the site's scripts), also without the rules no page can match
    (:func:`purge_stylesheet`)."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    static = _theme_static()
    theme_js = "".join(p.read_text(encoding="utf-8") for p in (static / "scripts").glob("*.js")
                       if p.name != "fontawesome.js")
    icon_classes = set(page_classes) | set(FA_CLASS.findall(theme_js))
    css = (static / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    glyphs: set[int] = set()

    def keep(match: re.Match) -> str:
        names = {sel.split(":")[0][1:] for sel in match.group(1).split(",")}
        if names & icon_classes:
            glyphs.add(int(match.group(2), 16))
            return match.group(0)
        return ""

    css = FA_RULE.sub(keep, css)
    others = [css, *(p.read_text(encoding="utf-8", errors="replace") for p in (outdir / "_static").rglob("*.css")
                     if p.name != "pydata-sphinx-theme.css" and ICON_DIR not in p.parts)]
    for text in others:
        glyphs.update(int(g, 16) for g in PRIVATE_GLYPH.findall(text))
    target = outdir / "_static" / ICON_DIR
    target.mkdir(parents=True, exist_ok=True)
    stamp = target / "glyphs.txt"
    wanted = " ".join(f"{g:x}" for g in sorted(glyphs))
    if not stamp.exists() or stamp.read_text() != wanted or not all((target / f"{n}.woff").exists() for n in FA_FONTS):
        for name in FA_FONTS:
            font = TTFont(static / "vendor" / "fontawesome" / "webfonts" / f"{name}.ttf")
            options = subset.Options()
            options.flavor = "woff"
            cutter = subset.Subsetter(options)
            cutter.populate(unicodes=glyphs)
            cutter.subset(font)
            font.save(target / f"{name}.woff")
        stamp.write_text(wanted)
    for name in FA_FONTS:
        old = (f'src:url(../vendor/fontawesome/webfonts/{name}.woff2) format("woff2"),'
               f'url(../vendor/fontawesome/webfonts/{name}.ttf) format("truetype")')
        if old not in css:
            raise ExtensionError(f"math_ssr: the theme's stylesheet no longer loads {name} as expected")
        css = css.replace(old, f'src:url(../{ICON_DIR}/{name}.woff) format("woff")')
    css = re.sub(r"/\*# sourceMappingURL=[^*]*\*/\s*$", "", css)
    if used is not None:
        css = purged(css, used, cache, "theme")
        write_mystnb_stylesheet(outdir, used, cache)
    # The search field's magnifying glass is placed absolutely when it is a glyph, over the
    # field's text; as an SVG it sat in the flow before the field, and was drawn larger in the
    # search dialog. Keep both.
    css += "\n" + SEARCH_ICON_IN_FLOW + "\n"
    (outdir / "_static" / "styles" / "pydata-sphinx-theme.css").write_text(css, encoding="utf-8")


# ------------------------------------------------------------------ unused CSS
WORD = re.compile(r"-?[_a-zA-Z][_a-zA-Z0-9-]*")


def script_words(outdir: Path, cache: dict) -> set[str]:
    """Every word in the site's JavaScript: a superset of the classes a script can set. Read
    again only for a script whose size or date changed (remembered in `cache`)."""
    memo = cache["scripts"]
    words: set[str] = set()
    seen = set()
    for script in (outdir / "_static").rglob("*.js"):
        key = script.relative_to(outdir).as_posix()
        seen.add(key)
        stamp = _stamp(script)
        if key not in memo or memo[key][0] != stamp:
            memo[key] = (stamp, set(WORD.findall(script.read_text(encoding="utf-8", errors="replace"))))
        words |= memo[key][1]
    for gone in set(memo) - seen:
        del memo[gone]
    return words


def _split_selectors(prelude) -> list[list]:
    """The comma-separated selectors of a rule's prelude, as token lists (commas inside
    ``:not(...)``, ``:is(...)`` and other functions stay with their function)."""
    parts, current = [], []
    for token in prelude:
        if token.type == "literal" and token.value == ",":
            parts.append(current)
            current = []
        else:
            current.append(token)
    parts.append(current)
    return parts


def _classes_needed(selector) -> set[str]:
    """The classes an element must have for `selector` to match: those written at its top level
    (a class inside ``:not()``, ``:is()`` or ``:where()`` is not required)."""
    needed = set()
    for before, token in zip(selector, selector[1:]):
        if before.type == "literal" and before.value == "." and token.type == "ident":
            needed.add(token.value)
    return needed


def purged(css: str, used: set[str], cache: dict | None, name: str) -> str:
    """:func:`purge_stylesheet`, remembered in `cache` under `name` until the stylesheet, the
    set of used words or this module changes (a prose edit changes none of them)."""
    key = hashlib.sha256(b"\0".join([css.encode(), "\0".join(sorted(used)).encode(),
                                      Path(__file__).read_bytes()])).hexdigest()
    memo = {} if cache is None else cache.setdefault("purged", {})
    if (memo.get(name) or ("",))[0] != key:
        memo[name] = (key, purge_stylesheet(css, used))
    return memo[name][1]


def write_mystnb_stylesheet(outdir: Path, used: set[str], cache: dict | None) -> None:
    """MyST-NB's stylesheet (copied to ``_static/mystnb.<hash>.css``) without its unused rules,
    purged from the package's own copy, so that a class a later build uses finds its rule."""
    import myst_nb

    source = Path(myst_nb.__file__).parent / "static" / "mystnb.css"
    text = source.read_text(encoding="utf-8")
    digest = hashlib.sha256(source.read_bytes()).hexdigest()
    target = outdir / "_static" / f"mystnb.{digest}.css"
    if not target.exists():
        raise ExtensionError(f"math_ssr: MyST-NB's stylesheet is no longer at {target}")
    slim = purged(text, used, cache, "mystnb")
    if target.read_text(encoding="utf-8") != slim:
        target.write_text(slim, encoding="utf-8")


def purge_stylesheet(css: str, used: set[str]) -> str:
    """`css` without the selectors that name a class no page has and no script can set, and
    without rules left with no selector. At-rules that hold rules (``@media``, ``@supports``) are
    purged inside; every other at-rule (``@font-face``, ``@keyframes``, ...) is kept whole."""
    import tinycss2

    kept = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            selectors = [tinycss2.serialize(sel).strip() for sel in _split_selectors(rule.prelude)
                         if _classes_needed(sel) <= used]
            if selectors:
                kept.append(",".join(selectors) + "{" + tinycss2.serialize(rule.content) + "}")
        elif rule.type == "at-rule" and rule.lower_at_keyword in ("media", "supports") and rule.content:
            inner = purge_stylesheet(tinycss2.serialize(rule.content), used)
            if inner:
                kept.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
        elif rule.type != "error":
            kept.append(tinycss2.serialize([rule]))
        else:
            raise ExtensionError(f"math_ssr: cannot parse the theme's stylesheet: {rule.message}")
    return _escape_private_use("".join(kept))


PRIVATE_USE = re.compile(r"[\ue000-\uf8ff]")


def _escape_private_use(css: str) -> str:
    """tinycss2 writes a string's escapes as the characters they stand for; write the icon
    font's private-use characters as escapes again (``"\\f104"``), as the theme does, so that
    they stay readable and :data:`PRIVATE_GLYPH` finds them."""

    def escape(match: re.Match) -> str:
        after = css[match.end():match.end() + 1]
        return f"\\{ord(match.group()):x}" + (" " if after and after in "0123456789abcdefABCDEF \t\n" else "")

    return PRIVATE_USE.sub(escape, css)


def _pass_key(app: Sphinx) -> str:
    """The formulas' cache key and the code of the pass over the pages (this module, the
    patches and the accessibility fixes): the pages this pass wrote depend on all of them."""
    from m4ml_book import a11y

    code = b"".join(Path(module.__file__).read_bytes() for module in (sys.modules[__name__], patches, a11y))
    return f"{_cache_key(app)} {hashlib.sha256(code).hexdigest()}"


def rewrite_pages_of_an_older_pass(app: Sphinx) -> None:
    """If the pages in the output folder were processed under another key (a new renderer,
    MathJax, macros, or another version of the pass), they hold formulas typeset the old way,
    and their TeX is gone: remove them, so that Sphinx writes every page again (none is executed
    again), and this pass processes each."""
    if app.builder.format != "html":
        return
    stamp = _cache_path(app).with_suffix(".key")  # written with the cache, small to read
    if not _cache_path(app).exists():
        return  # a first build
    if not stamp.exists() or stamp.read_text() != _pass_key(app):
        for page in _pages(Path(app.outdir)):
            page.unlink()


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", drop_client_mathjax)
    app.connect("builder-inited", rewrite_pages_of_an_older_pass)
    app.connect("build-finished", finish_site)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
