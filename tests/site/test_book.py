"""The built book: it builds with warnings as errors, every page is there, and the
HTML is self-contained (nothing is loaded from another host)."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlparse

import pytest
from bs4 import BeautifulSoup

from m4ml_book import names, page_exec
from m4ml_book.notebook_export import ROLE_TYPES, SourceLabels, iter_roles
from m4ml_book.toc import read_toc

from conftest import BOOK, is_notebook, page_soup, soup_without_formulas, toc_pages

pytestmark = pytest.mark.book

PAGES = toc_pages()


def soup(html_root, page: str):
    return page_soup(html_root, page)  # parsed once per session (conftest.py)


def test_every_toc_page_is_built(built_book):
    missing = [p for p in PAGES if not (built_book / f"{p}.html").is_file()]
    assert not missing, f"pages in _toc.yml without HTML: {missing}"
    assert (built_book / "index.html").is_file()


def test_every_notebook_page_was_executed_and_cached(built_book):
    """Each code page's current code has a successful execution in jupyter-cache.

    MyST-NB looks pages up by a hash of their code cells, so a page counts as
    executed when the cache holds a run of exactly its current code.
    """
    import jupytext
    from jupyter_cache import get_cache

    cache = get_cache(BOOK / "_build" / ".jupyter_cache")
    notebooks = [p for p in PAGES if is_notebook(p)]
    assert len(notebooks) >= 8
    for page in notebooks:
        nb = jupytext.read(BOOK / f"{page}.md")
        try:
            record = cache.match_cache_notebook(nb)
        except KeyError:
            pytest.fail(f"{page}: no cached execution of its current code")
        if "m4ml" in "".join(c.source for c in nb.cells if c.cell_type == "code"):
            assert record.data.get("m4ml_source") == page_exec.package_hash(), (
                f"{page}: its cached outputs were made with another version of m4ml")
        bundle = cache.get_cache_bundle(record.pk)
        outputs = [o for c in bundle.nb.cells if c.cell_type == "code" for o in c.get("outputs", [])]
        assert not [o for o in outputs if o.get("output_type") == "error"], f"{page}: cached run has errors"
    failed = [r.uri for r in cache.list_project_records() if r.traceback]
    assert not failed, f"pages whose last execution failed: {failed}"


def test_no_error_or_warning_output_in_pages(built_book):
    for page in PAGES:
        doc = soup(built_book, page)
        errors = doc.select(".output.error, .output.traceback, .output.stderr")
        assert not errors, f"{page} shows error/stderr output: {errors[0].get_text()[:300]}"


NUMPY_SCALAR_REPR = re.compile(r"\bnp\.(?:float|int|uint|bool|complex|str_|bytes_)\w*\(")
NEGATIVE_ZERO = re.compile(r"(?<![\w.])-0\.(?![0-9])")


def printed_number_problems(text: str) -> list[str]:
    """NumPy 2 scalar reprs (np.float64(2.5)) and negative zeros (-0.) in an output."""
    return NUMPY_SCALAR_REPR.findall(text) + NEGATIVE_ZERO.findall(text)


def test_printed_number_detector():
    assert printed_number_problems("(np.float64(2120.47), np.int64(3))") == [
        "np.float64(", "np.int64("]
    assert printed_number_problems("array([[12., -0.,  0.]])") == ["-0."]
    assert not printed_number_problems("(2120.47, 3, array([-0.5, 0., -0.01, -10.]))")


@pytest.mark.parametrize("page", [p for p in PAGES if is_notebook(p)])
def test_outputs_print_numbers_as_a_student_expects(built_book, page):
    """use_style sets the print options: no np.float64(...) and no -0. in any output."""
    doc = soup(built_book, page)
    found = [(n, problem) for n, out in enumerate(doc.select(".cell_output"))
             for problem in printed_number_problems(out.get_text())]
    assert not found, f"{page}: outputs (output number, text) {found}"


LOCAL_SCHEMES = {"", "data", "mailto", "javascript"}
RESOURCE_ATTRS = [("script", "src"), ("link", "href"), ("img", "src"), ("iframe", "src"),
                  ("source", "src"), ("video", "src"), ("audio", "src"), ("object", "data")]


def external_resources(html: str) -> list[str]:
    """URLs of scripts, styles, fonts and images the page would load from another host."""
    doc = soup_without_formulas(html)  # formulas name no resource; the url() search reads all
    found = []
    for tag, attr in RESOURCE_ATTRS:
        for el in doc.find_all(tag):
            url = el.get(attr)
            if not url:
                continue
            if tag == "link" and not set(el.get("rel", [])) & {"stylesheet", "preload", "icon", "prefetch",
                                                               "modulepreload", "manifest"}:
                continue  # plain hyperlinks to other pages are not loaded
            if urlparse(url).scheme not in LOCAL_SCHEMES or url.startswith("//"):
                found.append(f"<{tag} {attr}={url}>")
    # inline scripts that name another host (a loader would fetch it at run time)
    for el in doc.find_all("script"):
        if not el.get("src") and el.string:
            found += [f"inline script names {u}" for u in re.findall(r"https?://[^\s\"'`]+", el.string)
                      if urlparse(u).hostname not in ("127.0.0.1", "localhost")]
    # url(...) in inline styles and @import
    for url in re.findall(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)", html):
        found.append(f"css url({url})")
    return found


def test_external_resources_detector_catches_cdn_links():
    html = ('<script src="https://cdn.example.org/x.js"></script><link rel="stylesheet" href="//fonts.x/y.css">'
            '<img src="_static/a.png"><a href="https://example.org">ok</a><style>a{background:url(https://x/y.png)}</style>'
            '<script>const U = "https://unpkg.com/thebe/index.js";</script>')
    assert len(external_resources(html)) == 4


def test_site_loads_nothing_from_other_hosts(built_book):
    offenders = {}
    files = list(built_book.rglob("*.html"))
    for path in files:
        found = external_resources(path.read_text(encoding="utf-8", errors="replace"))
        if found:
            offenders[str(path.relative_to(built_book))] = found[:5]
    assert not offenders, f"pages that load from other hosts: {offenders}"
    for css in built_book.rglob("*.css"):
        urls = re.findall(r"url\(\s*['\"]?((?:https?:)?//[^'\")]+)", css.read_text(errors="replace"))
        assert not urls, f"{css.relative_to(built_book)} loads {urls[:3]}"
    assert (built_book / "_static" / "mathjax" / "tex-chtml.js").is_file()


IMAGE_SUFFIXES = (".png", ".svg", ".jpg", ".jpeg", ".gif", ".webp")


def alt_text_problem(src: str, alt: str | None) -> str | None:
    """Why the alt text of an image is not a description, or None when it is one.

    Sphinx writes the image's own path as its alt text when a cell output has no
    figure metadata, so besides a missing or too-short alt (under 15 characters),
    an alt that is the src, its file name, or any single word that looks like a
    path or a file name ('/' or '\\' in it, or an image suffix) is refused.
    A sentence may contain '/' ("the 0.1/L curve"): only a word without spaces is
    taken for a path.
    """
    alt = (alt or "").strip()
    name = src.rsplit("/", 1)[-1]
    if not alt:
        return "no alt text"
    if alt in (src, name) or alt.rsplit("/", 1)[-1] == name:
        return "alt text is the image's file path"
    if not re.search(r"\s", alt) and ("/" in alt or "\\" in alt or alt.lower().endswith(IMAGE_SUFFIXES)):
        return "alt text is a file name or path"
    if len(alt) < 15:
        return "alt text too short to describe the image"
    return None


def images_without_alt_text(html: str) -> list[str]:
    """Every <img> of the page's content (cell outputs included) whose alt is not a description."""
    doc = soup_without_formulas(html)  # formulas hold no image
    content = doc.select("main, article") or [doc]
    seen, found = set(), []
    for root in content:
        for img in root.find_all("img"):
            if id(img) in seen:  # an <article> sits inside <main>
                continue
            seen.add(id(img))
            problem = alt_text_problem(img.get("src", ""), img.get("alt"))
            if problem:
                # Name the code cell that drew it: the image's own file name is a hash.
                cell = img.find_parent("div", class_="cell")
                code = cell.select_one(".cell_input") if cell else None
                where = f" drawn by `{code.get_text().strip().splitlines()[0][:60]}`" if code else ""
                found.append(f"{img.get('src')}: {problem} ({img.get('alt')!r}){where}")
    return found


def test_alt_text_detector_catches_paths_and_missing_alts():
    html = ('<main><article>'
            '<figure><img src="../_images/a1.png"'
            ' alt="Four curves on a log scale; the 0.1/L curve falls slowest."></figure>'
            '<div class="cell_output"><img src="../_images/b2.png" alt="../_images/b2.png"></div>'
            '<div class="cell_output"><img src="../_images/c3.png"></div>'
            '<img src="d4.svg" alt="d4.svg"><img src="e5.png" alt="plot"><img src="f6.png" alt="  ">'
            '<img src="g7.png" alt="other/path/g8.png">'
            '</article></main><img src="logo.png">')
    found = images_without_alt_text(html)
    assert [f.split(":")[0] for f in found] == [
        "../_images/b2.png", "../_images/c3.png", "d4.svg", "e5.png", "f6.png", "g7.png"]


def test_every_figure_has_alt_text(built_book):
    """Every image in a page's content, figure or bare cell output, describes what it shows."""
    offenders = {}
    for page in PAGES:
        found = images_without_alt_text((built_book / f"{page}.html").read_text(encoding="utf-8"))
        if found:
            offenders[page] = found
    assert not offenders, f"images without a descriptive alt text: {offenders}"


def test_figures_are_numbered_with_captions(built_book):
    count = 0
    for page in PAGES:
        for fig in soup(built_book, page).select("figure"):
            count += 1
            assert fig.select_one("figcaption"), f"{page}: figure without caption"
    assert count >= 10


def test_exercises_have_hidden_solutions(built_book):
    n_exercises = 0
    for page in PAGES:
        doc = soup(built_book, page)
        exercises = doc.select("div.exercise")
        solutions = doc.select("div.solution")
        n_exercises += len(exercises)
        if exercises:
            assert len(solutions) >= len(exercises), f"{page}: an exercise lacks a solution"
            for sol in solutions:
                assert "dropdown" in sol.get("class", []), f"{page}: a solution is not hidden"
    assert n_exercises >= 25


def test_theorems_and_bibliography(built_book):
    proofs = sum(len(soup(built_book, p).select("div.proof")) for p in PAGES)
    assert proofs >= 8
    bib = soup(built_book, "bibliography")
    assert len(bib.select(".citation, dd, li")) >= 10
    citations = sum(len(soup(built_book, p).select("a[href*='bibliography']")) for p in PAGES)
    assert citations >= 5


def test_glued_numbers_are_rendered(built_book):
    """A `{glue:text}` that failed would leave its role text in the page."""
    for page in PAGES:
        text = soup(built_book, page).get_text()
        assert "{glue" not in text and "glue:text" not in text, f"{page} has an unresolved glue"


def test_sections_are_numbered_from_one_in_every_chapter(built_book):
    """A chapter page's own headings would be numbered N.1, N.2 and push its sections along."""
    sidebar = soup(built_book, "intro")
    labels = {a.get("href", "").removesuffix(".html"): a.get_text(strip=True)
              for a in sidebar.select("nav.bd-docs-nav a.reference.internal")}
    for part in read_toc(BOOK).parts:
        if not part.numbered:
            continue
        for chapter in part.chapters:
            number = labels.get(chapter.file, "").split(".")[0]
            assert number.isdigit(), (chapter.file, labels.get(chapter.file))
            for k, section in enumerate(chapter.sections, start=1):
                label = labels.get(section, "")
                assert label.startswith(f"{number}.{k}. "), (section, label)


def test_execution_status_page_lists_every_executed_page_with_a_total(built_book):
    page = soup(built_book, "appendix/status")
    table = page.select_one(f"table.{names.STATUS_CLASS}")
    rows = [r for r in table.select("tbody tr") if names.TOTAL_ROW_CLASS not in r.get("class", [])]
    notebooks = [p for p in PAGES if is_notebook(p)]
    assert len(rows) == len(notebooks)
    from urllib.parse import urljoin

    linked = [urljoin("appendix/status.html", a["href"]).split("#")[0].removesuffix(".html")
              for r in rows for a in r.select("a")]
    assert linked == notebooks  # one row per executed page, in reading order
    headers = [th.get_text(strip=True) for th in table.select("thead th")]
    col = {name: headers.index(name) for name in
           ("Run time (s)", "Kernel start (s)", "Imports (s)", "Own code (s)", "Status")}
    cells = [[td.get_text(strip=True) for td in r.select("td")] for r in rows]
    times = [float(c[col["Run time (s)"]]) for c in cells]
    assert all(t > 0 for t in times)
    assert all("ran" in c[col["Status"]] for c in cells)
    # The run time of each page is its kernel start-up, import cells and own code.
    for c, t in zip(cells, times):
        split = [float(c[col[k]]) for k in ("Kernel start (s)", "Imports (s)", "Own code (s)")]
        assert sum(split) == pytest.approx(t, abs=0.02), c
    total_row = [td.get_text(strip=True) for td in page.select_one(f"tr.{names.TOTAL_ROW_CLASS}").select("td")]
    assert float(total_row[col["Run time (s)"]]) == pytest.approx(sum(times), abs=0.01 * len(times))
    versions = page.select_one("table.m4ml-versions").get_text(" ", strip=True)
    for name in ("numpy", "scikit-learn", "jupyter-book", "m4ml"):
        assert name in versions
    assert page.find("script", src=re.compile(r"sortable-table\.js"))


def test_every_executed_page_offers_its_notebook_and_the_site_has_a_zip(built_book):
    import json
    import zipfile

    notebooks = [p for p in PAGES if is_notebook(p)]
    for page in notebooks:
        path = built_book / "_sources" / f"{page}.ipynb"
        nb = json.loads(path.read_text(encoding="utf-8"))
        assert nb["nbformat"] == 4 and nb["metadata"]["kernelspec"]["name"] == "python3"
        code = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "code")
        assert "myst_nb" not in code, f"{page}: the notebook still imports the book toolchain"
        prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        assert "{glue" not in prose and ":::{prf" not in prose, f"{page}: MyST markup left in the notebook"
        links = [a.get("href", "") for a in soup(built_book, page).select("a")]
        assert any(h.endswith(f"_sources/{page}.ipynb") or h.endswith(f"{page.split('/')[-1]}.ipynb")
                   for h in links), f"{page}: no .ipynb download link"
    with zipfile.ZipFile(built_book / "_downloads" / names.NOTEBOOKS_ZIP) as archive:
        assert sorted(archive.namelist()) == sorted(f"math4ml/{p}.ipynb" for p in notebooks)


# ------------------------------------------------------------------ downloaded notebooks (issue 15)
def exported_notebook(built_book: Path, page: str) -> dict:
    import json

    return json.loads((built_book / "_sources" / f"{page}.ipynb").read_text(encoding="utf-8"))


def shown_output_cells(doc: BeautifulSoup) -> tuple[int, int]:
    """Code cells of a built page that show an output, and the images among their outputs."""
    cells = 0
    for cell in doc.select("div.cell"):
        out = cell.select_one("div.cell_output")
        cells += bool(out and (out.get_text(strip=True) or out.select("img")))
    return cells, len(doc.select("div.cell div.cell_output img"))


def test_exported_notebooks_keep_the_outputs_of_the_build(built_book):
    """A downloaded notebook reads like its page before it is run: the same code cells show an
    output, with the same number of figures, and no output the page hides (glue records)."""
    for page in [p for p in PAGES if is_notebook(p)]:
        nb = exported_notebook(built_book, page)
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        with_output = [c for c in code if c.get("outputs")]
        images = sum("image/png" in o.get("data", {}) for c in code for o in c.get("outputs", []))
        assert (len(with_output), images) == shown_output_cells(soup(built_book, page)), (
            f"{page}: the notebook has {len(with_output)} cells with outputs and {images} figures; "
            f"the page shows {shown_output_cells(soup(built_book, page))}")
        assert with_output, f"{page}: the notebook has no outputs"
        hidden = [o for c in code for o in c.get("outputs", [])
                  if any(k.startswith(names.GLUE_MIME_PREFIX) for k in o.get("data", {}))
                  or "scrapbook" in o.get("metadata", {})]
        assert not hidden, f"{page}: glue records left in the notebook's outputs"
        assert all(c.get("execution_count") for c in with_output), f"{page}: an output without a count"


MD_LINK = re.compile(r"\[([^\[\]]*)\]\(([^()\s]*)\)")


def book_labels() -> set[str]:
    """Every label the page sources define: targets, prf/exercise labels, equations, figures."""
    return set(SourceLabels(BOOK).pages)


PLAIN_LABEL = re.compile(r"[\w-]+")


def page_ids(built_book: Path, path: str, cache: dict) -> set[str]:
    if path not in cache:
        doc = page_soup(built_book, path.removesuffix(".html"))  # formulas carry no id
        cache[path] = {el["id"] for el in doc.find_all(id=True)}
    return cache[path]


def test_exported_notebooks_link_cross_references_to_the_published_book(built_book):
    """No role, label or source path is left in a notebook's text: every cross-reference is a
    Markdown link to the published page (html.baseurl), to an anchor that exists in the built
    page, with the text the book shows; every glued number is filled in; every labelled
    equation carries its number."""
    import yaml

    base = yaml.safe_load((BOOK / "_config.yml").read_text())["html"]["baseurl"]
    assert base.startswith("https://") and base.endswith("/")
    labels = book_labels()
    assert len(labels) > 200
    ids: dict[str, set[str]] = {}
    n_links = 0
    for page in [p for p in PAGES if is_notebook(p)]:
        source = (BOOK / f"{page}.md").read_text(encoding="utf-8")
        nb = exported_notebook(built_book, page)
        prose = "\n".join("".join(c["source"]) for c in nb["cells"] if c["cell_type"] == "markdown")
        assert not re.search(r"\{[\w:-]+\}`", prose), f"{page}: a MyST role is left in the notebook"
        assert not re.search(r"^\([\w-]+\)=|^:label:|^\$\$[ \t]*\(", prose, re.M), f"{page}: a label line is left"
        for name in set(re.findall(r"\{glue(?::text)?\}`([^`:]+)", source)):
            assert f"`{name}`" not in prose or f"`{name}`" in re.sub(r"\{glue[^}]*\}`[^`]*`", "", source), \
                f"{page}: the glued value {name} is not filled in"
        for text, url in MD_LINK.findall(prose):
            if not url.startswith(base):
                continue
            n_links += 1
            assert text.strip() and text.strip() not in labels and "../" not in text, \
                f"{page}: link text {text!r} is a label or a path"
            path, _, anchor = url.removeprefix(base).partition("#")
            assert (built_book / path).is_file(), f"{page}: {url} is not a page of the book"
            assert not anchor or anchor in page_ids(built_book, path, ids), \
                f"{page}: {url} points to no anchor of {path}"
        text = MD_LINK.sub(lambda m: m.group(1), prose)  # the words a reader sees
        # a label shown as a word of its own: a maximal run of word characters and hyphens
        words = set(re.findall(r"[\w-]+", text))
        raw = sorted(lab for lab in labels if lab in words if PLAIN_LABEL.fullmatch(lab)) + sorted(
            lab for lab in labels if not PLAIN_LABEL.fullmatch(lab)
            and re.search(rf"(?<![\w-]){re.escape(lab)}(?![\w-])", text))
        assert not raw, f"{page}: label names shown as text: {raw[:5]}"
        assert not re.search(r"(?<![\w/])\.\./\w", text), f"{page}: a source path is shown as text"
        n_roles = sum(1 for name, _ in iter_roles(source) if name in ROLE_TYPES)
        assert len([u for _, u in MD_LINK.findall(prose) if u.startswith(base)]) >= n_roles - \
            source.count("{cite"), f"{page}: fewer links than cross-references"
        tagged = set(re.findall(r"\\tag\{([\d.]+)\}", prose))
        assert len(tagged) == len(re.findall(r"^[ \t]*\$\$[ \t]*\([\w-]+\)", source, re.M)), \
            f"{page}: a labelled equation has no number in the notebook"
    assert n_links > 500



def test_only_plotly_output_type_is_unknown_to_the_book(built_book):
    """The book silences MyST-NB's "unknown mime type" warning for Plotly's own format only.

    `_config.yml` suppresses that warning type, so this test makes sure no other output format
    of any page is silently skipped: every MIME type in the cached outputs is one MyST-NB renders.
    """
    import yaml
    from jupyter_cache import get_cache
    from myst_nb.core.render import base_render_priority

    config = yaml.safe_load((BOOK / "_config.yml").read_text())["sphinx"]["config"]
    assert config["suppress_warnings"] == ["mystnb.unknown_mime_type"]
    known = set(base_render_priority()["html"]) | {"application/vnd.plotly.v1+json"}
    cache = get_cache(BOOK / "_build" / ".jupyter_cache")
    seen = set()
    for record in cache.list_cache_records():
        for cell in cache.get_cache_bundle(record.pk).nb.cells:
            for output in cell.get("outputs", []):
                # glued values are kept under papermill's MIME types and never displayed
                seen |= {m for m in output.get("data", {}) if not m.startswith("application/papermill.record/")}
    assert "application/vnd.plotly.v1+json" in seen, "no interactive figure found in the cache"
    assert seen <= known, f"outputs MyST-NB does not render: {sorted(seen - known)}"
