"""The execution-status page: every executed page, its run time and status, and package versions.

The directive ``{execution-status}`` leaves a placeholder that a post-transform fills once every
page has been read, from the execution records MyST-NB keeps for each notebook page (taken from
jupyter-cache for cached pages). Like MyST-NB's own ``nb-exec-table``, the page is rebuilt whenever
any page is re-executed. Unlike it, the table

* lists pages in reading order, under their titles, with their part and chapter numbers;
* has a total row (and a summary sentence: count, total, median and slowest page), all computed;
* can be sorted by any column in the browser (``_assets/sortable-table.js``, added to this page only);
* marks a page that failed, with the error as a tooltip;

and a second table gives the versions of the packages the pages ran with.
"""

from __future__ import annotations

import platform
import statistics
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path

from docutils import nodes
from myst_nb.sphinx_ import NbMetadataCollector
from sphinx.addnodes import pending_xref
from sphinx.application import Sphinx
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util.docutils import SphinxDirective

from m4ml_book import names, page_exec
from m4ml_book.assets import copy_asset
from m4ml_book.toc import TOC_FILE, toc_pages

KEY = "has_execution_status"
JS = "sortable-table.js"
PACKAGES = ("m4ml", "numpy", "scipy", "pandas", "matplotlib", "scikit-learn", "plotly", "jupyter-book",
            "sphinx", "myst-nb", "jupyter-cache", "ipykernel")


class execution_status(nodes.General, nodes.Element):
    """Placeholder for the status tables."""


class ExecutionStatus(SphinxDirective):
    has_content = False

    def run(self):
        NbMetadataCollector.set_doc_data(self.env, self.env.docname, KEY, True)
        return [execution_status()]


def pages_to_update(app: Sphinx, env):
    if not NbMetadataCollector.new_exec_data(env):
        return None
    return [name for name, data in NbMetadataCollector.get_doc_data(env).items() if data.get(KEY)]


def _para(*children) -> nodes.paragraph:
    para = nodes.paragraph()
    para.extend(children)
    return para


def _table(headers: list[str], rows: list[list[nodes.Node]], *, classes: list[str], footer=None) -> nodes.table:
    table = nodes.table(classes=["colwidths-auto", *classes])
    group = nodes.tgroup(cols=len(headers))
    table += group
    for _ in headers:
        group += nodes.colspec(colwidth=1)
    head = nodes.thead()
    group += head
    row = nodes.row()
    head += row
    for name in headers:
        row += nodes.entry("", _para(nodes.Text(name)))
    body = nodes.tbody()
    group += body
    for cells in rows:
        row = nodes.row()
        body += row
        for cell in cells:
            row += nodes.entry("", _para(cell))
    if footer is not None:
        row = nodes.row(classes=[names.TOTAL_ROW_CLASS])
        body += row
        for cell in footer:
            row += nodes.entry("", _para(cell))
    return table


def _reading_order(env) -> list[str]:
    """Documents in the order of the table of contents (all found, sorted, in a book without one)."""
    book = Path(env.srcdir)
    if not (book / TOC_FILE).is_file():
        return [env.config.root_doc, *sorted(env.found_docs - {env.config.root_doc})]
    return toc_pages(book)


def _title(env, docname: str) -> str:
    title = env.titles.get(docname)
    return title.astext() if title is not None else docname


def _number(env, docname: str) -> str:
    numbers = env.toc_secnumbers.get(docname, {}).get("")
    return ".".join(map(str, numbers)) if numbers else ""


def _timings(env) -> dict:
    """Per-page start-up / imports / own-code times recorded by page_exec (empty if none)."""
    cache_path = env.mystnb_config.execution_cache_path
    return page_exec.load_timings(Path(cache_path)) if cache_path else {}


def _seconds(value) -> nodes.Text:
    return nodes.Text("–" if value is None else f"{value:.2f}")


def make_tables(env, parent: str, *, web: bool = True) -> list[nodes.Node]:
    data = NbMetadataCollector.get_doc_data(env)
    timings = _timings(env)
    records = [(doc, data[doc]["exec_data"]) for doc in _reading_order(env)
               if doc in data and data[doc].get("exec_data")]
    rows, times = [], []
    for doc, rec in records:
        link = pending_xref(refdoc=parent, reftarget="/" + doc, reftype="doc", refdomain="std",
                            refexplicit=True, refwarn=True, classes=["xref", "doc"])
        number = _number(env, doc)
        link += nodes.inline(text=f"{number} {_title(env, doc)}".strip())
        when = datetime.fromtimestamp(rec["mtime"], tz=UTC) if rec.get("mtime") else None
        split = timings.get(doc, {})
        # One source for the time and its parts: page_exec's record of the page's last run
        # (jupyter-cache's copy of the total is written by the same run, rounded differently).
        runtime = split.get("total", rec.get("runtime"))
        ok = rec.get("succeeded") is True
        if runtime is not None:
            times.append(runtime)
        status = nodes.inline(text="✓ ran" if ok else "✗ failed",
                              classes=["m4ml-ok" if ok else "m4ml-failed"])
        if not ok:
            status = nodes.abbreviation(text="✗ failed", explanation=str(rec.get("error") or "")[:500])
        rows.append([link, nodes.Text(when.strftime("%Y-%m-%d %H:%M UTC") if when else "–"),
                     _seconds(runtime), _seconds(split.get("startup")), _seconds(split.get("imports")),
                     _seconds(split.get("code")), status])
    n_ok = sum(1 for _, rec in records if rec.get("succeeded") is True)
    total = sum(times)
    parts = {key: sum(timings.get(doc, {}).get(key, 0.0) for doc, _ in records)
             for key in ("startup", "imports", "code")}
    footer = [nodes.strong(text=f"Total: {len(records)} pages"), nodes.Text(""),
              nodes.strong(text=f"{total:.2f}"), nodes.strong(text=f"{parts['startup']:.2f}"),
              nodes.strong(text=f"{parts['imports']:.2f}"), nodes.strong(text=f"{parts['code']:.2f}"),
              nodes.strong(text=f"{n_ok} of {len(records)} ran")]
    summary = _para(nodes.Text(
        f"{len(records)} pages execute code; {n_ok} of them ran without error. "
        f"Together they take {total:.1f} s"
        + (f"; the median page takes {statistics.median(times):.2f} s and the slowest "
           f"{max(times):.2f} s." if times else ".")
        + (f" Of the total, {parts['startup']:.1f} s went to starting kernels, {parts['imports']:.1f} s "
           f"to the pages' import cells and {parts['code']:.1f} s to the pages' own code." if timings else "")))
    status_table = _table(["Page", "Last executed", "Run time (s)", "Kernel start (s)", "Imports (s)",
                           "Own code (s)", "Status"], rows,
                          classes=[names.SORTABLE_CLASS, names.STATUS_CLASS], footer=footer)
    versions = [[nodes.literal(text="python"), nodes.Text(platform.python_version())]]
    for name in PACKAGES:
        try:
            version = importlib_metadata.version(name)
        except importlib_metadata.PackageNotFoundError:
            version = "not installed"
        versions.append([nodes.literal(text=name), nodes.Text(version)])
    version_table = _table(["Package", "Version"], versions, classes=["m4ml-versions"])
    note = _para(nodes.Text(
        "Run times are those of the last execution of each page in a fresh kernel, as recorded by "
        "the execution cache; a page whose code has not changed is not executed again, so its time "
        "and date are those of the build that last ran it. The build runs two pages at a time, each "
        "in a new kernel forked from a server that has already imported the scientific libraries: "
        "'Kernel start' is the time from asking for a kernel until it answers, 'Imports' the page's "
        "import cells, and 'Own code' everything else." + (" Select a column heading to sort." if web else "")))
    return [summary, status_table, note,
            nodes.rubric(text="Package versions of this build"), version_table]


class FillExecutionStatus(SphinxPostTransform):
    default_priority = 8  # before the reference resolvers turn pending_xref into links

    def run(self, **kwargs) -> None:
        for node in list(self.document.findall(execution_status)):
            node.replace_self(make_tables(self.env, self.env.docname, web=self.app.builder.format == "html"))


def add_sort_script(app: Sphinx, pagename, templatename, context, doctree) -> None:
    if doctree is not None and names.SORTABLE_CLASS in context.get("body", ""):
        app.add_js_file(f"{names.M4ML_STATIC}/{JS}", defer="defer")


def copy_script(app: Sphinx, exception) -> None:
    if exception is None and app.builder.format == "html":
        copy_asset(app, JS, names.M4ML_STATIC)


def setup(app: Sphinx) -> dict:
    app.add_node(execution_status)
    app.add_directive("execution-status", ExecutionStatus)
    app.connect("env-updated", pages_to_update)
    app.add_post_transform(FillExecutionStatus)
    app.connect("html-page-context", add_sort_script)
    app.connect("build-finished", copy_script)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
