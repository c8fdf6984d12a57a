"""Linear algebra: norms, distances, geometry, elimination and LU, PCA, kernels and feature maps."""

from . import decomposition, distances, elimination, features, geometry, kernels, norms

__all__ = ["decomposition", "distances", "elimination", "features", "geometry", "kernels", "norms"]
