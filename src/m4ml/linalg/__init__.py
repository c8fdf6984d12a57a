"""Linear algebra: norms, distances, geometry, PCA, eigenvalues, kernels and feature maps."""

from . import decomposition, distances, eigen, features, geometry, kernels, norms

__all__ = ["decomposition", "distances", "eigen", "features", "geometry", "kernels", "norms"]
