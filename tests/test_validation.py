import numpy as np
import pytest

from m4ml._validation import as_float_array, check_choice, check_integer, check_positive


def test_as_float_array_accepts_lists_and_ints():
    arr = as_float_array([[1, 2], [3, 4]], "X", ndim=2)
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
def test_as_float_array_rejects_non_numbers(value, match):
    with pytest.raises(TypeError, match=match):
        as_float_array(value, "X")


def test_as_float_array_names_shape_problems():
    with pytest.raises(ValueError, match=r"X must be 2-D, got an array of shape \(3,\)"):
        as_float_array([1, 2, 3], "X", ndim=2)
    with pytest.raises(ValueError, match=r"X needs at least 5 rows"):
        as_float_array(np.zeros((2, 3)), "X", ndim=2, min_rows=5)
    with pytest.raises(ValueError, match="rectangular"):
        as_float_array([[1, 2], [3]], "X")


def test_as_float_array_nan_and_inf():
    with pytest.raises(ValueError, match=r"X contains 1 NaN value"):
        as_float_array([1.0, np.nan], "X")
    assert np.isnan(as_float_array([1.0, np.nan], "X", allow_nan=True)).sum() == 1
    with pytest.raises(ValueError, match="infinite"):
        as_float_array([1.0, np.inf], "X", allow_nan=True)


def test_as_float_array_does_not_modify_input():
    original = np.array([[1, 2], [3, 4]])
    as_float_array(original, "X")
    assert original.dtype.kind == "i"


def test_scalar_checks():
    assert check_positive(2, "eta") == 2.0
    with pytest.raises(ValueError, match="eta must be a finite positive number, got 0.0"):
        check_positive(0, "eta")
    with pytest.raises(ValueError, match="non-negative"):
        check_positive(-1, "tol", strict=False)
    with pytest.raises(TypeError, match="eta must be a real number"):
        check_positive("1", "eta")
    with pytest.raises(TypeError, match="eta must be a real number"):
        check_positive(True, "eta")
    assert check_integer(np.int64(3), "k", minimum=1) == 3
    with pytest.raises(TypeError, match="k must be an integer, got float"):
        check_integer(2.0, "k")
    with pytest.raises(ValueError, match="k must be at least 1, got 0"):
        check_integer(0, "k", minimum=1)
    with pytest.raises(ValueError, match="mode must be one of 'a', 'b', got 'c'"):
        check_choice("c", "mode", ("a", "b"))


def test_every_public_submodule_is_importable_as_attribute():
    import m4ml

    for name in m4ml.__all__:
        if name != "__version__":
            assert getattr(m4ml, name).__name__ == f"m4ml.{name}"
    with pytest.raises(AttributeError, match="no attribute 'nope'"):
        m4ml.nope  # noqa: B018


def test_check_axis():
    from m4ml._validation import check_axis

    arr = np.zeros((2, 3))
    assert check_axis(arr, "z", -1) == -1
    with pytest.raises(ValueError, match=r"axis must lie in -2\.\.1 for z of shape \(2, 3\), got 2"):
        check_axis(arr, "z", 2)
    with pytest.raises(ValueError, match=r"z must have at least one dimension \(scores along an axis\)"):
        check_axis(np.float64(1.0), "z", 0, what="scores")
    with pytest.raises(ValueError, match=r"z has no scores along axis 1 \(shape \(2, 0\)\)"):
        check_axis(np.zeros((2, 0)), "z", 1, what="scores")
    with pytest.raises(TypeError, match="axis must be an integer"):
        check_axis(arr, "z", 1.0)
