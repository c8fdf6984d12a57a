"""Every executed page as a Jupyter notebook that runs anywhere ``m4ml`` is installed.

As a Sphinx extension, it writes ``_sources/<page>.ipynb`` next to each page of the built site
(the theme's download menu then offers ".ipynb") and ``_downloads/math4ml-notebooks.zip`` with all
of them. As a script, ``python book/_ext/notebook_export.py OUT_DIR`` writes the same notebooks and
the zip into OUT_DIR (``make notebooks``).

A page is a MyST Markdown notebook; the exported notebook differs from it only so that it reads
and runs well in plain Jupyter, with no file of the book and no package of the book's toolchain:

* ``from myst_nb import glue`` becomes ``from m4ml.book import glue`` (same call, no MyST-NB);
* numbers that the prose takes from the code (``{glue:text}`` roles) are filled in with the
  values of the last build, when the execution cache has them;
* MyST-only markup becomes plain Markdown: theorem/definition/proof boxes become bold headings,
  exercises and solutions are labelled, cross-reference roles keep their text;
* a first cell says where the notebook comes from and what it needs.
"""

from __future__ import annotations

import ast
import re
import sys
import zipfile
from pathlib import Path

import jupytext
import nbformat
import yaml

HERE = Path(__file__).resolve()
BOOK = HERE.parents[1]
ZIP_NAME = "math4ml-notebooks.zip"
GLUE_IMPORT = re.compile(r"^from myst_nb import glue\s*$", re.M)
PRF = re.compile(r"^:{3,}\{prf:(\w+)\}\s*(.*)$")
FENCE_DIRECTIVE = re.compile(r"^(`{3,}|:{3,})\{([\w:-]+)\}\s*(.*)$")
OPTION = re.compile(r"^:[\w-]+:.*$")
GLUE_ROLE = re.compile(r"\{glue(?::text)?\}`([^`:]+)(?::([^`]*))?`")
DOC_ROLE = re.compile(r"\{doc\}`(?:([^`<]+?)\s*<[^`>]+>|([^`]+))`")
OTHER_ROLE = re.compile(r"\{(?:prf:ref|ref|numref|eq|cite|cite:t|cite:p|term)\}`([^`]+)`")


def toc_pages(book: Path = BOOK) -> list[str]:
    toc = yaml.safe_load((book / "_toc.yml").read_text(encoding="utf-8"))
    pages = [toc["root"]]

    def walk(entries):
        for entry in entries:
            if "file" in entry:
                pages.append(entry["file"])
            walk(entry.get("sections", []))
            walk(entry.get("chapters", []))

    for part in toc.get("parts", []):
        walk(part.get("chapters", []))
    return pages


def is_notebook(path: Path) -> bool:
    text = path.read_text(encoding="utf-8")
    return text.startswith("---") and "kernelspec:" in text.split("---", 2)[1]


def glued_values(source: Path, cache_dir: Path | None) -> dict[str, object]:
    """Values glued by the page in its last cached execution ({} when there is none)."""
    if cache_dir is None or not cache_dir.is_dir():
        return {}
    try:
        from jupyter_cache import get_cache

        cache = get_cache(str(cache_dir))
        record = cache.get_cached_project_nb(str(source))
        if record is None:
            return {}
        nb = cache.get_cache_bundle(record.pk).nb
    except Exception:  # noqa: BLE001 - a missing or stale cache only means no values
        return {}
    values = {}
    for cell in nb.cells:
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


def _format(value: object, spec: str | None) -> str:
    try:
        return format(value, spec or "")
    except (TypeError, ValueError):
        return str(value)


def plain_markdown(text: str, values: dict[str, object]) -> str:
    """MyST markup to plain Markdown that Jupyter renders."""
    out, stack = [], []
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
        line = GLUE_ROLE.sub(lambda m: _format(values[m.group(1)], m.group(2)) if m.group(1) in values
                             else f"`{m.group(1)}`", line)
        line = DOC_ROLE.sub(lambda m: (m.group(1) or m.group(2)).strip(), line)
        line = OTHER_ROLE.sub(lambda m: m.group(1).split("<")[0].strip(), line)
        out.append(line)
    return re.sub(r"^\([\w-]+\)=\s*$\n?", "", "\n".join(out), flags=re.M)


def math_macros(book: Path = BOOK) -> str:
    """The book's MathJax macros (``_config.yml``) as \\newcommand definitions for Jupyter."""
    config = yaml.safe_load((book / "_config.yml").read_text(encoding="utf-8"))
    macros = config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]
    return "".join(f"\\newcommand{{\\{name}}}{{{body}}}" for name, body in macros.items())


def export(source: Path, cache_dir: Path | None = None, *, page: str = "", book: Path = BOOK) -> nbformat.NotebookNode:
    """The portable notebook of one page."""
    nb = jupytext.read(source)
    values = glued_values(source, cache_dir)
    for cell in nb.cells:
        if cell.cell_type == "code":
            cell.source = GLUE_IMPORT.sub("from m4ml.book import glue", cell.source)
        elif cell.cell_type == "markdown":
            cell.source = plain_markdown(cell.source, values)
        cell.metadata.pop("editable", None)
    intro = nbformat.v4.new_markdown_cell(
        f"*This notebook is the page `{page or source.stem}` of* Mathematics for Machine Learning (Math4ML). "
        "It needs Python 3.11+ and the book's package: `pip install m4ml` from the book's repository "
        "(see its README). Cross-references to other pages are shown as plain text; the book shows "
        "them as links. Run the cells from the top.\n\n"
        f"${math_macros(book)}$")
    nb.cells.insert(0, intro)
    nb.metadata.pop("jupytext", None)
    nb.metadata["kernelspec"] = {"display_name": "Python 3", "language": "python", "name": "python3"}
    nb.metadata["language_info"] = {"name": "python"}
    nbformat.validate(nb)
    return nb


def export_all(out_dir: Path, *, book: Path = BOOK, cache_dir: Path | None = None) -> list[Path]:
    """Write every notebook page as ``out_dir/<page>.ipynb`` and the zip of all; return the paths."""
    cache_dir = cache_dir if cache_dir is not None else book / "_build" / ".jupyter_cache"
    written = []
    for page in toc_pages(book):
        source = book / f"{page}.md"
        if not source.is_file() or not is_notebook(source):
            continue
        target = out_dir / f"{page}.ipynb"
        target.parent.mkdir(parents=True, exist_ok=True)
        # A page's glued values change only when its code does, which changes its source file:
        # an export newer than its source (and than the exporter) is still right.
        if not (target.is_file() and target.stat().st_mtime >= max(source.stat().st_mtime, HERE.stat().st_mtime)):
            nbformat.write(export(source, cache_dir, page=page, book=book), target)
        written.append(target)
    return written


def write_zip(paths: list[Path], root: Path, zip_path: Path) -> None:
    zip_path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(zip_path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in paths:
            archive.write(path, arcname=f"math4ml/{path.relative_to(root).as_posix()}")


# ----------------------------------------------------------------------- Sphinx extension
def _set_download(app, pagename, templatename, context, doctree) -> None:
    source = Path(app.srcdir) / f"{pagename}.md"
    if doctree is not None and source.is_file() and is_notebook(source):
        context["ipynb_source"] = f"{pagename}.ipynb"


def _write_notebooks(app, exception) -> None:
    if exception is not None or app.builder.format != "html":
        return
    book = Path(app.srcdir)
    if not (book / "_toc.yml").is_file():
        return  # a single-page build (`jupyter-book build page.md`) has no book to export
    sources = Path(app.outdir) / "_sources"
    cache = Path(app.outdir).parent / ".jupyter_cache"
    paths = export_all(sources, book=book, cache_dir=cache)
    archive = Path(app.outdir) / "_downloads" / ZIP_NAME
    if not archive.is_file() or any(p.stat().st_mtime > archive.stat().st_mtime for p in paths):
        write_zip(paths, sources, archive)


def setup(app) -> dict:
    # before sphinx-book-theme builds its download menu (priority 501) from ipynb_source
    app.connect("html-page-context", _set_download, priority=400)
    app.connect("build-finished", _write_notebooks)
    return {"parallel_read_safe": True, "parallel_write_safe": True}


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: python book/_ext/notebook_export.py OUT_DIR", file=sys.stderr)
        return 2
    out = Path(argv[0]).resolve()
    paths = export_all(out)
    write_zip(paths, out, out / ZIP_NAME)
    print(f"wrote {len(paths)} notebooks and {out / ZIP_NAME}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
