"""Linear algebra: norms, distances, geometry, PCA, kernels, feature maps, projections and completion."""

from . import completion, decomposition, distances, features, geometry, kernels, norms, projection

__all__ = ["completion", "decomposition", "distances", "features", "geometry", "kernels", "norms",
           "projection"]
