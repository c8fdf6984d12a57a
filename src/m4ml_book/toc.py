"""The book's table of contents (``book/_toc.yml``, Jupyter Book's ``jb-book`` format).

The one reader of that file: the extensions, scripts and tests ask it for the pages in reading
order, the parts and their chapters, and a page's title and kind. The file may list ``parts``
(each with a ``caption``, ``numbered`` and ``chapters``) or, in a small book, ``chapters`` only;
a chapter or section is ``{file: ..., sections: [...]}``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from pathlib import Path

import yaml

TOC_FILE = "_toc.yml"
SUFFIX = ".md"
# {role}`text <target>` or {role}`text`: what a reader sees is the text.
_ROLE = re.compile(r"\{[\w:-]+\}`([^`<]*?)\s*(?:<[^`]*>)?`")


@dataclass(frozen=True)
class Chapter:
    file: str
    sections: tuple[str, ...] = ()

    @property
    def pages(self) -> tuple[str, ...]:
        return (self.file, *self.sections)


@dataclass(frozen=True)
class Part:
    caption: str | None
    numbered: bool
    chapters: tuple[Chapter, ...]


@dataclass(frozen=True)
class Toc:
    root: str
    parts: tuple[Part, ...]

    @property
    def pages(self) -> list[str]:
        """Every page, in reading order (the root first), as a path under book/ without suffix."""
        return [self.root, *(page for part in self.parts for ch in part.chapters for page in ch.pages)]

    @property
    def chapters(self) -> list[str]:
        """The chapter pages (the first level under the parts), in reading order."""
        return [ch.file for part in self.parts for ch in part.chapters]


def _sections(entries) -> tuple[str, ...]:
    pages: list[str] = []
    for entry in entries or ():
        if "file" in entry:
            pages.append(entry["file"])
        pages.extend(_sections(entry.get("sections")))
    return tuple(pages)


def _chapters(entries) -> tuple[Chapter, ...]:
    return tuple(Chapter(entry["file"], _sections(entry.get("sections"))) for entry in entries or ()
                 if "file" in entry)


def read_toc(book: Path) -> Toc:
    """The table of contents of the book in folder ``book``."""
    path = Path(book) / TOC_FILE
    return _read(path.resolve(), path.stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _read(path: Path, mtime_ns: int) -> Toc:
    """Parsed once per version of the file."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    if "parts" in data:
        parts = tuple(Part(p.get("caption"), bool(p.get("numbered")), _chapters(p.get("chapters")))
                      for p in data["parts"])
    else:
        parts = (Part(None, bool(data.get("numbered")), _chapters(data.get("chapters"))),)
    return Toc(data["root"], parts)


def toc_pages(book: Path) -> list[str]:
    """Every page named in the table of contents, in reading order."""
    return read_toc(book).pages


def page_path(book: Path, page: str) -> Path:
    return Path(book) / f"{page}{SUFFIX}"


def is_notebook(path: Path) -> bool:
    """A page with a jupytext kernelspec in its front matter is executed; plain Markdown is not."""
    text = Path(path).read_text(encoding="utf-8")
    return text.startswith("---") and "kernelspec:" in text.split("---", 2)[1]


def notebook_pages(book: Path) -> list[str]:
    """The pages that are notebooks, in reading order."""
    return [p for p in toc_pages(book) if page_path(book, p).is_file() and is_notebook(page_path(book, p))]


def page_title(book: Path, page: str) -> str:
    """The page's first level-1 heading as a reader sees it (role markup reduced to its text)."""
    for line in page_path(book, page).read_text(encoding="utf-8").splitlines():
        if line.startswith("# "):
            return _ROLE.sub(r"\1", line[2:]).replace("`", "").strip()
    return page
