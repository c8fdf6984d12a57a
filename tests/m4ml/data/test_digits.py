"""m4ml.data.digits: the 8x8 and 28x28 handwritten digits."""

from __future__ import annotations

import numpy as np

from m4ml import data


def test_digits_and_mnist():
    digits = data.load_digits()
    assert digits.X.shape == (1797, 64) and digits.images.shape == (1797, 8, 8)
    assert digits.X.min() == 0 and digits.X.max() == 16
    np.testing.assert_array_equal(digits.images[5].ravel(), digits.X[5])
    mnist = data.load_mnist()
    assert mnist.X.shape == (5000, 784) and mnist.images.shape == (5000, 28, 28)
    assert np.bincount(mnist.y).tolist() == [500] * 10
    assert 0 <= mnist.X.min() and mnist.X.max() <= 255
