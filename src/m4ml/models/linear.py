"""Ridge and logistic regression: objectives, gradients, Hessians and the ridge closed form.

The book writes both models with averages over the :math:`N` samples, so that step
sizes and regularisation strengths do not change meaning with the size of the data.
For a data matrix :math:`\\mathbf{X}\\in\\mathbb{R}^{N\\times D}`, targets
:math:`\\mathbf{y}` and a strength :math:`\\alpha \\ge 0`:

* ridge regression,
  :math:`f(\\mathbf{w}) = \\frac{1}{2N}\\lVert\\mathbf{X}\\mathbf{w}-\\mathbf{y}\\rVert_2^2 + \\frac{\\alpha}{2}\\lVert\\mathbf{w}\\rVert_2^2`,
  with gradient :math:`\\frac1N\\mathbf{X}^\\top(\\mathbf{X}\\mathbf{w}-\\mathbf{y}) + \\alpha\\mathbf{w}`
  and Hessian :math:`\\frac1N\\mathbf{X}^\\top\\mathbf{X} + \\alpha\\mathbf{I}`;
* logistic regression with labels :math:`y_n\\in\\{0,1\\}`,
  :math:`f(\\mathbf{w}) = \\frac1N\\sum_n \\bigl[\\log(1+e^{z_n}) - y_n z_n\\bigr] + \\frac{\\alpha}{2}\\lVert\\mathbf{w}\\rVert_2^2`
  with :math:`z_n = \\mathbf{x}_n^\\top\\mathbf{w}`, gradient
  :math:`\\frac1N\\mathbf{X}^\\top(\\sigma(\\mathbf{X}\\mathbf{w})-\\mathbf{y}) + \\alpha\\mathbf{w}` and Hessian
  :math:`\\frac1N\\mathbf{X}^\\top\\mathbf{S}\\mathbf{X} + \\alpha\\mathbf{I}`,
  :math:`\\mathbf{S} = \\operatorname{diag}(\\sigma(z_n)(1-\\sigma(z_n))) = \\operatorname{diag}(\\sigma(z_n)\\sigma(-z_n))`.

The logistic functions never form :math:`1-\\sigma(z)`, which rounds to 0 for
:math:`z \\gtrsim 37` and would lose those samples: the loss of a sample is computed as
:math:`\\log(1+e^{z_n})` (label 0) or :math:`\\log(1+e^{-z_n})` (label 1) with
``np.logaddexp``, which never overflows; the residual :math:`\\sigma(z_n)-y_n` as
:math:`-\\sigma(-z_n)` when :math:`y_n=1`; and the Hessian weight as
:math:`\\sigma(z_n)\\sigma(-z_n)`. Each is then accurate to a few units in the last place
for every real :math:`z_n` (and is 0 only where the exact value is below the smallest
double, :math:`|z_n| \\gtrsim 745`).

Every weight is penalised; to leave an intercept free, centre the targets (ridge) or
standardise the features and add the intercept column knowingly. The derivations are in
``book/optim/optimality.md``, ``book/optim/logistic.md`` and ``book/calculus/hessian.md``;
``tests/m4ml/models/test_linear.py`` checks every derivative against central differences and autograd.
"""

from __future__ import annotations

from numbers import Real

import numpy as np

from .._validation import (
    check_array,
    check_choice,
    check_consistent_length,
    check_labels,
    check_scalar,
)
from ..calculus.special import sigmoid

__all__ = [
    "ridge_objective",
    "ridge_gradient",
    "ridge_hessian",
    "ridge_fit",
    "logistic_objective",
    "logistic_gradient",
    "logistic_hessian",
]


def _check_alpha(alpha) -> float:
    return check_scalar(alpha, "alpha", target_type=Real, min_val=0)


def _check_Xw(w, X):
    X = check_array(X, "X", ndim=2, min_rows=1)
    w = check_array(w, "w", ndim=1)
    if w.shape[0] != X.shape[1]:
        raise ValueError(f"w must have one entry per column of X ({X.shape[1]}), got shape {w.shape}")
    return w, X


def _check_y(y, X, *, binary: bool = False):
    if binary:
        return check_labels(y, "y", n_samples=X.shape[0], binary=True)
    y = check_array(y, "y", ndim=1)
    check_consistent_length(X=X, y=y)
    return y


def _check_problem(w, X, y, alpha, *, binary: bool = False):
    """Checked (w, X, y, alpha) of an objective or gradient; ``binary`` requires labels 0 and 1."""
    w, X = _check_Xw(w, X)
    return w, X, _check_y(y, X, binary=binary), _check_alpha(alpha)


# ------------------------------------------------------------------ ridge
def ridge_objective(w, X, y, *, alpha: float = 0.0) -> float:
    """:math:`\\frac{1}{2N}\\lVert\\mathbf{X}\\mathbf{w}-\\mathbf{y}\\rVert_2^2 + \\frac{\\alpha}{2}\\lVert\\mathbf{w}\\rVert_2^2`.

    Parameters
    ----------
    w : array_like, shape (D,)
        The weights.
    X : array_like, shape (N, D)
        The data (design) matrix, one sample per row.
    y : array_like, shape (N,)
        The targets.
    alpha : float
        The regularisation strength :math:`\\alpha \\ge 0` (0 gives least squares).
    """
    w, X, y, alpha = _check_problem(w, X, y, alpha)
    r = X @ w - y
    return float(r @ r / (2 * X.shape[0]) + alpha / 2 * (w @ w))


def ridge_gradient(w, X, y, *, alpha: float = 0.0) -> np.ndarray:
    """:math:`\\frac1N\\mathbf{X}^\\top(\\mathbf{X}\\mathbf{w}-\\mathbf{y}) + \\alpha\\mathbf{w}`, shape (D,)."""
    w, X, y, alpha = _check_problem(w, X, y, alpha)
    return X.T @ (X @ w - y) / X.shape[0] + alpha * w


def ridge_hessian(X, *, alpha: float = 0.0) -> np.ndarray:
    """:math:`\\frac1N\\mathbf{X}^\\top\\mathbf{X} + \\alpha\\mathbf{I}`, shape (D, D); it does not depend on w."""
    X = check_array(X, "X", ndim=2, min_rows=1)
    alpha = _check_alpha(alpha)
    return X.T @ X / X.shape[0] + alpha * np.eye(X.shape[1])


def ridge_fit(X, y, *, alpha: float = 0.0, method: str = "solve") -> np.ndarray:
    """The minimiser of :func:`ridge_objective`: the solution of :math:`(\\mathbf{X}^\\top\\mathbf{X} + N\\alpha\\mathbf{I})\\mathbf{w} = \\mathbf{X}^\\top\\mathbf{y}`.

    Parameters
    ----------
    X, y, alpha
        As in :func:`ridge_objective`.
    method : {"solve", "inv", "lstsq"}
        ``"solve"`` factorises the regularised normal-equation matrix (LU);
        ``"inv"`` forms its inverse and multiplies, which the book shows is
        less accurate; ``"lstsq"`` solves the equivalent stacked least-squares
        problem :math:`\\min\\lVert[\\mathbf{X}; \\sqrt{N\\alpha}\\mathbf{I}]\\mathbf{w} - [\\mathbf{y}; \\mathbf{0}]\\rVert`
        by the SVD, without forming :math:`\\mathbf{X}^\\top\\mathbf{X}`.

    Raises
    ------
    ValueError
        If the shapes disagree, an entry is not finite, ``alpha`` is negative,
        or ``alpha = 0`` and :math:`\\mathbf{X}` does not have full column rank
        (the minimiser is then not unique) for ``"solve"`` and ``"inv"``.
    """
    X = check_array(X, "X", ndim=2, min_rows=1)
    y = _check_y(y, X)
    alpha = _check_alpha(alpha)
    method = check_choice(method, "method", ("solve", "inv", "lstsq"))
    N, D = X.shape
    if method == "lstsq":
        A = np.vstack([X, np.sqrt(N * alpha) * np.eye(D)])
        b = np.concatenate([y, np.zeros(D)])
        return np.linalg.lstsq(A, b, rcond=None)[0]
    A = X.T @ X + N * alpha * np.eye(D)
    if alpha == 0 and np.linalg.matrix_rank(X) < D:
        raise ValueError(
            f"X (shape {X.shape}) does not have full column rank, so least squares has many minimisers; "
            "use alpha > 0 or method='lstsq' (minimum-norm solution)"
        )
    if method == "solve":
        return np.linalg.solve(A, X.T @ y)
    return np.linalg.inv(A) @ (X.T @ y)


# ------------------------------------------------------------------ logistic
def _log1pexp(z: np.ndarray) -> np.ndarray:
    """:math:`\\log(1+e^z)` without overflow."""
    return np.logaddexp(0.0, z)


def _residual(z: np.ndarray, y: np.ndarray) -> np.ndarray:
    """:math:`\\sigma(z) - y` for labels 0 and 1, as :math:`-\\sigma(-z)` when :math:`y = 1` (no cancellation)."""
    return np.where(y == 1, -sigmoid(-z), sigmoid(z))


def _hessian_weight(z: np.ndarray) -> np.ndarray:
    """:math:`\\sigma'(z) = \\sigma(z)(1-\\sigma(z))`, computed as :math:`\\sigma(z)\\sigma(-z)` (no cancellation)."""
    return sigmoid(z) * sigmoid(-z)


def logistic_objective(w, X, y, *, alpha: float = 0.0) -> float:
    """The average cross-entropy :math:`\\frac1N\\sum_n[\\log(1+e^{z_n}) - y_n z_n] + \\frac{\\alpha}{2}\\lVert\\mathbf{w}\\rVert_2^2`, :math:`z_n=\\mathbf{x}_n^\\top\\mathbf{w}`.

    Parameters
    ----------
    w : array_like, shape (D,)
        The weights.
    X : array_like, shape (N, D)
        The data matrix, one sample per row.
    y : array_like, shape (N,)
        Labels, 0 or 1.
    alpha : float
        The regularisation strength :math:`\\alpha \\ge 0`.
    """
    w, X, y, alpha = _check_problem(w, X, y, alpha, binary=True)
    z = X @ w
    # log(1+e^z) - y z is log(1+e^z) for y = 0 and log(1+e^{-z}) for y = 1; the second form
    # avoids subtracting two nearly equal large numbers when z is large and y = 1.
    return float(np.mean(_log1pexp(np.where(y == 1, -z, z))) + alpha / 2 * (w @ w))


def logistic_gradient(w, X, y, *, alpha: float = 0.0) -> np.ndarray:
    """:math:`\\frac1N\\mathbf{X}^\\top(\\sigma(\\mathbf{X}\\mathbf{w})-\\mathbf{y}) + \\alpha\\mathbf{w}`, shape (D,)."""
    w, X, y, alpha = _check_problem(w, X, y, alpha, binary=True)
    return X.T @ _residual(X @ w, y) / X.shape[0] + alpha * w


def logistic_hessian(w, X, *, alpha: float = 0.0) -> np.ndarray:
    """:math:`\\frac1N\\mathbf{X}^\\top\\mathbf{S}\\mathbf{X} + \\alpha\\mathbf{I}` with :math:`s_{nn} = \\sigma(z_n)(1-\\sigma(z_n))`, shape (D, D).

    It does not depend on the labels. The weights are computed as
    :math:`s_{nn} = \\sigma(z_n)\\sigma(-z_n)`: the form :math:`\\sigma(z_n)(1-\\sigma(z_n))` rounds
    to 0 once :math:`\\sigma(z_n)` rounds to 1 (:math:`z_n \\gtrsim 37`), which would drop
    confidently classified samples from the Hessian.
    """
    w, X = _check_Xw(w, X)
    alpha = _check_alpha(alpha)
    s = _hessian_weight(X @ w)
    return (X * s[:, None]).T @ X / X.shape[0] + alpha * np.eye(X.shape[1])
