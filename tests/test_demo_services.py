"""The demo's child protection, looked-after, allocation and establishment extracts (`kpi demo`).

The demo is written once (fixed seed and `today`) and `kpi ingest` runs on it in another process while
the files are read back as an officer's tools would read them. Calibration figures are computed here
with plain pandas and numpy from the files (explicit date formats, working days with numpy's
busday_count and the `holidays` package), never with kpi.indicators; only the planted change is also
put through kpi.spc, as the pack would chart it.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import holidays
import numpy as np
import pandas as pd
import pytest
import yaml

from kpi.config import load_config
from kpi.demo import generate, write_demo
from kpi.spc.xmr import spc

TODAY = dt.date(2026, 11, 22)
SEED = 2017
START, END = pd.Timestamp("2020-04-01"), pd.Timestamp("2026-09-30")
NEW_FILES = {"child_protection": "child_protection.csv", "strategy_discussions": "strategy_discussions.csv",
             "looked_after": "looked_after.csv", "allocations": "allocations.csv",
             "establishment": "establishment.csv"}
HOLIDAYS = np.array(sorted(holidays.UK(subdiv="ENG", years=range(2015, 2028))), dtype="datetime64[D]")
REGISTERED_TITLES = {"Team Manager", "Senior Practitioner", "Social Worker"}
FOSTER_WORDS = {"Foster Care - In House", "Kinship Foster Care", "Connected Person Foster Care",
                "Foster Care - Independent Agency"}
ORDER_WORDS = {"Full Care Order", "Care Order", "Interim Care Order", "Placement Order"}
VOLUNTARY_WORDS = {"Section 76 Accommodation", "Accommodated (s76)"}
QUARTER_ENDS = pd.period_range(START, END, freq="Q-MAR").to_timestamp(how="end").normalize()
MONTH_ENDS = pd.period_range(START, END, freq="M").to_timestamp(how="end").normalize()


def working_days(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Working days in (start, end], counted without the kpi package."""
    first = start.to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
    last = end.to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
    return np.busday_count(first, last, holidays=HOLIDAYS)


def day_first(text: pd.Series) -> pd.Series:
    return pd.to_datetime(text.replace("", None), format="%d/%m/%Y")


def quarter_of(dates: pd.Series) -> pd.Series:
    return dates.dt.to_period("Q-MAR")


# --- fixtures: generate once, ingest in the background ------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("services")
    result = write_demo(out=root / "data/raw/demo", seed=SEED, config_path=root / "kpi.yml", today=TODAY)
    environment = {**os.environ, "KPI_PSEUDONYM_KEY": "demo-test-key-long-enough-for-hmac-sha256"}
    with (root / "ingest.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "kpi.cli", "ingest", "--config", str(root / "kpi.yml"),
                                    "--quiet"], stdout=log, stderr=subprocess.STDOUT, env=environment)
    yield root, result, process
    if process.poll() is None:
        process.kill()
        process.wait()


@pytest.fixture(scope="module")
def out(demo) -> Path:
    return demo[0] / "data/raw/demo"


def _read(out: Path, result, name: str) -> pd.DataFrame:
    """A file as written, less its deliberate bad rows (index = line number as an editor shows it)."""
    raw = pd.read_csv(out / name, dtype=str, keep_default_na=False)
    raw.index = raw.index + 2
    bad = sorted(b.source_row for b in result.bad_rows if b.file == name)
    return raw.drop(index=bad)


@pytest.fixture(scope="module")
def register(out, demo) -> pd.DataFrame:
    frame = _read(out, demo[1], "child_protection.csv")
    frame["registered"] = day_first(frame["Date Registered"])
    frame["ended"] = day_first(frame["Deregistration Date"])
    # A re-registration: the child's earlier registration ended in the 12 months up to this one.
    pairs = frame[["Registration Ref", "Person ID", "registered"]].merge(
        frame.loc[frame["ended"].notna(), ["Person ID", "Registration Ref", "ended"]], on="Person ID",
        suffixes=("", " earlier"))
    again = pairs["Registration Ref"].ne(pairs["Registration Ref earlier"]) & pairs["ended"].le(
        pairs["registered"]) & pairs["ended"].ge(pairs["registered"] - pd.DateOffset(months=12))
    frame["again"] = frame["Registration Ref"].isin(pairs.loc[again, "Registration Ref"])
    return frame


@pytest.fixture(scope="module")
def reregistrations(register) -> pd.DataFrame:
    """Registrations and re-registrations per quarter, from the second year (which has a year before it)."""
    mine = register[register["registered"] >= START + pd.DateOffset(years=1)]
    table = mine.groupby(quarter_of(mine["registered"])).agg(registrations=("again", "size"), again=("again", "sum"))
    table["percent"] = 100 * table["again"] / table["registrations"]
    return table


@pytest.fixture(scope="module")
def discussions(out, demo) -> pd.DataFrame:
    frame = _read(out, demo[1], "strategy_discussions.csv")
    frame["concern"] = day_first(frame["Date of Concern"])
    frame["held"] = day_first(frame["Strategy Discussion Date"])
    return frame


@pytest.fixture(scope="module")
def episodes(out, demo) -> pd.DataFrame:
    frame = _read(out, demo[1], "looked_after.csv")
    frame["start"] = day_first(frame["Placement Start Date"])
    frame["end"] = day_first(frame["Placement End Date"])
    return frame


@pytest.fixture(scope="module")
def ours(episodes) -> pd.DataFrame:
    return episodes[episodes["Placed by Other LA"].eq("No")]


@pytest.fixture(scope="module")
def cases(out, demo) -> pd.DataFrame:
    frame = _read(out, demo[1], "allocations.csv")
    for column, header in (("opened", "Date Opened"), ("allocated", "Date Allocated"), ("closed", "Date Closed")):
        frame[column] = day_first(frame[header])
    return frame


@pytest.fixture(scope="module")
def establishment(out, demo) -> pd.DataFrame:
    frame = _read(out, demo[1], "establishment.csv")
    frame["date"] = day_first(frame["As At Date"])
    for column, header in (("funded", "Funded Posts FTE"), ("vacant", "Vacancies FTE"), ("agency", "Agency FTE"),
                           ("sickness", "Working Days Lost")):
        frame[column] = frame[header].astype(float)
    return frame


@pytest.fixture(scope="module")
def caseloads(out, demo) -> pd.DataFrame:
    frame = _read(out, demo[1], "caseloads.csv")
    frame["date"] = day_first(frame["As At Date"])
    frame["fte"] = frame["FTE"].astype(float)
    return frame


@pytest.fixture(scope="module")
def contacts(out, demo) -> pd.DataFrame:
    frame = _read(out, demo[1], "contacts.csv")
    frame["received"] = pd.to_datetime(frame["Date Received"], format="%d/%m/%Y %H:%M")
    return frame


@pytest.fixture(scope="module")
def ingested(demo):
    root, _, process = demo
    status = process.wait(timeout=600)
    processed = root / "data/processed"
    rejected = {name: pd.read_csv(processed / "rejected" / f"{name}.csv", dtype=str, keep_default_na=False)
                for name in NEW_FILES}
    report = pd.read_csv(processed / "ingest_report.csv", keep_default_na=False)
    return status, processed, rejected, report


# --- determinism and files -----------------------------------------------------------------------


def test_the_new_tables_are_the_same_for_the_same_seed_and_differ_for_another():
    first, again, other = generate(SEED, TODAY), generate(SEED, TODAY), generate(SEED + 1, TODAY)
    for name in NEW_FILES:
        pd.testing.assert_frame_equal(first[name], again[name])
        assert not first[name].equals(other[name]), name


def test_the_new_files_are_byte_identical_for_the_same_seed(out, tmp_path):
    write_demo(out=tmp_path / "demo", seed=SEED, config_path=tmp_path / "kpi.yml", today=TODAY)
    for name in NEW_FILES.values():
        assert (out / name).read_bytes() == (tmp_path / "demo" / name).read_bytes(), name


def test_headers_are_the_systems_and_dates_are_day_first(out):
    headers = {name: (out / file).read_text(encoding="utf-8").splitlines()[0].split(",")
               for name, file in NEW_FILES.items()}
    assert headers["child_protection"] == ["Registration Ref", "Person ID", "Date Registered", "Deregistration Date",
                                           "Category of Abuse", "Team Name"]
    assert headers["establishment"][:2] == ["As At Date", "Team Name"]
    assert "Date of Concern" in headers["strategy_discussions"] and "Out of County" in headers["looked_after"]
    for name, columns in (("child_protection", ["Date Registered", "Deregistration Date"]),
                          ("strategy_discussions", ["Date of Concern", "Strategy Discussion Date"]),
                          ("looked_after", ["Placement Start Date", "Placement End Date"]),
                          ("allocations", ["Date Opened", "Date Allocated", "Date Closed"]),
                          ("establishment", ["As At Date"])):
        frame = pd.read_csv(out / NEW_FILES[name], dtype=str, keep_default_na=False)
        for column in columns:
            cells = frame[column][frame[column].ne("")]
            # Day first, as the system writes them (a planted row or two aside).
            assert cells.str.fullmatch(r"\d{2}/\d{2}/\d{4}").mean() > 0.99, (name, column)
            assert pd.to_numeric(cells.str[:2], errors="coerce").gt(12).any(), (name, column)


def test_the_config_names_every_new_source_and_the_child_population(demo):
    root, _, _ = demo
    config = load_config(root / "kpi.yml")
    for name, file in NEW_FILES.items():
        source = getattr(config.sources, name)
        assert source is not None and not Path(source.path).is_absolute(), name
        assert config.resolve(source.path).name == file
    assert config.child_population == 29_000
    assert config.strategy_discussion_working_days == 1
    assert yaml.safe_load((root / "kpi.yml").read_text(encoding="utf-8"))["child_population"] == 29_000


def test_ids_are_synthetic_and_teams_are_the_demos(register, discussions, episodes, cases, establishment):
    for frame in (register, discussions, cases):
        assert frame["Person ID"].str.fullmatch(r"WC\d{6}").all()
    assert episodes["Person ID"].str.fullmatch(r"WC\d{6}").all()
    teams = {"Intake and Assessment North", "Intake and Assessment South", "Children and Families East",
             "Children and Families West", "Child Protection and Court", "Disabled Children's Team"}
    assert set(register["Team Name"]) <= teams and set(cases["Team Name"]) <= teams
    assert set(establishment["Team Name"]) == teams
    assert register["Team Name"].eq("Child Protection and Court").mean() > 0.7


# --- ingest --------------------------------------------------------------------------------------


def test_ingest_accepts_every_row_of_the_new_files_but_the_planted_ones(ingested, demo):
    status, _, rejected, report = ingested
    assert status == 0
    planted = sorted((f"data/raw/demo/{b.file}", b.source_row, b.reason_code) for b in demo[1].bad_rows
                     if b.table in NEW_FILES)
    found = sorted((f, int(r), c) for frame in rejected.values()
                   for f, r, c in zip(frame["source_file"], frame["source_row"], frame["reason_code"]))
    assert found == planted
    assert {b.table for b in demo[1].bad_rows} >= set(NEW_FILES)
    mine = report[report["table"].isin(list(NEW_FILES))]
    assert len(mine) == len(NEW_FILES)
    assert (mine["rows_read"] == mine["rows_accepted"] + mine["rows_rejected"]).all()
    written = {f.table: f.rows for f in demo[1].files if f.table in NEW_FILES}
    assert dict(zip(mine["table"], mine["rows_read"])) == written
    assert dict(zip(mine["table"], mine["rows_rejected"])) == {
        name: sum(b.table == name for b in demo[1].bad_rows) for name in NEW_FILES}


def test_ingested_tables_carry_the_canonical_values(ingested):
    _, processed, _, _ = ingested
    register = pd.read_parquet(processed / "child_protection.parquet")
    assert set(register["category"]) == {"neglect", "emotional_abuse", "physical_abuse", "multiple", "sexual_abuse",
                                         "not_recorded"}
    discussions = pd.read_parquet(processed / "strategy_discussions.parquet")
    assert set(discussions["kind"]) == {"discussion", "meeting", "not_recorded"}
    episodes = pd.read_parquet(processed / "looked_after.parquet")
    assert {"care_order", "interim_care_order", "placement_order", "voluntary"} <= set(episodes["legal_status"])
    assert {"foster_local_authority", "foster_agency", "foster_family_and_friends", "residential"} <= set(
        episodes["placement_type"])
    assert episodes["placed_by_other_authority"].any()
    assert register["registration_date"].max() <= END and discussions["concern_date"].max() == END


# --- child protection ----------------------------------------------------------------------------


def test_thirty_to_fifty_registrations_a_quarter_and_about_120_on_the_register(register):
    mine = register[register["registered"] >= START]
    per_quarter = mine.groupby(quarter_of(mine["registered"])).size()
    assert len(per_quarter) == 26
    assert 36 <= per_quarter.mean() <= 44
    assert per_quarter.between(25, 55).all()
    on_register = [(register["registered"].le(day) & (register["ended"].isna() | register["ended"].gt(day))).sum()
                   for day in QUARTER_ENDS]
    assert min(on_register) >= 90 and max(on_register) <= 150


def test_registrations_open_at_the_extract_date_have_no_end_and_ends_are_known_ones(register):
    assert register["ended"].max() < pd.Timestamp(TODAY)
    assert register["ended"].isna().sum() >= 60
    assert (register["ended"].dropna() > register.loc[register["ended"].notna(), "registered"]).all()
    # The extract reaches back a year before the data start for the re-registration look-back.
    assert register["ended"].dropna().min() >= START - pd.DateOffset(months=12)
    assert register["registered"].min() < START - pd.DateOffset(months=12)


def test_average_time_on_the_register_of_those_deregistered_is_200_to_300_days(register):
    ended = register[register["ended"].between(START, END)]
    days = (ended["ended"] - ended["registered"]).dt.days
    by_year = days.groupby(ended["ended"].dt.to_period("Y-MAR")).mean()
    assert by_year.between(200, 300).all(), by_year


def test_neglect_is_the_commonest_category_then_emotional_physical_multiple_sexual(register):
    shares = register["Category of Abuse"].value_counts(normalize=True)
    neglect = shares["Neglect"]
    emotional = shares.get("Emotional Abuse", 0) + shares.get("Emotional", 0)
    physical = shares.get("Physical Abuse", 0) + shares.get("Physical", 0)
    multiple, sexual = shares["Multiple Categories"], shares["Sexual Abuse"]
    assert neglect > emotional > physical > multiple > sexual > 0.02
    not_recorded = shares.get("", 0) + shares.get("Not Recorded", 0)
    assert 0 < not_recorded < 0.05


def test_re_registrations_are_five_to_eight_percent_before_the_planted_rise(reregistrations):
    before = reregistrations.iloc[:-10]
    assert 4.5 <= 100 * before["again"].sum() / before["registrations"].sum() <= 8.5


def test_the_planted_rise_in_re_registrations_lasts_to_the_end(reregistrations):
    """From nine quarters before the latest to the latest: about 15-20%, clearly above the earlier ones."""
    before, after = reregistrations.iloc[:-10], reregistrations.iloc[-10:]
    after_percent = 100 * after["again"].sum() / after["registrations"].sum()
    assert 15 <= after_percent <= 21
    assert after["percent"].min() > before["percent"].max()
    assert after.index[0].start_time == pd.Timestamp("2024-04-01")  # 2024-25 Q1, nine quarters before 2026-27 Q2


def test_an_xmr_chart_of_the_quarterly_percentage_shows_a_run_above_the_centre_line(reregistrations):
    chart = reregistrations["percent"].iloc[-20:]  # the pack charts 20 quarters
    points = spc(chart.to_numpy(), periods=list(chart.index), improvement="decrease").points
    latest = points.iloc[-10:]
    assert latest["run"].all() and (latest["relative_to_mean"] > 0).all()
    assert latest["point_type"].eq("special_cause_concern").all()


# --- strategy discussions ------------------------------------------------------------------------


def test_one_strategy_discussion_for_each_contact_that_went_to_one(discussions, contacts):
    flagged = contacts[contacts["Strategy Discussion Held"].eq("Yes")]
    from_contacts = discussions[discussions["Contact Ref"].ne("")]
    assert set(from_contacts["Contact Ref"]) == set(flagged["Contact ID"])
    assert from_contacts["Contact Ref"].is_unique
    merged = from_contacts.merge(flagged, left_on="Contact Ref", right_on="Contact ID", suffixes=("", " contact"))
    assert merged["Person ID"].eq(merged["Person ID contact"]).all()
    assert merged["concern"].eq(merged["received"].dt.normalize()).all()
    # The others arose during work with a family: each is a re-registered child's.
    others = discussions[discussions["Contact Ref"].eq("")]
    assert 0 < len(others) < 0.05 * len(discussions)


def test_most_discussions_are_held_within_one_working_day_and_most_lead_to_s47(discussions):
    mine = discussions[discussions["concern"] >= START]
    waited = pd.Series(working_days(mine["concern"], mine["held"].fillna(pd.Timestamp("2100-01-01"))),
                       index=mine.index)
    in_time = waited.le(1).mean()
    assert 0.80 <= in_time <= 0.90
    held = mine[mine["held"].notna()]
    assert (held["held"] >= held["concern"]).all()
    assert 0.55 <= held["S47 Enquiry"].eq("Yes").mean() <= 0.70
    assert set(held["S47 Enquiry"]) == {"Yes", "No"}
    not_held = mine[mine["held"].isna()]
    assert 1 <= len(not_held) <= 10 and (not_held["concern"] > END - pd.Timedelta(days=30)).all()
    assert set(mine["Discussion or Meeting"]) >= {"Strategy Discussion", "Strategy Meeting"}
    assert 700 <= len(mine) / 6.5 <= 900  # about 7% of about 10,500 contacts a year


def test_registrations_follow_section_47_discussions_about_the_same_children(register, discussions):
    mine = register[register["registered"] >= START + pd.Timedelta(days=30)]
    s47 = discussions[discussions["S47 Enquiry"].eq("Yes")]
    assert mine["Person ID"].isin(s47["Person ID"]).mean() > 0.95


# --- looked after ----------------------------------------------------------------------------------


def _looked_after_on(frame: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    current = frame["start"].le(day) & (frame["end"].isna() | frame["end"].gt(day))
    return frame[current].drop_duplicates("Person ID", keep="last")


def test_about_230_to_320_children_looked_after_about_100_per_10000(ours, demo):
    population = yaml.safe_load((demo[0] / "kpi.yml").read_text(encoding="utf-8"))["child_population"]
    counts = np.array([len(_looked_after_on(ours, day)) for day in QUARTER_ENDS])
    assert counts.min() >= 230 and counts.max() <= 320
    rate = counts / population * 10_000
    assert 80 <= rate.mean() <= 110  # below the Wales rate of about 110 in 2018-19, as Wrexham was


def test_a_childs_episodes_run_on_without_overlapping(episodes):
    ordered = episodes.sort_values(["Person ID", "start"], kind="stable")
    previous_end = ordered.groupby("Person ID")["end"].shift()
    has_previous = ordered.groupby("Person ID").cumcount() > 0
    assert not (has_previous & previous_end.isna()).any()  # an open episode is the child's last
    assert (ordered.loc[has_previous, "start"] >= previous_end[has_previous]).all()
    assert (episodes["end"].dropna() > episodes.loc[episodes["end"].notna(), "start"]).all()
    moves = has_previous & previous_end.eq(ordered["start"])
    assert moves.sum() > 300  # most later episodes start the day the previous one ended


def test_fifteen_to_twenty_five_children_start_to_be_looked_after_a_quarter(ours):
    ordered = ours.sort_values(["Person ID", "start"], kind="stable")
    previous_end = ordered.groupby("Person ID")["end"].shift()
    new = ~(ordered.groupby("Person ID").cumcount().gt(0) & previous_end.ge(ordered["start"] - pd.Timedelta(days=1)))
    starting = ordered[new & ordered["start"].between(START, END)]
    per_quarter = starting.groupby(quarter_of(starting["start"]))["Person ID"].nunique()
    assert len(per_quarter) == 26
    assert 15 <= per_quarter.mean() <= 25
    assert per_quarter.between(8, 35).all()
    # Some come back into care after a while.
    periods = new.groupby(ordered["Person ID"]).sum()
    assert (periods > 1).sum() >= 20


def test_about_thirty_percent_placed_outside_and_a_tenth_with_three_placements(ours):
    outside, three = [], []
    for day in QUARTER_ENDS[4:]:
        at_end = _looked_after_on(ours, day)
        outside.append(at_end["Out of County"].eq("Yes").mean())
        year_start = day - pd.DateOffset(months=12) + pd.Timedelta(days=1)
        in_year = ours[ours["start"].le(day) & (ours["end"].isna() | ours["end"].ge(year_start))]
        placements = in_year["Person ID"].value_counts()
        three.append(at_end["Person ID"].map(placements).ge(3).mean())
    assert 0.25 <= np.mean(outside) <= 0.35 and 0.18 <= min(outside) and max(outside) <= 0.42
    assert 0.08 <= np.mean(three) <= 0.12 and 0.05 <= min(three) and max(three) <= 0.16


def test_mostly_care_orders_and_foster_care(ours):
    at_end = _looked_after_on(ours, END)
    legal = at_end["Legal Status"]
    assert legal.isin(ORDER_WORDS).mean() >= 0.75
    assert 0.03 <= legal.isin(VOLUNTARY_WORDS).mean() <= 0.2
    assert at_end["Placement Type"].isin(FOSTER_WORDS).mean() >= 0.6


def test_twenty_to_forty_children_placed_here_by_other_authorities(episodes):
    theirs = episodes[episodes["Placed by Other LA"].eq("Yes")]
    counts = np.array([len(_looked_after_on(theirs, day)) for day in QUARTER_ENDS])
    assert 20 <= counts.mean() <= 40 and counts.min() >= 12 and counts.max() <= 50
    assert theirs["Out of County"].eq("").all() and theirs["Team Name"].eq("").all()


def test_the_looked_after_extract_is_as_at_the_end_of_the_quarter(episodes):
    assert episodes["start"].max() <= END and episodes["end"].max() <= END
    assert episodes["end"].dropna().min() >= START - pd.DateOffset(months=12)


# --- allocations ---------------------------------------------------------------------------------


def test_one_hundred_to_two_hundred_cases_open_a_quarter_most_allocated_within_days(cases):
    per_quarter = cases.groupby(quarter_of(cases["opened"])).size()
    assert len(per_quarter) == 26 and per_quarter.between(100, 200).all()
    allocated = cases[cases["allocated"].notna()]
    waited = working_days(allocated["opened"], allocated["allocated"])
    assert np.mean(waited <= 5) >= 0.65 and np.mean(waited > 20) > 0.02
    assert (cases["allocated"].isna() & cases["closed"].notna()).sum() >= 20  # closed before allocation
    assert cases["allocated"].max() < pd.Timestamp(TODAY) and cases["closed"].max() < pd.Timestamp(TODAY)


def test_five_to_twenty_five_cases_wait_for_a_worker_at_a_month_end(cases):
    waiting = np.array([(cases["opened"].le(day) & (cases["allocated"].isna() | cases["allocated"].gt(day))
                         & (cases["closed"].isna() | cases["closed"].gt(day))).sum() for day in MONTH_ENDS])
    assert waiting.min() >= 3 and waiting.max() <= 30
    assert 8 <= waiting[2:].mean() <= 20


def test_cases_wait_longer_in_the_child_protection_teams_pressure_stretch(cases):
    """kpi.demo.caseloads: the team is under pressure from the 5th to the 18th quarter of the data."""
    team = cases[cases["Team Name"].eq("Child Protection and Court") & cases["allocated"].notna()]
    waited = pd.Series(working_days(team["opened"], team["allocated"]), index=team.index)
    quarter = (team["opened"].dt.year - START.year) * 4 + (team["opened"].dt.month - START.month) // 3
    pressure = quarter.between(4, 17)
    assert waited[pressure].mean() > 1.5 * waited[~pressure].mean()


# --- establishment -------------------------------------------------------------------------------


def test_one_row_per_team_per_caseload_snapshot(establishment, caseloads):
    assert set(establishment["date"]) == set(caseloads["date"]) == set(MONTH_ENDS)
    assert not establishment.duplicated(["date", "Team Name"]).any()
    assert len(establishment) == 6 * len(MONTH_ENDS)


def test_agency_share_of_staffed_fte_is_the_caseload_snapshots_fte_agency_rate(establishment, caseloads):
    registered = caseloads[caseloads["Job Title"].isin(REGISTERED_TITLES) & caseloads["Agency Worker"].ne("")]
    agency = registered["Agency Worker"].eq("Yes")
    sums = pd.DataFrame({"date": registered["date"], "team": registered["Team Name"],
                         "agency": registered["fte"].where(agency, 0.0), "all": registered["fte"]}).groupby(
        ["date", "team"]).sum()
    mine = establishment.set_index(["date", "Team Name"]).rename_axis(["date", "team"])
    staffed = mine["agency"] + mine["funded"] - mine["vacant"]
    assert np.allclose(staffed.reindex(sums.index), sums["all"], atol=1e-6)
    assert np.allclose(mine["agency"].reindex(sums.index), sums["agency"], atol=1e-6)
    by_date = mine.groupby("date")[["agency", "funded", "vacant"]].sum()
    rate = by_date["agency"] / (by_date["agency"] + by_date["funded"] - by_date["vacant"])
    expected = sums.groupby("date")["agency"].sum() / sums.groupby("date")["all"].sum()
    assert np.allclose(rate, expected.reindex(rate.index), atol=1e-9)


def test_vacancy_rate_is_ten_to_twenty_percent(establishment):
    assert (establishment["funded"] >= establishment["vacant"]).all()
    by_date = establishment.groupby("date")[["funded", "vacant"]].sum()
    rate = by_date["vacant"] / by_date["funded"]
    assert 0.12 <= rate.mean() <= 0.18 and rate.min() >= 0.08 and rate.max() <= 0.24
    assert (establishment["Vacancies FTE"].str.fullmatch(r"\d+\.\d")).all()


def test_sickness_is_about_three_and_a_half_percent_of_employed_working_days(establishment):
    employed = establishment["funded"] - establishment["vacant"]
    by_date = pd.DataFrame({"sick": establishment["sickness"], "employed": employed,
                            "date": establishment["date"]}).groupby("date").sum()
    first = by_date.index.to_period("M").to_timestamp().to_numpy().astype("datetime64[D]")
    last = by_date.index.to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
    days_in_month = np.busday_count(first, last, holidays=HOLIDAYS)
    rate = by_date["sick"].sum() / (by_date["employed"] * days_in_month).sum()
    assert 0.028 <= rate <= 0.042
    per_fte_month = (by_date["sick"] / by_date["employed"]).mean()
    assert 0.55 <= per_fte_month <= 0.9
