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
