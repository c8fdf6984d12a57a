"""The Wisconsin Diagnostic Breast Cancer data (WDBC)."""

from __future__ import annotations

import numpy as np

from ._base import DataError, Dataset
from ._files import BREAST_CANCER

__all__ = ["load_cancer", "CANCER_FEATURES"]

_MEASUREMENTS = (
    "radius", "texture", "perimeter", "area", "smoothness",
    "compactness", "concavity", "concave points", "symmetry", "fractal dimension",
)
#: The 30 feature names: mean, standard error and worst (mean of the three
#: largest) of ten measurements of the cell nuclei in one image.
CANCER_FEATURES: tuple[str, ...] = (
    tuple(f"mean {m}" for m in _MEASUREMENTS)
    + tuple(f"{m} error" for m in _MEASUREMENTS)
    + tuple(f"worst {m}" for m in _MEASUREMENTS)
)

_DESCRIPTION = (
    "Wisconsin Diagnostic Breast Cancer (Street, Wolberg and Mangasarian, 1993), "
    "UCI Machine Learning Repository, CC BY 4.0; file shipped by scikit-learn."
)


def load_cancer() -> Dataset:
    """Load the 569 tumours of the Wisconsin Diagnostic Breast Cancer data.

    Each row describes the cell nuclei in a digitised image of a fine-needle
    aspirate of a breast mass by 30 real-valued features.

    Returns
    -------
    Dataset
        ``X`` has shape (569, 30). ``y[n] = 1`` if tumour ``n`` is malignant
        and ``0`` if benign (212 malignant, 357 benign). Note that scikit-learn's
        own loader codes the labels the other way round; here the *positive*
        class is the disease.

    Raises
    ------
    DataError
        If the file shipped by scikit-learn is missing, has a different
        checksum, or does not parse to the expected shape.
    """
    path = BREAST_CANCER.verified_path()
    with open(path, encoding="ascii") as handle:
        header = handle.readline().strip().split(",")
        table = np.loadtxt(handle, delimiter=",")
    n_samples, n_features = int(header[0]), int(header[1])
    if table.shape != (n_samples, n_features + 1) or table.shape != (569, 31):
        raise DataError(f"{path}: expected a 569 x 31 table, got {table.shape}")
    X = table[:, :-1]
    sklearn_target = table[:, -1].astype(int)  # 0 = malignant, 1 = benign
    if not np.isin(sklearn_target, (0, 1)).all() or not np.isfinite(X).all() or (X < 0).any():
        raise DataError(f"{path}: labels must be 0/1 and features finite and non-negative")
    y = 1 - sklearn_target
    return Dataset(
        name="cancer",
        X=X,
        y=y,
        feature_names=CANCER_FEATURES,
        target_names=("benign", "malignant"),
        description=_DESCRIPTION,
    )
