"""The weekly front door and the open-work traffic light (issue 14): numbers on tables small enough to
check by hand, then the weekly report run by papermill on the demo authority."""

from __future__ import annotations

import json
import re

import holidays
import nbformat
import pandas as pd
import pytest

from kpi.cli import main
from kpi.config import load_config
from kpi.data.processed import ProcessedData
from kpi.indicators.disclosure import Policy
from kpi.officers import front_door as fd
from kpi.officers.open_work import OpenWork, band_of, counts_by_team, public_counts
from kpi.officers.records import RestrictedUse
from kpi.officers.small_numbers import shown_counts, shown_share
from kpi.pack.outputs import audience_of_html
from kpi.officers.weeks import latest_complete_week, parse_week, week_end_of

AS_AT = pd.Timestamp("2023-06-02")  # a Friday; May 2023 had three bank holidays (1, 8 and 29 May)


def _working_days_before(day: pd.Timestamp, n: int) -> pd.Timestamp:
    """The day n working days before `day` (an independent count: pandas' business days and the bank holidays)."""
    bank = holidays.UK(subdiv="ENG", years=[day.year - 1, day.year])
    return day - pd.offsets.CustomBusinessDay(n, holidays=list(bank))


def _config(project, nation="wales", **extra):
    project.write_config({}, **extra)
    text = project.config_path.read_text().replace("nation: wales", f"nation: {nation}")
    project.config_path.write_text(text)
    return load_config(project.config_path)


def _assessments(working_days: list[int], team="Intake") -> pd.DataFrame:
    referral = [_working_days_before(AS_AT, n) for n in working_days]
    return pd.DataFrame({"assessment_id": [f"A{i}" for i in range(len(referral))],
                         "child_id": [f"C-{i:020x}" for i in range(len(referral))],
                         "referral_date": pd.to_datetime(referral).astype("datetime64[us]"),
                         "start_date": pd.NaT, "completion_date": pd.NaT, "team": team}).astype(
        {"start_date": "datetime64[us]", "completion_date": "datetime64[us]", "team": "string"})


# --- the traffic light --------------------------------------------------------------------------------

def test_a_referral_before_the_late_may_bank_holiday_counts_it_out():
    """Referred Friday 26 May 2023: Tuesday 30 May and Wednesday 31 May are its working days (29 May is not)."""
    from kpi.officers.open_work import open_assessments

    assessments = _assessments([0]).assign(referral_date=pd.Timestamp("2023-05-26"))
    found = open_assessments(assessments, pd.Timestamp("2023-05-31"), (1, 2))
    assert found["working_days"].tolist() == [2] and found["band"].astype(str).tolist() == ["amber"]


class _FakeConfig:
    week_ending = "friday"

    def __init__(self, bands=(30, 42)):
        self.open_work_bands = bands


@pytest.mark.parametrize("nation, amber", [("wales", 42), ("england", 45)])
def test_bands_turn_at_30_31_and_at_the_timescale(project, nation, amber):
    config = _config(project, nation)
    assert config.open_work_bands == (30, amber)
    days = [0, 30, 31, amber, amber + 1]
    work = OpenWork.build(config, ProcessedData.from_tables({"assessments": _assessments(days)}), AS_AT)
    by_days = dict(zip(work.still_open["working_days"], work.still_open["band"].astype(str)))
    assert by_days == {0: "green", 30: "green", 31: "amber", amber: "amber", amber + 1: "red"}
    assert work.still_open["working_days"].tolist() == sorted(days, reverse=True)  # the oldest first


def test_bands_are_the_officers_own_when_set(project):
    config = _config(project, open_work={"green_up_to": 20, "amber_up_to": 35})
    assert band_of(pd.Series([20, 21, 35, 36]), config.open_work_bands).astype(str).tolist() == \
        ["green", "amber", "amber", "red"]


def test_counts_by_team_and_band_add_up_and_completed_work_is_not_open():
    assessments = pd.concat([_assessments([1, 35, 50], "North"), _assessments([2, 60], "South")], ignore_index=True)
    assessments.loc[4, "completion_date"] = AS_AT - pd.Timedelta(days=1)
    work = OpenWork(_FakeConfig(), AS_AT, (30, 42), assessments, None)
    from kpi.officers.open_work import open_assessments

    table = counts_by_team(open_assessments(assessments, AS_AT, (30, 42)))
    assert table.loc["North"].tolist() == [1, 1, 1, 3] and table.loc["South"].tolist() == [1, 0, 0, 1]
    assert table.loc["All teams"].tolist() == [2, 1, 1, 4]
    assert work.as_at == AS_AT


def test_the_red_count_week_by_week(project):
    config = _config(project)
    assessments = _assessments([43, 40])  # red now; the second turns red in the week ending 9 June
    work = OpenWork.build(config, ProcessedData.from_tables({"assessments": assessments}),
                          AS_AT + pd.Timedelta(days=7))
    trend = work.trend(weeks=3)
    assert trend["week_end"].dt.strftime("%Y-%m-%d").tolist() == ["2023-05-26", "2023-06-02", "2023-06-09"]
    assert trend["red"].tolist() == [0, 1, 2] and trend["open"].tolist() == [2, 2, 2]


def test_the_list_of_open_work_is_restricted_and_shows_pseudonyms_only(project):
    config = _config(project)
    assessments = _assessments([43, 3]).assign(child_id=["C-0123456789abcdef0123", "WCCIS-4411"])
    work = OpenWork.build(config, ProcessedData.from_tables({"assessments": assessments}), AS_AT)
    with pytest.raises(RestrictedUse):
        work.oldest(audience="public")
    listed = work.oldest(audience="restricted")
    assert "assessment_id" not in listed and listed["child_id"].tolist() == ["C-0123456789abcdef0123",
                                                                             "(hidden: not a pseudonym)"]


def test_public_counts_withhold_small_numbers_and_enough_others():
    policy = Policy(5)
    still_open = pd.DataFrame({"band": pd.Categorical(["green"] * 20 + ["amber"] * 3 + ["red"] * 9)})
    assert public_counts(still_open, policy).tolist() == ["20", "c", "c", "32"]
    assert shown_counts(pd.Series({"a": 30, "b": 0, "c": 12}), policy).tolist() == ["30", "0", "12"]
    assert shown_counts(pd.Series({"a": 2, "b": 2}), policy, total="all").tolist() == ["c", "c", "c"]
    assert shown_counts(pd.Series({"a": 40, "b": 13}), Policy(5, "welsh_government")).tolist() == ["40", "15"]
    assert shown_share(41, 43, policy) == "c" and shown_share(20, 40, policy) == "50%"


# --- the front door's numbers -------------------------------------------------------------------------

def _contacts(rows: list[tuple]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["received_at", "decision_at", "source", "contact_type", "about"])
    return frame.assign(
        contact_id=[f"CT{i}" for i in range(len(frame))], child_id=[f"C-{i:020x}" for i in range(len(frame))],
        received_at=pd.to_datetime(frame["received_at"]).astype("datetime64[us]"),
        decision_at=pd.to_datetime(frame["decision_at"]).astype("datetime64[us]"),
        outcome=pd.Series(["advice"] * len(frame), dtype="string").where(frame["decision_at"].notna()),
        strategy_discussion=pd.Series([False] * len(frame), dtype="boolean"))


WEEK = _contacts([
    ("2017-02-04 10:00", "2017-02-06 09:00", "police", "referral", "child"),   # Saturday -> Monday: within one
    ("2017-02-03 16:00", "2017-02-07 09:00", "health", "enquiry", "child"),    # Friday -> Tuesday: later
    ("2017-02-06 09:00", "2017-02-06 15:00", "police", "referral", "adult"),   # same day
    ("2017-02-09 11:00", "2017-02-10 10:00", "education", "information_only", "child"),  # next day
    ("2017-02-10 17:00", None, "police", "enquiry", "child"),                  # not decided: awaiting
])


def test_a_weekend_contact_decided_on_monday_is_within_one_working_day():
    week = fd.received_between(WEEK, pd.Timestamp("2017-02-04"), pd.Timestamp("2017-02-10"))
    assert len(week) == 4  # Friday 3 February is the week before
    counts = fd.decisions(WEEK, pd.Timestamp("2017-02-10"))
    assert counts.to_dict() == {"contacts": 5, "same_day": 1, "within_one": 3, "later": 1, "awaiting": 1,
                                "not_yet_due": 1}
    # The Friday 17:00 contact still has until Monday: the share so far is 3 of the 4 that are due, not 3 of 5.
    assert fd.share_in_time(counts) == (3, 4)
    # At the end of Monday 13 February its working day has run out: it is late, and counts as such.
    monday = fd.decisions(WEEK, pd.Timestamp("2017-02-13"))
    assert (monday["awaiting"], monday["not_yet_due"], fd.share_in_time(monday)) == (1, 0, (3, 5))


def test_by_day_type_source_and_the_police_share():
    week = fd.received_between(WEEK, pd.Timestamp("2017-02-04"), pd.Timestamp("2017-02-10"))
    grid = fd.by_day_and_type(week, pd.Timestamp("2017-02-04"), pd.Timestamp("2017-02-10"))
    assert len(grid) == 8 and grid.loc["total", ("referral", "child")] == 1 and grid.loc["total", ("all", "adult")] == 1
    assert grid.loc[pd.Timestamp("2017-02-06"), ("referral", "adult")] == 1
    assert fd.by_source(week).loc["police"].tolist() == [3, 2]
    share = fd.police_share(week)
    assert share.loc["referrals", "share"] == 100 and share.loc["contacts", "share"] == 75
    assert fd.outcomes(week, pd.Timestamp("2017-02-10")).loc[["advice", fd.AWAITING]].tolist() == [3, 1]


def test_the_awaiting_list_is_restricted_and_without_system_ids():
    with pytest.raises(RestrictedUse):
        fd.awaiting_decision(WEEK, pd.Timestamp("2017-02-10"), audience="public")
    listed = fd.awaiting_decision(WEEK, pd.Timestamp("2017-02-06"), audience="restricted")
    assert "contact_id" not in listed
    assert listed["received_at"].dt.strftime("%d %a").tolist() == ["03 Fri"]  # decided after 6 Feb: waiting then
    assert listed["working_days_waiting"].tolist() == [1]


def test_weekly_counts_give_every_week_even_an_empty_one():
    weeks = pd.DatetimeIndex(["2017-02-03", "2017-02-10", "2017-02-17"])
    counts = fd.weekly_counts(WEEK, weeks, "friday")
    assert counts["contacts"].tolist() == [1, 4, 0] and counts["police_contacts"].tolist() == [0, 3, 0]


def test_weeks_end_on_the_configured_day():
    assert parse_week("we2017-02-10") == pd.Timestamp("2017-02-10")
    assert parse_week("2017-W06") == pd.Timestamp("2017-02-10")
    assert parse_week("2017-02-06", "sunday") == pd.Timestamp("2017-02-12")
    assert latest_complete_week(pd.Timestamp("2026-09-30")) == pd.Timestamp("2026-09-25")
    assert week_end_of(pd.Series(pd.to_datetime(["2017-02-10 23:00", "2017-02-11 00:00"]))).dt.day.tolist() == [10, 17]
    from kpi.errors import UnusableInput

    with pytest.raises(UnusableInput, match="is a Thursday"):
        parse_week("we2017-02-09")


# --- the weekly report on the demo, run by papermill ------------------------------------------------

@pytest.fixture(scope="module")
def demo(ingested_demo):
    """The demo made for 2026-11-22 and ingested: this module's own copy (conftest.ingested_demo)."""
    return ingested_demo("front-door")


def test_the_weekly_notebook_runs_on_the_demo_and_is_filed_as_restricted(demo):
    assert main(["front-door", "--config", str(demo / "kpi.yml"), "--quiet"]) == 0
    folder = demo / "reports/front-door/we2026-09-25/restricted"
    executed = nbformat.read(folder / "front_door.en.RESTRICTED.ipynb", as_version=4)
    code = [c for c in executed.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code) and not [o for c in code for o in c.outputs
                                                       if o.output_type == "error"]
    html = (folder / "front_door.en.RESTRICTED.html").read_text(encoding="utf-8")
    assert audience_of_html(html) == "restricted" and "week ending 25 September 2026" in html
    assert "Contacts awaiting a decision" in html and html.count("<img") == 5  # 4 weekly counts, the red count
    assert (folder / "front_door.en.RESTRICTED.pdf").stat().st_size > 10_000


def test_the_public_report_shows_no_pseudonym(demo):
    assert main(["front-door", "--config", str(demo / "kpi.yml"), "--week", "we2026-09-18", "--audience", "public",
                 "--quiet"]) == 0
    html = (demo / "reports/front-door/we2026-09-18/front_door.en.html").read_text(encoding="utf-8")
    assert audience_of_html(html) == "public" and not re.search(r"C-[0-9a-f]{20}", html)
    assert "Pseudonym" not in html and not list((demo / "reports/front-door/we2026-09-18").glob("restricted"))


def test_committed_weekly_notebook_is_thin_and_has_no_outputs():
    from pathlib import Path

    notebook = nbformat.read(Path(__file__).resolve().parents[1] / "notebooks/front_door_weekly.ipynb", as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    assert "parameters" in code[0].metadata["tags"] and 'audience = "restricted"' in code[0].source
    assert all(c.source.startswith("report.") and c.source.endswith("()") for c in code[2:])
    json.dumps(notebook)


def test_the_welsh_report_has_no_english_left(demo):
    """Cymraeg of equal standing: every word of the Welsh weekly report (and its charts' alt text) is Welsh."""
    from english_words import english_in

    assert main(["front-door", "--config", str(demo / "kpi.yml"), "--week", "we2026-09-11", "--audience", "public",
                 "--language", "cy", "--quiet"]) == 0
    page = (demo / "reports/front-door/we2026-09-11/front_door.cy.html").read_text(encoding="utf-8")
    assert '<html lang="cy"' in page
    seen = re.sub(r"<style.*?</style>|<script.*?</script>", " ", page, flags=re.S)
    seen = " ".join(re.findall(r'alt="([^"]*)"', seen)) + " " + re.sub(r"<[^>]+>|&\w+;", " ", seen)
    assert sorted(english_in(seen)) == []


def test_the_report_shows_the_traffic_light_for_managers_and_only_band_counts_in_public(demo):
    restricted = (demo / "reports/front-door/we2026-09-25/restricted/front_door.en.RESTRICTED.html")
    if not restricted.exists():
        assert main(["front-door", "--config", str(demo / "kpi.yml"), "--quiet"]) == 0
    page = restricted.read_text(encoding="utf-8")
    assert "Open assessments on 25 September 2026" in page and "Every open assessment, oldest first" in page
    assert "Open assessments by team and band" in page and re.search(r"C-[0-9a-f]{20}", page)
    assert main(["front-door", "--config", str(demo / "kpi.yml"), "--week", "we2026-09-18", "--audience", "public",
                 "--quiet"]) == 0
    public = (demo / "reports/front-door/we2026-09-18/front_door.en.html").read_text(encoding="utf-8")
    assert "Open assessments by band, 18 September 2026" in public
    assert "Every open assessment" not in public and "by team and band" not in public
