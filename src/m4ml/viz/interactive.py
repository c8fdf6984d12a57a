"""Interactive figures that work offline, in the built book and in Jupyter.

A page builds a Plotly figure, usually with one group of traces per state of a
slider (:func:`add_slider`), and ends the cell with :func:`show`::

    fig = interactive.add_slider(fig, labels=[...], prefix="k = ")
    interactive.show(fig, alt="What the reader should see.")

:func:`show` returns an :class:`InteractiveFigure`. Jupyter displays it through
its MIME bundle, which holds three representations:

``text/html``
    a ``<div role="img" aria-label=alt>`` and a short script that calls
    ``Plotly.newPlot``. It loads no library, no MathJax and nothing from
    another host: on the pages that contain such a div, the book adds a small
    loader that fetches its own copy of plotly.js when the first figure comes
    near the screen (see ``m4ml_book.offline_assets``). The script also
    recolours text and grid lines when the reader switches the book between
    its light and dark themes (the ``data-theme`` attribute of ``<html>``).
``application/vnd.plotly.v1+json``
    Plotly's own format, which JupyterLab renders with its Plotly extension;
    the book build skips it (``nb_mime_priority_overrides`` in its configuration).
``text/plain``
    the alt text, for formats that cannot show HTML (a PDF, a terminal).

:func:`gradient_descent_contours` is a ready figure for the chapter on
optimisation: gradient descent paths on the contours of a 2-D quadratic, one
slider state per learning rate.
"""

from __future__ import annotations

import hashlib
import html
import json
from collections.abc import Sequence
from numbers import Integral
from typing import Any

import numpy as np

from .._validation import (
    check_array,
    check_labels,
    check_scalar,
    check_string,
    describe,
)
from .style import PALETTE

__all__ = [
    "PLOTLY_MIMETYPE",
    "InteractiveFigure",
    "book_layout",
    "add_slider",
    "show",
    "gradient_descent_contours",
]

PLOTLY_MIMETYPE = "application/vnd.plotly.v1+json"

#: Data colours that stay visible on both the light and the dark theme (the
#: palette of :mod:`m4ml.viz.style` without its black).
COLORWAY: tuple[str, ...] = tuple(c for c in PALETTE if c != "#000000")

_FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"

# Colours for text, grid lines and controls, per book theme. The light ones are
# written into the figure; the script swaps in the dark ones when needed.
_THEMES = {
    "light": {"fg": "#262626", "grid": "rgba(0,0,0,0.12)", "line": "#6b6b6b", "control": "#f0f0f0"},
    "dark": {"fg": "#e3e3e3", "grid": "rgba(255,255,255,0.16)", "line": "#a8a8a8", "control": "#3a3a3a"},
}

# The page script: draw the figure, then follow the book's theme. %(...)s are
# filled in by InteractiveFigure.html(); everything else is plain JavaScript.
_SCRIPT = """(function () {
  var gd = document.getElementById("%(id)s");
  var fig = %(figure)s;
  var themes = %(themes)s;
  function themed(layout) {
    var c = themes[document.documentElement.dataset.theme === "dark" ? "dark" : "light"];
    var u = {"font.color": c.fg};
    Object.keys(layout).forEach(function (k) {
      if (/^[xy]axis[0-9]*$/.test(k)) {
        u[k + ".gridcolor"] = c.grid; u[k + ".zerolinecolor"] = c.grid;
        u[k + ".linecolor"] = c.line; u[k + ".tickcolor"] = c.line;
      }
    });
    (layout.sliders || []).forEach(function (s, i) {
      var p = "sliders[" + i + "].";
      u[p + "font.color"] = c.fg; u[p + "currentvalue.font.color"] = c.fg;
      u[p + "bgcolor"] = c.control; u[p + "bordercolor"] = c.line; u[p + "tickcolor"] = c.line;
    });
    return u;
  }
  function draw() {
    Plotly.newPlot(gd, fig.data, fig.layout, fig.config).then(function () {
      if (document.documentElement.dataset.theme === "dark") { Plotly.relayout(gd, themed(gd.layout)); }
      new MutationObserver(function () { Plotly.relayout(gd, themed(gd.layout)); })
        .observe(document.documentElement, {attributes: true, attributeFilter: ["data-theme"]});
    });
  }
  if (typeof Plotly !== "undefined") { draw(); return; }
  // The book loads plotly.js when the figure comes near the screen (m4ml_book.offline_assets).
  if (window.m4mlPlotly) { window.m4mlPlotly.whenNear(gd, draw); return; }
  gd.textContent = "This interactive figure needs plotly.js, which did not load.";
})();"""




def _check_figure(fig: Any, name: str = "fig"):
    import plotly.graph_objects as go

    if not isinstance(fig, go.Figure):
        raise TypeError(f"{name} must be a plotly.graph_objects.Figure, got {describe(fig)}")
    return fig


def _check_text(value: Any, name: str, *, min_length: int = 1) -> str:
    what = "a string that says what the reader should see"
    return check_string(value, name, min_length=min_length, what=what).strip()


def book_layout() -> dict:
    """Layout settings shared by every interactive figure of the book.

    Transparent backgrounds (the page's own colour shows through, light or
    dark), the colour-blind-safe palette of :mod:`m4ml.viz.style`, a system font and
    light-theme colours for text and grid lines.
    """
    c = _THEMES["light"]
    axis = {"gridcolor": c["grid"], "zerolinecolor": c["grid"], "linecolor": c["line"],
            "tickcolor": c["line"], "showline": True, "ticks": "outside", "automargin": True}
    return {
        "template": {"layout": {"xaxis": axis, "yaxis": axis}},
        "paper_bgcolor": "rgba(0,0,0,0)",
        "plot_bgcolor": "rgba(0,0,0,0)",
        "colorway": list(COLORWAY),
        "font": {"family": _FONT, "size": 14, "color": c["fg"]},
        "hoverlabel": {"font": {"family": _FONT}},
        "margin": {"l": 60, "r": 20, "t": 50, "b": 40},
        "legend": {"bgcolor": "rgba(0,0,0,0)"},
        "autosize": True,
    }


def add_slider(fig, labels: Sequence[Any], *, n_static: int = 0, active: int = 0,
               prefix: str = "", titles: Sequence[str] | None = None):
    """Add a slider that shows one group of traces at a time.

    The figure's traces must be ``n_static`` traces that are always shown,
    followed by ``len(labels)`` groups of equally many traces, one group per
    slider state, in the order of ``labels``. Moving the slider to state ``j``
    shows the static traces and group ``j`` and hides the other groups.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure; it is changed in place and returned.
    labels : sequence
        The label of each state, shown under the slider (converted to str).
    n_static : int
        How many leading traces every state shows.
    active : int
        The state shown first.
    prefix : str
        Text before the current label above the slider, e.g. ``"k = "``.
    titles : sequence of str, optional
        A figure title for each state (for instance with a number that the
        state changes).
    """
    fig = _check_figure(fig)
    if isinstance(labels, (str, bytes)) or not isinstance(labels, Sequence):
        raise TypeError(f"labels must be a list of slider labels, got {describe(labels)}")
    n_states = len(labels)
    if n_states < 2:
        raise ValueError(f"labels must name at least 2 slider states, got {n_states}")
    n_static = check_scalar(n_static, "n_static", target_type=Integral, min_val=0)
    n_dynamic = len(fig.data) - n_static
    if n_dynamic < n_states or n_dynamic % n_states:
        raise ValueError(
            f"fig has {len(fig.data)} traces: after the n_static={n_static} static ones, the remaining "
            f"{n_dynamic} must split into len(labels)={n_states} equal groups"
        )
    active = check_scalar(active, "active", target_type=Integral, min_val=0, max_val=n_states - 1)
    check_string(prefix, "prefix")
    if titles is not None:
        titles = check_labels(titles, "titles", n_samples=n_states)
    per_state = n_dynamic // n_states
    steps = []
    for j, label in enumerate(labels):
        visible = [True] * n_static + [k // per_state == j for k in range(n_dynamic)]
        layout_args = {} if titles is None else {"title.text": str(titles[j])}
        steps.append({"method": "update", "label": str(label), "args": [{"visible": visible}, layout_args]})
    for k, trace in enumerate(fig.data[n_static:]):
        trace.visible = k // per_state == active
    fig.update_layout(sliders=[{
        "active": int(active), "steps": steps, "pad": {"t": 75, "b": 10},
        # with titles the title names the state, so the label above the slider would repeat it
        "currentvalue": {"prefix": prefix, "font": {"size": 15}, "visible": titles is None},
        "len": 1.0, "x": 0.0, "y": 0.0, "yanchor": "top",
    }])
    if titles is not None:
        fig.update_layout(title_text=str(titles[active]))
    return fig


class InteractiveFigure:
    """A Plotly figure with its alt text, displayed as described in the module docstring."""

    def __init__(self, fig, *, alt: str, height: int = 450):
        self.figure = _check_figure(fig)
        self.alt = _check_text(alt, "alt", min_length=20)
        self.height = check_scalar(height, "height", target_type=Integral, min_val=150, max_val=1200)

    def _figure_json(self) -> str:
        import plotly.io as pio

        return pio.to_json(self.figure, validate=True, engine="json")

    def html(self) -> str:
        """The ``text/html`` output: a div and the script that draws into it."""
        figure = json.loads(self._figure_json())
        figure["config"] = {"displayModeBar": False, "responsive": True}
        text = json.dumps(figure, separators=(",", ":"), sort_keys=True)
        # A closing tag inside the JSON would end the <script> early.
        text = text.replace("</", "<\\/")
        # The id depends only on the content, so a page's output is the same on every run.
        digest = hashlib.sha1((text + self.alt).encode()).hexdigest()[:12]
        div_id = f"m4ml-plotly-{digest}"
        script = _SCRIPT % {"id": div_id, "figure": text,
                            "themes": json.dumps(_THEMES, separators=(",", ":"))}
        return (
            f'<div class="m4ml-plotly" id="{div_id}" role="img" aria-label="{html.escape(self.alt)}" '
            f'style="width:100%;height:{self.height}px"></div>\n<script>\n{script}\n</script>'
        )

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict:
        spec = json.loads(self._figure_json())
        spec["layout"]["height"] = self.height
        spec["config"] = {"displayModeBar": False}
        return {
            "text/html": self.html(),
            PLOTLY_MIMETYPE: spec,
            "text/plain": f"[Interactive figure] {self.alt}",
        }

    def __repr__(self) -> str:
        return f"InteractiveFigure(traces={len(self.figure.data)}, alt={self.alt!r})"


def show(fig, *, alt: str, height: int = 450) -> InteractiveFigure:
    """Style ``fig`` for the book and return it ready to display.

    Parameters
    ----------
    fig : plotly.graph_objects.Figure
        The figure. Its layout is updated in place with :func:`book_layout`
        (settings the figure already has are kept) and its height is set.
    alt : str
        What the reader should see, for screen readers (at least 20 characters).
    height : int
        Height in pixels (150 to 1200); the width follows the page.
    """
    fig = _check_figure(fig)
    alt = _check_text(alt, "alt", min_length=20)
    height = check_scalar(height, "height", target_type=Integral, min_val=150, max_val=1200)
    base = book_layout()
    fig.layout.template = base.pop("template")       # replaces Plotly's default template
    existing = fig.layout.to_plotly_json()
    fig.update_layout({k: v for k, v in base.items() if k not in existing})
    fig.update_layout(height=height)
    return InteractiveFigure(fig, alt=alt, height=height)


def gradient_descent_contours(A, learning_rates: Sequence[float], *, b=None, x0=(-2.0, 1.5),
                              n_steps: int = 25, active: int = 0):
    r"""Gradient descent paths on a 2-D quadratic, one slider state per learning rate.

    The function is :math:`f(\mathbf x)=\tfrac12\mathbf x^\top\mathbf A\mathbf x-\mathbf b^\top\mathbf x`
    with gradient :math:`\mathbf A\mathbf x-\mathbf b`; each state shows the
    first ``n_steps`` iterates :math:`\mathbf x_{t+1}=\mathbf x_t-\eta(\mathbf A\mathbf x_t-\mathbf b)`
    over the contours of :math:`f`, and the figure title reports
    :math:`\eta\lambda_{\max}`: the iterates converge for every start exactly
    when :math:`0<\eta\lambda_{\max}<2`.

    Parameters
    ----------
    A : array_like, shape (2, 2)
        Symmetric positive definite matrix.
    learning_rates : sequence of float
        At least two positive learning rates, one slider state each.
    b : array_like, shape (2,), optional
        Linear term (default zero), so the minimiser is :math:`\mathbf A^{-1}\mathbf b`.
    x0 : array_like, shape (2,)
        Starting point.
    n_steps : int
        Number of gradient steps drawn per learning rate.
    active : int
        Index of the learning rate shown first.

    Returns
    -------
    plotly.graph_objects.Figure
        Pass it to :func:`show` with alt text.
    """
    import plotly.graph_objects as go

    A = check_array(A, "A", shape=(2, 2))
    if not np.allclose(A, A.T):
        raise ValueError(f"A must be a symmetric 2 x 2 matrix, got\n{A}")
    eigenvalues = np.linalg.eigvalsh(A)
    if eigenvalues[0] <= 0:
        raise ValueError(f"A must be positive definite, but its smallest eigenvalue is {eigenvalues[0]:.3g}")
    b = np.zeros(2) if b is None else check_array(b, "b", shape=(2,))
    x0 = check_array(x0, "x0", shape=(2,))
    rates = check_array(learning_rates, "learning_rates", ndim=1, min_rows=2)
    if np.any(rates <= 0):
        raise ValueError(f"learning_rates must hold positive numbers, got {rates}")
    n_steps = check_scalar(n_steps, "n_steps", target_type=Integral, min_val=1, max_val=500)

    x_star = np.linalg.solve(A, b)
    radius = 1.25 * max(np.linalg.norm(x0 - x_star), 1e-9)
    u = np.linspace(-radius, radius, 61)
    U, W = np.meshgrid(u + x_star[0], u + x_star[1])
    P = np.stack([U, W], axis=-1)
    F = 0.5 * np.einsum("...i,ij,...j->...", P, A, P) - P @ b
    fig = go.Figure(go.Contour(x=U[0], y=W[:, 0], z=F.astype(np.float32),
                               colorscale=[[0, COLORWAY[0]], [1, COLORWAY[5]]],  # visible on light and dark
                               ncontours=18, contours_coloring="lines", line_width=1.2, showscale=False,
                               hoverinfo="skip", name="f"))
    fig.add_trace(go.Scatter(x=[x_star[0]], y=[x_star[1]], mode="markers", name="minimiser",
                             marker={"symbol": "x", "size": 12, "color": COLORWAY[2]}))
    titles = []
    for eta in rates:
        path = [x0]
        for _ in range(n_steps):
            path.append(path[-1] - eta * (A @ path[-1] - b))
        path = np.array(path)
        fig.add_trace(go.Scatter(x=np.round(path[:, 0], 5), y=np.round(path[:, 1], 5), mode="lines+markers",
                                 name=f"η = {eta:g}", marker={"size": 6, "color": COLORWAY[1]},
                                 line={"width": 1.5, "color": COLORWAY[1]}, showlegend=False))
        titles.append(f"η = {eta:g}, η·λₘₐₓ = {eta * eigenvalues[-1]:.2f}")
    add_slider(fig, [f"{eta:g}" for eta in rates], n_static=2, active=active, prefix="learning rate η = ",
               titles=titles)
    fig.update_layout(showlegend=False)
    lim = [-radius, radius]
    fig.update_xaxes(range=[lim[0] + x_star[0], lim[1] + x_star[0]], title_text="x₁", constrain="domain")
    fig.update_yaxes(range=[lim[0] + x_star[1], lim[1] + x_star[1]], title_text="x₂",
                     scaleanchor="x", scaleratio=1)
    return fig
