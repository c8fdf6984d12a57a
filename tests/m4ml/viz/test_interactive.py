"""m4ml.viz.interactive: offline HTML output, the slider helper and clear errors."""

from __future__ import annotations

import json
import re

import numpy as np
import plotly.graph_objects as go
import pytest

from m4ml.viz import interactive

ALT = "Three lines that rise from left to right."


def three_state_figure(n_static=1):
    fig = go.Figure([go.Scatter(x=[0, 1], y=[0, 0], name="static")] * n_static)
    for k in range(3):
        fig.add_trace(go.Scatter(x=[0, 1], y=[0, k + 1], name=f"state {k}"))
    return fig


def figure_from_html(text):
    match = re.search(r"var fig = (\{.*?\});\n", text, flags=re.S)
    assert match, "the script must define the figure as JSON"
    return json.loads(match.group(1).replace("<\\/", "</"))


def test_html_is_self_contained_and_labelled():
    out = interactive.show(three_state_figure(), alt=ALT)._repr_mimebundle_()
    html = out["text/html"]
    assert 'role="img"' in html and f'aria-label="{ALT}"' in html and 'class="m4ml-plotly"' in html
    assert "Plotly.newPlot" in html
    # no library, no MathJax, no other host
    assert "http://" not in html and "https://" not in html and "cdn" not in html.lower()
    assert "mathjax" not in html.lower() and len(html) < 20_000
    assert out["text/plain"].endswith(ALT)
    spec = out[interactive.PLOTLY_MIMETYPE]
    assert len(spec["data"]) == 4 and spec["layout"]["height"] == 450


def test_output_is_identical_on_every_run():
    a = interactive.show(three_state_figure(), alt=ALT).html()
    b = interactive.show(three_state_figure(), alt=ALT).html()
    assert a == b


def test_book_layout_is_transparent_with_book_palette():
    fig = figure_from_html(interactive.show(three_state_figure(), alt=ALT).html())
    assert fig["layout"]["paper_bgcolor"] == "rgba(0,0,0,0)" == fig["layout"]["plot_bgcolor"]
    assert fig["layout"]["colorway"][0] == interactive.COLORWAY[0]
    assert "#000000" not in fig["layout"]["colorway"]        # black vanishes on the dark theme
    assert fig["config"]["displayModeBar"] is False


def test_show_keeps_layout_the_page_set():
    fig = three_state_figure()
    fig.update_layout(margin={"t": 99})
    interactive.show(fig, alt=ALT)
    assert fig.layout.margin.t == 99


def test_a_closing_script_tag_in_text_cannot_end_the_script():
    fig = three_state_figure()
    fig.update_layout(title_text="</script><b>x</b>")
    html = interactive.show(fig, alt=ALT).html()
    assert html.count("</script>") == 1
    assert figure_from_html(html)["layout"]["title"]["text"] == "</script><b>x</b>"


def test_alt_text_is_escaped():
    html = interactive.show(three_state_figure(), alt='A "quoted" <line> & more text').html()
    assert 'aria-label="A &quot;quoted&quot; &lt;line&gt; &amp; more text"' in html


def test_slider_shows_one_group_per_state():
    fig = interactive.add_slider(three_state_figure(n_static=1), ["a", "b", "c"], n_static=1, active=2,
                                 titles=["A", "B", "C"])
    assert [t.visible for t in fig.data] == [None, False, False, True]
    steps = fig.layout.sliders[0].steps
    assert [s.label for s in steps] == ["a", "b", "c"]
    assert steps[0].args[0]["visible"] == [True, True, False, False]
    assert steps[1].args[1] == {"title.text": "B"} and fig.layout.title.text == "C"


def test_slider_with_two_traces_per_state():
    fig = go.Figure([go.Scatter(y=[k]) for k in range(6)])
    interactive.add_slider(fig, [1, 2, 3])
    assert fig.layout.sliders[0].steps[1].args[0]["visible"] == [False, False, True, True, False, False]


@pytest.mark.parametrize("kwargs, exc, words", [
    ({"labels": "abc"}, TypeError, "labels"),
    ({"labels": ["a"]}, ValueError, "labels"),
    ({"labels": ["a", "b"]}, ValueError, "equal groups"),          # 3 dynamic traces, 2 states
    ({"labels": ["a", "b", "c"], "n_static": -1}, ValueError, "n_static"),
    ({"labels": ["a", "b", "c"], "active": 3}, ValueError, "active"),
    ({"labels": ["a", "b", "c"], "prefix": 1}, TypeError, "prefix"),
    ({"labels": ["a", "b", "c"], "titles": ["x"]}, ValueError, "titles"),
])
def test_add_slider_rejects_bad_input(kwargs, exc, words):
    with pytest.raises(exc, match=words):
        interactive.add_slider(three_state_figure(n_static=1), **{"n_static": 1, **kwargs})


@pytest.mark.parametrize("fig, kwargs, exc, words", [
    ({"data": []}, {"alt": ALT}, TypeError, "fig must be a plotly"),
    (None, {"alt": None}, TypeError, "alt must be a string"),
    (None, {"alt": "a plot"}, ValueError, "alt must be a string that says what the reader should see of at least 20"),
    (None, {"alt": ALT, "height": 20}, ValueError, "height"),
    (None, {"alt": ALT, "height": 300.5}, TypeError, "height"),
])
def test_show_rejects_bad_input(fig, kwargs, exc, words):
    with pytest.raises(exc, match=words):
        interactive.show(three_state_figure() if fig is None else fig, **kwargs)


def test_gradient_descent_contours_paths_follow_the_update():
    A, b = np.array([[3.0, 0.5], [0.5, 1.0]]), np.array([1.0, -1.0])
    fig = interactive.gradient_descent_contours(A, [0.1, 0.5], b=b, x0=(2.0, 2.0), n_steps=5, active=1)
    path = fig.data[3]                                  # contour, minimiser, then one path per rate
    x1 = np.array([2.0, 2.0]) - 0.5 * (A @ np.array([2.0, 2.0]) - b)
    np.testing.assert_allclose([path.x[1], path.y[1]], x1, atol=1e-5)
    np.testing.assert_allclose([fig.data[1].x[0], fig.data[1].y[0]], np.linalg.solve(A, b))
    assert [t.visible for t in fig.data[2:]] == [False, True]
    lam = np.linalg.eigvalsh(A)[-1]
    assert f"{0.5 * lam:.2f}" in fig.layout.title.text
    assert len(interactive.show(fig, alt=ALT).html()) < 300_000


@pytest.mark.parametrize("kwargs, words", [
    ({"A": [[1.0, 2.0], [0.0, 1.0]]}, "symmetric"),
    ({"A": [[1.0, 0.0], [0.0, -1.0]]}, "positive definite"),
    ({"A": np.eye(3)}, r"A must have shape \(2, 2\)"),
    ({"learning_rates": [0.1]}, "learning_rates"),
    ({"learning_rates": [0.1, -0.2]}, "learning_rates"),
    ({"x0": [1.0, 2.0, 3.0]}, "x0"),
    ({"n_steps": 0}, "n_steps"),
])
def test_gradient_descent_contours_rejects_bad_input(kwargs, words):
    args = {"A": np.eye(2), "learning_rates": [0.1, 0.5], **kwargs}
    with pytest.raises(ValueError, match=words):
        interactive.gradient_descent_contours(args.pop("A"), args.pop("learning_rates"), **args)



def test_numpy_integers_are_accepted_and_wrong_types_are_type_errors():
    fig = go.Figure([go.Scatter(x=[0, 1], y=[0, 1])])
    shown = interactive.show(fig, alt="A line that rises from left to right.", height=np.int64(300))
    assert shown.height == 300
    with pytest.raises(TypeError, match="height must be an integer, got float 300.5"):
        interactive.show(fig, alt="A line that rises from left to right.", height=300.5)
    with pytest.raises(ValueError, match="height must be >= 150, got 10"):
        interactive.show(fig, alt="A line that rises from left to right.", height=10)
