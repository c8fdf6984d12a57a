"""Shared pieces of the dataset loaders: the result type, errors and file checks."""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .._validation import check_array, check_labels, check_string, describe

__all__ = ["Dataset", "DataError", "sha256sum", "check_sha256", "verify_sha256", "cache_dir", "as_path"]


class DataError(ValueError):
    """A data file or array does not hold what its loader expects.

    The message names the file (or argument) and the check that failed. Loaders
    never delete or overwrite the offending file: fix or remove it yourself.
    """


@dataclass(frozen=True)
class Dataset:
    """A labelled data set: the data matrix, the targets and what they mean.

    Attributes
    ----------
    name : str
        Short name, e.g. ``"cancer"``.
    X : numpy.ndarray, shape (N, D)
        The data matrix; row :math:`n` is sample :math:`\\mathbf{x}_n`.
    y : numpy.ndarray, shape (N,)
        Integer labels.
    feature_names : tuple of str
        One name per column of ``X``.
    target_names : tuple of str
        ``target_names[k]`` is the meaning of label ``k``.
    description : str
        Where the data come from and under which licence.
    images : numpy.ndarray or None
        For image data, ``X`` reshaped to ``(N, height, width)``.
    """

    name: str
    X: np.ndarray
    y: np.ndarray
    feature_names: tuple[str, ...]
    target_names: tuple[str, ...]
    description: str
    images: np.ndarray | None = field(default=None, repr=False)

    def __post_init__(self) -> None:
        for name in ("name", "description"):
            check_string(getattr(self, name), name)
        for name in ("X", "y", "images"):
            value = getattr(self, name)
            if not (value is None and name == "images") and not isinstance(value, np.ndarray):
                raise TypeError(f"{name} must be a NumPy array, got {describe(value)}")
        for name in ("feature_names", "target_names"):
            value = getattr(self, name)
            if not isinstance(value, tuple) or not all(isinstance(v, str) for v in value):
                raise TypeError(f"{name} must be a tuple of strings, got {describe(value)}")
        check_array(self.X, "X", ndim=2)
        if self.X.shape[1] != len(self.feature_names):
            raise ValueError(f"X must have shape (N, {len(self.feature_names)}), one column per "
                             f"feature name, got shape {self.X.shape}")
        check_labels(self.y, "y", n_samples=self.X.shape[0], n_classes=len(self.target_names), integer=True)
        if self.images is not None and (self.images.ndim != 3 or len(self.images) != len(self.X)):
            raise ValueError(f"images must have shape ({len(self.X)}, height, width), got shape {self.images.shape}")
        for arr in (self.X, self.y, self.images):
            if arr is not None:
                arr.setflags(write=False)  # shared by every caller: keep it intact

    @property
    def shape(self) -> tuple[int, int]:
        """``(N, D)``: number of samples and features."""
        return self.X.shape  # type: ignore[return-value]

    def to_frame(self) -> pd.DataFrame:
        """The data as a DataFrame with one column per feature and a ``label`` column."""
        frame = pd.DataFrame(self.X, columns=list(self.feature_names))
        frame["label"] = pd.Categorical.from_codes(self.y, categories=list(self.target_names))
        return frame

    def __repr__(self) -> str:
        counts = ", ".join(
            f"{name}: {int((self.y == k).sum())}" for k, name in enumerate(self.target_names)
        )
        return f"Dataset({self.name!r}, X: {self.X.shape}, y: {{{counts}}})"


def as_path(value: object, name: str) -> Path:
    """Check that ``value`` names an existing file and return it as a Path."""
    if not isinstance(value, (str, os.PathLike)):
        raise TypeError(f"{name} must be a path (str or os.PathLike), got {describe(value)}")
    path = Path(value).expanduser()
    if not path.exists():
        raise FileNotFoundError(f"{name}: no such file: {str(path)!r}")
    if not path.is_file():
        raise DataError(f"{name}: {str(path)!r} is not a regular file")
    return path


def sha256sum(path: Path) -> str:
    """The SHA-256 hex digest of a file, read in blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def check_sha256(sha256: object) -> None:
    """Check that an optional ``sha256`` argument is None or a string."""
    if sha256 is not None and not isinstance(sha256, str):
        raise TypeError(f"sha256 must be a hex string or None, got {describe(sha256)}")


def verify_sha256(path: Path, expected: str, what: str) -> None:
    """Raise :class:`DataError` if the file's checksum differs from ``expected``."""
    actual = sha256sum(path)
    if actual != expected.lower():
        raise DataError(
            f"{what}: checksum mismatch for {str(path)!r}: expected SHA-256 {expected}, "
            f"got {actual}. The file is corrupt or a different version; reinstall the "
            "package that provides it (or pass the right checksum)."
        )


def cache_dir(override: str | os.PathLike | None = None) -> Path:
    """Where derived data (such as simulated genotypes) is cached.

    In order of precedence: the ``override`` argument, the ``M4ML_CACHE_DIR``
    environment variable, then the user's cache folder.
    """
    if override is not None:
        if not isinstance(override, (str, os.PathLike)):
            raise TypeError(f"override must be a path (str or os.PathLike), got {describe(override)}")
        return Path(override).expanduser()
    env = os.environ.get("M4ML_CACHE_DIR")
    if env:
        return Path(env).expanduser()
    from platformdirs import user_cache_dir

    return Path(user_cache_dir("m4ml"))
