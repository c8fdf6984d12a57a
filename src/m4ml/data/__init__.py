"""The book's four running datasets, all available offline.

=================  ==========================================  =========================
name               loader                                      what it is
=================  ==========================================  =========================
cancer             :func:`load_cancer`                         569 tumours x 30 features
digits             :func:`load_digits`, :func:`load_mnist`     8x8 and 28x28 digit images
weather            :func:`load_weather`, :func:`read_ghcn_daily`  daily min/max temperature
genetics           :func:`load_genotypes`, :func:`read_plink`  individuals x SNPs (0/1/2)
=================  ==========================================  =========================

Every loader checks what it reads (checksums of files, shapes, value ranges) and
raises :class:`DataError` naming the problem. None touches the network.
"""

from ._base import DataError, Dataset, cache_dir
from .cancer import CANCER_FEATURES, load_cancer
from .digits import load_digits, load_mnist
from .genetics import (
    Genotypes,
    impute_mean,
    load_genotypes,
    read_plink,
    simulate_genotypes,
)
from .weather import (
    CLEMSON_STATION,
    fahrenheit_to_celsius,
    load_weather,
    read_ghcn_daily,
)

__all__ = [
    "CANCER_FEATURES", "CLEMSON_STATION", "DataError", "Dataset", "Genotypes", "cache_dir",
    "fahrenheit_to_celsius", "impute_mean", "load_cancer", "load_digits", "load_genotypes", "load_mnist",
    "load_weather", "read_ghcn_daily", "read_plink", "simulate_genotypes",
]
