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
  exercises and solutions are labelled, label lines and comments are dropped. The Markdown is
  read with MyST-Parser's own markdown-it parser (the book's syntax extensions), so nested
  directives, roles in lists, tables and titles, and labels inside list items are found as
  Sphinx finds them; blocks are otherwise copied as the author wrote them;
* a first cell says where the notebook comes from and what it needs.
"""

from __future__ import annotations

import ast
import functools
import hashlib
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
# the key of each exported notebook, beside the notebooks (see export_all)
EXPORT_KEYS_NAME = "m4ml-export-keys.json"
GLUE_IMPORT = re.compile(r"^from myst_nb import glue\s*$", re.M)
# Every cross-reference role the pages use, and which Sphinx domain and reference type resolves
# it. Its content is a target or "text <target>".
ROLE_TYPES = {"doc": ("std", "doc"), "ref": ("std", "ref"), "numref": ("std", "numref"),
              "prf:ref": ("prf", "ref"), "eq": ("math", "eq"), "cite": ("cite", "p"),
              "cite:t": ("cite", "t"), "cite:p": ("cite", "p")}
EXPLICIT = re.compile(r"^(.+?)\s*<([^<>]+)>$", re.S)
# MyST's syntax extensions the book enables (parse.myst_enable_extensions in _config.yml).
MYST_EXTENSIONS = ("amsmath", "colon_fence", "dollarmath", "deflist", "substitution")
# Directives whose body is not Markdown, and the words a notebook shows instead of them.
NOT_MARKDOWN = {"literalinclude": "the source of", "tableofcontents": "the", "bibliography": "the",
                "execution-status": "the"}
ADMONITIONS = {"admonition", "note", "tip", "warning", "important"}
# Tags of cells whose output the page does not show.
HIDDEN_OUTPUT_TAGS = {"remove-cell", "remove-output"}
GLUE_MIME_PREFIX = names.GLUE_MIME_PREFIX


def base_url(book: Path) -> str:
    """Where the book is published (``html.baseurl`` in ``_config.yml``), ending in a slash."""
    url = (book_config(book).get("html") or {}).get("baseurl") or ""
    return url if not url or url.endswith("/") else url + "/"


def book_config(book: Path) -> dict:
    """``_config.yml``, parsed once per version of the file (a build asks hundreds of times)."""
    path = book / "_config.yml"
    return _parse_config(path, path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _parse_config(path: Path, mtime_ns: int) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


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


def _directive_options(content: str) -> dict:
    """A directive's options (``:key: value`` lines, or a YAML block between ``---`` lines)."""
    lines = content.split("\n")
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        options = yaml.safe_load("\n".join(lines[1:end])) if end else None
        return options if isinstance(options, dict) else {}
    body = _directive_body(content)
    head = content[:len(content) - len(body)] if body else content
    options = {}
    for line in head.split("\n"):
        if line.startswith(":"):
            key, _, value = line[1:].partition(":")
            options[key.strip()] = value.strip()
    return options


def source_labels(text: str):
    """Every label a MyST page defines, as (label, kind): targets ``(label)=``, labelled display
    equations, directives' ``:label:`` (kind: the directive's name) and code cells' figure
    names (MyST-NB's ``mystnb.figure.name``), nested ones included."""
    for token in myst_parser().parse(text):
        if token.type == "myst_target":
            yield token.content, None
        elif token.type == "math_block_label":
            yield token.info, None
        directive = _directive(token)
        if directive is None:
            continue
        name, _ = directive
        options = _directive_options(token.content)
        if options.get("label"):
            yield str(options["label"]), name.partition(":")[2] or name
        figure = ((options.get("mystnb") or {}).get("figure") or {}) if name == "code-cell" else {}
        if isinstance(figure, dict) and figure.get("name"):
            yield str(figure["name"]), None
        if name not in NOT_MARKDOWN and name not in {"code-cell", "math"}:
            yield from source_labels(_directive_body(token.content))


class SourceLabels:
    """Where each label of the book is defined, read from the page sources (no build needed).

    The fallback of :func:`export` when no build has resolved the references: it gives the
    page of a label and a word for its kind, but not the numbers, which only Sphinx assigns.
    """

    KINDS = {"prf": None, "eq": "an equation", "fig": "a figure", "ex": "an exercise",
             "sec": "a section"}

    def __init__(self, book: Path):
        self.book = book
        self.pages: dict[str, str] = {}
        self.titles: dict[str, str] = {}
        self.kinds: dict[str, str] = {}
        for page in toc_pages(book):
            source = book / f"{page}.md"
            if not source.is_file():
                continue
            self.titles[page] = page_title(book, page)
            for label, kind in source_labels(source.read_text(encoding="utf-8")):
                self.pages.setdefault(label, page)
                if kind:
                    self.kinds[label] = kind

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


# ----------------------------------------------------------------------- MyST, read by MyST's parser
@functools.lru_cache(maxsize=1)
def myst_parser():
    """MyST-Parser's own markdown-it parser, configured with the book's syntax extensions."""
    from markdown_it.renderer import RendererHTML
    from myst_parser.config.main import MdParserConfig
    from myst_parser.parsers.mdit import create_md_parser

    return create_md_parser(MdParserConfig(enable_extensions=set(MYST_EXTENSIONS)), RendererHTML)


def _directive(token) -> tuple[str, str] | None:
    """(name, argument) of a fence that is a MyST directive (```{name} arg or :::{name} arg)."""
    if token.type not in ("fence", "colon_fence") or not token.info.startswith("{"):
        return None
    name, _, arg = token.info[1:].partition("}")
    return name.strip(), arg.strip()


def _directive_body(content: str) -> str:
    """A directive's content without its options (``:key: value`` lines or a YAML block)."""
    lines = content.split("\n")
    if lines and lines[0].strip() == "---":
        end = next((i for i, line in enumerate(lines[1:], 1) if line.strip() == "---"), 0)
        return "\n".join(lines[end + 1:])
    start = 0
    while start < len(lines) and lines[start].startswith(":") and lines[start].count(":") >= 2 \
            and lines[start][1:lines[start].index(":", 1)].replace("-", "").replace("_", "").isalnum():
        start += 1
    return "\n".join(lines[start:])


def _block_end(tokens, i: int) -> int:
    """Index just after the top-level block that starts at ``tokens[i]``."""
    if tokens[i].nesting != 1:
        return i + 1
    depth, j = 0, i
    while True:
        depth += tokens[j].nesting
        j += 1
        if depth == 0:
            return j


def iter_roles(text: str):
    """Every role of a MyST text as (name, content), in order, directive bodies included
    (not code cells or other bodies that are not Markdown)."""
    for token in myst_parser().parse(text):
        directive = _directive(token)
        if directive is not None:
            name, arg = directive
            if name not in NOT_MARKDOWN and name not in {"code-cell", "math"}:
                yield from _inline_roles(arg)
                yield from iter_roles(_directive_body(token.content))
        for child in token.children or ():
            if child.type == "myst_role":
                yield child.meta["name"], child.content


def _inline_roles(text: str):
    for token in myst_parser().parseInline(text):
        for child in token.children or ():
            if child.type == "myst_role":
                yield child.meta["name"], child.content


def role_source(name: str, content: str, text: str, start: int = 0) -> tuple[int, str]:
    """Where the role (name, content) is written in ``text`` from ``start``, and how."""
    found = []
    for ticks in ("`", "``", "```"):
        written = f"{{{name}}}{ticks}{content}{ticks}"
        at = text.find(written, start)
        if at >= 0:
            found.append((at, -len(ticks), written))
    if not found:  # a role broken over lines of an indented block: the parser drops the indent
        words = r"\s+".join(map(re.escape, content.split()))
        match = re.compile(r"\{%s\}(`+)\s*%s\s*\1" % (re.escape(name), words)).search(text, start)
        if match is None:
            raise ValueError(f"the role {{{name}}} with {content!r} is not in the text")
        return match.start(), match.group(0)
    at, _, written = min(found)
    return at, written


class MystToMarkdown:
    """A MyST Markdown cell as Markdown that Jupyter renders, read with MyST's own parser.

    Blocks are copied from the source as written (lists, tables and emphasis stay as the
    author wrote them), with their roles replaced; MyST-only blocks are rewritten: directives
    (nested ones included) become bold headings with their converted bodies, targets and
    comments disappear, and a labelled display equation gets its number as a tag.
    """

    def __init__(self, values: dict[str, object], links: dict, equations: dict[str, str],
                 fallback=None):
        self.values, self.links, self.equations, self.fallback = values, links, equations, fallback

    # --- roles
    def role(self, name: str, content: str) -> str:
        if name in ("glue", "glue:text", "glue:any"):
            key, _, spec = content.partition(":")
            return _format(self.values[key], spec) if key in self.values else f"`{key}`"
        if name in ROLE_TYPES:
            written = f"{{{name}}}`{content}`"
            if self.links.get(written):
                return render_parts(self.links[written])
            if self.fallback is not None:
                return render_parts(self.fallback(name, content))
            text, target = split_role(content)
            return text or target
        if name == "math":
            return f"${content}$"
        return split_role(content)[0] or split_role(content)[1]

    def replace_roles(self, text: str, roles) -> str:
        out, cursor = [], 0
        for name, content in roles:
            at, written = role_source(name, content, text, cursor)
            out.append(text[cursor:at])
            out.append(self.role(name, content))
            cursor = at + len(written)
        out.append(text[cursor:])
        return "".join(out)

    # --- blocks
    def convert(self, text: str) -> list[str]:
        lines = text.split("\n")
        tokens = myst_parser().parse(text)
        out: list[str] = []
        line = 0
        i = 0
        while i < len(tokens):
            token = tokens[i]
            end = _block_end(tokens, i)
            if token.map is None:
                i = end
                continue
            first, last = token.map
            out.extend(lines[line:first])  # blank lines between blocks
            line = max(line, last)
            out.extend(self.block(tokens[i:end], lines[first:last]))
            i = end
        out.extend(line_ for line_ in lines[line:] if not line_.strip())
        return out

    def block(self, tokens, source: list[str]) -> list[str]:
        token = tokens[0]
        if token.type in ("myst_target", "myst_line_comment"):
            return []
        directive = _directive(token)
        if directive is not None:
            return self.directive(*directive, token.content)
        if token.type == "fence" or token.type == "code_block":
            return source
        if token.type == "math_block_label":
            return self.labelled_math(token, source)
        # A container (list, quote, table) or a paragraph: MyST blocks nested in it are rewritten
        # in place, bottom up so that line numbers hold; then the roles of its text.
        first = token.map[0]
        source = list(source)
        for inner in sorted((t for t in tokens[1:] if t.map is not None and self.is_myst_block(t)),
                            key=lambda t: -t.map[0]):
            start, stop = inner.map[0] - first, inner.map[1] - first
            indent = source[start][:len(source[start]) - len(source[start].lstrip())]
            rewritten = self.block([inner], [line.removeprefix(indent) for line in source[start:stop]])
            source[start:stop] = [indent + line if line else line for line in rewritten]
        roles = [(c.meta["name"], c.content) for t in tokens for c in (t.children or ())
                 if c.type == "myst_role"]
        return self.replace_roles("\n".join(source), roles).split("\n") if roles else source

    @staticmethod
    def is_myst_block(token) -> bool:
        return (token.type in ("myst_target", "myst_line_comment", "math_block_label")
                or _directive(token) is not None)

    def labelled_math(self, token, source: list[str]) -> list[str]:
        """``$$ ... $$ (label)`` with the label's number as a tag (or no label without one)."""
        number = self.equations.get(token.info)
        closing = source[-1]
        indent = closing[:len(closing) - len(closing.lstrip())]
        return [*source[:-1], *([f"{indent}\\tag{{{number}}}"] if number else []), f"{indent}$$"]

    def directive(self, name: str, arg: str, content: str) -> list[str]:
        arg = self.replace_roles(arg, list(_inline_roles(arg))) if arg else ""
        body = _directive_body(content)
        if name == "math":
            return ["$$", *body.rstrip("\n").split("\n"), "$$"]
        if name in NOT_MARKDOWN:
            what = " ".join(f"{NOT_MARKDOWN[name]} {name if name != 'literalinclude' else ''} {arg}".split())
            return [f"*(In the book this shows {what}.)*"]
        if name.startswith("prf:"):
            kind = name.partition(":")[2]
            heading = "*Proof.*" if kind == "proof" else f"**{kind.capitalize()}" + (f" ({arg})" if arg else "") + ".**"
        elif name == "exercise":
            heading = "**Exercise" + (f" ({arg})" if arg else "") + ".**"
        elif name in ("solution-start", "solution"):
            heading = "**Solution.**"
        elif name == "solution-end":
            return []
        elif name in ADMONITIONS:
            heading = f"> **{arg or name.capitalize()}**"
        elif name == "rubric":
            return [f"**{arg}**"]
        elif name in ("figure", "image"):
            # the image file is not in the notebook: its caption says what the page shows
            caption = " ".join(self.convert(body.strip())).strip().rstrip(".") if body.strip() else ""
            return [f"*(In the book this shows a figure{': ' + caption if caption else ''}.)*"]
        else:
            heading = f"**{arg}**" if arg else ""
        converted = self.convert(body.rstrip("\n")) if body.strip() else []
        return [heading, *converted] if heading else converted


def plain_markdown(text: str, values: dict[str, object], *, links: dict | None = None,
                   equations: dict[str, str] | None = None,
                   fallback=None) -> str:
    """MyST markup to plain Markdown that Jupyter renders (see :class:`MystToMarkdown`).

    ``links`` maps a role as written (``{prf:ref}`thm-x```) to its resolved pieces; ``equations``
    maps an equation label to its number; ``fallback(role, content)`` resolves a role that
    ``links`` does not hold (by default the role keeps its text).
    """
    return "\n".join(MystToMarkdown(values, links or {}, equations or {}, fallback).convert(text))


def _format(value: object, spec: str | None) -> str:
    try:
        return format(value, spec or "")
    except (TypeError, ValueError):
        return str(value)


def math_macros(book: Path) -> str:
    """The book's MathJax macros (``_config.yml``) as \\newcommand definitions for Jupyter."""
    macros = book_config(book)["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
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
               links_path: Path | None = None, runs: dict[str, str] | None = None,
               keys_path: Path | None = None) -> list[Path]:
    """Write every notebook page as ``out_dir/<page>.ipynb``; return the paths.

    In a build, ``runs`` maps each page to the identity of its cached run (``page_exec``) and a
    page is written again only when its key changes: this exporter, the page's source, that run,
    the book's address and TeX macros, or the page's entry in the table of resolved references
    (:func:`export_key`). The keys of the last export are kept in ``keys_path``. Without ``runs`` (``make notebooks``), a notebook
    newer than its page, this exporter, the table and the last execution of any page is kept.
    """
    cache_dir = cache_dir if cache_dir is not None else book / names.BUILD_DIR / names.CACHE_DIR
    links_path = links_path if links_path is not None else book / names.BUILD_DIR / LINKS_NAME
    links = load_links(links_path)
    keys_path = keys_path if keys_path is not None else out_dir / EXPORT_KEYS_NAME
    try:
        old_keys = json.loads(keys_path.read_text(encoding="utf-8")) if runs is not None else {}
    except (OSError, ValueError):
        old_keys = {}
    new_keys: dict[str, str] = {}
    inputs = [p for p in (HERE, links_path) if p.is_file()]
    # every execution of a page writes its notebook under <cache>/executed/<hash>/
    last_run = None if runs is not None else max(
        (p.stat().st_mtime for p in cache_dir.glob("executed/*/*")), default=0.0)
    written = []
    for page in toc_pages(book):
        source = book / f"{page}.md"
        if not source.is_file() or not is_notebook(source):
            continue
        target = out_dir / f"{page}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        if runs is not None:
            key = new_keys[page] = export_key(source, runs.get(page), links, page, book)
            fresh = target.is_file() and old_keys.get(page) == key
        else:
            newest = max([p.stat().st_mtime for p in [source, *inputs]] + [last_run])
            fresh = target.is_file() and target.stat().st_mtime >= newest
        if not fresh:
            nbformat.write(export(source, cache_dir, page=page, book=book, links=links), target)
        written.append(target)
    if runs is not None and new_keys != old_keys:
        keys_path.write_text(json.dumps(new_keys, indent=1, sort_keys=True), encoding="utf-8")
    return written


def export_key(source: Path, run: str | None, links: dict, page: str, book: Path) -> str:
    """What one page's notebook is made from, hashed: this exporter's code, the page's source,
    the identity of its cached run, the book's address and TeX macros, and the page's resolved
    references."""
    parts = [_exporter_hash(), source.read_text(encoding="utf-8"), run or "",
             links.get("baseurl") or base_url(book), math_macros(book),
             (links.get("pages") or {}).get(page) or {}]
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


@functools.cache
def _exporter_hash() -> str:
    return hashlib.sha256(HERE.read_bytes()).hexdigest()


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


def resolve_links(app, book: Path, previous: dict | None = None) -> dict:
    """Every cross-reference role of every notebook page, resolved by Sphinx, and each page's
    equation numbers: the table that :func:`export` turns into Markdown links.

    ``previous`` is the last build's table. A page keeps its entry when neither its source nor
    anything a reference can show has changed since (:func:`_reference_state`): a prose edit
    resolves the references of one page, not of the whole book.
    """
    state = _reference_state(app, book)
    table: dict = {"baseurl": base_url(book) or app.config.html_baseurl, "state": state, "pages": {}}
    reusable = (previous or {}).get("pages", {}) if (previous or {}).get("state") == state else {}
    math = app.env.get_domain("math")
    # Sphinx unpickles a page's doctree for every numbered reference into it; while the table is
    # made, each doctree is unpickled once. Read-only use: the instance attribute only shadows
    # the method and is removed afterwards.
    env = app.env
    doctrees: dict = {}

    def get_doctree(docname: str):
        if docname not in doctrees:
            doctrees[docname] = type(env).get_doctree(env, docname)
        return doctrees[docname]

    env.get_doctree = get_doctree
    try:
        for page in toc_pages(book):
            source = book / f"{page}.md"
            if not source.is_file() or not is_notebook(source):
                continue
            text = source.read_text(encoding="utf-8")
            digest = hashlib.sha256(text.encode()).hexdigest()
            old = reusable.get(page)
            if old is not None and old.get("source") == digest:
                table["pages"][page] = old
                continue
            roles = {}
            for name, content in iter_roles(text):
                written = f"{{{name}}}`{content}`"
                if name in ROLE_TYPES and written not in roles:
                    roles[written] = _resolve_role(app, page, name, content)
            equations = {}
            for label, (docname, _) in math.equations.items():
                if docname == page:
                    parts = _resolve_role(app, page, "eq", label)
                    if parts:
                        equations[label] = parts[0][0].strip("()")
            table["pages"][page] = {"source": digest, "roles": roles, "equations": equations}
    finally:
        del env.get_doctree
    return table


# Lines of a page that can change what a reference to it shows: headings, directive headers
# (a theorem's title), labels, names and captions.
STRUCTURE_LINE = re.compile(r"^\s*(?:#|:::|```\{|\(.+\)=|:label:|:name:|name:|caption:|title:)")


def _reference_state(app, book: Path) -> str:
    """A hash of everything a resolved reference can show: numbers of sections, figures,
    equations, theorems and exercises, labels and their titles, page titles, citation keys,
    the book's address, and the structural lines of every page."""
    env = app.env
    std = env.domaindata["std"]
    structure = {}
    for page in toc_pages(book):
        source = book / f"{page}.md"
        if source.is_file():
            lines = source.read_text(encoding="utf-8").splitlines()
            structure[page] = [line for line in lines if STRUCTURE_LINE.match(line)]
    parts = [env.toc_fignumbers, env.toc_secnumbers, std["labels"], std["anonlabels"],
             env.domaindata["math"]["objects"], getattr(env, "proof_list", {}),
             sorted(str(c.key) for c in env.domaindata.get("cite", {}).get("citations", [])),
             {doc: title.astext() for doc, title in env.titles.items()},
             base_url(book) or app.config.html_baseurl, structure]
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


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
    if getattr(app, "m4ml_docs_read", 1) or not links_path.is_file():
        table = json.dumps(resolve_links(app, book, load_links(links_path)), indent=1,
                           sort_keys=True, ensure_ascii=False)
        if not links_path.is_file() or links_path.read_text(encoding="utf-8") != table:
            links_path.write_text(table, encoding="utf-8")  # rewritten only when a reference changed
    sources = Path(app.outdir) / "_sources"
    runs = getattr(app.env, "m4ml_exec_records", {})
    paths = export_all(sources, book=book, cache_dir=build / names.CACHE_DIR, links_path=links_path,
                       runs=runs, keys_path=build / EXPORT_KEYS_NAME)
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
