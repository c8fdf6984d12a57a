"""A small fully connected neural network with a hand-written backward pass.

The network maps a mini-batch :math:`\\mathbf{X}\\in\\mathbb{R}^{N\\times D}` (one
sample per row) through :math:`M` layers. With :math:`\\mathbf{A}^{(0)}=\\mathbf{X}`,

.. math::

    \\mathbf{Z}^{(l)} = \\mathbf{A}^{(l-1)}\\mathbf{W}^{(l)\\top} + \\mathbf{1}\\mathbf{b}^{(l)\\top},
    \\qquad
    \\mathbf{A}^{(l)} = \\varphi\\big(\\mathbf{Z}^{(l)}\\big)\\quad (l < M),
    \\qquad
    \\mathbf{P} = \\operatorname{softmax}\\big(\\mathbf{Z}^{(M)}\\big) \\text{ row by row},

where :math:`\\mathbf{W}^{(l)}` has shape ``(H_l, H_{l-1})``, so that one sample
:math:`\\mathbf{x}` is mapped to :math:`\\mathbf{W}^{(l)}\\mathbf{x}+\\mathbf{b}^{(l)}`,
and :math:`\\varphi` is ``tanh`` or ``relu`` applied entry by entry. The loss is
the mean cross-entropy :math:`-\\frac1N\\sum_n \\log P_{n,y_n}` of the labels
:math:`y_n\\in\\{0,\\dots,K-1\\}`.

Parameters are a list with one ``{"W": ..., "b": ...}`` dict per layer;
:func:`backward` returns the gradients in the same structure, and
:func:`flatten_params` / :func:`unflatten_params` turn them into one vector and
back (for :func:`m4ml.optim.descent.gradient_descent` and :mod:`m4ml.calculus.derivatives`). The
softmax is computed stably by :mod:`m4ml.calculus.special`.
"""

from __future__ import annotations

from collections.abc import Sequence
from numbers import Integral
from typing import NamedTuple

import numpy as np

from .._validation import (
    check_array,
    check_choice,
    check_labels,
    check_scalar,
    describe,
)
from ..calculus import special

__all__ = [
    "ACTIVATIONS", "ForwardPass", "accuracy", "backward", "flatten_params", "forward", "init_params",
    "layer_sizes", "loss", "num_params", "predict", "unflatten_params",
]

#: The hidden-layer activations :func:`forward` understands.
ACTIVATIONS: tuple[str, ...] = ("tanh", "relu")

Params = list[dict[str, np.ndarray]]


class ForwardPass(NamedTuple):
    """What :func:`forward` computes and :func:`backward` reuses."""

    probs: np.ndarray  #: the softmax probabilities :math:`\\mathbf{P}`, shape (N, K)
    #: the input of each layer, :math:`\\mathbf{A}^{(0)}=\\mathbf{X},\\dots,\\mathbf{A}^{(M-1)}`
    activations: list[np.ndarray]


# ----------------------------------------------------------------------------- checks

def _check_sizes(sizes) -> list[int]:
    if isinstance(sizes, (str, bytes)) or not isinstance(sizes, Sequence):
        raise TypeError(f"sizes must be a list of layer widths such as [64, 32, 10], got {describe(sizes)}")
    if len(sizes) < 2:
        raise ValueError(f"sizes must have at least 2 entries (inputs and classes), got {list(sizes)}")
    return [check_scalar(s, f"sizes[{i}]", target_type=Integral, min_val=1) for i, s in enumerate(sizes)]


def _array(value, name: str, ndim: int) -> np.ndarray:
    # Fast path for the common case, a finite float64 array of the right rank (the checks run on
    # every call of loss and backward, thousands of times in a finite-difference check);
    # anything else goes through the full checks, which raise the informative errors.
    if (isinstance(value, np.ndarray) and value.dtype == np.float64 and value.ndim == ndim
            and np.isfinite(value).all()):
        return value
    return check_array(value, name, ndim=ndim)


def _check_params(params) -> Params:
    if not isinstance(params, Sequence) or isinstance(params, (str, bytes)):
        raise TypeError("params must be a non-empty list of {'W': ..., 'b': ...} dicts, as from init_params, "
                        f"got {describe(params)}")
    if len(params) == 0:
        raise ValueError("params must be a non-empty list of {'W': ..., 'b': ...} dicts, got an empty list")
    checked = []
    for m, layer in enumerate(params, start=1):
        if not isinstance(layer, dict):
            raise TypeError(f"params[{m - 1}] must be a dict with keys 'W' and 'b', got {describe(layer)}")
        if set(layer) != {"W", "b"}:
            raise ValueError(f"params[{m - 1}] must be a dict with keys 'W' and 'b', got {sorted(layer)}")
        W = _array(layer["W"], f"params[{m - 1}]['W']", 2)
        b = _array(layer["b"], f"params[{m - 1}]['b']", 1)
        if b.shape != (W.shape[0],):
            raise ValueError(f"params[{m - 1}]['b'] must have shape ({W.shape[0]},) to match W of shape "
                             f"{W.shape}, got {b.shape}")
        if checked and W.shape[1] != checked[-1]["W"].shape[0]:
            raise ValueError(f"params[{m - 1}]['W'] must have {checked[-1]['W'].shape[0]} columns (the width of "
                             f"layer {m - 1}), got shape {W.shape}")
        checked.append({"W": W, "b": b})
    return checked


def _check_X(X, params: Params) -> np.ndarray:
    X = _array(X, "X", 2)
    if X.shape[0] == 0:
        raise ValueError(f"X needs at least 1 row (sample), got shape {X.shape}")
    D = params[0]["W"].shape[1]
    if X.shape[1] != D:
        raise ValueError(f"X must have {D} columns (the network's input size), got shape {X.shape}")
    return X


def _check_y(y, n: int, k: int) -> np.ndarray:
    return check_labels(y, "y", n_samples=n, n_classes=k, integer=True)


# ----------------------------------------------------------------------------- building blocks

def init_params(sizes: Sequence[int], *, seed: int = 0) -> Params:
    """Random weights and zero biases for a network with layer widths ``sizes``.

    ``sizes = [D, H_1, ..., K]``. Each :math:`W^{(l)}_{hj}` is drawn from
    :math:`\\mathcal{N}(0, 1/H_{l-1})`, so that a layer roughly preserves the
    scale of its input: a sum of :math:`H_{l-1}` terms of variance
    :math:`1/H_{l-1}` has variance about 1 when the inputs do.
    """
    sizes = _check_sizes(sizes)
    seed = check_scalar(seed, "seed", target_type=Integral, min_val=0)
    rng = np.random.default_rng(seed)
    return [{"W": rng.normal(0.0, 1.0 / np.sqrt(d_in), size=(d_out, d_in)), "b": np.zeros(d_out)}
            for d_in, d_out in zip(sizes[:-1], sizes[1:])]


def layer_sizes(params) -> list[int]:
    """The widths ``[D, H_1, ..., K]`` of a network's layers."""
    params = _check_params(params)
    return [params[0]["W"].shape[1]] + [layer["W"].shape[0] for layer in params]


def num_params(params) -> int:
    """The number of weights and biases, :math:`P=\\sum_l H_l(H_{l-1}+1)`."""
    return sum(layer["W"].size + layer["b"].size for layer in _check_params(params))


def flatten_params(params) -> np.ndarray:
    """All weights and biases in one vector of length :func:`num_params`, layer by layer, W before b."""
    return np.concatenate([np.concatenate([layer["W"].ravel(), layer["b"]]) for layer in _check_params(params)])


def unflatten_params(theta, sizes: Sequence[int]) -> Params:
    """Inverse of :func:`flatten_params` for a network with layer widths ``sizes``.

    The arrays returned are views into ``theta`` (no copy): changing one changes ``theta``.
    """
    sizes = _check_sizes(sizes)
    theta = _array(theta, "theta", 1)
    expected = sum(d_out * (d_in + 1) for d_in, d_out in zip(sizes[:-1], sizes[1:]))
    if theta.size != expected:
        raise ValueError(f"theta must have {expected} entries for sizes {sizes}, got {theta.size}")
    params, start = [], 0
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        W = theta[start:start + d_out * d_in].reshape(d_out, d_in)
        start += d_out * d_in
        params.append({"W": W, "b": theta[start:start + d_out]})
        start += d_out
    return params


def _log_softmax(logits: np.ndarray) -> np.ndarray:
    # log P_nk = Z_nk - lse(row n); special.logsumexp subtracts the row maximum first, so that
    # exp never overflows, however large the logits.
    return logits - special.logsumexp(logits, axis=1)[:, None]


def _hidden(Z: np.ndarray, activation: str) -> np.ndarray:
    return np.tanh(Z) if activation == "tanh" else np.maximum(Z, 0.0)


def _hidden_derivative(A: np.ndarray, activation: str) -> np.ndarray:
    # phi'(Z) written in terms of A = phi(Z): tanh' = 1 - tanh^2, relu' = 1 where Z > 0 (i.e. A > 0)
    return 1.0 - A**2 if activation == "tanh" else (A > 0).astype(float)


# ----------------------------------------------------------------------------- the network

def _forward(params: Params, X: np.ndarray,
             activation: str) -> tuple[np.ndarray, list[np.ndarray]]:
    """The forward pass on checked inputs: the logits Z^(M) and the input of
    every layer."""
    A = X
    activations = [A]                      # A^(0) = X, A^(1), ..., A^(M-1)
    for layer in params[:-1]:
        A = _hidden(A @ layer["W"].T + layer["b"], activation)
        activations.append(A)
    logits = A @ params[-1]["W"].T + params[-1]["b"]
    return logits, activations


def _check_inputs(params, X, activation) -> tuple[Params, np.ndarray, str]:
    params = _check_params(params)
    return params, _check_X(X, params), check_choice(activation, "activation", ACTIVATIONS)


def forward(params, X, *, activation: str = "tanh") -> ForwardPass:
    """Forward pass: the class probabilities and every layer's input.

    Computes :math:`\\mathbf{Z}^{(l)}=\\mathbf{A}^{(l-1)}\\mathbf{W}^{(l)\\top}+\\mathbf{1}\\mathbf{b}^{(l)\\top}`,
    :math:`\\mathbf{A}^{(l)}=\\varphi(\\mathbf{Z}^{(l)})` for the hidden layers, and
    :math:`\\mathbf{P}=\\operatorname{softmax}(\\mathbf{Z}^{(M)})`.
    """
    logits, activations = _forward(*_check_inputs(params, X, activation))
    return ForwardPass(np.exp(_log_softmax(logits)), activations)


def loss(params, X, y, *, activation: str = "tanh") -> float:
    """Mean cross-entropy :math:`\\mathcal{L}=-\\frac1N\\sum_{n=1}^N\\log P_{n,y_n}`."""
    logits, _ = _forward(*_check_inputs(params, X, activation))
    log_P = _log_softmax(logits)
    y = _check_y(y, *log_P.shape)
    return float(-log_P[np.arange(len(y)), y].mean())


def backward(params, X, y, *, activation: str = "tanh") -> Params:
    """Gradients of :func:`loss` with respect to every weight and bias (reverse
    mode).

    With :math:`\\mathbf{Y}` the one-hot labels, the error signal
    :math:`\\boldsymbol{\\Delta}^{(l)}=\\partial\\mathcal{L}/\\partial\\mathbf{Z}^{(l)}`
    starts at :math:`\\boldsymbol{\\Delta}^{(M)}=(\\mathbf{P}-\\mathbf{Y})/N`
    and moves backwards:

    .. math::

        \\frac{\\partial\\mathcal{L}}{\\partial\\mathbf{W}^{(l)}} =
        \\boldsymbol{\\Delta}^{(l)\\top}\\mathbf{A}^{(l-1)},\\quad
        \\frac{\\partial\\mathcal{L}}{\\partial\\mathbf{b}^{(l)}} =
        \\boldsymbol{\\Delta}^{(l)\\top}\\mathbf{1},\\quad
        \\boldsymbol{\\Delta}^{(l-1)} =
        \\big(\\boldsymbol{\\Delta}^{(l)}\\mathbf{W}^{(l)}\\big)\\odot
        \\varphi'\\big(\\mathbf{Z}^{(l-1)}\\big).

    Returns a list of ``{"W": dW, "b": db}`` dicts, each shaped like its
    parameter.
    """
    params, X, activation = _check_inputs(params, X, activation)
    logits, activations = _forward(params, X, activation)
    N, K = logits.shape
    y = _check_y(y, N, K)
    delta = np.exp(_log_softmax(logits))   # P
    delta[np.arange(N), y] -= 1.0          # P - Y, without forming Y
    delta /= N                             # the loss is a mean over the batch
    grads = []
    # params[i] is layer l = i + 1, with input A^(l-1)
    for i in reversed(range(len(params))):
        A_prev = activations[i]
        grads.append({"W": delta.T @ A_prev, "b": delta.sum(axis=0)})
        # the error signal of the layer below
        if i > 0:
            delta = ((delta @ params[i]["W"])
                     * _hidden_derivative(A_prev, activation))
    return grads[::-1]


def predict(params, X, *, activation: str = "tanh") -> np.ndarray:
    """The most probable class of each row of ``X``."""
    return forward(params, X, activation=activation).probs.argmax(axis=1)


def accuracy(params, X, y, *, activation: str = "tanh") -> float:
    """The fraction of rows of ``X`` whose predicted class equals ``y``."""
    pred = predict(params, X, activation=activation)
    y = _check_y(y, len(pred), _check_params(params)[-1]["W"].shape[0])
    return float(np.mean(pred == y))
