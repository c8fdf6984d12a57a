"""How the house style measures a page's code cells: one definition, used by the style test
(tests/site/test_style.py) and by ``scripts/cell_stats.py``.

A cell's length is its number of lines once leading and trailing blank lines are dropped; empty
cells are not counted. The style guide asks for a median under :data:`TARGET_MEDIAN_LINES` lines
and no cell over :data:`MAX_CELL_LINES`: a longer cell is code that belongs in ``m4ml``.
"""

from __future__ import annotations

from pathlib import Path

import jupytext

MAX_CELL_LINES = 25
TARGET_MEDIAN_LINES = 8


def cell_lines(source: str) -> int:
    """The length of one code cell, in lines (blank lines at either end not counted)."""
    return len(source.strip().splitlines())


def code_cell_lengths(path: Path) -> list[int]:
    """The length of every non-empty code cell of the page at ``path``, in page order."""
    cells = jupytext.read(path).cells
    return [cell_lines(c.source) for c in cells if c.cell_type == "code" and c.source.strip()]
