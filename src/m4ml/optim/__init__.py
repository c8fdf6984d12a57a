"""Optimisation: gradient descent and backtracking line search."""

from . import descent, line_search

__all__ = ["descent", "line_search"]
