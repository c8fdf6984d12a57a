"""Feature maps: turn raw inputs into the columns of a design matrix.

A model that is *linear in its parameters* but not in its input,

.. math::

    f_{\\mathbf{w}}(t) = \\sum_{j} w_j \\, \\phi_j(t) = \\boldsymbol{\\phi}(t)^\\top \\mathbf{w},

is fitted by least squares once the features :math:`\\phi_j(t)` of every
sample are stacked as the rows of a design matrix :math:`\\boldsymbol{\\Phi}`.
The functions here build such matrices for three families of basis functions:
a truncated Fourier series (:func:`fourier_features`), polynomials
(:func:`polynomial_features`) and Gaussian bumps (:func:`rbf_features`).

Whatever the basis, the map :math:`\\mathbf{w} \\mapsto \\boldsymbol{\\Phi}\\mathbf{w}`
is linear: :math:`\\boldsymbol{\\Phi}(a\\mathbf{u} + b\\mathbf{v}) =
a\\boldsymbol{\\Phi}\\mathbf{u} + b\\boldsymbol{\\Phi}\\mathbf{v}`.
"""

from __future__ import annotations

import numbers
from numbers import Integral, Real

import numpy as np

from .._validation import check_array, check_bool, check_scalar

__all__ = ["fourier_features", "polynomial_features", "rbf_features"]


def _check_interval(scale) -> tuple[float, float]:
    """Check that ``scale`` is a pair ``(low, high)`` of finite reals with ``low < high``."""
    message = "scale must be None or a pair (low, high) of finite numbers with low < high"
    if isinstance(scale, (str, bytes, dict)) or not hasattr(scale, "__len__"):
        raise TypeError(f"{message}, got {type(scale).__name__} {scale!r}"[:200])
    if len(scale) != 2:
        raise ValueError(f"{message}, got {len(scale)} value(s): {scale!r}"[:200])
    low, high = scale
    for value in (low, high):
        if isinstance(value, (bool, np.bool_)) or not isinstance(value, numbers.Real):
            raise TypeError(f"{message}, got {scale!r}"[:200])
    low, high = float(low), float(high)
    if not (np.isfinite(low) and np.isfinite(high) and low < high):
        raise ValueError(f"{message}, got ({low!r}, {high!r})")
    return low, high


def fourier_features(
    t,
    n_harmonics: int = 1,
    *,
    period: float = 365.25,
    intercept: bool = True,
) -> np.ndarray:
    """Design matrix of a truncated Fourier series with a known period.

    With angular frequency :math:`\\omega = 2\\pi / P` and :math:`H` harmonics,
    row :math:`n` of the result is

    .. math::

        \\boldsymbol{\\phi}(t_n)^\\top = \\bigl(1,\\ \\cos(\\omega t_n),\\
        \\sin(\\omega t_n),\\ \\cos(2\\omega t_n),\\ \\sin(2\\omega t_n),\\
        \\dots,\\ \\cos(H\\omega t_n),\\ \\sin(H\\omega t_n)\\bigr),

    so that :math:`\\boldsymbol{\\Phi}\\mathbf{w}` evaluates the periodic model
    :math:`f(t) = w_0 + \\sum_{h=1}^{H} \\bigl(a_h \\cos(h\\omega t) + b_h
    \\sin(h\\omega t)\\bigr)` at every :math:`t_n`, with :math:`\\mathbf{w} =
    (w_0, a_1, b_1, \\dots, a_H, b_H)`. Each pair :math:`a_h\\cos(h\\omega t) +
    b_h\\sin(h\\omega t)` equals :math:`A_h\\cos(h\\omega t - \\varphi_h)` with
    amplitude :math:`A_h = \\sqrt{a_h^2 + b_h^2}` and phase :math:`\\varphi_h =
    \\operatorname{atan2}(b_h, a_h)`.

    When the :math:`t_n` are :math:`M > 2H` equally spaced points covering a
    whole number :math:`K` of periods, the columns are orthogonal:
    :math:`\\boldsymbol{\\Phi}^\\top\\boldsymbol{\\Phi} =
    \\operatorname{diag}(N, N/2, \\dots, N/2)` with :math:`N = KM`.

    Parameters
    ----------
    t : array_like, shape (N,)
        Times (for daily data, days), finite real numbers.
    n_harmonics : int
        The number :math:`H \\ge 1` of harmonics.
    period : float
        The period :math:`P > 0`, in the units of ``t``. The default is the
        mean length of a year in days.
    intercept : bool
        Whether the first column is the constant 1.

    Returns
    -------
    numpy.ndarray, shape (N, 1 + 2H), or (N, 2H) without the intercept
        The design matrix :math:`\\boldsymbol{\\Phi}`.

    Raises
    ------
    TypeError
        If ``t`` is not numeric, ``n_harmonics`` is not an integer, ``period``
        is not a real number or ``intercept`` is not a bool.
    ValueError
        If ``t`` is not 1-D or holds NaN or infinite values, ``n_harmonics <
        1`` or ``period`` is not a finite positive number.

    Examples
    --------
    >>> fourier_features([0.0, 91.3125], n_harmonics=1).round(6)
    array([[1., 1., 0.],
           [1., 0., 1.]])
    """
    t = check_array(t, "t", ndim=1)
    n_harmonics = check_scalar(n_harmonics, "n_harmonics",
                               target_type=Integral, min_val=1)
    period = check_scalar(period, "period", target_type=Real, min_val=0,
                          include_boundaries="neither")
    intercept = check_bool(intercept, "intercept")

    omega = 2.0 * np.pi / period
    h = np.arange(1, n_harmonics + 1)
    angles = omega * np.outer(t, h)  # (N, H): h * omega * t_n
    columns = np.empty((t.shape[0], 2 * n_harmonics))
    columns[:, 0::2] = np.cos(angles)
    columns[:, 1::2] = np.sin(angles)
    if intercept:
        columns = np.column_stack([np.ones(t.shape[0]), columns])
    return columns


def polynomial_features(t, degree: int, *, intercept: bool = True,
                        scale=None) -> np.ndarray:
    """Design matrix of the monomials :math:`1, s, s^2, \\dots, s^p` (a
    Vandermonde matrix).

    Row :math:`n` of the result is

    .. math::

        \\boldsymbol{\\phi}(t_n)^\\top = \\bigl(1,\\ s_n,\\ s_n^2,\\ \\dots,\\
        s_n^p\\bigr), \\qquad s_n = \\begin{cases} t_n & \\text{if }
        \\texttt{scale} = \\texttt{None},\\\\ \\dfrac{2 t_n - (a + b)}{b - a} &
        \\text{if } \\texttt{scale} = (a, b),\\end{cases}

    so that :math:`\\boldsymbol{\\Phi}\\mathbf{w}` evaluates the polynomial
    :math:`f(t) = \\sum_{j=0}^{p} w_j s^j` at every :math:`t_n`. The affine map
    :math:`t \\mapsto s` sends the interval :math:`[a, b]` onto :math:`[-1,
    1]`, where every power of :math:`s` stays between :math:`-1` and :math:`1`.
    Without it, the columns of inputs such as day numbers :math:`t \\in [0,
    365]` differ in size by a factor of order :math:`365^p`, and the matrix is
    badly conditioned.

    A nonzero polynomial of degree at most :math:`p` has at most :math:`p`
    roots, so when at least :math:`p + 1` of the :math:`t_n` are distinct, the
    columns are linearly independent: :math:`\\boldsymbol{\\Phi}` has full
    column rank.

    Parameters
    ----------
    t : array_like, shape (N,)
        Inputs, finite real numbers.
    degree : int
        The highest power :math:`p \\ge 0` (at least 1 without the intercept).
    intercept : bool, keyword-only
        Whether the first column is the constant :math:`s^0 = 1`.
    scale : pair of float (a, b) with a < b, or None, keyword-only
        The interval mapped onto :math:`[-1, 1]` before taking powers; None
        uses ``t`` unchanged. Inputs outside :math:`[a, b]` are allowed
        (extrapolation).

    Returns
    -------
    numpy.ndarray, shape (N, p + 1), or (N, p) without the intercept
        The design matrix :math:`\\boldsymbol{\\Phi}`, column :math:`j` holding
        :math:`s^j` (or :math:`s^{j+1}` without the intercept).

    Raises
    ------
    TypeError
        If ``t`` is not numeric, ``degree`` is not an integer, ``intercept`` is
        not a bool or ``scale`` is not None or a pair of real numbers.
    ValueError
        If ``t`` is not 1-D or holds NaN or infinite values, ``degree`` is
        negative (or 0 without the intercept, which would leave no column) or
        ``scale`` is not an interval with ``a < b``.

    Examples
    --------
    >>> polynomial_features([0.0, 2.0, 3.0], degree=2)
    array([[1., 0., 0.],
           [1., 2., 4.],
           [1., 3., 9.]])
    >>> polynomial_features([0.0, 5.0, 10.0], degree=2, scale=(0, 10),
    ...                     intercept=False)
    array([[-1.,  1.],
           [ 0.,  0.],
           [ 1.,  1.]])
    """
    t = check_array(t, "t", ndim=1)
    intercept = check_bool(intercept, "intercept")
    degree = check_scalar(degree, "degree", target_type=Integral, min_val=0)
    if degree == 0 and not intercept:
        raise ValueError("degree must be at least 1 when intercept=False "
                         "(no column would be left), got 0")
    if scale is not None:
        low, high = _check_interval(scale)
        t = (2.0 * t - (low + high)) / (high - low)
    first = 0 if intercept else 1
    # Column j is s**(first + j); np.vander with increasing=True starts at
    # s**0.
    return np.vander(t, degree + 1, increasing=True)[:, first:]


def rbf_features(t, centres, *, length_scale: float,
                 period: float | None = None,
                 intercept: bool = True) -> np.ndarray:
    """Design matrix of Gaussian bumps (radial basis functions) at given
    centres.

    With centres :math:`c_1, \\dots, c_K` and length scale :math:`h > 0`, row
    :math:`n` of the result is

    .. math::

        \\boldsymbol{\\phi}(t_n)^\\top = \\bigl(1,\\ \\phi_1(t_n),\\ \\dots,\\
        \\phi_K(t_n)\\bigr), \\qquad \\phi_k(t) = \\exp\\Bigl(-\\frac{d(t,
        c_k)^2}{2h^2}\\Bigr),

    a bump of height 1 at :math:`c_k` that has fallen to :math:`e^{-1/2}` at
    distance :math:`h`. The distance is :math:`d(t, c) = |t - c|` on the line,
    or, when a period :math:`P` is given, the distance on a circle of
    circumference :math:`P`,

    .. math::

        d_P(t, c) = \\min_{m \\in \\mathbb{Z}} |t - c - mP| = \\Bigl|\\bigl((t
        - c + P/2) \\bmod P\\bigr) - P/2\\Bigr| \\in [0, P/2],

    so that every column is periodic with period :math:`P`: the last day of one
    year and the first day of the next are neighbours.

    Parameters
    ----------
    t : array_like, shape (N,)
        Inputs, finite real numbers.
    centres : array_like, shape (K,)
        The centres :math:`c_k`, finite real numbers; at least one.
    length_scale : float, keyword-only
        The length scale :math:`h > 0` (the standard deviation of each Gaussian
        bump), in the units of ``t``; the name is that of
        :func:`m4ml.linalg.kernels.rbf_kernel` and of scikit-learn's ``RBF``
        kernel.
    period : float or None, keyword-only
        The period :math:`P > 0` for the distance on the circle; None (the
        default) uses the distance on the line.
    intercept : bool, keyword-only
        Whether the first column is the constant 1.

    Returns
    -------
    numpy.ndarray, shape (N, K + 1), or (N, K) without the intercept
        The design matrix :math:`\\boldsymbol{\\Phi}`.

    Raises
    ------
    TypeError
        If ``t`` or ``centres`` is not numeric, ``length_scale`` or ``period``
        is not a real number or ``intercept`` is not a bool.
    ValueError
        If ``t`` or ``centres`` is not 1-D or holds NaN or infinite values,
        ``centres`` is empty, or ``length_scale`` or ``period`` is not a finite
        positive number.

    Examples
    --------
    >>> rbf_features([0.0, 1.0], centres=[0.0], length_scale=1.0).round(4)
    array([[1.    , 1.    ],
           [1.    , 0.6065]])
    >>> rbf_features([9.0], centres=[1.0], length_scale=1.0, period=10.0,
    ...              intercept=False).round(4)
    array([[0.1353]])
    """
    t = check_array(t, "t", ndim=1)
    centres = check_array(centres, "centres", ndim=1, min_rows=1)
    length_scale = check_scalar(length_scale, "length_scale",
                                target_type=Real, min_val=0,
                                include_boundaries="neither")
    if period is not None:
        period = check_scalar(period, "period", target_type=Real, min_val=0,
                              include_boundaries="neither")
    intercept = check_bool(intercept, "intercept")

    diff = t[:, None] - centres[None, :]  # (N, K): t_n - c_k
    if period is not None:
        # wrapped into [-P/2, P/2)
        diff = np.mod(diff + period / 2, period) - period / 2
    columns = np.exp(-0.5 * (diff / length_scale) ** 2)
    if intercept:
        columns = np.column_stack([np.ones(t.shape[0]), columns])
    return columns
