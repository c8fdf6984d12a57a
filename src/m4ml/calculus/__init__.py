"""Calculus: numerical derivatives, special functions and smoothness constants."""

from . import derivatives, smoothness, special

__all__ = ["derivatives", "smoothness", "special"]
