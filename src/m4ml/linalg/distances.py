r"""Distances: squared Euclidean distances between points, and distances between sequences.

:func:`squared_distances` computes every squared Euclidean distance between the
rows of two matrices with one matrix product; k-means, the RBF kernel and the
pages on inner products build on it.

The Hamming distance and the edit distance compare sequences. Both are metrics
in the sense of the book's section on metric spaces: they are zero only between
equal sequences, symmetric, and satisfy the triangle inequality.

* The **Hamming distance** between two sequences of the same length :math:`M`
  over any alphabet counts the positions where they differ,

  .. math::

      d_H(\mathbf{x}, \mathbf{y}) = \#\{m : x_m \neq y_m\}
      = \sum_{m=1}^{M} [x_m \neq y_m] .

  :func:`hamming` compares two sequences; :func:`hamming_matrix` compares all
  rows of a matrix at once, without a Python loop over the pairs.
* The **edit (Levenshtein) distance** :math:`d_E(s, t)` between sequences of
  any lengths is the least number of single-symbol substitutions, insertions
  and deletions that turn :math:`s` into :math:`t`. :func:`edit_distance`
  computes it by dynamic programming; :func:`edit_distance_matrix` for every
  pair of a list of sequences.

A "sequence" is a string (its characters are the symbols) or a 1-D array-like
of numbers, booleans or strings. Missing values (NaN) are refused: a NaN is
unequal even to itself, so it would make :math:`d(x, x) > 0`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from .._validation import check_array, describe

__all__ = ["squared_distances", "hamming", "hamming_matrix", "edit_distance", "edit_distance_matrix"]

#: Alphabets up to this size are compared in :func:`hamming_matrix` through
#: one-hot indicator matrices (one matrix product per symbol); larger ones row by row.
_MAX_ONE_HOT_SYMBOLS = 16


def _as_sequence(value: Any, name: str) -> np.ndarray:
    """Return ``value`` as a 1-D array of symbols (a string becomes its characters)."""
    if isinstance(value, str):
        return np.array(list(value), dtype=str) if value else np.array([], dtype=str)
    if value is None or isinstance(value, (bytes, dict, set)) or np.isscalar(value):
        raise TypeError(
            f"{name} must be a string or a 1-D sequence of symbols, got {describe(value)}"
        )
    try:
        arr = np.asarray(value)
    except ValueError as err:  # ragged nested lists
        raise ValueError(f"{name} must be a 1-D sequence of symbols: {err}") from None
    if arr.ndim != 1:
        raise ValueError(f"{name} must be 1-D (one symbol per position), got shape {arr.shape}")
    if arr.dtype.kind not in "biufUS":
        raise TypeError(
            f"{name} must hold numbers, booleans or strings, got dtype {arr.dtype}"
        )
    _refuse_nan(arr, name)
    return arr


def _refuse_nan(arr: np.ndarray, name: str) -> None:
    if arr.dtype.kind == "f" and np.isnan(arr).any():
        count = int(np.isnan(arr).sum())
        raise ValueError(
            f"{name} contains {count} missing value(s) (NaN); a NaN differs even from itself, "
            "so drop the positions missing in either sequence first"
        )


def _kind(arr: np.ndarray) -> str:
    return "text" if arr.dtype.kind in "US" else "numbers"


def _check_comparable(a: np.ndarray, b: np.ndarray, names: tuple[str, str]) -> None:
    if len(a) and len(b) and _kind(a) != _kind(b):
        raise TypeError(
            f"{names[0]} holds {_kind(a)} but {names[1]} holds {_kind(b)}; "
            "sequences must use the same kind of symbols"
        )


def squared_distances(X, C) -> np.ndarray:
    """Squared Euclidean distances between the rows of ``X`` (N, D) and ``C`` (K, D), shape (N, K).

    Uses :math:`\\lVert \\mathbf{x} - \\mathbf{c} \\rVert^2 = \\lVert \\mathbf{x} \\rVert^2
    - 2\\,\\mathbf{x}^\\top\\mathbf{c} + \\lVert \\mathbf{c} \\rVert^2`, so the work is one
    matrix product and no (N, k, D) array is formed. Rounding can make an
    entry a tiny negative number for a point on top of a centroid; entries are
    clipped at 0.
    """
    X = check_array(X, "X", ndim=2, min_rows=1)
    C = check_array(C, "C", ndim=2, min_rows=1)
    if C.shape[1] != X.shape[1]:
        raise ValueError(f"C must have one column per column of X ({X.shape[1]}), got shape {C.shape}")
    return _squared_distances(X, C)


def _squared_distances(X: np.ndarray, C: np.ndarray,
                       x_sq: np.ndarray | None = None) -> np.ndarray:
    if x_sq is None:
        x_sq = np.einsum("nd,nd->n", X, X)  # squared norms of the rows
    c_sq = np.einsum("kd,kd->k", C, C)
    d2 = x_sq[:, None] - 2.0 * (X @ C.T) + c_sq[None, :]
    return np.maximum(d2, 0.0)


def hamming(a, b) -> int:
    r"""Number of positions at which two equal-length sequences differ.

    Parameters
    ----------
    a, b : str or 1-D array_like
        Sequences of the same length over any alphabet: strings (compared
        character by character), or arrays of numbers, booleans or strings.

    Returns
    -------
    int
        :math:`d_H(a, b) = \#\{m : a_m \neq b_m\}`, between 0 and ``len(a)``.

    Raises
    ------
    TypeError
        If an argument is not a sequence, or one holds text and the other numbers.
    ValueError
        If the lengths differ (the Hamming distance is then undefined; use
        :func:`edit_distance`) or an entry is NaN.

    Examples
    --------
    >>> hamming("karolin", "kathrin")
    3
    >>> hamming([0, 1, 2, 2], [0, 2, 2, 0])
    2
    """
    x, y = _as_sequence(a, "a"), _as_sequence(b, "b")
    if len(x) != len(y):
        raise ValueError(
            f"a and b must have the same length for the Hamming distance, got {len(x)} and "
            f"{len(y)}; for sequences of different lengths use edit_distance"
        )
    _check_comparable(x, y, ("a", "b"))
    return int(np.count_nonzero(x != y))


def _as_symbol_matrix(A: Any, name: str) -> np.ndarray:
    """Return ``A`` as a 2-D array of symbols; a list of equal-length strings becomes characters."""
    if isinstance(A, (list, tuple)) and A and all(isinstance(s, str) for s in A):
        lengths = {len(s) for s in A}
        if len(lengths) != 1:
            raise ValueError(
                f"{name} must hold strings of one length for the Hamming distance, got lengths "
                f"{sorted(lengths)}"
            )
        return np.array([list(s) for s in A], dtype=str).reshape(len(A), lengths.pop())
    if A is None or isinstance(A, (str, bytes)) or np.isscalar(A):
        raise TypeError(
            f"{name} must be a 2-D array (one sequence per row) or a list of strings, "
            f"got {describe(A)}"
        )
    try:
        arr = np.asarray(A)
    except ValueError as err:
        raise ValueError(f"{name} must be a rectangular 2-D array: {err}") from None
    if arr.ndim != 2:
        raise ValueError(f"{name} must be 2-D (one sequence per row), got shape {arr.shape}")
    if arr.dtype.kind not in "biufUS":
        raise TypeError(f"{name} must hold numbers, booleans or strings, got dtype {arr.dtype}")
    _refuse_nan(arr, name)
    return arr


def hamming_matrix(A) -> np.ndarray:
    r"""Hamming distances between all pairs of rows of ``A``.

    For a small alphabet (such as genotypes 0/1/2 or the letters ACGT) the
    count of *agreements* is a sum of matrix products of 0/1 indicator
    matrices, one per symbol :math:`s`,

    .. math::

        \text{agree}_{ij} = \sum_s \sum_m [a_{im} = s]\,[a_{jm} = s]
        = \sum_s (\mathbf{E}_s \mathbf{E}_s^\top)_{ij},
        \qquad (\mathbf{E}_s)_{im} = [a_{im} = s],

    and :math:`d_H = M - \text{agree}`. Larger alphabets are compared one row
    against all rows at a time.

    Parameters
    ----------
    A : array_like, shape (N, M), or list of N strings of length M
        One sequence per row.

    Returns
    -------
    numpy.ndarray of int64, shape (N, N)
        Symmetric, with zero diagonal; entry ``(i, j)`` is ``hamming(A[i],
        A[j])``.
    """
    A = _as_symbol_matrix(A, "A")
    n_rows, length = A.shape
    symbols = np.unique(A)
    if len(symbols) > _MAX_ONE_HOT_SYMBOLS:
        counts = [np.count_nonzero(A != row, axis=1) for row in A]
        return np.stack(counts).astype(np.int64)
    agree = np.zeros((n_rows, n_rows))
    for s in symbols:
        E = (A == s).astype(np.float64)  # indicator of symbol s, (N, M)
        agree += E @ E.T  # sums of 0s and 1s: exact in float64
    return (length - np.rint(agree)).astype(np.int64)


def edit_distance(s, t) -> int:
    r"""Levenshtein distance: fewest substitutions, insertions and deletions
    turning ``s`` into ``t``.

    Dynamic programming over the table :math:`D_{ij} = d_E(s_{:i}, t_{:j})`
    of distances between the first :math:`i` symbols of ``s`` and the first
    :math:`j` of ``t``, with :math:`D_{i0} = i`, :math:`D_{0j} = j` and

    .. math::

        D_{ij} = \min\bigl(D_{i-1,j} + 1,\; D_{i,j-1} + 1,\;
                 D_{i-1,j-1} + [s_i \neq t_j]\bigr).

    One row is computed at a time with NumPy. The deletion and substitution
    terms only need the previous row; the insertion term chains along the row,
    and :math:`D_{ij} = \min_{k \le j} (c_k + j - k)` with ``c`` the minimum of
    the first two terms is a running minimum (``np.minimum.accumulate``).
    Time :math:`O(|s|\,|t|)`, memory :math:`O(|t|)`.

    Parameters
    ----------
    s, t : str or 1-D array_like
        Sequences of any lengths: strings, or arrays of numbers, booleans or
        strings.

    Returns
    -------
    int

    Examples
    --------
    >>> edit_distance("kitten", "sitting")
    3
    """
    x, y = _as_sequence(s, "s"), _as_sequence(t, "t")
    _check_comparable(x, y, ("s", "t"))
    j = np.arange(len(y) + 1)
    row = j.copy()  # D[0, j] = j: insert the first j symbols of t
    for i in range(1, len(x) + 1):
        c = np.empty_like(row)
        c[0] = i  # D[i, 0] = i: delete the first i symbols of s
        # deletion, substitution
        c[1:] = np.minimum(row[1:] + 1, row[:-1] + (x[i - 1] != y))
        # insertions chain along the row
        row = np.minimum.accumulate(c - j) + j
    return int(row[-1])


def edit_distance_matrix(sequences: Sequence) -> np.ndarray:
    """Edit distances between all pairs of a list of sequences (of any lengths).

    Returns a symmetric (N, N) int64 array with zero diagonal; each of the
    N(N - 1)/2 pairs costs one call of :func:`edit_distance`.
    """
    if isinstance(sequences, (str, bytes)) or not isinstance(sequences, Sequence):
        raise TypeError(
            f"sequences must be a list of sequences (e.g. strings), got {describe(sequences)}"
        )
    seqs = [_as_sequence(s, f"sequences[{k}]") for k, s in enumerate(sequences)]
    n = len(seqs)
    D = np.zeros((n, n), dtype=np.int64)
    for a in range(n):
        for b in range(a + 1, n):
            D[a, b] = D[b, a] = edit_distance(seqs[a], seqs[b])
    return D
