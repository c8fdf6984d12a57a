"""m4ml.exercises (and the gradient descent and figure style its exercises rely on)."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from m4ml import exercises  # noqa: E402
from m4ml.optim import descent  # noqa: E402
from m4ml.viz import style  # noqa: E402


def quad(x):
    return 0.5 * 4.0 * (x - 3.0) ** 2


def dquad(x):
    return 4.0 * (x - 3.0)


def test_gradient_descent_scalar_records_history():
    res = descent.gradient_descent(quad, dquad, 0.0, step_size=0.1, tol=1e-10)
    assert res.converged and isinstance(res.x, float)
    assert res.x == pytest.approx(3.0, abs=1e-10)
    assert res.path.shape == (res.n_iter + 1,) and res.values.shape == (res.n_iter + 1,)
    assert res.path[0] == 0.0 and np.all(np.diff(res.values) <= 0)
    # the error contracts by exactly |1 - eta * a| per step on a quadratic
    err = res.path - 3.0
    np.testing.assert_allclose(err[1:6] / err[:5], 1 - 0.1 * 4.0)


def test_gradient_descent_vector_and_divergence():
    A = np.diag([1.0, 10.0])
    res = descent.gradient_descent(lambda x: 0.5 * x @ A @ x, lambda x: A @ x, [1.0, 1.0], step_size=0.1)
    assert res.converged and np.allclose(res.x, 0, atol=1e-8)
    bad = descent.gradient_descent(lambda x: 0.5 * x @ A @ x, lambda x: A @ x, [1.0, 1.0],
                                 step_size=0.25, max_iter=10_000)
    assert not bad.converged and "diverged" in bad.message
    slow = descent.gradient_descent(quad, dquad, 0.0, step_size=1e-4, max_iter=5)
    assert not slow.converged and slow.n_iter == 5 and "max_iter" in slow.message


def test_gradient_descent_stops_at_start_if_already_optimal():
    res = descent.gradient_descent(quad, dquad, 3.0, step_size=0.1)
    assert res.converged and res.n_iter == 0 and len(res.path) == 1


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"x0": np.nan}, ValueError, "x0 must not contain NaN, got 1 NaN"),
        ({"x0": np.inf}, ValueError, "x0 must be finite"),
        ({"x0": "a"}, TypeError, "x0 must be an array of numbers"),
        ({"step_size": 0}, ValueError, "step_size must be "),
        ({"step_size": -0.1}, ValueError, "step_size must be "),
        ({"max_iter": 0}, ValueError, "max_iter must be >= 1"),
        ({"tol": 0}, ValueError, "tol must be "),
    ],
)
def test_gradient_descent_bad_input(kwargs, error, match):
    args = {"x0": 1.0, "step_size": 0.1} | kwargs
    with pytest.raises(error, match=match):
        descent.gradient_descent(quad, dquad, args.pop("x0"), **args)


def test_gradient_descent_checks_callables_and_gradient_shape():
    with pytest.raises(TypeError, match="grad must be callable"):
        descent.gradient_descent(quad, 3.0, 1.0, step_size=0.1)
    with pytest.raises(ValueError, match=r"grad must return shape \(2,\)"):
        descent.gradient_descent(lambda x: 0.0, lambda x: np.ones(3), [1.0, 2.0], step_size=0.1)


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


def test_use_style_sets_palette():
    style.use_style()
    colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert [c.upper() for c in colours] == [c.upper() for c in style.PALETTE]


def test_image_grid_and_scatter():
    fig = style.image_grid(np.zeros((12, 8, 8)), labels=list(range(12)), ncols=5)
    assert len(fig.axes) == 15 and fig.axes[0].get_title() == "0"
    plt.close(fig)
    ax = style.scatter_by_label(np.random.default_rng(0).normal(size=(20, 2)), np.repeat([0, 1], 10),
                               names=["benign", "malignant"], xlabel="a", ylabel="b")
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["benign", "malignant"]
    plt.close(ax.figure)


def test_plot_bad_input():
    with pytest.raises(ValueError, match="images must be 3-D"):
        style.image_grid(np.zeros((8, 8)))
    with pytest.raises(ValueError, match="labels must have one label per sample"):
        style.image_grid(np.zeros((3, 8, 8)), labels=[1])
    with pytest.raises(ValueError, match=r"Z must have shape \(any, 2\), got shape \(4, 3\)"):
        style.scatter_by_label(np.zeros((4, 3)), [0, 0, 1, 1])
    with pytest.raises(ValueError, match=r"labels must have one label per sample, shape \(4,\)"):
        style.scatter_by_label(np.zeros((4, 2)), [0, 1])
