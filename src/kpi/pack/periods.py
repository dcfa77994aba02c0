"""Which periods a committee pack can be made for: its own module, so that `kpi pack` can refuse a week or a
day before anything runs without loading what the pack itself is built with (charts, matplotlib)."""

from __future__ import annotations

from kpi.config import Config
from kpi.data.processed import ProcessedData
from kpi.errors import UnusableInput
from kpi.time import periods as fp

PACK_PERIODS = ("quarter", "half", "year_to_date", "year")


def pack_period(period: str, data: ProcessedData, config: Config) -> fp.AnyPeriod:
    """The period `--period` names, if a committee pack can be made for it (weeks and days are for
    `kpi indicators`: their packs would be all dashes and no trend)."""
    chosen = fp.resolve(period, data.last_date, config.week_ending).latest
    if fp.kind(chosen) not in PACK_PERIODS:
        raise UnusableInput(f"a pack is for a quarter (2018-19Q3), a half-year (2018-19H1), a year to date "
                            f"(2018-19Q1-Q3) or a year (2018-19), not '{period}' (use `kpi indicators` for it)")
    return chosen
