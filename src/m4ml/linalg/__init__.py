"""Linear algebra: spaces, norms and distances, and matrix analysis (the tree is in ``m4ml``)."""

from . import (
    completion,
    decomposition,
    distances,
    eigen,
    elimination,
    features,
    geometry,
    kernels,
    low_rank,
    norms,
    orthogonal,
    projection,
    spectral,
)

__all__ = [
    "norms", "distances", "geometry", "kernels", "features", "elimination", "orthogonal", "eigen",
    "spectral", "low_rank", "decomposition", "projection", "completion",
]
