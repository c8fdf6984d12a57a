"""Lines per code cell of every page of the book (the house style asks for a median under 8, none over 25).

    python scripts/cell_stats.py [book]
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

import jupytext

from m4ml_book.toc import page_path, toc_pages


def code_cell_lengths(path: Path) -> list[int]:
    nb = jupytext.read(path)
    return [len(c.source.strip().splitlines()) for c in nb.cells if c.cell_type == "code" and c.source.strip()]


def main(root: str = "book") -> int:
    all_lengths, over = [], []
    for path in (page_path(Path(root), page) for page in toc_pages(Path(root))):  # reading order
        lengths = code_cell_lengths(path)
        if not lengths:
            continue
        all_lengths += lengths
        over += [(str(path), n) for n in lengths if n > 25]
        print(f"{str(path):<45} cells {len(lengths):>3}  median {statistics.median(lengths):>4.1f}  max {max(lengths):>3}")
    if all_lengths:
        print(f"{'whole book':<45} cells {len(all_lengths):>3}  median {statistics.median(all_lengths):>4.1f}  "
              f"max {max(all_lengths):>3}  over 25 lines: {len(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
