"""Any period an officer names: months, weeks, intervals of dates and as-at days (issue 14, point 1).

The acceptance runs the seed figures through `kpi ingest` and `kpi indicators`: the week ending 10
February 2017 (263 contacts, 262 decided within a working day, 18 to a strategy discussion) and the
open assessments on 17 December 2018 (159, 22 over 42 working days).
"""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.cli import main
from kpi.time.periods import (DateSpan, PeriodError, a_year_earlier, as_at, bounds, code, financial_year, kind, label,
                              months_label, parse_period, parse_period_range, previous, quarters_in, resolve,
                              week_of, weeks_ending)
from seeds import seed_december_assessments, seed_week_contacts

# written, kind, first day, last day, English label, Welsh label
FORMS = [
    ("2017-02", "month", "2017-02-01", "2017-02-28", "Feb 2017", "Chwef 2017"),
    ("2017-W06", "iso_week", "2017-02-06", "2017-02-12", "2017 week 6", "wythnos 6 2017"),
    ("we2017-02-10", "week", "2017-02-04", "2017-02-10", "week ending 10 February 2017",
     "wythnos yn diweddu 10 Chwefror 2017"),
    ("2017-02-04/2017-02-10", "days", "2017-02-04", "2017-02-10", "4 to 10 February 2017", "4 – 10 Chwefror 2017"),
    ("2018-12-17", "day", "2018-12-17", "2018-12-17", "17 December 2018", "17 Rhagfyr 2018"),
]


@pytest.mark.parametrize(("text", "which", "first", "last", "english", "welsh"), FORMS)
def test_each_form_parses_writes_back_and_says_itself(text, which, first, last, english, welsh):
    period = parse_period(text, week_ending="friday")
    assert kind(period) == which
    assert code(period) == text
    assert parse_period(code(period)) == period
    assert bounds(period) == (pd.Timestamp(first), pd.Timestamp(last))
    assert (label(period), label(period, "cy")) == (english, welsh)


@pytest.mark.parametrize(("text", "before", "year_earlier"), [
    ("2017-02", "2017-01", "2016-02"),
    ("2017-W06", "2017-W05", "2016-W06"),
    ("2017-W01", "2016-W52", "2016-W01"),
    ("we2017-02-10", "we2017-02-03", "we2016-02-12"),  # 52 weeks earlier: the same weekday
    ("2017-02-04/2017-02-10", "2017-01-28/2017-02-03", "2016-02-04/2016-02-10"),
    ("2018-12-17", "2018-12-16", "2017-12-17"),
    ("2020-02-29", "2020-02-28", "2019-02-28"),
])
def test_the_periods_before(text, before, year_earlier):
    period = parse_period(text)
    assert code(previous(period)) == before
    assert code(a_year_earlier(period)) == year_earlier


def test_other_spellings_and_a_one_day_interval():
    assert code(parse_period("2017w6")) == "2017-W06"
    assert code(parse_period("WE2017-02-10")) == "we2017-02-10"
    assert code(parse_period(" 2017-02-04 / 2017-02-10 ")) == "2017-02-04/2017-02-10"
    assert parse_period("2018-12-17/2018-12-17") == parse_period("2018-12-17") == as_at("17/12/2018")
    assert as_at("2018-12-17") == pd.Period("2018-12-17", freq="D")
    assert parse_period("2010-11") == parse_period("2010-11") and kind(parse_period("2010-11")) == "year"


def test_a_week_belongs_to_the_financial_year_of_its_last_day():
    week = parse_period("we2017-04-07")  # Saturday 1 to Friday 7 April 2017
    assert code(financial_year(week)) == "2017-18"
    spanning = parse_period("2017-03-29/2017-04-04")
    assert code(financial_year(spanning)) == "2017-18"
    assert [code(q) for q in quarters_in(spanning)] == ["2016-17Q4", "2017-18Q1"]
    assert months_label(spanning) == "29 March to 4 April 2017"
    assert months_label(parse_period("2017-02")) == "February 2017"


def test_ranges_of_weeks_months_and_days():
    assert [code(p) for p in parse_period_range("2017-W01..2017-W06")] == [f"2017-W0{n}" for n in range(1, 7)]
    weeks = resolve("we2017-01-06..we2017-02-10", None, "friday").periods
    assert [code(p) for p in weeks] == ["we2017-01-06", "we2017-01-13", "we2017-01-20", "we2017-01-27",
                                        "we2017-02-03", "we2017-02-10"]
    assert len(parse_period_range("2016-11..2017-02")) == 4
    assert len(parse_period_range("2018-12-15..2018-12-17")) == 3


@pytest.mark.parametrize(("text", "message"), [
    ("we2017-02-11", "11 February 2017 is a Saturday, but reporting weeks end on a Friday"),
    ("2017-W54", "2017 has no ISO week 54"),
    ("2017-13", "not a month"),
    ("2017-02-10/2017-02-04", "ends before it starts"),
    ("2017-02-30", "is not a date"),
    ("2017-02..2017-W06", "both ends of a range must be of one kind"),
    ("2017-02-04/2017-02-10..2017-02-11/2017-02-17", "give a half-year, a year to date or an interval"),
    ("February 2017", "is not a period"),
])
def test_bad_periods_are_refused_in_one_line(text, message):
    with pytest.raises(PeriodError, match=message) as refused:
        resolve(text, None, "friday")
    assert "\n" not in str(refused.value)


def test_the_weekday_checked_is_the_configured_one():
    assert code(resolve("we2017-02-09", None, "thursday").latest) == "we2017-02-09"
    with pytest.raises(PeriodError, match="Friday, but reporting weeks end on a Thursday"):
        resolve("we2017-02-10", None, "thursday")
    with pytest.raises(PeriodError, match="not a date"):
        as_at("17 Dec 2018")


def test_an_interval_is_a_period_the_package_can_use():
    span = parse_period("2017-02-04/2017-02-10")
    assert isinstance(span, DateSpan) and span.days == 7
    assert span.end_time == pd.Timestamp("2017-02-10 23:59:59.999999999")
    assert len({span, parse_period("2017-02-04/2017-02-10")}) == 1
    assert span < parse_period("2017-02-05/2017-02-06")


def test_reporting_weeks_of_dates_and_the_weeks_of_a_chart():
    dates = pd.Series(pd.to_datetime(["2017-02-03 23:59", "2017-02-04 00:00", "2017-02-10 17:00"]))
    assert [code(w) for w in week_of(dates, "friday")] == ["we2017-02-03", "we2017-02-10", "we2017-02-10"]
    assert [code(w) for w in weeks_ending(pd.Timestamp("2017-02-12"), 3, "friday")] == [
        "we2017-01-27", "we2017-02-03", "we2017-02-10"]
    assert code(weeks_ending(pd.Timestamp("2017-02-10"), 1, "friday")[0]) == "we2017-02-10"


# ---- the seed figures, through ingest and `kpi indicators` ----------------------------------------------


def _seed_project(project, name: str, frame: pd.DataFrame, extract_date: str) -> None:
    frame.to_csv(project.root / f"{name}.csv", index=False)
    project.write_config({name: {"path": f"{name}.csv"}}, extract_date=extract_date)
    assert main(["ingest", "--config", str(project.config_path), "--quiet"]) == 0


def _indicators(project, period: str, option: str = "--period") -> pd.DataFrame:
    out = project.root / f"indicators-{period.replace('/', '_')}.csv"
    args = ["indicators", option, period, "--format", "csv", "--out", str(out),
            "--config", str(project.config_path)]
    assert main(args) == 0
    return pd.read_csv(out, comment="#").set_index("indicator_id")


@pytest.mark.parametrize("period", ["2017-02-04/2017-02-10", "we2017-02-10"])
def test_the_seed_week_from_an_extract_of_that_week_only(project, period):
    _seed_project(project, "contacts", seed_week_contacts(), "2017-02-13")
    table = _indicators(project, period)
    assert table.loc["contacts_received", "value"] == 263
    assert table.loc["contacts_decided_within_1wd_pct", ["numerator", "denominator"]].tolist() == [262, 263]
    assert table.loc["contacts_to_strategy_pct", "numerator"] == 18
    assert table.loc["contacts_from_police_pct", "value"] == pytest.approx(105 / 263 * 100)
    # What a one-week extract cannot say is unavailable, with the reason.
    assert table.loc["rereferrals_within_12m_pct", "reason"] == "the contacts data do not cover the 12 months before this period"
    assert table.loc["contacts_change_on_last_year_pct", "status"] == "unavailable"
    assert table["previous_value"].isna().all()


def test_a_week_the_extract_does_not_reach_is_unavailable_not_zero(project):
    _seed_project(project, "contacts", seed_week_contacts(), "2017-02-13")
    table = _indicators(project, "we2017-02-17")
    assert table.loc["contacts_received", "status"] == "unavailable"
    assert table.loc["contacts_received", "reason"] == "the contacts data do not cover this period"


@pytest.mark.parametrize(("option", "when"), [("--period", "2018-12-17/2018-12-17"), ("--as-at", "2018-12-17"),
                                               ("--as-at", "17/12/2018")])
def test_the_december_snapshot_as_at_a_day(project, option, when):
    _seed_project(project, "assessments", seed_december_assessments(), "2018-12-17")
    table = _indicators(project, when, option)
    assert table.loc["assessments_open_at_period_end", "value"] == 159
    assert table.loc["assessments_open_over_timescale", ["numerator", "denominator"]].tolist() == [22, 159]
    assert table.loc["caseload_per_social_worker_fte", "status"] == "unavailable"


def test_caseload_figures_for_a_week_with_no_snapshot_in_it_are_unavailable_not_zero(project):
    caseloads = pd.DataFrame({"Snapshot Date": ["31/01/2017", "31/01/2017"], "Worker ID": ["W1", "W2"],
                              "Team": ["North", "North"], "Role": ["Social worker", "Social worker"],
                              "FTE": [1.0, 1.0], "Open Cases": [18, 22]})
    _seed_project(project, "caseloads", caseloads, "2017-02-13")
    table = _indicators(project, "we2017-02-10")
    # The reason is a fixed sentence, so that a Welsh pack or table says it from the translation catalogue.
    assert table.loc["caseload_per_social_worker_fte", "reason"] == "no caseload snapshot was taken in the period"
    assert table.loc["workers_over_caseload_threshold", "status"] == "unavailable"


def test_a_pack_is_not_made_for_a_week(project, capsys):
    _seed_project(project, "contacts", seed_week_contacts(), "2017-02-13")
    assert main(["pack", "--period", "we2017-02-10", "--config", str(project.config_path)]) == 2
    assert "a pack is for a quarter" in capsys.readouterr().err



def test_as_at_and_period_together_are_refused_in_one_line(project, capsys):
    _seed_project(project, "assessments", seed_december_assessments(), "2018-12-17")
    assert main(["indicators", "--period", "2018-19Q3", "--as-at", "2018-12-17",
                 "--config", str(project.config_path)]) == 2
    assert "give --period or --as-at, not both" in capsys.readouterr().err
