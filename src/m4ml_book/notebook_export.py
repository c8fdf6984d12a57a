"""Every executed page as a Jupyter notebook that runs anywhere ``m4ml`` is installed.

As a Sphinx extension, it writes ``_sources/<page>.ipynb`` next to each page of the built site
(the theme's download menu then offers ".ipynb") and ``_downloads/math4ml-notebooks.zip`` with all
of them. As a script, ``python -m m4ml_book.notebook_export BOOK OUT_DIR`` writes the same notebooks
and the zip into OUT_DIR (``make notebooks``).

A page is a MyST Markdown notebook; the exported notebook differs from it only so that it reads
like the page and runs well in plain Jupyter, with no file of the book and no package of the
book's toolchain:

* ``from myst_nb import glue`` becomes ``from m4ml.book import glue`` (same call, no MyST-NB);
* the code cells carry the outputs of the last build (text, tables, figures), so the notebook
  reads like the page before it is run; running a cell replaces its outputs. Outputs that the
  page does not show (cells tagged ``remove-cell`` or ``remove-output``, values glued with
  ``display=False``) are left out;
* numbers that the prose takes from the code (``{glue:text}`` roles) are filled in with the
  values of the last build;
* cross-references (``{doc}``, ``{ref}``, ``{numref}``, ``{prf:ref}``, ``{eq}``, ``{cite}``)
  become Markdown links to the page of the published book (``html.baseurl`` in ``_config.yml``),
  with the text the book shows for them ("Theorem 5.3", "(4.7)", "Fig. 2.1", a page's title);
  labelled equations get their number as a tag. The build resolves every reference with Sphinx
  itself and keeps the result in ``_build/notebook-links.json``; without a build the exporter
  falls back to the text it can find in the sources (titles, or the kind of the target);
* MyST-only markup becomes plain Markdown: theorem/definition/proof boxes become bold headings,
  exercises and solutions are labelled, label lines are dropped;
* a first cell says where the notebook comes from and what it needs.
"""

from __future__ import annotations

import ast
import functools
import json
import posixpath
import re
import sys
import zipfile
from pathlib import Path
from urllib.parse import urljoin

import jupytext
import nbformat
import yaml

from m4ml_book import names
from m4ml_book.toc import TOC_FILE, is_notebook, page_title, toc_pages

HERE = Path(__file__).resolve()
ZIP_NAME = names.NOTEBOOKS_ZIP
LINKS_NAME = names.LINKS_FILE
GLUE_IMPORT = re.compile(r"^from myst_nb import glue\s*$", re.M)
PRF = re.compile(r"^:{3,}\{prf:(\w+)\}\s*(.*)$")
FENCE_DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{([\w:-]+)\}\s*(.*)$")
OPTION = re.compile(r"^:[\w-]+:.*$")
GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([^`:]+)(?::([^`]*))?`")
# Every cross-reference role the pages use: (role, content), the content being a target or
# "text <target>". ROLE_TYPES says which Sphinx domain and reference type resolves it.
XREF_ROLE = re.compile(r"\{(doc|ref|numref|prf:ref|eq|cite|cite:t|cite:p)\}`([^`]+)`")
ROLE_TYPES = {"doc": ("std", "doc"), "ref": ("std", "ref"), "numref": ("std", "numref"),
              "prf:ref": ("prf", "ref"), "eq": ("math", "eq"), "cite": ("cite", "p"),
              "cite:t": ("cite", "t"), "cite:p": ("cite", "p")}
EXPLICIT = re.compile(r"^(.+?)\s*<([^<>]+)>$", re.S)
LABEL_LINE = re.compile(r"^\([\w-]+\)=\s*$\n?", re.M)
# A labelled display: "$$ (eq-label)" closes it (MyST's dollarmath).
EQ_LABEL = re.compile(r"^(\s*)\$\$\s*\(([\w-]+)\)\s*$")
# Tags of cells whose output the page does not show.
HIDDEN_OUTPUT_TAGS = {"remove-cell", "remove-output"}
GLUE_MIME_PREFIX = names.GLUE_MIME_PREFIX


def base_url(book: Path) -> str:
    """Where the book is published (``html.baseurl`` in ``_config.yml``), ending in a slash."""
    path = book / "_config.yml"
    return _base_url(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _base_url(path: Path, mtime_ns: int) -> str:
    """Parsed once per version of the file: a build resolves hundreds of references."""
    config = yaml.safe_load(path.read_text(encoding="utf-8"))
    url = (config.get("html") or {}).get("baseurl") or ""
    return url if not url or url.endswith("/") else url + "/"


# ----------------------------------------------------------------------- the last build's run
def executed_notebook(source: Path, cache_dir: Path | None) -> nbformat.NotebookNode | None:
    """The page as last executed by the build (jupyter-cache), or None when there is none.

    The cache is keyed by a hash of the page's code cells (m4ml_book/page_exec.py stores each run
    under that hash), so a run is found only for exactly the page's current code.
    """
    if cache_dir is None or not cache_dir.is_dir():
        return None
    try:
        from jupyter_cache import get_cache

        cache = get_cache(str(cache_dir))
        record = cache.match_cache_notebook(jupytext.read(source))
        return cache.get_cache_bundle(record.pk).nb
    except Exception:  # noqa: BLE001 - a missing or stale cache only means no outputs or values
        return None


def glued_values(executed: nbformat.NotebookNode | None) -> dict[str, object]:
    """Values glued by the page in its last execution ({} when there is none)."""
    values: dict[str, object] = {}
    for cell in executed.cells if executed is not None else []:
        for output in cell.get("outputs", []):
            meta = output.get("metadata", {}).get("scrapbook")
            if not meta:
                continue
            text = output.get("data", {}).get(meta.get("mime_prefix", "") + "text/plain")
            if text is None:
                continue
            try:
                values[meta["name"]] = ast.literal_eval(text)
            except (ValueError, SyntaxError):
                values[meta["name"]] = text.strip("'\"")
    return values


def shown_outputs(cell: nbformat.NotebookNode) -> list:
    """The outputs of an executed cell that the page shows, as Jupyter will show them.

    A value glued with ``display=False`` is stored under a MIME type Jupyter cannot render and
    that ``m4ml.book.glue`` does not produce: it is left out. A value glued with ``display=True``
    keeps its output without MyST-NB's metadata.
    """
    if HIDDEN_OUTPUT_TAGS & set(cell.metadata.get("tags", [])):
        return []
    shown = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        if data and all(key.startswith(GLUE_MIME_PREFIX) for key in data):
            continue
        output = nbformat.from_dict(output)
        output.get("metadata", {}).pop("scrapbook", None)
        shown.append(output)
    return shown


def copy_outputs(nb: nbformat.NotebookNode, executed: nbformat.NotebookNode | None) -> int:
    """Give the code cells of ``nb`` the outputs of the same cells in ``executed``.

    Cells are matched in order and only when their code is identical; returns the number of
    cells that received outputs.
    """
    if executed is None:
        return 0
    ran = [c for c in executed.cells if c.cell_type == "code"]
    mine = [c for c in nb.cells if c.cell_type == "code"]
    if [c.source for c in ran] != [c.source for c in mine]:
        return 0
    filled = 0
    for cell, done in zip(mine, ran):
        cell.outputs = shown_outputs(done)
        cell.execution_count = done.get("execution_count") if cell.outputs else None
        filled += bool(cell.outputs)
    return filled


# ----------------------------------------------------------------------- cross-references
def split_role(content: str) -> tuple[str | None, str]:
    """``"text <target>"`` -> (text, target); ``"target"`` -> (None, target)."""
    match = EXPLICIT.match(content.strip())
    return (match.group(1).strip(), match.group(2).strip()) if match else (None, content.strip())


def escape_link_text(text: str) -> str:
    """Link text on one line, with round brackets for square ones (a backslash escape would look
    like a MathJax delimiter to Jupyter)."""
    return " ".join(text.split()).replace("[", "(").replace("]", ")")


def markdown_link(text: str, url: str) -> str:
    return f"[{escape_link_text(text)}]({url})"


def render_parts(parts: list[list[str]]) -> str:
    """A resolved reference, a list of [text] and [text, url] pieces, as Markdown."""
    return "".join(markdown_link(*piece) if len(piece) == 2 else piece[0] for piece in parts)


class SourceLabels:
    """Where each label of the book is defined, read from the page sources (no build needed).

    The fallback of :func:`export` when no build has resolved the references: it gives the
    page of a label and a word for its kind, but not the numbers, which only Sphinx assigns.
    """

    KINDS = {"prf": None, "eq": "an equation", "fig": "a figure", "ex": "an exercise",
             "sec": "a section"}
    PATTERNS = (re.compile(r"^:label:\s*(\S+)", re.M), re.compile(r"^\(([\w-]+)\)=\s*$", re.M),
                re.compile(r"^\s*\$\$\s*\(([\w-]+)\)\s*$", re.M), re.compile(r"^\s*name:\s*(\S+)", re.M))

    def __init__(self, book: Path):
        self.book = book
        self.pages: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        for page in toc_pages(book):
            source = book / f"{page}.md"
            if not source.is_file():
                continue
            text = source.read_text(encoding="utf-8")
            self.titles[page] = page_title(book, page)
            for match in re.finditer(r"^(:{3,}|`{3,})\{(?:prf:)?(\w+)\}[^\n]*\n(?::[\w-]+:[^\n]*\n)*?"
                                     r":label:\s*(\S+)", text, re.M):
                self.kinds[match.group(3)] = match.group(2)
            for pattern in self.PATTERNS:
                for match in pattern.finditer(text):
                    self.pages.setdefault(match.group(1), page)

    def resolve(self, page: str, role: str, content: str, base: str) -> list[list[str]]:
        text, target = split_role(content)
        if role == "doc":
            docname = posixpath.normpath(posixpath.join(posixpath.dirname(page), target))
            return [[text or self.titles.get(docname, docname), f"{base}{docname}.html"]]
        if role.startswith("cite"):
            pieces = [[self.citation(key.strip()), f"{base}bibliography.html"] for key in target.split(",")]
            return [["["], *sum(([p, ["; "]] for p in pieces), [])[:-1], ["]"]]
        where = self.pages.get(target)
        if text is None:
            kind = self.kinds.get(target)
            text = (("an " if kind[0] in "aeiou" else "a ") + kind if kind else
                    self.KINDS.get(target.split("-")[0]) or "a result")
            if where and where != page:
                text += f" of “{self.titles.get(where, where)}”"
        url = f"{base}{where}.html#{target}" if where else f"{base}{page}.html"
        return [[text, url]]


    def citation(self, key: str) -> str:
        """``Author, year`` of a reference of ``references.bib`` (the key itself if unreadable)."""
        if not hasattr(self, "_bib"):
            try:
                from pybtex.database import parse_file

                self._bib = parse_file(str(self.book / "references.bib")).entries
            except Exception:  # noqa: BLE001 - without pybtex the key is all there is
                self._bib = {}
        entry = self._bib.get(key)
        if entry is None:
            return key
        names = [" ".join(p.last_names).strip("{}") for p in entry.persons.get("author", [])]
        if not names:
            who = entry.fields.get("organization", key).strip("{}")
        elif len(names) == 1:
            who = names[0]
        elif len(names) == 2 and names[1] != "others":
            who = f"{names[0]} and {names[1]}"
        else:
            who = f"{names[0]} et al."
        return f"{who}, {entry.fields.get('year', 'n.d.')}"


def load_links(path: Path | None) -> dict:
    """The references resolved by the last build (``_build/notebook-links.json``), or {}."""
    if path is None or not path.is_file():
        return {}
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def plain_markdown(text: str, values: dict[str, object], *, links: dict | None = None,
                   equations: dict[str, str] | None = None,
                   fallback=None) -> str:
    """MyST markup to plain Markdown that Jupyter renders.

    ``links`` maps a role as written (``{prf:ref}`thm-x```) to its resolved pieces; ``equations``
    maps an equation label to its number; ``fallback(role, content)`` resolves a role that
    ``links`` does not hold (by default the role keeps its text).
    """
    links, equations = links or {}, equations or {}
    out, stack = [], []

    def xref(m: re.Match) -> str:
        if m.group(0) in links and links[m.group(0)]:
            return render_parts(links[m.group(0)])
        if fallback is not None:
            return render_parts(fallback(m.group(1), m.group(2)))
        return split_role(m.group(2))[0] or split_role(m.group(2))[1]

    for line in text.split("\n"):
        prf = PRF.match(line)
        directive = FENCE_DIRECTIVE.match(line)
        if prf:
            kind, title = prf.group(1), prf.group(2).strip()
            stack.append(line.split("{")[0])
            heading = kind.capitalize() + (f" ({title})" if title else "")
            out.append(f"**{heading}.**" if kind != "proof" else "*Proof.*")
            continue
        if directive:
            fence, name, arg = directive.groups()
            stack.append(fence)
            if name == "exercise":
                out.append("**Exercise" + (f" ({arg.strip()})" if arg.strip() else "") + ".**")
            elif name == "solution-start":
                out.append("**Solution.**")
            elif name in {"admonition", "note", "tip", "warning", "important"}:
                out.append(f"> **{arg.strip() or name.capitalize()}**")
            elif name == "rubric":
                out.append(f"**{arg.strip()}**")
            elif name == "math":
                out.append("$$")
            elif name in {"literalinclude", "tableofcontents", "bibliography", "execution-status"}:
                out.append(f"*(In the book this shows the {name.replace('literalinclude', 'source of')} "
                           f"{arg.strip()}.)*".replace("  ", " "))
            continue
        if stack and line.strip() and set(line.strip()) <= {"`", ":"} and line.strip() == stack[-1]:
            closed = stack.pop()
            if closed.startswith("$$"):
                out.append("$$")
            continue
        if stack and OPTION.match(line):
            continue
        labelled = EQ_LABEL.match(line)
        if labelled:
            number = equations.get(labelled.group(2))
            if number:
                out.append(f"{labelled.group(1)}\\tag{{{number}}}")
            out.append(f"{labelled.group(1)}$$")
            continue
        line = GLUE_ROLE.sub(lambda m: _format(values[m.group(1)], m.group(2)) if m.group(1) in values
                             else f"`{m.group(1)}`", line)
        line = XREF_ROLE.sub(xref, line)
        out.append(line)
    return LABEL_LINE.sub("", "\n".join(out))


def _format(value: object, spec: str | None) -> str:
    try:
        return format(value, spec or "")
    except (TypeError, ValueError):
        return str(value)


def math_macros(book: Path) -> str:
    """The book's MathJax macros (``_config.yml``) as \\newcommand definitions for Jupyter."""
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    macros = config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    return "".join(f"\\newcommand{{\\{name}}}{{{body}}}" for name, body in macros.items())


def export(source: Path, cache_dir: Path | None = None, *, page: str = "", book: Path,
           links: dict | None = None) -> nbformat.NotebookNode:
    """The portable notebook of one page.

    ``cache_dir`` is the build's jupyter-cache (outputs and glued values); ``links`` the table of
    resolved references written by the build (:func:`load_links`). Without them the notebook has
    no outputs, glue names instead of values, and references resolved from the sources only.
    """
    page = page or source.resolve().relative_to(book.resolve()).with_suffix("").as_posix()
    nb = jupytext.read(source)
    executed = executed_notebook(source, cache_dir)
    values = glued_values(executed)
    base = (links or {}).get("baseurl") or base_url(book)
    resolved = ((links or {}).get("pages") or {}).get(page, {})
    labels = None

    def fallback(role: str, content: str) -> list[list[str]]:
        nonlocal labels
        labels = labels or SourceLabels(book)
        return labels.resolve(page, role, content, base)

    copy_outputs(nb, executed)  # before the code changes below: cells are matched by their code
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = GLUE_IMPORT.sub("from m4ml.book import glue", cell.source)
        elif cell.cell_type == "markdown":
            cell.source = plain_markdown(cell.source, values, links=resolved.get("roles"),
                                         equations=resolved.get("equations"), fallback=fallback)
        cell.metadata.pop("editable", None)
        if "hide-input" in cell.metadata.get("tags", []):
            # the page folds this code away (plotting only); Jupyter folds it too
            cell.metadata["jupyter"] = {"source_hidden": True}
    home = f"[{page}]({base}{page}.html)" if base else f"`{page}`"
    intro = nbformat.v4.new_markdown_cell(
        f"*This notebook is the page {home} of* Mathematics for Machine Learning (Math4ML). "
        "It needs Python 3.11+ and the book's package: `pip install m4ml` from the book's repository "
        "(see its README). The outputs below are those of the book's last build; run the cells "
        "from the top to compute them again. Links to theorems, equations and other pages open "
        "the published book.\n\n"
        f"${math_macros(book)}$")
    nb.cells.insert(0, intro)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    if executed is not None and "widgets" in executed.metadata:
        nb.metadata["widgets"] = executed.metadata["widgets"]
    nbformat.validate(nb)
    return nb


def export_all(out_dir: Path, *, book: Path, cache_dir: Path | None = None,
               links_path: Path | None = None) -> list[Path]:
    """Write every notebook page as ``out_dir/<page>.ipynb`` and the zip of all; return the paths."""
    cache_dir = cache_dir if cache_dir is not None else book / names.BUILD_DIR / names.CACHE_DIR
    links_path = links_path if links_path is not None else book / names.BUILD_DIR / LINKS_NAME
    links = load_links(links_path)
    inputs = [p for p in (HERE, links_path) if p.is_file()]
    # every execution of a page writes its notebook under <cache>/executed/<hash>/
    last_run = max((p.stat().st_mtime for p in cache_dir.glob("executed/*/*")), default=0.0)
    written = []
    for page in toc_pages(book):
        source = book / f"{page}.md"
        if not source.is_file() or not is_notebook(source):
            continue
        target = out_dir / f"{page}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        # An export newer than its page, the exporter, the resolved references and the last
        # execution of any page is still right.
        newest = max([p.stat().st_mtime for p in [source, *inputs]] + [last_run])
        if not (target.is_file() and target.stat().st_mtime >= newest):
            nbformat.write(export(source, cache_dir, page=page, book=book, links=links), target)
        written.append(target)
    return written


def write_zip(paths: list[Path], root: Path, zip_path: Path) -> None:
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, arcname=f"math4ml/{path.relative_to(root).as_posix()}")


# ----------------------------------------------------------------------- Sphinx extension
def _resolve_role(app, page: str, role: str, content: str) -> list[list[str]] | None:
    """Resolve one role of ``page`` exactly as the HTML build does; None if it does not resolve."""
    from docutils import nodes
    from sphinx.addnodes import pending_xref

    env, builder = app.env, app.builder
    text, target = split_role(content)
    domain_name, typ = ROLE_TYPES[role]
    if domain_name == "std" and typ == "ref" and text is None:
        # sphinx-exercise shows a reference to a numbered exercise as "Exercise 5.16" (numref).
        docname = env.domaindata["std"]["labels"].get(target, ("",))[0]
        if target in env.toc_fignumbers.get(docname, {}).get("exercise", {}):
            typ = "numref"
    contnode = nodes.inline(text or target, text or target)
    node = pending_xref("", refdomain=domain_name, reftype=typ, reftarget=target,
                        refexplicit=text is not None, refdoc=page, refwarn=False)
    node += contnode
    try:
        result = env.get_domain(domain_name).resolve_xref(env, page, builder, typ, target, node, contnode)
    except Exception:  # noqa: BLE001 - an unresolved reference falls back to the sources
        return None
    if result is None:
        return None
    here = f"{base_url(Path(app.srcdir)) or app.config.html_baseurl}{page}.html"
    parts: list[list[str]] = []

    def walk(element) -> None:
        if isinstance(element, nodes.reference):
            # make_refnode gives a link within the page (refid) or relative to it (refuri)
            url = f"{here}#{element['refid']}" if element.get("refid") else urljoin(here, element.get("refuri", ""))
            parts.append([element.astext(), url])
        elif isinstance(element, nodes.Text):
            parts.append([str(element)])
        else:
            for child in element.children:
                walk(child)

    walk(result)
    return parts


def resolve_links(app, book: Path) -> dict:
    """Every cross-reference role of every notebook page, resolved by Sphinx, and each page's
    equation numbers: the table that :func:`export` turns into Markdown links."""
    table: dict = {"baseurl": base_url(book) or app.config.html_baseurl, "pages": {}}
    math = app.env.get_domain("math")
    for page in toc_pages(book):
        source = book / f"{page}.md"
        if not source.is_file() or not is_notebook(source):
            continue
        text = source.read_text(encoding="utf-8")
        roles = {}
        for match in XREF_ROLE.finditer(text):
            if match.group(0) not in roles:
                roles[match.group(0)] = _resolve_role(app, page, match.group(1), match.group(2))
        equations = {}
        for label, (docname, _) in math.equations.items():
            if docname == page:
                parts = _resolve_role(app, page, "eq", label)
                if parts:
                    equations[label] = parts[0][0].strip("()")
        table["pages"][page] = {"roles": roles, "equations": equations}
    return table


def _set_download(app, pagename, templatename, context, doctree) -> None:
    source = Path(app.srcdir) / f"{pagename}.md"
    if doctree is not None and source.is_file() and is_notebook(source):
        context["ipynb_source"] = f"{pagename}.ipynb"


def _write_notebooks(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    book = Path(app.srcdir)
    if not (book / TOC_FILE).is_file():
        return  # a single-page build (`jupyter-book build page.md`) has no book to export
    build = Path(app.outdir).parent
    links_path = build / LINKS_NAME
    # Titles and numbers change only when Sphinx reads documents again (a changed page or table
    # of contents makes it re-read them); otherwise the table of the last build still holds.
    fresh = links_path.is_file() and links_path.stat().st_mtime >= HERE.stat().st_mtime
    if getattr(app, "m4ml_docs_read", 1) or not fresh:
        table = json.dumps(resolve_links(app, book), indent=1, sort_keys=True, ensure_ascii=False)
        if not links_path.is_file() or links_path.read_text(encoding="utf-8") != table:
            links_path.write_text(table, encoding="utf-8")  # rewritten only when a reference changed
        else:
            links_path.touch()  # checked against this exporter
    sources = Path(app.outdir) / "_sources"
    paths = export_all(sources, book=book, cache_dir=build / names.CACHE_DIR, links_path=links_path)
    archive = Path(app.outdir) / "_downloads" / ZIP_NAME
    if not archive.is_file() or any(p.stat().st_mtime > archive.stat().st_mtime for p in paths):
        write_zip(paths, sources, archive)


def _count_read(app, env, docnames) -> None:
    app.m4ml_docs_read = len(docnames)


def setup(app) -> dict:
    # before sphinx-book-theme builds its download menu (priority 501) from ipynb_source
    app.connect("html-page-context", _set_download, priority=400)
    app.connect("env-before-read-docs", _count_read)
    app.connect("build-finished", _write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: python -m m4ml_book.notebook_export BOOK OUT_DIR", file=sys.stderr)
        return 2
    book, out = Path(argv[0]).resolve(), Path(argv[1]).resolve()
    paths = export_all(out, book=book)
    write_zip(paths, out, out / ZIP_NAME)
    print(f"wrote {len(paths)} notebooks and {out / ZIP_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
