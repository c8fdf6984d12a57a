"""Genotype matrices: individuals x SNPs, coded 0/1/2, with population labels.

* :func:`simulate_genotypes` simulates human genomes under a published
  demographic model with ``stdpopsim``/``msprime`` and caches the result.
* :func:`load_genotypes` is the book's default: the Out-of-Africa model of
  Gutenkunst et al. (2009) with Yoruba (YRI), Utah European (CEU) and Han
  Chinese (CHB) samples.
* :func:`read_plink` reads real PLINK ``.bed/.bim/.fam`` files, so the same
  analysis runs on data from the 1000 Genomes Project or a lab's own study.

A genotype :math:`g_{ij} \\in \\{0, 1, 2\\}` counts the copies of the
alternative allele that individual :math:`i` carries at SNP :math:`j`.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass, field
from numbers import Integral, Real

import numpy as np

from .._validation import (
    check_array,
    check_bool,
    check_choice,
    check_scalar,
    check_string,
    describe,
)
from ._base import DataError, as_path, cache_dir, check_sha256, sha256sum, verify_sha256

__all__ = ["Genotypes", "impute_mean", "simulate_genotypes", "load_genotypes", "read_plink"]

_CACHE_VERSION = 1


@dataclass(frozen=True)
class Genotypes:
    """A genotype matrix with its individuals, populations and SNP positions.

    Attributes
    ----------
    G : numpy.ndarray, shape (N, M), float64
        ``G[i, j]`` in {0, 1, 2}: copies of the alternative allele carried by
        individual ``i`` at SNP ``j``; NaN marks a missing call (real data only).
    populations : numpy.ndarray of str, shape (N,)
        Population label of each individual.
    positions : numpy.ndarray, shape (M,)
        Base-pair position of each SNP.
    individuals : numpy.ndarray of str, shape (N,)
        Identifier of each individual.
    source : str
        Where the data come from.
    """

    G: np.ndarray
    populations: np.ndarray
    positions: np.ndarray
    individuals: np.ndarray
    source: str
    meta: dict = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for name in ("G", "populations", "positions", "individuals"):
            value = getattr(self, name)
            if not isinstance(value, np.ndarray):
                raise TypeError(f"{name} must be a NumPy array, got {describe(value)}")
        check_string(self.source, "source")
        if not isinstance(self.meta, dict):
            raise TypeError(f"meta must be a dict, got {describe(self.meta)}")
        if self.G.ndim != 2:
            raise ValueError(f"G must be 2-D (individuals x SNPs), got shape {self.G.shape}")
        n, m = self.G.shape
        for name, length in (("populations", n), ("individuals", n), ("positions", m)):
            shape = getattr(self, name).shape
            if shape != (length,):
                raise DataError(f"{name} must have shape ({length},), one entry per "
                                f"{'row' if length == n else 'column'} of G {self.G.shape}, got shape {shape}")
        for arr in (self.G, self.populations, self.positions, self.individuals):
            arr.setflags(write=False)

    @property
    def shape(self) -> tuple[int, int]:
        """``(N, M)``: individuals and SNPs."""
        return self.G.shape  # type: ignore[return-value]

    def allele_frequencies(self) -> np.ndarray:
        """Alternative-allele frequency of each SNP, :math:`\\hat p_j = \\bar g_{\\cdot j} / 2`."""
        return np.nanmean(self.G, axis=0) / 2.0

    def filter_maf(self, threshold: float = 0.05) -> "Genotypes":
        """Keep the SNPs whose minor-allele frequency is at least ``threshold``."""
        threshold = check_scalar(threshold, "threshold", target_type=Real, min_val=0.0, max_val=0.5,
                                 include_boundaries="left")
        p = self.allele_frequencies()
        keep = np.minimum(p, 1.0 - p) >= threshold
        return Genotypes(
            self.G[:, keep].copy(), self.populations.copy(), self.positions[keep].copy(),
            self.individuals.copy(), self.source, dict(self.meta, maf=threshold),
        )

    def __repr__(self) -> str:
        pops, counts = np.unique(self.populations, return_counts=True)
        summary = ", ".join(f"{p}: {c}" for p, c in zip(pops, counts))
        return f"Genotypes({self.G.shape[0]} individuals x {self.G.shape[1]} SNPs; {summary})"


def _check_genotype_values(G: np.ndarray, where: str) -> None:
    observed = G[~np.isnan(G)]
    if not np.isin(observed, (0.0, 1.0, 2.0)).all():
        bad = np.unique(observed[~np.isin(observed, (0.0, 1.0, 2.0))])[:5]
        raise DataError(f"{where}: genotypes must be 0, 1 or 2, found {bad.tolist()}")


def _simulate(model: str, n_per_population: int, sequence_length: int, seed: int) -> dict:
    import stdpopsim  # imported here: it is slow to import and only needed to simulate

    species = stdpopsim.get_species("HomSap")
    demography = species.get_demographic_model(model)
    contig = species.get_contig(length=sequence_length, mutation_rate=demography.mutation_rate)
    names = [p.name for p in demography.populations if p.allow_samples]
    samples = {name: n_per_population for name in names}
    ts = stdpopsim.get_engine("msprime").simulate(demography, contig, samples, seed=seed)

    haplotypes = ts.genotype_matrix()  # (sites, sample nodes), allele indices
    biallelic = np.array([len(site.mutations) == 1 for site in ts.sites()], dtype=bool)
    haplotypes = haplotypes[biallelic]
    positions = ts.tables.sites.position[biallelic]
    node_column = {node: k for k, node in enumerate(ts.samples())}
    rows, pops = [], []
    for ind in ts.individuals():
        cols = [node_column[n] for n in ind.nodes]
        rows.append(haplotypes[:, cols].sum(axis=1))
        pop = ts.population(ts.node(ind.nodes[0]).population)
        pops.append(pop.metadata["name"])
    G = np.stack(rows).astype(np.int8)
    return {
        "G": G,
        "populations": np.array(pops),
        "positions": positions.astype(np.int64),
        "individuals": np.array([f"{p}_{k}" for k, p in enumerate(pops)]),
    }


def simulate_genotypes(
    model: str = "OutOfAfrica_3G09",
    *,
    n_per_population: int = 60,
    sequence_length: int = 5_000_000,
    seed: int = 2024,
    cache: bool = True,
    cache_path: str | os.PathLike | None = None,
    refresh: bool = False,
) -> Genotypes:
    """Simulate diploid human genotypes under a stdpopsim demographic model.

    The coalescent simulator msprime draws the genealogy of ``n_per_population``
    individuals from each sampled population of the ``HomSap`` model ``model``
    over a stretch of ``sequence_length`` base pairs with the species' average
    recombination rate and the model's mutation rate. Only biallelic SNPs are
    kept. The same arguments always give the same matrix.

    Parameters
    ----------
    model : str
        A ``HomSap`` demographic model id, e.g. ``"OutOfAfrica_3G09"``.
    n_per_population : int
        Diploid individuals sampled from each population.
    sequence_length : int
        Length of the simulated sequence in base pairs.
    seed : int
        Random seed of the simulation.
    cache : bool
        Store the result on disk and read it back on later calls (default).
    cache_path : path, optional
        Folder of the cache; default: ``M4ML_CACHE_DIR`` or the user cache folder.
    refresh : bool
        Simulate again and overwrite the cached copy.

    Raises
    ------
    DataError
        If a cached file is corrupt (its checksum differs from the one stored
        beside it). The file is left in place; call again with ``refresh=True``.
    """
    check_string(model, "model", what="a stdpopsim model id (str)")
    cache = check_bool(cache, "cache")
    refresh = check_bool(refresh, "refresh")
    if cache_path is not None and not isinstance(cache_path, (str, os.PathLike)):
        raise TypeError(f"cache_path must be a path (str or os.PathLike) or None, got {describe(cache_path)}")
    n_per_population = check_scalar(n_per_population, "n_per_population", target_type=Integral, min_val=1)
    sequence_length = check_scalar(sequence_length, "sequence_length", target_type=Integral, min_val=1000)
    seed = check_scalar(seed, "seed", target_type=Integral, min_val=1)
    source = (
        f"stdpopsim HomSap/{model}, msprime, {n_per_population} per population, "
        f"{sequence_length:,} bp, seed {seed}"
    )
    meta = {"model": model, "n_per_population": n_per_population,
            "sequence_length": sequence_length, "seed": seed}
    if not cache:
        return _to_genotypes(_simulate(model, n_per_population, sequence_length, seed), source, meta)

    folder = cache_dir(cache_path)
    stem = f"genotypes_{model}_n{n_per_population}_L{sequence_length}_s{seed}_v{_CACHE_VERSION}"
    data_file, sum_file = folder / f"{stem}.npz", folder / f"{stem}.sha256"
    if data_file.exists() and not refresh:
        if not sum_file.exists():
            raise DataError(
                f"cache_path: {str(data_file)!r} has no checksum file beside it; "
                "call again with refresh=True to simulate it anew"
            )
        try:
            verify_sha256(data_file, sum_file.read_text().split()[0], "cached genotypes")
        except DataError as err:
            raise DataError(f"{err} Call again with refresh=True to simulate it anew.") from None
        with np.load(data_file, allow_pickle=False) as stored:
            arrays = {key: stored[key] for key in stored.files}
        return _to_genotypes(arrays, source + f" (cached in {data_file})", meta)

    arrays = _simulate(model, n_per_population, sequence_length, seed)
    folder.mkdir(parents=True, exist_ok=True)
    # Write to a temporary file and rename, so a crash never leaves half a file.
    with tempfile.NamedTemporaryFile(dir=folder, suffix=".npz", delete=False) as tmp:
        np.savez_compressed(tmp, **arrays)
    os.replace(tmp.name, data_file)
    sum_file.write_text(f"{sha256sum(data_file)}  {data_file.name}\n")
    return _to_genotypes(arrays, source, meta)


def _to_genotypes(arrays: dict, source: str, meta: dict) -> Genotypes:
    G = np.asarray(arrays["G"], dtype=np.float64)
    _check_genotype_values(G, source)
    return Genotypes(
        G=G,
        populations=np.asarray(arrays["populations"]).astype(str),
        positions=np.asarray(arrays["positions"]),
        individuals=np.asarray(arrays["individuals"]).astype(str),
        source=source,
        meta=dict(meta),
    )


def load_genotypes(**kwargs) -> Genotypes:
    """The book's genotype data: :func:`simulate_genotypes` with its defaults.

    60 individuals from each of YRI, CEU and CHB under the Out-of-Africa model
    (Gutenkunst et al., 2009), 5 Mb of sequence, seed 2024. Keyword arguments
    are passed on to :func:`simulate_genotypes` (for example ``cache_path``).
    """
    return simulate_genotypes(**kwargs)


def impute_mean(G) -> np.ndarray:
    """Replace each missing call (NaN) by the mean of the observed calls of its SNP.

    For SNP :math:`j` with observed calls :math:`O_j`, a missing :math:`g_{ij}`
    becomes :math:`\\bar g_j = \\frac{1}{|O_j|}\\sum_{i \\in O_j} g_{ij}`, twice the
    allele frequency estimated from the observed calls. The observed entries are
    unchanged, the column means are those of the observed calls, and the imputed
    entries are not integers. This is what PCA on real genotypes usually does
    (it keeps every SNP; a missing call adds nothing to a centred column).

    Parameters
    ----------
    G : array_like, shape (N, M)
        Genotypes with NaN for missing calls.

    Returns
    -------
    numpy.ndarray, shape (N, M)
        A new array without NaN.

    Raises
    ------
    ValueError
        If a SNP has no observed call, so that its mean is undefined.

    Examples
    --------
    >>> impute_mean([[0.0, 2.0], [np.nan, 1.0], [2.0, np.nan]])
    array([[0. , 2. ],
           [1. , 1. ],
           [2. , 1.5]])
    """
    G = check_array(G, "G", ndim=2, allow_nan=True)
    missing = np.isnan(G)
    empty = np.flatnonzero(missing.all(axis=0)) if len(G) else np.arange(G.shape[1])
    if empty.size:
        raise ValueError(
            f"G must have at least one observed call per SNP to impute its mean, got "
            f"{empty.size} SNP(s) with none, e.g. column(s) {empty[:5].tolist()}; drop them first"
        )
    means = np.nanmean(G, axis=0)
    return np.where(missing, means[None, :], G)


def read_plink(
    bed_path: str | os.PathLike,
    *,
    missing: str = "mean",
    population_from: str = "fid",
    sha256: str | None = None,
) -> Genotypes:
    """Read a PLINK 1 binary file set (``.bed`` with ``.bim`` and ``.fam`` beside it).

    Real genotype files have missing calls. By default each one is replaced by
    the mean of the observed calls of its SNP (:func:`impute_mean`), so that PCA
    keeps every SNP; dropping every SNP with a missing call can lose most of them.

    Parameters
    ----------
    bed_path : path
        The ``.bed`` file; ``.bim`` and ``.fam`` must share its stem.
    missing : {"mean", "drop", "keep"}
        ``"mean"`` (default) imputes each missing call with the mean of the
        observed calls of its SNP, and raises :class:`ValueError` for a SNP with
        no observed call; ``"drop"`` removes every SNP with a missing call;
        ``"keep"`` leaves NaN in ``G``. ``meta["n_missing"]`` counts the missing calls.
    population_from : {"fid", "none"}
        Take each individual's population label from the family id of the
        ``.fam`` file (as the 1000 Genomes files do), or label all ``"unknown"``.
    sha256 : str, optional
        If given, the ``.bed`` file's SHA-256 checksum must match it.

    Returns
    -------
    Genotypes
        ``G[i, j]`` counts the copies of the allele in the sixth column of the
        ``.bim`` file (PLINK's A2) that individual ``i`` carries at SNP ``j``;
        a missing call is handled as ``missing`` says.
    """
    check_choice(missing, "missing", ("mean", "drop", "keep"))
    check_choice(population_from, "population_from", ("fid", "none"))
    check_sha256(sha256)
    bed = as_path(bed_path, "bed_path")
    if bed.suffix != ".bed":
        raise DataError(f"bed_path must end in .bed, got {str(bed)!r}")
    for ext in (".bim", ".fam"):
        companion = bed.with_suffix(ext)
        if not companion.is_file():
            raise FileNotFoundError(f"bed_path: the {ext} file {str(companion)!r} is missing")
    if sha256 is not None:
        verify_sha256(bed, sha256, "bed_path")
    with open(bed, "rb") as handle:
        magic = handle.read(3)
    if magic[:2] != b"\x6c\x1b" or magic[2:] != b"\x01":
        raise DataError(
            f"bed_path: {str(bed)!r} is not a SNP-major PLINK .bed file (magic bytes {magic.hex()})"
        )
    from bed_reader import open_bed

    try:
        with open_bed(bed, count_A1=False) as reader:
            G = reader.read(dtype="float64")
            fid = np.asarray(reader.fid).astype(str)
            iid = np.asarray(reader.iid).astype(str)
            positions = np.asarray(reader.bp_position)
    except (ValueError, OSError, RuntimeError) as err:
        raise DataError(f"bed_path: could not read {str(bed)!r}: {err}") from None
    _check_genotype_values(G, f"bed_path {str(bed)!r}")
    populations = fid if population_from == "fid" else np.full(len(iid), "unknown")
    absent = np.isnan(G)
    meta = {"n_missing": int(absent.sum()), "missing": missing}
    if missing == "mean":
        G = impute_mean(G)
    elif missing == "drop":
        keep = ~absent.any(axis=0)
        G, positions = G[:, keep], positions[keep]
    return Genotypes(G, populations, positions, iid, f"PLINK {bed}", meta)
