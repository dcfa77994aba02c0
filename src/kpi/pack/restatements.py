"""Restated figures: a past figure must never move silently.

Every pack keeps the figures it shows beside it (`pack.<language>.figures.csv`: each indicator's value,
numerator and denominator for the pack's period and for every point of its chart). The next pack
compares every earlier period it shows with what the latest earlier public pack published for that
period, and lists each figure that changed, with the likely reason, in its appendix and workbook.

A figure counts as restated when the value as printed (rounded to the indicator's decimals), its
numerator or its denominator differ. Figures withheld (small numbers) in either pack are left out:
a change in something never published is not a restatement, and listing it could reveal it.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.data.cells import from_csv_text
from kpi.time import periods as fp

FIGURE_COLUMNS = ["indicator_id", "period", "value", "numerator", "denominator", "decimals", "suppressed",
                  "pack_period", "audience", "kpi_version", "configuration_sha256", "created_utc"]
RESTATED_COLUMNS = ["indicator_id", "period", "published_in", "published_value", "value", "published_numerator",
                    "numerator", "published_denominator", "denominator", "reason"]
# Why a figure moved, judged from its counts (the words are the pack's, in kpi.pack.render).
REASONS = ("more_records", "fewer_records", "records_changed", "settings_changed")
_MONTH = re.compile(r"^\d{4}-\d{2}$")


def period_of(code: str) -> pd.Period:
    """A period code as the figures files write it: a month (2024-07) or a financial period."""
    return pd.Period(code, freq="M") if _MONTH.match(str(code)) else fp.parse_period(code)


def figures_shown(content) -> pd.DataFrame:
    """Every figure the pack shows: its own period's and each chart point's, as published."""
    frames = []
    for view in content.views.values():
        decimals = view.indicator.decimals
        row = view.row
        own = pd.DataFrame({"indicator_id": [view.indicator.id], "period": [fp.code(content.period)],
                            "value": [row["value"]], "numerator": [row["numerator"]],
                            "denominator": [row["denominator"]], "suppressed": [bool(row.get("suppressed", False))]})
        frames.append(own.assign(decimals=decimals))
        series = view.series
        if not series.empty and "period_object" in series:
            suppressed = series["suppressed"] if "suppressed" in series else pd.Series(False, index=series.index)
            frames.append(pd.DataFrame({
                "indicator_id": view.indicator.id, "period": series["period_object"].map(fp.code),
                "value": series["value"], "numerator": series["numerator"], "denominator": series["denominator"],
                "suppressed": suppressed.fillna(False).astype(bool), "decimals": decimals}))
    figures = pd.concat(frames, ignore_index=True).drop_duplicates(["indicator_id", "period"], keep="first")
    parameters = content.parameters
    figures = figures.assign(pack_period=fp.code(content.period), audience=content.audience,
                             kpi_version=parameters.get("kpi_version", ""),
                             configuration_sha256=parameters.get("configuration_sha256", ""),
                             created_utc=content.created.isoformat())
    return figures[FIGURE_COLUMNS]


def published_before(reports_dir: Path, period: pd.Period) -> pd.DataFrame:
    """The figures of the public packs of periods that ended before this one; for each indicator and
    period, those of the latest such pack."""
    frames = []
    for path in sorted(Path(reports_dir).glob("*/pack.*.figures.csv")):
        try:
            pack_period = fp.parse_period(path.parent.name)
        except fp.PeriodError:
            continue  # not a period folder
        if pack_period.end_time >= period.end_time:
            continue
        frame = from_csv_text(pd.read_csv(path, dtype={"indicator_id": "string", "period": "string",
                                                       "pack_period": "string"}))
        if frame.empty or (frame["audience"] != "public").any():
            continue  # only what was published counts
        frames.append(frame.assign(_pack_end=pack_period.end_time))
    if not frames:
        return pd.DataFrame(columns=FIGURE_COLUMNS)
    figures = pd.concat(frames, ignore_index=True)
    figures = figures.sort_values(["_pack_end", "created_utc"], kind="stable")
    return figures.drop_duplicates(["indicator_id", "period"], keep="last").drop(columns="_pack_end")


def _printed(values: pd.Series, decimals: pd.Series) -> pd.Series:
    """Values as the pack prints them (rounded to each indicator's decimals)."""
    factor = 10.0 ** decimals.astype("float64")
    return np.round(values.astype("float64") * factor) / factor


def _differs(before: pd.Series, after: pd.Series) -> pd.Series:
    both_missing = before.isna() & after.isna()
    return ~both_missing & ~(before == after)


def restated(current: pd.DataFrame, earlier: pd.DataFrame) -> pd.DataFrame:
    """Each figure shown now that differs from what an earlier pack published for the same period."""
    if earlier.empty or current.empty:
        return pd.DataFrame(columns=RESTATED_COLUMNS)
    now = current[current["period"] != current["pack_period"]]  # the pack's own period is new, not restated
    joined = now.merge(earlier, on=["indicator_id", "period"], suffixes=("", "_published"))
    shown = ~joined["suppressed"].astype(bool) & ~joined["suppressed_published"].astype(bool)
    shown &= joined["value"].notna() & joined["value_published"].notna()
    joined = joined[shown]
    changed = (_printed(joined["value"], joined["decimals"]) != _printed(joined["value_published"], joined["decimals"]))
    changed |= _differs(joined["numerator_published"], joined["numerator"])
    changed |= _differs(joined["denominator_published"], joined["denominator"])
    joined = joined[changed].copy()
    if joined.empty:
        return pd.DataFrame(columns=RESTATED_COLUMNS)
    joined["reason"] = _reason(joined)
    out = pd.DataFrame({
        "indicator_id": joined["indicator_id"], "period": joined["period"],
        "published_in": joined["pack_period_published"], "published_value": joined["value_published"],
        "value": joined["value"], "published_numerator": joined["numerator_published"],
        "numerator": joined["numerator"], "published_denominator": joined["denominator_published"],
        "denominator": joined["denominator"], "reason": joined["reason"]})
    order = out["period"].map(lambda code: period_of(code).start_time)
    return out.assign(_order=order).sort_values(["indicator_id", "_order"]).drop(columns="_order").reset_index(
        drop=True)


def _reason(joined: pd.DataFrame) -> pd.Series:
    """more_records / fewer_records (the records counted changed: late recording, or records removed),
    records_changed (same number of records, different answers), settings_changed (the software or the
    configuration differs from the earlier pack's, which can change a figure on its own)."""
    records_now = joined["denominator"].fillna(joined["numerator"])
    records_before = joined["denominator_published"].fillna(joined["numerator_published"])
    reason = np.select([records_now > records_before, records_now < records_before],
                       ["more_records", "fewer_records"], default="records_changed")
    settings = (joined["kpi_version"].astype("string") != joined["kpi_version_published"].astype("string")) | (
        joined["configuration_sha256"].astype("string") != joined["configuration_sha256_published"].astype("string"))
    reason = np.where(settings.fillna(False) & (reason == "records_changed"), "settings_changed", reason)
    return pd.Series(reason, index=joined.index)


def withhold_small_changes(found: pd.DataFrame, policy) -> pd.DataFrame:
    """Counts of a restated figure are shown only when neither moved by 1 to the threshold: "348 then
    360 referrals" would reveal 12, but "347 then 349" would reveal 2 children recorded late."""
    if found.empty:
        return found
    small = pd.Series(False, index=found.index)
    for column in ("numerator", "denominator"):
        small |= policy.small((found[column] - found[f"published_{column}"]).abs())
    found = found.copy()
    for column in ("numerator", "denominator", "published_numerator", "published_denominator"):
        found[column] = found[column].astype("float64").mask(small)
    return found
