"""m4ml.data.cancer: the Wisconsin breast-cancer data."""

from __future__ import annotations

import numpy as np

from m4ml import data


def test_cancer_shape_labels_and_names():
    ds = data.load_cancer()
    assert ds.X.shape == (569, 30) and ds.shape == (569, 30)
    assert np.bincount(ds.y).tolist() == [357, 212]  # benign, malignant
    assert ds.target_names == ("benign", "malignant")
    assert ds.feature_names[0] == "mean radius" and ds.feature_names[-1] == "worst fractal dimension"
    # malignant tumours are larger on average (a fact of this data set)
    assert ds.X[ds.y == 1, 0].mean() > ds.X[ds.y == 0, 0].mean()


def test_cancer_agrees_with_scikit_learn():
    from sklearn.datasets import load_breast_cancer

    ref = load_breast_cancer()
    ds = data.load_cancer()
    np.testing.assert_array_equal(ds.X, ref.data)
    np.testing.assert_array_equal(ds.y, 1 - ref.target)
    assert ds.feature_names == tuple(ref.feature_names)
