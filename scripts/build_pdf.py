"""Build the whole book as one PDF through LaTeX (`make pdf`).

1. Check the TeX tools (scripts/ensure_tex.py installs them as root, or names the Debian
   packages to install).
2. `jupyter-book build --builder latex -W -n --keep-going`: Sphinx warnings are errors, as for the
   HTML. Pages are not re-executed: outputs come from the execution cache that `make book` filled
   (a page whose code changed since is executed, as `make book` would).
3. latexmk with pdflatex, stopping at the first TeX error. LaTeX's own problems that do not stop
   it (an undefined or doubly defined reference, a missing figure file) are errors here too.

Usage: python scripts/build_pdf.py [BOOK_DIR] [--path-output DIR]
Prints the PDF's path, its page count and the time each step took.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "scripts"))
import ensure_tex  # noqa: E402

TARGET = "math4ml"
# LaTeX log lines that mean the PDF is wrong even though pdflatex finished.
LOG_PROBLEMS = [
    re.compile(r"LaTeX Warning: (Hyper r|R)eference `[^']*' on page \d+ undefined"),
    re.compile(r"LaTeX Warning: Label `[^']*' multiply defined"),
    re.compile(r"LaTeX Warning: File `[^']*' not found"),
    re.compile(r"Package inputenc Error.*"),
]


def run(cmd: list[str], cwd: Path, log: Path, env=None) -> None:
    with log.open("w") as out:
        result = subprocess.run(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, env=env)
    if result.returncode != 0:
        tail = log.read_text(errors="replace")[-5000:]
        sys.exit(f"build_pdf: `{' '.join(cmd)}` failed (exit {result.returncode}); "
                 f"end of {log}:\n{tail}")


def tex_errors(texlog: Path) -> list[str]:
    """The first TeX error of a failed run, with the lines after it."""
    lines = texlog.read_text(errors="replace").splitlines()
    for i, line in enumerate(lines):
        if line.startswith("!"):
            return lines[i:i + 12]
    return lines[-20:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("book", nargs="?", default=str(ROOT / "book"))
    parser.add_argument("--path-output", default=None,
                        help="where _build/ goes (default: the book folder, like `make book`)")
    args = parser.parse_args()
    book = Path(args.book).resolve()
    build = Path(args.path_output).resolve() / "_build" if args.path_output else book / "_build"
    latex = build / "latex"

    if ensure_tex.main(["--quiet"]) != 0:
        return 1

    bin_dir = Path(sys.executable).parent
    jb = shutil.which("jupyter-book", path=str(bin_dir)) or shutil.which("jupyter-book")
    cmd = [jb, "build", str(book), "--builder", "latex", "-W", "-n", "--keep-going"]
    if args.path_output:
        cmd += ["--config", str(book / "_config.yml"), "--path-output", args.path_output]
    build.mkdir(parents=True, exist_ok=True)
    t0 = time.perf_counter()
    print("build_pdf: writing the LaTeX source (jupyter-book, warnings are errors) ...", flush=True)
    run(cmd, ROOT, build / "latex-build.log")
    t1 = time.perf_counter()

    print("build_pdf: typesetting with pdflatex (latexmk) ...", flush=True)
    texlog = latex / f"{TARGET}.log"
    env = dict(os.environ, LATEXOPTS="-interaction=nonstopmode -halt-on-error -file-line-error")
    # Sphinx writes latexmkrc next to the source; it passes LATEXOPTS to pdflatex.
    latexmk = ["latexmk", "-pdf", "-dvi-", "-ps-", "-silent", f"{TARGET}.tex"]
    with (build / "latexmk.log").open("w") as out:
        result = subprocess.run(latexmk, cwd=latex, stdout=out, stderr=subprocess.STDOUT, env=env)
    t2 = time.perf_counter()
    if result.returncode != 0:
        detail = "\n".join(tex_errors(texlog)) if texlog.exists() else "(no log)"
        sys.exit(f"build_pdf: pdflatex failed; first error in {texlog}:\n{detail}")

    problems = sorted({m.group(0) for line in texlog.read_text(errors="replace").splitlines()
                       for pattern in LOG_PROBLEMS if (m := pattern.search(line))})
    if problems:
        sys.exit("build_pdf: the PDF was typeset but LaTeX reports problems (see "
                 f"{texlog}):\n  " + "\n  ".join(problems[:30]))

    pdf = latex / f"{TARGET}.pdf"
    info = subprocess.run(["pdfinfo", str(pdf)], capture_output=True, text=True).stdout
    pages = re.search(r"^Pages:\s+(\d+)", info, re.M)
    print(f"build_pdf: {pdf} ({pages.group(1) if pages else '?'} pages, "
          f"{pdf.stat().st_size / 1e6:.1f} MB); LaTeX source {t1 - t0:.0f} s, pdflatex {t2 - t1:.0f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
