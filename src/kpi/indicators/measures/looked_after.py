"""Children looked after: how many, how many came into care, where they live and how often they moved.

`looked_after` has one row per placement (an episode, as in the SSDA903 return): a child's period of care is
the run of their episodes with no gap between them. Rows marked `placed_by_other_authority` are other
authorities' children living here: they are counted only by `placed_here_by_other_authorities`, never as ours.
As DfE and the Welsh Government count them, children looked after at the end of a period are counted once
each, and "three or more placements" counts the placements a child looked after at the end had during the
12 months up to it.
"""

from __future__ import annotations

import pandas as pd

from kpi.indicators.measures import (Counted, PeriodData, Tally, Unavailable, count_of, measure, rows_where,
                                     share_of)

YEAR = pd.DateOffset(months=12)
NONE_LOOKED_AFTER = "no children looked after at the end of the period"
PER = 10_000  # children looked after per 10,000 children in the area
OPEN = pd.Timestamp("2200-01-01")  # the end of an episode not yet ended, later than any real one


def _episodes(data: PeriodData, ours: bool = True) -> pd.DataFrame:
    """Our children's episodes (or, with ours=False, those of children other authorities placed here)."""
    _, frame = data.table("looked_after")
    other = frame["placed_by_other_authority"].fillna(False).astype("bool")
    return frame[~other] if ours else frame[other]


def _open_on(episodes: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    """The episode each child was in at the end of `day` (a child once, should two overlap: the one that started
    last, and of two that started the same day the one with the later episode id, so the choice never
    depends on the order of the rows)."""
    current = episodes["start_date"].le(day) & (episodes["end_date"].isna() | episodes["end_date"].gt(day))
    return episodes[current].sort_values(["start_date", "episode_id"], kind="stable").drop_duplicates(
        "child_id", keep="last")


def _at_end(data: PeriodData) -> pd.DataFrame:
    return _open_on(data.once(_episodes), data.end)


@measure
def looked_after_at_end(data: PeriodData) -> Counted:
    return count_of(data.once(_at_end))


@measure
def looked_after_per_10k(data: PeriodData) -> Counted:
    """Children looked after at the end of the period per 10,000 children living in the area (kpi.yml
    `child_population`, the ONS mid-year estimate of children aged 0 to 17)."""
    at_end = data.once(_at_end)  # first: without the extract, say that rather than the missing population
    population = data.settings.child_population
    if not population:
        raise Unavailable("no child population in kpi.yml (child_population)")
    return Counted(Tally(float(len(at_end)), float(population), len(at_end) / population * PER), at_end)


def new_periods_of_care(episodes: pd.DataFrame) -> pd.Series:
    """True for an episode that starts a period of care: the child's previous episode (if any) ended
    before the day before it started. An earlier episode still open is a continuing period of care - any
    earlier one, not only the one that started last (should two overlap, the child was in care throughout)."""
    ordered = episodes.sort_values(["child_id", "start_date"], kind="stable")
    child = ordered["child_id"]
    # The latest end of the child's earlier episodes, an open one latest of all (without overlaps, the
    # previous episode's end); NaT for a child's first episode, which continues nothing.
    ends = ordered["end_date"].fillna(OPEN)
    latest_end = ends.groupby(child, sort=False).cummax().groupby(child, sort=False).shift()
    continues = latest_end.ge(ordered["start_date"] - pd.Timedelta(days=1))
    return (~continues).reindex(episodes.index)


@measure
def looked_after_new_entries(data: PeriodData) -> Counted:
    """Children who started a period of care in the period (a child counted once)."""
    episodes = data.once(_episodes)
    starting = rows_where(episodes, data.during(episodes, "start_date") & new_periods_of_care(episodes))
    return count_of(starting.drop_duplicates("child_id"))


@measure
def looked_after_placed_outside_pct(data: PeriodData) -> Counted:
    """Of the children looked after at the end, those whose placement is outside the authority's area."""
    at_end = data.once(_at_end)
    outside = rows_where(at_end, at_end["placed_outside"])
    return share_of(outside, at_end, nothing=NONE_LOOKED_AFTER)


@measure
def looked_after_three_placements_pct(data: PeriodData) -> Counted:
    """Of the children looked after at the end, those with three or more placements in the 12 months up to
    the end of the period (the placement they were in when the 12 months began counts as one)."""
    at_end = data.once(_at_end)
    year_start = data.end - YEAR + pd.Timedelta(days=1)
    data.require_cover("looked_after", year_start, "the 12 months up to the end of this period")
    episodes = data.once(_episodes)
    in_year = episodes["start_date"].le(data.end) & (episodes["end_date"].isna() | episodes["end_date"].ge(year_start))
    placements = episodes.loc[in_year, "child_id"].value_counts()
    moved = rows_where(at_end, at_end["child_id"].map(placements).ge(3))
    return share_of(moved, at_end, nothing=NONE_LOOKED_AFTER)


@measure
def placed_here_by_other_authorities(data: PeriodData) -> Counted:
    """Children other authorities have placed in the area, at the end of the period."""
    return count_of(_open_on(_episodes(data, ours=False), data.end))
