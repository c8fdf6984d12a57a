"""m4ml.linalg.eigen: power and inverse iteration against NumPy, their histories, and bad input."""

import numpy as np
import pytest

from m4ml.linalg.eigen import EigenResult, inverse_iteration, power_iteration


def symmetric_with_spectrum(eigenvalues, seed=0):
    """Q diag(eigenvalues) Q^T with a random orthogonal Q."""
    rng = np.random.default_rng(seed)
    Q, _ = np.linalg.qr(rng.normal(size=(len(eigenvalues), len(eigenvalues))))
    return (Q * np.asarray(eigenvalues, dtype=float)) @ Q.T


def same_direction(u, v):
    """|cos| of the angle between u and v is 1."""
    return abs(u @ v) / (np.linalg.norm(u) * np.linalg.norm(v))


# ---------- against NumPy ----------

@pytest.mark.parametrize("seed", range(5))
def test_power_iteration_matches_eigh_on_symmetric_matrices(seed):
    rng = np.random.default_rng(seed)
    B = rng.normal(size=(20, 20))
    A = B @ B.T
    ev, V = np.linalg.eigh(A)
    res = power_iteration(A, tol=1e-12, max_iter=20_000, seed=seed)
    assert isinstance(res, EigenResult) and res.converged
    np.testing.assert_allclose(res.eigenvalue, ev[-1], rtol=1e-10)
    np.testing.assert_allclose(same_direction(res.eigenvector, V[:, -1]), 1.0, atol=1e-8)
    assert np.isclose(np.linalg.norm(res.eigenvector), 1.0)
    assert res.eigenvector[np.argmax(np.abs(res.eigenvector))] > 0


def test_power_iteration_matches_eig_on_a_nonsymmetric_matrix():
    # a real eigenvector matrix V and eigenvalues -5 (dominant, negative), 2, 1
    V = np.array([[1.0, 2.0, 0.0], [0.0, 1.0, 1.0], [1.0, 0.0, 3.0]])
    A = V @ np.diag([-5.0, 2.0, 1.0]) @ np.linalg.inv(V)
    ev, W = np.linalg.eig(A)
    k = np.argmax(np.abs(ev))
    res = power_iteration(A, tol=1e-12)
    assert res.converged
    np.testing.assert_allclose(res.eigenvalue, ev[k].real, rtol=1e-9)
    np.testing.assert_allclose(same_direction(res.eigenvector, W[:, k].real), 1.0, atol=1e-9)


def test_inverse_iteration_finds_the_eigenvalue_nearest_the_shift():
    A = symmetric_with_spectrum([10.0, 6.0, 5.0, 1.0, 0.1], seed=3)
    ev, V = np.linalg.eigh(A)
    for shift in (0.0, 0.9, 5.4, 5.6, 7.0, 12.0):
        j = np.argmin(np.abs(ev - shift))
        res = inverse_iteration(A, shift=shift, tol=1e-12)
        assert res.converged
        np.testing.assert_allclose(res.eigenvalue, ev[j], rtol=1e-10, atol=1e-12)
        np.testing.assert_allclose(same_direction(res.eigenvector, V[:, j]), 1.0, atol=1e-8)


def test_a_shift_equal_to_an_eigenvalue_still_works():
    A = np.diag([3.0, 2.0, 1.0])
    res = inverse_iteration(A, shift=2.0)
    assert res.converged and res.n_iter <= 3
    np.testing.assert_allclose(res.eigenvalue, 2.0)
    np.testing.assert_allclose(np.abs(res.eigenvector), [0.0, 1.0, 0.0], atol=1e-12)


def test_a_good_shift_converges_in_few_steps():
    A = symmetric_with_spectrum([10.0, 6.0, 5.0, 1.0, 0.1], seed=4)
    near = inverse_iteration(A, shift=5.98)
    far = power_iteration(A)
    assert near.converged and far.converged and near.n_iter < far.n_iter / 5


# ---------- the histories ----------

def test_history_lengths_and_contents():
    A = symmetric_with_spectrum([4.0, 2.0, 1.0], seed=1)
    res = power_iteration(A, keep_vectors=True)
    n = res.n_iter + 1
    assert res.eigenvalues.shape == (n,) and res.residuals.shape == (n,) and res.vectors.shape == (n, 3)
    # each recorded value is the Rayleigh quotient and residual of the recorded unit vector
    for x, theta, r in zip(res.vectors, res.eigenvalues, res.residuals):
        assert np.isclose(np.linalg.norm(x), 1.0)
        assert np.isclose(theta, x @ A @ x)
        assert np.isclose(r, np.linalg.norm(A @ x - theta * x))
    assert power_iteration(A).vectors is None


def test_measured_rate_matches_the_eigengap():
    """sin of the angle to v1 falls by |lambda2 / lambda1| per step, the Rayleigh error by its square."""
    A = symmetric_with_spectrum([5.0, 4.0, 1.0, 0.5, 0.2, 0.1], seed=2)
    v1 = np.linalg.eigh(A)[1][:, -1]
    res = power_iteration(A, tol=1e-13, keep_vectors=True)
    sines = np.sqrt(np.clip(1 - (res.vectors @ v1) ** 2, 0, None))
    k = np.arange(10, 60)
    slope = np.polyfit(k, np.log(sines[k]), 1)[0]
    assert abs(slope - np.log(4 / 5)) < 0.01
    error = np.abs(res.eigenvalues - 5.0)
    slope2 = np.polyfit(k[:30], np.log(error[k[:30]]), 1)[0]
    assert abs(slope2 - 2 * np.log(4 / 5)) < 0.02


def test_x0_is_used_and_max_iter_is_respected():
    A = np.diag([2.0, 1.0])
    res = power_iteration(A, x0=[1.0, 1.0], max_iter=3)
    assert res.n_iter == 3 and not res.converged
    # x^(3) is proportional to A^3 x0 = (8, 1)
    np.testing.assert_allclose(res.eigenvector, np.array([8.0, 1.0]) / np.hypot(8.0, 1.0))
    # a start that is already an eigenvector stops at once
    res0 = power_iteration(A, x0=[0.0, 5.0])
    assert res0.n_iter == 0 and res0.converged and res0.eigenvalue == 1.0


def test_a_start_in_the_null_space_stops():
    A = np.array([[1.0, 1.0], [0.0, 0.0]])
    res = power_iteration(A, x0=[1.0, -1.0])       # A x0 = 0: an eigenvector for 0
    assert res.converged and res.eigenvalue == 0.0


def test_a_rotation_does_not_converge():
    c, s = np.cos(0.3), np.sin(0.3)
    res = power_iteration(np.array([[c, -s], [s, c]]), max_iter=50)
    assert not res.converged and res.n_iter == 50


# ---------- bad input ----------

@pytest.mark.parametrize("func", [power_iteration, inverse_iteration])
def test_bad_input(func):
    with pytest.raises(ValueError, match="A must be a square matrix"):
        func(np.ones((2, 3)))
    with pytest.raises(ValueError, match="A must be 2-D"):
        func(np.ones(3))
    with pytest.raises(ValueError, match="A must not contain NaN"):
        func(np.array([[1.0, np.nan], [0.0, 1.0]]))
    with pytest.raises(ValueError, match="x0 must be a nonzero vector"):
        func(np.eye(2), x0=[0.0, 0.0])
    with pytest.raises(ValueError, match=r"x0 must have shape \(2,\)"):
        func(np.eye(2), x0=[1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match="tol must be > 0"):
        func(np.eye(2), tol=0.0)
    with pytest.raises(TypeError, match="max_iter must be an integer"):
        func(np.eye(2), max_iter=2.5)
    with pytest.raises(TypeError, match="A must be real"):
        func(np.eye(2) * 1j)


def test_bad_shift():
    with pytest.raises(TypeError, match="shift must be a real number"):
        inverse_iteration(np.eye(2), shift="1")
    with pytest.raises(ValueError, match="shift must be finite"):
        inverse_iteration(np.eye(2), shift=np.inf)
