"""An independent check of a public pack's workbook: can a reader work out a small count of children?

This does not trust kpi.indicators.disclosure (the policy that withholds figures); it reads what is about to be
published, as a reader would, and tries every route a reader has:

* the counts shown (numerators and denominators that count children, and counts shown as values);
* a rate times its denominator (or a count over its rate) where the count itself is withheld;
* the rest of a share (denominator - numerator: 40 of 43 reveals 3);
* a quarter's total less its months shown (the total and two months reveal the third), or the months
  withheld together;
* the change in a restated figure (347 then 349 reveals 2);
* the data-quality counts of children's records, and those left unrecorded.

Any count from 1 to the threshold found by any route is a finding. `kpi pack` runs this on every public
workbook before anything is moved into place, and refuses to publish (exit 4) on a finding; an officer
can run it on any workbook with `kpi check-disclosure <workbook.xlsx>`.

The workbook is the pack's data (every figure of the PDF and the HTML is in it), with, for each figure,
whether it is about children, whether it is a share, and whether its numerator counts children.
In the Welsh Government style counts are rounded to the nearest 5, so only the counts shown are
checked (a difference of rounded counts is not a count).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

MONTH = re.compile(r"^\d{4}-\d{2}$")
# Sheets (by code) that hold figures of ours about children: the summary and the chart data.
FIGURE_SHEETS = ("summary", "front_door", "assessments", "child_protection", "looked_after", "workforce")


class DisclosureRisk(Exception):
    """A public output would let a reader work out a small count of children: it is not published."""


@dataclass(frozen=True)
class Finding:
    """A count of 1 to the threshold that a reader could work out, and how."""

    sheet: str
    indicator: str
    period: str
    route: str
    count: float

    def __str__(self) -> str:
        return f"{self.indicator} {self.period} ({self.sheet}): {self.route} gives {self.count:g}"


def _flag(column: pd.Series) -> pd.Series:
    return column.map(lambda v: str(v).strip().lower() in ("true", "1", "1.0")).astype(bool)


def _num(frame: pd.DataFrame, column: str) -> pd.Series:
    return pd.to_numeric(frame[column], errors="coerce") if column in frame else pd.Series(np.nan, index=frame.index)


def _small(values: pd.Series, threshold: int) -> pd.Series:
    rounded = values.round(6)
    return rounded.ge(1) & rounded.le(threshold)


def _figures(sheets: dict[str, pd.DataFrame]) -> pd.DataFrame:
    """Every figure about children that the workbook shows: the summary's (with its previous and
    year-earlier values as figures of their own periods) and every chart point."""
    frames = []
    for name, sheet in sheets.items():
        if name not in FIGURE_SHEETS or not {"indicator_id", "period", "about_children"} <= set(sheet.columns):
            continue
        sheet = sheet[_flag(sheet["about_children"])]
        base = pd.DataFrame({
            "sheet": name, "indicator": sheet["indicator_id"].astype(str), "period": sheet["period"].astype(str),
            "value": _num(sheet, "value"), "numerator": _num(sheet, "numerator"),
            "denominator": _num(sheet, "denominator"), "unit": sheet.get("unit", pd.Series("", index=sheet.index)),
            "share": _flag(sheet["share"]), "counts": _flag(sheet["numerator_counts_children"])})
        frames.append(base)
        for which in ("previous", "last_year"):
            if f"{which}_value" in sheet and f"{which}_period" in sheet:
                frames.append(base.assign(period=sheet[f"{which}_period"].astype(str),
                                          value=_num(sheet, f"{which}_value"), numerator=np.nan, denominator=np.nan))
    if not frames:
        return pd.DataFrame(columns=["sheet", "indicator", "period", "value", "numerator", "denominator", "unit",
                                     "share", "counts"])
    return pd.concat(frames, ignore_index=True)


def _findings(frame: pd.DataFrame, counts: pd.Series, route: str, threshold: int) -> list[Finding]:
    hit = _small(counts, threshold) & counts.notna()
    return [Finding(s, i, p, route, float(c)) for s, i, p, c in
            zip(frame.loc[hit, "sheet"], frame.loc[hit, "indicator"], frame.loc[hit, "period"], counts[hit])]


def _direct_and_derived(figures: pd.DataFrame, threshold: int, exact: bool) -> list[Finding]:
    """The counts shown; then, where counts are exact (not rounded to 5), the counts behind them."""
    if not exact:  # rounded to the nearest 5: a 5 shown stands for 6 or 7 (1 to 5 are withheld); other small
        figures = figures.assign(**{c: figures[c].where(figures[c] % 5 != 0) for c in  # counts are a leak
                                    ("numerator", "denominator", "value")})
    found = []
    numerator = figures["numerator"].where(figures["counts"])
    found += _findings(figures, numerator, "the numerator shown", threshold)
    found += _findings(figures, figures["denominator"], "the denominator shown", threshold)
    count_values = figures["value"].where(figures["unit"].eq("count") & figures["denominator"].isna())
    found += _findings(figures, count_values, "the count shown", threshold)
    if not exact:
        return found
    percent = figures["unit"].eq("percent") & figures["share"]
    from_rate = (figures["value"] * figures["denominator"] / 100).round()
    found += _findings(figures, from_rate.where(percent & figures["numerator"].isna() & figures["counts"]),
                       "the rate times its denominator", threshold)
    found += _findings(figures, (figures["denominator"] - figures["numerator"]).where(figures["share"]),
                       "the rest of the share (denominator - numerator)", threshold)
    rest_from_rate = (figures["denominator"] * (1 - figures["value"] / 100)).round()
    found += _findings(figures, rest_from_rate.where(percent & figures["numerator"].isna()),
                       "the rest of the share (from the rate)", threshold)
    return found


def _quarter_of(month: str) -> str:
    period = pd.Period(month, freq="M").asfreq("Q-MAR")
    return f"{period.qyear - 1}-{period.qyear % 100:02d}Q{period.quarter}"


def _margins(figures: pd.DataFrame, threshold: int) -> list[Finding]:
    """A quarter's total less the months of it that are shown; and the months of a quarter added up."""
    months = figures[figures["period"].str.match(MONTH) & figures["unit"].eq("count") & figures["denominator"].isna()]
    if months.empty:
        return []
    months = months.drop_duplicates(["indicator", "period"]).assign(quarter=lambda f: f["period"].map(_quarter_of))
    totals = figures[~figures["period"].str.match(MONTH) & figures["value"].notna()]
    totals = totals.drop_duplicates(["indicator", "period"]).set_index(["indicator", "period"])["value"]
    found = []
    for (indicator, quarter), group in months.groupby(["indicator", "quarter"]):  # a few dozen quarters
        shown = group["value"].notna()
        if shown.all() and len(group) == 3:
            whole = group["value"].sum()
            if _small(pd.Series([whole]), threshold).iloc[0]:
                found.append(Finding(group["sheet"].iloc[0], indicator, quarter, "its months added up", whole))
            continue
        if (indicator, quarter) not in totals.index or len(group) != 3:
            continue
        rest = totals[(indicator, quarter)] - group.loc[shown, "value"].sum()
        if _small(pd.Series([rest]), threshold).iloc[0]:
            hidden = ", ".join(group.loc[~shown, "period"])
            found.append(Finding(group["sheet"].iloc[0], indicator, hidden,
                                 f"the {quarter} total less its months shown", rest))
    return found


def _restated(sheet: pd.DataFrame, threshold: int) -> list[Finding]:
    if "published_numerator" not in sheet:
        return []
    frame = pd.DataFrame({"sheet": "restated", "indicator": sheet["indicator_id"].astype(str),
                          "period": sheet["period"].astype(str)})
    found = []
    for column in ("numerator", "denominator"):
        change = (_num(sheet, column) - _num(sheet, f"published_{column}")).abs()
        found += _findings(frame, change, f"the change in a restated {column}", threshold)
    return found


def _completeness(sheet: pd.DataFrame, threshold: int) -> list[Finding]:
    if "records" not in sheet or "about_children" not in sheet:
        return []
    rows = sheet[_flag(sheet["about_children"]) & _num(sheet, "records").notna()]
    named = rows["description"] if "description" in rows else pd.Series(rows.index, index=rows.index)
    frame = pd.DataFrame({"sheet": "completeness", "indicator": named.astype(str), "period": ""}, index=rows.index)
    records, recorded = _num(rows, "records"), _num(rows, "recorded")
    return (_findings(frame, records, "records counted", threshold)
            + _findings(frame, recorded, "records with the field recorded", threshold)
            + _findings(frame, records - recorded, "records without the field recorded", threshold))


def scan_sheets(sheets: dict[str, pd.DataFrame], threshold: int = 5, style: str = "dfe") -> list[Finding]:
    """Every count of 1 to `threshold` children a reader could work out from these sheets (by sheet code:
    summary, front_door, assessments, workforce, restated, completeness; columns by code)."""
    exact = style != "welsh_government"
    figures = _figures(sheets)
    found = _direct_and_derived(figures, threshold, exact)
    if exact:
        found += _margins(figures, threshold)
        if "restated" in sheets:
            found += _restated(sheets["restated"], threshold)
    if "completeness" in sheets:
        found += _completeness(sheets["completeness"], threshold)
    return list(dict.fromkeys(found))


def scan_workbook(path: str | Path, threshold: int = 5, style: str = "dfe") -> list[Finding]:
    """Check a pack workbook (pack.<language>.xlsx, English or Welsh) before it is published."""
    from kpi.pack.workbook_words import read_workbook  # the workbook's headings, back to codes

    sheets = read_workbook(path)
    if not any("about_children" in sheet.columns for sheet in sheets.values()):
        from kpi.errors import UnusableInput

        raise UnusableInput(f"{path}: cannot be checked: it does not say which figures are about children "
                            "(is it a pack workbook made by this version of kpi?)")
    return scan_sheets(sheets, threshold, style)


def require_safe(path: str | Path, threshold: int = 5, style: str = "dfe") -> None:
    """Raise DisclosureRisk, naming the first figures, if a reader could work out a small count."""
    findings = scan_workbook(path, threshold, style)
    if findings:
        named = "; ".join(str(f) for f in findings[:3]) + (f"; and {len(findings) - 3} more" if len(findings) > 3 else "")
        raise DisclosureRisk(f"refusing to publish: a count of 1 to {threshold} children could be worked out: {named}")
