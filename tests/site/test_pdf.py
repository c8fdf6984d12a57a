"""The printed book: `make pdf` builds one PDF through LaTeX, and it reads like the web book.

The PDF is built once per session after the HTML book (`built_book`), so its pages come from the
execution cache and nothing is executed again. Set M4ML_PDF to an existing PDF to check that
one instead (e.g. one built with `scripts/build_pdf.py book --path-output /tmp/x`).

Pages are read back with poppler (pdfinfo, pdftotext, pdftoppm); scripts/ensure_tex.py installs
them with TeX Live when running as root, and these tests are skipped with its message otherwise.
"""

from __future__ import annotations

import functools
import os
import re
import string
import subprocess
import sys
from pathlib import Path

import pytest

from m4ml_book.toc import page_title, read_toc

from conftest import BOOK, ROOT, page_soup, toc_pages

pytestmark = pytest.mark.book

PDF = BOOK / "_build" / "latex" / "math4ml.pdf"
# MyST markup that leaked into print, a LaTeX command printed as text, LaTeX's unresolved "??".
# (TeX inside code listings, e.g. a docstring's :math:`\\mathbf{x}`, is legitimate and not listed.)
RAW_MARKUP = [":::{", "```{", "{prf:", "{cite", "{glue", "{numref}", "{ref}", "{doc}", "{math}",
              "{exercise", "{solution", "\\sphinx", "\\hyperref", "??"]


def _normalise(text: str) -> str:
    text = text.replace("\u2019", "'").replace("\u2018", "'").replace("\u201c", '"').replace("\u201d", '"')
    text = re.sub(r"-\n", "-", text)  # a hyphenated word broken over two lines
    return re.sub(r"\s+", " ", text)


@pytest.fixture(scope="session")
def pdf(request) -> Path:
    if os.environ.get("M4ML_PDF"):
        path = Path(os.environ["M4ML_PDF"])
        assert path.is_file(), f"M4ML_PDF={path} does not exist"
        return path
    request.getfixturevalue("built_book")  # `make book` first: the PDF reuses its execution cache
    check = subprocess.run([sys.executable, "scripts/ensure_tex.py", "--quiet"], cwd=ROOT,
                           capture_output=True, text=True)
    if check.returncode != 0:
        pytest.skip(check.stderr.strip() or "TeX Live is not installed")
    result = subprocess.run(["make", "--no-print-directory", "pdf"], cwd=ROOT, capture_output=True,
                            text=True, env=dict(os.environ, PYTHON=sys.executable))
    log = result.stdout + result.stderr
    (BOOK / "_build" / "last-pdf-build.log").write_text(log)
    if result.returncode != 0:
        pytest.fail(f"`make pdf` failed (exit {result.returncode}); end of log:\n{log[-6000:]}")
    assert "Executing notebook" not in (BOOK / "_build" / "latex-build.log").read_text(), \
        "`make pdf` re-executed pages that `make book` had just executed"
    return PDF


@pytest.fixture(scope="session")
def pages(pdf: Path) -> list[str]:
    """The text of every page (pdftotext separates pages with a form feed)."""
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True,
                          check=True).stdout
    return text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")


def page_count(pdf: Path) -> int:
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True, check=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def toc() -> tuple[list[str], list[str]]:
    """Part captions and chapter pages (paths under book/) of the table of contents."""
    contents = read_toc(BOOK)
    return [part.caption for part in contents.parts], contents.chapters


def title_of(page: str) -> str:
    """The first level-1 heading of a page, as it is printed (MyST markup removed)."""
    return page_title(BOOK, page)


def render(pdf: Path, number: int, tmp_path: Path):
    """Page `number` (1-based) as an RGB array at 50 dpi."""
    import numpy as np
    from PIL import Image

    prefix = tmp_path / f"page-{number}"
    subprocess.run(["pdftoppm", "-f", str(number), "-l", str(number), "-r", "50", "-png",
                    "-singlefile", str(pdf), str(prefix)], check=True)
    return np.asarray(Image.open(f"{prefix}.png").convert("RGB"), dtype=int)


def ink(image) -> float:
    """Fraction of pixels that are not (near) white."""
    return float((image.mean(axis=2) < 200).mean())


def colour_fraction(image, rgb: tuple[int, int, int], tol: int = 12) -> float:
    return float((abs(image - rgb) <= tol).all(axis=2).mean())


def first_page(pages: list[str], pattern: str) -> int:
    for i, text in enumerate(pages, start=1):
        if re.search(pattern, text):
            return i
    raise AssertionError(f"no page of the PDF matches {pattern!r}")


def test_page_count_is_sane(pdf):
    n_pages = len(toc_pages())
    count = page_count(pdf)
    # a page of the book is a few printed pages; far fewer means lost content, far more a runaway
    assert 3 * n_pages <= count <= 25 * n_pages, f"{count} printed pages for {n_pages} book pages"


def test_every_part_and_chapter_title_is_printed(pages):
    text = _normalise("\n".join(pages))
    parts, chapters = toc()
    missing = [p for p in parts if _normalise(p) not in text]
    missing += [f"{c}: {title_of(c)}" for c in chapters if _normalise(title_of(c)) not in text]
    assert not missing, f"titles from _toc.yml not found in the PDF's text: {missing}"


def test_no_raw_markup_or_unresolved_reference(pages):
    found = {}
    for number, text in enumerate(pages, start=1):
        for token in RAW_MARKUP:
            if token in text:
                found.setdefault(token, number)
    assert not found, f"markup printed as text (token: first page): {found}"


def test_exercises_point_to_solutions_collected_per_chapter(pages):
    text = _normalise("\n".join(pages))
    exercises = len(re.findall(r"Solution on page \d+", text))
    solutions = len(re.findall(r"Solution to Exercise \d+(\.\d+)+", text))
    assert exercises > 0, "no exercise says where its solution is"
    assert exercises == solutions, f"{exercises} exercises point to a solution, {solutions} solutions printed"
    assert text.count("Solutions to the exercises") >= 2
    # solutions come after the exercises, not inside the text
    first_solution = first_page(pages, r"Solution to Exercise")
    assert first_page(pages, r"Solution on page") < first_solution


def test_bibliography_is_printed(pages):
    bib = (BOOK / "references.bib").read_text(encoding="utf-8")
    cited = {key for page in BOOK.rglob("*.md") if "_build" not in page.parts
             for key in re.findall(r"\{cite[:a-z]*\}`([^`]+)`", page.read_text(encoding="utf-8"))}
    keys = {k.strip() for group in cited for k in group.split(",")}
    assert keys, "the book cites nothing"
    last = _normalise("\n".join(pages[-15:]))
    years = [re.search(r"@\w+\{" + re.escape(k) + r",.*?year\s*=\s*[{\"]?(\d{4})", bib, re.S) for k in keys]
    assert "Bibliography" in last
    for key, year in zip(sorted(keys), years):
        assert year is None or year.group(1) in last, f"{key}: its year is not in the bibliography"


def test_sample_pages_render(pdf, pages, tmp_path):
    title_page = render(pdf, 1, tmp_path)
    assert ink(title_page) > 0.002, "the title page is blank"

    theorem = first_page(pages, r"Theorem \d+\.\d+ \(")
    image = render(pdf, theorem, tmp_path)
    assert ink(image) > 0.02, f"page {theorem} (a theorem) is nearly blank"
    # the theorem box's title row: the blue set in m4ml_book/latex_pdf.py
    assert colour_fraction(image, (212, 230, 247)) > 0.002, f"no theorem box drawn on page {theorem}"

    figure = first_page(pages, r"Fig\. \d+\.\d+: ")  # a caption, not a reference
    image = render(pdf, figure, tmp_path)
    coloured = float((image.max(axis=2) - image.min(axis=2) > 60).mean())
    assert coloured > 0.01, f"page {figure} has a caption but no plot"


def test_chapter_numbers_match_the_web_book(pages):
    """Front matter is unnumbered and the appendix lettered, so "Theorem 1.1" is the same in both."""
    text = _normalise("\n".join(pages))
    assert re.search(r"Theorem 1\.1 \(", text)
    assert re.search(r"Appendix A|A\.1 ", text), "the appendix chapters are not lettered"


# ----------------------------------------------------------------------------- one numbering
BLOCK_KINDS = ("Theorem", "Lemma", "Proposition", "Corollary", "Definition", "Example",
               "Algorithm", "Exercise")
# Labelled blocks that must be among those compared (the example is Cauchy–Schwarz).
MUST_COMPARE = {"lem-descriptive-statistics-cauchy-schwarz", "thm-inner-products-cauchy-schwarz"}


def _tidy(text: str) -> str:
    """pdftotext leaves a space between a link and the punctuation after it: drop it."""
    return re.sub(r" ([,.;:)])", r"\1", text)


PLAIN = set(string.ascii_letters + string.digits + " .,;:!?'\"()-–—/%") | {
    chr(c) for c in range(0xC0, 0x100)}



@functools.lru_cache(maxsize=2)
def pdf_text(pdf: Path) -> str:
    """The PDF's text in reading order (no -layout: a superscript stays inside its line)."""
    return subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
def leading_words(text: str, count: int = 5) -> str:
    """The first `count` words of `text` up to its first character that the PDF may print
    differently (a formula, a superscript, a symbol); '' when fewer than 3 words remain."""
    text = _normalise(text).strip()
    cut = next((i for i, c in enumerate(text) if c not in PLAIN), len(text))
    words = text[:cut].split()[:count] if cut == len(text) else text[:cut].split()[:-1][:count]
    return " ".join(words) if len(words) >= 3 else ""


def _text_before_math(element) -> str:
    pieces = []
    for piece in element.descendants:
        if getattr(piece, "name", None) and "math" in (piece.get("class") or []):
            break
        if isinstance(piece, str) and not any("math" in (p.get("class") or []) for p in piece.parents
                                              if getattr(p, "get", None)):
            pieces.append(str(piece))
    return "".join(pieces) + "\u2200"  # a formula (or the end) stops the words


def web_numbers(html: Path) -> list[dict]:
    """Numbered blocks and figures of the web book: page, id, kind, number and the words that
    follow the number (a block's title, else its first words; a figure's caption)."""
    found = []
    for page in read_toc(BOOK).pages:
        soup = page_soup(html, page)  # parsed once per session (conftest.py)
        for div in soup.select("div.admonition[id]"):
            title = div.find("p", class_="admonition-title", recursive=False)
            number = title and title.find("span", class_="caption-number")
            if not number or "solution" in div["class"]:
                continue
            kind, _, value = number.get_text().strip().partition(" ")
            if kind not in BLOCK_KINDS:
                continue
            rest = _normalise(title.get_text()[len(number.get_text()):]).strip()
            if title.find(class_="math"):
                continue  # formulas print differently in the PDF's text
            if not rest:
                body = div.find("p", class_=lambda c: c != "admonition-title")
                rest = leading_words(_text_before_math(body)) if body else ""
            if rest:
                found.append({"page": page, "id": div["id"], "kind": kind, "number": value,
                              "words": rest})
        for figure in soup.select("figure[id]"):
            number = figure.find("span", class_="caption-number")
            text = figure.find("span", class_="caption-text")
            words = leading_words(_text_before_math(text)) if text else ""
            if number and words:
                found.append({"page": page, "id": figure["id"], "kind": "Fig.",
                              "number": number.get_text().strip().split(" ", 1)[1],
                              "words": words})
    return found


def test_blocks_and_figures_have_the_web_books_numbers(built_book, pdf):
    """A theorem, exercise or figure has one number: "Theorem 3.15" on the web is Theorem 3.15
    in print. Every numbered block whose title (or first words) and every figure whose caption
    prints as plain text is found in the PDF after its number, and only after that number."""
    # reading order (no -layout): a superscript stays inside its line
    text = _tidy(_normalise(pdf_text(pdf)))
    blocks = web_numbers(built_book)
    compared, wrong = [], []
    for block in blocks:
        if sum(other["kind"] == block["kind"] and (other["words"].startswith(block["words"])
                                                   or block["words"].startswith(other["words"]))
               for other in blocks) > 1:
            continue  # two blocks of one kind that start alike cannot be told apart by text
        # a figure's caption follows "Fig. 3.11: "; a list opens some exercises ("1. ")
        sep = r":? " if block["kind"] == "Fig." else r" (?:1\. |\(a\) )?"
        number = re.escape(block["kind"]) + r" ([0-9A-Z]+(?:\.[0-9]+)*)"
        printed = set(re.findall(number + sep + re.escape(_tidy(block["words"])), text))
        if not printed:
            # a page break (running head and foot) or a display set apart by pdftotext may
            # come between the number and the first words
            words = re.escape(_tidy(block["words"]))
            printed = set(re.findall(number + r"\b.{1,120}? " + words, text))
        compared.append(block)
        if printed != {block["number"]}:
            wrong.append(f'{block["page"]}#{block["id"]}: web {block["kind"]} {block["number"]}, '
                         f"PDF {sorted(printed) or 'not found'}")
    assert not wrong, f"{len(wrong)} of {len(compared)} numbers differ:\n" + "\n".join(wrong)
    assert MUST_COMPARE <= {b["id"] for b in compared}
    chapters = {b["number"].split(".")[0] for b in compared if "." in b["number"]}
    kinds = {b["kind"] for b in compared}
    assert len(compared) >= 10 and len(chapters) >= 4, (len(compared), chapters)
    assert {"Theorem", "Definition", "Exercise", "Fig."} <= kinds, kinds


def test_proofs_print_as_on_the_web(built_book, pdf):
    """A proof is no box with an empty title bar: as on the web, "Proof." opens its first line.

    Every proof of the web book is set as the class's ``mlproof`` in the LaTeX source, no
    admonition there lacks its title, and the PDF prints "Proof." before each proof's first words.
    """
    starts = []
    for page in read_toc(BOOK).pages:
        soup = page_soup(built_book, page)  # parsed once per session (conftest.py)
        for div in soup.select("div.proof.admonition"):
            if div.find("p", class_="admonition-title", recursive=False) is None:
                starts.append(leading_words(_text_before_math(div)))
    assert len(starts) >= 20, "the web book has hardly any proofs"
    tex = pdf.with_suffix(".tex").read_text(encoding="utf-8")
    assert tex.count("\\begin{mlproof}") == len(starts)
    untitled = re.findall(r"\\begin\{sphinxadmonition\}\{\w+\}\s*\n\\sphinxAtStartPar", tex)
    assert not untitled, f"{len(untitled)} boxes with an empty title bar"
    text = _tidy(_normalise(pdf_text(pdf)))
    checked = [words for words in starts if words.startswith("Proof. ")]
    missing = [words for words in checked if _tidy(words) not in text]
    assert len(checked) >= 20 and not missing, f"not printed: {missing}"
    assert re.search(r"Lemma 1\.1 \(Cauchy–Schwarz inequality\) .{0,200}? Proof\. If b = 0 both "
                     r"sides are 0\.", text)


def test_equations_have_the_web_books_numbers(built_book, pdf):
    """Every numbered equation of the web book, "(3.6)", is (3.6) in print: LaTeX's own number
    for it, from the .aux file the PDF's references are printed from, and in the PDF's text."""
    aux = pdf.with_suffix(".aux").read_text(encoding="utf-8", errors="replace")
    printed = dict(re.findall(r"\\newlabel\{equation:([^}]+)\}\{\{([^}]*)\}", aux))
    text = _normalise(pdf_text(pdf))
    web, wrong = {}, []
    for page in read_toc(BOOK).pages:
        soup = page_soup(built_book, page)  # parsed once per session (conftest.py)
        for block in soup.select("div.math[id^=equation-]"):
            number = block.find("span", class_="eqno")
            if number is None:
                continue
            key = f'{page}:{block["id"].removeprefix("equation-")}'
            web[key] = number.get_text().strip().strip("#").strip("()")
            if printed.get(key) != web[key] or f"({web[key]})" not in text:
                wrong.append(f"{key}: web ({web[key]}), PDF ({printed.get(key)})")
    assert len(web) >= 20 and len({n.split(".")[0] for n in web.values()}) >= 4, web
    assert not wrong, "\n".join(wrong)
    # and LaTeX numbers no equation that the web book leaves unnumbered
    assert len(printed) == len(web), sorted(set(printed) - set(web))
