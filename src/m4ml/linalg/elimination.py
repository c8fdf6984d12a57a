r"""Gaussian elimination: row operations, echelon forms, triangular solves and LU.

Three **elementary row operations** change a linear system :math:`\mathbf{A}\mathbf{x} = \mathbf{b}`
without changing its solutions: swap two rows, multiply a row by :math:`c \neq 0`, and add
:math:`c` times one row to another. Each is a left multiplication by an invertible
**elementary matrix** (:func:`swap_matrix`, :func:`scale_matrix`, :func:`add_row_matrix`).

:func:`echelon_form` applies them until the matrix is in row echelon form (or reduced row echelon
form) and reports the pivot columns; :func:`solution_set` uses it to classify the solutions of a
system as none, one, or an affine set :math:`\mathbf{x}_0 + N(\mathbf{A})`.

For a square :math:`\mathbf{A}`, elimination *is* a factorisation: :func:`lu` writes
:math:`\mathbf{A} = \mathbf{L}\mathbf{U}` (no row swaps), :func:`plu` writes
:math:`\mathbf{P}\mathbf{A} = \mathbf{L}\mathbf{U}` with partial pivoting, and :func:`lu_solve`
reuses one factorisation for any number of right-hand sides by :func:`forward_substitution` and
:func:`back_substitution`. Both factorisations count their floating-point operations (flops);
for :math:`n \times n` input the count is
:math:`\tfrac23 n^3 - \tfrac12 n^2 - \tfrac16 n \approx \tfrac23 n^3`.

Example::

    >>> import numpy as np
    >>> from m4ml.linalg.elimination import plu, lu_solve
    >>> A = np.array([[1.0, 2.0], [3.0, 4.0]])
    >>> F = plu(A)
    >>> F.perm, F.flops
    (array([1, 0]), 3)
    >>> np.allclose(F.P @ A, F.L @ F.U)
    True
    >>> lu_solve(F, [5.0, 6.0])
    array([-4. ,  4.5])
"""

from __future__ import annotations

from numbers import Integral, Real
from typing import NamedTuple

import numpy as np

from .._validation import check_array, check_bool, check_scalar, describe

__all__ = [
    "LU",
    "PLU",
    "Echelon",
    "SolutionSet",
    "add_row_matrix",
    "back_substitution",
    "echelon_form",
    "forward_substitution",
    "lu",
    "lu_solve",
    "plu",
    "scale_matrix",
    "solution_set",
    "swap_matrix",
]


class Echelon(NamedTuple):
    """A row echelon form ``R`` of a matrix, its pivot columns and its rank (the number of pivots)."""

    R: np.ndarray
    pivots: tuple[int, ...]
    rank: int


class SolutionSet(NamedTuple):
    """The solutions of :math:`\\mathbf{A}\\mathbf{x} = \\mathbf{b}`.

    ``kind`` is ``"none"``, ``"unique"`` or ``"infinite"``. If solutions exist, ``particular`` is one
    of them (free variables set to 0) and the columns of ``null_basis`` are a basis of
    :math:`N(\\mathbf{A})` (one per free variable), so the solutions are
    ``particular + null_basis @ c`` for every ``c``. If there are none, both are ``None``.
    """

    kind: str
    particular: np.ndarray | None
    null_basis: np.ndarray | None
    pivots: tuple[int, ...]


class LU(NamedTuple):
    """:math:`\\mathbf{A} = \\mathbf{L}\\mathbf{U}` and the number of flops elimination took."""

    L: np.ndarray
    U: np.ndarray
    flops: int


class PLU(NamedTuple):
    """:math:`\\mathbf{P}\\mathbf{A} = \\mathbf{L}\\mathbf{U}`: ``A[perm] == P @ A``, and the flop count."""

    P: np.ndarray
    L: np.ndarray
    U: np.ndarray
    perm: np.ndarray
    flops: int


# ----------------------------------------------------------------------------- elementary matrices
def _check_size(n) -> int:
    return check_scalar(n, "n", target_type=Integral, min_val=1)


def _check_row(i, name: str, n: int) -> int:
    return check_scalar(i, name, target_type=Integral, min_val=0, max_val=n - 1)


def swap_matrix(n: int, i: int, j: int) -> np.ndarray:
    r"""The :math:`n \times n` elementary matrix that swaps rows ``i`` and ``j`` (from 0).

    It is the identity with rows ``i`` and ``j`` exchanged; it is its own inverse.

    >>> swap_matrix(3, 0, 2) @ np.array([1.0, 2.0, 3.0])
    array([3., 2., 1.])
    """
    n = _check_size(n)
    i, j = _check_row(i, "i", n), _check_row(j, "j", n)
    E = np.eye(n)
    E[[i, j]] = E[[j, i]]
    return E


def scale_matrix(n: int, i: int, c: float) -> np.ndarray:
    r"""The :math:`n \times n` elementary matrix that multiplies row ``i`` by :math:`c \neq 0`.

    Its inverse multiplies the row by :math:`1/c`.

    >>> scale_matrix(2, 1, 3.0) @ np.array([1.0, 2.0])
    array([1., 6.])
    """
    n = _check_size(n)
    i = _check_row(i, "i", n)
    c = check_scalar(c, "c", target_type=Real)
    if c == 0:
        raise ValueError("c must be nonzero (scaling a row by 0 is not invertible), got 0")
    E = np.eye(n)
    E[i, i] = c
    return E


def add_row_matrix(n: int, i: int, j: int, c: float) -> np.ndarray:
    r"""The :math:`n \times n` elementary matrix that adds :math:`c` times row ``j`` to row ``i``.

    It is :math:`\mathbf{I} + c\,\mathbf{e}_i\mathbf{e}_j^\top` with :math:`i \neq j`; its inverse
    subtracts the same multiple.

    >>> add_row_matrix(2, 1, 0, -3.0) @ np.array([1.0, 2.0])
    array([ 1., -1.])
    """
    n = _check_size(n)
    i, j = _check_row(i, "i", n), _check_row(j, "j", n)
    if i == j:
        raise ValueError(f"j must differ from i (adding a multiple of a row to itself is a scaling), got i = j = {i}")
    c = check_scalar(c, "c", target_type=Real)
    E = np.eye(n)
    E[i, j] = c
    return E


# ----------------------------------------------------------------------------- echelon forms
def _check_tol(tol, A: np.ndarray) -> float:
    if tol is None:
        row_sums = np.abs(A).sum(axis=1)
        return max(A.shape) * np.finfo(float).eps * max(float(row_sums.max(initial=0.0)), 1.0)
    return check_scalar(tol, "tol", target_type=Real, min_val=0)


def echelon_form(A, *, reduced: bool = True, tol: float | None = None) -> Echelon:
    r"""Row echelon form of ``A`` by Gaussian elimination with partial pivoting.

    Column by column, the entry of largest magnitude on or below the current row becomes the
    **pivot** (rows are swapped to bring it up) and multiples of the pivot row are subtracted from
    the rows below, zeroing the column under the pivot. A column whose candidates are all at most
    ``tol`` in magnitude has no pivot: its variable is **free**. With ``reduced=True`` each pivot row
    is also divided by its pivot and the entries above each pivot are zeroed, giving the reduced
    row echelon form, which is unique.

    Parameters
    ----------
    A : array_like, shape (M, D)
        The matrix (for a system, the augmented matrix :math:`[\mathbf{A}\mid\mathbf{b}]`).
    reduced : bool
        Whether to return the reduced row echelon form.
    tol : float, optional
        Entries of magnitude at most ``tol`` count as zero. The default is
        :math:`\max(M, D)\,\varepsilon_{\text{mach}}\max(1, \lVert\mathbf{A}\rVert_\infty)`, with
        :math:`\lVert\mathbf{A}\rVert_\infty = \max_i \sum_j |a_{ij}|` (as MATLAB's ``rref``). Rounding
        errors of elimination can exceed it on ill-conditioned input: the singular values are the
        reliable test of rank.

    Returns
    -------
    Echelon
        ``R`` (shape (M, D)), the pivot columns ``pivots`` and ``rank = len(pivots)``.

    Examples
    --------
    >>> E = echelon_form([[1.0, 2.0, 3.0], [2.0, 4.0, 7.0]])
    >>> E.R, E.pivots
    (array([[1., 2., 0.],
           [0., 0., 1.]]), (0, 2))
    """
    R = check_array(A, "A", ndim=2, min_rows=1, min_cols=1).copy()
    reduced = check_bool(reduced, "reduced")
    tol = _check_tol(tol, R)
    M, D = R.shape
    pivots: list[int] = []
    row = 0
    for col in range(D):
        if row == M:
            break
        p = row + int(np.argmax(np.abs(R[row:, col])))
        if abs(R[p, col]) <= tol:
            R[row:, col] = 0.0
            continue
        R[[row, p]] = R[[p, row]]
        multipliers = R[row + 1:, col] / R[row, col]
        R[row + 1:, col:] -= np.outer(multipliers, R[row, col:])
        R[row + 1:, col] = 0.0
        pivots.append(col)
        row += 1
    if reduced:
        for r, col in reversed(list(enumerate(pivots))):
            R[r, col:] /= R[r, col]
            R[:r, col:] -= np.outer(R[:r, col], R[r, col:])
            R[r, col] = 1.0
            R[:r, col] = 0.0
    return Echelon(R, tuple(pivots), len(pivots))


def solution_set(A, b, *, tol: float | None = None) -> SolutionSet:
    r"""Classify the solutions of :math:`\mathbf{A}\mathbf{x} = \mathbf{b}` by the RREF of the augmented matrix.

    There are none if the last column is a pivot column (a row reads :math:`0 = 1`); otherwise
    exactly one if every column of :math:`\mathbf{A}` has a pivot, and infinitely many, the affine
    set :math:`\mathbf{x}_0 + N(\mathbf{A})` of dimension ``D - rank``, if some variable is free.

    Parameters
    ----------
    A : array_like, shape (M, D)
    b : array_like, shape (M,)
    tol : float, optional
        As in :func:`echelon_form`, applied to :math:`[\mathbf{A}\mid\mathbf{b}]`.

    Examples
    --------
    >>> S = solution_set([[1.0, 1.0]], [2.0])
    >>> S.kind, S.particular, S.null_basis.ravel()
    ('infinite', array([2., 0.]), array([-1.,  1.]))
    """
    A = check_array(A, "A", ndim=2, min_rows=1, min_cols=1)
    b = check_array(b, "b", shape=(A.shape[0],))
    E = echelon_form(np.column_stack([A, b]), reduced=True, tol=tol)
    D = A.shape[1]
    if D in E.pivots:
        return SolutionSet("none", None, None, E.pivots)
    pivots = E.pivots
    free = [d for d in range(D) if d not in pivots]
    x0 = np.zeros(D)
    x0[list(pivots)] = E.R[: len(pivots), D]
    basis = np.zeros((D, len(free)))
    for k, f in enumerate(free):
        basis[f, k] = 1.0
        basis[list(pivots), k] = -E.R[: len(pivots), f]
    kind = "unique" if not free else "infinite"
    return SolutionSet(kind, x0, basis, pivots)


# ----------------------------------------------------------------------------- triangular solves
def _check_triangular(T, name: str, lower: bool) -> np.ndarray:
    T = check_array(T, name, ndim=2, min_rows=1)
    if T.shape[0] != T.shape[1]:
        raise ValueError(f"{name} must be square, got shape {T.shape}")
    off = np.triu(T, 1) if lower else np.tril(T, -1)
    if np.any(off != 0):
        side = "lower" if lower else "upper"
        raise ValueError(f"{name} must be {side} triangular, got nonzero entries on the other side")
    return T


def _check_rhs(b, n: int) -> np.ndarray:
    b = check_array(b, "b", ndim=(1, 2), min_rows=1)
    if b.shape[0] != n:
        raise ValueError(f"b must have {n} rows to match the matrix, got shape {b.shape}")
    return b


def _check_diagonal(T: np.ndarray, name: str) -> None:
    zero = np.flatnonzero(np.diag(T) == 0)
    if zero.size:
        raise ValueError(f"{name} is singular: its diagonal entry {int(zero[0])} is zero")


def forward_substitution(L, b, *, unit_diagonal: bool = False) -> np.ndarray:
    r"""Solve :math:`\mathbf{L}\mathbf{x} = \mathbf{b}` for lower triangular :math:`\mathbf{L}`.

    Row :math:`i` gives :math:`x_i = \bigl(b_i - \sum_{j<i} l_{ij}x_j\bigr)/l_{ii}`, computed top
    down in about :math:`n^2` flops per right-hand side.

    Parameters
    ----------
    L : array_like, shape (n, n)
        Lower triangular with nonzero diagonal.
    b : array_like, shape (n,) or (n, K)
        One right-hand side or ``K`` of them as columns.
    unit_diagonal : bool
        Treat the diagonal as ones (as in the ``L`` of an LU factorisation) without reading it.

    >>> forward_substitution([[2.0, 0.0], [1.0, 1.0]], [4.0, 3.0])
    array([2., 1.])
    """
    unit_diagonal = check_bool(unit_diagonal, "unit_diagonal")
    L = _check_triangular(L, "L", lower=True)
    if unit_diagonal:
        L = L.copy()
        np.fill_diagonal(L, 1.0)
    else:
        _check_diagonal(L, "L")
    b = _check_rhs(b, L.shape[0])
    x = np.array(b, dtype=float)
    for i in range(L.shape[0]):
        x[i] = (x[i] - L[i, :i] @ x[:i]) / L[i, i]
    return x


def back_substitution(U, b) -> np.ndarray:
    r"""Solve :math:`\mathbf{U}\mathbf{x} = \mathbf{b}` for upper triangular :math:`\mathbf{U}`.

    Row :math:`i` gives :math:`x_i = \bigl(b_i - \sum_{j>i} u_{ij}x_j\bigr)/u_{ii}`, computed bottom
    up in about :math:`n^2` flops per right-hand side.

    Parameters
    ----------
    U : array_like, shape (n, n)
        Upper triangular with nonzero diagonal.
    b : array_like, shape (n,) or (n, K)

    >>> back_substitution([[2.0, 1.0], [0.0, 1.0]], [5.0, 1.0])
    array([2., 1.])
    """
    U = _check_triangular(U, "U", lower=False)
    _check_diagonal(U, "U")
    b = _check_rhs(b, U.shape[0])
    x = np.array(b, dtype=float)
    for i in reversed(range(U.shape[0])):
        x[i] = (x[i] - U[i, i + 1:] @ x[i + 1:]) / U[i, i]
    return x


# ----------------------------------------------------------------------------- LU
def _check_square(A) -> np.ndarray:
    A = check_array(A, "A", ndim=2, min_rows=1)
    if A.shape[0] != A.shape[1]:
        raise ValueError(f"A must be square, got shape {A.shape}")
    return A


def _eliminate(A: np.ndarray, *, pivoting: bool):
    """Gaussian elimination on a copy of A; returns (L, U, perm, flops)."""
    U = A.copy()
    n = U.shape[0]
    L = np.eye(n)
    perm = np.arange(n)
    flops = 0
    for k in range(n - 1):
        if pivoting:
            p = k + int(np.argmax(np.abs(U[k:, k])))
            if p != k:
                U[[k, p], k:] = U[[p, k], k:]
                L[[k, p], :k] = L[[p, k], :k]
                perm[[k, p]] = perm[[p, k]]
        pivot = U[k, k]
        if pivot == 0:
            if pivoting:
                # the column is zero from row k down: nothing to eliminate
                continue
            raise ValueError(
                f"A has a zero pivot in position {k} after {k} "
                "elimination step(s); without row swaps elimination "
                "fails here: use plu"
            )
        m = U[k + 1:, k] / pivot
        L[k + 1:, k] = m
        U[k + 1:, k + 1:] -= np.outer(m, U[k, k + 1:])
        U[k + 1:, k] = 0.0
        # one division per multiplier, then a multiplication and a
        # subtraction for each entry to the right of the multipliers
        flops += m.size + 2 * m.size * (n - k - 1)
    return L, U, perm, flops


def lu(A) -> LU:
    r"""LU factorisation :math:`\mathbf{A} = \mathbf{L}\mathbf{U}` by elimination without row swaps.

    Step :math:`k` subtracts :math:`l_{ik} = u_{ik}/u_{kk}` times row :math:`k` from each row
    :math:`i > k`; the multipliers fill the unit lower triangular :math:`\mathbf{L}` and what remains
    is the upper triangular :math:`\mathbf{U}`. The step costs :math:`m` divisions and :math:`2m^2`
    further flops, :math:`m = n - k - 1`, in all
    :math:`\sum_{m=1}^{n-1}(2m^2 + m) = \tfrac23 n^3 - \tfrac12 n^2 - \tfrac16 n`.

    Without pivoting a tiny pivot produces huge multipliers and can destroy the accuracy; use
    :func:`plu` for anything but a demonstration.

    Parameters
    ----------
    A : array_like, shape (n, n)

    Returns
    -------
    LU
        ``L`` (unit lower triangular), ``U`` (upper triangular) and ``flops``, the counted operations.

    Raises
    ------
    ValueError
        If ``A`` is not square or not finite, or a pivot is exactly zero.

    >>> F = lu([[2.0, 1.0], [4.0, 5.0]])
    >>> F.L, F.U, F.flops
    (array([[1., 0.],
           [2., 1.]]), array([[2., 1.],
           [0., 3.]]), 3)
    """
    A = _check_square(A)
    L, U, _, flops = _eliminate(A, pivoting=False)
    return LU(L, U, flops)


def plu(A) -> PLU:
    r"""LU factorisation with partial pivoting, :math:`\mathbf{P}\mathbf{A} = \mathbf{L}\mathbf{U}`.

    Before step :math:`k` the row with the largest :math:`|u_{ik}|`, :math:`i \ge k`, is swapped
    into position :math:`k` (the first such row on ties, as LAPACK's ``getrf`` does), so every
    multiplier satisfies :math:`|l_{ik}| \le 1`. Every square matrix has such a factorisation; a
    singular one gets a zero on the diagonal of :math:`\mathbf{U}`, which :func:`lu_solve` reports.

    Parameters
    ----------
    A : array_like, shape (n, n)

    Returns
    -------
    PLU
        ``P`` (a permutation matrix), ``L`` (unit lower triangular, entries at most 1 in
        magnitude), ``U`` (upper triangular), ``perm`` (``P @ A == A[perm]``) and ``flops``.

    >>> F = plu([[0.0, 1.0], [2.0, 3.0]])
    >>> F.perm, F.U
    (array([1, 0]), array([[2., 3.],
           [0., 1.]]))
    """
    A = _check_square(A)
    L, U, perm, flops = _eliminate(A, pivoting=True)
    P = np.eye(A.shape[0])[perm]
    return PLU(P, L, U, perm, flops)


def lu_solve(factors, b) -> np.ndarray:
    r"""Solve :math:`\mathbf{A}\mathbf{x} = \mathbf{b}` from a factorisation by :func:`lu` or :func:`plu`.

    With :math:`\mathbf{P}\mathbf{A} = \mathbf{L}\mathbf{U}` the system becomes
    :math:`\mathbf{L}\mathbf{U}\mathbf{x} = \mathbf{P}\mathbf{b}`: forward substitution gives
    :math:`\mathbf{z} = \mathbf{U}\mathbf{x}`, back substitution gives :math:`\mathbf{x}`, about
    :math:`2n^2` flops per right-hand side against :math:`\tfrac23 n^3` for the factorisation.

    Parameters
    ----------
    factors : LU or PLU
        The result of :func:`lu` or :func:`plu`.
    b : array_like, shape (n,) or (n, K)
        One right-hand side, or ``K`` of them as columns.

    Raises
    ------
    ValueError
        If the factorised matrix is singular (a zero pivot in ``U``), or ``b`` has the wrong shape.

    >>> lu_solve(lu([[2.0, 1.0], [4.0, 5.0]]), [3.0, 9.0])
    array([1., 1.])
    """
    if not isinstance(factors, (LU, PLU)):
        raise TypeError(f"factors must be the result of lu or plu, got {describe(factors)}")
    b = _check_rhs(b, factors.U.shape[0])
    zero = np.flatnonzero(np.diag(factors.U) == 0)
    if zero.size:
        raise ValueError(
            f"factors describe a singular matrix: pivot {int(zero[0])} of U is zero, so A x = b has "
            "no solution or infinitely many (see solution_set)"
        )
    if isinstance(factors, PLU):
        b = b[factors.perm]
    z = forward_substitution(factors.L, b, unit_diagonal=True)
    return back_substitution(factors.U, z)
