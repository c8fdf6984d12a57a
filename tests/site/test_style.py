"""The house style, checked on the page sources (no build needed).

These rules come from the style guide: short code cells, figures with captions,
names and alt text, the section shape (common mistakes, summary, exercises with
solutions), seeded randomness, and no hand-typed percentages in prose.
"""

from __future__ import annotations

import re

import jupytext
import pytest

from m4ml_book.cells import MAX_CELL_LINES, code_cell_lengths
from m4ml_book.toc import read_toc

from conftest import BOOK, is_notebook, toc_pages

PAGES = toc_pages()
NOTEBOOKS = [p for p in PAGES if is_notebook(p)]
# Pages that are sections of a chapter of a numbered part, and so follow the full page shape.
SECTIONS = [section for part in read_toc(BOOK).parts if part.numbered
            for chapter in part.chapters for section in chapter.sections]


def cells(page: str):
    return jupytext.read(BOOK / f"{page}.md").cells


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_code_cells_are_short(page):
    long = [n for n in code_cell_lengths(BOOK / f"{page}.md") if n > MAX_CELL_LINES]
    assert not long, f"{page}: code cells of {long} lines; move such code into m4ml"


#: The width of the content column, in characters of the code font.
CODE_WIDTH = 79
#: Cells the reader never sees; a hide-input cell is shown when expanded.
UNSEEN_TAGS = {"remove-cell", "remove-input"}


def long_code_lines(nb_cells) -> list[str]:
    """`cell N line M (L chars): ...` for each visible code line over CODE_WIDTH."""
    found = []
    for number, cell in enumerate(nb_cells, start=1):
        if cell.cell_type != "code" or UNSEEN_TAGS & set(cell.metadata.get("tags", [])):
            continue
        for line_no, line in enumerate(cell.source.splitlines(), start=1):
            if len(line) > CODE_WIDTH:
                found.append(f"cell {number} line {line_no} ({len(line)} chars): {line.strip()}")
    return found


def test_long_code_line_detector():
    page = jupytext.reads(
        "```{code-cell} ipython3\nx = 1\n" + "y = " + "1 + " * 20 + "1\n```\n\n"
        "```{code-cell} ipython3\n:tags: [remove-cell]\n" + "#" * 100 + "\n```\n\n"
        "```{code-cell} ipython3\n:tags: [hide-input]\n" + "z" * 80 + " = 0\n```\n",
        fmt="md:myst")
    assert long_code_lines(page.cells) == [
        "cell 1 line 2 (85 chars): y = " + "1 + " * 20 + "1",
        "cell 3 line 1 (84 chars): " + "z" * 80 + " = 0"]


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_visible_code_fits_the_content_column(page):
    """Code the reader sees, solutions included, has lines of at most 79 characters."""
    long = long_code_lines(cells(page))
    assert not long, f"{page}: code lines over {CODE_WIDTH} characters:\n  " + "\n  ".join(long)


def included_lines(page: str) -> list[tuple[str, int, str]]:
    """(file, line number, line) of the package code a page shows with literalinclude."""
    import ast

    md = BOOK / f"{page}.md"
    shown = []
    for m in re.finditer(r"```\{literalinclude\} (\S+)\n((?::[^\n]*\n)*)", md.read_text(encoding="utf-8")):
        path = (md.parent / m.group(1)).resolve()
        options = dict(re.findall(r"^:(\S+):[ \t]*(.*)$", m.group(2), re.M))
        assert set(options) <= {"pyobject", "start-at", "language", "caption", "name",
                                 "emphasize-lines"}, \
            f"{page}: literalinclude options {sorted(options)} are not checked by this test"
        lines = path.read_text(encoding="utf-8").split("\n")
        first, last = 1, len(lines)
        if "pyobject" in options:
            *outer, name = options["pyobject"].split(".")
            nodes = [n for n in ast.walk(ast.parse("\n".join(lines)))
                     if isinstance(n, (ast.FunctionDef, ast.ClassDef)) and n.name == name]
            assert nodes, f"{page}: no {options['pyobject']} in {path.name}"
            node = nodes[0]
            first = min([node.lineno] + [d.lineno for d in node.decorator_list])
            last = node.end_lineno
        if "start-at" in options:
            first = next(n for n in range(first, last + 1) if options["start-at"] in lines[n - 1])
        shown += [(path.name, n, lines[n - 1]) for n in range(first, last + 1)]
    return shown


@pytest.mark.parametrize("page", PAGES)
def test_included_package_code_fits_the_content_column(page):
    """Package code shown with literalinclude obeys the width of visible code too."""
    long = [f"{name}:{n} ({len(line)} chars): {line.strip()}"
            for name, n, line in included_lines(page) if len(line) > CODE_WIDTH]
    assert not long, f"{page}: included lines over {CODE_WIDTH} characters:\n  " + "\n  ".join(long)


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_figure_cells_have_caption_name_and_alt(page):
    for cell in cells(page):
        meta = cell.metadata.get("mystnb", {})
        if "figure" not in meta:
            continue
        fig, image = meta["figure"], meta.get("image", {})
        assert fig.get("caption") and fig.get("name"), f"{page}: figure without caption or name"
        assert len(str(image.get("alt", ""))) >= 30, f"{page}: figure {fig.get('name')} lacks alt text"


@pytest.mark.parametrize("page", NOTEBOOKS)
def test_randomness_is_seeded(page):
    src = "\n".join(c.source for c in cells(page) if c.cell_type == "code")
    assert "np.random.seed" not in src, f"{page}: use rng = np.random.default_rng(seed)"
    unseeded = re.findall(r"default_rng\(\s*\)", src)
    assert not unseeded, f"{page}: default_rng() without a seed"
    legacy = re.findall(r"np\.random\.(?:rand|randn|normal|uniform|choice|permutation|shuffle)\(", src)
    assert not legacy, f"{page}: global-state random calls {legacy}; use a seeded Generator"


@pytest.mark.parametrize("page", SECTIONS)
def test_section_shape(page):
    text = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    for heading in ("## Common mistakes", "## Summary", "## Exercises"):
        assert heading in text, f"{page}: missing '{heading}'"
    assert text.index("## Common mistakes") < text.index("## Summary") < text.index("## Exercises")
    exercises = re.findall(r"```\{exercise\}\s*\n:label: (\S+)", text)
    solutions = re.findall(r"```\{solution-start\} (\S+)\s*\n:class: dropdown", text)
    assert len(exercises) >= 3, f"{page}: only {len(exercises)} exercises"
    assert set(exercises) <= set(solutions), f"{page}: exercises without a hidden solution: " \
                                             f"{set(exercises) - set(solutions)}"
    assert re.search(r"^\(sec-[\w-]+\)=\n# ", text, re.M), f"{page}: no (sec-...)= label before the title"
    assert "prf:" in text, f"{page}: no definitions or theorems in prf: blocks"


@pytest.mark.parametrize("page", PAGES)
def test_no_hand_typed_percentages_in_prose(page):
    """A percentage in running text must come from glue, not be typed (68-95-99.7 is a name)."""
    text = (BOOK / f"{page}.md").read_text(encoding="utf-8")
    prose = re.sub(r"```.*?```", "", text, flags=re.S)  # drop code and directive blocks
    prose = re.sub(r"\$[^$]*\$", "", prose)  # drop inline math
    # The rounded values 68 %, 95 % and 99.7 % state the rule itself, not a result.
    prose = re.sub(r"68 %, 95 % and 99\.7 %", "", prose)
    typed = re.findall(r"(?<![\w.{`-])\d+(?:\.\d+)?\s?%", prose)
    assert not typed, f"{page}: hand-typed percentages {typed}; compute them and use glue"


# ---------------------------------------------------------------- notation (issue 9, section 5)
# The checks below read a page in three views of the same length as its source, so that a
# match's offset gives its line: `prose` (code blanked), `maths` (everything but the
# mathematics blanked) and `code` (everything but the code blanked). Each failure names
# book/<page>.md:<line>, the offending text and the source line, so it can be fixed at once.

CODE_FENCE_LANGS = {"", "python", "py", "python3", "ipython", "ipython3", "pycon", "bash", "sh",
                    "console", "text", "md", "markdown", "yaml", "toml", "json", "none"}


class PageViews:
    """A page's source split into prose, mathematics and code, each as long as the source."""

    def __init__(self, page: str, source: str | None = None):
        self.page = page
        if source is None:
            source = (BOOK / f"{page}.md").read_text(encoding="utf-8")
        self.source = source
        self.lines = source.split("\n")
        prose, code = [], []
        fences: list[tuple[str, bool]] = []  # open backtick/tilde fences: (marker, is_code)
        header = self.lines[0].strip() == "---"
        for number, line in enumerate(self.lines):
            stripped, gap = line.strip(), " " * len(line)
            if header:  # the jupytext YAML header
                prose.append(gap), code.append(gap)
                if number > 0 and stripped == "---":
                    header = False
                continue
            fence = re.match(r"(`{3,}|~{3,})\s*(.*)$", stripped)
            in_code = bool(fences) and fences[-1][1]
            if fence and fences and stripped.startswith(fences[-1][0]) \
                    and set(stripped) == {fences[-1][0][0]}:
                fences.pop()  # a closing fence
                prose.append(gap), code.append(gap)
                continue
            if fence and not in_code:
                info = fence.group(2)
                directive = re.match(r"\{([\w:-]+)\}", info)
                if directive:
                    is_code = directive.group(1) in ("code-cell", "literalinclude", "code", "code-block")
                else:
                    is_code = info.split()[0].lower() in CODE_FENCE_LANGS if info else True
                fences.append((fence.group(1), is_code))
                prose.append(gap), code.append(gap)
                continue
            if in_code:
                prose.append(gap), code.append(line)
            else:
                prose.append(line), code.append(gap)
        self.prose = "\n".join(prose)
        self.code = "\n".join(code)
        self.maths = self._maths(self.prose)

    @staticmethod
    def _maths(prose: str) -> str:
        """Keep only the TeX of $...$, $$...$$ and amsmath environments; blank the rest."""
        def blank(m):
            return re.sub(r"[^\n]", " ", m.group(0))
        text = re.sub(r"\\\$", "  ", prose)                      # an escaped dollar is not maths
        text = re.sub(r"(`+)(?!`).*?(?<!`)\1(?!`)", blank, text)  # inline code and {role}`...`
        spans = []
        for pattern in (r"\$\$(.+?)\$\$", r"\$((?:[^$\n]|\n(?![ \t]*\n))+?)\$"):
            spans += [m.span(1) for m in re.finditer(pattern, text, re.S)]
            text = re.sub(pattern, blank, text, flags=re.S)
        spans += [m.span(0) for m in re.finditer(r"\\begin\{(\w+\*?)\}.*?\\end\{\1\}", text, re.S)]
        maths = list(re.sub(r"[^\n]", " ", prose))
        for start, end in spans:
            maths[start:end] = prose[start:end]
        return "".join(maths)

    def line_of(self, offset: int) -> int:
        return self.source.count("\n", 0, offset) + 1

    def where(self, offset: int, found: str) -> str:
        number = self.line_of(offset)
        context = self.lines[number - 1].strip()[:120]
        return f"book/{self.page}.md:{number}: `{found.strip()}` in: {context}"

    def find(self, view: str, pattern: str, flags: int = 0, skip=None) -> list[str]:
        text = getattr(self, view)
        return [self.where(m.start(), m.group(0)) for m in re.finditer(pattern, text, flags)
                if not (skip and skip(m))]


_VIEWS: dict[str, PageViews] = {}


def views(page: str) -> PageViews:
    if page not in _VIEWS:
        _VIEWS[page] = PageViews(page)
    return _VIEWS[page]


def _fail(found: list[str], rule: str):
    """Fail with one line per offending source line, in page order."""
    first: dict[tuple[str, int], str] = {}
    for message in found:
        path, line = message.split(":", 2)[:2]
        first.setdefault((path, int(line)), message)
    assert not first, f"{rule}:\n  " + "\n  ".join(first[k] for k in sorted(first))


def var_cov_offences(v: PageViews) -> list[str]:
    r"""$\Var[X]$, $\Cov[X, Y]$, $\Corr[X, Y]$ with the book's macros: flagged are parentheses
    (`\Var(X)`, `\Cov\big(`, `\Var\left(`) and a spelled-out operator (`\operatorname{Var}`,
    `\mathrm{Cov}`, `\text{Var}`), with or without parentheses."""
    found = v.find("maths", r"\\(?:Var|Cov|Corr)\s*(?:\\(?:big|Big|bigg|Bigg)l?|\\left)?\s*\(")
    found += v.find("maths", r"\\(?:operatorname\*?|mathrm|text|mathsf)\s*\{\s*(?:Var|Cov|Corr)\s*\}")
    return found


@pytest.mark.parametrize("page", PAGES)
def test_variance_and_covariance_take_square_brackets(page):
    _fail(var_cov_offences(views(page)),
          r"write \Var[...], \Cov[...], \Corr[...] (square brackets, the book's macros)")


# Matrix entries are lowercase: x_{nd} of X, a_{ij} of A, g_{nm} of G.
# An index is a letter a..w, possibly primed; x, y, z name variables (S_{xy} is a sum, not an entry).
# A layer superscript may come first: W^{(2)}_{kh}.
_TWO_INDICES = r"(?:\^\{\(\w+\)\})?_\{\s*[a-w]'?\s*,?\s*[a-w]'?\s*\}"
_BOLD_MATRIX = r"(?:\\m[A-Z](?![A-Za-z])|\\mathbf\s*\{\s*[A-Z]\s*\}|\\mathbf\s+[A-Z](?![A-Za-z]))"
# Capitals whose lowercase letter the notation page reserves for something else: h is a width,
# j and k are indices. Hessian, Jacobian and kernel entries stay H_{ij}, J_{ij}, K_{nm}.
_CAPITAL_ENTRY_ALLOWED = "HJK"


def matrix_entry_offences(v: PageViews) -> list[str]:
    r"""An entry of a matrix is a lowercase italic letter with two indices.

    Flagged, inside mathematics only (an index is a letter a-w, possibly primed):
    - an italic capital Latin letter with a two-index subscript, `X_{nd}`, `A_{ij}`, `G_{nm}`,
      `S_{dd}`, `Y_{nk}`, `W^{(2)}_{kh}` (write `x_{nd}`, `a_{ij}`, `w^{(2)}_{kh}`, ...);
    - a bold matrix (`\mX`, `\mA`, `\mathbf{G}`, `\mathbf G`) with such a subscript, `\mX_{nd}`;
    - `(\mA)_{ij}` around a single matrix (a product or a transpose, `(\mA\mathbf B)_{ij}`,
      `(\mA^\top)_{ij}`, is how an entry of a compound matrix is defined and is allowed).
    Not flagged:
    - Greek capitals (`\mSigma_{ij}`, `\Sigma_{ij}`, `\Phi_{nk}`): a covariance entry keeps its
      letter, as in most texts;
    - `H_{ij}`, `J_{ij}`, `K_{nm}`: Hessian, Jacobian and kernel-matrix entries, whose lowercase
      letters are taken (h is a width, j and k are indices); the notation page says so;
    - subscripts with x, y or z (`S_{xy}`, a sum of products of two variables) or with digits
      (`\mA_{11}` is a block, `\mathbf{V}_{30}` the first 30 columns);
    - the matrix units `\mathbf{E}_{ij}`, which are matrices indexed by a pair, not entries.
    """
    found = v.find("maths", r"(?<![\\A-Za-z])[A-Z]" + _TWO_INDICES,
                   skip=lambda m: m.group(0)[0] in _CAPITAL_ENTRY_ALLOWED)
    found += v.find("maths", _BOLD_MATRIX + _TWO_INDICES,
                    skip=lambda m: re.match(r"\\mathbf\s*\{?\s*E\b", m.group(0)) is not None)
    found += v.find("maths", r"\(\s*(?:" + _BOLD_MATRIX + r"|[A-Z])\s*\)" + _TWO_INDICES)
    return found


@pytest.mark.parametrize("page", PAGES)
def test_matrix_entries_are_lowercase(page):
    _fail(matrix_entry_offences(views(page)),
          "matrix entries are lowercase italic: x_{nd} of X, a_{ij} of A (notation page)")


def standardisation_offences(v: PageViews) -> list[str]:
    r"""Standardisation is $z_{nd} = (x_{nd} - \bar x_d)/\sigma_d$, with divisor N.

    Flagged: in mathematics, a centred value divided by the sample standard deviation $s$
    (`(x - \bar x)/s`, `(x_{nd}-\bar x_d)/s_d`, `\frac{x - \bar x}{s_x}`); in code, a division by
    a standard deviation taken with `ddof=1` (`/ X.std(axis=0, ddof=1)`, `/ np.std(x, ddof=1)`,
    `zscore(..., ddof=1)`), or by a name assigned from one (`s = x.std(ddof=1)` ... `/ s` on a line
    that also takes a mean). The sample standard deviation itself, `x.std(ddof=1)`, stays
    allowed: it belongs to inference.
    """
    s_sub = r"s(?![A-Za-z])(?:_\{?\s*\w+\s*\}?)?"
    found = v.find("maths", r"\([^()]*-\s*\\bar[^()]*\)\s*/\s*" + s_sub)
    found += v.find("maths", r"\\[dt]?frac\s*\{(?:[^{}]|\{[^{}]*\})*-\s*\\bar(?:[^{}]|\{[^{}]*\})*\}"
                             r"\s*\{\s*" + s_sub + r"\s*\}")
    ddof1 = r"std\((?:[^()]|\([^()]*\))*ddof\s*=\s*1"
    found += v.find("code", r"/\s*\(?\s*(?:np\.)?[\w.\[\]:, ]*?" + ddof1)
    found += v.find("code", r"zscore\((?:[^()]|\([^()]*\))*ddof\s*=\s*1")
    for name in set(re.findall(r"^\s*(\w+)\s*=\s*[\w.\[\]:, ()]*" + ddof1, v.code, re.M)):
        found += v.find("code", rf"^.*mean\(.*/\s*{name}\b.*$", re.M)
    return found


@pytest.mark.parametrize("page", PAGES)
def test_standardisation_divides_by_the_population_sd(page):
    _fail(standardisation_offences(views(page)),
          r"standardise with sigma (divisor N): (x - \bar x)/\sigma_x, X.std(axis=0) (ddof=0)")


def ridge_lambda_offences(v: PageViews) -> list[str]:
    r"""The ridge / L2 penalty strength is $\alpha$; $\lambda$ is only an eigenvalue.

    A best-effort heuristic, flagging:
    - a bare `\lambda` (no subscript, so not `\lambda_{\max}` or `\lambda_i`) that multiplies a
      squared norm or a sum of squared weights (`\lambda\lVert\vw\rVert^2`,
      `\frac{\lambda}{2}\lVert`, `\tfrac\lambda2\lVert`, `\lambda\vw^\top\vw`, `\lambda\sum_d`),
      or that is added to a matrix as `+ \lambda\mathbf{I}` (ridge's shift; an eigenvalue
      appears as `\mA - \lambda\mathbf{I}`), or that is a gradient term `+ \lambda\vw`;
    - a bare `\lambda` within six words of "ridge", "penalty", "penalised", "regularisation"
      (either spelling) or "weight decay" in the same paragraph, unless "eigen" is also within
      those words or the `\lambda` is subtracted (`\mA - \lambda\mathbf I`);
    - code that passes `lam` as the strength (`alpha=lam`, `ridge_fit(X, y, lam)`).
    It can still flag an eigenvalue in a sentence about ridge that does not say "eigen";
    write such an eigenvalue with its index, $\lambda_d$, or $\lambda_{\max}$.
    """
    bare = r"\\lambda(?![A-Za-z])(?!\s*_)"
    norm = r"\s*(?:\\[,;!]\s*)?(?:\\lVert|\\\||\\vw\s*\^\s*\\top|\\sum|\\mathbf\s*\{?\s*w)"
    found = v.find("maths", bare + r"\s*\}?\s*(?:\{\s*2\s*\}|2)?" + norm)
    found += v.find("maths", r"\\[dt]?frac\s*\{?\s*\\lambda\s*\}?\s*\{?\s*2\s*\}?" + norm)
    found += v.find("maths", r"\+\s*" + bare + r"\s*(?:\\,)?\s*(?:\\mathbf\s*\{?\s*I|\\vw)")
    words = r"ridge|penal|regulari[sz]|weight decay"
    for paragraph in re.finditer(r"(?:[^\n]*\S[^\n]*\n?)+", v.prose):
        text = paragraph.group(0)
        if not re.search(words, text, re.I):
            continue
        tokens = list(re.finditer(r"\S+", text))
        for i, token in enumerate(tokens):
            if re.search(bare, token.group(0)):
                near = " ".join(t.group(0) for t in tokens[max(0, i - 6):i + 7])
                subtracted = (re.search(r"-\s*$", text[:token.start()])
                              or re.search(r"-\s*" + bare, token.group(0)))
                eigen = re.search(r"eigen", near, re.I) or subtracted
                if re.search(words, near, re.I) and not eigen:
                    found.append(v.where(paragraph.start() + token.start(), token.group(0)))
    found += v.find("code", r"alpha\s*=\s*lam(?:bda_?)?\b|ridge\w*\((?:[^()]|\([^()]*\))*\blam\b")
    return found


@pytest.mark.parametrize("page", PAGES)
def test_ridge_strength_is_alpha(page):
    _fail(ridge_lambda_offences(views(page)),
          r"the ridge / L2 strength is \alpha (code: alpha); \lambda is only an eigenvalue")


def config_macros() -> dict[str, str]:
    import yaml

    config = yaml.safe_load((BOOK / "_config.yml").read_text(encoding="utf-8"))
    return config["sphinx"]["config"]["mathjax3_config"]["tex"]["macros"]


# Standard LaTeX / AMS commands that MathJax 3 knows. Built from what the pages used when this
# test was written, plus the Greek alphabet and a few common relations and operators; every
# name was checked against the bundled MathJax. A page may use any of these; any other
# command must be a macro of book/_config.yml (and so be explained on the notation page).
GREEK = """alpha beta gamma delta epsilon varepsilon zeta eta theta vartheta iota kappa lambda mu nu xi
    pi varpi rho varrho sigma varsigma tau upsilon phi varphi chi psi omega
    Gamma Delta Theta Lambda Xi Pi Sigma Upsilon Phi Psi Omega""".split()
STANDARD_TEX = set(GREEK) | set("""
    mathbf boldsymbol mathrm mathcal mathbb mathit mathsf mathtt text texttt textrm textbf textit
    operatorname frac dfrac tfrac sqrt sum prod int lim inf sup min max log ln exp sin cos tan
    tanh arctan det dim ker bmod pmod
    top star ast circ cdot times odot oslash otimes oplus pm mp div setminus
    le leq ge geq ne neq approx sim simeq equiv propto ll gg in notin ni subset subseteq supset
    supseteq cap cup bigcup bigcap emptyset varnothing forall exists neg land lor mid nmid
    perp parallel succ succeq prec preceq iff implies Rightarrow Leftarrow Leftrightarrow
    to gets mapsto leftarrow rightarrow longrightarrow xrightarrow uparrow downarrow
    nabla partial infty ell prime
    dots ldots cdots vdots ddots colon
    quad qquad displaystyle
    langle rangle lvert rvert lVert rVert Vert vert lceil rceil lfloor rfloor
    big Big bigg Bigg bigl bigr Bigl Bigr biggl biggr left right middle
    bar hat tilde overline underline widehat widetilde dot ddot vec overset underset
    underbrace overbrace stackrel
    begin end
""".split())


def undefined_macro_offences(v: PageViews, macros) -> list[str]:
    r"""Every backslash-command in a page's mathematics is standard TeX (STANDARD_TEX) or one of
    `macros`. MathJax draws an unknown command in red without any warning, so only this test
    can catch one (issue 15)."""
    allowed = STANDARD_TEX | set(macros)
    return v.find("maths", r"\\[A-Za-z]+", skip=lambda m: m.group(0)[1:] in allowed)


@pytest.mark.parametrize("page", PAGES)
def test_tex_macros_are_defined(page):
    _fail(undefined_macro_offences(views(page), config_macros()),
          "commands that are neither standard TeX nor a macro of book/_config.yml "
          "(define the macro there, explain it on the notation page)")


def test_every_config_macro_is_on_the_notation_page():
    r"""The notation page is the book's single reference: it shows each macro of the config."""
    used = set(re.findall(r"\\([A-Za-z]+)", views("preface/notation").maths))
    missing = sorted(set(config_macros()) - used)
    assert not missing, f"book/preface/notation.md does not show the macros {missing} " \
                        "of book/_config.yml"


def test_page_views_split_prose_maths_and_code():
    """The three views of a small page: offsets are kept, fences and inline code are honoured."""
    source = ("---\nkernelspec: x\n---\n"
              "Text $\\Var(X)$ and `\\Var(x)` and $$\\mX_{nd}$$ cost \\$5.\n"
              "```{code-cell} ipython3\nz = (x - x.mean()) / x.std(ddof=1)\n```\n"
              ":::{prf:definition} D\nA $\\lambda\\lVert\\vw\\rVert^2$ term.\n:::\n"
              "````{exercise}\n```python\ns = 1  # $not maths$\n```\nThe $\\undefined$.\n````\n")
    page = PageViews("t", source)
    assert len(page.prose) == len(page.maths) == len(page.code) == len(source)
    var = page.find("maths", r"\\Var\(")
    assert len(var) == 1 and var[0].startswith("book/t.md:4: `\\Var(` in: Text")
    assert page.find("maths", r"\\mX_\{nd\}") and not page.find("maths", r"5")
    assert page.find("code", r"ddof=1") and not page.find("prose", r"ddof=1")
    assert page.find("maths", r"\\lambda\\lVert")[0].startswith("book/t.md:9:")
    assert page.find("maths", r"\\undefined") and not page.find("maths", r"not maths")
    assert not page.find("maths", "kernelspec") and not page.find("prose", "kernelspec")


def _lines(found: list[str]) -> list[int]:
    return sorted({int(f.split(":")[1]) for f in found})


def test_notation_checks_on_a_synthetic_page():
    """Each check flags the stray forms and lets the book's own forms through (one per line)."""
    source = "\n".join([
        r"$\Var(X)$ and $\Cov\big(X, Y\big)$",                        # 1  var
        r"$\operatorname{Var}[X]$",                                   # 2  var
        r"$\Var[X] + \Cov[X, Y] + \Corr[X,Y]$",                       # 3  fine
        r"$X_{nd}$, $A_{i,j}$, $\mathbf{G}_{nm}$",                    # 4  entries
        r"$(\mA)_{ij}$ and $W^{(2)}_{kh}$",                           # 5  entries
        r"$x_{nd}$, $(\mA^\top)_{ij} = a_{ji}$, $(\mA\mathbf B)_{ij}$",  # 6  fine
        r"$H_{ij}$, $J_{ij}$, $K_{nm}$, $\Sigma_{ij}$, $\mathbf{E}_{ij}$, $S_{xy}$, $\mA_{11}$",  # 7 fine
        r"$z = (x - \bar x)/s_x$ and $\frac{x_{nd} - \bar x_d}{s_d}$",  # 8  standardisation
        r"$z_{nd} = (x_{nd} - \bar x_d)/\sigma_d$, $s^2 = \frac{1}{N-1}\sum_n (x_n - \bar x)^2$",  # 9 fine
        r"$\frac{\lambda}{2}\lVert\vw\rVert^2$",                      # 10 ridge
        r"$\mX^\top\mX/N + \lambda\mathbf{I}$",                       # 11 ridge
        r"the ridge penalty $\lambda$ is small.",                     # 12 ridge
        r"$\mA - \lambda\mathbf I$; the ridge shifts $\lambda_d$ by $\alpha$;"
        r" an eigenvalue $\lambda$ of the ridge",                    # 13 fine
        r"$\vx \in \R^D$, $\undefinedmacro$",                         # 14 macro
        "```{code-cell} ipython3",                                     # 15
        "z = (x - x.mean()) / x.std(ddof=1)",                          # 16 standardisation
        "s = x.std(ddof=1)",                                           # 17 fine (inference)
        "Z = (X - X.mean(axis=0)) / s",                                # 18 standardisation
        "w = regression.ridge_fit(X, y, lam)",                         # 19 ridge
        "model = Ridge(alpha=lam)",                                    # 20 ridge
        "w = regression.ridge_fit(X, y, alpha)",                       # 21 fine
        "```",
    ])
    page = PageViews("synthetic", source)
    assert _lines(var_cov_offences(page)) == [1, 2]
    assert _lines(matrix_entry_offences(page)) == [4, 5]
    assert _lines(standardisation_offences(page)) == [8, 16, 18]
    assert _lines(ridge_lambda_offences(page)) == [10, 11, 12, 19, 20]
    macros = {"R", "vx", "mA", "mX", "vw", "Var", "Cov", "Corr"}
    assert _lines(undefined_macro_offences(page, macros)) == [14]


# ---------------------------------------------------------------- proofs (issue 15, section 4)
# A relation at the top level of a formula: =, <, >, \le, \ge, \leq, \geq, \approx, \equiv, \to.
# Relations inside braces, brackets or parentheses (events, sets, subscripts, [k = y]) are not steps.
_RELATION = r"(?<![<>!\\])(?:=|<|>|\\le(?:q)?(?![a-z])|\\ge(?:q)?(?![a-z])|\\approx|\\equiv|\\to(?![a-z]))"


def _top_level(tex: str) -> str:
    previous = None
    while previous != tex:
        previous = tex
        tex = re.sub(r"\{[^{}]*\}|\([^()]*\)|\[[^\[\]]*\]", "()", tex)
    return tex


def inline_chain_offences(v: PageViews) -> list[str]:
    r"""In a proof, a chain of three or more relations written in the running text.

    The steps of such a chain go in a displayed ``aligned`` block, one step a line, with the
    reason beside each (``&& \text{(Cauchy–Schwarz)}``). A chain is one inline formula, continued
    by the next formulas of the same paragraph that begin with a relation (``$a = b$, so
    $= c$``). A run of equal or ordered values written with dots (``$0 \le \lambda_1 \le \dots
    \le \lambda_D$``) states one fact, not steps, and is allowed."""
    found = []
    for proof in re.finditer(r"^(:{3,})\{prf:proof\}[^\n]*\n(.*?)^\1[ \t]*$", v.source, re.S | re.M):
        body = re.sub(r"\$\$.*?\$\$", lambda m: re.sub(r"[^\n]", " ", m.group(0)), proof.group(2),
                      flags=re.S)
        for paragraph in re.finditer(r"(?:[^\n]*\S[^\n]*(?:\n|$))+", body):
            chain, start, text = 0, 0, ""
            for m in re.finditer(r"(?<!\$)\$([^$]+?)\$(?!\$)", paragraph.group(0)):
                tex = _top_level(m.group(1))
                steps = len(re.findall(_RELATION, tex))
                if chain and re.match(r"\s*" + _RELATION, tex):
                    chain, text = chain + steps, text + " … " + m.group(1)
                else:
                    chain, start, text = steps, m.start(), m.group(1)
                if chain >= 3 and not re.search(r"\\[lc]?dots", text):
                    offset = proof.start(2) + paragraph.start() + start
                    found.append(v.where(offset, text))
                    chain = 0
    return found


@pytest.mark.parametrize("page", PAGES)
def test_proofs_display_their_chains(page):
    _fail(inline_chain_offences(views(page)),
          "a proof chains three or more relations in the running text: put the steps in a displayed "
          "aligned block, one a line, with the reason beside each")


def test_inline_chain_check_on_a_synthetic_page():
    source = "\n".join([
        ":::{prf:proof}",
        r"So $a = b = c = d$ by the rules.",                              # 2  chain of 3
        r"Then $x \le y$, and $\le z$, hence $= w$.",                      # 3  chain of 3 in parts
        r"Events $\P(X=x, Y=y) = \P(X=x)\,\P(Y=y)$ and $a = b$.",          # 4  fine
        r"Ordered $0 \le \lambda_1 \le \dots \le \lambda_D$.",            # 5  fine (dots)
        "",
        "$$",
        r"\begin{aligned} a &= b && \text{(r)}\\ &= c \\ &= d \end{aligned}",  # 8 fine (display)
        "$$",
        r"Two steps $a \le b \le c$ are fine.",                           # 10 fine
        ":::",
        r"Outside a proof $a = b = c = d$.",                              # 12 fine
    ])
    assert _lines(inline_chain_offences(PageViews("synthetic", source))) == [2, 3]


# ---------------------------------------------------------------- page length (issue 15, section 4)
MAX_PROSE_WORDS = 2500   # the style guide: one page per section, 800-2500 words
# Pages allowed to run over, each with the reason it cannot be split. Empty: every page that ran
# over was split at a natural seam (calculus/hessian, optim/line_search, problems/clustering,
# optim/logistic) or tightened.
LONG_PAGES: dict[str, str] = {}


def prose_words(v: PageViews) -> int:
    """Words of prose a reader reads on the page: headings, text, theorem and exercise statements,
    proofs and solutions, but not code, not mathematics, and not labels or directive options.
    A role (a glued number, a cross-reference) counts as one word."""
    text = "".join(" " if m not in " \n" else p for p, m in zip(v.prose, v.maths))
    text = re.sub(r"^\s*:[\w-]+:.*$", " ", text, flags=re.M)          # directive options
    text = re.sub(r"^\([\w-]+\)=\s*$", " ", text, flags=re.M)          # (label)= lines
    text = re.sub(r"<!--.*?-->", " ", text, flags=re.S)
    text = re.sub(r"(?:`{3,}|:{3,})\{[\w:-]+\}", " ", text)          # directive markup, not titles
    text = re.sub(r"\{[\w:-]+\}`[^`]*`", "X", text)                    # a role is one word
    text = re.sub(r"`[^`]*`", "X", text)                               # so is inline code
    return len(re.findall(r"[A-Za-z0-9][\w'’.,-]*", text))


@pytest.mark.parametrize("page", SECTIONS)
def test_pages_stay_within_the_word_limit(page):
    words = prose_words(views(page))
    if page in LONG_PAGES:
        pytest.skip(f"{page}: {words} words, allowed because {LONG_PAGES[page]}")
    assert words <= MAX_PROSE_WORDS, (
        f"book/{page}.md has {words} words of prose (code and mathematics not counted), more than "
        f"the style guide's {MAX_PROSE_WORDS}: split it into two pages at a natural seam, keeping "
        "its labels, and add the new page to _toc.yml and the chapter index")


def test_prose_word_count_ignores_code_maths_and_markup():
    source = "\n".join([
        "---", "kernelspec: x", "---",
        "(sec-x)=",
        "# Two words",
        "Three more words $a + b = c$ and {glue:text}`n:.1f` then `code`.",
        ":::{prf:theorem} Named",
        ":label: thm-x",
        "Stated here.",
        ":::",
        "$$",
        "x = y + z",
        "$$",
        "```{code-cell} ipython3",
        "print('not counted at all')",
        "```",
    ])
    # Two words | Three more words and X then X. | Named | Stated here.
    assert prose_words(PageViews("t", source)) == 2 + 7 + 1 + 2


def test_every_section_of_a_numbered_part_is_checked_for_its_shape():
    """The shape and length checks cover every section page: a new part cannot slip past them."""
    assert "spectral/pca" in SECTIONS and "matrices/lu" in SECTIONS and "optim/descent" in SECTIONS
    assert not [p for p in SECTIONS if p.endswith("index") or p.startswith(("preface/", "appendix/"))]
