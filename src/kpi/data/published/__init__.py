"""Published comparator figures as they really are: `kpi ingest` readers for DfE Explore Education
Statistics tidy CSVs (`format: ees`), the DfE Local Authority Interactive Tool long table (`format: lait`)
and StatsWales-style tables (`format: statswales`), besides our own canonical comparators CSV.

Each reader turns a published table into records of the canonical `comparators` table while keeping the
published cell text, so parsing, validation and quarantine are the common pipeline's. Every row of a
published file is accounted for in the ingest report: the source of one or more records (a wide row
gives a record per mapped value column), merged into another row's record (a StatsWales numerator row),
or left out on purpose with the reason (a geographic level or measure not asked for). After parsing,
numbers are made exact to their published decimals and values that disagree with their own numerator
and denominator are flagged (`kpi.data.published.checks`). A comparator whose unit differs from its
indicator's (a count mapped to a percentage) is refused as soon as its file is read
(`kpi.data.published.units`).
"""

from __future__ import annotations

from kpi.data.published.checks import after_parsing
from kpi.data.published.ees import read_ees
from kpi.data.published.lait import read_lait
from kpi.data.published.statswales import read_statswales
from kpi.data.published.units import check_units

READERS = {"ees": read_ees, "lait": read_lait, "statswales": read_statswales}

__all__ = ["READERS", "after_parsing", "check_units"]
