"""Working days between two dates, as the assessment timescale counts them.

Convention (also printed in the pack's methods appendix):
    working days elapsed = the number of working days in the half-open interval
    (referral_date, completion_date]: the referral day itself is not counted, the completion day is.
So a referral on a Friday completed on the Monday took 1 working day, and an assessment completed
on the day of referral took 0. An assessment is within timescale when that count is at most the
timescale (42 working days in Wales, 45 in England).

Working days are Monday to Friday, excluding England-and-Wales bank holidays, taken from the
`holidays` package (never a hand-typed list) and counted with numpy's business-day functions,
so a million assessments take milliseconds. Loading that package (every country's calendar comes with it)
and working out 36 years takes a sixth of a second, which every kpi command would pay; the dates it gives
are kept in a cache file for the installed copy of the package, and worked out again when it changes.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
import tempfile
from functools import cache
from pathlib import Path

import numpy as np
import pandas as pd

WEEKMASK = "1111100"  # Monday to Friday
CACHE_VARIABLE = "KPI_CACHE_DIR"  # where kpi keeps what it can always work out again


@cache
def bank_holidays(first_year: int = 2000, last_year: int = 2035) -> np.ndarray:
    """England-and-Wales bank holidays (including substitute days) as numpy dates."""
    kept = _cache_file(first_year, last_year)
    dates = _read_kept(kept) if kept is not None else None
    if dates is None:
        import holidays

        dates = np.array(sorted(holidays.UK(subdiv="ENG", years=range(first_year, last_year + 1))),
                         dtype="datetime64[D]")
        if kept is not None:
            _keep(kept, dates)
    return dates


def cache_folder() -> Path:
    """KPI_CACHE_DIR, else the user's cache folder (XDG_CACHE_HOME, LOCALAPPDATA or ~/.cache), then kpi."""
    chosen = os.environ.get(CACHE_VARIABLE)
    if chosen:
        return Path(chosen).expanduser()
    base = os.environ.get("XDG_CACHE_HOME") or (os.environ.get("LOCALAPPDATA") if os.name == "nt" else None)
    return (Path(base) if base else Path.home() / ".cache") / "kpi"


def _cache_file(first_year: int, last_year: int) -> Path | None:
    """The cache file for these years and the installed holidays package (its files' place, size and time:
    installing another version changes them); None when the package cannot be found."""
    try:
        spec = importlib.util.find_spec("holidays")
        package = Path(spec.origin).parent
        files = [package / "__init__.py", package / "countries" / "united_kingdom.py"]
        installed = "|".join(f"{file}:{file.stat().st_size}:{file.stat().st_mtime_ns}" for file in files)
    except (AttributeError, TypeError, ValueError, OSError):
        return None
    key = hashlib.sha256(installed.encode("utf-8")).hexdigest()[:16]
    return cache_folder() / f"bank_holidays_ENG_{first_year}_{last_year}_{key}.npy"


def _read_kept(file: Path) -> np.ndarray | None:
    """The dates kept in `file`; None when there is no such file or it is not what this module writes."""
    try:
        dates = np.load(file, allow_pickle=False)
    except (OSError, ValueError, EOFError):
        return None
    usable = dates.dtype == np.dtype("datetime64[D]") and dates.ndim == 1 and len(dates) > 0
    return dates if usable and bool((np.diff(dates) > np.timedelta64(0, "D")).all()) else None


def _keep(file: Path, dates: np.ndarray) -> None:
    """Write the cache file whole or not at all (another run may be reading it); a folder that cannot be
    written only means the dates are worked out again next time. (kpi.data.files.write_atomically is a layer
    above this one.)"""
    try:
        file.parent.mkdir(parents=True, exist_ok=True)
        handle = tempfile.NamedTemporaryFile(dir=file.parent, prefix=f".{file.stem}.", suffix=".npy",  # noqa: SIM115
                                             delete=False)  # closed below, before it is renamed
    except OSError:
        return
    try:
        with handle:
            np.save(handle, dates, allow_pickle=False)
        os.replace(handle.name, file)
    except OSError:
        Path(handle.name).unlink(missing_ok=True)


@cache
def calendar() -> np.busdaycalendar:
    return np.busdaycalendar(weekmask=WEEKMASK, holidays=bank_holidays())


def _days(dates: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    return pd.to_datetime(pd.Series(dates)).to_numpy().astype("datetime64[D]")


def working_days_elapsed(start: pd.Series, end: pd.Series) -> pd.Series:
    """Working days in (start, end] for each pair; missing where either date is missing.

    numpy counts [a, b); counting [start + 1 day, end + 1 day) is the same as (start, end].
    """
    start = pd.Series(start)
    end = pd.Series(end, index=start.index)
    result = pd.Series(pd.NA, index=start.index, dtype="Int64")
    known = start.notna() & end.notna()
    if known.any():
        first = _days(start[known]) + np.timedelta64(1, "D")
        last = _days(end[known]) + np.timedelta64(1, "D")
        counted = np.busday_count(first, last, busdaycal=calendar())
        result[known] = counted
    return result


def add_working_days(start: pd.Series, days: int) -> pd.Series:
    """The date on which `days` working days have elapsed since `start` (the last day of the timescale)."""
    start = pd.Series(start)
    result = pd.Series(pd.NaT, index=start.index, dtype="datetime64[us]")
    known = start.notna()
    if known.any():
        # Rolling a weekend or holiday start back to the working day before gives the same count,
        # because under the half-open convention the start day itself is never counted.
        moved = np.busday_offset(_days(start[known]), days, roll="backward", busdaycal=calendar())
        result[known] = pd.to_datetime(moved).astype("datetime64[us]")
    return result


def is_working_day(dates: pd.Series) -> pd.Series:
    dates = pd.Series(dates)
    return pd.Series(np.is_busday(_days(dates), busdaycal=calendar()), index=dates.index)
