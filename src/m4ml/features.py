"""Feature maps: turn raw inputs into the columns of a design matrix.

A model that is *linear in its parameters* but not in its input,

.. math::

    f_{\\mathbf{w}}(t) = \\sum_{j} w_j \\, \\phi_j(t) = \\boldsymbol{\\phi}(t)^\\top \\mathbf{w},

is fitted by least squares once the features :math:`\\phi_j(t)` of every
sample are stacked as the rows of a design matrix :math:`\\boldsymbol{\\Phi}`.
The functions here build such matrices.
"""

from __future__ import annotations

import numpy as np

from ._validation import as_float_array, check_integer, check_positive

__all__ = ["fourier_features"]


def fourier_features(
    t,
    n_harmonics: int = 1,
    period: float = 365.25,
    intercept: bool = True,
) -> np.ndarray:
    """Design matrix of a truncated Fourier series with a known period.

    With angular frequency :math:`\\omega = 2\\pi / P` and :math:`H` harmonics,
    row :math:`n` of the result is

    .. math::

        \\boldsymbol{\\phi}(t_n)^\\top = \\bigl(1,\\ \\cos(\\omega t_n),\\ \\sin(\\omega t_n),\\
        \\cos(2\\omega t_n),\\ \\sin(2\\omega t_n),\\ \\dots,\\
        \\cos(H\\omega t_n),\\ \\sin(H\\omega t_n)\\bigr),

    so that :math:`\\boldsymbol{\\Phi}\\mathbf{w}` evaluates the periodic model
    :math:`f(t) = w_0 + \\sum_{h=1}^{H} \\bigl(a_h \\cos(h\\omega t) + b_h \\sin(h\\omega t)\\bigr)`
    at every :math:`t_n`, with :math:`\\mathbf{w} = (w_0, a_1, b_1, \\dots, a_H, b_H)`.
    Each pair :math:`a_h\\cos(h\\omega t) + b_h\\sin(h\\omega t)` equals
    :math:`A_h\\cos(h\\omega t - \\varphi_h)` with amplitude
    :math:`A_h = \\sqrt{a_h^2 + b_h^2}` and phase :math:`\\varphi_h = \\operatorname{atan2}(b_h, a_h)`.

    When the :math:`t_n` are :math:`M > 2H` equally spaced points covering a
    whole number :math:`K` of periods, the columns are orthogonal:
    :math:`\\boldsymbol{\\Phi}^\\top\\boldsymbol{\\Phi} = \\operatorname{diag}(N, N/2, \\dots, N/2)`
    with :math:`N = KM`.

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
        If ``t`` is not 1-D or holds NaN or infinite values, ``n_harmonics < 1``
        or ``period`` is not a finite positive number.

    Examples
    --------
    >>> fourier_features([0.0, 91.3125], n_harmonics=1).round(6)
    array([[1., 1., 0.],
           [1., 0., 1.]])
    """
    t = as_float_array(t, "t", ndim=1)
    n_harmonics = check_integer(n_harmonics, "n_harmonics", minimum=1)
    period = check_positive(period, "period")
    if not isinstance(intercept, (bool, np.bool_)):
        raise TypeError(f"intercept must be True or False, got {type(intercept).__name__} {intercept!r}")

    omega = 2.0 * np.pi / period
    h = np.arange(1, n_harmonics + 1)
    angles = omega * np.outer(t, h)  # (N, H): h * omega * t_n
    columns = np.empty((t.shape[0], 2 * n_harmonics))
    columns[:, 0::2] = np.cos(angles)
    columns[:, 1::2] = np.sin(angles)
    if intercept:
        columns = np.column_stack([np.ones(t.shape[0]), columns])
    return columns
