"""The printed book: what `make pdf` changes in Sphinx's LaTeX output.

Jupyter Book's LaTeX support (sphinx-jupyterbook-latex) turns the table of contents' part
captions into ``\\part``s and wraps code cells, which we keep. It also forces xelatex and a
document class that loads ``bbm`` (only in Debian's 1.4 GB ``texlive-fonts-extra``),
``ucharclasses`` and ``unicode-math``, none of which the book needs. This extension, for the
LaTeX builder only,

* builds with pdflatex and the class ``book/_latex/math4ml.cls``, so Debian's
  ``texlive-latex-extra`` (plus ``latexmk``) is all the PDF needs;
* defines the book's TeX macros from ``mathjax3_config`` (one definition, in ``_config.yml``,
  serves the web and the PDF) and the few non-ASCII characters pdflatex must be told about;
* gives theorems, definitions, examples, exercises and solutions boxes of their own kind,
  and sets proofs as an indented block that opens with "Proof." and ends with a square;
* numbers theorems, exercises, figures and equations per chapter, as the web book does
  ("Theorem 3.15", "Fig. 3.11", "(3.6)"), where sphinx-jupyterbook-latex would number them
  per section;
* leaves the parts that the table of contents does not number (the front matter) unnumbered,
  and letters the chapters of the parts after the numbered ones (the appendix), so that the
  PDF's chapter, section, figure and theorem numbers are the web book's;
* moves every solution out of the text to a "Solutions" section at the end of its chapter, and
  ends each exercise with the page of its solution (in the HTML they are dropdowns).

It also checks the LaTeX source for a character pdflatex cannot typeset and reports it as a
Sphinx warning (so `-W` fails with the character and its page, not with a TeX error).
"""

from __future__ import annotations

from pathlib import Path

from docutils import nodes
from sphinx import addnodes
from sphinx.application import Sphinx
from sphinx.config import Config
from sphinx.transforms.post_transforms import SphinxPostTransform
from sphinx.util import logging

from m4ml_book import patches
from m4ml_book.patches import docname_of
from m4ml_book.toc import read_toc

logger = logging.getLogger(__name__)

THEME = "math4ml"
CLASS_FILE = "_latex/math4ml.cls"

# Kinds of sphinx-proof and sphinx-exercise blocks -> Sphinx admonition type (its colours are
# set in SPHINXSETUP). Kinds not listed are boxed as "note".
BOX = {
    **dict.fromkeys(["theorem", "lemma", "proposition", "corollary", "conjecture", "criterion",
                     "axiom"], "important"),
    "definition": "tip",
    "exercise": "hint",
    "solution": "seealso",
}
SPHINXSETUP = ",".join([
    "hmargin={2.2cm,2.2cm}", "vmargin={2.4cm,2.6cm}", "marginpar=2cm",
    # theorem-like: blue; definition: green; exercise: orange; solution: grey; other: light grey
    "div.important_border-TeXcolor={RGB}{0,92,171}", "div.important_background-TeXcolor={RGB}{240,246,252}",
    "div.important_title-background-TeXcolor={RGB}{212,230,247}",
    "div.important_title-foreground-TeXcolor={RGB}{0,60,120}",
    "div.tip_border-TeXcolor={RGB}{0,128,80}", "div.tip_background-TeXcolor={RGB}{241,250,245}",
    "div.tip_title-background-TeXcolor={RGB}{213,240,225}",
    "div.tip_title-foreground-TeXcolor={RGB}{0,90,55}",
    "div.hint_border-TeXcolor={RGB}{196,110,0}", "div.hint_background-TeXcolor={RGB}{255,250,240}",
    "div.hint_title-background-TeXcolor={RGB}{252,232,200}",
    "div.hint_title-foreground-TeXcolor={RGB}{125,65,0}",
    "div.seealso_border-TeXcolor={RGB}{120,120,120}", "div.seealso_background-TeXcolor={RGB}{250,250,250}",
    "div.seealso_title-background-TeXcolor={RGB}{232,232,232}",
    "div.seealso_title-foreground-TeXcolor={RGB}{40,40,40}",
    "div.note_border-TeXcolor={RGB}{150,150,150}", "div.note_title-background-TeXcolor={RGB}{238,238,238}",
    "div.note_title-foreground-TeXcolor={RGB}{40,40,40}",
])

# Characters outside Latin-1/Latin Extended-A that appear in the book (mostly in code and its
# output) and how pdflatex should typeset them. A new one is reported by `check_characters`.
UNICODE = {
    "α": r"\alpha", "β": r"\beta", "γ": r"\gamma", "δ": r"\delta", "ε": r"\varepsilon",
    "ζ": r"\zeta", "η": r"\eta", "θ": r"\theta", "ι": r"\iota", "κ": r"\kappa", "λ": r"\lambda",
    "μ": r"\mu", "ν": r"\nu", "ξ": r"\xi", "π": r"\pi", "ρ": r"\rho", "σ": r"\sigma", "τ": r"\tau",
    "υ": r"\upsilon", "φ": r"\varphi", "χ": r"\chi", "ψ": r"\psi", "ω": r"\omega",
    "Γ": r"\Gamma", "Δ": r"\Delta", "Θ": r"\Theta", "Λ": r"\Lambda", "Ξ": r"\Xi", "Π": r"\Pi",
    "Σ": r"\Sigma", "Φ": r"\Phi", "Ψ": r"\Psi", "Ω": r"\Omega",
    "∞": r"\infty", "‖": r"\|", "≈": r"\approx", "−": r"-", "∂": r"\partial", "∇": r"\nabla",
    "⇒": r"\Rightarrow", "⇔": r"\Leftrightarrow", "→": r"\rightarrow", "←": r"\leftarrow",
    "↦": r"\mapsto", "≤": r"\le", "≥": r"\ge", "≠": r"\ne", "±": r"\pm", "∫": r"\int",
    "∑": r"\sum", "∈": r"\in", "⊂": r"\subset", "⊆": r"\subseteq", "∪": r"\cup", "∩": r"\cap",
    "∀": r"\forall", "∃": r"\exists", "√": r"\surd", "·": r"\cdot", "⋅": r"\cdot",
    "⊤": r"\top", "∘": r"\circ", "∼": r"\sim", "≡": r"\equiv", "∝": r"\propto",
    "₀": "_0", "₁": "_1", "₂": "_2", "₃": "_3", "₄": "_4", "⁰": "^0", "³": "^3", "⁻": "^-", "ᵀ": r"^\top",
    "ᵏ": "^k", "ᵗ": "^t", "ᵢ": "_i", "⋯": r"\cdots",
}
TEXT_SAFE = set("‘’‚“”„–—…•†‡€™") | {chr(c) for c in range(0xA0, 0x180)}


def macros_to_latex(macros: dict) -> str:
    r"""MathJax's macro table (``name: body`` or ``name: [body, nargs]``) as LaTeX definitions."""
    lines = []
    for name, body in macros.items():
        nargs = 0
        if isinstance(body, (list, tuple)):
            body, nargs = body[0], int(body[1])
        args = f"[{nargs}]" if nargs else ""
        lines.append(f"\\providecommand{{\\{name}}}{{}}\\renewcommand{{\\{name}}}{args}{{{body}}}")
    return "\n".join(lines)


def unicode_to_latex() -> str:
    lines = []
    for char, tex in UNICODE.items():
        body = tex if tex == "-" else f"\\ensuremath{{{tex}}}"
        lines.append(f"\\DeclareUnicodeCharacter{{{ord(char):04X}}}{{{body}}}")
    return "\n".join(lines)


def configure_latex(app: Sphinx, config: Config) -> None:
    """Undo sphinx-jupyterbook-latex's engine, class and preamble (it runs at config-inited)."""
    config.latex_engine = "pdflatex"
    # sphinx-jupyterbook-latex replaces it at builder-inited; restore_numbering puts it back
    app.m4ml_numfig_secnum_depth = config.numfig_secnum_depth
    config.latex_domain_indices = False  # sphinx-proof's index would list raw labels (thm-...)
    config.latex_theme = THEME
    cls = str(Path(app.confdir, CLASS_FILE))
    if cls not in config.latex_additional_files:
        config.latex_additional_files = [*config.latex_additional_files, cls]
    elements = dict(config.latex_elements)
    preamble = elements.get("preamble", "")
    preamble = patches.strip_jupyterbook_preamble(preamble)
    macros = config.mathjax3_config.get("tex", {}).get("macros", {}) if config.mathjax3_config else {}
    preamble += "\n% Math4ML: macros shared with the web book (mathjax3_config)\n" + macros_to_latex(macros)
    preamble += "\n% Math4ML: characters pdflatex must be told about\n" + unicode_to_latex() + "\n"
    # The bibliography page is a chapter of the book already: its list must not open another.
    preamble += ("\\makeatletter\\renewenvironment{sphinxthebibliography}[1]{\\begingroup"
                 "\\let\\chapter\\@gobbletwo\\begin{thebibliography}{#1}}"
                 "{\\end{thebibliography}\\endgroup}\\makeatother\n")
    # Figures, tables and equations numbered per chapter ("Fig. 3.11", "(3.6)"), as on the web.
    # Sphinx's LaTeX writer counts the parts as the top level and would drop the chapter from
    # these numbers for numfig_secnum_depth 1; \thechapter keeps the appendix's letters.
    preamble += ("\\makeatletter\\AtBeginDocument{\\def\\mlchapterprefix{\\ifnum\\c@chapter>\\z@"
                 "\\thechapter.\\fi}\\renewcommand\\thefigure{\\mlchapterprefix\\arabic{figure}}"
                 "\\renewcommand\\thetable{\\mlchapterprefix\\arabic{table}}"
                 "\\renewcommand\\theequation{\\mlchapterprefix\\arabic{equation}}}\\makeatother\n")
    elements["preamble"] = preamble
    elements.setdefault("papersize", "a4paper")
    elements.setdefault("pointsize", "11pt")
    elements.setdefault("fontpkg", r"\usepackage{lmodern}")
    elements.setdefault("sphinxsetup", SPHINXSETUP)
    # Figures stay where their code cell draws them ([H], from the float package Sphinx loads):
    # a floating figure cannot sit inside an exercise or solution box ("Not in outer par mode").
    elements.setdefault("figure_align", "H")
    config.latex_elements = elements


# ----------------------------------------------------------------------------- boxes
def _kind(node: nodes.Element) -> str:
    if node.tagname.startswith("exercise"):
        return "exercise"
    if node.tagname.startswith("solution"):
        return "solution"
    return (node.get("realtype") or "").lower()


def box_of(node: nodes.Element) -> str | None:
    """The LaTeX box of a block (a Sphinx admonition type), or None for a proof."""
    kind = _kind(node)
    return None if kind == "proof" else BOX.get(kind, "note")


def restyle_boxes(app: Sphinx) -> None:
    if app.builder.name != "latex":
        return
    # number blocks, figures and equations per chapter, as the web book does
    patches.restore_numfig_secnum_depth(app, app.m4ml_numfig_secnum_depth)
    patches.patch_find_parent()
    patches.restyle_latex_boxes(app, box_of)


# ----------------------------------------------------------------------------- structure
def _is_root(app: Sphinx, document: nodes.document) -> bool:
    return app.project.path2doc(document.get("source", "")) == app.config.root_doc


def _raw(tex: str) -> nodes.raw:
    return nodes.raw("", tex + "\n", format="latex")


# The web book numbers the figures, tables and equations of unnumbered pages (front matter and
# appendix alike) in one sequence without a chapter ("Fig. 1" in the introduction, "Fig. 2" in
# the appendix). The PDF keeps the front matter's counts and continues them in the appendix.
COUNTERS = ("figure", "table", "equation")
SAVE_FRONT_COUNTS = r"\edef\mlfrontcounts{" + "".join(
    rf"\noexpand\setcounter{{{c}}}{{\the\value{{{c}}}}}" for c in COUNTERS) + "}"
APPENDIX_COUNTS = "".join(rf"\counterwithout{{{c}}}{{chapter}}" for c in COUNTERS) + (
    r"\providecommand{\mlfrontcounts}{}\mlfrontcounts")


class BookStructure(SphinxPostTransform):
    """Numbering of front matter and appendix; solutions at the end of each chapter."""

    builders = ("latex",)
    default_priority = 800  # after sphinx-jupyterbook-latex has made the parts (700)

    def run(self, **kwargs) -> None:
        if not _is_root(self.app, self.document):
            return
        self.number_parts()
        self.set_proofs()
        self.collect_solutions()
        self.fix_exercise_refs()
        self.fit_wide_tables()

    def set_proofs(self) -> None:
        """Set each proof as the class's ``mlproof``: "Proof." starts its text, no title bar.

        sphinx-proof makes a proof an admonition without a title (its text starts with
        "Proof. "), which Sphinx's LaTeX writer prints as a box whose title is the first
        paragraph's ``\\sphinxAtStartPar``: an empty grey bar. The web book shows no title.
        """
        from sphinx_proof.nodes import proof_node

        for proof in list(self.document.findall(proof_node)):
            body = []
            for child in proof.children:
                is_box = isinstance(child, nodes.admonition) and "proof" in child["classes"]
                body.extend(child.children if is_box else [child])
            body = [child.deepcopy() for child in body]
            if body and isinstance(body[-1], nodes.paragraph):
                body[-1] += nodes.raw("", r"\mlqed{}", format="latex")
            proof.replace_self([_raw(r"\begin{mlproof}"), *body, _raw(r"\end{mlproof}")])

    def fit_wide_tables(self, line_chars: int = 90, cap: int = 40) -> None:
        """Give a table too wide for the page proportional, wrapping columns.

        Without widths Sphinx sets a long table (more than 30 rows) in ``l`` columns, which do
        not wrap: the execution-status table ran 6 cm off the page. Each column gets a width
        proportional to its longest cell (capped), so long names wrap instead.
        """
        for table in self.document.findall(nodes.table):
            if "colwidths-given" in table["classes"]:
                continue
            tgroup = next(table.findall(nodes.tgroup), None)
            if tgroup is None:
                continue
            colspecs = [c for c in tgroup.children if isinstance(c, nodes.colspec)]
            widths = [1] * len(colspecs)
            for row in tgroup.findall(nodes.row):
                for i, entry in enumerate(e for e in row.children if isinstance(e, nodes.entry)):
                    if i < len(widths):
                        widths[i] = max(widths[i], len(entry.astext()))
            if sum(min(w, cap + 20) for w in widths) <= line_chars:
                continue
            for colspec, width in zip(colspecs, widths):
                colspec["colwidth"] = max(4, min(width, cap))
            table["classes"].append("colwidths-given")

    def fix_exercise_refs(self) -> None:
        """Point {numref} links to exercises of other pages at sphinx-exercise's LaTeX labels.

        Sphinx prints them as ``\\ref{page:label}``, a label sphinx-exercise never writes (it
        writes ``exercise:label``), so LaTeX would print "??". The web book's number is used.
        """
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        for ref in list(self.document.findall(addnodes.number_reference)):
            target = ref.get("refid") or ref.get("refuri", "").rpartition("#")[2]
            entry = registry.get(target)
            if not entry or entry.get("type") != "exercise":
                continue
            number = self.env.toc_fignumbers.get(entry["docname"], {}).get("exercise", {}).get(target)
            if not number:
                continue
            text = ref.get("title", "Exercise %s").replace("{number}", "%s")
            text = text % ".".join(map(str, number)) if "%s" in text else text
            ref.replace_self(nodes.raw("", r"\hyperref[exercise:%s]{%s}" % (target, text), format="latex"))

    def _parts(self):
        """(caption, numbered) of each part of the table of contents, in order."""
        return [(part.caption, part.numbered) for part in read_toc(Path(self.app.srcdir)).parts
                if part.caption]

    def number_parts(self) -> None:
        parts = self._parts()
        if not any(numbered for _, numbered in parts):
            return
        sections = {}
        for section in self.document.findall(nodes.section):
            if section.get("docname") in dict(parts) and section.children:
                sections.setdefault(section["docname"], section)
        seen_numbered = front = appendix_started = False
        for caption, numbered in parts:
            section = sections.get(caption)
            if section is None:
                continue
            if numbered and not seen_numbered:
                seen_numbered = True
                if front:
                    section.insert(0, _raw(r"\setcounter{secnumdepth}{\mlsecnumdepth}"
                                           + SAVE_FRONT_COUNTS))
            elif not numbered and not seen_numbered:
                if not front:
                    section.insert(0, _raw(r"\providecommand{\mlsecnumdepth}{}\edef\mlsecnumdepth"
                                           r"{\arabic{secnumdepth}}\setcounter{secnumdepth}{-2}"))
                front = True
            elif not numbered and not appendix_started:
                appendix_started = True
                section.insert(0, _raw(r"\appendix" + APPENDIX_COUNTS))

    def _chapters(self) -> set[str]:
        return set(read_toc(Path(self.app.srcdir)).chapters)

    def collect_solutions(self) -> None:
        from sphinx_exercise.nodes import solution_node

        chapters = self._chapters()
        self._exercises = {n.get("label"): n for n in self.document.findall(
            lambda n: isinstance(n, nodes.Element) and n.tagname.startswith("exercise")
            and n.get("label"))}
        for start in list(self.document.findall(addnodes.start_of_file)):
            if start.get("docname") not in chapters:
                continue
            chapter = next((c for c in start.children if isinstance(c, nodes.section)), None)
            if chapter is None:
                continue
            solutions = [s for s in chapter.findall(solution_node)]
            if not solutions:
                continue
            block = nodes.section("", ids=[f"m4ml-solutions-{start['docname']}"])
            block += nodes.title("", "Solutions to the exercises")
            for solution in solutions:
                # keep the page it came from: LaTeX labels and same-page links are named after it
                home = solution.get("docname") or docname_of(solution) or start["docname"]
                page = addnodes.start_of_file(docname=home)
                solution.parent.remove(solution)
                page += solution
                block += page
                self.link_exercise(solution)
            chapter += block

    def link_exercise(self, solution) -> None:
        """End the exercise with the page its solution is printed on."""
        registry = getattr(self.env, "sphinx_exercise_registry", {})
        exercise = self._exercises.get(solution.get("target_label"))
        docname = registry.get(solution.get("label"), {}).get("docname")
        if exercise is None or docname is None:
            return
        target = f"{docname}:{solution['label']}"
        exercise += _raw(r"\par\hfill{\small\itshape Solution on page~\pageref{%s}.}" % target)


# ----------------------------------------------------------------------------- checks
def check_characters(app: Sphinx, exception) -> None:
    if exception is not None or app.builder.name != "latex":
        return
    for tex in Path(app.outdir).glob("*.tex"):
        text = tex.read_text(encoding="utf-8")
        unknown = sorted({c for c in text if ord(c) > 127 and c not in TEXT_SAFE and c not in UNICODE})
        for char in unknown:
            line = text[: text.index(char)].count("\n") + 1
            logger.warning("pdflatex cannot typeset %r (U+%04X), first at %s line %d: add it to "
                           "UNICODE in src/m4ml_book/latex_pdf.py or avoid it", char, ord(char), tex.name, line)


def setup(app: Sphinx) -> dict:
    app.connect("config-inited", configure_latex, priority=900)  # after sphinx-jupyterbook-latex
    app.connect("builder-inited", restyle_boxes, priority=900)
    app.add_post_transform(BookStructure)
    app.connect("build-finished", check_characters)
    return {"parallel_read_safe": True, "parallel_write_safe": True}
