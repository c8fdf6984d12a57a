"""Special functions of machine learning, computed without overflow: the logistic
sigmoid, log-sum-exp and softmax (named as in :mod:`scipy.special`).

The **logistic sigmoid** :math:`\\sigma(z) = 1/(1+e^{-z})` turns a score into a
probability; :func:`sigmoid` equals ``scipy.special.expit``.

For scores :math:`\\mathbf{z} \\in \\mathbb{R}^K` (the logits of a classifier,
say) the **log-sum-exp** and the **softmax** are

.. math::

    \\operatorname{lse}(\\mathbf{z}) = \\log \\sum_{k=1}^{K} e^{z_k},
    \\qquad
    \\operatorname{softmax}(\\mathbf{z})_k = \\frac{e^{z_k}}{\\sum_{j=1}^{K} e^{z_j}} .

The softmax is the gradient of the log-sum-exp,
:math:`\\nabla \\operatorname{lse}(\\mathbf{z}) = \\operatorname{softmax}(\\mathbf{z})`,
and its Jacobian is :math:`\\operatorname{diag}(\\mathbf{p}) - \\mathbf{p}\\mathbf{p}^\\top` with
:math:`\\mathbf{p} = \\operatorname{softmax}(\\mathbf{z})` (see the section on
matrix calculus).

Both are unchanged, up to the added constant, by a shift of every score:
:math:`\\operatorname{lse}(\\mathbf{z} + c\\mathbf{1}) = \\operatorname{lse}(\\mathbf{z}) + c`
and :math:`\\operatorname{softmax}(\\mathbf{z} + c\\mathbf{1}) = \\operatorname{softmax}(\\mathbf{z})`.
The functions here shift by :math:`c = -\\max_k z_k` before exponentiating, so
every exponential lies in :math:`(0, 1]`, one of them equals 1, and nothing
overflows however large the scores are. Computed literally, :math:`e^{z_k}`
overflows to infinity in double precision as soon as :math:`z_k > 709.78`.
"""

from __future__ import annotations

import numpy as np

from .._validation import check_array, check_axis

__all__ = ["sigmoid", "logsumexp", "softmax"]


def sigmoid(z):
    """The logistic function :math:`\\sigma(z) = 1/(1+e^{-z})`, without overflow for any real ``z``.

    It equals SciPy's ``scipy.special.expit``. For :math:`z \\ge 0` it is computed as
    :math:`1/(1+e^{-z})` and for :math:`z < 0` as :math:`e^{z}/(1+e^{z})`, so the
    exponential never exceeds 1. Returns a float for a scalar input and an
    array otherwise.

    Examples
    --------
    >>> sigmoid(0.0)
    0.5
    >>> sigmoid([-1000.0, 1000.0])
    array([0., 1.])
    """
    scalar = np.ndim(z) == 0
    z = check_array(z, "z")
    out = np.empty_like(z)
    pos = z >= 0
    out[pos] = 1.0 / (1.0 + np.exp(-z[pos]))
    ez = np.exp(z[~pos])
    out[~pos] = ez / (1.0 + ez)
    return float(out) if scalar else out



def _scores_and_axis(z, axis) -> tuple[np.ndarray, int]:
    """Validate the scores ``z`` and the ``axis`` that holds the K classes."""
    z = check_array(z, "z")
    return z, check_axis(z, "z", axis, what="scores")


def _shifted_exp(z: np.ndarray, axis: int) -> tuple[np.ndarray, np.ndarray]:
    """Return the maxima m along ``axis`` (kept as a size-1 axis) and exp(z - m), whose entries lie in (0, 1]."""
    m = np.max(z, axis=axis, keepdims=True)
    return m, np.exp(z - m)


def logsumexp(z, *, axis: int = -1):
    """The log-sum-exp :math:`\\log \\sum_k e^{z_k}`, computed stably.

    With :math:`m = \\max_k z_k`,

    .. math::

        \\log \\sum_{k=1}^{K} e^{z_k} = m + \\log \\sum_{k=1}^{K} e^{z_k - m},

    and the sum on the right lies in :math:`[1, K]`, so neither the
    exponentials nor the logarithm can overflow or return :math:`-\\infty`. The
    result satisfies :math:`m \\le \\operatorname{lse}(\\mathbf{z}) \\le m +
    \\log K`: log-sum-exp is a smooth maximum.

    Parameters
    ----------
    z : array_like
        Scores, finite real numbers, with the K classes along ``axis``.
    axis : int
        The axis to reduce over; by default the last, so that the rows of an
        ``(N, K)`` array of scores are reduced one sample at a time.

    Returns
    -------
    float or numpy.ndarray
        A float for a 1-D ``z``; otherwise an array with ``axis`` removed.

    Raises
    ------
    TypeError
        If ``z`` is not numeric or ``axis`` is not an integer.
    ValueError
        If ``z`` is a scalar or empty along ``axis``, ``axis`` is out of range,
        or ``z`` holds NaN or infinite values.

    Examples
    --------
    >>> # 1000 + log 2; the literal formula overflows
    >>> logsumexp([1000.0, 1000.0])
    1000.6931471805599
    """
    z, axis = _scores_and_axis(z, axis)
    m, e = _shifted_exp(z, axis)
    log_sum = np.log(np.sum(e, axis=axis, keepdims=True))
    result = np.squeeze(m + log_sum, axis=axis)
    return float(result) if result.ndim == 0 else result


def softmax(z, *, axis: int = -1) -> np.ndarray:
    """The softmax :math:`p_k = e^{z_k} / \\sum_j e^{z_j}`, computed stably.

    The scores are shifted by :math:`m = \\max_k z_k` first,
    :math:`p_k = e^{z_k - m} / \\sum_j e^{z_j - m}`, which changes nothing
    mathematically (the factor :math:`e^{-m}` cancels) but keeps every
    exponential in :math:`(0, 1]` and the denominator in :math:`[1, K]`. The
    entries of the result are non-negative and sum to 1 along ``axis``;
    entries far below the maximum (by more than about 745) underflow to 0.

    Parameters
    ----------
    z : array_like
        Scores, finite real numbers, with the K classes along ``axis``.
    axis : int
        The axis holding the classes; by default the last.

    Returns
    -------
    numpy.ndarray
        The probabilities, with the shape of ``z``.

    Raises
    ------
    TypeError
        If ``z`` is not numeric or ``axis`` is not an integer.
    ValueError
        If ``z`` is a scalar or empty along ``axis``, ``axis`` is out of range,
        or ``z`` holds NaN or infinite values.

    Examples
    --------
    >>> softmax([1000.0, 1000.0, 1000.0 - np.log(2)]).round(3)
    array([0.4, 0.4, 0.2])
    """
    z, axis = _scores_and_axis(z, axis)
    _, e = _shifted_exp(z, axis)
    return e / np.sum(e, axis=axis, keepdims=True)
