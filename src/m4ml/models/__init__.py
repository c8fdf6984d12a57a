"""The models the book trains: linear and logistic regression, k-means,
the nearest-centroid classifier and a small neural network."""

from . import kmeans, linear, nearest_centroid, nn

__all__ = ["kmeans", "linear", "nearest_centroid", "nn"]
