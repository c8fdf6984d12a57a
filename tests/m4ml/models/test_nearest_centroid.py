"""m4ml.models.nearest_centroid: known answers, agreement with scikit-learn, bad input."""

import numpy as np
import pytest

from m4ml.models.nearest_centroid import nearest_centroid_fit, nearest_centroid_predict


def test_nearest_centroid_known_answer_and_norm_dependence():
    X = np.array([[0.0, 0.0], [2.0, 0.0], [10.0, 10.0], [12.0, 10.0]])
    model = nearest_centroid_fit(X, ["b", "b", "a", "a"])
    np.testing.assert_allclose(model.centroids, [[11.0, 10.0], [1.0, 0.0]])  # classes sorted: a, b
    assert list(model.classes) == ["a", "b"]
    assert list(nearest_centroid_predict([[9.0, 9.0], [0.0, 1.0]], *model)) == ["a", "b"]
    # (3, 3) is 6 from (0, 0) in the 1-norm and 4 from (4, 7); in the inf-norm 3 and 4
    centroids, classes = np.array([[0.0, 0.0], [4.0, 7.0]]), np.array([0, 1])
    x = np.array([[3.0, 3.0]])
    assert nearest_centroid_predict(x, centroids, classes, p=1)[0] == 1
    assert nearest_centroid_predict(x, centroids, classes, p=np.inf)[0] == 0


def test_nearest_centroid_matches_scikit_learn_for_the_euclidean_norm():
    from sklearn.neighbors import NearestCentroid

    rng = np.random.default_rng(1)
    X = rng.normal(size=(120, 4)) + np.repeat(np.eye(3, 4) * 2, 40, axis=0)
    y = np.repeat([0, 1, 2], 40)
    X_new = rng.normal(size=(50, 4))
    ours = nearest_centroid_predict(X_new, *nearest_centroid_fit(X, y), p=2)
    ref = NearestCentroid().fit(X, y)
    np.testing.assert_allclose(nearest_centroid_fit(X, y).centroids, ref.centroids_, rtol=1e-12)
    np.testing.assert_array_equal(ours, ref.predict(X_new))


def test_nearest_centroid_bad_inputs():
    X = np.ones((4, 3))
    with pytest.raises(ValueError, match=r"y must have one label per sample, shape \(4,\), got shape \(3,\)"):
        nearest_centroid_fit(X, [0, 1, 0])
    with pytest.raises(ValueError, match="y must not contain NaN"):
        nearest_centroid_fit(X, [0.0, 1.0, np.nan, 1.0])
    with pytest.raises(ValueError, match="X must be 2-D"):
        nearest_centroid_fit(np.ones(4), [0, 1, 0, 1])
    centroids, classes = np.zeros((2, 3)), np.array([0, 1])
    with pytest.raises(ValueError, match=r"centroids must have shape \(any, 2\)"):
        nearest_centroid_predict(np.ones((5, 2)), centroids, classes)
    with pytest.raises(ValueError, match=r"classes must have one label per sample, shape \(2,\)"):
        nearest_centroid_predict(np.ones((5, 3)), centroids, [0, 1, 2])
    with pytest.raises(ValueError, match="p must be >= 1"):
        nearest_centroid_predict(np.ones((5, 3)), centroids, classes, p=0.5)
