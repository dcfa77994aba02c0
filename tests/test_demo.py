"""The synthetic demo authority (`kpi demo`): deterministic, calibrated, and loadable.

The demo is generated once per module (fixed seed and fixed `today`) and read back from the files
it wrote, as an officer's tools would read them. Calibration figures are computed here
independently of the kpi package: dates are parsed with explicit formats, working days are
counted with numpy's busday_count and the `holidays` package, and category words are mapped with
this file's own tables.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import holidays
import numpy as np
import openpyxl
import pandas as pd
import pytest
import yaml

from kpi.config import load_config
from kpi.data.tables import TABLE_NAMES
from kpi.demo import write_demo
from kpi.demo.span import span_for

TODAY = dt.date(2026, 11, 22)
SEED = 2017
START, END = pd.Timestamp("2020-04-01"), pd.Timestamp("2026-09-30")  # latest complete quarter: 2026-27 Q2
FULL_YEARS = [f"{y}-{(y + 1) % 100:02d}" for y in range(2020, 2026)]
DIP = ["2022-23Q2", "2022-23Q3", "2022-23Q4", "2023-24Q1"]
RECOVERY = "2023-24Q2"

HOLIDAYS = np.array(sorted(holidays.UK(subdiv="ENG", years=range(2019, 2028))), dtype="datetime64[D]")
POLICE_WORDS = {"Police", "North Wales Police", "NWP", "Heddlu Gogledd Cymru"}
CLOSED_WORDS = {"Advice", "Signposted", "No Further Action", "Early Help", "Other"}
CONTACT_HEADERS = ["Contact ID", "Person ID", "Date Received", "Contact Source", "Contact Type", "Decision Date",
                   "Outcome", "Strategy Discussion Held", "Child or Adult", "Locality"]
ASSESSMENT_HEADERS = ["Assessment Ref", "Person ID", "Date of Referral", "Assessment Start", "Assessment Completed",
                      "Team", "Child Seen", "Language Preference", "Outcome"]
CASELOAD_HEADERS = ["As At Date", "Staff ID", "Team Name", "Job Title", "FTE", "Open Allocated Cases",
                    "Agency Worker"]
EXPECTED_BAD = sorted([
    ("contacts", "invalid_date"), ("contacts", "unknown_category"), ("contacts", "dates_out_of_order"),
    ("contacts", "duplicate_row"), ("assessments", "dates_out_of_order"), ("assessments", "invalid_date"),
    ("assessments", "duplicate_row"), ("caseloads", "invalid_count"), ("caseloads", "totals_row"),
    ("strategy_discussions", "invalid_date"), ("strategy_discussions", "duplicate_row"),
    ("child_protection", "dates_out_of_order"), ("child_protection", "unknown_category"),
    ("looked_after", "unknown_category"), ("looked_after", "missing_value"),
    ("allocations", "dates_out_of_order"), ("allocations", "invalid_date"),
    ("establishment", "out_of_range"), ("establishment", "totals_row"),
])
WALES_AUTHORITY_CODES = {f"W060000{n:02d}" for n in (1, 2, 3, 4, 5, 8, 9, 10, 11, 12, 13, 14, 15, 16, 18, 19, 20,
                                                    21, 22, 23, 24)}


def working_days(start: pd.Series, end: pd.Series) -> np.ndarray:
    """Working days in (start, end], counted without the kpi package."""
    first = start.to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
    last = end.to_numpy().astype("datetime64[D]") + np.timedelta64(1, "D")
    return np.busday_count(first, last, holidays=HOLIDAYS)


def financial_year(dates: pd.Series) -> pd.Series:
    start = dates.dt.year - (dates.dt.month < 4)
    return start.astype(str) + "-" + ((start + 1) % 100).astype(str).str.zfill(2)


def financial_quarter(dates: pd.Series) -> pd.Series:
    quarter = ((dates.dt.month - 4) % 12) // 3 + 1
    return financial_year(dates) + "Q" + quarter.astype(str)


def all_files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


# --- fixtures: generate once, read once ---------------------------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    """The demo, written once; `kpi ingest` on it starts at once in another process (it takes a
    while, mostly reading the workbook) and the tests that need its output wait for it."""
    root = tmp_path_factory.mktemp("demo")
    result = write_demo(out=root / "data/raw/demo", seed=SEED, config_path=root / "kpi.yml", today=TODAY)
    environment = {**os.environ, "KPI_PSEUDONYM_KEY": "demo-test-key-long-enough-for-hmac-sha256"}
    with (root / "ingest.log").open("w") as log:
        process = subprocess.Popen([sys.executable, "-m", "kpi.cli", "ingest", "--config", str(root / "kpi.yml"),
                                    "--quiet"], stdout=log, stderr=subprocess.STDOUT, env=environment)
    _INGEST[root] = process
    yield root, result
    if process.poll() is None:
        process.kill()
        process.wait()
    _INGEST.pop(root, None)


_INGEST: dict[Path, subprocess.Popen] = {}


@pytest.fixture(scope="module")
def out(demo) -> Path:
    return demo[0] / "data/raw/demo"


@pytest.fixture(scope="module")
def bad_rows(demo) -> dict[str, set[int]]:
    rows: dict[str, set[int]] = {}
    for bad in demo[1].bad_rows:
        rows.setdefault(bad.file, set()).add(bad.source_row)
    return rows


@pytest.fixture(scope="module")
def contacts(out, bad_rows) -> pd.DataFrame:
    """The contacts file as written, less the deliberate bad rows (line numbers as an editor shows)."""
    raw = pd.read_csv(out / "contacts.csv", dtype=str, keep_default_na=False)
    raw.index = raw.index + 2
    raw = raw.drop(index=sorted(bad_rows["contacts.csv"]))
    raw["received"] = pd.to_datetime(raw["Date Received"], format="%d/%m/%Y %H:%M")
    raw["decided"] = pd.to_datetime(raw["Decision Date"].replace("", None), format="%d/%m/%Y %H:%M")
    raw["year"] = financial_year(raw["received"])
    return raw


@pytest.fixture(scope="module")
def workbook_rows(out) -> list[tuple]:
    book = openpyxl.load_workbook(out / "assessments.xlsx", read_only=True)
    try:
        return [tuple(row) for row in book["Assessments"].iter_rows(values_only=True)]
    finally:
        book.close()


@pytest.fixture(scope="module")
def assessments(workbook_rows, bad_rows) -> pd.DataFrame:
    header = list(workbook_rows[2])
    frame = pd.DataFrame(workbook_rows[3:], columns=header)
    frame.index = frame.index + 4
    frame = frame.drop(index=sorted(bad_rows["assessments.xlsx"]))
    for column in ("Date of Referral", "Assessment Start", "Assessment Completed"):
        frame[column] = pd.to_datetime(frame[column])
    return frame


@pytest.fixture(scope="module")
def caseloads(out, bad_rows) -> pd.DataFrame:
    raw = pd.read_csv(out / "caseloads.csv", dtype=str, keep_default_na=False)
    raw.index = raw.index + 2
    raw = raw.drop(index=sorted(bad_rows["caseloads.csv"]))
    raw["date"] = pd.to_datetime(raw["As At Date"], format="%d/%m/%Y")
    raw["fte"] = raw["FTE"].astype(float)
    raw["cases"] = raw["Open Allocated Cases"].astype(int)
    return raw


@pytest.fixture(scope="module")
def comparators(out) -> pd.DataFrame:
    return pd.read_csv(out / "comparators.csv", dtype={"note": str}, keep_default_na=False,
                       na_values={"value": [""], "numerator": [""], "denominator": [""]})


@pytest.fixture(scope="module")
def ingested(demo):
    """`kpi ingest` on the demo's own config, as `make pack` runs it."""
    root, _ = demo
    status = _INGEST[root].wait(timeout=600)
    processed = root / "data/processed"
    rejected = {name: pd.read_csv(processed / "rejected" / f"{name}.csv", dtype=str, keep_default_na=False)
                for name in TABLE_NAMES}
    report = pd.read_csv(processed / "ingest_report.csv", keep_default_na=False)
    return status, processed, rejected, report


@pytest.fixture(scope="module")
def other_seed(tmp_path_factory):
    """A second run with another seed, into a folder whose kpi.yml an officer already wrote."""
    root = tmp_path_factory.mktemp("other")
    config = root / "kpi.yml"
    config.write_text("# my own settings\nauthority: {name: Real Council, code: W06000006, nation: wales}\n",
                      encoding="utf-8")
    before = config.read_bytes()
    result = write_demo(out=root / "data/raw/demo", seed=SEED + 1, config_path=config, today=TODAY)
    return root, result, before


# --- determinism -------------------------------------------------------------------------------


def test_same_seed_and_day_give_byte_identical_files(demo, tmp_path):
    root, _ = demo
    again = write_demo(out=tmp_path / "data/raw/demo", seed=SEED, config_path=tmp_path / "kpi.yml", today=TODAY)
    first, second = all_files(root / "data/raw/demo"), all_files(tmp_path / "data/raw/demo")
    assert list(first) == list(second)
    assert [name for name in first if first[name] != second[name]] == []
    assert (root / "kpi.yml").read_bytes() == (tmp_path / "kpi.yml").read_bytes()
    assert again.config_written


def test_another_seed_gives_different_files(demo, other_seed):
    first = all_files(demo[0] / "data/raw/demo")
    second = all_files(other_seed[0] / "data/raw/demo")
    for name in ("contacts.csv", "assessments.xlsx", "caseloads.csv", "comparators.csv",
                 "contact_counts/contact_counts_2024-01.csv"):
        assert first[name] != second[name], name


# --- span --------------------------------------------------------------------------------------


def test_data_run_from_1_april_six_years_back_to_the_last_day_of_the_latest_complete_quarter(
        contacts, assessments, caseloads, out):
    assert contacts["received"].min().normalize() == START
    assert contacts["received"].max().normalize() == END
    assert assessments["Date of Referral"].max() == END
    assert assessments.loc[assessments["Date of Referral"] >= START, "Date of Referral"].min() == START
    assert caseloads["date"].min() == pd.Timestamp("2020-04-30") and caseloads["date"].max() == END
    months = sorted(p.stem[-7:] for p in (out / "contact_counts").glob("contact_counts_*.csv"))
    assert months[0] == "2020-04" and months[-1] == "2026-09" and len(months) == 78
    # Follow-up dates are as known on the day the extract was taken: none on or after it.
    assert contacts["decided"].max() < pd.Timestamp(TODAY)
    assert assessments["Assessment Completed"].max() < pd.Timestamp(TODAY)


@pytest.mark.parametrize(("today", "start", "end"), [
    (dt.date(2026, 11, 22), "2020-04-01", "2026-09-30"),
    (dt.date(2026, 10, 1), "2020-04-01", "2026-09-30"),
    (dt.date(2026, 9, 30), "2020-04-01", "2026-06-30"),
    (dt.date(2026, 4, 15), "2020-04-01", "2026-03-31"),
    (dt.date(2027, 1, 1), "2020-04-01", "2026-12-31"),
    (dt.date(2027, 4, 1), "2021-04-01", "2027-03-31"),
])
def test_span_is_at_least_six_full_years_ending_with_the_latest_complete_quarter(today, start, end):
    span = span_for(today)
    assert (span.start, span.end) == (pd.Timestamp(start), pd.Timestamp(end))
    assert len(span.full_years) >= 6


# --- contacts ----------------------------------------------------------------------------------


def test_contacts_headers_are_the_systems_not_ours(out):
    header = (out / "contacts.csv").read_text(encoding="utf-8").splitlines()[0]
    assert header.split(",") == CONTACT_HEADERS


def test_about_ten_thousand_contacts_a_year_rising_two_to_three_percent(contacts):
    per_year = contacts.groupby("year").size().reindex(FULL_YEARS)
    assert per_year.between(9_000, 12_000).all(), per_year.to_dict()
    growth = (per_year.iloc[-1] / per_year.iloc[0]) ** (1 / (len(per_year) - 1)) - 1
    assert 0.015 <= growth <= 0.04, growth
    assert (per_year.diff().dropna() > -0.01 * per_year.iloc[0]).all(), per_year.to_dict()


def test_contacts_are_seasonal_and_mostly_in_office_hours(contacts):
    received = contacts["received"]
    per_day = contacts.groupby(received.dt.normalize()).size().reindex(pd.date_range(START, END), fill_value=0)
    by_month = per_day.groupby(per_day.index.month).mean()
    autumn = by_month[[9, 10, 11]].mean()
    assert by_month[8] < 0.85 * autumn and by_month[12] < 0.95 * autumn
    christmas = per_day[(per_day.index.month == 12) & (per_day.index.day.isin([24, 25, 26, 27, 28]))].mean()
    assert christmas < 0.6 * per_day.mean()
    weekend = received.dt.day_of_week >= 5
    assert 0.04 <= weekend.mean() <= 0.15
    minutes = received.dt.hour * 60 + received.dt.minute
    office = ~weekend & minutes.between(8 * 60 + 30, 17 * 60 + 30)
    assert 0.75 <= office.mean() <= 0.9
    assert (~office).sum() > 1000  # some evenings and weekends


def test_source_type_and_outcome_mix_match_the_published_figures(contacts):
    police = contacts["Contact Source"].isin(POLICE_WORDS)
    assert 0.37 <= police.mean() <= 0.43
    assert set(POLICE_WORDS) <= set(contacts["Contact Source"])  # several spellings, one only kpi.yml knows
    types = contacts["Contact Type"].value_counts(normalize=True)
    wrexham_week = {"Referral": 31 / 263, "Enquiry": 81 / 263, "Information Only": 108 / 263,
                    "Awaiting Further Information": 43 / 263}
    for word, share in wrexham_week.items():
        assert abs(types[word] - share) < 0.02, (word, types[word])
    strategy = contacts["Strategy Discussion Held"].eq("Yes")
    assert 0.05 <= strategy.mean() <= 0.09
    assert (strategy == contacts["Outcome"].eq("Strategy discussion")).all()
    assert 0.70 <= contacts["Outcome"].isin(CLOSED_WORDS).mean() <= 0.80
    assert 0.20 <= contacts["Outcome"].isin(["To Assessment", "Strategy discussion"]).mean() <= 0.30
    adults = contacts["Child or Adult"].eq("Adult").mean()
    assert 0.002 <= adults <= 0.02


def test_about_99_percent_decided_within_one_working_day(contacts):
    decided = contacts["decided"].notna()
    elapsed = working_days(contacts.loc[decided, "received"].dt.normalize(),
                           contacts.loc[decided, "decided"].dt.normalize())
    within = (elapsed <= 1).sum() / len(contacts)
    assert 0.98 <= within <= 0.997, within
    assert (contacts.loc[decided, "decided"] >= contacts.loc[decided, "received"]).all()


def test_some_referrals_are_re_referrals_within_twelve_months(contacts):
    referrals = contacts[contacts["Contact Type"].eq("Referral") & contacts["Child or Adult"].eq("Child")]
    referrals = referrals.sort_values("received")
    previous = referrals.groupby("Person ID")["received"].shift()
    repeat = previous.notna() & (previous >= referrals["received"] - pd.DateOffset(months=12))
    by_year = repeat.groupby(referrals["year"]).mean().reindex(FULL_YEARS[1:])
    assert by_year.between(0.15, 0.25).all(), by_year.to_dict()


def test_ids_are_synthetic(contacts, assessments, caseloads):
    assert contacts["Person ID"].str.fullmatch(r"W[CA]\d{6}").all()
    assert contacts["Contact ID"].str.fullmatch(r"CT\d{7}").all()
    assert assessments["Person ID"].str.fullmatch(r"WC\d{6}").all()
    assert caseloads["Staff ID"].str.fullmatch(r"EMP\d{5}").all()


# --- assessments -------------------------------------------------------------------------------


def test_workbook_has_a_title_row_above_the_headers_and_real_date_cells(out, workbook_rows):
    assert str(workbook_rows[0][0]).startswith("Assessments extract - Demo County Borough Council - produced")
    assert all(cell is None for cell in workbook_rows[1])
    assert list(workbook_rows[2]) == ASSESSMENT_HEADERS
    # openpyxl gives a datetime only for a number cell with a date format: real Excel dates.
    kinds = pd.Series([type(cell).__name__ for row in workbook_rows[3:] for cell in row[2:5]]).value_counts()
    assert set(kinds.index) == {"datetime", "NoneType", "str"} and kinds["str"] == 1, kinds.to_dict()
    assert kinds["datetime"] > 3 * 17_000 * 0.95
    book = openpyxl.load_workbook(out / "assessments.xlsx", read_only=True)
    assert book.sheetnames == ["Assessments"]
    book.close()
    with zipfile.ZipFile(out / "assessments.xlsx") as archive:
        assert 'formatcode="dd/mm/yyyy"' in archive.read("xl/styles.xml").decode().lower()
        assert {info.date_time for info in archive.infolist()} == {(2000, 1, 1, 0, 0, 0)}


def test_one_assessment_per_contact_that_went_to_assessment(contacts, assessments):
    went = contacts[contacts["Outcome"].isin(["To Assessment", "Strategy discussion"])]
    expected = sorted(zip(went["Person ID"], went["received"].dt.normalize()))
    inside = assessments[assessments["Date of Referral"] >= START]
    assert sorted(zip(inside["Person ID"], inside["Date of Referral"])) == expected
    # Assessments referred before the data start are there only if still open on 1 April 2020.
    before = assessments[assessments["Date of Referral"] < START]
    assert len(before) > 0 and (before["Assessment Completed"] >= START).all()


def test_about_2500_assessments_a_year(assessments):
    per_year = assessments.groupby(financial_year(assessments["Date of Referral"])).size().reindex(FULL_YEARS)
    assert per_year.between(2_200, 3_000).all(), per_year.to_dict()


def timeliness_by_quarter(assessments: pd.DataFrame) -> pd.Series:
    done = assessments[assessments["Assessment Completed"].notna()]
    in_time = working_days(done["Date of Referral"], done["Assessment Completed"]) <= 42
    return pd.Series(in_time, index=done.index).groupby(financial_quarter(done["Assessment Completed"])).mean()


def test_timeliness_falls_to_about_70_percent_then_recovers_to_the_mid_80s(assessments):
    by_quarter = timeliness_by_quarter(assessments) * 100
    quarters = list(by_quarter.index)
    before = quarters[: quarters.index(DIP[0])]
    after = quarters[quarters.index(RECOVERY) + 1: quarters.index("2026-27Q2") + 1]
    assert len(before) == 9 and len(after) == 12
    assert (by_quarter[DIP] < 75).all(), by_quarter[DIP].round(1).to_dict()
    assert 65 <= by_quarter[DIP].mean() <= 73
    assert (by_quarter[before] > 80).all(), by_quarter[before].round(1).to_dict()
    assert (by_quarter[after] > 80).all(), by_quarter[after].round(1).to_dict()
    assert 83 <= by_quarter[before].mean() <= 89 and 83 <= by_quarter[after].mean() <= 88
    assert by_quarter[DIP].max() < by_quarter[RECOVERY] < by_quarter[after].min() + 5


def test_assessments_near_the_end_are_still_open(assessments):
    still_open = assessments["Assessment Completed"].isna()
    assert still_open.sum() > 20
    assert assessments.loc[still_open, "Date of Referral"].min() > END - pd.DateOffset(months=6)
    assert (assessments.loc[still_open, "Outcome"].isna() | assessments.loc[still_open, "Outcome"].eq("")).all()


def test_child_seen_teams_and_language_recording(assessments):
    done = assessments[assessments["Assessment Completed"].notna()]
    assert 0.92 <= done["Child Seen"].eq("Yes").mean() <= 0.98
    assert assessments["Team"].nunique() == 6
    language = assessments["Language Preference"].fillna("")
    welsh = language.isin(["Welsh", "Cymraeg"]).mean()
    assert 0.08 <= welsh <= 0.17
    not_recorded = language.isin(["", "Not recorded"])
    year = financial_year(assessments["Date of Referral"])
    early = not_recorded[year.isin(FULL_YEARS[:2])].mean()
    late = not_recorded[year.eq(FULL_YEARS[-1])].mean()
    assert 0.07 <= early <= 0.13 and late < 0.05, (early, late)


# --- caseloads ---------------------------------------------------------------------------------


def test_caseloads_are_month_end_snapshots_of_about_60_workers_with_turnover(out, caseloads):
    assert (out / "caseloads.csv").read_text(encoding="utf-8").splitlines()[0].split(",") == CASELOAD_HEADERS
    dates = caseloads["date"].drop_duplicates()
    assert len(dates) == 78 and (dates == dates + pd.offsets.MonthEnd(0)).all()
    per_snapshot = caseloads.groupby("date").size()
    assert per_snapshot.between(50, 65).all()
    assert caseloads["Team Name"].nunique() == 6
    assert caseloads["fte"].between(0.5, 1.0).all()
    assert 0.05 <= caseloads["Agency Worker"].eq("Yes").mean() <= 0.2
    first = set(caseloads.loc[caseloads["date"] == caseloads["date"].min(), "Staff ID"])
    last = set(caseloads.loc[caseloads["date"] == END, "Staff ID"])
    assert len(first - last) >= 15 and len(last - first) >= 15  # people left and others joined
    social = caseloads.loc[caseloads["Job Title"].eq("Social Worker"), "cases"]
    assert 12 <= social.median() <= 20 and social.quantile(0.9) <= 25


def test_some_teams_are_above_20_cases_per_social_worker_fte_for_long_stretches(caseloads):
    holders = caseloads[caseloads["Job Title"].isin(["Social Worker", "Senior Practitioner"])]
    quarter_ends = holders[holders["date"].dt.month.isin([3, 6, 9, 12])]
    totals = quarter_ends.groupby(["Team Name", "date"])[["cases", "fte"]].sum()
    per_fte = (totals["cases"] / totals["fte"]).unstack("date")
    above = per_fte.gt(20)
    longest = above.apply(lambda row: max((len(run) for run in "".join("x" if v else " " for v in row).split()),
                                          default=0), axis=1)
    assert (longest >= 6).sum() >= 1, longest.to_dict()
    assert (per_fte.median(axis=1) < 20).sum() >= 4  # most teams are not


# --- contact counts ----------------------------------------------------------------------------


def test_monthly_counts_agree_with_the_record_level_contacts(out, contacts):
    counts = pd.concat([pd.read_csv(p, dtype={"month": str}) for p in sorted((out / "contact_counts").glob("*.csv"))])
    assert list(counts.columns) == ["month", "source", "contact_type", "count"]
    per_month = counts.groupby("month")["count"].sum()
    records = contacts.groupby(contacts["received"].dt.strftime("%Y-%m")).size()
    pd.testing.assert_series_equal(per_month, records, check_names=False)
    police = counts[counts["source"].eq("Police")].groupby("month")["count"].sum()
    record_police = contacts[contacts["Contact Source"].isin(POLICE_WORDS)].groupby(
        contacts["received"].dt.strftime("%Y-%m")).size()
    pd.testing.assert_series_equal(police, record_police, check_names=False)


def test_processed_counts_equal_processed_contacts_by_month_source_and_type(ingested):
    _, processed, _, _ = ingested
    records = pd.read_parquet(processed / "contacts.parquet")
    counts = pd.read_parquet(processed / "contact_counts.parquet")
    by_records = records.groupby([records["received_at"].dt.to_period("M").dt.to_timestamp(), "source",
                                  "contact_type"]).size()
    by_counts = counts.set_index(["month", "source", "contact_type"])["count"].astype("int64")
    by_records.index.names = by_counts.index.names
    pd.testing.assert_series_equal(by_counts.sort_index(), by_records.sort_index(), check_names=False,
                                   check_index_type=False)


# --- comparators -------------------------------------------------------------------------------


def test_comparators_cover_the_22_welsh_authorities_and_wales(comparators):
    authorities = comparators[comparators["area_type"].eq("authority")]
    assert set(authorities["area_code"]) == WALES_AUTHORITY_CODES | {"W06000099"}
    assert "W06000006" not in set(comparators["area_code"])  # Wrexham is stood in for by the demo
    assert comparators["area_name"].str.endswith(" (synthetic)").all()
    assert set(comparators["indicator_id"]) == {"assessments_within_timescale_pct", "rereferrals_within_12m_pct",
                                                "contacts_to_strategy_pct", "caseload_per_social_worker_fte"}
    assert sorted(comparators["period"].unique()) == FULL_YEARS
    wales = comparators[comparators["area_code"].eq("W92000004")]
    assert wales["area_type"].eq("nation").all() and len(wales) == 4 * len(FULL_YEARS)
    assert comparators.groupby(["indicator_id", "period"]).size().eq(23).all()


def test_wales_is_the_sum_of_numerators_over_denominators_around_the_published_pm24(comparators):
    authorities = comparators[comparators["area_type"].eq("authority")]
    wales = comparators[comparators["area_code"].eq("W92000004")].set_index(["indicator_id", "period"])
    denominators = authorities.groupby(["indicator_id", "period"])["denominator"].sum()
    np.testing.assert_allclose(wales["denominator"], denominators.reindex(wales.index), rtol=1e-9)
    whole = authorities.groupby(["indicator_id", "period"]).filter(lambda g: g["numerator"].notna().all())
    numerators = whole.groupby(["indicator_id", "period"])["numerator"].sum()
    np.testing.assert_allclose(wales.loc[numerators.index, "numerator"], numerators)
    percent = wales.index.get_level_values(0) != "caseload_per_social_worker_fte"
    expected = (wales["numerator"] / wales["denominator"]).where(~percent, wales["numerator"] / wales["denominator"]
                                                                 * 100).round(1)
    np.testing.assert_allclose(wales["value"], expected)
    timeliness = wales.loc["assessments_within_timescale_pct", "value"]
    assert timeliness.between(86, 91).all(), timeliness.to_dict()
    pm24 = authorities[authorities["indicator_id"].eq("assessments_within_timescale_pct")]
    quartiles = pm24.groupby("period")["value"].quantile([0.25, 0.75]).unstack()
    assert quartiles[0.25].between(75, 85).all() and quartiles[0.75].between(91, 97).all()


def test_a_few_values_are_published_as_suppressed(comparators):
    suppressed = comparators[comparators["note"].eq("*")]
    assert 1 <= len(suppressed) <= 5
    assert suppressed["value"].isna().all() and suppressed["numerator"].isna().all()
    assert suppressed["area_code"].isin(WALES_AUTHORITY_CODES).all()
    assert comparators.loc[comparators["note"].eq(""), "value"].notna().all()


def test_the_demo_authoritys_comparators_are_what_its_own_data_give(comparators, contacts, assessments,
                                                                   caseloads):
    mine = comparators[comparators["area_code"].eq("W06000099")].set_index(["indicator_id", "period"])
    done = assessments[assessments["Assessment Completed"].notna()]
    in_time = pd.Series(working_days(done["Date of Referral"], done["Assessment Completed"]) <= 42, index=done.index)
    completed_year = financial_year(done["Assessment Completed"])
    strategy = contacts["Strategy Discussion Held"].eq("Yes")
    referrals = contacts[contacts["Contact Type"].eq("Referral") & contacts["Child or Adult"].eq("Child")]
    referrals = referrals.sort_values("received")
    previous = referrals.groupby("Person ID")["received"].shift()
    repeat = previous.notna() & (previous >= referrals["received"] - pd.DateOffset(months=12))
    # DfE's definition: every registered social worker's cases over the FTE of those holding a case.
    registered = caseloads[caseloads["Job Title"].isin(["Social Worker", "Senior Practitioner", "Team Manager"])]
    for year in FULL_YEARS:
        row = mine.loc[("assessments_within_timescale_pct", year)]
        assert (row["numerator"], row["denominator"]) == (in_time[completed_year == year].sum(),
                                                          (completed_year == year).sum())
        row = mine.loc[("contacts_to_strategy_pct", year)]
        assert (row["numerator"], row["denominator"]) == (strategy[contacts["year"] == year].sum(),
                                                          (contacts["year"] == year).sum())
        row = mine.loc[("rereferrals_within_12m_pct", year)]
        assert row["denominator"] == (referrals["year"] == year).sum()
        if year == FULL_YEARS[0]:  # no 12 months of history before it: not available
            assert row["note"] == "x" and pd.isna(row["value"])
        else:
            assert row["numerator"] == repeat[referrals["year"] == year].sum()
        row = mine.loc[("caseload_per_social_worker_fte", year)]
        year_end = pd.Timestamp(f"{int(year[:4]) + 1}-03-31")
        at_end = registered[registered["date"] == year_end]
        assert row["numerator"] == at_end["cases"].sum()
        assert row["denominator"] == pytest.approx(at_end.loc[at_end["cases"] >= 1, "fte"].sum(), abs=0.05)
        assert row["value"] == pytest.approx(row["numerator"] / row["denominator"], abs=0.05)


# --- ingest ------------------------------------------------------------------------------------


def test_ingest_accepts_everything_but_the_deliberate_bad_rows(ingested, demo):
    status, processed, rejected, report = ingested
    assert status == 0
    found = sorted((table, code) for table, frame in rejected.items() for code in frame["reason_code"])
    assert found == EXPECTED_BAD
    expected_rows = sorted((f"data/raw/demo/{b.file}", b.source_row, b.reason_code) for b in demo[1].bad_rows)
    rows = sorted((f, int(r), c) for frame in rejected.values()
                  for f, r, c in zip(frame["source_file"], frame["source_row"], frame["reason_code"]))
    assert rows == expected_rows
    assert (report["rows_read"] == report["rows_accepted"] + report["rows_rejected"]).all()
    assert report["rows_rejected"].sum() == len(EXPECTED_BAD)
    assert report.loc[report["table"].eq("assessments"), "header_row"].tolist() == [3]
    assert "Locality" in report.loc[report["table"].eq("contacts"), "columns_ignored"].iloc[0]
    counts = report[report["table"].eq("contact_counts")]
    assert len(counts) == 78 and counts["rows_rejected"].eq(0).all()


def test_ingested_tables_reach_the_end_of_the_quarter(ingested):
    _, processed, _, _ = ingested
    contacts = pd.read_parquet(processed / "contacts.parquet")
    assessments = pd.read_parquet(processed / "assessments.parquet")
    caseloads = pd.read_parquet(processed / "caseloads.parquet")
    assert contacts["received_at"].max().normalize() == END
    assert assessments["referral_date"].max() == END
    assert caseloads["snapshot_date"].max() == END
    assert contacts["source"].eq("police").mean() == pytest.approx(0.40, abs=0.03)
    # The custom spelling mapped in kpi.yml was accepted as police.
    assert set(contacts["contact_type"]) == {"referral", "enquiry", "information_only", "awaiting_information"}
    comparators = pd.read_parquet(processed / "comparators.parquet")
    assert set(comparators.loc[comparators["value"].isna(), "note"]) == {"*", "x"}


# --- config and summary ------------------------------------------------------------------------


def test_the_demo_config_loads_and_maps_the_workbook(demo):
    root, result = demo
    text = (root / "kpi.yml").read_text(encoding="utf-8")
    config = load_config(root / "kpi.yml")
    assert (config.authority.name, config.authority.code, config.authority.nation) == (
        "Demo County Borough Council", "W06000099", "wales")
    assert config.authority.committee
    sources = config.sources
    assert sources.assessments.sheet == "Assessments"
    assert sources.assessments.columns == {"referral_date": "Date of Referral",
                                           "completion_date": "Assessment Completed"}
    assert sources.contacts.categories == {"source": {"Heddlu Gogledd Cymru": "police"}}
    assert sources.contact_counts.path == "data/raw/demo/contact_counts/*.csv"
    assert len(config.source_files(sources.contact_counts)) == 78
    for source in (sources.contacts, sources.assessments, sources.caseloads, sources.comparators):
        assert not Path(source.path).is_absolute() and config.resolve(source.path).is_file()
    assert text.count("\n#") >= 10  # explained for an officer
    assert yaml.safe_load(text)["processed"] == "data/processed"
    assert config.extract_date == TODAY  # the demo was made for a given day


def test_an_existing_config_is_never_overwritten(other_seed):
    root, result, before = other_seed
    assert (root / "kpi.yml").read_bytes() == before
    assert not result.config_written
    assert any("already exists" in line and "kpi.yml" in line for line in result.summary())


def test_summary_says_what_was_written_and_where_the_config_is(demo):
    root, result = demo
    lines = result.summary()
    text = "\n".join(lines)
    for name in ("contacts.csv", "assessments.xlsx", "caseloads.csv", "comparators.csv", "contact_counts"):
        assert name in text
    rows = {f.name: f.rows for f in result.files}
    assert f"{rows['contacts.csv']:,} rows" in text
    assert rows["contacts.csv"] > 60_000 and rows["comparators.csv"] == 23 * 4 * 6
    assert f"Config written to {root / 'kpi.yml'}" in text
    assert re.search(r"2026-27 Q2", text)
    assert len(result.bad_rows) == len(EXPECTED_BAD)
