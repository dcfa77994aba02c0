"""The open-work traffic light: every assessment still open on a day, banded by working days since referral.

Green up to `green_up_to` working days, amber up to `amber_up_to` (the timescale unless kpi.yml says
otherwise: 42 in Wales, 45 in England), red beyond: red is an assessment already out of timescale, amber
one a manager can still bring in. Working days are counted as the timescale counts them
(kpi.time.workdays: the referral day is not counted, the day itself is). Managers see each open
assessment, oldest first (restricted: pseudonyms only); a public output shows counts by band only, with
small numbers withheld (kpi.officers.small_numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.charts.style import to_png
from kpi.charts.xmr import spc_chart
from kpi.config import Config
from kpi.data.processed import ProcessedData, assessments_open_on
from kpi.errors import UnusableInput
from kpi.indicators.disclosure import Policy
from kpi.officers.records import RestrictedUse, _pseudonyms_only, check_audience
from kpi.officers.small_numbers import shown_counts
from kpi.officers.weeks import weeks_ending
from kpi.spc.xmr import spc
from kpi.time.workdays import working_days_elapsed

BANDS = ("green", "amber", "red")
BAND_WORDS = {"green": "Green", "amber": "Amber", "red": "Red"}
TREND_WEEKS = 52
ALL_TEAMS = "All teams"


def band_of(working_days: pd.Series, bands: tuple[int, int]) -> pd.Series:
    """green, amber or red for each count of working days: green up to bands[0], amber up to bands[1]."""
    green, amber = bands
    return pd.cut(working_days.astype("float64"), bins=[-float("inf"), green, amber, float("inf")],
                  labels=list(BANDS), right=True)


def band_limits(bands: tuple[int, int], t) -> dict[str, str]:
    """Each band's working days in words ('up to 30 working days since referral'), in `t`'s language."""
    green, amber = bands
    return {"green": t("up to {n} working days since referral", n=green),
            "amber": t("{first} to {last} working days", first=green + 1, last=amber),
            "red": t("over {n} working days", n=amber)}


def open_assessments(assessments: pd.DataFrame, as_at: pd.Timestamp, bands: tuple[int, int]) -> pd.DataFrame:
    """Every assessment open at the end of `as_at`, with its working days since referral and its band,
    oldest first (most working days; then earliest referral)."""
    day = pd.Timestamp(as_at).normalize()
    still_open = assessments[assessments_open_on(assessments, day)].copy()
    still_open["working_days"] = working_days_elapsed(still_open["referral_date"],
                                                      pd.Series(day, index=still_open.index)).astype("Int64")
    still_open["band"] = band_of(still_open["working_days"], bands)
    return still_open.sort_values(["working_days", "referral_date"], ascending=[False, True], kind="stable")


def counts_by_team(still_open: pd.DataFrame) -> pd.DataFrame:
    """Teams (rows, then all teams) by band (columns, then all), counts of open assessments."""
    band = pd.Categorical(still_open["band"], categories=list(BANDS))
    table = pd.crosstab(still_open["team"].astype("string"), band, dropna=False).reindex(columns=list(BANDS),
                                                                                       fill_value=0)
    table.loc[ALL_TEAMS] = table.sum()
    table["total"] = table.sum(axis=1)
    return table.astype("int64").rename_axis(index="team", columns=None)


def red_trend(assessments: pd.DataFrame, week_ends: pd.DatetimeIndex, bands: tuple[int, int]) -> pd.DataFrame:
    """For each week's last day: the open assessments and how many of them are red."""
    rows = []
    for week_end in week_ends:  # one step a week, each vectorised over the assessments
        still_open = open_assessments(assessments, week_end, bands)
        rows.append((week_end, len(still_open), int(still_open["band"].eq("red").sum())))
    return pd.DataFrame(rows, columns=["week_end", "open", "red"]).astype(
        {"week_end": "datetime64[us]", "open": "int64", "red": "int64"})


def oldest_first(still_open: pd.DataFrame, *, audience: str) -> pd.DataFrame:
    """Each open assessment, oldest first, for managers: restricted use only, pseudonyms only."""
    check_audience(audience)
    if audience != "restricted":
        raise RestrictedUse("The list of open assessments is for restricted use only: run with "
                            f"audience='restricted' (this run's audience is '{audience}').")
    columns = ["child_id", "team", "referral_date", "start_date", "working_days", "band", "source_file", "source_row"]
    listed = _pseudonyms_only(still_open[[c for c in columns if c in still_open]], "assessments")
    return listed.reset_index(drop=True)


def public_counts(still_open: pd.DataFrame, policy: Policy) -> pd.Series:
    """Open assessments by band and in all, as a public output shows them (small numbers withheld)."""
    counts = still_open["band"].value_counts().reindex(list(BANDS), fill_value=0)
    return shown_counts(counts, policy, total="total")


@dataclass
class OpenWork:
    """The traffic light on one day; every method gives one table for a notebook, the report or the screen."""

    config: Config
    as_at: pd.Timestamp
    bands: tuple[int, int]
    assessments: pd.DataFrame
    still_open: pd.DataFrame

    @classmethod
    def build(cls, config: Config, data: ProcessedData, as_at: pd.Timestamp | str) -> OpenWork:
        if not data.has("assessments"):
            raise UnusableInput("the open-work traffic light needs the assessments table: add an assessments "
                                "source to kpi.yml and run `kpi ingest`")
        day = pd.Timestamp(as_at).normalize()
        bands = config.open_work_bands
        assessments = data.tables["assessments"]
        return cls(config, day, bands, assessments, open_assessments(assessments, day, bands))

    def by_team(self) -> pd.DataFrame:
        return counts_by_team(self.still_open)

    def oldest(self, *, audience: str) -> pd.DataFrame:
        return oldest_first(self.still_open, audience=audience)

    def trend(self, weeks: int = TREND_WEEKS) -> pd.DataFrame:
        return red_trend(self.assessments, weeks_ending(self.as_at, weeks, self.config.week_ending)
                         .map(lambda end: min(end, self.as_at)), self.bands)

    def public(self) -> pd.Series:
        return public_counts(self.still_open, Policy.from_config(self.config))

    def red_trend_chart(self, t) -> tuple[bytes, str, str]:
        """(PNG, alt text, title) of the red count week by week as an XmR chart (fewer is better), in `t`'s
        language: the report and the screen draw the same chart."""
        trend = self.trend()
        title = t("Open assessments in the red band each week")
        picture, alt = spc_chart(spc(trend["red"].astype("float64"), periods=list(trend["week_end"]),
                                     improvement="decrease"), title=title, unit="count", decimals=0, text=t)
        return to_png(picture), alt, title
