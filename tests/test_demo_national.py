"""Synthetic national data (`kpi demo --authorities N`): deterministic, consistent, loadable.

Small runs only (three Welsh authorities over one year, four English ones over one year), generated
once per module. The files are read back as a national analyst's tools would (pandas, explicit date
formats) and checked against the canonical tables in tables.yml, the calendar and, for England's
sizes, the published children in need census beside the checkout.
"""

from __future__ import annotations

import datetime as dt
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from kpi.cli import main
from kpi.demo.national import write_national

SEED = 2017
TODAY = dt.date(2026, 5, 15)  # latest complete quarter: 2025-26 Q4, so one year is 2025-04-01 to 2026-03-31
START, END = pd.Timestamp("2025-04-01"), pd.Timestamp("2026-03-31")
WELSH = ["W06000001", "W06000002", "W06000003"]  # the first three in code order
# People in thousands (as kpi's Welsh comparators have them), and the demo's rate: 74 contacts a year per 1,000.
WELSH_PEOPLE = {"W06000001": 69, "W06000002": 117, "W06000003": 114}
TABLES = ("contacts", "assessments", "caseloads")
PSEUDONYM_KEY = "national-test-key-long-enough-for-hmac-sha256"


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _run(root: Path, **options):
    settings = {"authority_count": 3, "years": 1, "seed": SEED, "today": TODAY} | options
    return write_national(out=root / "data/raw/national", config_path=root / "kpi.yml", **settings)


@pytest.fixture(scope="module")
def wales(tmp_path_factory):
    root = tmp_path_factory.mktemp("wales")
    return root, _run(root)


@pytest.fixture(scope="module")
def tables(wales) -> dict[str, pd.DataFrame]:
    folder = wales[1].out
    read = {name: pd.read_csv(folder / f"{name}.csv", dtype=str, keep_default_na=False) for name in TABLES}
    contacts, assessments, caseloads = read["contacts"], read["assessments"], read["caseloads"]
    for column in ("received_at", "decision_at"):
        contacts[column] = pd.to_datetime(contacts[column].replace("", None), format="%Y-%m-%d %H:%M:%S")
    for column in ("referral_date", "start_date", "completion_date"):
        assessments[column] = pd.to_datetime(assessments[column].replace("", None), format="%Y-%m-%d")
    caseloads["snapshot_date"] = pd.to_datetime(caseloads["snapshot_date"], format="%Y-%m-%d")
    return read


@pytest.fixture(scope="module")
def england(tmp_path_factory):
    root = tmp_path_factory.mktemp("england")
    result = _run(root, authority_count=4, nation="england")
    return result, pd.read_csv(result.out / "contacts.csv", dtype=str, keep_default_na=False)


# --- determinism -------------------------------------------------------------------------------------


def test_the_same_seed_gives_the_same_bytes(wales, tmp_path):
    again = tmp_path / "again"
    _run(again)
    assert _files(again) == _files(wales[0])


def test_another_seed_gives_other_data(wales, tmp_path):
    other = tmp_path / "other"
    _run(other, seed=SEED + 1)
    written, mine = _files(other), _files(wales[0])
    for name in TABLES:
        assert written[f"data/raw/national/{name}.csv"] != mine[f"data/raw/national/{name}.csv"]


def test_parquet_is_deterministic_and_holds_the_same_rows(wales, tmp_path):
    first, second = tmp_path / "one", tmp_path / "two"
    for root in (first, second):
        _run(root, file_format="parquet")
    assert _files(first) == _files(second)
    contacts = pd.read_parquet(first / "data/raw/national/contacts.parquet")
    assert len(contacts) == wales[1].rows["contacts"]
    assert str(contacts["received_at"].dtype).startswith("datetime64")
    assert "Parquet" in (first / "kpi.yml").read_text(encoding="utf-8")  # the config says what the files are


# --- shape: canonical tables, every authority -----------------------------------------------------------


def test_every_file_has_the_canonical_columns_and_words(tables):
    canonical = yaml.safe_load(resources.files("kpi").joinpath("data/tables.yml").read_text(encoding="utf-8"))
    for name, frame in tables.items():
        columns = canonical[name]["columns"]
        assert list(frame.columns) == list(columns), name  # every canonical column, authority last
        for column, spec in columns.items():
            if spec.get("type") == "category":
                used = set(frame[column]) - {""}
                assert used <= set(spec["values"]), (name, column, used - set(spec["values"]))


def test_every_authority_is_there_with_a_plausible_size(wales, tables):
    assert wales[1].codes == WELSH
    for name, frame in tables.items():
        assert sorted(frame["authority"].unique()) == WELSH, name
    per_authority = tables["contacts"].groupby("authority").size()
    for code, people in WELSH_PEOPLE.items():  # one year of contacts: the demo's 74 a year per 1,000 people
        assert 0.75 * 74 * people < per_authority[code] < 1.25 * 74 * people, code
    assessed = tables["assessments"].groupby("authority").size() / per_authority
    assert assessed.between(0.15, 0.40).all(), assessed
    workers = tables["caseloads"].groupby(["authority", "snapshot_date"]).size().groupby("authority").mean()
    assert (workers > 20).all() and (workers < 300).all(), workers


def test_english_sizes_follow_the_published_referrals(england, published):
    result, contacts = england
    census = pd.read_csv(published / "dfe-csc-outcomes/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv",
                         dtype=str)
    census = census[census["geographic_level"].eq("Local authority")]
    census = census[census["time_period"].isin(sorted(census["time_period"].unique())[-3:])]
    referrals = pd.to_numeric(census["referral_count"], errors="coerce").groupby(census["new_la_code"]).median()
    assert result.sizes_published and result.codes == sorted(referrals.index)[:4]
    made = contacts[contacts["contact_type"].eq("referral")].groupby("authority").size()  # one year of them
    ratio = made / referrals[result.codes]
    assert ratio.between(0.8, 1.2).all(), ratio
    config = yaml.safe_load((result.config_path).read_text(encoding="utf-8"))
    assert config["authority"]["nation"] == "england" and config["authority"]["code"] == "E92000001"


def test_without_the_published_census_english_authorities_are_made_up(tmp_path, monkeypatch):
    from kpi.demo import national

    monkeypatch.setattr(national, "published_folder", lambda: None)
    result = _run(tmp_path, authority_count=3, nation="england")
    assert result.codes == ["E99000001", "E99000002", "E99000003"] and not result.sizes_published
    contacts = pd.read_csv(result.out / "contacts.csv", dtype=str, usecols=["authority", "contact_type"])
    referrals = contacts[contacts["contact_type"].eq("referral")].groupby("authority").size()
    assert referrals.between(100, 40_000).all(), referrals  # a year of referrals, as England's spread


def test_authorities_differ_in_how_they_work(england):
    _, contacts = england
    police = contacts["source"].eq("police").groupby(contacts["authority"]).mean()
    referral = contacts["contact_type"].eq("referral").groupby(contacts["authority"]).mean()
    assert police.max() - police.min() > 0.01 and referral.max() - referral.min() > 0.01
    assert police.between(0.15, 0.55).all() and referral.between(0.12, 0.42).all()


# --- ids -------------------------------------------------------------------------------------------


def test_ids_are_unique_within_an_authority_and_reused_across_them(tables):
    contacts, assessments, caseloads = tables["contacts"], tables["assessments"], tables["caseloads"]
    assert not contacts.duplicated(["authority", "contact_id"]).any()
    assert not assessments.duplicated(["authority", "assessment_id"]).any()
    assert not caseloads.duplicated(["authority", "snapshot_date", "worker_id"]).any()
    for frame, column in ((contacts, "contact_id"), (contacts, "child_id"), (assessments, "assessment_id"),
                          (caseloads, "worker_id")):
        in_each = [set(frame.loc[frame["authority"].eq(code), column]) for code in WELSH]
        shared = set.intersection(*in_each)
        assert len(shared) > 0.5 * min(map(len, in_each)), column  # mostly the same ids in every authority
    first = contacts.groupby("authority")["contact_id"].first()
    assert (first == "CT0000001").all()


def test_assessments_are_about_children_the_contacts_know(tables):
    contacts, assessments = tables["contacts"], tables["assessments"]
    known = set(zip(contacts["authority"], contacts["child_id"]))
    referred = assessments[assessments["referral_date"] >= START]
    pairs = set(zip(referred["authority"], referred["child_id"]))
    assert pairs <= known
    carried = assessments[assessments["referral_date"] < START]  # open at the start: referred in the quarter before
    assert len(carried) > 0 and (carried["referral_date"] >= START - pd.DateOffset(months=3)).all()
    assert (carried["completion_date"].isna() | (carried["completion_date"] >= START)).all()


def test_children_are_referred_again_within_a_year_in_their_own_authority(tables):
    contacts = tables["contacts"]
    referrals = contacts[contacts["contact_type"].eq("referral") & contacts["about"].eq("child")]
    referrals = referrals.sort_values(["authority", "child_id", "received_at"])
    previous = referrals.groupby(["authority", "child_id"])["received_at"].shift()
    again = (referrals["received_at"] - previous) <= pd.Timedelta(days=365)
    share = again.groupby(referrals["authority"]).mean()
    assert share.between(0.05, 0.35).all(), share  # the first year's history is short, so below the usual 20%


# --- dates -----------------------------------------------------------------------------------------


def test_dates_are_consistent_and_known_by_the_extract_day(tables):
    contacts, assessments, caseloads = tables["contacts"], tables["assessments"], tables["caseloads"]
    today = pd.Timestamp(TODAY)
    assert contacts["received_at"].min() >= START and contacts["received_at"].max() < END + pd.Timedelta(days=1)
    decided = contacts["decision_at"].notna()
    assert (contacts.loc[decided, "decision_at"] >= contacts.loc[decided, "received_at"]).all()
    assert (contacts["decision_at"].dropna() < today).all()
    assert (contacts["outcome"].eq("") == ~decided).all()
    assert (contacts["strategy_discussion"].eq("true") == contacts["outcome"].eq("strategy")).all()
    for later, earlier in (("start_date", "referral_date"), ("completion_date", "referral_date"),
                           ("completion_date", "start_date")):
        both = assessments[later].notna() & assessments[earlier].notna()
        assert (assessments.loc[both, later] >= assessments.loc[both, earlier]).all(), later
    assert (assessments[["start_date", "completion_date"]].stack().dropna() < today).all()
    open_now = assessments["completion_date"].isna()
    assert open_now.any() and (assessments.loc[open_now, "outcome"] == "").all()
    month_ends = pd.date_range(START, END, freq="ME")
    assert sorted(caseloads["snapshot_date"].unique()) == list(month_ends)


def test_assessment_timeliness_is_plausible(tables):
    """Wales: 42 working days from the referral (weekends only here: a loose check)."""
    done = tables["assessments"].dropna(subset=["completion_date"])
    done = done[done["completion_date"] >= START]
    days = np.busday_count(done["referral_date"].to_numpy().astype("datetime64[D]") + 1,
                           done["completion_date"].to_numpy().astype("datetime64[D]") + 1)
    within = pd.Series(days <= 42).groupby(done["authority"].to_numpy()).mean()
    assert within.between(0.55, 0.99).all(), within


# --- kpi ingest and kpi indicators on it --------------------------------------------------------------


@pytest.fixture(scope="module")
def ingested(wales):
    root, result = wales
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPI_PSEUDONYM_KEY", PSEUDONYM_KEY)
        status = main(["ingest", "--config", str(result.config_path), "--quiet", "--strict"])
    return root, status


def test_kpi_ingest_accepts_every_row(ingested, wales):
    root, status = ingested
    report = pd.read_csv(root / "data/processed/ingest_report.csv", encoding="utf-8-sig")
    rejected = list((root / "data/processed/rejected").glob("*.csv"))
    reasons = pd.concat([pd.read_csv(p, encoding="utf-8-sig") for p in rejected]) if rejected else pd.DataFrame()
    assert status == 0, reasons.get("reason_code", pd.Series()).value_counts().to_dict()
    assert report.filter(like="rejected").sum().sum() == 0
    for name in TABLES:
        assert len(pd.read_parquet(root / f"data/processed/{name}.parquet")) == wales[1].rows[name]


def test_kpi_indicators_by_authority_runs_on_it(ingested, wales):
    root, _ = ingested
    out = root / "indicators.csv"
    assert main(["indicators", "--config", str(wales[1].config_path), "--by", "authority", "--format", "csv",
                 "--out", str(out)]) == 0
    table = pd.read_csv(out, encoding="utf-8-sig")
    assert set(table["authority"]) == {"All", *WELSH}
    received = table[table["indicator_id"].eq("contacts_received")].set_index("authority")["numerator"]
    assert received[WELSH].sum() == received["All"] > 0
    in_time = table[table["indicator_id"].eq("assessments_within_timescale_pct")].set_index("authority")["value"]
    assert in_time[WELSH].between(50, 100).all()


def test_kpi_indicators_by_team_gives_one_authoritys_teams(ingested, wales, capsys):
    """Every Welsh authority has an "Intake and Assessment 1" team and a child C0000001: broken down by team,
    national data would pool them. One authority's teams are asked for with --authority; without it the
    breakdown is refused, saying so."""
    root, _ = ingested
    config = str(wales[1].config_path)
    assert main(["indicators", "--config", config, "--by", "team"]) == 2
    said = capsys.readouterr().err
    assert "3 authorities' records" in said and "--authority W06000001" in said
    out, whole = root / "teams.csv", root / "authorities.csv"
    assert main(["indicators", "--config", config, "--by", "team", "--authority", WELSH[1], "--format", "csv",
                 "--out", str(out)]) == 0
    assert main(["indicators", "--config", config, "--by", "authority", "--format", "csv", "--out", str(whole)]) == 0
    teams = pd.read_csv(out, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    authorities = pd.read_csv(whole, encoding="utf-8-sig", keep_default_na=False, na_values=[""])
    assert set(teams["authority"]) == {WELSH[1]} and len(set(teams["team"])) > 2
    # The authority's whole, by the measures over its own rows, is the engine's figure for it (which looks back
    # only at the authority's own children) ...
    mine = teams[teams["team"].eq("All")].set_index("indicator_id")
    engine = authorities[authorities["authority"].eq(WELSH[1])].set_index("indicator_id").loc[mine.index]
    assert mine["status"].eq("ok").sum() > 10
    for column in ("numerator", "denominator", "value"):
        assert np.allclose(mine[column], engine[column], rtol=1e-12, equal_nan=True), column
    # ... and its teams' assessments add up to it.
    completed = teams[teams["indicator_id"].eq("assessments_completed")].set_index("team")["numerator"]
    assert completed.drop("All").sum() == completed["All"] > 0


def test_one_authoritys_tables_read_from_disk_are_the_national_tables_cut_to_it(ingested, wales):
    """ProcessedData.of_authority reads only the authority's rows of the files: the same rows, the same types,
    as the whole tables read and then cut; the authorities are found from the authority column alone."""
    from kpi.config import load_config
    from kpi.data.processed import load_processed

    config = load_config(wales[1].config_path)
    assert load_processed(config).authorities() == WELSH
    mine = load_processed(config).of_authority(WELSH[2])
    whole = load_processed(config)
    for name in TABLES:
        cut = whole.tables[name][whole.tables[name]["authority"].eq(WELSH[2]).to_numpy(dtype=bool)]
        assert 0 < len(cut) < len(whole.tables[name])
        pd.testing.assert_frame_equal(mine.tables[name].reset_index(drop=True), cut.reset_index(drop=True))
    assert mine.authorities() == [WELSH[2]]


# --- the command ------------------------------------------------------------------------------------


def test_the_command_writes_national_data_and_keeps_an_existing_config(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "kpi.yml").write_text("# mine\n", encoding="utf-8")
    assert main(["demo", "--authorities", "2", "--years", "1", "--today", TODAY.isoformat()]) == 0
    assert (tmp_path / "kpi.yml").read_text(encoding="utf-8") == "# mine\n"
    assert sorted(p.name for p in (tmp_path / "data/raw/national").iterdir()) == [f"{t}.csv" for t in
                                                                                   sorted(TABLES)]
    said = capsys.readouterr().err
    assert "National synthetic data: 2 Wales authorities" in said and "left as it is" in said


def test_national_options_need_authorities(tmp_path, monkeypatch, capsys):
    monkeypatch.chdir(tmp_path)
    assert main(["demo", "--years", "3"]) == 2
    assert main(["demo", "--authorities", "0"]) == 2
    assert main(["demo", "--authorities", "2", "--years", "99"]) == 2
    assert "--years" in capsys.readouterr().err
    assert main(["demo", "--authorities", "2", "--years", "0"]) == 2  # refused, not taken for the default ten
    assert "--years 0: give 1 to" in capsys.readouterr().err
    assert not (tmp_path / "data").exists() and not (tmp_path / "kpi.yml").exists()


def test_kpi_ingest_reads_the_parquet_files_as_it_reads_the_csv_files(ingested, wales, tmp_path, monkeypatch):
    """The same national data written as Parquet load into the same processed tables as the CSV files: the
    same rows, dates, categories, numbers and pseudonyms (the file names aside)."""
    root, _ = ingested
    parquet = tmp_path / "parquet"
    _run(parquet, file_format="parquet")
    monkeypatch.setenv("KPI_PSEUDONYM_KEY", PSEUDONYM_KEY)
    assert main(["ingest", "--config", str(parquet / "kpi.yml"), "--quiet", "--strict"]) == 0
    for table in TABLES:
        from_csv = pd.read_parquet(root / "data/processed" / f"{table}.parquet").drop(columns="source_file")
        from_parquet = pd.read_parquet(parquet / "data/processed" / f"{table}.parquet").drop(columns="source_file")
        pd.testing.assert_frame_equal(from_parquet, from_csv)
