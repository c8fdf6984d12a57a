"""Tests of :mod:`m4ml.linalg.distances` and of the theorems of the section on metric spaces.

Known answers, bad input (with the error message checked), and Hypothesis
property tests of the metric axioms, the bounds between the distances, and the
dynamic-programming recurrence (against an exhaustive breadth-first search).
"""

from __future__ import annotations

import itertools
from collections import deque

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays
from scipy.spatial.distance import pdist, squareform

from m4ml.linalg.distances import (
    edit_distance,
    edit_distance_matrix,
    hamming,
    hamming_matrix,
)

DNA = "ACGT"
dna = st.text(alphabet=DNA, max_size=12)


@st.composite
def equal_length_triples(draw, alphabet=DNA, max_size=15):
    """Three strings of one common length over a small alphabet (so matches are common)."""
    n = draw(st.integers(0, max_size))
    word = st.text(alphabet=alphabet, min_size=n, max_size=n)
    return draw(word), draw(word), draw(word)


# --- known answers -----------------------------------------------------------------------


def test_known_answers():
    assert edit_distance("kitten", "sitting") == 3
    assert edit_distance("sitting", "kitten") == 3
    assert edit_distance("", "") == 0
    assert edit_distance("", "ACGT") == 4
    assert edit_distance("ACGT", "") == 4
    assert edit_distance("TACG", "ACGT") == 2  # rotation: delete T, append T
    assert edit_distance("flaw", "lawn") == 2
    assert hamming("karolin", "kathrin") == 3
    assert hamming("TACG", "ACGT") == 4
    assert hamming([0, 1, 2, 2], [0, 2, 2, 0]) == 2
    assert hamming(np.array([0.0, 1.0]), [0, 1]) == 0  # numbers of different dtypes compare
    assert hamming("", "") == 0
    assert isinstance(hamming("ab", "ba"), int) and isinstance(edit_distance("ab", "ba"), int)


def test_sequences_of_symbols_other_than_characters():
    assert edit_distance([1, 2, 3], [1, 3]) == 1
    assert edit_distance(["AC", "GT"], ["AC", "GA"]) == 1  # symbols may be words
    assert hamming(np.array([True, False]), np.array([True, True])) == 1
    assert edit_distance("ACGT", list("ACGT")) == 0  # a string is its characters


def test_hamming_matrix_known_answer_and_strings():
    A = ["ACGT", "ACGA", "TCGA"]
    expected = np.array([[0, 1, 2], [1, 0, 1], [2, 1, 0]])
    np.testing.assert_array_equal(hamming_matrix(A), expected)
    assert hamming_matrix(A).dtype == np.int64
    np.testing.assert_array_equal(hamming_matrix(np.zeros((2, 0))), np.zeros((2, 2)))


def test_edit_distance_matrix():
    seqs = ["ACGT", "AGT", "", "TACG"]
    D = edit_distance_matrix(seqs)
    np.testing.assert_array_equal(D, D.T)
    np.testing.assert_array_equal(np.diag(D), 0)
    assert D[0, 1] == 1 and D[0, 2] == 4 and D[0, 3] == 2
    assert edit_distance_matrix([]).shape == (0, 0)


# --- bad input ----------------------------------------------------------------------------


def test_hamming_rejects_bad_input():
    with pytest.raises(ValueError, match="same length.*got 4 and 3.*use edit_distance"):
        hamming("ACGT", "ACG")
    with pytest.raises(ValueError, match=r"a contains 1 missing value\(s\) \(NaN\)"):
        hamming([0.0, np.nan], [0.0, 1.0])
    with pytest.raises(ValueError, match=r"b must be 1-D .*got shape \(2, 2\)"):
        hamming([1, 2, 3, 4], [[1, 2], [3, 4]])
    with pytest.raises(TypeError, match="a must be a string or a 1-D sequence of symbols, got NoneType"):
        hamming(None, "A")
    with pytest.raises(TypeError, match="b must be a string or a 1-D sequence.*int 5"):
        hamming("A", 5)
    with pytest.raises(TypeError, match="a holds text but b holds numbers"):
        hamming("AB", [1, 2])
    with pytest.raises(TypeError, match="must hold numbers, booleans or strings, got dtype object"):
        hamming([None, 1], [1, 2])
    with pytest.raises(TypeError, match="a must be a string or a 1-D sequence"):
        hamming(b"ACGT", "ACGT")


def test_edit_distance_rejects_bad_input():
    with pytest.raises(TypeError, match="s must be a string or a 1-D sequence.*float 3.0"):
        edit_distance(3.0, "ACGT")
    with pytest.raises(TypeError, match="s holds numbers but t holds text"):
        edit_distance([0, 1], "01")
    with pytest.raises(ValueError, match=r"t contains 1 missing value\(s\)"):
        edit_distance([1.0], [np.nan, 2.0])
    with pytest.raises(ValueError, match="t must be 1-D"):
        edit_distance("A", np.zeros((2, 2)))
    with pytest.raises(TypeError, match="sequences must be a list of sequences.*str 'ACGT'"):
        edit_distance_matrix("ACGT")
    with pytest.raises(TypeError, match=r"sequences\[1\] must be a string or a 1-D sequence"):
        edit_distance_matrix(["ACGT", None])


def test_hamming_matrix_rejects_bad_input():
    with pytest.raises(ValueError, match=r"A must hold strings of one length.*\[3, 4\]"):
        hamming_matrix(["ACG", "ACGT"])
    with pytest.raises(ValueError, match=r"A must be 2-D \(one sequence per row\), got shape \(3,\)"):
        hamming_matrix([0, 1, 2])
    with pytest.raises(ValueError, match=r"A contains 1 missing value\(s\)"):
        hamming_matrix([[0.0, 1.0], [np.nan, 1.0]])
    with pytest.raises(TypeError, match="A must be a 2-D array .*got str"):
        hamming_matrix("ACGT")


# --- the metric axioms (def-metric-spaces-metric) -------------------------------------------


def assert_metric_axioms(d, x, y, z):
    assert d(x, y) >= 0
    assert (d(x, y) == 0) == (list(x) == list(y))
    assert d(x, y) == d(y, x)
    assert d(x, z) <= d(x, y) + d(y, z)
    # reverse triangle inequality (lem-metric-spaces-reverse)
    assert abs(d(x, z) - d(y, z)) <= d(x, y)


@settings(max_examples=300, deadline=None)
@given(equal_length_triples())
def test_hamming_is_a_metric(triple):
    assert_metric_axioms(hamming, *triple)


@settings(max_examples=100, deadline=None)
@given(st.integers(0, 12).flatmap(
    lambda n: st.tuples(*[arrays(np.int64, n, elements=st.integers(0, 2))] * 3)))
def test_hamming_is_a_metric_on_genotypes(triple):
    assert_metric_axioms(hamming, *triple)


@settings(max_examples=300, deadline=None)
@given(dna, dna, dna)
def test_edit_distance_is_a_metric(s, t, u):
    assert_metric_axioms(edit_distance, s, t, u)


@given(st.sampled_from(DNA), st.sampled_from(DNA), st.sampled_from(DNA))
def test_discrete_metric(a, b, c):
    # prop-metric-spaces-examples (2): on single symbols, d_H is the discrete metric
    assert hamming(a, b) == (0 if a == b else 1)
    assert_metric_axioms(hamming, a, b, c)


@settings(max_examples=200, deadline=None)
@given(st.integers(1, 5).flatmap(lambda d: st.tuples(
    *[arrays(np.float64, d, elements=st.floats(-1e3, 1e3))] * 3)))
def test_euclidean_triangle_inequality(triple):
    # prop-metric-spaces-examples (1)
    x, y, z = triple
    d = lambda a, b: float(np.linalg.norm(a - b))
    assert d(x, z) <= d(x, y) + d(y, z) + 1e-9 * (1 + d(x, y) + d(y, z))
    assert d(x, y) == d(y, x)


def test_squared_euclidean_and_cosine_are_not_metrics():
    sq = lambda a, b: float(np.sum((np.asarray(a) - np.asarray(b)) ** 2))
    assert sq([0.0], [2.0]) > sq([0.0], [1.0]) + sq([1.0], [2.0])
    cos = lambda a, b: 1 - a @ b / (np.linalg.norm(a) * np.linalg.norm(b))
    e1, e2, mid = np.array([1.0, 0.0]), np.array([0.0, 1.0]), np.array([1.0, 1.0])
    assert cos(e1, 2 * e1) == pytest.approx(0.0, abs=1e-15)
    assert cos(e1, e2) > cos(e1, mid) + cos(mid, e2)


# --- bounds between the distances (thm-metric-spaces-edit, prop-metric-spaces-genotype-l1) --


@settings(max_examples=300, deadline=None)
@given(equal_length_triples(max_size=20))
def test_edit_distance_at_most_hamming_for_equal_lengths(triple):
    s, t, _ = triple
    assert edit_distance(s, t) <= hamming(s, t)


@settings(max_examples=300, deadline=None)
@given(dna, dna)
def test_edit_distance_length_bounds(s, t):
    d = edit_distance(s, t)
    assert abs(len(s) - len(t)) <= d <= max(len(s), len(t))


@settings(max_examples=200, deadline=None)
@given(st.integers(0, 30).flatmap(
    lambda n: st.tuples(*[arrays(np.int64, n, elements=st.integers(0, 2))] * 2)))
def test_genotype_city_block_identity(pair):
    g, h = pair
    d1 = int(np.abs(g - h).sum())
    opposite = int(np.sum((g - h) ** 2 == 4))
    assert d1 == hamming(g, h) + opposite
    assert hamming(g, h) <= d1 <= 2 * hamming(g, h)


# --- the recurrence (thm-metric-spaces-recurrence) ---------------------------------------


def reference_edit_distance(s, t):
    """The recurrence with a full table and two plain loops."""
    D = [[i + j if i * j == 0 else 0 for j in range(len(t) + 1)] for i in range(len(s) + 1)]
    for i in range(1, len(s) + 1):
        for j in range(1, len(t) + 1):
            D[i][j] = min(D[i - 1][j] + 1, D[i][j - 1] + 1, D[i - 1][j - 1] + (s[i - 1] != t[j - 1]))
    return D[-1][-1]


@settings(max_examples=300, deadline=None)
@given(st.text("ACGT", max_size=25), st.text("ACGT", max_size=25))
def test_vectorised_rows_match_the_plain_recurrence(s, t):
    assert edit_distance(s, t) == reference_edit_distance(s, t)


def bfs_edit_distances(source, alphabet="ab", max_len=5):
    """Fewest edits from ``source`` to every string of length <= max_len, by breadth-first search."""
    dist = {source: 0}
    queue = deque([source])
    while queue:
        s = queue.popleft()
        neighbours = {s[:i] + s[i + 1:] for i in range(len(s))}
        neighbours |= {s[:i] + a + s[i + 1:] for i in range(len(s)) for a in alphabet}
        if len(s) < max_len:
            neighbours |= {s[:i] + a + s[i:] for i in range(len(s) + 1) for a in alphabet}
        for u in neighbours - dist.keys():
            dist[u] = dist[s] + 1
            queue.append(u)
    return dist


def test_recurrence_equals_fewest_edits_exhaustively():
    # The definition minimises over *all* edit sequences. An optimal sequence can be taken
    # to stay within length max(|s|, |t|) (delete first, insert last), so a search over the
    # strings up to length 5 finds the true edit distance of every pair of such strings.
    words = ["".join(w) for n in range(6) for w in itertools.product("ab", repeat=n)]
    for s in words:
        dist = bfs_edit_distances(s)
        for t in words:
            assert edit_distance(s, t) == dist[t], (s, t)


# --- the pairwise matrices ----------------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(st.integers(1, 12).flatmap(lambda n: st.integers(1, 30).flatmap(
    lambda m: arrays(np.int64, (n, m), elements=st.integers(0, 2)))))
def test_hamming_matrix_matches_scipy(G):
    H = hamming_matrix(G)
    m = G.shape[1]
    expected = squareform(pdist(G, "hamming")) * m if len(G) > 1 else np.zeros((1, 1))
    np.testing.assert_array_equal(H, np.rint(expected).astype(np.int64))
    for i, j in [(0, len(G) - 1), (len(G) // 2, 0)]:
        assert H[i, j] == hamming(G[i], G[j])


def test_hamming_matrix_large_alphabet_path_agrees():
    rng = np.random.default_rng(0)
    A = rng.integers(0, 40, size=(15, 25)).astype(float)  # 40 symbols: row-by-row branch
    expected = np.array([[hamming(a, b) for b in A] for a in A])
    np.testing.assert_array_equal(hamming_matrix(A), expected)
    B = rng.integers(0, 3, size=(15, 25))  # 3 symbols: one-hot branch
    expected = np.array([[hamming(a, b) for b in B] for a in B])
    np.testing.assert_array_equal(hamming_matrix(B), expected)


@settings(max_examples=50, deadline=None)
@given(st.lists(dna, max_size=6))
def test_edit_distance_matrix_matches_pairs(seqs):
    D = edit_distance_matrix(seqs)
    assert D.shape == (len(seqs), len(seqs))
    for i, j in itertools.product(range(len(seqs)), repeat=2):
        assert D[i, j] == edit_distance(seqs[i], seqs[j])
