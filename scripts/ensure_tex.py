"""Make sure the TeX tools that `make pdf` (and its test) need are installed.

The PDF is built by pdflatex through latexmk, with the class book/_latex/math4ml.cls, which only
needs Debian's texlive-latex-extra (and what it pulls in). The test reads the PDF back with
poppler's pdftoppm/pdftotext/pdfinfo. When something is missing:

* as root with apt-get available, install exactly the missing Debian packages;
* otherwise print the `apt-get install` line that would, and exit 1 (`--check` only reports).

Usage: python scripts/ensure_tex.py [--check] [--quiet]
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys

# What is needed -> the Debian package that provides it.
PROGRAMS = {
    "pdflatex": "texlive-latex-base",
    "latexmk": "latexmk",
    "makeindex": "texlive-binaries",
    "pdftoppm": "poppler-utils",
    "pdftotext": "poppler-utils",
    "pdfinfo": "poppler-utils",
}
# LaTeX packages the generated source loads that are not in texlive-latex-base.
STYLES = {
    "fncychap.sty": "texlive-latex-extra",
    "changepage.sty": "texlive-latex-extra",
    "ellipse.sty": "texlive-pictures",
    "pict2e.sty": "texlive-pictures",
    "lmodern.sty": "lmodern",
    "capt-of.sty": "texlive-latex-extra",
    "needspace.sty": "texlive-latex-extra",
    "framed.sty": "texlive-latex-extra",
    "wrapfig.sty": "texlive-latex-extra",
    "tabulary.sty": "texlive-latex-extra",
    "upquote.sty": "texlive-latex-extra",
    "fancyvrb.sty": "texlive-latex-recommended",
    "titlesec.sty": "texlive-latex-extra",
    "varwidth.sty": "texlive-latex-extra",
    "bm.sty": "texlive-latex-base",
    "amsthm.sty": "texlive-latex-base",
}


def missing_packages() -> list[str]:
    missing = {pkg for prog, pkg in PROGRAMS.items() if shutil.which(prog) is None}
    kpsewhich = shutil.which("kpsewhich")
    if kpsewhich is None:
        missing.update(STYLES.values())
    else:
        found = subprocess.run([kpsewhich, *STYLES], capture_output=True, text=True).stdout
        names = {os.path.basename(line.strip()) for line in found.splitlines()}
        missing.update(pkg for sty, pkg in STYLES.items() if sty not in names)
    return sorted(missing)


def main(argv: list[str]) -> int:
    check_only = "--check" in argv
    quiet = "--quiet" in argv
    missing = missing_packages()
    if not missing:
        if not quiet:
            print("ensure_tex: TeX Live, latexmk and poppler-utils are installed.")
        return 0
    line = "apt-get install --no-install-recommends " + " ".join(missing)
    can_install = os.geteuid() == 0 and shutil.which("apt-get") is not None
    if check_only or not can_install:
        why = "" if check_only else " (installing needs root and apt-get)"
        print(f"ensure_tex: the PDF needs these Debian packages, which are missing{why}:\n"
              f"    {line}", file=sys.stderr)
        return 1
    print(f"ensure_tex: installing {' '.join(missing)} with apt-get ...", flush=True)
    env = dict(os.environ, DEBIAN_FRONTEND="noninteractive")
    install = ["apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing]
    for cmd in (["apt-get", "update", "-qq"], install):
        result = subprocess.run(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        if result.returncode != 0:
            print(f"ensure_tex: `{' '.join(cmd)}` failed:\n{result.stderr[-2000:]}", file=sys.stderr)
            return 1
    still = missing_packages()
    if still:
        print(f"ensure_tex: still missing after apt-get: {' '.join(still)}", file=sys.stderr)
        return 1
    print("ensure_tex: installed.")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
