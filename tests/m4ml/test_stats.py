"""m4ml.stats: known answers, properties and bad input."""

import numpy as np
import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from m4ml import stats

finite = st.floats(-1e3, 1e3, allow_nan=False, allow_infinity=False)


def test_standardize_known_answer():
    X = np.array([[1.0, 10.0], [3.0, 30.0]])
    Z, mean, std = stats.standardize(X)
    np.testing.assert_allclose(Z, [[-1, -1], [1, 1]])
    np.testing.assert_allclose(mean, [2, 20])
    np.testing.assert_allclose(std, [1, 10])
    # test data are scaled with the training statistics
    Z2 = stats.standardize([[5.0, 0.0]], mean=mean, std=std).Z
    np.testing.assert_allclose(Z2, [[3, -2]])


def test_standardize_rejects_constant_columns_and_bad_input():
    with pytest.raises(ValueError, match=r"column\(s\) \[1\] have zero spread"):
        stats.standardize([[1.0, 2.0], [3.0, 2.0]])
    with pytest.raises(ValueError, match="X must not contain NaN, got 1 NaN"):
        stats.standardize([[1.0, np.nan], [3.0, 2.0]])
    with pytest.raises(ValueError, match="more than ddof=1 rows"):
        stats.standardize([[1.0, 2.0]], ddof=1)


@settings(max_examples=60, deadline=None)
@given(arrays(np.float64, st.integers(3, 40), elements=finite))
def test_zscores_have_mean_zero_and_unit_sd(x):
    if np.ptp(x) == 0:
        with pytest.raises(ValueError, match="zero spread"):
            stats.zscores(x)
        return
    assume(np.ptp(x) > 1e-3)  # nearly constant samples lose all precision in x - mean
    z = stats.zscores(x)
    # tolerance: cancellation in x - mean costs about |x|max / sd * eps of relative accuracy
    tol = 1e-9 * (1 + np.abs(x).max() / x.std())
    assert abs(z.mean()) < tol
    assert abs(z.std() - 1) < tol


def test_pearson_known_values_and_errors():
    x = np.arange(10.0)
    assert stats.pearson(x, 2 * x + 1) == pytest.approx(1.0)
    assert stats.pearson(x, -x) == pytest.approx(-1.0)
    np.testing.assert_allclose(stats.pearson(x, (x - 4.5) ** 2), 0.0, atol=1e-12)
    with pytest.raises(ValueError, match="one entry per row of x"):
        stats.pearson(x, x[:-1])
    with pytest.raises(ValueError, match="constant sample"):
        stats.pearson(x, np.ones(10))


def test_within_k_sd():
    x = np.array([-1.0, 1.0, -1.0, 1.0, 10.0])
    frac = stats.within_k_sd(x, 1)
    sd = x.std()
    assert frac == np.mean(np.abs(x - x.mean()) <= sd)








def test_standardize_split_uses_training_statistics_only():
    rng = np.random.default_rng(1)
    X_train, X_test = rng.normal(5, 2, size=(40, 3)), rng.normal(50, 9, size=(10, 3))
    Z_train, Z_test = stats.standardize_split(X_train, X_test)
    np.testing.assert_allclose(Z_train.mean(axis=0), 0, atol=1e-12)
    np.testing.assert_allclose(Z_test, (X_test - X_train.mean(axis=0)) / X_train.std(axis=0))
    with pytest.raises(ValueError, match=r"X_test must have the columns of X_train \(3,\), got shape \(10, 2\)"):
        stats.standardize_split(X_train, X_test[:, :2])
    with pytest.raises(ValueError, match="X_test must not contain NaN, got 1 NaN"):
        stats.standardize_split(X_train, np.where(X_test == X_test[0, 0], np.nan, X_test))
