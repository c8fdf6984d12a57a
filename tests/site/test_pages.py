"""Every page runs on its own, top to bottom, in a fresh kernel, as the notebook a reader downloads.

Each page is exported exactly as the site and `make notebooks` export it
(m4ml_book.notebook_export), written alone into an empty directory outside the repository and
executed there with the book's toolchain (MyST-NB, Jupyter Book, jupytext, jupyter-cache) made
unimportable: the notebook needs only `m4ml` and its dependencies, and no file of the book.
The pages run two at a time (the machine has two cores), each in a fresh kernel of its own,
from two runner processes (`scripts/run_page.py --exported`).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

import pytest

from m4ml_book.notebook_export import plain_markdown
from m4ml_book.page_exec import blas_environment

from conftest import BOOK, ROOT, is_notebook, toc_pages

NOTEBOOKS = [p for p in toc_pages() if is_notebook(p)]


RESULT_LINE = re.compile(r"^(ok  |FAIL) +[\d.]+ s  (.+)$")


def run_alone(pages: list[str]) -> dict[str, tuple[bool, str]]:
    """Run `pages` one after the other in one process (scripts/run_page.py --exported), each
    exported alone into its own directory and run in a fresh kernel of its own; return
    page -> (passed, what the runner printed about it)."""
    script = str(ROOT / "scripts" / "run_page.py")
    paths = {str(BOOK / f"{page}.md"): page for page in pages}
    # Two runners at once: share the cores out between their BLAS threads, as the build does.
    env = {**os.environ, **blas_environment(2)}
    result = subprocess.run([sys.executable, script, "--exported", *paths],
                            capture_output=True, text=True, timeout=1800, env=env)
    found: dict[str, tuple[bool, str]] = {}
    current = None
    for line in result.stdout.splitlines():
        match = RESULT_LINE.match(line)
        if match and match.group(2) in paths:
            current = paths[match.group(2)]
            found[current] = (match.group(1) == "ok  ", line)
        elif current is not None:
            passed, said = found[current]
            found[current] = (passed, said + "\n" + line)
    for page in pages:  # the runner stopped before it: say how
        found.setdefault(page, (False, f"no result (exit {result.returncode}):\n"
                                       f"{result.stdout[-2000:]}\n{result.stderr[-2000:]}"))
    return found


@pytest.fixture(scope="module")
def runs(request) -> dict[str, tuple[bool, str]]:
    """Run every selected page when the first page test needs the results: two runner processes,
    each with every other page (a runner's own start-up is paid twice, not once a page)."""
    selected = [item.callspec.params["page"] for item in request.session.items
                if getattr(item, "originalname", "") == "test_exported_notebook_runs_alone_outside_the_book"]
    found: dict[str, tuple[bool, str]] = {}
    with ThreadPoolExecutor(max_workers=2) as pool:
        for part in pool.map(run_alone, [selected[0::2], selected[1::2]]):
            found.update(part)
    return found


@pytest.mark.book
@pytest.mark.parametrize("page", NOTEBOOKS)
def test_exported_notebook_runs_alone_outside_the_book(page, runs):
    passed, said = runs[page]
    assert passed, f"{page} failed:\n{said[-6000:]}"


def test_plain_markdown_turns_myst_into_jupyter_markdown():
    """Boxes become bold headings, glued values are filled in, references become the links the
    build resolved (or what the sources give, without a build), labels disappear and a labelled
    equation gets its number."""
    text = "\n".join([
        "(sec-x)=", "# Title", ":::{prf:theorem} Bayes", ":label: thm-x-bayes", "Statement.", ":::",
        "See {doc}`../linalg/inner_products`, {prf:ref}`thm-x-bayes` and {cite}`bishop2006pattern`.",
        "The accuracy is {glue:text}`acc:.1%` over {glue:text}`n` rows and {glue:text}`missing`.",
        "", "$$", "a = b", "$$ (eq-x)", "",
        "```{exercise}", ":label: ex-x-1", "Do it.", "```",
    ])
    base = "https://example.org/book/"
    links = {"{doc}`../linalg/inner_products`": [["Inner products", base + "linalg/inner_products.html"]],
             "{prf:ref}`thm-x-bayes`": [["Theorem 2.1", base + "x.html#thm-x-bayes"]],
             "{cite}`bishop2006pattern`": [["["], ["Bishop, 2006", base + "bibliography.html#id3"], ["]"]]}
    out = plain_markdown(text, {"acc": 0.9567, "n": 569}, links=links, equations={"eq-x": "2.4"})
    assert out.splitlines() == [
        "# Title", "**Theorem (Bayes).**", "Statement.",
        f"See [Inner products]({base}linalg/inner_products.html), [Theorem 2.1]({base}x.html#thm-x-bayes)"
        f" and [[Bishop, 2006]({base}bibliography.html#id3)].",
        "The accuracy is 95.7% over 569 rows and `missing`.",
        "", "$$", "a = b", "\\tag{2.4}", "$$", "",
        "**Exercise.**", "Do it.",
    ]
    # Without a build: the fallback resolves each role, and an unnumbered equation loses its label.
    out = plain_markdown(text, {}, fallback=lambda role, content: [[f"<{role}>", base]])
    assert f"See [<doc>]({base}), [<prf:ref>]({base}) and [<cite>]({base})." in out.splitlines()
    assert "$$ (eq-x)" not in out and "\\tag" not in out


def test_exporting_without_a_build_leaves_no_label_or_path():
    """A page exported with no build (no outputs, no resolved links) still shows no label name,
    role or source path: titles come from the pages, kinds from the directives."""
    from m4ml_book.notebook_export import SourceLabels, export

    labels = set(SourceLabels(BOOK).pages)
    for page in ("optim/logistic", "appendix/datasets"):
        nb = export(BOOK / f"{page}.md", None, page=page, book=BOOK, links=None)
        prose = "\n".join(c.source for c in nb.cells if c.cell_type == "markdown")
        shown = re.sub(r"\]\([^()\s]*\)", "]", prose)
        assert not re.search(r"\{[\w:-]+\}`", shown) and "../" not in shown
        assert not [lab for lab in labels if re.search(rf"(?<![\w-]){re.escape(lab)}(?![\w-])", shown)]
        assert not any(c.get("outputs") for c in nb.cells if c.cell_type == "code")


def test_plain_markdown_converts_nested_directives_figures_and_roles_anywhere():
    """Read with MyST's own parser: a proof inside an exercise inside a solution's text, a role
    in a directive's title, in a list and in a table, a target and a labelled equation inside a
    list item, a figure directive and a comment all come out as plain Markdown."""
    text = "\n".join([
        "::::{exercise} Bound {glue:text}`n`", ":label: ex-n", "", "Prove {eq}`eq-n`.", "",
        ":::{prf:proof}", "By {prf:ref}`thm-n`.", "", "```{admonition} Hint", "Square it.", "```", ":::",
        "::::", "",
        "- one {ref}`sec-n`", "- two {doc}`the inner", "  products <x>` here", "  (sec-m)=", "  $$", "  x",
        "  $$ (eq-m)", "", "| a | b |", "|---|---|",
        "| {glue:text}`n` | {doc}`x` |", "", "```{figure} ../images/a.png", ":name: fig-a", "",
        "The {math}`L^2` ball.", "```", "", "% a note for authors", "Done.",
    ])
    out = plain_markdown(text, {"n": 3}, equations={"eq-m": "4.1"})
    lines = out.splitlines()
    assert lines[0] == "**Exercise (Bound 3).**"
    assert "Prove eq-n." in lines and "*Proof.*" in lines and "By thm-n." in lines
    assert "> **Hint**" in lines and "Square it." in lines
    assert "- two the inner products here" in " ".join(lines)
    assert "- one sec-n" in lines and "  \\tag{4.1}" in lines and "  $$ (eq-m)" not in lines
    assert "| 3 | x |" in lines
    assert "*(In the book this shows a figure: The $L^2$ ball.)*" in lines
    assert lines[-1] == "Done." and not any("%" in line for line in lines)
    assert not re.search(r"\{[\w:-]+\}`|^\s*(`{3,}|:{3,})|:label:|:name:|\(sec-m\)=", out, re.M), out


@pytest.mark.book
def test_every_exported_notebook_holds_no_myst_markup(built_book):
    """Every page's notebook, as the site offers it: no directive fence, role, option, target or
    label line of MyST is left in its Markdown, and its code cells carry outputs."""
    import json

    for page in NOTEBOOKS:
        nb = json.loads((built_book / "_sources" / f"{page}.ipynb").read_text(encoding="utf-8"))
        prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        for markup in (r"\{[\w:-]+\}`", r"^[ \t]*:{3,}", r"^[ \t]*`{3,}\{", r"^[ \t]*:[\w-]+:[ \t]",
                       r"^[ \t]*\([\w-]+\)=[ \t]*$", r"^[ \t]*\$\$[ \t]*\([\w-]+\)", r"\{prf:", r"\{glue"):
            found = re.search(markup, prose, re.M)
            assert not found, f"{page}: MyST markup {found.group(0)!r} left in the notebook"
        assert any(c.get("outputs") for c in nb["cells"] if c["cell_type"] == "code"), page


def test_a_build_exports_again_only_the_notebooks_whose_inputs_changed(tmp_path):
    """In a build, a page's notebook is rewritten only when its key changes: its source, its
    cached run, or its resolved references (a prose edit re-exports one page, not the book)."""
    import shutil

    from m4ml_book.notebook_export import export_all, export_key
    from m4ml_book.toc import notebook_pages

    book = tmp_path / "book"
    shutil.copytree(BOOK, book, ignore=shutil.ignore_patterns("_build", "_vendor"))
    pages = [p for p in notebook_pages(book) if p != "intro"][:4]
    toc = book / "_toc.yml"  # a small book: the first four notebook pages
    toc.write_text("format: jb-book\nroot: intro\nchapters:\n"
                   + "".join(f"  - file: {p}\n" for p in pages), encoding="utf-8")
    out, keys = tmp_path / "out", tmp_path / "keys.json"
    runs = {p: f"run-{p}" for p in ["intro", *pages]}
    paths = export_all(out, book=book, runs=runs, keys_path=keys)
    assert [p.relative_to(out).as_posix() for p in paths] == [f"{p}.ipynb" for p in ["intro", *pages]]
    stamp = {p: p.stat().st_mtime_ns for p in paths}

    def rewritten():
        return {p.relative_to(out).with_suffix("").as_posix() for p in export_all(
            out, book=book, runs=runs, keys_path=keys) if p.stat().st_mtime_ns != stamp[p]}

    assert rewritten() == set()
    edited = book / f"{pages[1]}.md"
    edited.write_text(edited.read_text(encoding="utf-8") + "\nOne more sentence.\n", encoding="utf-8")
    assert rewritten() == {pages[1]}
    stamp.update({p: p.stat().st_mtime_ns for p in out.rglob("*.ipynb")})
    runs[pages[2]] = "a new run"  # the page was executed again: new outputs and glued values
    assert rewritten() == {pages[2]}
    before = export_key(book / f"{pages[0]}.md", runs[pages[0]], {}, pages[0], book)
    links = {"pages": {pages[0]: {"roles": {"{ref}`x`": [["Section 9.9", "u"]]}}}}
    assert export_key(book / f"{pages[0]}.md", runs[pages[0]], links, pages[0], book) != before
