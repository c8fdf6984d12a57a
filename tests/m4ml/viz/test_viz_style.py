"""m4ml.viz.style: the figure style and the shared plots."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from m4ml.viz import style  # noqa: E402


def test_use_style_sets_palette():
    style.use_style()
    colours = matplotlib.rcParams["axes.prop_cycle"].by_key()["color"]
    assert [c.upper() for c in colours] == [c.upper() for c in style.PALETTE]


@pytest.fixture
def book_printing():
    """Apply use_style, and give the other tests NumPy's options back."""
    saved = np.get_printoptions()
    style.use_style()
    yield
    np.set_printoptions(**saved)


def test_use_style_prints_scalars_as_plain_numbers(book_printing):
    assert repr(np.float64(2120.47)) == "2120.47"
    assert repr(np.int64(7)) == "7"
    assert repr([np.float64(0.5), np.int64(2)]) == "[0.5, 2]"


def test_use_style_prints_no_negative_zero(book_printing):
    exact = np.array([[12.0, -0.0, 0.0], [1.5, -2.25, 3.0]])
    assert repr(exact) == "array([[12.  ,  0.  ,  0.  ],\n       [ 1.5 , -2.25,  3.  ]])"
    # A rounding error below the fourth decimal prints as zero, without a sign.
    assert repr(np.array([-1e-17, 2.0])) == "array([0., 2.])"
    assert repr(np.array([-0.0], dtype=np.float32)) == "array([0.], dtype=float32)"
    # Values that do not print as zero keep their sign; the array is unchanged.
    tiny = np.array([-1e-17, 1e9])
    assert repr(tiny) == "array([-1.e-17,  1.e+09])"
    assert np.signbit(exact[0, 1])
    assert repr(np.array([-0.5, np.nan, -np.inf])) == "array([-0.5,  nan, -inf])"


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


def test_numpy_integers_are_integers():
    # a count computed with NumPy (np.int64) is accepted like a Python int
    fig = style.image_grid(np.zeros((4, 3, 3)), ncols=np.int64(2), size=np.float64(0.5))
    assert len(fig.axes) == 4
    plt.close(fig)
