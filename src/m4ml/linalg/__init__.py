"""Linear algebra: norms, distances, geometry, PCA, low-rank approximation, kernels and feature maps."""

from . import decomposition, distances, features, geometry, kernels, low_rank, norms

__all__ = ["decomposition", "distances", "features", "geometry", "kernels", "low_rank", "norms"]
