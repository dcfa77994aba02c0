"""The alt text of an SPC chart: the chart's story in a few sentences, from the same SpcResult as the headline.

In order: the latest value against the mean and what it means (special cause since when, or within normal
variation); the time span; every run of special cause on the chart with its dates and direction (a run is an
unbroken stretch of points of one special-cause type in one phase; a missing value neither breaks nor joins it,
as in `kpi.spc.xmr`); where the limits were recalculated and why, with the mean of each phase; the target and what
the assurance icon says about it; trial limits.

Better/worse words come only from SPC's special-cause types, never from a comparison of two values.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from kpi.charts.words import ChartWords, Translate, chart_words
from kpi.spc.icons import special_cause_since
from kpi.spc.xmr import SpcResult

if TYPE_CHECKING:
    from kpi.spc.phases import RebasePoint

PERCENT_RANGE = (0.0, 100.0)
# Msgids: the latest point's variation icon, and each special-cause point type in a list of runs.
SPECIAL_CAUSE_WORDS = {
    "improvement_high": "special cause improvement",
    "improvement_low": "special cause improvement",
    "concern_high": "special cause concern",
    "concern_low": "special cause concern",
    "neutral_high": "special cause variation (higher)",
    "neutral_low": "special cause variation (lower)",
}
RUN_WORDS = {
    "special_cause_improvement": "improvement",
    "special_cause_concern": "concern",
    "special_cause_neutral_high": "higher",
    "special_cause_neutral_low": "lower",
}
ASSURANCE_SENTENCES = {
    "pass": "The target of {target} will be met consistently if nothing changes.",
    "fail": "The target of {target} will be missed consistently unless something changes.",
    "inconsistent": "The target of {target} will be hit and missed at random.",
    None: "The target is {target}.",
}


def shown_limits(lower: float, upper: float, unit: str) -> tuple[float, float]:
    """Process limits as a chart or sentence shows them: a percentage cannot go below 0% or above 100%."""
    if unit != "percent":
        return lower, upper
    low, high = PERCENT_RANGE
    return (lower if pd.isna(lower) else max(lower, low)), (upper if pd.isna(upper) else min(upper, high))


@dataclass(frozen=True)
class Run:
    """Points `first` to `last` (row positions) are special cause of one `point_type`, in one phase."""

    point_type: str
    first: int
    last: int
    points: int


def special_cause_runs(points: pd.DataFrame) -> list[Run]:
    """Every run of special cause on the chart, in order."""
    rows = points.reset_index(drop=True)
    runs: list[Run] = []
    current: Run | None = None
    group = None
    for i in np.flatnonzero(rows["value"].notna().to_numpy()):  # tens of points
        kind, its_group = rows["point_type"].iloc[i], rows["rebase_group"].iloc[i]
        special = isinstance(kind, str) and kind in RUN_WORDS
        if current is not None and special and kind == current.point_type and its_group == group:
            current = Run(kind, current.first, int(i), current.points + 1)
            continue
        if current is not None:
            runs.append(current)
        current, group = (Run(kind, int(i), int(i), 1), its_group) if special else (None, None)
    if current is not None:
        runs.append(current)
    return runs


def rebase_starts(points: pd.DataFrame) -> list[int]:
    """Row positions where a new rebase group starts (not the first row)."""
    groups = points["rebase_group"].to_numpy()
    return [int(i) for i in np.flatnonzero(groups[1:] != groups[:-1]) + 1]


def descriptions_at(points: pd.DataFrame, rebase_points: Sequence[RebasePoint]) -> dict[int, tuple[str, ...]]:
    """Row position -> the recorded changes' descriptions there (matched by period, else by position)."""
    found: dict[int, tuple[str, ...]] = {}
    periods = points["period"].tolist() if "period" in points.columns else None
    for point in rebase_points:
        if periods is None:
            positions = [point.position] if 0 <= point.position < len(points) else []
        else:
            positions = [i for i, period in enumerate(periods) if period == point.period]
        for position in positions[:1]:
            found[position] = found.get(position, ()) + tuple(point.descriptions)
    return found


def when(points: pd.DataFrame, position: int) -> Any:
    """The period of a row, or its position on a chart without periods."""
    return points["period"].iloc[position] if "period" in points.columns else int(position)


def _position_of(points: pd.DataFrame, since: Any) -> int:
    if "period" in points.columns:
        matches = np.flatnonzero((points["period"] == since).to_numpy())
        return int(matches[0]) if len(matches) else len(points) - 1
    return int(since)


def alt_text(
    result: SpcResult,
    *,
    title: str,
    unit: str = "percent",
    decimals: int = 1,
    language: str = "en",
    target: float | None = None,
    rebase_points: Sequence[RebasePoint] = (),
    text: Translate | ChartWords | None = None,
) -> str:
    """What the chart shows, in words (see the module docstring), in the language of `text` (the pack's Text, or
    any translate function with `language`). `target` defaults to the target `spc` was given; the assurance
    sentence is only said for that target."""
    words = chart_words(text, language)
    points = result.points.reset_index(drop=True)
    with_values = np.flatnonzero(points["value"].notna().to_numpy())
    if len(with_values) == 0:
        return words("{title}: no data.", title=title)
    fmt = lambda v: words.value(v, unit, decimals)
    sentences = [_latest(result, points, int(with_values[-1]), title, unit, words, fmt)]
    if len(points) > 1:
        sentences.append(words("The chart runs from {first} to {last}.", first=words.period(when(points, 0)),
                               last=words.period(when(points, len(points) - 1))))
    sentences.append(_runs(points, words))
    sentences += _phases(points, rebase_points, words, fmt)
    assessed = result.settings.get("target")
    target = assessed if target is None else target
    if target is not None and not pd.isna(target):
        assurance = result.assurance_icon if target == assessed else None
        sentences.append(words(ASSURANCE_SENTENCES[assurance], target=fmt(target)))
    if bool(points["short_group_warning"].iloc[int(with_values[-1])]):
        sentences.append(words("Limits are trial limits (fewer than {n} points).",
                               n=result.settings.get("short_group_points", 13)))
    return " ".join(sentences)


def _latest(result: SpcResult, points: pd.DataFrame, last: int, title: str, unit: str, words: ChartWords,
            fmt) -> str:
    """'Visits: 8.0% in 2019-20 Q4, below the mean of 10.0%; within normal variation between 4.7% and 15.3%.'"""
    row = points.iloc[last]
    sentence = f"{title}: {fmt(row['value'])} {words.at(when(points, last))}"
    if not pd.isna(row["mean"]):
        position = ("above the mean of {mean}" if row["value"] > row["mean"] else
                    "below the mean of {mean}" if row["value"] < row["mean"] else "on the mean of {mean}")
        sentence += ", " + words(position, mean=fmt(row["mean"]))
    if result.variation_icon != "common_cause":
        since = special_cause_since(points)
        start = _position_of(points, since) if since is not None else last
        verdict = f"{words(SPECIAL_CAUSE_WORDS[result.variation_icon])} {words.since(when(points, start))}"
    elif pd.isna(row["lpl"]):
        verdict = words("too few points to tell real change from noise")
    else:
        low, high = shown_limits(row["lpl"], row["upl"], unit)
        verdict = words("within normal variation between {low} and {high}", low=fmt(low), high=fmt(high))
    return f"{sentence}; {verdict}."


def _runs(points: pd.DataFrame, words: ChartWords) -> str:
    """Every special-cause run, grouped by type in order of first appearance: 'Special cause on the chart:
    improvement from 2018-19 Q1 to 2019-20 Q4; concern in 2017-18 Q2.'"""
    runs = special_cause_runs(points)
    if not runs:
        return words("No point on the chart is special cause.")
    kinds = list(dict.fromkeys(run.point_type for run in runs))
    parts = [f"{words(RUN_WORDS[kind])} " + ", ".join(
        words.at_or_span(when(points, run.first), when(points, run.last)) for run in runs if run.point_type == kind)
        for kind in kinds]
    return words("Special cause on the chart: {runs}.", runs="; ".join(parts))


def _phases(points: pd.DataFrame, rebase_points: Sequence[RebasePoint], words: ChartWords, fmt) -> list[str]:
    """Where the limits were recalculated (and the recorded change there), and the mean of each phase."""
    starts = rebase_starts(points)
    if not starts:
        return []
    why = descriptions_at(points, rebase_points)
    where = [f"{words.period(when(points, i))} ({'; '.join(why[i])})" if why.get(i) else words.period(when(points, i))
             for i in starts]
    means = []
    for first, end in zip([0, *starts], [*starts, len(points)]):
        mean = points["mean"].iloc[first]
        if not pd.isna(mean):
            means.append(f"{fmt(mean)} ({words.at_or_span(when(points, first), when(points, end - 1))})")
    sentences = [words("Limits recalculated from {periods}.", periods=", ".join(where))]
    if means:
        sentences.append(words("Mean of each phase: {means}.", means="; ".join(means)))
    return sentences
