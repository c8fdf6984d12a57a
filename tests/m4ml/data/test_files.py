"""m4ml.data._files: data files shipped inside installed packages, checked by checksum."""

from __future__ import annotations

import pytest

from m4ml import data
from m4ml.data import DataError
from m4ml.data._files import PackagedFile


def test_packaged_file_checksum_mismatch_is_reported(monkeypatch):
    from m4ml.data import _files, cancer

    bad = PackagedFile(_files.BREAST_CANCER.package, _files.BREAST_CANCER.relpath, "0" * 64, "scikit-learn")
    monkeypatch.setattr(cancer, "BREAST_CANCER", bad)
    with pytest.raises(DataError, match="checksum mismatch .*breast_cancer.csv"):
        data.load_cancer()


def test_packaged_file_missing_package_or_file():
    with pytest.raises(DataError, match="pip install nonexistent-dist"):
        PackagedFile("no_such_module_m4ml", "x.csv", "0" * 64, "nonexistent-dist").path()
    with pytest.raises(DataError, match="missing from the installed 'scikit-learn'"):
        PackagedFile("sklearn.datasets.data", "nope.csv", "0" * 64, "scikit-learn").path()
