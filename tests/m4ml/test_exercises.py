"""m4ml.exercises: the hints of check and diagnose, and check_function."""

import numpy as np
import pytest

from m4ml import exercises

# ------------------------------------------------------------------ exercises

x = np.arange(1.0, 6.0)
z = (x - x.mean()) / x.std()


@pytest.mark.parametrize(
    "answer, hint",
    [
        ((x - x.mean()) / x.std(ddof=1), "constant factor"),
        (-z, "wrong sign"),
        (z[:, None], "right numbers, wrong shape"),
        (np.r_[z, 0.0], r"wrong shape: got \(6,\), expected \(5,\)"),
        (np.where(x == 3, np.nan, z), "NaN"),
        ("zzz", "expected numbers, got str"),
        (z + np.array([0, 0, 0, 0, 1.0]), r"values differ at index \(4,\)"),
    ],
)
def test_diagnose_gives_specific_hints(answer, hint):
    with pytest.raises(exercises.ExerciseError, match=hint):
        exercises.check(answer, z, name="the z-scores")


def test_check_accepts_right_answers_and_detects_transpose(capsys):
    exercises.check(z.copy(), z, name="the z-scores")
    assert "Correct" in capsys.readouterr().out
    M = np.arange(6.0).reshape(2, 3)
    with pytest.raises(exercises.ExerciseError, match="transpose"):
        exercises.check(M.T, M)


def test_check_function(capsys):
    inputs = [(np.arange(4.0),), (np.array([2.0, -1.0, 5.0]),)]
    exercises.check_function(lambda v: v - v.mean(), lambda v: v - v.mean(), inputs, name="centre")
    assert "all 2 test inputs" in capsys.readouterr().out
    with pytest.raises(exercises.ExerciseError, match="test input 1 .* wrong sign"):
        exercises.check_function(lambda v: v.mean() - v, lambda v: v - v.mean(), inputs, name="centre")
    with pytest.raises(exercises.ExerciseError, match="raised ZeroDivisionError"):
        exercises.check_function(lambda v: 1 / 0, lambda v: v, inputs)


# ------------------------------------------------------------------ plot


def test_check_compares_booleans_as_numbers(capsys):
    # pages check claims such as "every step decreases the loss" as check(bool(...), True)
    exercises.check(True, True, name="the claim")
    assert "Correct" in capsys.readouterr().out
    with pytest.raises(exercises.ExerciseError, match="the claim is not right yet"):
        exercises.check(False, True, name="the claim")
