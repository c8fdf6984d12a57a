"""Linear algebra: spaces, norms and distances, and matrix analysis (see the tree in m4ml)."""

from . import decomposition, distances, features, geometry, kernels, low_rank, norms, orthogonal, spectral

__all__ = ["decomposition", "distances", "features", "geometry", "kernels", "low_rank", "norms", "orthogonal", "spectral"]
