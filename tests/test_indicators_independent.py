"""`kpi indicators` agrees with an independent calculation of every definition.

The extracts are random (seeded) and go through `kpi ingest`; the independent side works from the
raw rows with plain Python and pandas' own business-day calendar, not with kpi's code.
"""

from __future__ import annotations

import io

import holidays
import numpy as np
import pandas as pd
import pytest

from kpi.cli import main

PERIOD_START, PERIOD_END = pd.Timestamp("2018-10-01"), pd.Timestamp("2018-12-31")
LAST_YEAR = (pd.Timestamp("2017-10-01"), pd.Timestamp("2017-12-31"))
BANK_HOLIDAYS = sorted(holidays.UK(subdiv="ENG", years=range(2015, 2021)))
SOURCES = ["police", "health", "education", "self_or_family", "other"]
TYPES = ["referral", "enquiry", "information_only", "awaiting_information"]
OUTCOMES = ["advice", "signposted", "no_further_action", "assessment", "strategy"]


def _uk(stamp: pd.Timestamp, with_time: bool = True) -> str:
    return stamp.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")


def _working_days(start: pd.Timestamp, end: pd.Timestamp) -> int:
    """Working days after `start` up to and including `end`."""
    first = start.normalize() + pd.Timedelta(days=1)
    if first > end.normalize():
        return 0
    return len(pd.bdate_range(first, end.normalize(), freq="C", holidays=BANK_HOLIDAYS))


@pytest.fixture(scope="module")
def extracts():
    rng = np.random.default_rng(42)
    start = pd.Timestamp("2016-04-01")
    n = 2500
    received = start + pd.to_timedelta(rng.integers(0, 1186, n), unit="D") + pd.to_timedelta(
        rng.integers(8 * 60, 18 * 60, n), unit="min")
    decision_delay = pd.to_timedelta(rng.choice([0, 0.2, 1, 2, 3, 5], n), unit="D")
    contacts = pd.DataFrame({
        "Contact ID": [f"C{i}" for i in range(n)],
        "Person ID": [f"K{k}" for k in rng.integers(0, 700, n)],
        "received": received,
        "Contact Source": rng.choice(SOURCES, n, p=[0.4, 0.2, 0.2, 0.1, 0.1]),
        "Contact Type": rng.choice(TYPES, n, p=[0.3, 0.3, 0.3, 0.1]),
        "decided": (received + decision_delay).where(rng.random(n) > 0.03),
        "Outcome": rng.choice(OUTCOMES, n),
        "Child or Adult": rng.choice(["Child", "Adult"], n, p=[0.97, 0.03]),
    })
    contacts["Strategy Discussion"] = np.where(contacts["Outcome"].eq("strategy"), "Yes", "No")

    m = 700
    referral = start + pd.to_timedelta(rng.integers(0, 1150, m), unit="D")
    completion = referral + pd.to_timedelta(rng.integers(0, 90, m), unit="D")
    completion = completion.where(completion <= pd.Timestamp("2019-06-30"))
    assessments = pd.DataFrame({
        "Assessment ID": [f"A{i}" for i in range(m)], "Person ID": [f"K{k}" for k in rng.integers(0, 700, m)],
        "referral": referral, "completion": completion,
        "Team": rng.choice(["North", "South"], m),
        "Child Seen": rng.choice(["Yes", "No", ""], m, p=[0.9, 0.05, 0.05]),
        "Language": rng.choice(["English", "Welsh", "Other", "Not recorded"], m, p=[0.7, 0.15, 0.05, 0.1]),
    })

    month_ends = pd.date_range("2016-04-30", "2019-06-30", freq="ME")
    workers = pd.DataFrame({"Worker": [f"W{i}" for i in range(20)],
                            "Job Title": ["Social Worker"] * 14 + ["Senior Practitioner"] * 3 + ["Team Manager"] * 3,
                            "Team": ["North", "South"] * 10})
    caseloads = workers.merge(pd.DataFrame({"snapshot": month_ends}), how="cross")
    k = len(caseloads)
    caseloads["FTE"] = rng.choice([0.5, 0.8, 1.0], k)
    caseloads["Caseload"] = rng.integers(0, 30, k)  # some hold no case: not in DfE's FTE
    caseloads["Agency Worker"] = rng.choice(["Yes", "No"], k, p=[0.15, 0.85])
    return contacts, assessments, caseloads


@pytest.fixture(scope="module")
def indicator_csv(extracts, tmp_path_factory):
    contacts, assessments, caseloads = extracts
    root = tmp_path_factory.mktemp("authority")
    out = contacts.assign(**{"Date Received": contacts["received"].map(_uk),
                             "Decision Date": contacts["decided"].map(lambda d: _uk(d) if pd.notna(d) else "")})
    out.drop(columns=["received", "decided"]).to_csv(root / "contacts.csv", index=False)
    out = assessments.assign(**{"Date of Referral": assessments["referral"].map(lambda d: _uk(d, False)),
                                "Assessment Completed": assessments["completion"].map(
                                    lambda d: _uk(d, False) if pd.notna(d) else "")})
    out.drop(columns=["referral", "completion"]).to_csv(root / "assessments.csv", index=False)
    out = caseloads.assign(Snapshot=caseloads["snapshot"].map(lambda d: _uk(d, False)))
    out.drop(columns=["snapshot"]).to_csv(root / "caseloads.csv", index=False)
    (root / "kpi.yml").write_text(
        "authority: {name: Test, code: W06000099, nation: wales}\n"
        "extract_date: 2019-08-01\n"
        "sources:\n"
        "  contacts: {path: contacts.csv}\n"
        "  assessments: {path: assessments.csv, columns: {language: Language}}\n"
        "  caseloads: {path: caseloads.csv}\n", encoding="utf-8")
    assert main(["ingest", "--config", str(root / "kpi.yml"), "--quiet", "--strict"]) == 0
    return root


@pytest.fixture(scope="module")
def kpi_values(indicator_csv):
    import contextlib

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        assert main(["indicators", "--config", str(indicator_csv / "kpi.yml"), "--period", "2018-19Q3",
                     "--format", "csv"]) == 0
    table = pd.read_csv(io.StringIO(buffer.getvalue()))
    return table.set_index("indicator_id")


def _independent(contacts, assessments, caseloads) -> dict[str, tuple[float, float | None, float]]:
    """(numerator, denominator, value) for every indicator, computed row by row."""
    inside = contacts[contacts["received"].between(PERIOD_START, PERIOD_END + pd.Timedelta(days=1),
                                                   inclusive="left")]
    total = len(inside)
    last_year = contacts["received"].between(LAST_YEAR[0], LAST_YEAR[1] + pd.Timedelta(days=1), inclusive="left")
    police = int((inside["Contact Source"] == "police").sum())
    referrals_in = inside[inside["Contact Type"] == "referral"]
    police_referrals = int((referrals_in["Contact Source"] == "police").sum())
    in_time = sum(1 for r, d in zip(inside["received"], inside["decided"])
                  if pd.notna(d) and _working_days(r, d) <= 1)
    strategy = int((inside["Strategy Discussion"] == "Yes").sum())
    to_assessment = int((inside["Outcome"] == "assessment").sum())
    referrals = contacts[(contacts["Contact Type"] == "referral") & (contacts["Child or Adult"] == "Child")]
    in_period = referrals[referrals["received"].between(PERIOD_START, PERIOD_END + pd.Timedelta(days=1),
                                                        inclusive="left")]
    rereferred = 0
    for _, row in in_period.iterrows():
        earlier = referrals[(referrals["Person ID"] == row["Person ID"]) & (referrals["received"] < row["received"])
                            & (referrals["received"] >= row["received"] - pd.DateOffset(months=12))]
        rereferred += len(earlier) > 0

    done = assessments[assessments["completion"].between(PERIOD_START, PERIOD_END)]
    days = [_working_days(r, c) for r, c in zip(done["referral"], done["completion"])]
    late = [d for d in days if d > 42]
    open_at_end = assessments[(assessments["referral"] <= PERIOD_END) &
                              (assessments["completion"].isna() | (assessments["completion"] > PERIOD_END))]
    open_over = sum(_working_days(r, PERIOD_END) > 42 for r in open_at_end["referral"])
    referred = assessments[assessments["referral"].between(PERIOD_START, PERIOD_END)]
    recorded = int(referred["Language"].isin(["English", "Welsh", "Other"]).sum())

    snapshot = caseloads[caseloads["snapshot"] == PERIOD_END]
    holders = snapshot[snapshot["Job Title"].isin(["Social Worker", "Senior Practitioner"])]
    # DfE's workforce statistics: every registered social worker, team managers included; FTE of those
    # holding a case; the agency rate by FTE.
    registered = snapshot[snapshot["Job Title"].isin(["Social Worker", "Senior Practitioner", "Team Manager"])]
    holding_fte = registered.loc[registered["Caseload"] >= 1, "FTE"].sum()
    agency_fte = registered.loc[registered["Agency Worker"] == "Yes", "FTE"].sum()
    over_per_fte = int((holders["Caseload"] / holders["FTE"] > 20).sum())
    return {
        "contacts_received": (total, None, total),
        "contacts_change_on_last_year_pct": (total, last_year.sum(), (total / last_year.sum() - 1) * 100),
        "contacts_from_police_pct": (police, total, police / total * 100),
        "referrals_from_police_pct": (police_referrals, len(referrals_in),
                                      police_referrals / len(referrals_in) * 100),
        "contacts_decided_within_1wd_pct": (in_time, total, in_time / total * 100),
        "contacts_to_strategy_pct": (strategy, total, strategy / total * 100),
        "contacts_to_assessment_pct": (to_assessment, total, to_assessment / total * 100),
        "rereferrals_within_12m_pct": (rereferred, len(in_period), rereferred / len(in_period) * 100),
        "assessments_completed": (len(done), None, len(done)),
        "assessments_within_timescale_pct": (len(days) - len(late), len(days), (len(days) - len(late)) / len(days) * 100),
        "assessments_overdue_avg_working_days": (sum(late), len(late), sum(late) / len(late)),
        "assessments_open_at_period_end": (len(open_at_end), None, len(open_at_end)),
        "assessments_open_over_timescale": (open_over, len(open_at_end), open_over),
        "assessments_child_seen_pct": ((done["Child Seen"] == "Yes").sum(), len(done),
                                       (done["Child Seen"] == "Yes").sum() / len(done) * 100),
        "assessments_language_recorded_pct": (recorded, len(referred), recorded / len(referred) * 100),
        "caseload_per_social_worker_fte": (registered["Caseload"].sum(), holding_fte,
                                           registered["Caseload"].sum() / holding_fte),
        "workers_over_caseload_threshold": (over_per_fte, len(holders), over_per_fte),
        "caseload_agency_social_workers_pct": (agency_fte, registered["FTE"].sum(),
                                               agency_fte / registered["FTE"].sum() * 100),
    }


def test_every_indicator_agrees_with_an_independent_calculation(extracts, kpi_values):
    expected = _independent(*extracts)
    # The extracts hold contacts, assessments and caseloads only: every other indicator says which extract it
    # lacks, with no figure (never 0).
    assert set(expected) == set(kpi_values.index[kpi_values["status"].eq("ok")])
    others = kpi_values.drop(index=list(expected))
    assert others["reason"].str.startswith("no ").all() and others["value"].isna().all(), others
    for indicator_id, (numerator, denominator, value) in expected.items():
        row = kpi_values.loc[indicator_id]
        assert row["status"] == "ok", (indicator_id, row["reason"])
        assert row["numerator"] == pytest.approx(numerator), indicator_id
        if denominator is None:
            assert pd.isna(row["denominator"]), indicator_id
        else:
            assert row["denominator"] == pytest.approx(denominator), indicator_id
        assert row["value"] == pytest.approx(value), indicator_id
        assert row["period"] == "2018-19Q3"


def test_csv_on_standard_output_has_the_contract_columns_first(kpi_values):
    columns = ["period", "numerator", "denominator", "value", "unit"]
    assert list(kpi_values.columns[:5]) == columns
    for column in ("target", "rag", "travel_on_previous", "travel_on_last_year", "nation_value", "quartile_band"):
        assert column in kpi_values.columns


def test_by_team_breaks_down_team_level_indicators(indicator_csv, capsys):
    assert main(["indicators", "--config", str(indicator_csv / "kpi.yml"), "--period", "2018-19Q3",
                 "--format", "csv", "--by", "team"]) == 0
    table = pd.read_csv(io.StringIO(capsys.readouterr().out))
    north = table[(table["team"] == "North") & (table["indicator_id"] == "assessments_completed")]
    south = table[(table["team"] == "South") & (table["indicator_id"] == "assessments_completed")]
    whole = table[(table["team"] == "All") & (table["indicator_id"] == "assessments_completed")]
    assert north["value"].item() + south["value"].item() == whole["value"].item()
    assert "contacts_received" not in set(table.loc[table["team"] == "North", "indicator_id"])


def test_range_gives_a_row_per_quarter_and_messages_stay_off_standard_output(indicator_csv, capsys):
    assert main(["indicators", "--config", str(indicator_csv / "kpi.yml"), "--period", "2017-18Q4..2018-19Q3",
                 "--format", "csv"]) == 0
    captured = capsys.readouterr()
    table = pd.read_csv(io.StringIO(captured.out))
    assert sorted(table["period"].unique()) == ["2017-18Q4", "2018-19Q1", "2018-19Q2", "2018-19Q3"]
    assert table.groupby("period").size().nunique() == 1


def test_proportions_carry_a_confidence_interval_and_changes_do_not(kpi_values):
    timeliness = kpi_values.loc["assessments_within_timescale_pct"]
    assert timeliness["ci_lower"] < timeliness["value"] < timeliness["ci_upper"]
    assert pd.isna(kpi_values.loc["contacts_change_on_last_year_pct", "ci_lower"])
    assert pd.isna(kpi_values.loc["contacts_received", "ci_lower"])
