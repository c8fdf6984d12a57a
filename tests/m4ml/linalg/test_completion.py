"""Tests of m4ml.linalg.completion: ALS against exact answers and NumPy ridge solves, and input checks."""

from __future__ import annotations

import numpy as np
import pytest

from m4ml.linalg.completion import CompletionResult, als_complete, completion_objective


def low_rank_with_holes(n=30, m=20, k=2, share=0.2, seed=0):
    rng = np.random.default_rng(seed)
    truth = rng.normal(size=(n, k)) @ rng.normal(size=(k, m))
    hidden = rng.random((n, m)) < share
    return truth, hidden, np.where(hidden, np.nan, truth)


def test_recovers_a_low_rank_matrix():
    truth, hidden, X = low_rank_with_holes()
    res = als_complete(X, rank=2, alpha=1e-8, n_iter=200, seed=0)
    assert isinstance(res, CompletionResult)
    assert np.abs(res.completed[hidden] - truth[hidden]).max() < 1e-3 * np.abs(truth).max()
    # observed entries are returned unchanged
    assert np.array_equal(res.completed[~hidden], truth[~hidden])


def test_shapes_and_history_length():
    _, _, X = low_rank_with_holes(n=7, m=5)
    res = als_complete(X, rank=3, alpha=0.01, n_iter=4, seed=1)
    assert res.completed.shape == (7, 5) and res.A.shape == (7, 3) and res.B.shape == (5, 3)
    assert res.objective.shape == (5,)
    assert res.objective[-1] == pytest.approx(completion_objective(X, res.A, res.B, alpha=0.01))


def test_objective_is_monotone():
    _, _, X = low_rank_with_holes(n=25, m=15, k=4, share=0.3, seed=2)
    res = als_complete(X, rank=3, alpha=1e-3, n_iter=40, seed=3)
    assert np.all(np.diff(res.objective) <= 1e-12 * res.objective[:-1])


def test_each_half_step_is_the_ridge_solution_of_every_row():
    # After a sweep, B solves the column ridge problems for the final A: compare with one
    # np.linalg.lstsq per column of the stacked least-squares form of ridge.
    _, hidden, X = low_rank_with_holes(n=12, m=9, k=2, share=0.3, seed=4)
    alpha = 0.05
    res = als_complete(X, rank=2, alpha=alpha, n_iter=3, seed=5)
    n_obs = (~hidden).sum()
    for m in range(X.shape[1]):
        rows = ~hidden[:, m]
        A_m = np.vstack([res.A[rows], np.sqrt(n_obs * alpha) * np.eye(2)])
        y_m = np.concatenate([X[rows, m], np.zeros(2)])
        assert np.allclose(res.B[m], np.linalg.lstsq(A_m, y_m, rcond=None)[0], atol=1e-10)


def test_completion_objective_by_hand():
    X = np.array([[1.0, np.nan], [np.nan, 2.0]])
    A = np.array([[1.0], [2.0]])
    B = np.array([[0.5], [1.0]])
    # observed residuals 1 - 0.5 and 2 - 2; |Omega| = 2; penalty (1 + 4 + 0.25 + 1) alpha / 2
    expected = 0.25 / 4 + 0.1 / 2 * 6.25
    assert completion_objective(X, A, B, alpha=0.1) == pytest.approx(expected)


def test_same_seed_same_result_other_seed_other_start():
    _, _, X = low_rank_with_holes(seed=6)
    a = als_complete(X, rank=2, alpha=1e-3, n_iter=3, seed=0)
    b = als_complete(X, rank=2, alpha=1e-3, n_iter=3, seed=0)
    c = als_complete(X, rank=2, alpha=1e-3, n_iter=3, seed=1)
    assert np.array_equal(a.completed, b.completed)
    assert a.objective[0] != c.objective[0]


def test_a_row_without_observed_entries_is_predicted_as_zero():
    _, _, X = low_rank_with_holes(n=6, m=5, seed=7)
    X[2] = np.nan
    res = als_complete(X, rank=2, alpha=0.01, n_iter=5)
    assert np.allclose(res.A[2], 0) and np.allclose(res.completed[2], 0)


def test_bad_input():
    _, _, X = low_rank_with_holes(n=6, m=5)
    with pytest.raises(ValueError, match="X must have at least one observed"):
        als_complete(np.full((3, 2), np.nan), rank=1, alpha=0.1)
    with pytest.raises(ValueError, match="X must be 2-D"):
        als_complete(np.ones(4), rank=1, alpha=0.1)
    with pytest.raises(ValueError, match="X must be finite"):
        als_complete(np.array([[1.0, np.inf]]), rank=1, alpha=0.1)
    with pytest.raises(ValueError, match=r"rank must be at most min\(N, M\) = 5"):
        als_complete(X, rank=6, alpha=0.1)
    with pytest.raises(ValueError, match="rank must be >= 1"):
        als_complete(X, rank=0, alpha=0.1)
    with pytest.raises(TypeError, match="rank must be an integer"):
        als_complete(X, rank=2.0, alpha=0.1)
    with pytest.raises(ValueError, match="alpha must be > 0"):
        als_complete(X, rank=1, alpha=0.0)
    with pytest.raises(ValueError, match="n_iter must be >= 1"):
        als_complete(X, rank=1, alpha=0.1, n_iter=0)
    with pytest.raises(ValueError, match="seed must be >= 0"):
        als_complete(X, rank=1, alpha=0.1, seed=-1)
    with pytest.raises(TypeError):
        als_complete(X, 1, 0.1)               # options are keyword-only
    with pytest.raises(ValueError, match=r"A must have shape \(6, any\)"):
        completion_objective(X, np.ones((5, 2)), np.ones((5, 2)), alpha=0.1)
    with pytest.raises(ValueError, match=r"B must have shape \(5, 2\)"):
        completion_objective(X, np.ones((6, 2)), np.ones((5, 3)), alpha=0.1)
