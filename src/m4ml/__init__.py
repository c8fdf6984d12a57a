"""m4ml: the companion package of *Mathematics for Machine Learning*.

The book's pages import everything that is used more than once from here. The
package follows the book's pillars::

    m4ml
    ├── data            the four running datasets: cancer, digits, weather, genetics
    ├── stats           descriptive statistics and standardisation
    ├── linalg          linear algebra
    │   ├── norms           p-norms and unit balls
    │   ├── distances       squared Euclidean, Hamming and edit distances
    │   ├── geometry        cosine similarity, Gram-Schmidt, hyperplanes
    │   ├── kernels         Gram and RBF kernel matrices
    │   ├── features        Fourier, polynomial and RBF feature maps
    │   ├── elimination     row operations, echelon forms, triangular solves, LU and PLU
    │   ├── orthogonal      Householder reflections and QR
    │   ├── eigen           power iteration and shifted inverse iteration
    │   ├── spectral        symmetric eigendecomposition with fixed signs, covariance ellipses
    │   ├── low_rank        truncated and randomised SVD
    │   ├── decomposition   principal component analysis (pca, the PCA class)
    │   ├── projection      pseudoinverse, projectors, the four fundamental subspaces
    │   └── completion      low-rank matrix completion by alternating least squares
    ├── calculus        calculus
    │   ├── derivatives     numerical gradients, Jacobians, Hessians; gradient checks
    │   ├── special         sigmoid, log-sum-exp, softmax (as in scipy.special)
    │   └── smoothness      Lipschitz constants, the quadratic upper bound
    ├── optim           optimisation
    │   ├── descent         gradient descent, the exact step on a quadratic
    │   └── line_search     backtracking (Armijo) line search
    ├── models          models trained in the book
    │   ├── linear          ridge and logistic regression
    │   ├── kmeans          k-means clustering (Lloyd's algorithm)
    │   ├── nearest_centroid  the nearest-centroid classifier
    │   └── nn              a small neural network with a hand-written backward pass
    ├── viz             figures
    │   ├── style           the book's figure style and shared plots
    │   └── interactive     interactive Plotly figures that work offline
    ├── exercises       self-checks for coding exercises
    ├── book            glue for notebooks run outside the book
    └── _validation     the input checks every module uses

Subpackages are imported on first use, so ``import m4ml`` stays fast.
Importing the package never touches the network and keeps no hidden state.
"""

from importlib import import_module
from typing import Any

__version__ = "0.1.0"
__all__ = [
    "book", "calculus", "data", "exercises", "linalg", "models", "optim", "stats", "viz",
    "__version__",
]


def __getattr__(name: str) -> Any:
    # Import subpackages on first use so that `import m4ml` stays fast.
    if name in __all__ and name != "__version__":
        module = import_module(f"{__name__}.{name}")
        globals()[name] = module
        return module
    raise AttributeError(f"module 'm4ml' has no attribute {name!r}")
