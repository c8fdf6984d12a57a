"""m4ml.models.nn: the hand-written backward pass against central differences and autograd,
shapes, the multivariate chain rule as a property, and input validation."""

import autograd
import autograd.numpy as anp
import numpy as np
import pytest
from autograd.scipy.special import logsumexp
from hypothesis import given, settings
from hypothesis import strategies as st

from m4ml.calculus import derivatives, special
from m4ml.models import nn

# ----------------------------------------------------------------------------- random networks

sizes_strategy = st.lists(st.integers(1, 5), min_size=2, max_size=4)
activations = st.sampled_from(nn.ACTIVATIONS)


def make_problem(sizes, n, seed):
    """A random network with non-zero biases and a random batch with labels."""
    rng = np.random.default_rng(seed)
    params = nn.init_params(sizes, seed=seed)
    for layer in params:
        layer["b"] = rng.normal(size=layer["b"].shape)
    X = rng.normal(size=(n, sizes[0]))
    y = rng.integers(0, sizes[-1], size=n)
    return params, X, y


def unflatten_anp(theta, sizes):
    """nn.unflatten_params written with plain slicing, so that autograd can trace it."""
    params, start = [], 0
    for d_in, d_out in zip(sizes[:-1], sizes[1:]):
        W = anp.reshape(theta[start:start + d_out * d_in], (d_out, d_in))
        start += d_out * d_in
        params.append((W, theta[start:start + d_out]))
        start += d_out
    return params


def loss_autograd(theta, sizes, X, y, activation):
    """The mean cross-entropy of the network, written independently with autograd.numpy."""
    layers = unflatten_anp(theta, sizes)
    A = X
    for W, b in layers[:-1]:
        Z = anp.dot(A, W.T) + b
        A = anp.tanh(Z) if activation == "tanh" else anp.maximum(Z, 0.0)
    W, b = layers[-1]
    Z = anp.dot(A, W.T) + b
    log_P = Z - logsumexp(Z, axis=1, keepdims=True)
    Y = np.eye(sizes[-1])[y]
    return -anp.sum(Y * log_P) / X.shape[0]


# ----------------------------------------------------------------------------- gradients

@settings(max_examples=60, deadline=None)
@given(sizes_strategy, st.integers(1, 6), st.integers(0, 2**16), activations)
def test_backward_matches_autograd(sizes, n, seed, activation):
    params, X, y = make_problem(sizes, n, seed)
    theta = nn.flatten_params(params)
    exact = autograd.grad(loss_autograd)(theta, sizes, X, y, activation)
    ours = nn.flatten_params(nn.backward(params, X, y, activation=activation))
    # same arithmetic up to the order of floating-point operations
    np.testing.assert_allclose(ours, exact, rtol=1e-9, atol=1e-12)
    assert nn.loss(params, X, y, activation=activation) == pytest.approx(
        loss_autograd(theta, sizes, X, y, activation), rel=1e-12)


@settings(max_examples=40, deadline=None)
@given(sizes_strategy, st.integers(1, 6), st.integers(0, 2**16))
def test_backward_matches_central_differences(sizes, n, seed):
    # tanh only: the ReLU kink could fall inside a difference step (autograd covers ReLU above)
    params, X, y = make_problem(sizes, n, seed)
    result = derivatives.check_gradient(
        lambda theta: nn.loss(nn.unflatten_params(theta, sizes), X, y),
        lambda theta: nn.flatten_params(nn.backward(nn.unflatten_params(theta, sizes), X, y)),
        nn.flatten_params(params),
    )
    # central differences with h ~ eps^(1/3) are accurate to about eps^(2/3) ~ 1e-10 here
    np.testing.assert_allclose(result.numerical, result.analytic, rtol=1e-5, atol=1e-8)


@pytest.mark.parametrize("activation", nn.ACTIVATIONS)
def test_every_array_of_a_digit_sized_network(activation):
    params, X, y = make_problem([64, 16, 10], 20, seed=3)
    grads = nn.backward(params, X, y, activation=activation)
    for l, (layer, grad) in enumerate(zip(params, grads)):
        for name in ("W", "b"):
            def f(value, l=l, name=name):
                changed = [dict(p) for p in params]
                changed[l][name] = value
                return nn.loss(changed, X, y, activation=activation)

            check = derivatives.check_gradient(f, lambda _, g=grad[name]: g, layer[name])
            assert check.ok, (l, name, check.relative_error)


def test_mean_loss_ignores_duplicated_batch():
    # L is a mean: repeating every sample leaves the loss and its gradient unchanged.
    params, X, y = make_problem([4, 3, 3], 5, seed=1)
    X2, y2 = np.vstack([X, X]), np.concatenate([y, y])
    assert nn.loss(params, X2, y2) == pytest.approx(nn.loss(params, X, y), rel=1e-14)
    np.testing.assert_allclose(nn.flatten_params(nn.backward(params, X2, y2)),
                               nn.flatten_params(nn.backward(params, X, y)), rtol=1e-12, atol=1e-15)


def test_output_error_is_p_minus_y():
    # With no hidden layer the bias gradient is the column mean of P - Y.
    params, X, y = make_problem([3, 4], 7, seed=2)
    P = nn.forward(params, X).probs
    np.testing.assert_allclose(nn.backward(params, X, y)[0]["b"], (P - np.eye(4)[y]).mean(axis=0), atol=1e-15)


def test_small_gradient_step_decreases_loss():
    params, X, y = make_problem([5, 6, 3], 30, seed=4)
    theta = nn.flatten_params(params)
    g = nn.flatten_params(nn.backward(params, X, y))
    after = nn.loss(nn.unflatten_params(theta - 1e-3 * g, [5, 6, 3]), X, y)
    assert after < nn.loss(params, X, y)


# ----------------------------------------------------------------------------- shapes

@settings(max_examples=30, deadline=None)
@given(sizes_strategy, st.integers(1, 6), st.integers(0, 2**16), activations)
def test_shapes_and_round_trip(sizes, n, seed, activation):
    params, X, y = make_problem(sizes, n, seed)
    grads = nn.backward(params, X, y, activation=activation)
    assert [(g["W"].shape, g["b"].shape) for g in grads] == [(p["W"].shape, p["b"].shape) for p in params]
    out = nn.forward(params, X, activation=activation)
    assert out.probs.shape == (n, sizes[-1]) and len(out.activations) == len(sizes) - 1
    np.testing.assert_allclose(out.probs.sum(axis=1), 1.0, rtol=1e-12)
    assert nn.layer_sizes(params) == sizes
    theta = nn.flatten_params(params)
    assert theta.shape == (nn.num_params(params),)
    assert nn.num_params(params) == sum(b * (a + 1) for a, b in zip(sizes[:-1], sizes[1:]))
    np.testing.assert_array_equal(nn.flatten_params(nn.unflatten_params(theta, sizes)), theta)
    assert nn.predict(params, X, activation=activation).shape == (n,)
    assert 0.0 <= nn.accuracy(params, X, y, activation=activation) <= 1.0


def test_init_is_seeded_and_scaled():
    a, b = nn.init_params([400, 300, 10], seed=7), nn.init_params([400, 300, 10], seed=7)
    np.testing.assert_array_equal(nn.flatten_params(a), nn.flatten_params(b))
    # entries of W^(1) have variance 1/400: the sample variance of 120,000 draws is within a few percent
    assert a[0]["W"].var() == pytest.approx(1 / 400, rel=0.03)
    assert not np.any(a[0]["b"])


def test_loss_is_finite_for_huge_logits():
    # A confident network: logits of order 1e3 would overflow exp without the shift in log-sum-exp.
    params, X, y = make_problem([3, 4], 6, seed=5)
    params[0]["W"] *= 1e3
    assert np.isfinite(nn.loss(params, X, y))
    assert np.all(np.isfinite(nn.flatten_params(nn.backward(params, X, y))))


# ----------------------------------------------------------------------------- the chain rule

def _affine(rng, d):
    m = int(rng.integers(1, 5))
    A, b = rng.normal(size=(m, d)), rng.normal(size=m)
    return (lambda v: anp.dot(A, v) + b), m


def _entrywise(fn):
    return lambda rng, d: (fn, d)


SIMPLE_MAPS = [
    _affine,
    _entrywise(anp.tanh),
    _entrywise(lambda v: 1 / (1 + anp.exp(-v))),
    _entrywise(lambda v: v**2),
    lambda rng, d: ((lambda v: anp.exp(v - logsumexp(v))), d),                       # softmax
    lambda rng, d: ((lambda v: anp.array([anp.sum(v**2), anp.prod(anp.cos(v))])), 2),  # R^d -> R^2
]


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 2**16), st.lists(st.integers(0, len(SIMPLE_MAPS) - 1), min_size=2, max_size=4))
def test_chain_rule_on_random_compositions(seed, choice):
    """Theorem (chain rule): J of f_k o ... o f_1 equals the product of the Jacobians at the visited points."""
    rng = np.random.default_rng(seed)
    d_in = d = int(rng.integers(1, 5))
    maps = []
    for c in choice:
        fn, d = SIMPLE_MAPS[c](rng, d)
        maps.append(fn)

    def composition(v):
        for fn in maps:
            v = fn(v)
        return v

    x = rng.uniform(-1, 1, size=d_in)
    product, point = np.eye(len(x)), x
    for fn in maps:
        product = derivatives.numerical_jacobian(fn, point) @ product
        point = fn(point)
    direct = derivatives.numerical_jacobian(composition, x)
    np.testing.assert_allclose(direct, product, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(autograd.jacobian(composition)(x), product, rtol=1e-5, atol=1e-7)


def test_chain_rule_for_a_layer_is_w_transpose_times_upstream():
    # Corollary: grad of g(Wx + b) is W^T grad g; here g = log-sum-exp, whose gradient is softmax.
    rng = np.random.default_rng(0)
    W, b, x = rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=3)
    f = lambda v: logsumexp(anp.dot(W, v) + b)
    expected = W.T @ special.softmax(W @ x + b)
    np.testing.assert_allclose(autograd.grad(f)(x), expected, rtol=1e-12)
    assert derivatives.check_gradient(f, lambda v: W.T @ special.softmax(W @ v + b), x).ok


# ----------------------------------------------------------------------------- bad input

def test_bad_input():
    params, X, y = make_problem([4, 3, 2], 5, seed=0)
    with pytest.raises(ValueError, match="sizes must have at least 2 entries"):
        nn.init_params([64])
    with pytest.raises(ValueError, match="sizes\\[1\\] must be >= 1, got 0"):
        nn.init_params([64, 0, 10])
    with pytest.raises(TypeError, match="sizes must be a list of layer widths"):
        nn.init_params("64")
    with pytest.raises(ValueError, match="seed must be >= 0"):
        nn.init_params([2, 2], seed=-1)
    with pytest.raises(ValueError, match=r"X must have 4 columns \(the network's input size\), got shape \(5, 3\)"):
        nn.loss(params, X[:, :3], y)
    with pytest.raises(ValueError, match="X must not contain NaN, got 1 NaN"):
        nn.forward(params, np.where(np.arange(20).reshape(5, 4) == 0, np.nan, X))
    with pytest.raises(ValueError, match=r"y must have one label per sample, shape \(5,\), got shape \(4,\)"):
        nn.backward(params, X, y[:4])
    with pytest.raises(TypeError, match="y must hold integer class labels 0..1, got dtype float64"):
        nn.loss(params, X, y.astype(float))
    with pytest.raises(ValueError, match=r"y must hold labels in 0..1, got values from"):
        nn.backward(params, X, y + 5)
    with pytest.raises(ValueError, match="activation must be one of 'tanh', 'relu', got 'sigmoid'"):
        nn.forward(params, X, activation="sigmoid")
    with pytest.raises(TypeError, match="params must be a non-empty list"):
        nn.loss({"W": 1}, X, y)
    with pytest.raises(ValueError, match=r"params\[0\] must be a dict with keys 'W' and 'b'"):
        nn.loss([{"W": params[0]["W"]}], X, y)
    bad_b = [dict(params[0], b=np.zeros(5)), params[1]]
    with pytest.raises(ValueError, match=r"params\[0\]\['b'\] must have shape \(3,\) to match W"):
        nn.backward(bad_b, X, y)
    bad_W = [params[0], dict(params[1], W=np.zeros((2, 4)))]
    with pytest.raises(ValueError, match=r"params\[1\]\['W'\] must have 3 columns"):
        nn.backward(bad_W, X, y)
    with pytest.raises(ValueError, match="theta must have 23 entries for sizes"):
        nn.unflatten_params(np.zeros(22), [4, 3, 2])
