"""Descriptive statistics used across the book, with the formulas spelt out.

NumPy computes most of these directly; the functions here add input checks and
fix the conventions (``ddof``) in one place so every page agrees.
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

from ._validation import check_array, check_consistent_length, check_scalar

__all__ = ["Standardized", "standardize", "standardize_split", "zscores", "pearson", "within_k_sd"]


class Standardized(NamedTuple):
    """Result of :func:`standardize`."""

    Z: np.ndarray  #: the standardised data
    mean: np.ndarray  #: column means used
    std: np.ndarray  #: column standard deviations used


def standardize(X, *, mean=None, std=None, ddof: int = 0) -> Standardized:
    """Centre and scale each column: :math:`z_{nd} = (x_{nd} - \\bar x_d) / \\sigma_d`.

    Parameters
    ----------
    X : array_like, shape (N, D) or (N,)
        Data, one sample per row.
    mean, std : array_like, optional
        Use these column statistics instead of estimating them from ``X``;
        pass those of the training set when standardising test data.
    ddof : int
        Delta degrees of freedom of the standard deviation (0: divide by N).

    Raises
    ------
    ValueError
        If a column is constant (its standard deviation is 0), since it cannot
        be scaled to unit variance.
    """
    X = check_array(X, "X", ndim=(1, 2), min_rows=1)
    ddof = check_scalar(ddof, "ddof", target_type=Integral, min_val=0)
    if mean is None:
        mean = X.mean(axis=0)
    if std is None:
        if X.shape[0] <= ddof:
            raise ValueError(f"X needs more than ddof={ddof} rows, got {X.shape[0]}")
        std = X.std(axis=0, ddof=ddof)
    mean = check_array(mean, "mean", ndim=(0, 1))
    std = check_array(std, "std", ndim=(0, 1))
    for arr, name in ((mean, "mean"), (std, "std")):
        if arr.ndim and arr.shape != X.shape[1:]:
            raise ValueError(f"{name} must have one entry per column of X, shape {X.shape[1:]}, "
                             f"got shape {arr.shape}")
    # A column whose spread is at the level of rounding error of its mean is constant:
    # floating-point averaging of equal numbers need not return exactly that number.
    if np.any(std <= 16 * np.finfo(float).eps * np.abs(mean)) or np.any(std <= 0):
        cols = np.flatnonzero(np.atleast_1d(std) <= 0)[:5].tolist()
        raise ValueError(f"std must be positive; column(s) {cols} have zero spread")
    return Standardized((X - mean) / std, np.asarray(mean), np.asarray(std))


def standardize_split(X_train, X_test, *, ddof: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Standardise training and test data with the *training* statistics only.

    Returns ``(Z_train, Z_test)`` with :math:`z = (x - \\hat\\mu_{\\text{train}})/\\hat\\sigma_{\\text{train}}`
    column by column. Using statistics of the test rows as well would let the
    test data shape the model (a leak); a deployed model only knows its training data.
    """
    X_train = check_array(X_train, "X_train", ndim=(1, 2), min_rows=1)
    X_test = check_array(X_test, "X_test", ndim=(1, 2), min_rows=1)
    train = standardize(X_train, ddof=ddof)
    if X_test.ndim != train.Z.ndim or X_test.shape[1:] != train.Z.shape[1:]:
        raise ValueError(
            f"X_test must have the columns of X_train {train.Z.shape[1:]}, got shape {X_test.shape}"
        )
    return train.Z, standardize(X_test, mean=train.mean, std=train.std).Z


def zscores(x, *, ddof: int = 0) -> np.ndarray:
    """The z-score of each entry of a 1-D sample: :math:`(x_n - \\bar x)/\\sigma_x`.

    With the default ``ddof=0``, :math:`\\sigma_x` divides by :math:`N` (the book's standardisation);
    ``ddof=1`` divides by :math:`N-1` instead (the sample standard deviation :math:`s`).
    """
    x = check_array(x, "x", ndim=1, min_rows=2)
    return standardize(x, ddof=ddof).Z


def pearson(x, y) -> float:
    """Pearson's correlation :math:`r = \\frac{\\sum (x_n-\\bar x)(y_n-\\bar y)}{\\sqrt{\\sum (x_n-\\bar x)^2 \\sum (y_n-\\bar y)^2}}`."""
    x = check_array(x, "x", ndim=1, min_rows=2)
    y = check_array(y, "y", ndim=1, min_rows=2)
    check_consistent_length(x=x, y=y)
    xc, yc = x - x.mean(), y - y.mean()
    denom = np.sqrt((xc @ xc) * (yc @ yc))
    if denom == 0:
        raise ValueError("x and y must both vary; a constant sample has no correlation")
    return float(np.clip((xc @ yc) / denom, -1.0, 1.0))


def within_k_sd(x, k: float) -> float:
    """Fraction of a sample within ``k`` standard deviations of its mean.

    Examples
    --------
    >>> within_k_sd([1.0, 2.0, 3.0, 10.0], 1)
    0.75
    """
    x = check_array(x, "x", ndim=1, min_rows=2)
    k = check_scalar(k, "k", target_type=Real, min_val=0)
    return float(np.mean(np.abs(x - x.mean()) <= k * x.std()))
