"""Linear algebra: norms, distances, geometry, PCA, kernels, feature maps and orthogonal matrices."""

from . import decomposition, distances, features, geometry, kernels, norms, orthogonal

__all__ = ["decomposition", "distances", "features", "geometry", "kernels", "norms", "orthogonal"]
