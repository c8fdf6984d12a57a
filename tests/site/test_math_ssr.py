"""The cache of typeset formulas (m4ml_book.math_ssr): node runs only for formulas it has not seen.

A prose edit rewrites a few pages whose formulas were typeset by an earlier build; their markup
comes from the cache in book/_build, so the rebuild starts no node process. A formula with a TeX
error is never cached (its warning comes back on every build), and a change of the macros empties
the cache.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest

from m4ml_book import math_ssr

from conftest import BOOK


def fake_app(tmp_path, macros=None):
    config = SimpleNamespace(mathjax3_config={"tex": {"macros": macros or {"R": "\\mathbb{R}"}}})
    return SimpleNamespace(config=config, confdir=str(BOOK), doctreedir=str(tmp_path / ".doctrees"))


@pytest.fixture
def node_runs(monkeypatch):
    """The number of node processes started, counted around subprocess.run."""
    calls = []
    real = subprocess.run

    def counting(args, *rest, **kwargs):
        calls.append(args)
        return real(args, *rest, **kwargs)

    monkeypatch.setattr(math_ssr.subprocess, "run", counting)
    return calls


def test_second_build_typesets_nothing(tmp_path, node_runs):
    app = fake_app(tmp_path)
    items = [("x \\in \\R", False), ("\\sum_{n=1}^N x_n", True)]
    first, css, fresh = math_ssr.typeset(app, items)
    assert fresh == 2 and len(node_runs) == 1
    assert all(first[item].startswith("<mjx-container") for item in items)
    assert "mjx-container" in css
    again, css_again, fresh = math_ssr.typeset(app, items[::-1])
    assert fresh == 0 and len(node_runs) == 1, "every formula was cached: node must not run"
    assert again == first and css_again == css
    # one new formula: node runs for it alone
    _, _, fresh = math_ssr.typeset(app, [*items, ("y^2", False)])
    assert fresh == 1 and len(node_runs) == 2


def test_tex_errors_are_never_cached(tmp_path, node_runs):
    app = fake_app(tmp_path)
    bad = ("\\nosuchmacro{x}", False)
    for build in (1, 2):
        rendered, _, fresh = math_ssr.typeset(app, [bad, ("x", False)])
        assert "mjx-merror" in rendered[bad]
        assert fresh == (2 if build == 1 else 1), "the bad formula is typeset (and reported) again"


def test_new_macros_empty_the_cache(tmp_path, node_runs):
    items = [("\\R^D", False)]
    blackboard, _, _ = math_ssr.typeset(fake_app(tmp_path), items)
    calligraphic, _, fresh = math_ssr.typeset(fake_app(tmp_path, {"R": "\\mathcal{R}"}), items)
    assert fresh == 1 and len(node_runs) == 2
    assert calligraphic[items[0]] != blackboard[items[0]]


def test_a_damaged_cache_is_an_empty_one(tmp_path, node_runs):
    app = fake_app(tmp_path)
    math_ssr.typeset(app, [("x", False)])
    path = math_ssr._cache_path(app)
    path.write_bytes(b"not a pickle")
    _, _, fresh = math_ssr.typeset(app, [("x", False)])
    assert fresh == 1 and len(node_runs) == 2


PAGE = ('<html><head></head><body><p>Let <span class="math notranslate nohighlight">\\(x \\in \\R\\)</span>'
        ' be given.</p></body></html>')


def small_site(tmp_path):
    outdir = tmp_path / "html"
    (outdir / "part").mkdir(parents=True)
    (outdir / "_static" / "styles").mkdir(parents=True)  # slim_icons writes the theme's stylesheet here
    import hashlib

    import myst_nb  # and purges MyST-NB's, which Sphinx copies under a name with its hash

    source = Path(myst_nb.__file__).parent / "static" / "mystnb.css"
    (outdir / "_static" / f"mystnb.{hashlib.sha256(source.read_bytes()).hexdigest()}.css").write_bytes(
        source.read_bytes())
    for name in ("index.html", "part/page.html"):
        (outdir / name).write_text(PAGE, encoding="utf-8")
    app = fake_app(tmp_path)
    app.outdir = str(outdir)
    app.builder = SimpleNamespace(format="html")
    return app, outdir


def test_only_changed_pages_are_fixed_and_typeset(tmp_path, node_runs, monkeypatch):
    from m4ml_book import patches

    app, outdir = small_site(tmp_path)
    processed, fixed = [], []
    real_features, real_fix = math_ssr.page_features, patches.fix_html
    monkeypatch.setattr(math_ssr, "page_features", lambda text: processed.append(1) or real_features(text))
    monkeypatch.setattr(patches, "fix_html", lambda text: fixed.append(1) or real_fix(text))

    def build():
        processed.clear()
        fixed.clear()
        math_ssr.finish_site(app, None)

    build()
    assert len(processed) == 2 and len(fixed) == 2 and len(node_runs) == 1
    page = (outdir / "part" / "page.html").read_text()
    assert "<mjx-container" in page and "\\(" not in page
    sheet = re.search(r'href="\.\./_static/m4ml-math/(math-[0-9a-f]{16}\.css)"', page).group(1)
    css = (outdir / "_static" / math_ssr.STATIC_DIR / sheet).read_text()
    assert "mjx-container.MathJax" in css

    build()  # nothing changed: no page is read
    assert processed == [] and fixed == [] and len(node_runs) == 1

    # Sphinx rewrites one page: only it is fixed and typeset, from the cache
    (outdir / "index.html").write_text(PAGE.replace("be given", "be fixed"), encoding="utf-8")
    build()
    assert len(processed) == 1 and len(fixed) == 1 and len(node_runs) == 1
    assert "<mjx-container" in (outdir / "index.html").read_text()
    # the page that was not read keeps its stylesheet, and the rewritten one links one
    assert (outdir / "_static" / math_ssr.STATIC_DIR / sheet).read_text() == css
    assert (outdir / "index.html").read_text().count("_static/m4ml-math/math-") == 1
    # a stylesheet that went missing is written again; one no page links is removed
    (outdir / "_static" / math_ssr.STATIC_DIR / sheet).unlink()
    (outdir / "_static" / math_ssr.STATIC_DIR / "math-0123456789abcdef.css").write_text("")
    build()
    assert (outdir / "_static" / math_ssr.STATIC_DIR / sheet).read_text() == css
    assert not (outdir / "_static" / math_ssr.STATIC_DIR / "math-0123456789abcdef.css").exists()


def test_purge_keeps_what_a_page_or_script_can_match():
    css = (".used{a:1}.unused{b:2}.used .unused,.used>p{c:3}p:not(.unused){d:4}"
           ".x:is(.unused,.used){e:5}@media (min-width:10px){.unused{f:6}.used{g:7}}"
           "@media print{.unused{h:8}}@font-face{font-family:X}@keyframes k{0%{opacity:0}}"
           "html[data-theme=dark] .used::before{i:9}")
    out = math_ssr.purge_stylesheet(css, {"used", "x"})
    assert ".used{a:1}" in out and ".unused{b:2}" not in out
    assert ".used>p{c:3}" in out and ".used .unused" not in out  # one selector of two dropped
    assert "p:not(.unused){d:4}" in out and ".x:is(.unused,.used){e:5}" in out  # classes in functions are not required
    assert "@media (min-width:10px){.used{g:7}}" in out and "f:6" not in out
    assert "@media print" not in out  # left empty
    assert "@font-face{font-family:X}" in out and "@keyframes k{0%{opacity:0}}" in out
    assert "html[data-theme=dark] .used::before{i:9}" in out
    # icon glyphs stay written as escapes, as the theme writes them
    icons = math_ssr.purge_stylesheet('.used:before{content:"\\f104"}.x:before{content:"\\f105 a"}', {"used", "x"})
    assert icons == '.used:before{content:"\\f104"}.x:before{content:"\\f105 a"}'


def test_many_formulas_are_shared_between_node_processes_in_order(tmp_path, node_runs, monkeypatch):
    monkeypatch.setattr(math_ssr, "SPLIT_FROM", 4)
    items = [(f"x_{{{k}}}", False) for k in range(7)]
    items[5] = ("\\frac{1}", False)  # a TeX error, reported at its own index
    markup, css, failed = math_ssr.render(fake_app(tmp_path), items)
    assert len(node_runs) == math_ssr.NODE_PROCESSES and failed == {5}
    for k in (0, 1, 2, 3, 4, 6):  # each formula's markup is in its place: x with subscript k
        assert f"<mn>{k}</mn>" in markup[k], (k, markup[k][-200:])
    assert "mjx-container" in css
