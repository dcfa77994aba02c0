"""The indicator explorer on tables small enough to check by hand: the numbers by team and month, SPC
with a rebase, and the records behind a quarter (kpi.officers.records), which must be the measure's."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.officers import explorer
from kpi.catalogue import catalogue
from kpi.charts.teams import team_chart
from kpi.errors import UnusableInput
from kpi.officers.records import HIDDEN_ID, RestrictedUse, records_behind
from kpi.indicators.table import compute_values
from kpi.indicators.measures import MEASURES, PeriodData, Settings, Unavailable
from kpi.time.periods import bounds, parse_period
from kpi.data.processed import ProcessedData
from kpi.spc.xmr import spc
from tables import assessment, canonical, case, contact, discussion, episode, establishment, registration, worker

Q1, Q2 = parse_period("2018-19Q1"), parse_period("2018-19Q2")  # Q2: July - September 2018
INDICATORS = catalogue()
TIMELINESS = INDICATORS["assessments_within_timescale_pct"]
SETTINGS = Settings(timescale=42, caseload_threshold=20, child_population=2_000)


def child(letter: str) -> str:
    """A child id as `kpi ingest` stores it: a keyed pseudonym."""
    return "C-" + letter * 20


@pytest.fixture(scope="module")
def data() -> ProcessedData:
    contacts = canonical("contacts", [
        contact("K0", child("z"), "2017-07-01 09:00", decided="2017-07-03 10:00"),  # the data start a year before
        contact("K00", child("a"), "2017-09-04 09:00", kind="referral", decided="2017-09-04 10:00"),
        contact("K1", child("a"), "2018-07-02 09:00", source="police", kind="referral", decided="2018-07-02 15:00",
                outcome="advice"),  # a re-referral: child a was referred on 4 September 2017
        contact("K2", child("b"), "2018-07-03 09:00", kind="referral", decided="2018-07-10 09:00",
                outcome="assessment"),  # decided 5 working days later
        contact("K3", child("c"), "2018-08-01 09:00", source="education", decided=None, outcome="strategy",
                strategy_discussion=True),
        contact("K4", child("d"), "2018-09-28 16:00", source="police", decided="2018-10-01 09:00",
                outcome="no_further_action"),  # next working day
    ])
    assessments = canonical("assessments", [
        # Referral Mon 2 Jul 2018; Thu 30 Aug is the 42nd working day (27 Aug is a bank holiday).
        assessment("A1", "2018-07-02", "2018-08-30", child_id=child("a"), child_seen=True, language="welsh"),
        assessment("A2", "2018-07-02", "2018-08-31", child_id=child("b"), language="not_recorded"),  # 43: late
        assessment("A3", "2018-09-03", "2018-09-03", child_seen=False, language="english", team="South"),
        assessment("A4", "2018-06-01", None, child_id=child("c"), language="english", team="South"),  # open, late
        assessment("A5", "2018-09-20", "2018-10-10", child_id=child("d"), language="other"),  # open at 30 Sep
        assessment("A0", "2018-01-05", "2018-02-01", child_id=child("e"), language="english"),  # history
    ]).assign(source_file="raw/assessments.xlsx", source_row=[4, 5, 6, 7, 8, 3])
    caseloads = canonical("caseloads", [
        worker("2018-08-31", "W-" + "1" * 20, "social_worker", 1.0, 30, agency=False),
        worker("2018-09-30", "W-" + "1" * 20, "social_worker", 1.0, 22, agency=False),
        worker("2018-09-30", "W-" + "2" * 20, "senior_practitioner", 0.5, 9, agency=True, team="South"),
        worker("2018-09-30", "W-" + "3" * 20, "social_worker", 0.8, 14, agency=None, team="South"),
        worker("2018-09-30", "W-" + "4" * 20, "team_manager", 1.0, 3),  # not a case holder
    ])
    registrations = canonical("child_protection", [
        registration("R0", child("e"), "2017-06-01", "2018-03-01"),  # ended 1 March 2018 ...
        registration("R1", child("e"), "2018-07-10"),  # ... so this is a re-registration within 12 months
        registration("R2", child("f"), "2018-08-01", "2018-09-20"),  # registered and ended in Q2: 50 days
        registration("R3", child("g"), "2017-09-01", "2018-09-30"),  # ended on the quarter's last day: 394 days
    ])
    discussions = canonical("strategy_discussions", [
        discussion("S0", child("z"), "2017-07-01", "2017-07-01", s47=False),  # history
        discussion("S1", child("c"), "2018-08-01", "2018-08-01", s47=True),  # the same day
        discussion("S2", child("d"), "2018-09-28", "2018-10-02", s47=False),  # Friday to Tuesday: 2 working days
        discussion("S3", child("b"), "2018-07-03", "2018-07-04", s47=False),  # the next working day
    ])
    episodes = canonical("looked_after", [
        episode("E0", child("h"), "2017-08-01", "2018-02-01", placed_outside=False),
        episode("E1", child("h"), "2018-02-01", "2018-08-15", placed_outside=False),
        episode("E2", child("h"), "2018-08-15", None, placed_outside=True),  # a third placement in the year
        episode("E3", child("i"), "2018-07-20", None, placed_outside=False),  # came into care in Q2
        episode("E4", child("j"), "2018-05-01", None, placed_by_other_authority=True),  # another authority's
    ])
    cases = canonical("allocations", [
        case("C0", "2017-07-01", "2017-07-02"),  # history
        case("C1", "2018-09-01"),  # still waiting on 30 September: 29 days
        case("C2", "2018-08-01", "2018-08-03"),
        case("C3", "2018-09-20", None, "2018-09-25"),  # closed before it was allocated
    ])
    teams = canonical("establishment", [
        establishment("2018-06-30", "North", 10, 1, agency=1, sickness=5),
        establishment("2018-07-31", "North", 10, 2, agency=1, sickness=4),
        establishment("2018-08-31", "North", 10, 2, agency=1, sickness=3),
        establishment("2018-09-30", "North", 10, 2, agency=1.5, sickness=6),
        establishment("2018-09-30", "South", 5, 1, agency=0, sickness=2),
    ])
    return ProcessedData.from_tables(
        {"contacts": contacts, "assessments": assessments, "caseloads": caseloads, "child_protection": registrations,
         "strategy_discussions": discussions, "looked_after": episodes, "allocations": cases, "establishment": teams},
        extract_dates={"contacts": "2018-10-05", "assessments": "2018-10-31", "looked_after": "2018-10-31",
                       "allocations": "2018-10-31"})


# ------------------------------------------------------------------------------- by team, by month, by quarter


def test_teams_add_up_to_the_authority(data):
    values = explorer.team_values(data, TIMELINESS, [Q2], SETTINGS).set_index("team")
    assert values.loc["North", ["numerator", "denominator"]].tolist() == [1, 2]  # A1 in time, A2 late
    assert values.loc["South", ["numerator", "denominator"]].tolist() == [1, 1]  # A3 same day
    assert values.loc["All", ["numerator", "denominator"]].tolist() == [2, 3]
    table = explorer.team_table(explorer.team_values(data, TIMELINESS, [Q1, Q2], SETTINGS), last=1)
    assert table.index.tolist() == ["All teams", "North", "South"]
    assert table.columns.tolist() == ["2018-19 Q2"]
    assert table.loc["North", "2018-19 Q2"] == pytest.approx(50.0)


def test_an_indicator_not_recorded_by_team_has_the_authority_only(data):
    values = explorer.team_values(data, INDICATORS["contacts_from_police_pct"], [Q2], SETTINGS)
    assert values["team"].tolist() == ["All"]
    with pytest.raises(Unavailable, match="not recorded by team"):
        team_chart(values, INDICATORS["contacts_from_police_pct"])


def test_team_chart_is_a_figure_with_each_teams_latest_value_in_its_alt_text(data):
    values = explorer.team_values(data, TIMELINESS, [Q1, Q2], SETTINGS)
    chart = team_chart(values, TIMELINESS)
    assert len([ax for ax in chart.figure.axes if ax.get_visible()]) == 2
    assert "South 100.0%; North 50.0%; all teams 66.7%" in chart.alt_text
    bundle = chart._repr_mimebundle_()
    assert bundle["text/plain"] == chart.alt_text and 'alt="' in bundle["text/html"]
    assert bundle["image/png"]


def test_months_run_from_the_first_quarters_first_month_to_the_last_quarters_last():
    months = explorer.months_of([Q1, Q2])
    assert [str(m) for m in (months[0], months[-1])] == ["2018-04", "2018-09"] and len(months) == 6


def test_monthly_series_uses_the_same_measure(data):
    monthly = explorer.series(data, INDICATORS["assessments_completed"], explorer.months_of([Q2]), SETTINGS)
    assert monthly["period"].tolist() == ["2018-07", "2018-08", "2018-09"]
    assert monthly["value"].tolist() == [0, 2, 1]  # A1 and A2 in August, A3 in September


def test_series_starts_at_the_first_value(data):
    early = parse_period("2016-17Q4")  # before any data: unavailable, so left off the chart
    quarterly = explorer.series(data, INDICATORS["assessments_open_at_period_end"], [early, Q1, Q2], SETTINGS)
    assert quarterly["period"].tolist() == ["2018-19Q1", "2018-19Q2"]
    assert quarterly["value"].tolist() == [1, 2]  # A4 at 30 June; A4 and A5 at 30 September


# ------------------------------------------------------------------------------------------------------ SPC


def _series(values, first="2015-16Q1"):
    start = parse_period(first)
    periods = [start + i for i in range(len(values))]
    return pd.DataFrame({"period_object": periods, "value": np.asarray(values, dtype="float64")})


STEADY = [85, 86, 84, 85, 87, 85, 84, 86, 85, 86, 84, 85]
DIP = STEADY + [70, 69, 71, 70] + [86, 85, 86, 84, 85, 86, 85, 84, 86, 85, 86, 85, 84]


def test_a_rebase_starts_new_limits_at_its_quarter():
    frame = _series(DIP)
    rebase = frame["period_object"].iloc[16]
    plain = explorer.indicator_spc(frame, TIMELINESS)
    rebased = explorer.indicator_spc(frame, TIMELINESS, rebase_at=[rebase])
    assert plain.points["rebase_group"].nunique() == 1
    assert rebased.points["rebase_group"].tolist() == [0] * 16 + [1] * 13
    assert rebased.settings["target"] == TIMELINESS.target
    table = explorer.spc_comparison({"without rebase": plain, "with rebase": rebased})
    assert table["chart"].tolist() == ["without rebase", "with rebase", "with rebase"]
    assert table["points"].tolist() == [29, 16, 13]
    assert table.iloc[2]["special_cause_points"] == 0  # after the change the process is stable again


def test_a_rebase_lands_on_the_first_month_of_its_quarter():
    months = list(pd.period_range("2018-04", "2018-12", freq="M"))
    assert explorer.rebase_on_chart([Q2], months) == [pd.Period("2018-07", freq="M")]
    assert explorer.rebase_on_chart([Q1], months) == []  # on the first point: nothing to split
    assert explorer.rebase_on_chart([parse_period("2019-20Q1")], months) == []  # after the last


def test_the_outlier_quarter_is_the_latest_special_cause_concern():
    frame = _series(DIP)
    result = explorer.indicator_spc(frame, TIMELINESS, rebase_at=[frame["period_object"].iloc[16]])
    assert explorer.outlier_quarter(result) == frame["period_object"].iloc[15]  # the last quarter of the dip


def test_no_outlier_quarter_without_special_cause():
    assert explorer.outlier_quarter(explorer.indicator_spc(_series(STEADY), TIMELINESS)) is None


def test_a_neutral_indicator_takes_the_latest_special_cause_point():
    values = STEADY + [99]
    result = spc(values, periods=list(_series(values)["period_object"]), improvement="neutral")
    assert explorer.outlier_quarter(result) == _series(values)["period_object"].iloc[-1]


# ------------------------------------------------------------------------------- the records behind a figure


@pytest.mark.parametrize("audience", ["public", "Restricted", ""])
def test_records_are_refused_outside_restricted_use(data, audience):
    error = RestrictedUse if audience == "public" else UnusableInput
    with pytest.raises(error, match="restricted" if audience == "public" else "audience"):
        records_behind(data, TIMELINESS, Q2, SETTINGS, audience=audience)


def test_records_show_pseudonyms_only_and_no_system_ids(data):
    records = records_behind(data, TIMELINESS, Q2, SETTINGS, audience="restricted")
    assert "assessment_id" not in records.columns and "authority" not in records.columns
    # A3's child id came from the test helper ("KA3"), not from ingest: hidden, not shown.
    assert set(records["child_id"]) == {child("a"), child("b"), HIDDEN_ID}
    assert records[["source_file", "source_row"]].columns.tolist() == records.columns[-2:].tolist()


def test_records_that_pull_the_figure_down_come_first(data):
    records = records_behind(data, TIMELINESS, Q2, SETTINGS, audience="restricted")
    assert records["in_numerator"].tolist() == [False, True, True]  # A2 (late) first: higher is better
    assert records.loc[0, "working_days_to_complete"] == 43
    rereferrals = records_behind(data, INDICATORS["rereferrals_within_12m_pct"], Q2, SETTINGS, audience="restricted")
    assert rereferrals["in_numerator"].tolist() == [True, False]  # lower is better: the re-referral first


def _agrees(indicator_id, records, tally):
    if indicator_id == "caseload_per_social_worker_fte":  # DfE: the FTE of those holding a case
        return (records["open_cases"].sum(), records.loc[records["open_cases"].ge(1), "fte"].sum()) == pytest.approx(
            (tally["numerator"], tally["denominator"]))
    if indicator_id == "caseload_agency_social_workers_pct":  # DfE, from the establishment: agency over all FTE
        return (records.loc[records["in_numerator"], "agency_fte"].sum(),
                (records["agency_fte"] + records["in_post_fte"]).sum()) == pytest.approx(
            (tally["numerator"], tally["denominator"]))
    if indicator_id == "vacancy_rate_pct":  # FTE: vacant of funded
        return (records.loc[records["in_numerator"], "vacant_fte"].sum(), records["funded_fte"].sum()) == pytest.approx(
            (tally["numerator"], tally["denominator"]))
    if indicator_id == "sickness_days_per_fte":  # the days lost in the period's snapshots (the FTE is the teams')
        return records["sickness_days"].sum() == pytest.approx(tally["numerator"])
    averages = {"assessments_overdue_avg_working_days": "working_days_to_complete",
                "cp_average_days_on_register": "days_on_register", "unallocated_average_days_waiting": "days_waiting"}
    if indicator_id in averages:
        return (records[averages[indicator_id]].sum(), len(records)) == (tally["numerator"], tally["denominator"])
    if "in_numerator" in records:
        return (records["in_numerator"].sum(), len(records)) == (tally["numerator"], tally["denominator"])
    return len(records) == tally["numerator"]  # a count, or this period's side of a change on last year


@pytest.mark.parametrize("indicator_id", sorted(INDICATORS))
def test_the_records_are_the_ones_the_measure_counts(data, indicator_id):
    indicator = INDICATORS[indicator_id]
    tally = compute_values(data, {indicator_id: indicator}, [Q2], SETTINGS).iloc[0]
    assert tally["status"] == "ok", tally["reason"]
    records = records_behind(data, indicator, Q2, SETTINGS, audience="restricted")
    assert len(records) > 0
    assert _agrees(indicator_id, records, tally), (indicator_id, len(records), tally[["numerator", "denominator"]])
    counted = MEASURES[indicator_id].counted(PeriodData(data.tables, data.spans, *bounds(Q2), SETTINGS))
    if "in_numerator" in records:  # a share: the denominator's records, the numerator's marked
        assert (len(records), records["in_numerator"].sum()) == (len(counted.denominator), len(counted.numerator))
    else:  # a count, a ratio or an average, or this period's side of a change on last year
        assert len(records) == len(counted.numerator)


def test_records_that_cannot_be_listed_say_why(data):
    no_contacts = ProcessedData.from_tables({"assessments": data.tables["assessments"].copy()})
    with pytest.raises(Unavailable, match="no contacts"):
        records_behind(no_contacts, INDICATORS["contacts_received"], Q2, SETTINGS, audience="restricted")
