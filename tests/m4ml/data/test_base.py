"""m4ml.data._base: the Dataset every loader returns."""

from __future__ import annotations

import pytest

from m4ml import data


def test_dataset_arrays_are_read_only():
    ds = data.load_cancer()
    with pytest.raises(ValueError, match="read-only"):
        ds.X[0, 0] = 1.0
    frame = ds.to_frame()
    assert frame.shape == (569, 31) and set(frame["label"].cat.categories) == {"benign", "malignant"}
    assert "malignant: 212" in repr(ds)
