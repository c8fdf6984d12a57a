"""Property tests of the theorems in book/matrices/determinants.md.

Rounding: the determinant computed through LU is the exact determinant of a matrix within
c n u ||A|| of A, and the change of det under a perturbation E is at most about
n ||E|| ||A||^(n-1) (its gradient is the adjugate, whose entries are (n-1) x (n-1)
determinants, bounded by Hadamard's inequality). So two ways of computing the same
determinant of n x n matrices with spectral norms at most s agree to within a small multiple
of n^2 u s^n: that is the scale of every tolerance below.
"""

from __future__ import annotations

import itertools
import math
import warnings

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy.linalg import LinAlgWarning, lu_factor

from m4ml.calculus.derivatives import numerical_jacobian

EPS = np.finfo(float).eps


@st.composite
def square_matrices(draw, max_n=6, count=1):
    """`count` random n x n matrices; some are exactly singular (a repeated or zero column)."""
    n = draw(st.integers(1, max_n))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    scale = draw(st.sampled_from([1e-3, 1.0, 10.0]))
    out = []
    for _ in range(count):
        A = scale * rng.normal(size=(n, n))
        kind = draw(st.sampled_from(["generic", "generic", "repeated", "zero"]))
        if kind == "repeated" and n >= 2:
            A[:, 1] = A[:, 0]
        elif kind == "zero":
            A[:, n - 1] = 0.0
        out.append(A)
    return out


def scale_of(*matrices) -> float:
    """n^2 u times the product of ||A||_2^n: the size of the rounding error of det."""
    n = matrices[0].shape[0]
    return n * n * EPS * math.prod(max(np.linalg.norm(A, 2), 1e-300) ** n for A in matrices)


def leibniz(A) -> float:
    """The determinant as a sum over permutations (small n only)."""
    n = A.shape[0]
    total = 0.0
    for perm in itertools.permutations(range(n)):
        # the sign: (-1) to the number of inversions
        inversions = sum(perm[i] > perm[j] for i in range(n) for j in range(i + 1, n))
        total += (-1) ** inversions * math.prod(A[perm[j], j] for j in range(n))
    return total


@settings(max_examples=150, deadline=None)
@given(square_matrices(count=2))
def test_multiplicativity(pair):
    A, B = pair
    lhs = np.linalg.det(A @ B)
    rhs = np.linalg.det(A) * np.linalg.det(B)
    assert abs(lhs - rhs) <= 100 * scale_of(A, B)


@settings(max_examples=150, deadline=None)
@given(square_matrices())
def test_transpose(one):
    (A,) = one
    assert abs(np.linalg.det(A.T) - np.linalg.det(A)) <= 100 * scale_of(A)
    # exactly, through the Leibniz formula (same terms, reordered)
    if A.shape[0] <= 5:
        assert abs(leibniz(A.T) - leibniz(A)) <= 100 * scale_of(A)


@settings(max_examples=100, deadline=None)
@given(square_matrices(max_n=5))
def test_leibniz_cofactor_and_lu_agree(one):
    (A,) = one
    n = A.shape[0]
    reference = leibniz(A)
    assert abs(np.linalg.det(A) - reference) <= 100 * scale_of(A)
    # cofactor expansion along every column j
    for j in range(n):
        expansion = sum(
            (-1) ** (i + j) * A[i, j] * leibniz(np.delete(np.delete(A, i, axis=0), j, axis=1))
            for i in range(n)
        ) if n > 1 else A[0, 0]
        assert abs(expansion - reference) <= 100 * scale_of(A)
    # through LU with partial pivoting: (-1)^(number of swaps) times the product of u_ii
    with warnings.catch_warnings():
        # lu_factor warns about an exactly singular A (a zero pivot); the formula still holds
        warnings.simplefilter("ignore", LinAlgWarning)
        lu, piv = lu_factor(A)
    swaps = int(np.sum(piv != np.arange(n)))
    assert abs((-1) ** swaps * np.prod(np.diag(lu)) - reference) <= 100 * scale_of(A)


@settings(max_examples=100, deadline=None)
@given(square_matrices(), st.booleans())
def test_triangular_is_product_of_diagonal(one, upper):
    (A,) = one
    T = np.triu(A) if upper else np.tril(A)
    assert abs(np.linalg.det(T) - np.prod(np.diag(T))) <= 100 * scale_of(T)


@settings(max_examples=100, deadline=None)
@given(square_matrices(), st.data())
def test_axioms(one, data):
    """Linear in a column, alternating (a swap flips the sign), det I = 1, and det(cA) = c^n det A."""
    (A,) = one
    n = A.shape[0]
    j = data.draw(st.integers(0, n - 1))
    c = data.draw(st.floats(-3, 3))
    x = np.random.default_rng(n + j).normal(size=n)
    A_x, A_sum = A.copy(), A.copy()
    A_x[:, j] = x
    A_sum[:, j] = c * A[:, j] + x
    tol = 100 * scale_of(A_sum) + 100 * (abs(c) + 1) * scale_of(A) + 100 * scale_of(A_x)
    assert abs(np.linalg.det(A_sum) - (c * np.linalg.det(A) + np.linalg.det(A_x))) <= tol
    if n >= 2:
        k = (j + 1) % n
        swapped = A.copy()
        swapped[:, [j, k]] = swapped[:, [k, j]]
        assert abs(np.linalg.det(swapped) + np.linalg.det(A)) <= 100 * scale_of(A)
    assert np.linalg.det(np.eye(n)) == 1.0
    assert abs(np.linalg.det(c * A) - c**n * np.linalg.det(A)) <= 100 * scale_of(A) * max(abs(c), 1) ** n


@settings(max_examples=100, deadline=None)
@given(square_matrices())
def test_volume_is_product_of_heights(one):
    """|det A| equals base times height: the product of |r_jj| in A = QR."""
    (A,) = one
    R = np.linalg.qr(A)[1]
    assert abs(abs(np.linalg.det(A)) - np.prod(np.abs(np.diag(R)))) <= 100 * scale_of(A)


@settings(max_examples=50, deadline=None)
@given(st.floats(0.1, 5.0), st.floats(-np.pi, np.pi))
def test_polar_jacobian_determinant_is_r(r, theta):
    def polar(p):
        return np.array([p[0] * np.cos(p[1]), p[0] * np.sin(p[1])])

    J = numerical_jacobian(polar, np.array([r, theta]))
    assert abs(np.linalg.det(J) - r) <= 1e-6 * (1 + r)


def test_slogdet_agrees_where_det_is_representable_and_survives_where_it_is_not():
    rng = np.random.default_rng(0)
    B = rng.normal(size=(400, 300))
    S = B.T @ B / 400                                   # a covariance-like matrix, D = 300
    sign, logdet = np.linalg.slogdet(S)
    assert sign == 1.0
    # det(c S) = c^D det S: the log shifts by D log c, and det itself leaves the float range
    for c in [1e-3, 1e3]:
        sign_c, logdet_c = np.linalg.slogdet(c * S)
        assert sign_c == 1.0 and np.isclose(logdet_c, logdet + 300 * np.log(c), rtol=1e-12)
    with np.errstate(over="ignore", under="ignore"):
        assert np.linalg.det(1e3 * S) == np.inf and np.linalg.det(1e-3 * S) == 0.0
    small = S[:5, :5]
    assert np.isclose(np.exp(np.linalg.slogdet(small)[1]), np.linalg.det(small), rtol=1e-12)
