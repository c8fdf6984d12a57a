"""The patches of other packages' internals (m4ml_book/patches.py) still fit what they patch.

Each patch names the exact version of the package it was written for and the source it relies
on. These tests fail when a package is upgraded or its source changes, so that an upgrade makes
someone read the new source and adapt (or drop) the patch; they also check the few names that
Python and the site's JavaScript and CSS must spell alike, and the shared modules' readers.
"""

from __future__ import annotations

import importlib
import json
import pickle
import tarfile

import pytest
from docutils import nodes
from sphinx import addnodes

from m4ml_book import names, patches, toc

from conftest import BOOK, ROOT

UPSTREAM = [(name, up) for name, ups in patches.UPSTREAM.items() for up in ups]
IDS = [f"{name}-{up.target}" for name, up in UPSTREAM]


def test_every_patch_names_what_it_relies_on():
    """Each key of UPSTREAM is a documented patch function, or a subclass that exists."""
    for name in patches.UPSTREAM:
        where, _, cls = name.partition(":")
        if not cls:
            function = getattr(patches, name)
            assert callable(function) and function.__doc__, name
        elif where.endswith(".py"):
            assert f"class {cls}(" in (ROOT / where).read_text(encoding="utf-8"), name
        else:
            assert getattr(importlib.import_module(where), cls).__doc__, name
    assert patches.UPSTREAM.keys() >= {"patch_find_parent", "restyle_latex_boxes", "drop_thebe_assets",
                                        "drop_thebe_page_config", "fix_html", "index_pages_with",
                                        "strip_jupyterbook_preamble"}


@pytest.mark.parametrize(("name", "upstream"), UPSTREAM, ids=IDS)
def test_patched_package_is_the_version_the_patch_was_written_for(name, upstream):
    assert upstream.installed_version() == upstream.version, (
        f"{upstream.package} is now {upstream.installed_version()}; {name} in m4ml_book/patches.py "
        f"was written for {upstream.version}: read the new source, adapt the patch, update UPSTREAM")


@pytest.mark.parametrize(("name", "upstream"), UPSTREAM, ids=IDS)
def test_patched_source_is_what_the_patch_expects(name, upstream):
    assert upstream.found() == upstream.expects, (
        f"{upstream.target} changed; {name} in m4ml_book/patches.py relies on it")


def test_source_fingerprint_tells_changed_source_apart():
    def one():
        return 1

    def two():
        return 2

    assert patches.source_hash(one) != patches.source_hash(two)
    snippet = patches.Upstream("docutils", "0", "docutils/__init__.py", "no such text in docutils")
    assert snippet.found() != snippet.expects


def test_thebe_pack_is_the_version_its_patch_was_written_for():
    """scripts/vendor.py patches Thebe's index.js (patches.patch_thebe_index): Thebe 0.9.3 only."""
    pack = json.loads((ROOT / "package.json").read_text())["m4mlPacks"]["thebe"]
    assert pack["version"] == "0.9.3"
    tgz = ROOT / "node_modules" / ".m4ml-packs" / f"thebe-{pack['version']}.tgz"
    with tarfile.open(tgz) as tar:
        index = tar.extractfile("package/lib/index.js").read().decode()
    assert index.count(patches.THEBE_CDN_REQUIREJS) == 1
    patched = patches.patch_thebe_index(index, names.THEBE_REQUIREJS_GLOBAL)
    assert patches.THEBE_CDN_REQUIREJS not in patched
    assert f"fetch(window.{names.THEBE_REQUIREJS_GLOBAL})" in patched
    with pytest.raises(ValueError, match="CDN"):
        patches.patch_thebe_index(patched, names.THEBE_REQUIREJS_GLOBAL)


def test_fix_html_makes_every_replacement_once_and_is_idempotent():
    page = "\n".join(old for old, _ in patches.HTML_REPLACEMENTS)
    fixed = patches.fix_html(page)
    assert fixed == "\n".join(new for _, new in patches.HTML_REPLACEMENTS)
    assert patches.fix_html(fixed) == fixed


def test_strip_jupyterbook_preamble_drops_only_the_xelatex_packages():
    preamble = ("\\usepackage{amsmath}\n         \\usepackage[Latin,Greek]{ucharclasses}\n"
                "        \\usepackage{unicode-math}\n\\hypersetup{pdfencoding=auto}\n")
    assert patches.strip_jupyterbook_preamble(preamble) == (
        "\\usepackage{amsmath}\n\\hypersetup{pdfencoding=auto}\n")


def test_find_parent_patch_names_the_page_from_the_assembled_book():
    import sphinx_proof.nodes as proof_nodes

    original = proof_nodes.find_parent
    try:
        patches.patch_find_parent()
        patches.patch_find_parent()  # idempotent: wrapped once
        patched = proof_nodes.find_parent
        assert patched is not original and getattr(patched, "m4ml", False)
        start = addnodes.start_of_file(docname="calculus/taylor")
        section = nodes.section()
        block = nodes.container()
        start += section
        section += block
        assert patched(None, block, "section") == "calculus/taylor"
    finally:
        proof_nodes.find_parent = original


def test_drop_thebe_page_config_disconnects_sphinx_thebe_listener():
    import sphinx_thebe
    from sphinx.events import EventManager

    class App:
        events = EventManager(None)

        def disconnect(self, listener_id):
            self.events.disconnect(listener_id)

    app = App()
    app.events.connect("doctree-resolved", sphinx_thebe.update_thebe_context, 500)
    app.events.connect("doctree-resolved", print, 500)
    patches.drop_thebe_page_config(app)
    handlers = [listener.handler for listener in app.events.listeners["doctree-resolved"]]
    assert handlers == [print]


# ------------------------------------------------------------------ shared names
@pytest.mark.parametrize("asset", sorted(names.ASSET_NAMES))
def test_assets_spell_the_shared_names_as_python_does(asset):
    text = (BOOK / names.ASSETS_DIR / asset).read_text(encoding="utf-8")
    missing = [name for name in names.ASSET_NAMES[asset] if name not in text]
    assert not missing, f"{asset} no longer contains {missing} (m4ml_book/names.py)"


def test_m4ml_figures_carry_the_class_the_build_looks_for():
    """offline_assets loads plotly.js on a page whose HTML has this class: m4ml writes it."""
    sources = "".join(p.read_text(encoding="utf-8") for p in (ROOT / "src" / "m4ml").rglob("*.py"))
    assert f'class="{names.PLOTLY_FIGURE_CLASS}"' in sources


def test_no_module_spells_a_shared_name_itself():
    """Python takes the shared names from m4ml_book.names, not from a literal of its own."""
    shared = [names.SERVER_SETTINGS_PATH, names.LIVE_CELLS_ID, names.LIVE_TOKEN_KEY,
              names.THEBE_REQUIREJS_GLOBAL, names.TIMINGS_FILE, names.EXEC_STATE_FILE,
              names.LINKS_FILE, names.NOTEBOOKS_ZIP, names.PLOTLY_JS]
    files = [*(ROOT / "src" / "m4ml_book").glob("*.py"), *(ROOT / "scripts").glob("*.py"),
             *(ROOT / "benchmarks").glob("*.py")]
    for path in files:
        if path.name == "names.py":
            continue
        code = path.read_text(encoding="utf-8")
        for name in shared:
            assert f'"{name}' not in code and f"'{name}" not in code, (path.name, name)


# ------------------------------------------------------------------ table of contents
def test_toc_reads_parts_chapters_and_a_book_without_parts(tmp_path):
    book = toc.read_toc(BOOK)
    assert book.pages[0] == book.root and len(book.pages) == len(set(book.pages))
    assert set(book.chapters) < set(book.pages)
    assert all(part.caption for part in book.parts) and any(p.numbered for p in book.parts)
    (tmp_path / toc.TOC_FILE).write_text("format: jb-book\nroot: intro\nchapters:\n"
                                         "  - file: a\n    sections:\n      - file: a/b\n  - file: c\n")
    small = toc.read_toc(tmp_path)
    assert small.pages == ["intro", "a", "a/b", "c"] and small.chapters == ["a", "c"]


def test_page_title_is_the_heading_as_a_reader_sees_it(tmp_path):
    (tmp_path / "p.md").write_text("---\nx: 1\n---\n(sec-p)=\n# The {math}`L^2` norm of `x`\n")
    assert toc.page_title(tmp_path, "p") == "The L^2 norm of x"



def test_pybtex_plugins_are_looked_up_once(monkeypatch):
    import pybtex.plugin as plugin

    unpatched = getattr(plugin._load_entry_point, "m4ml_original", plugin._load_entry_point)
    monkeypatch.setattr(plugin, "_load_entry_point", unpatched)  # undone after the test
    calls = []
    original = plugin.entry_points
    monkeypatch.setattr(plugin, "entry_points", lambda **kw: calls.append(kw) or original(**kw))
    patches.cache_pybtex_plugins()
    patches.cache_pybtex_plugins()  # a second call does not wrap it twice
    assert plugin._load_entry_point.m4ml_original is unpatched
    first = plugin.find_plugin("pybtex.style.formatting", "plain")
    assert plugin.find_plugin("pybtex.style.formatting", "plain") is first
    assert len(calls) == 1, calls
    with pytest.raises(plugin.PluginNotFound):
        plugin.find_plugin("pybtex.style.formatting", "no-such-style")
    with pytest.raises(plugin.PluginNotFound):  # a failed lookup is not remembered as found
        plugin.find_plugin("pybtex.style.formatting", "no-such-style")


def test_restore_numfig_secnum_depth_gives_the_latex_build_the_books_value():
    """sphinx-jupyterbook-latex sets 2 for a book with parts; the book's own value comes back."""
    import inspect
    from types import SimpleNamespace

    from sphinx_jupyterbook_latex.events import setup_latex_transforms

    assert 'app.config["numfig_secnum_depth"] = 2' in inspect.getsource(setup_latex_transforms)
    app = SimpleNamespace(config=SimpleNamespace(numfig_secnum_depth=2))
    patches.restore_numfig_secnum_depth(app, 1)
    assert app.config.numfig_secnum_depth == 1
    patches.restore_numfig_secnum_depth(app, 1)
    assert app.config.numfig_secnum_depth == 1


def test_drop_page_scripts_keeps_the_search_scripts_only_where_asked():
    page = ('<head><script>window.MathJax = {"tex": {}}</script>\n'
            '<script defer="defer" src="../_static/mathjax/tex-chtml.js"></script>\n'
            '<script defer src="../_static/scripts/fontawesome.js?digest=1"></script>\n'
            '<script src="../_static/searchtools.js"></script>\n'
            '<script src="../_static/language_data.js"></script>\n'
            '<script src="../searchindex.js"></script>\n'
            '<script src="../_static/other.js"></script></head>')
    dropped = patches.drop_page_scripts(page, keep_search=False)
    assert dropped == '<head>\n<script src="../_static/other.js"></script></head>'
    kept = patches.drop_page_scripts(page, keep_search=True)
    assert "searchindex.js" in kept and "searchtools.js" in kept
    assert "MathJax" not in kept and "fontawesome" not in kept
    assert patches.drop_page_scripts(dropped, keep_search=False) == dropped


def test_drop_page_scripts_keeps_sphinx_design_only_where_used():
    head = ('<head>\n    <link rel="stylesheet" type="text/css" href="../_static/sphinx-design.min.css?v=6a604523" />\n'
            '    <script data-sd-tabs-storage-prefix="sphinx-design-tab-id-" '
            'src="../_static/design-tabs.js?v=fcb327ea"></script>\n</head>')
    plain = head + '<body><p class="x">Text</p></body>'
    assert patches.drop_page_scripts(plain, keep_search=False) == '<head>\n</head><body><p class="x">Text</p></body>'
    cards = head + '<body><div class="sd-card sd-shadow-sm">Card</div></body>'
    assert patches.drop_page_scripts(cards, keep_search=False) == cards


PAGES_WITH_FIGURES = {
    "index.rst": "Book\n====\n\n.. toctree::\n   :numbered:\n\n   a\n   b\n",
    "a.rst": ("A\n=\n\n.. figure:: x.png\n   :name: fig-a1\n\n   First.\n\n"
              ".. figure:: x.png\n   :name: fig-uncaptioned\n\n"
              "Sub\n---\n\n.. table:: A table\n   :name: tab-a\n\n   = =\n   1 2\n   = =\n\n"
              ".. code-block:: python\n   :caption: Code\n   :name: code-a\n\n   x = 1\n"),
    "b.rst": "B\n=\n\n.. figure:: x.png\n   :name: fig-b1\n\n   In B.\n",
}


def build_numbers(src, out, *, outlines: bool) -> dict:
    from sphinx.application import Sphinx
    from sphinx.environment.collectors.toctree import TocTreeCollector

    original = getattr(TocTreeCollector.assign_figure_numbers, "m4ml_original",
                       TocTreeCollector.assign_figure_numbers)
    TocTreeCollector.assign_figure_numbers = original  # as Sphinx ships it
    try:
        app = Sphinx(str(src), str(src), str(out), str(out / ".doctrees"), "dummy", status=None,
                     warning=None, freshenv=False, confoverrides={"numfig": True})
        if outlines:
            patches.number_figures_from_outlines(app)
        app.build()
        if outlines:  # the walk had an outline of every page, each small
            assert set(app.env.m4ml_figure_outlines) == {"index", "a", "b"}
            sizes = [len(pickle.dumps(o)) for o in app.env.m4ml_figure_outlines.values()]
            assert max(sizes) < 4_000, sizes
        return {doc: {kind: dict(ids) for kind, ids in kinds.items()}
                for doc, kinds in app.env.toc_fignumbers.items()}
    finally:
        TocTreeCollector.assign_figure_numbers = original


def test_figure_numbers_from_outlines_are_sphinxs(tmp_path):
    """Figures, tables and code blocks get the numbers Sphinx's own walk gives them, in a first
    build and after an edit adds a figure before the others (which renumbers the next page)."""
    src = tmp_path / "src"
    src.mkdir()
    (src / "conf.py").write_text("")
    for name, text in PAGES_WITH_FIGURES.items():
        (src / name).write_text(text)
    plain = build_numbers(src, tmp_path / "plain", outlines=False)
    assert plain["a"]["figure"] == {"fig-a1": (1, 1)} and plain["b"]["figure"] == {"fig-b1": (2, 1)}
    assert plain["a"]["table"] == {"tab-a": (1, 1)} and plain["a"]["code-block"] == {"code-a": (1, 1)}
    assert build_numbers(src, tmp_path / "outlines", outlines=True) == plain
    # an edit: a second captioned figure in a, read again; b is not
    (src / "a.rst").write_text(PAGES_WITH_FIGURES["a.rst"].replace(
        "Sub\n", ".. figure:: x.png\n   :name: fig-a2\n\n   Second.\n\nSub\n"))
    edited = build_numbers(src, tmp_path / "outlines", outlines=True)
    assert edited == build_numbers(src, tmp_path / "plain2", outlines=False)
    assert edited["a"]["figure"] == {"fig-a1": (1, 1), "fig-a2": (1, 2)}


@pytest.mark.book
def test_the_pickled_environment_holds_no_page_again(built_book):
    """Each rebuild reads and writes the environment: the exercise registry's nodes and the
    figure outlines refer to no document, so no page is pickled into it a second time."""
    from conftest import BOOK

    env_file = BOOK / "_build" / ".doctrees" / "environment.pickle"
    if not env_file.exists():
        pytest.skip("the book was built elsewhere (M4ML_HTML)")
    with env_file.open("rb") as stream:
        env = pickle.load(stream)
    held = [*(entry["node"] for entry in env.sphinx_exercise_registry.values()),
            *env.m4ml_figure_outlines.values()]
    assert len(env.sphinx_exercise_registry) > 50 and len(env.m4ml_figure_outlines) == len(env.found_docs)
    assert not [n for node in held for n in node.findall() if n._document is not None or
                (n is node and n.parent is not None)]
    assert env_file.stat().st_size < 5_000_000
