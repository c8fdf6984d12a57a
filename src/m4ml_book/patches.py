"""Every change the book makes to another package's internals, in one place.

The extensions and scripts call the functions below instead of reaching into another package's
private state themselves. Each patch says why it exists and names, in :data:`UPSTREAM`, what it
was written against: the exact version of the package and the source it relies on (a hash of a
function's source, or a snippet that must be in a file). Two classes elsewhere subclass another
package's class and override its private methods or state (the build's forked kernels in
``page_exec`` and `make serve`'s server in ``scripts/live_server.py``); they stay with their
code, and :data:`UPSTREAM` pins what they rely on too. ``tests/site/test_patches.py`` fails as
soon as a version or a source changes, so that an upgrade is a deliberate step: read the new
source, adapt the patch (or drop it if upstream fixed the problem), then update the pins here.
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import re
from collections.abc import Callable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path

from docutils import nodes
from sphinx import addnodes

from m4ml_book import names


@dataclass(frozen=True)
class Upstream:
    """What a patch relies on: ``target`` in distribution ``package`` at ``version``.

    ``target`` is ``module:qualname`` (``expects`` is then the first 16 hex digits of the SHA-256
    of its source) or ``module/relative/file`` (``expects`` must then occur in that file).
    """

    package: str
    version: str
    target: str
    expects: str

    def installed_version(self) -> str:
        return metadata.version(self.package)

    def found(self) -> str:
        """What ``target`` holds now, comparable with ``expects``."""
        if ":" in self.target:
            module, qualname = self.target.split(":")
            obj = importlib.import_module(module)
            for name in qualname.split("."):
                obj = getattr(obj, name)
            return source_hash(obj)
        module, _, relative = self.target.partition("/")
        root = Path(importlib.import_module(module).__file__).parent
        text = (root / relative).read_text(encoding="utf-8")
        return self.expects if self.expects in text else f"(not in {relative})"


def source_hash(obj) -> str:
    return hashlib.sha256(inspect.getsource(obj).encode()).hexdigest()[:16]


# ================================================================ sphinx-proof: find_parent
def docname_of(node: nodes.Node) -> str | None:
    """The page a node of the assembled LaTeX book comes from (nearest ``start_of_file`` or a
    page's top section)."""
    while node is not None:
        if isinstance(node, addnodes.start_of_file):
            return node["docname"]
        if isinstance(node, nodes.section) and node.get("docname"):
            return node["docname"]
        node = node.parent
    return None


def patch_find_parent() -> None:
    """Make sphinx-proof find a block's page from the nearest ``start_of_file`` (LaTeX only).

    sphinx-proof 0.4.0's ``find_parent`` matches the page's title against section names, which
    fails for titles with mathematics or curly quotes: the block's LaTeX label then reads
    ``None:thm-...`` and its number is empty. Not reported upstream yet; the LaTeX writer's
    ``start_of_file`` nodes name the page reliably, and the original is kept as the fallback.
    Idempotent (a second build in the same process does not wrap it twice).
    """
    import sphinx_proof.nodes as proof_nodes

    original = proof_nodes.find_parent
    if getattr(original, "m4ml", False):
        return

    def find_parent(env, node, parent_tag):
        return docname_of(node) or original(env, node, parent_tag)

    find_parent.m4ml = True
    proof_nodes.find_parent = find_parent


# ================================================================ LaTeX body rewriting
# What sphinx-proof and sphinx-exercise write around every block in LaTeX.
ADMONITION_START = "\n\\begin{sphinxadmonition}{note}"
ADMONITION_END = "\\end{sphinxadmonition}\n"
RESTYLED = {"visit_enumerable_node", "visit_unenumerable_node", "visit_exercise_node",
            "visit_exercise_enumerable_node", "visit_solution_node"}


def restyle_latex_boxes(app, box_of: Callable[[nodes.Element], str | None]) -> None:
    """Give each sphinx-proof and sphinx-exercise block the LaTeX box ``box_of(node)`` names.

    Both packages set every block as a grey ``note`` admonition and offer no option to change
    it. Their LaTeX ``depart`` handlers are wrapped so that, once a block is written, the
    ``\\begin{sphinxadmonition}{note}`` they appended to the translator's ``body`` names the
    kind's box instead; ``box_of`` returning None sets the block as an ``mlproof`` environment
    (the class's indented proof ending with a square).
    """
    handlers = app.registry.translation_handlers.get("latex", {})
    for name, (visit, depart) in list(handlers.items()):
        if getattr(visit, "__name__", "") not in RESTYLED or getattr(depart, "m4ml", False):
            continue

        def new_depart(self, node, depart=depart):
            start = max(i for i, s in enumerate(self.body) if s == ADMONITION_START)
            depart(self, node)
            box = box_of(node)
            if box is None:
                self.body[start] = "\n\\begin{mlproof}"
                self.body[-1] = "\\end{mlproof}\n"
            else:
                self.body[start] = "\n\\begin{sphinxadmonition}{%s}" % box

        new_depart.m4ml = True
        handlers[name] = (visit, new_depart)


UNWANTED_PACKAGES = ("ucharclasses", "unicode-math")


def strip_jupyterbook_preamble(preamble: str) -> str:
    """Drop the ``\\usepackage`` lines of sphinx-jupyterbook-latex that pdflatex cannot load.

    sphinx-jupyterbook-latex appends ``ucharclasses`` and ``unicode-math`` (xelatex only) to
    every preamble and has no option to leave them out; the book is set with pdflatex.
    """
    names = "|".join(map(re.escape, UNWANTED_PACKAGES))
    return re.sub(r".*\\usepackage(\[[^\]]*\])?\{(%s)\}.*\n" % names, "", preamble)


def restore_numfig_secnum_depth(app, depth: int) -> None:
    """Give the LaTeX build the book's own ``numfig_secnum_depth`` back (LaTeX only).

    sphinx-jupyterbook-latex 1.0.0 sets ``numfig_secnum_depth = 2`` at ``builder-inited``
    whenever the table of contents has parts, with no option to keep the book's value. The
    theorem, exercise, figure and equation numbers of the PDF then count per section
    ("Theorem 3.5.2") while the web book counts per chapter ("Theorem 3.15"). Called at
    ``builder-inited`` after it, with the value ``_config.yml`` gave, so that both builds number
    every block alike (Sphinx's environment numbers them from this value after reading).
    """
    if app.config.numfig_secnum_depth != depth:
        app.config.numfig_secnum_depth = depth


# ================================================================ JavaScript registry
def _is_thebe_asset(filename: str | None, attributes: dict) -> bool:
    body = attributes.get("body") or ""
    return "THEBE_JS_URL" in body or (filename or "").endswith("sphinx-thebe.js")


def drop_thebe_assets(app, env, docnames) -> None:
    """Remove sphinx-thebe's scripts from Sphinx's list of every page's scripts.

    sphinx-thebe adds, on every page, an inline script naming Thebe's CDN address and an async
    loader for it, even with live code off (Jupyter Book adds the inline one twice, which the
    browser reports as a redeclared ``const``). Sphinx has no API to remove a script, so the
    registry's ``js_files`` and the HTML builder's ``_js_files`` are filtered. Connected to
    ``env-before-read-docs`` after sphinx-thebe (priority 900).
    """
    app.registry.js_files[:] = [
        (fn, attrs) for fn, attrs in app.registry.js_files if not _is_thebe_asset(fn, attrs)
    ]
    builder_files = getattr(app.builder, "_js_files", None)
    if builder_files is not None:
        builder_files[:] = [
            js for js in builder_files if not _is_thebe_asset(js.filename, dict(js.attributes))
        ]


# ================================================================ sphinx-thebe's listener
def drop_thebe_page_config(app) -> None:
    """Disconnect sphinx-thebe's ``doctree-resolved`` listener ``update_thebe_context``.

    It writes a Binder-only Thebe configuration into every page; the book's live code passes all
    of Thebe's options itself (``live_code.py``), and sphinx-thebe is kept for its CSS only.
    Sphinx keeps no name for a listener, so it is found by its handler.
    """
    import sphinx_thebe

    for listener in list(app.events.listeners.get("doctree-resolved", [])):
        if listener.handler is sphinx_thebe.update_thebe_context:
            app.disconnect(listener.id)


# ================================================================ search index
def index_pages_with(app, transform: Callable[[nodes.document], nodes.document]) -> None:
    """Feed the HTML builder's search indexer ``transform(doctree)`` instead of each doctree.

    Sphinx indexes the whole doctree and has no hook between the two; the builder's
    ``index_page`` method is wrapped on this builder instance only. Used to keep TeX control
    words out of the search index.
    """
    builder = app.builder
    if builder.format != "html" or not hasattr(builder, "index_page"):
        return
    index_page = builder.index_page

    def index_transformed(pagename, doctree, title):
        index_page(pagename, transform(doctree), title)

    builder.index_page = index_transformed


# ================================================================ HTML string replacements
# (markup the themes write, the same markup fixed), each exact and idempotent. If an upgrade
# changes the markup, the replacement finds nothing: UPSTREAM pins the source of each one.
HTML_REPLACEMENTS = [
    # The search box's accessible name "Search" hides its visible "Search Ctrl+K" (WCAG 2.5.3).
    ('<button class="btn search-button-field search-button__button pst-js-only" title="Search" '
     'aria-label="Search"',
     '<button class="btn search-button-field search-button__button pst-js-only" title="Search"'),
    # The colour-mode icons' titles become the button's text, unlike its label (WCAG 2.5.3).
    ('data-mode="light" title="Light"', 'data-mode="light"'),
    ('data-mode="dark"  title="Dark"', 'data-mode="dark"'),
    ('data-mode="auto"  title="System Settings"', 'data-mode="auto"'),
    # The sidebar's expand/collapse toggles have no name (WCAG 4.1.2).
    ('<summary><span class="toctree-toggle" role="presentation">',
     '<summary aria-label="Show or hide the sections of this chapter">'
     '<span class="toctree-toggle" role="presentation">'),
    # The bibliography's "list" has no list items (WCAG 1.3.1).
    ('<div role="list" class="citation-list">', '<div class="citation-list">'),
    # MyST-NB's "Show code cell source" label hides the toggle's visible text (WCAG 2.5.3).
    ('<summary aria-label="Toggle hidden content">', "<summary>"),
]


def fix_html(text: str) -> str:
    """The page's HTML with every replacement of :data:`HTML_REPLACEMENTS` made.

    The fixes are made in the written HTML rather than in copies of the themes' templates,
    which would drift from the theme they came from.
    """
    for old, new in HTML_REPLACEMENTS:
        text = text.replace(old, new)
    return text


# ================================================================ Thebe's JavaScript
THEBE_CDN_REQUIREJS = ('fetch("https://cdnjs.cloudflare.com/ajax/libs/require.js/2.3.6/'
                       'require.min.js")')


def patch_thebe_index(text: str, global_name: str) -> str:
    """Thebe 0.9.3's ``lib/index.js`` reading require.js's address from ``window.<global_name>``.

    Thebe fetches require.js from a CDN when a widget renders; the site serves its own copy
    (scripts/vendor.py), whose address live-code.js puts in that global. Raises ValueError when
    the CDN fetch is not found exactly once.
    """
    if text.count(THEBE_CDN_REQUIREJS) != 1:
        raise ValueError("thebe's index.js no longer fetches require.js from the expected CDN URL")
    return text.replace(THEBE_CDN_REQUIREJS, f"fetch(window.{global_name})")


def cache_pybtex_plugins() -> None:
    """Look each pybtex plugin up once per build instead of once per use.

    pybtex finds its styles and backends through ``importlib.metadata.entry_points``, which reads
    the metadata of every installed distribution on each call; sphinxcontrib-bibtex asks about a
    hundred times per build, which costs over a second of every rebuild, prose edits included.
    Packages are not installed during a build, so each answer is kept (plugins registered at run
    time through ``register_plugin`` are still seen: they are checked before the cache).
    """
    import pybtex.plugin as plugin

    if getattr(plugin._load_entry_point, "m4ml_cached", False):
        return
    original = plugin._load_entry_point
    found: dict = {}

    def load(group, name, use_aliases=False):
        for search_group in ([group, group + ".aliases"] if use_aliases else [group]):
            klass = plugin._RUNTIME_PLUGINS.get(search_group, {}).get(name)
            if klass is not None:
                return klass
        key = (group, name, use_aliases)
        if key not in found:
            found[key] = original(group, name, use_aliases)  # raises PluginNotFound: not kept
        return found[key]

    load.m4ml_cached = True
    load.m4ml_original = original
    plugin._load_entry_point = load


# ================================================================ Sphinx: figure numbers
def figure_outline(env, doctree: nodes.Element) -> nodes.Element:
    """What Sphinx's figure numbering reads of a page: its sections, toctrees and numbered
    blocks (with their titles), nested as in the page, without the text in between.

    ``TocTreeCollector.assign_figure_numbers`` walks every page's doctree in reading order each
    time any page changes (a figure's number can depend on the pages before it), and unpickling
    all the doctrees was a sixth of a rebuild after a prose edit. It walks these outlines
    instead: the same elements, with the same classes and attributes, in the same order.
    """
    def numbered(node: nodes.Element) -> bool:
        for domain in env.domains.values():
            if domain.get_enumerable_node_type(node):
                return bool(node["ids"])
        return False

    def outline(node: nodes.Element) -> nodes.Element | None:
        kept = [sub for sub in (outline(child) for child in node.children
                                if isinstance(child, nodes.Element)) if sub is not None]
        block = numbered(node)
        if not (kept or block or isinstance(node, (nodes.section, addnodes.toctree))):
            return None
        copy = node.copy()  # the attributes, without the children
        if block:  # the title that std's get_numfig_title reads
            copy.extend(child.deepcopy() for child in node.children
                        if isinstance(child, (nodes.caption, nodes.title)))
        copy.extend(kept)
        return copy

    root = nodes.Element()
    root.extend(sub for sub in (outline(child) for child in doctree.children
                                if isinstance(child, nodes.Element)) if sub is not None)
    return _without_document(root)  # a copy keeps a reference to the page's whole document


def _without_document(node: nodes.Element) -> nodes.Element:
    """`node`, its children and theirs made to refer to no document (the property's getter
    would go on to the parent's, so the attribute itself is cleared)."""
    for each in node.findall():
        each._document = None
    return node


def number_figures_from_outlines(app) -> None:
    """Let Sphinx's figure numbering walk :func:`figure_outline` of each page instead of its
    doctree. An outline is made when a page is read (the doctree Sphinx pickles is then final),
    or the first time the numbering needs one, and kept in the environment."""
    from sphinx.environment.collectors.toctree import TocTreeCollector

    def outlines(env) -> dict:
        if not hasattr(env, "m4ml_figure_outlines"):
            env.m4ml_figure_outlines = {}
        return env.m4ml_figure_outlines

    def read(app, doctree) -> None:
        outlines(app.env)[app.env.docname] = figure_outline(app.env, doctree)

    def purge(app, env, docname) -> None:
        outlines(env).pop(docname, None)

    def merge(app, env, docnames, other) -> None:
        outlines(env).update({d: o for d, o in outlines(other).items() if d in docnames})

    original = TocTreeCollector.assign_figure_numbers
    if not getattr(original, "m4ml_outlines", False):
        def assign_figure_numbers(self, env):
            known = outlines(env)
            doctree_of = env.get_doctree

            def outline_of(docname: str) -> nodes.Element:
                if docname not in known:
                    known[docname] = figure_outline(env, doctree_of(docname))
                return known[docname]

            env.get_doctree = outline_of  # for the walk only: an attribute over the method
            try:
                return original(self, env)
            finally:
                del env.get_doctree

        assign_figure_numbers.m4ml_outlines = True
        assign_figure_numbers.m4ml_original = original
        TocTreeCollector.assign_figure_numbers = assign_figure_numbers
    app.connect("doctree-read", read, priority=900)  # after every other handler changed it
    app.connect("env-purge-doc", purge)
    app.connect("env-merge-info", merge)


# ================================================================ sphinx-exercise: its registry
def _detached(node: nodes.Element) -> nodes.Element:
    """A copy of `node` and its children that refers to no parent and no document."""
    return _without_document(node.deepcopy())


def slim_exercise_registry(app) -> None:
    """Keep sphinx-exercise's registry of exercises and solutions small in the pickled
    environment.

    The registry keeps each block's node, and a node refers to its parent and its document, so
    pickling the environment pickled every page with an exercise again: 9 of its 12 MB, read and
    written by every rebuild. Once the pages are read, each node is replaced by a copy without
    those references. What the registry is read for later (the node's class, attributes and
    title, to number and title solutions and links) is in the copy.
    """

    def detach(app, env) -> list[str]:
        for entry in getattr(env, "sphinx_exercise_registry", {}).values():
            node = entry.get("node")
            if isinstance(node, nodes.Element) and not getattr(node, "m4ml_detached", False):
                entry["node"] = _detached(node)
                entry["node"].m4ml_detached = True
        return []

    app.connect("env-updated", detach, priority=900)


# The scripts the theme and Sphinx put on every page, written exactly as they write them.
_MATHJAX_SCRIPT = re.compile(
    r'\s*<script>window\.MathJax = .*?</script>'
    r'|\s*<script defer="defer" src="[./]*_static/mathjax/tex-chtml\.js[^"]*"></script>'
)
_FONTAWESOME_SCRIPT = re.compile(r'\s*<script defer src="[./]*_static/scripts/fontawesome\.js[^"]*"></script>')
_SEARCH_SCRIPTS = re.compile(
    r'\s*<script src="[./]*_static/searchtools\.js"></script>'
    r'\s*<script src="[./]*_static/language_data\.js"></script>'
    r'\s*<script src="[./]*searchindex\.js"></script>'
)


_SPHINX_DESIGN = re.compile(
    r'\s*<link rel="stylesheet" type="text/css" href="[./]*_static/sphinx-design\.min\.css[^"]*" />'
    r'|\s*<script data-sd-tabs-storage-prefix="[^"]*" src="[./]*_static/design-tabs\.js[^"]*"></script>'
)
_SPHINX_DESIGN_USED = re.compile(r'class="[^"]*\bsd-')
_BOOTSTRAP_PRELOAD = re.compile(
    r'\s*<link rel="preload" as="script" href="[./]*_static/scripts/bootstrap\.js[^"]*" />')
_BOOTSTRAP_SCRIPT = re.compile(
    r'<script defer src="(?P<static>[./]*_static/)scripts/(?P<name>bootstrap\.js[^"]*)"></script>')


def _bootstrap_loader(match: re.Match) -> str:
    static = match["static"]
    return (f'<script defer src="{static}{names.M4ML_STATIC}/{names.BOOTSTRAP_LOADER}" '
            f'{names.BOOTSTRAP_ATTRIBUTE}="{static}scripts/{match["name"]}"></script>')


def drop_page_scripts(text: str, *, keep_search: bool) -> str:
    """A written page without the scripts the book no longer needs on it (``m4ml_book.math_ssr``).

    - MathJax and its configuration: the formulas are typeset at build time, and live outputs
      load MathJax only when they contain TeX;
    - pydata-sphinx-theme's Font Awesome script (1.5 MB): the icons come from its icon font;
    - the search index and its two scripts, except on the search page (``keep_search``): the
      theme's search box sends the reader to that page, which loads them;
    - sphinx-design's stylesheet and tab script (62 kB), which Jupyter Book adds to every page,
      from the pages that use none of its components (no ``sd-`` class);
    - Bootstrap's script (81 kB), which only the header's dropdown menus and tooltips use: a
      1 kB loader (``_assets/bootstrap-lazy.js``) fetches it when the reader reaches for one.
    """
    text = _MATHJAX_SCRIPT.sub("", text)
    text = _BOOTSTRAP_PRELOAD.sub("", text)
    text = _BOOTSTRAP_SCRIPT.sub(_bootstrap_loader, text)
    text = _FONTAWESOME_SCRIPT.sub("", text)
    if not _SPHINX_DESIGN_USED.search(text):
        text = _SPHINX_DESIGN.sub("", text)
    return text if keep_search else _SEARCH_SCRIPTS.sub("", text)


# ================================================================ what each patch relies on
UPSTREAM: dict[str, tuple[Upstream, ...]] = {
    "patch_find_parent": (
        Upstream("sphinx-proof", "0.4.0", "sphinx_proof.nodes:find_parent", "9b2fac245881c6c3"),
        Upstream("sphinx-proof", "0.4.0", "sphinx_proof.nodes:visit_enumerable_node",
                 "e25b0764ee9f090c"),
    ),
    "restyle_latex_boxes": (
        Upstream("sphinx-proof", "0.4.0", "sphinx_proof/nodes.py",
                 'latex_admonition_start = CR + "\\\\begin{sphinxadmonition}{note}"'),
        Upstream("sphinx-proof", "0.4.0", "sphinx_proof.nodes:depart_enumerable_node",
                 "c1e69cc85d6f9dba"),
        Upstream("sphinx-proof", "0.4.0", "sphinx_proof.nodes:depart_unenumerable_node",
                 "e7d4714c9917c7ff"),
        Upstream("sphinx-exercise", "1.2.1", "sphinx_exercise/latex.py",
                 'return self.CR + "\\\\begin{sphinxadmonition}{note}"'),
        Upstream("sphinx-exercise", "1.2.1", "sphinx_exercise.nodes:visit_exercise_node",
                 "b4090c76ccbde218"),
        Upstream("sphinx-exercise", "1.2.1", "sphinx_exercise.nodes:visit_exercise_enumerable_node",
                 "ab45b809789ad5df"),
        Upstream("sphinx-exercise", "1.2.1", "sphinx_exercise.nodes:visit_solution_node",
                 "4a87a31e9fff3e57"),
    ),
    "strip_jupyterbook_preamble": (
        Upstream("sphinx-jupyterbook-latex", "1.0.0", "sphinx_jupyterbook_latex/events.py",
                 "\\usepackage[Latin,Greek]{ucharclasses}\n        \\usepackage{unicode-math}"),
    ),
    "restore_numfig_secnum_depth": (
        Upstream("sphinx-jupyterbook-latex", "1.0.0",
                 "sphinx_jupyterbook_latex.events:setup_latex_transforms", "a7e6c6a7de5594eb"),
    ),
    "drop_thebe_assets": (
        Upstream("sphinx", "7.4.7", "sphinx.registry:SphinxComponentRegistry.add_js_file",
                 "60df9b3e6b74c814"),
        Upstream("sphinx", "7.4.7", "sphinx.builders.html:StandaloneHTMLBuilder.init_js_files",
                 "9a71ea8312778850"),
        Upstream("sphinx-thebe", "0.3.1", "sphinx_thebe:init_thebe_core", "4d64c5b7f8661428"),
    ),
    "drop_thebe_page_config": (
        Upstream("sphinx-thebe", "0.3.1", "sphinx_thebe:setup", "f4deb97170434075"),
        Upstream("sphinx", "7.4.7", "sphinx.events:EventManager.connect", "72636859f7e3fc60"),
    ),
    "index_pages_with": (
        Upstream("sphinx", "7.4.7", "sphinx.builders.html:StandaloneHTMLBuilder.index_page",
                 "3054ded06e186096"),
    ),
    "fix_html": (
        Upstream("pydata-sphinx-theme", "0.17.1",
                 "pydata_sphinx_theme/theme/pydata_sphinx_theme/components/search-button-field.html",
                 """title="{{ _('Search') }}" aria-label="{{ _('Search') }}\""""),
        Upstream("pydata-sphinx-theme", "0.17.1",
                 "pydata_sphinx_theme/theme/pydata_sphinx_theme/components/theme-switcher.html",
                 """data-mode="dark"  title="{{ _('Dark') }}\""""),
        Upstream("pydata-sphinx-theme", "0.17.1", "pydata_sphinx_theme.toctree:add_collapse_checkboxes",
                 "0aa15f95206e01d8"),
        Upstream("docutils", "0.21.2", "docutils/writers/_html_base.py",
                 """self.body.append('<div role="list" class="citation-list">\\n')"""),
        Upstream("myst-nb", "1.4.0", "myst_nb/sphinx_.py",
                 """self.body.append('<summary aria-label="Toggle hidden content">\\n')"""),
    ),
    "drop_page_scripts": (
        Upstream("sphinx", "7.4.7", "sphinx/ext/mathjax.py",
                 "body = 'window.MathJax = %s' % json.dumps(app.config.mathjax3_config)"),
        Upstream("pydata-sphinx-theme", "0.17.1",
                 "pydata_sphinx_theme/theme/pydata_sphinx_theme/static/webpack-macros.html",
                 """<script defer src="{{ pathto('_static/scripts/fontawesome.js', 1) }}"""),
        Upstream("pydata-sphinx-theme", "0.17.1", "pydata_sphinx_theme/theme/pydata_sphinx_theme/layout.html",
                 """    <script src="{{ pathto('_static/searchtools.js', 1) | e }}"></script>
    <script src="{{ pathto('_static/language_data.js', 1) | e }}"></script>
    <script src="{{ pathto('searchindex.js', 1) | e }}"></script>"""),
        Upstream("sphinx-design", "0.8.0", "sphinx_design/extension.py",
                 'app.add_css_file("sphinx-design.min.css")'),
        Upstream("sphinx-design", "0.8.0", "sphinx_design/extension.py",
                 'app.add_js_file("design-tabs.js", **js_attributes)'),
    ),
    "cache_pybtex_plugins": (
        Upstream("pybtex", "0.26.1", "pybtex.plugin:_load_entry_point", "651a544d021985ba"),
    ),
    "slim_exercise_registry": (
        Upstream("sphinx-exercise", "1.2.1", "sphinx_exercise/directive.py", '"node": node.deepcopy(),'),
        Upstream("sphinx-exercise", "1.2.1", "sphinx_exercise/post_transforms.py",
                 'target_node = target.get("node")'),
    ),
    "number_figures_from_outlines": (
        Upstream("Sphinx", "7.4.7",
                 "sphinx.environment.collectors.toctree:TocTreeCollector.assign_figure_numbers",
                 "99bff91442125bb6"),
    ),
    # Subclasses elsewhere that override private methods or set private state of their base class:
    # the key names the subclass (module:class, or a script's path:class).
    "m4ml_book.page_exec:ForkKernelManager": (
        Upstream("jupyter_client", "8.10.0",
                 "jupyter_client.manager:AsyncKernelManager._async_pre_start_kernel",
                 "0ad304c9143e3bfd"),
    ),
    "m4ml_book.page_exec:ForkProvisioner": (
        Upstream("jupyter_client", "8.10.0",
                 "jupyter_client.provisioning.local_provisioner:LocalProvisioner",
                 "485bc5c2221b3d0a"),
    ),
    # make serve gzips the site by adding Tornado's GZipContentEncoding to the private list of
    # transforms that RequestHandler._execute sets and flush applies.
    "scripts/live_server.py:SiteHandler": (
        Upstream("tornado", "6.6.1", "tornado.web:RequestHandler.flush", "3ae7fe815121807e"),
        Upstream("tornado", "6.6.1", "tornado.web:RequestHandler._execute", "9b08100bb022ac0d"),
    ),
    "scripts/live_server.py:BookServerApp": (
        Upstream("jupyter_server", "2.21.1", "jupyter_server.serverapp:ServerApp._post_start",
                 "c61ae2b36b06343a"),
    ),
}
