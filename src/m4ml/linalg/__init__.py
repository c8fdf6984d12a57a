"""Linear algebra: spaces, norms and distances, and matrix analysis (see the tree in m4ml)."""

from . import completion, decomposition, distances, eigen, elimination, features, geometry, kernels, low_rank, norms, orthogonal, projection, spectral

__all__ = ["completion", "decomposition", "distances", "eigen", "elimination", "features", "geometry", "kernels", "low_rank", "norms", "orthogonal", "projection", "spectral"]
