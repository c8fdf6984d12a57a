"""The book's one figure style and the plots that pages use more than once.

Call :func:`use_style` once at the top of a page. Colours come from the
Okabe-Ito palette, which stays distinguishable under the common forms of
colour blindness; sizes are chosen to stay readable on a phone.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral, Real

import matplotlib as mpl
import matplotlib.pyplot as plt
import numpy as np

from .._validation import (
    check_array,
    check_choice,
    check_labels,
    check_scalar,
    check_string,
    describe,
)

__all__ = ["PALETTE", "use_style", "image_grid", "scatter_by_label"]

#: Okabe-Ito colours (Okabe and Ito, 2008), without the yellow that is hard to
#: see on white.
PALETTE: tuple[str, ...] = (
    "#0072B2",  # blue
    "#D55E00",  # vermillion
    "#009E73",  # bluish green
    "#CC79A7",  # reddish purple
    "#E69F00",  # orange
    "#56B4E9",  # sky blue
    "#000000",  # black
)

_STYLE = {
    "axes.prop_cycle": mpl.cycler(color=list(PALETTE)),
    "figure.figsize": (6.4, 4.0),
    "figure.dpi": 100,
    "savefig.dpi": 144,
    "figure.constrained_layout.use": True,
    "font.size": 12,
    "axes.titlesize": 13,
    "axes.labelsize": 12,
    "legend.fontsize": 11,
    "legend.frameon": False,
    "xtick.labelsize": 11,
    "ytick.labelsize": 11,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.alpha": 0.3,
    "lines.linewidth": 2.0,
    "image.cmap": "viridis",
    # A white figure background keeps figures legible on the dark theme too.
    "figure.facecolor": "white",
    "savefig.facecolor": "white",
}


def use_style() -> None:
    """Apply the book's look for figures and printed numbers (idempotent).

    Figures get the book's Matplotlib style. Printed numbers read as a student
    expects: NumPy scalars print as plain numbers (``2120.47``, not
    ``np.float64(2120.47)``, as NumPy 1.25 printed them), floats show at most
    four decimals with small values suppressed, and an array never shows a
    negative zero: an entry that prints as zero (``-0.0`` itself, or a tiny
    negative rounding error such as ``-1e-17``) prints as ``0.``. Every page
    calls this once, in its hidden set-up cell, and so do the exported
    notebooks and the live-code kernels, which run that cell.
    """
    mpl.rcParams.update(_STYLE)
    np.set_printoptions(
        precision=4,
        suppress=True,
        linewidth=88,
        legacy="1.25",
        override_repr=_array_repr_without_negative_zero,
    )


def _without_negative_zero(arr: np.ndarray) -> np.ndarray:
    """``arr`` with every entry that prints as zero replaced by ``+0.0``.

    Only real floating arrays change. Under ``suppress=True`` NumPy prints an
    array in positional notation unless its largest magnitude reaches 1e8,
    and an entry smaller than half a unit in the last printed decimal then
    prints as ``-0.`` or ``0.``; such entries become ``+0.0``. Outside that
    case only exact negative zeros change.
    """
    if arr.dtype.kind != "f" or arr.size == 0:
        return arr
    options = np.get_printoptions()
    finite = arr[np.isfinite(arr)]
    shown_zero = arr == 0
    positional = finite.size == 0 or np.max(np.abs(finite)) < 1e8
    if options["suppress"] and positional:
        with np.errstate(all="ignore"):
            shown_zero |= np.round(arr, options["precision"]) == 0
    if not np.any(shown_zero & np.signbit(arr)):
        return arr
    return np.where(shown_zero, np.zeros((), dtype=arr.dtype), arr)


def _array_repr_without_negative_zero(arr: np.ndarray) -> str:
    """NumPy's own ``repr`` of ``arr``, after :func:`_without_negative_zero`."""
    with np.printoptions(override_repr=None):
        if type(arr) is not np.ndarray:
            return np.array_repr(arr)
        return np.array_repr(_without_negative_zero(arr))


def image_grid(
    images: np.ndarray,
    labels: Sequence | None = None,
    *,
    ncols: int = 10,
    cmap: str = "gray_r",
    size: float = 0.9,
):
    """Show a stack of grey-scale images in a grid, optionally titled by label.

    Parameters
    ----------
    images : array_like, shape (K, H, W)
        The images, darker for larger values with the default ``cmap``.
    labels : sequence of length K, optional
        A title for each image.
    ncols : int
        Images per row.
    size : float
        Width and height of one image in inches.

    Returns
    -------
    matplotlib.figure.Figure
    """
    images = check_array(images, "images", ndim=3, min_rows=1)
    if labels is not None:
        labels = check_labels(labels, "labels", n_samples=len(images))
    ncols = check_scalar(ncols, "ncols", target_type=Integral, min_val=1)
    size = check_scalar(size, "size", target_type=Real, min_val=0, include_boundaries="neither")
    check_choice(cmap, "cmap", tuple(plt.colormaps()))
    ncols = min(ncols, len(images))
    nrows = -(-len(images) // ncols)
    fig, axes = plt.subplots(
        nrows, ncols, figsize=(size * ncols, (size + (0.3 if labels is not None else 0)) * nrows),
        squeeze=False,
    )
    for k, ax in enumerate(axes.flat):
        ax.set_axis_off()
        if k < len(images):
            ax.imshow(images[k], cmap=cmap, interpolation="nearest")
            if labels is not None:
                ax.set_title(str(labels[k]), fontsize=11)
    return fig


def scatter_by_label(
    Z: np.ndarray,
    labels: Sequence,
    *,
    ax=None,
    names: Sequence[str] | None = None,
    xlabel: str = "",
    ylabel: str = "",
    s: float = 14,
    alpha: float = 0.7,
):
    """Scatter the rows of a 2-column array, one colour and marker per label.

    Parameters
    ----------
    Z : array_like, shape (N, 2)
        Points to draw.
    labels : sequence of length N
        Class of each point; classes are drawn in sorted order.
    names : sequence of str, optional
        Legend text for each class, in sorted order of the labels.

    Returns
    -------
    matplotlib.axes.Axes
    """
    Z = check_array(Z, "Z", shape=(None, 2), min_rows=1)
    labels = check_labels(labels, "labels", n_samples=len(Z))
    classes = np.unique(labels)
    if names is not None:
        names = check_labels(names, "names", n_samples=len(classes))
    s = check_scalar(s, "s", target_type=Real, min_val=0, include_boundaries="neither")
    alpha = check_scalar(alpha, "alpha", target_type=Real, min_val=0, max_val=1)
    if ax is not None and not hasattr(ax, "scatter"):
        raise TypeError(f"ax must be a matplotlib Axes, got {describe(ax)}")
    check_string(xlabel, "xlabel")
    check_string(ylabel, "ylabel")
    if ax is None:
        _, ax = plt.subplots()
    markers = "os^DvP*X"
    for k, cls in enumerate(classes):
        mask = labels == cls
        ax.scatter(
            Z[mask, 0], Z[mask, 1], s=s, alpha=alpha,
            color=PALETTE[k % len(PALETTE)], marker=markers[k % len(markers)],
            label=str(names[k]) if names is not None else str(cls),
        )
    ax.set_xlabel(xlabel)
    ax.set_ylabel(ylabel)
    ax.legend(markerscale=1.5)
    return ax
