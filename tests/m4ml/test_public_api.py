"""Every public callable of m4ml, called with bad input, fails with a clear error.

The callables are discovered by walking the package's ``__all__`` lists, so a new
public function without an entry in ``CALLS`` below fails ``test_every_public_callable_is_covered``.
For each argument of each callable the test passes values of the wrong type (None, a
string, a float where an integer is needed ...), arrays with NaN and arrays of the wrong
shape, with every other argument valid, and requires a ``TypeError`` or ``ValueError``
whose message names the argument: never an ``AttributeError``, ``IndexError`` or an
error raised deep inside NumPy.
"""

from __future__ import annotations

import inspect
import re
from types import ModuleType

import numpy as np
import pytest

import m4ml

NAN = float("nan")


def _walk(module: ModuleType, prefix: str):
    for name in getattr(module, "__all__", []):
        if name.startswith("__"):
            continue
        obj = getattr(module, name)
        if inspect.ismodule(obj):
            yield from _walk(obj, f"{prefix}.{name}")
        elif callable(obj):
            yield f"{prefix}.{name}", obj


PUBLIC = dict(_walk(m4ml, "m4ml"))


def _is_record(obj) -> bool:
    """A result record: a NamedTuple that functions return (it holds no logic to validate)."""
    return inspect.isclass(obj) and issubclass(obj, tuple) and hasattr(obj, "_fields")


def _is_exception(obj) -> bool:
    return inspect.isclass(obj) and issubclass(obj, BaseException)


# ----------------------------------------------------------------------------- valid calls
def _quad(x):
    return float(np.sum(np.asarray(x) ** 2))


def _dquad(x):
    return 2 * np.asarray(x, dtype=float)


def _figure():
    import plotly.graph_objects as go

    return go.Figure([go.Scatter(x=[0, 1], y=[0, 1]), go.Scatter(x=[0, 1], y=[1, 0])])


def _params():
    from m4ml.models import nn

    return nn.init_params([3, 4, 2], seed=0)


X32 = np.arange(6.0).reshape(3, 2) + np.eye(3, 2)
ALT = "A line that rises from left to right."

# name -> (valid keyword arguments, {argument: kinds of bad values to try})
# kinds: "array" (None, a string, NaN entries, a wrong shape), "array_nan_ok" (NaN is valid),
# "array_any_shape", "array_nan_any_shape", "int", "real", "bool", "choice", "callable", "labels", "str", "path",
# "params" (a network's parameters), "sizes"; a leading "opt_" means None is valid.
CALLS = {
    "m4ml.book.glue": (lambda: dict(name="x", variable=1.0, display=False),
                       {"name": "str", "display": "bool"}),
    "m4ml.calculus.derivatives.check_gradient": (
        lambda: dict(f=_quad, grad=_dquad, x=np.ones(2), rtol=1e-6, atol=1e-7, h=None),
        {"f": "callable", "grad": "callable", "x": "array_any_shape", "rtol": "real", "atol": "real",
         "h": "opt_real"}),
    "m4ml.calculus.derivatives.numerical_gradient": (
        lambda: dict(f=_quad, x=np.ones(2), h=None), {"f": "callable", "x": "array_any_shape", "h": "opt_real"}),
    "m4ml.calculus.derivatives.numerical_hessian": (
        lambda: dict(f=_quad, x=np.ones(2), h=None), {"f": "callable", "x": "array", "h": "opt_real"}),
    "m4ml.calculus.derivatives.numerical_jacobian": (
        lambda: dict(f=_dquad, x=np.ones(2), h=None), {"f": "callable", "x": "array_any_shape", "h": "opt_real"}),
    "m4ml.calculus.smoothness.lipschitz_constant_least_squares": (lambda: dict(X=X32), {"X": "array"}),
    "m4ml.calculus.smoothness.lipschitz_constant_logistic": (lambda: dict(X=X32), {"X": "array"}),
    "m4ml.calculus.smoothness.quadratic_upper_bound": (
        lambda: dict(fun=_quad, grad=_dquad, x=np.ones(2), y=np.zeros(2), L=2.0),
        {"fun": "callable", "grad": "callable", "x": "array", "y": "array", "L": "real"}),
    "m4ml.calculus.special.sigmoid": (lambda: dict(z=np.zeros(3)), {"z": "array_any_shape"}),
    "m4ml.calculus.special.logsumexp": (lambda: dict(z=np.zeros(3), axis=-1), {"z": "array_any_shape", "axis": "int"}),
    "m4ml.calculus.special.softmax": (lambda: dict(z=np.zeros(3), axis=-1), {"z": "array_any_shape", "axis": "int"}),
    "m4ml.data.Dataset": (
        lambda: dict(name="toy", X=np.zeros((2, 1)), y=np.array([0, 1]), feature_names=("f",),
                     target_names=("a", "b"), description="two rows"),
        {"name": "str", "X": "array", "y": "labels", "feature_names": "str", "target_names": "str",
         "description": "str", "images": "opt_array"}),
    "m4ml.data.Genotypes": (
        lambda: dict(G=np.zeros((2, 3)), populations=np.array(["A", "B"]), positions=np.arange(3),
                     individuals=np.array(["a", "b"]), source="toy"),
        {"G": "array_nan_ok", "populations": "labels", "positions": "labels", "individuals": "labels", "source": "str",
         "meta": "str"}),
    "m4ml.data.cache_dir": (lambda: dict(override=None), {"override": "opt_path"}),
    "m4ml.data.fahrenheit_to_celsius": (lambda: dict(t=np.zeros(3)), {"t": "array_nan_any_shape"}),
    "m4ml.data.impute_mean": (lambda: dict(G=np.zeros((2, 3))), {"G": "array_nan_ok"}),
    "m4ml.data.load_cancer": (dict, {}),
    "m4ml.data.load_digits": (dict, {}),
    "m4ml.data.load_mnist": (dict, {}),
    "m4ml.data.load_genotypes": (
        lambda: dict(cache=False), {"n_per_population": "int", "sequence_length": "int", "seed": "int",
                                    "cache": "bool", "refresh": "bool", "model": "str"}),
    "m4ml.data.simulate_genotypes": (
        lambda: dict(cache=False), {"n_per_population": "int", "sequence_length": "int", "seed": "int",
                                    "cache": "bool", "refresh": "bool", "model": "str",
                                    "cache_path": "opt_path"}),
    "m4ml.data.load_weather": (lambda: dict(path=None),
                               {"path": "opt_path", "missing": "choice", "start": "opt_str", "end": "opt_str"}),
    "m4ml.data.read_ghcn_daily": (lambda: dict(path="no-such-file.csv"),
                                  {"path": "path", "missing": "choice", "drop_flagged": "bool", "sha256": "opt_str"}),
    "m4ml.data.read_plink": (lambda: dict(bed_path="no-such-file.bed"),
                             {"bed_path": "path", "missing": "choice", "population_from": "choice",
                              "sha256": "opt_str"}),
    "m4ml.exercises.check": (lambda: dict(answer=1.0, expected=1.0),
                             {"expected": "array_nan_any_shape", "name": "str", "rtol": "real", "atol": "real"}),
    "m4ml.exercises.diagnose": (lambda: dict(answer=1.0, expected=1.0),
                                {"expected": "array_nan_any_shape", "rtol": "real", "atol": "real"}),
    "m4ml.exercises.check_function": (
        lambda: dict(func=_quad, reference=_quad, inputs=[(np.ones(2),)]),
        {"func": "callable", "reference": "callable", "inputs": "inputs", "name": "opt_str", "rtol": "real",
         "atol": "real"}),
    "m4ml.linalg.decomposition.pca": (lambda: dict(X=X32, k=1), {"X": "array", "k": "int"}),
    # m4ml.linalg.projection
    "m4ml.linalg.projection.pinv": (lambda: dict(A=X32, rtol=None), {"A": "array", "rtol": "opt_real"}),
    "m4ml.linalg.projection.projector": (lambda: dict(A=X32, rtol=None), {"A": "array", "rtol": "opt_real"}),
    "m4ml.linalg.projection.four_subspaces": (lambda: dict(A=X32, rtol=None),
                                              {"A": "array", "rtol": "opt_real"}),
    # m4ml.linalg.completion
    "m4ml.linalg.completion.als_complete": (
        lambda: dict(X=X32, rank=1, alpha=0.1, n_iter=2, seed=0),
        {"X": "array_nan_ok", "rank": "int", "alpha": "real", "n_iter": "int", "seed": "int"}),
    "m4ml.linalg.completion.completion_objective": (
        lambda: dict(X=X32, A=np.ones((3, 1)), B=np.ones((2, 1)), alpha=0.1),
        {"X": "array_nan_ok", "A": "array", "B": "array", "alpha": "real"}),
    # m4ml.linalg.decomposition (the PCA class; its methods are tested in test_decomposition.py)
    "m4ml.linalg.decomposition.PCA": (lambda: dict(n_components=1, scale=False),
                                      {"n_components": "opt_int", "scale": "bool"}),
    "m4ml.linalg.distances.squared_distances": (lambda: dict(X=X32, C=X32[:2]), {"X": "array", "C": "array"}),
    "m4ml.linalg.distances.hamming": (lambda: dict(a="abc", b="abd"), {"a": "sequence", "b": "sequence"}),
    "m4ml.linalg.distances.hamming_matrix": (lambda: dict(A=np.zeros((2, 3))), {"A": "array"}),
    "m4ml.linalg.distances.edit_distance": (lambda: dict(s="abc", t="abd"), {"s": "sequence", "t": "sequence"}),
    "m4ml.linalg.distances.edit_distance_matrix": (lambda: dict(sequences=["ab", "abc"]), {"sequences": "inputs"}),
    # m4ml.linalg.eigen
    "m4ml.linalg.eigen.power_iteration": (
        lambda: dict(A=np.diag([3.0, 1.0]), x0=None),
        {"A": "array", "x0": "opt_array", "tol": "real", "max_iter": "int", "seed": "int", "keep_vectors": "bool"}),
    "m4ml.linalg.eigen.inverse_iteration": (
        lambda: dict(A=np.diag([3.0, 1.0]), x0=None),
        {"A": "array", "shift": "real", "x0": "opt_array", "tol": "real", "max_iter": "int", "seed": "int",
         "keep_vectors": "bool"}),
    # m4ml.linalg.elimination
    "m4ml.linalg.elimination.swap_matrix": (lambda: dict(n=3, i=0, j=2), {"n": "int", "i": "int", "j": "int"}),
    "m4ml.linalg.elimination.scale_matrix": (lambda: dict(n=3, i=0, c=2.0), {"n": "int", "i": "int", "c": "real"}),
    "m4ml.linalg.elimination.add_row_matrix": (
        lambda: dict(n=3, i=1, j=0, c=2.0), {"n": "int", "i": "int", "j": "int", "c": "real"}),
    "m4ml.linalg.elimination.echelon_form": (
        lambda: dict(A=X32), {"A": "array", "reduced": "bool", "tol": "opt_real"}),
    "m4ml.linalg.elimination.solution_set": (
        lambda: dict(A=X32, b=np.ones(3)), {"A": "array", "b": "array", "tol": "opt_real"}),
    "m4ml.linalg.elimination.forward_substitution": (
        lambda: dict(L=np.tril(np.ones((3, 3))), b=np.ones(3)), {"L": "array", "b": "array", "unit_diagonal": "bool"}),
    "m4ml.linalg.elimination.back_substitution": (
        lambda: dict(U=np.triu(np.ones((3, 3))), b=np.ones(3)), {"U": "array", "b": "array"}),
    "m4ml.linalg.elimination.lu": (lambda: dict(A=np.eye(3) + 1), {"A": "array"}),
    "m4ml.linalg.elimination.plu": (lambda: dict(A=np.eye(3) + 1), {"A": "array"}),
    "m4ml.linalg.elimination.lu_solve": (
        lambda: dict(factors=m4ml.linalg.elimination.plu(np.eye(3) + 1), b=np.ones(3)),
        {"factors": "inputs", "b": "array"}),
    "m4ml.linalg.features.fourier_features": (
        lambda: dict(t=np.arange(3.0)), {"t": "array", "n_harmonics": "int", "period": "real", "intercept": "bool"}),
    "m4ml.linalg.features.polynomial_features": (
        lambda: dict(t=np.arange(3.0), degree=2),
        {"t": "array", "degree": "int", "intercept": "bool", "scale": "opt_interval"}),
    "m4ml.linalg.features.rbf_features": (
        lambda: dict(t=np.arange(3.0), centres=np.zeros(2), length_scale=1.0),
        {"t": "array", "centres": "array", "length_scale": "real", "period": "opt_real", "intercept": "bool"}),
    "m4ml.linalg.geometry.Hyperplane": (lambda: dict(w=np.ones(2), b=1.0), {"w": "array", "b": "real"}),
    "m4ml.linalg.geometry.cosine_similarity": (lambda: dict(A=X32, B=None), {"A": "array", "B": "opt_array"}),
    "m4ml.linalg.geometry.gram_schmidt": (lambda: dict(A=X32), {"A": "array", "modified": "bool", "tol": "real"}),
    "m4ml.linalg.geometry.perpendicular_bisector": (lambda: dict(a=np.zeros(2), c=np.ones(2)),
                                                    {"a": "array", "c": "array"}),
    # m4ml.linalg.orthogonal
    "m4ml.linalg.orthogonal.householder_vector": (lambda: dict(x=np.ones(3)), {"x": "array"}),
    "m4ml.linalg.orthogonal.householder_reflector": (lambda: dict(v=np.ones(3)), {"v": "array"}),
    "m4ml.linalg.orthogonal.householder_qr": (lambda: dict(A=X32), {"A": "array", "mode": "choice"}),
    "m4ml.linalg.orthogonal.orthogonality_loss": (lambda: dict(Q=X32), {"Q": "array"}),
    "m4ml.linalg.kernels.gram_matrix": (lambda: dict(X=X32, Y=None), {"X": "array", "Y": "opt_array"}),
    "m4ml.linalg.kernels.rbf_kernel": (lambda: dict(X=X32, Y=None, length_scale=1.0),
                                       {"X": "array", "Y": "opt_array", "length_scale": "real"}),
    # m4ml.linalg.spectral
    "m4ml.linalg.spectral.symmetric_eigh": (lambda: dict(A=np.eye(2)),
                                          {"A": "array", "descending": "bool", "rtol": "real"}),
    "m4ml.linalg.spectral.covariance_ellipse": (
        lambda: dict(mean=np.zeros(2), cov=np.eye(2)),
        {"mean": "array", "cov": "array", "scale": "real", "n_points": "int"}),
    # m4ml.linalg.low_rank
    "m4ml.linalg.low_rank.truncated_svd": (lambda: dict(A=X32, k=1), {"A": "array", "k": "int"}),
    "m4ml.linalg.low_rank.randomized_svd": (
        lambda: dict(A=X32, k=1), {"A": "array", "k": "int", "oversampling": "int", "n_power_iter": "int",
                                   "rng": "int"}),
    "m4ml.linalg.norms.p_norm": (lambda: dict(x=np.ones(2)), {"x": "array_any_shape", "p": "real", "axis": "int"}),
    "m4ml.linalg.norms.unit_ball_points": (lambda: dict(p=2.0), {"p": "real", "n": "int"}),
    "m4ml.models.kmeans.kmeans": (
        lambda: dict(X=X32, n_clusters=2, n_init=1),
        {"X": "array", "n_clusters": "int", "n_init": "int", "max_iter": "int", "tol": "real", "seed": "int",
         "init": "choice"}),
    "m4ml.models.kmeans.assign": (lambda: dict(X=X32, C=X32[:2]),
                                  {"X": "array", "C": "array", "previous": "opt_labels"}),
    "m4ml.models.kmeans.update_centroids": (lambda: dict(X=X32, labels=np.array([0, 1, 0]), C=X32[:2]),
                                            {"X": "array", "labels": "labels", "C": "array"}),
    "m4ml.models.kmeans.objective": (lambda: dict(X=X32, labels=np.array([0, 1, 0]), C=X32[:2]),
                                     {"X": "array", "labels": "labels", "C": "array"}),
    "m4ml.models.linear.ridge_objective": (lambda: dict(w=np.zeros(2), X=X32, y=np.zeros(3)),
                                           {"w": "array", "X": "array", "y": "array", "alpha": "real"}),
    "m4ml.models.linear.ridge_gradient": (lambda: dict(w=np.zeros(2), X=X32, y=np.zeros(3)),
                                          {"w": "array", "X": "array", "y": "array", "alpha": "real"}),
    "m4ml.models.linear.ridge_hessian": (lambda: dict(X=X32), {"X": "array", "alpha": "real"}),
    "m4ml.models.linear.ridge_fit": (lambda: dict(X=X32, y=np.zeros(3)),
                                     {"X": "array", "y": "array", "alpha": "real", "method": "choice"}),
    "m4ml.models.linear.logistic_objective": (lambda: dict(w=np.zeros(2), X=X32, y=np.array([0, 1, 1])),
                                              {"w": "array", "X": "array", "y": "labels", "alpha": "real"}),
    "m4ml.models.linear.logistic_gradient": (lambda: dict(w=np.zeros(2), X=X32, y=np.array([0, 1, 1])),
                                             {"w": "array", "X": "array", "y": "labels", "alpha": "real"}),
    "m4ml.models.linear.logistic_hessian": (lambda: dict(w=np.zeros(2), X=X32),
                                            {"w": "array", "X": "array", "alpha": "real"}),
    "m4ml.models.nearest_centroid.nearest_centroid_fit": (lambda: dict(X=X32, y=np.array([0, 1, 0])),
                                                          {"X": "array", "y": "labels"}),
    "m4ml.models.nearest_centroid.nearest_centroid_predict": (
        lambda: dict(X=X32, centroids=X32[:2], classes=np.array([0, 1])),
        {"X": "array", "centroids": "array", "classes": "labels", "p": "real"}),
    "m4ml.models.nn.accuracy": (lambda: dict(params=_params(), X=np.ones((2, 3)), y=np.array([0, 1])),
                                {"params": "params", "X": "array", "y": "labels", "activation": "choice"}),
    "m4ml.models.nn.backward": (lambda: dict(params=_params(), X=np.ones((2, 3)), y=np.array([0, 1])),
                                {"params": "params", "X": "array", "y": "labels", "activation": "choice"}),
    "m4ml.models.nn.loss": (lambda: dict(params=_params(), X=np.ones((2, 3)), y=np.array([0, 1])),
                            {"params": "params", "X": "array", "y": "labels", "activation": "choice"}),
    "m4ml.models.nn.forward": (lambda: dict(params=_params(), X=np.ones((2, 3))),
                               {"params": "params", "X": "array", "activation": "choice"}),
    "m4ml.models.nn.predict": (lambda: dict(params=_params(), X=np.ones((2, 3))),
                               {"params": "params", "X": "array", "activation": "choice"}),
    "m4ml.models.nn.flatten_params": (lambda: dict(params=_params()), {"params": "params"}),
    "m4ml.models.nn.layer_sizes": (lambda: dict(params=_params()), {"params": "params"}),
    "m4ml.models.nn.num_params": (lambda: dict(params=_params()), {"params": "params"}),
    "m4ml.models.nn.init_params": (lambda: dict(sizes=[3, 4, 2]), {"sizes": "sizes", "seed": "int"}),
    "m4ml.models.nn.unflatten_params": (lambda: dict(theta=np.zeros(26), sizes=[3, 4, 2]),
                                        {"theta": "array", "sizes": "sizes"}),
    "m4ml.optim.descent.gradient_descent": (
        lambda: dict(fun=_quad, grad=_dquad, x0=np.ones(2), step_size=0.1),
        {"fun": "callable", "grad": "callable", "x0": "array", "step_size": "real", "max_iter": "int",
         "tol": "real"}),
    "m4ml.optim.descent.exact_quadratic_step": (lambda: dict(A=np.eye(2), g=np.ones(2)),
                                                {"A": "array", "g": "array"}),
    "m4ml.optim.line_search.backtracking_line_search": (
        lambda: dict(fun=_quad, x=np.ones(2), gradient=_dquad(np.ones(2))),
        {"fun": "callable", "x": "array", "gradient": "array", "direction": "opt_array", "initial_step": "real",
         "shrink": "real", "c": "real", "max_backtracks": "int", "fx": "opt_real"}),
    "m4ml.optim.line_search.backtracking_gradient_descent": (
        lambda: dict(fun=_quad, grad=_dquad, x0=np.ones(2)),
        {"fun": "callable", "grad": "callable", "x0": "array", "initial_step": "real", "shrink": "real",
         "c": "real", "max_backtracks": "int", "max_iter": "int", "tol": "real"}),
    "m4ml.stats.standardize": (lambda: dict(X=X32), {"X": "array", "mean": "opt_array", "std": "opt_array",
                                                    "ddof": "int"}),
    "m4ml.stats.standardize_split": (lambda: dict(X_train=X32, X_test=X32),
                                     {"X_train": "array", "X_test": "array", "ddof": "int"}),
    "m4ml.stats.zscores": (lambda: dict(x=np.arange(3.0)), {"x": "array", "ddof": "int"}),
    "m4ml.stats.pearson": (lambda: dict(x=np.arange(3.0), y=np.array([0.0, 2.0, 1.0])),
                           {"x": "array", "y": "array"}),
    "m4ml.stats.within_k_sd": (lambda: dict(x=np.arange(3.0), k=1.0), {"x": "array", "k": "real"}),
    "m4ml.viz.interactive.InteractiveFigure": (lambda: dict(fig=_figure(), alt=ALT),
                                               {"fig": "figure", "alt": "str", "height": "int"}),
    "m4ml.viz.interactive.show": (lambda: dict(fig=_figure(), alt=ALT),
                                  {"fig": "figure", "alt": "str", "height": "int"}),
    "m4ml.viz.interactive.book_layout": (dict, {}),
    "m4ml.viz.interactive.add_slider": (lambda: dict(fig=_figure(), labels=["a", "b"]),
                                        {"fig": "figure", "labels": "inputs", "n_static": "int", "active": "int",
                                         "prefix": "str", "titles": "opt_labels"}),
    "m4ml.viz.interactive.gradient_descent_contours": (
        lambda: dict(A=np.eye(2), learning_rates=[0.1, 0.5]),
        {"A": "array", "learning_rates": "array", "b": "opt_array", "x0": "array", "n_steps": "int",
         "active": "int"}),
    "m4ml.viz.style.use_style": (dict, {}),
    "m4ml.viz.style.image_grid": (lambda: dict(images=np.zeros((2, 3, 3))),
                                  {"images": "array", "labels": "opt_labels", "ncols": "int", "cmap": "choice",
                                   "size": "real"}),
    "m4ml.viz.style.scatter_by_label": (lambda: dict(Z=X32, labels=np.array([0, 1, 0])),
                                        {"Z": "array", "labels": "labels", "names": "opt_labels", "ax": "opt_axes",
                                         "xlabel": "str", "ylabel": "str", "s": "real", "alpha": "real"}),
}


def _wrong_shape(value):
    arr = np.asarray(value, dtype=float)
    return np.zeros((2, 2, 2, 2)) if arr.ndim < 4 else np.zeros(3)


def _bad_values(kind, valid):
    """(description, bad value) pairs for one argument."""
    optional = kind.startswith("opt_")
    kind = kind.removeprefix("opt_")
    bad = [] if optional else [("None", None)]
    if kind.startswith("array"):
        bad += [("a string", "abc"), ("a dict", {"a": 1})]
        template = valid if valid is not None else np.ones((3, 2))
        if "nan" not in kind:
            bad.append(("NaN entries", np.full(np.shape(template), NAN)))
        if "any_shape" not in kind:
            bad.append(("a wrong shape", _wrong_shape(template)))
    elif kind == "int":
        bad += [("a string", "3"), ("a float", 2.5), ("a bool", True), ("a huge negative", -10**6)]
    elif kind == "real":
        bad += [("a string", "0.5"), ("a bool", True), ("NaN", NAN), ("a list", [1.0])]
    elif kind == "bool":
        bad += [("a string", "yes"), ("an int", 2)]
    elif kind == "choice":
        bad += [("an unknown name", "no-such-option"), ("an int", 3)]
    elif kind == "callable":
        bad += [("a string", "f"), ("a number", 3.0)]
    elif kind == "labels":
        bad += [("a string", "abc"), ("a 2-D array", np.zeros((2, 2, 2), dtype=int)), ("a number", 3)]
    elif kind == "str":
        bad += [("an int", 3), ("a list", [1.0])]
    elif kind == "path":
        bad += [("an int", 3)]
    elif kind == "params":
        bad += [("a string", "abc"), ("a list of ints", [1, 2]), ("an empty list", []),
                ("a layer without b", [{"W": np.ones((2, 3))}])]
    elif kind == "sizes":
        bad += [("a string", "64"), ("one width", [3]), ("a float width", [3, 2.5]), ("a zero width", [3, 0])]
    elif kind == "sequence":
        bad += [("a number", 3), ("a dict", {"a": 1}), ("NaN entries", [1.0, NAN, 2.0])]
    elif kind == "inputs":
        bad += [("a number", 3), ("a string", "abc")]
    elif kind == "axes":
        bad += [("a string", "abc"), ("a number", 3)]
    elif kind == "interval":
        bad += [("a string", "ab"), ("a number", 3), ("one end", (1.0,)), ("a reversed pair", (2.0, 1.0))]
    elif kind == "figure":
        bad += [("a string", "abc"), ("a dict", {"data": []})]
    else:  # pragma: no cover - a typo in the table
        raise AssertionError(f"unknown kind {kind!r}")
    return bad


CASES = []
for _name, (_factory, _kinds) in CALLS.items():
    _valid = _factory()
    for _arg, _kind in _kinds.items():
        for _what, _value in _bad_values(_kind, _valid.get(_arg)):
            CASES.append(pytest.param(_name, _arg, _value, id=f"{_name.removeprefix('m4ml.')}-{_arg}-{_what}"))


def test_every_public_callable_is_covered():
    covered = set(CALLS)
    checked = {name for name, obj in PUBLIC.items() if not _is_record(obj) and not _is_exception(obj)}
    assert checked - covered == set(), "add these public callables to CALLS"
    assert covered - checked == set(), "these entries of CALLS are not public callables"
    untried = {}
    for name, (_factory, kinds) in CALLS.items():
        params = inspect.signature(PUBLIC[name]).parameters
        named = {p for p in params if params[p].kind is not inspect.Parameter.VAR_KEYWORD}
        # every argument is tried, except those that accept anything (a value to glue, a
        # reader's answer to an exercise)
        missing = named - set(kinds) - {"variable", "answer"}
        if missing:
            untried[name] = sorted(missing)
    assert untried == {}


def test_result_records_are_plain_named_tuples():
    records = [obj for obj in PUBLIC.values() if _is_record(obj)]
    assert len(records) >= 8
    for record in records:
        assert not hasattr(record, "__post_init__") and issubclass(record, tuple)


@pytest.mark.parametrize(("name", "arg", "value"), CASES)
def test_bad_input_raises_a_clear_error(name, arg, value, tmp_path, monkeypatch):
    monkeypatch.setenv("M4ML_CACHE_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    factory, _ = CALLS[name]
    kwargs = factory()
    kwargs[arg] = value
    with pytest.raises((TypeError, ValueError)) as info:
        PUBLIC[name](**kwargs)
    message = str(info.value)
    # the argument is named as a word ("x must ...", "params[0]['W'] must ..."), not merely
    # contained in another word
    assert re.search(rf"(?<![\w.]){re.escape(arg)}(?!\w)", message), f"{type(info.value).__name__}: {message}"
    assert type(info.value).__module__.startswith(("builtins", "m4ml")), type(info.value)
