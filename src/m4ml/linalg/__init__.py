"""Linear algebra: norms, distances, geometry, PCA, kernels, feature maps and symmetric matrices."""

from . import decomposition, distances, features, geometry, kernels, norms, spectral

__all__ = ["decomposition", "distances", "features", "geometry", "kernels", "norms", "spectral"]
