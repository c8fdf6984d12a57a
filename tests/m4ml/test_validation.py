"""The one set of input checks, m4ml._validation."""

from numbers import Integral, Real

import numpy as np
import pytest

from m4ml._validation import (
    check_array,
    check_axis,
    check_bool,
    check_callable,
    check_choice,
    check_consistent_length,
    check_labels,
    check_scalar,
)


def test_check_array_accepts_lists_and_ints():
    arr = check_array([[1, 2], [3, 4]], "X", ndim=2)
    assert arr.dtype == np.float64 and arr.shape == (2, 2)


@pytest.mark.parametrize(
    "value, match",
    [
        ("abc", "X must be an array of numbers, got str"),
        (None, "X must be an array of numbers"),
        (np.array(["a", "b"]), "dtype <U1"),
        (np.array([True, False]), "booleans are not numbers"),
        (np.array([1 + 2j]), "complex"),
    ],
)
def test_check_array_rejects_non_numbers(value, match):
    with pytest.raises(TypeError, match=match):
        check_array(value, "X")


def test_check_array_names_shape_problems():
    with pytest.raises(ValueError, match=r"X must be 2-D, got an array of shape \(3,\)"):
        check_array([1, 2, 3], "X", ndim=2)
    with pytest.raises(ValueError, match=r"X must have at least 5 row\(s\)"):
        check_array(np.zeros((2, 3)), "X", ndim=2, min_rows=5)
    with pytest.raises(ValueError, match=r"X must have at least 4 column\(s\)"):
        check_array(np.zeros((2, 3)), "X", min_cols=4)
    with pytest.raises(ValueError, match=r"X must have shape \(any, 2\), got shape \(2, 3\)"):
        check_array(np.zeros((2, 3)), "X", shape=(None, 2))
    with pytest.raises(ValueError, match="X must be a rectangular array"):
        check_array([[1, 2], [3]], "X")


def test_check_array_nan_and_inf():
    with pytest.raises(ValueError, match=r"X must not contain NaN, got 1 NaN value"):
        check_array([1.0, np.nan], "X")
    assert np.isnan(check_array([1.0, np.nan], "X", allow_nan=True)).sum() == 1
    with pytest.raises(ValueError, match="X must be finite, got 1 infinite"):
        check_array([1.0, np.inf], "X", allow_nan=True)


def test_check_array_does_not_modify_input():
    original = np.array([[1, 2], [3, 4]])
    check_array(original, "X")
    assert original.dtype.kind == "i"


def test_check_scalar_types_and_bounds():
    assert check_scalar(2, "eta", target_type=Real, min_val=0) == 2.0
    assert isinstance(check_scalar(2, "eta", target_type=Real), float)
    # NumPy scalars are numbers like Python's (the figure code once refused np.int64)
    assert check_scalar(np.int64(3), "k", target_type=Integral, min_val=1) == 3
    assert check_scalar(np.float32(0.5), "t", target_type=Real) == 0.5
    with pytest.raises(ValueError, match=r"eta must be > 0, got 0\.0"):
        check_scalar(0, "eta", target_type=Real, min_val=0, include_boundaries="neither")
    with pytest.raises(ValueError, match=r"tol must be >= 0, got -1\.0"):
        check_scalar(-1, "tol", target_type=Real, min_val=0)
    with pytest.raises(ValueError, match=r"c must be < 1, got 1\.0"):
        check_scalar(1.0, "c", target_type=Real, max_val=1, include_boundaries="left")
    for bad in ("1", True, None, [1]):
        with pytest.raises(TypeError, match="eta must be a real number, got"):
            check_scalar(bad, "eta", target_type=Real)
    with pytest.raises(TypeError, match="k must be an integer, got float 2.0"):
        check_scalar(2.0, "k", target_type=Integral)
    with pytest.raises(TypeError, match="k must be an integer, got bool"):
        check_scalar(np.True_, "k", target_type=Integral)
    with pytest.raises(ValueError, match="k must be >= 1, got 0"):
        check_scalar(0, "k", target_type=Integral, min_val=1)
    with pytest.raises(ValueError, match="eta must be a number, got nan"):
        check_scalar(np.nan, "eta", target_type=Real)
    with pytest.raises(ValueError, match="eta must be finite, got inf"):
        check_scalar(np.inf, "eta", target_type=Real)
    assert check_scalar(np.inf, "p", target_type=Real, min_val=1, allow_inf=True) == np.inf


def test_check_bool_choice_callable():
    assert check_bool(np.False_, "flag") is False
    with pytest.raises(TypeError, match="flag must be True or False, got int 1"):
        check_bool(1, "flag")
    assert check_choice("a", "mode", ("a", "b")) == "a"
    with pytest.raises(ValueError, match="mode must be one of 'a', 'b', got 'c'"):
        check_choice("c", "mode", ("a", "b"))
    with pytest.raises(TypeError, match="mode must be one of 'a', 'b', got int 3"):
        check_choice(3, "mode", ("a", "b"))
    assert check_callable(len, "f") is len
    with pytest.raises(TypeError, match="f must be callable, got int 3"):
        check_callable(3, "f")


def test_check_labels():
    assert check_labels(["a", "b"], "y", n_samples=2).tolist() == ["a", "b"]
    assert check_labels([0, 1.0], "y", binary=True).dtype == np.float64
    with pytest.raises(ValueError, match=r"y must have one label per sample, shape \(3,\)"):
        check_labels([0, 1], "y", n_samples=3)
    with pytest.raises(ValueError, match="y must not contain NaN"):
        check_labels([0.0, np.nan], "y")
    with pytest.raises(ValueError, match=r"y must hold labels 0 and 1 only, got \[2\]"):
        check_labels([0, 2], "y", binary=True)
    with pytest.raises(TypeError, match="y must hold integer class labels 0..2, got dtype float64"):
        check_labels([0.0, 1.0], "y", integer=True, n_classes=3)
    with pytest.raises(ValueError, match="y must hold labels in 0..2, got values from 0 to 3"):
        check_labels([0, 3], "y", n_classes=3)
    for bad in (None, "ab", 3):
        with pytest.raises(TypeError, match="y must be a 1-D array of labels"):
            check_labels(bad, "y")
    with pytest.raises(ValueError, match=r"y must be 1-D \(one label per sample\)"):
        check_labels([[0, 1]], "y")


def test_check_consistent_length():
    assert check_consistent_length(X=np.zeros((3, 2)), y=np.zeros(3)) == 3
    with pytest.raises(ValueError, match=r"y must have one entry per row of X \(3\), got length 2"):
        check_consistent_length(X=np.zeros((3, 2)), y=np.zeros(2))


def test_every_public_subpackage_is_importable_as_attribute():
    import m4ml

    for name in m4ml.__all__:
        if name != "__version__":
            assert getattr(m4ml, name).__name__ == f"m4ml.{name}"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        m4ml.nope  # noqa: B018


def test_check_axis():
    arr = np.zeros((2, 3))
    assert check_axis(arr, "z", -1) == -1
    with pytest.raises(ValueError, match=r"axis must lie in -2\.\.1 for z of shape \(2, 3\), got 2"):
        check_axis(arr, "z", 2)
    with pytest.raises(ValueError, match=r"z must have at least one dimension \(scores along an axis\)"):
        check_axis(np.float64(1.0), "z", 0, what="scores")
    with pytest.raises(ValueError, match=r"z must have scores along axis 1, got shape \(2, 0\)"):
        check_axis(np.zeros((2, 0)), "z", 1, what="scores")
    with pytest.raises(TypeError, match="axis must be an integer"):
        check_axis(arr, "z", 1.0)
