"""Lines per code cell of every page of the book, measured as the style test measures them
(m4ml_book.cells: the house style asks for a median under 8 lines and no cell over 25).

    python scripts/cell_stats.py [book]
"""

from __future__ import annotations

import statistics
import sys
from pathlib import Path

from m4ml_book.cells import MAX_CELL_LINES, code_cell_lengths
from m4ml_book.toc import page_path, toc_pages


def main(root: str = "book") -> int:
    all_lengths, over = [], []
    for path in (page_path(Path(root), page) for page in toc_pages(Path(root))):  # reading order
        lengths = code_cell_lengths(path)
        if not lengths:
            continue
        all_lengths += lengths
        over += [(str(path), n) for n in lengths if n > MAX_CELL_LINES]
        print(f"{str(path):<45} cells {len(lengths):>3}  median {statistics.median(lengths):>4.1f}  "
              f"max {max(lengths):>3}")
    if all_lengths:
        print(f"{'whole book':<45} cells {len(all_lengths):>3}  median {statistics.median(all_lengths):>4.1f}  "
              f"max {max(all_lengths):>3}  over {MAX_CELL_LINES} lines: {len(over)}")
    return 1 if over else 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
