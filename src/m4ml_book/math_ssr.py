"""Pages that arrive ready: formulas typeset at build time, and no script a page does not need.

The HTML builder writes each formula as MathJax source (``<span class="math ...">\\(...\\)</span>``
and ``<div class="math ...">\\[...\\]</div>``), which a reader's browser used to typeset with
1.2 MB of MathJax after the page had loaded. After the build, :func:`finish_site` sends every
formula of the pages written in this build to one node process (``mathjax_render.mjs`` in this package,
with mathjax-full from npm), which returns MathJax's CommonHTML for each, with assistive MathML
for screen readers, using the book's macros (``mathjax3_config.tex.macros`` in _config.yml).
The formula's wrapper element, its equation number and its anchor stay as Sphinx wrote them.
The stylesheet is written once for the site, ``_static/m4ml-math/mathjax-chtml.css``, with only
the rules of the characters and elements some page uses, and MathJax's fonts are copied next
to it. The formulas are scaled to 127.3 % of the text, the ex-height match MathJax measured
for the theme's font in Chromium on Linux (the width checks of tests/test_equations_browser.py
were made at that size). A TeX error or an undefined macro fails the build.

Typeset formulas are cached in ``_build/m4ml-math-cache.pickle``, keyed by the renderer, MathJax's
version and the macros: a rebuild after a prose edit finds the formulas of the pages it rewrote
in the cache and starts no node process (half of what such a rebuild used to cost). A formula
with a TeX error is never cached, so its warning comes back on every build.

The same pass removes three scripts from every page:

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

HTML builders only; the LaTeX (PDF) build typesets its formulas with TeX.
"""

from __future__ import annotations

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
CSS_NAME = "mathjax-chtml.css"
FONT_DIR = "woff-v2"
SCALE = "127.3%"

INLINE = re.compile(r'(<span class="math notranslate nohighlight">)(.*?)(</span>)', re.S)
DISPLAY = re.compile(r'(<div class="math notranslate nohighlight"[^>]*>)(.*?)(</div>)', re.S)
EQNO = re.compile(r'^\s*<span class="eqno">.*?</span>', re.S)



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


# ------------------------------------------------------------------ the site's stylesheet
RULE = re.compile(r"([^{}]+)\{([^{}]*)\}")
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
        page_tags, page_chars, _ = page_features(text)
        tags |= page_tags
        chars |= page_chars
    return prune_stylesheet_for(css, tags, chars)


def page_features(text: str) -> tuple[set[str], set[str], set[str]]:
    """What the site's stylesheets must cover for one page: its MathJax elements, its MathJax
    character classes and its Font Awesome classes."""
    return ({t.lower() for t in TAG_IN_PAGE.findall(text)}, set(CHAR_IN_PAGE.findall(text)),
            set(FA_CLASS.findall(text)))


def prune_stylesheet_for(css: str, tags: set[str], chars: set[str]) -> str:
    """MathJax's stylesheet with the rules for these elements and character classes (see
    :func:`prune_stylesheet`)."""
    kept = []
    for match in RULE.finditer(css):
        selector = match.group(1).strip()
        if not selector.startswith("@"):
            selectors = [s.strip() for s in selector.split(",")]
            usable = []
            for one in selectors:
                needed_tags = {t.lower() for t in TAG_IN_SELECTOR.findall(one)}
                needed_chars = set(CHAR_CLASS.findall(one))
                if needed_tags <= tags and (not needed_chars or needed_chars & chars):
                    usable.append(one)
            if not usable:
                continue
            selector = ", ".join(usable)
        kept.append(f"{selector} {{{match.group(2).rstrip()}\n}}")
    return "\n".join(kept) + "\n"


# ------------------------------------------------------------------ the pass over the site
def _pages(outdir: Path) -> list[Path]:
    """The pages Sphinx wrote (not the HTML files that packages ship under _static)."""
    return sorted(p for p in outdir.rglob("*.html") if not p.relative_to(outdir).parts[0].startswith("_"))


def _macros(app: Sphinx) -> dict:
    return ((app.config.mathjax3_config or {}).get("tex") or {}).get("macros") or {}


def render(app: Sphinx, items: list[tuple[str, bool]]) -> tuple[list[str], str, set[int]]:
    """Typeset `items` in one node process: (markup of each, the stylesheet, indices with TeX errors)."""
    request = {"macros": _macros(app), "fontURL": FONT_DIR, "items": [list(i) for i in items]}
    result = subprocess.run(
        [_node(), str(RENDERER), str(_node_modules(app))],
        input=json.dumps(request), capture_output=True, text=True,
    )
    if result.returncode != 0:
        raise ExtensionError(f"math_ssr: mathjax_render.mjs failed:\n{result.stderr[-3000:]}")
    reply = json.loads(result.stdout)
    failed = set()
    for error in reply["errors"]:
        failed.add(error["index"])
        logger.warning("TeX error in %r: %s", error["tex"], error["message"], type="m4ml", subtype="math")
    return reply["html"], reply["css"], failed


# ------------------------------------------------------------------ the cache of typeset formulas
CACHE_NAME = "m4ml-math-cache.pickle"
CACHE_FIELDS = ("key", "css", "markup", "pages")


def _cache_key(app: Sphinx) -> str:
    """What the markup of a formula depends on besides its TeX: the renderer, MathJax's version,
    the macros and the font folder. A change of any of them empties the cache."""
    package = _node_modules(app) / "mathjax-full" / "package.json"
    parts = [RENDERER.read_bytes(), package.read_bytes(),
             json.dumps(_macros(app), sort_keys=True).encode(), FONT_DIR.encode()]
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
    return {"key": key, "css": None, "markup": {}, "pages": {}}


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
                known[item] = html_
        cache["css"] = css
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
    """Fix, typeset, strip and link the pages that changed since the last pass, then write the
    site's math and icon stylesheets for all pages. The fixes are m4ml_book.a11y's.

    A page is processed when its modification time or size differs from what this pass recorded
    for it last time (Sphinx rewrote it, or a failed build left it unprocessed); the others are
    not even read. What the stylesheets need from each page is recorded with it.
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

    for page, text in texts.items():
        new = patches.fix_html(text)  # the accessibility fixes (m4ml_book.a11y)
        new = typeset_page(new, rendered) if rendered else new
        new = patches.drop_page_scripts(new, keep_search=page.name == "search.html" and page.parent == outdir)
        href = f"{_relative_static(page, outdir)}{STATIC_DIR}/{CSS_NAME}"
        link = f'<link rel="stylesheet" type="text/css" href="{href}" />'
        if "<mjx-container" in new and link not in new:
            new = new.replace("</head>", f"    {link}\n  </head>", 1)
        if new != text:
            page.write_text(new, encoding="utf-8")
        memo[keys[page]] = (_stamp(page), *page_features(new))
    for gone in set(memo) - set(keys.values()):
        del memo[gone]
    tags = set().union(*(memo[k][1] for k in keys.values()))
    chars = set().union(*(memo[k][2] for k in keys.values()))
    icons = set().union(*(memo[k][3] for k in keys.values()))

    static = outdir / "_static" / STATIC_DIR
    fonts = _node_modules(app) / "mathjax-full" / "es5" / "output" / "chtml" / "fonts" / FONT_DIR
    (static / FONT_DIR).mkdir(parents=True, exist_ok=True)
    for font in fonts.glob("*.woff"):
        target = static / FONT_DIR / font.name
        if not target.exists() or target.stat().st_size != font.stat().st_size:
            shutil.copyfile(font, target)
    (static / "tex-macros.json").write_text(json.dumps(_macros(app), indent=1) + "\n", encoding="utf-8")
    scale = f'\n\nmjx-container[jax="CHTML"] {{\n  font-size: {SCALE};\n}}\n'
    (static / CSS_NAME).write_text(prune_stylesheet_for(css, tags, chars) + scale, encoding="utf-8")
    slim_icons(outdir, icons)
    save_cache(_cache_path(app), cache)
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


def slim_icons(outdir: Path, page_classes: set[str]) -> None:
    """The theme's stylesheet with the rules of used icons only (the pages' `fa-*` classes, and
    those the theme's scripts set), and fonts cut to their glyphs."""
    from fontTools import subset
    from fontTools.ttLib import TTFont

    static = _theme_static()
    theme_js = "".join(p.read_text(encoding="utf-8") for p in (static / "scripts").glob("*.js")
                       if p.name != "fontawesome.js")
    used = set(page_classes) | set(FA_CLASS.findall(theme_js))
    css = (static / "styles" / "pydata-sphinx-theme.css").read_text(encoding="utf-8")
    glyphs: set[int] = set()

    def keep(match: re.Match) -> str:
        names = {sel.split(":")[0][1:] for sel in match.group(1).split(",")}
        if names & used:
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
    # The search field's magnifying glass is placed absolutely when it is a glyph, over the
    # field's text; as an SVG it sat in the flow before the field, and was drawn larger in the
    # search dialog. Keep both.
    css += "\n" + SEARCH_ICON_IN_FLOW + "\n"
    (outdir / "_static" / "styles" / "pydata-sphinx-theme.css").write_text(css, encoding="utf-8")


def setup(app: Sphinx) -> dict:
    app.connect("builder-inited", drop_client_mathjax)
    app.connect("build-finished", finish_site)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
