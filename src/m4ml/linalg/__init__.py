"""Linear algebra: norms, distances, geometry, PCA, kernels and feature maps."""

from . import decomposition, distances, features, geometry, kernels, norms

__all__ = ["decomposition", "distances", "features", "geometry", "kernels", "norms"]
