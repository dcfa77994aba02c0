"""The indicator table end to end: unavailable is not zero, and lower-is-better is judged that way."""

from __future__ import annotations

import pandas as pd

from kpi.config import load_config
from kpi.compare.table import indicator_table

HEADER = "Assessment ID,Person ID,Date of Referral,Assessment Completed,Team,Child Seen,Language"


def test_quarter_with_no_completed_assessments_is_unavailable(project):
    project.write_text("assessments.csv", "\n".join([
        HEADER,
        "A1,P1,02/01/2018,20/02/2018,North,Yes,Welsh",  # completed in 2017-18 Q4
        "A2,P2,10/06/2018,,North,Yes,English",  # referred in Q1 2018-19, still open
        "A3,P3,01/07/2018,05/07/2018,North,Yes,English",  # completed in Q2
    ]) + "\n")
    project.write_config({"assessments": {"path": "assessments.csv"}}, extract_date="2018-09-30")
    project.ingest()
    table = indicator_table(load_config(project.config_path), "2018-19Q1").set_index("indicator_id")
    row = table.loc["assessments_within_timescale_pct"]
    assert row["status"] == "unavailable"
    assert row["reason"] == "no assessments completed in the period"
    assert pd.isna(row["value"]) and pd.isna(row["rag"])
    assert table.loc["assessments_completed", "value"] == 0
    assert table.loc["contacts_received", "reason"].startswith("no contacts or contact_counts data")


def test_lower_is_better_rag_and_travel(project):
    rows = ["Snapshot,Worker,Team,Job Title,FTE,Caseload"]
    for day, cases in (("30/06/2018", 25), ("30/09/2018", 15)):
        rows += [f"{day},W{i},North,Social Worker,1,{cases}" for i in range(4)]
    project.write_text("caseloads.csv", "\n".join(rows) + "\n")
    project.write_config({"caseloads": {"path": "caseloads.csv"}},
                         targets={"caseload_per_social_worker_fte": {"target": 17, "tolerance": 2}})
    project.ingest()
    table = indicator_table(load_config(project.config_path), "2018-19Q1..2018-19Q2").set_index(
        ["indicator_id", "period"])
    before = table.loc[("caseload_per_social_worker_fte", "2018-19Q1")]
    after = table.loc[("caseload_per_social_worker_fte", "2018-19Q2")]
    assert (before["value"], before["rag"]) == (25, "red")
    # Travel says only which way and how far: better or worse is for SPC to say.
    assert (after["value"], after["rag"], after["travel_on_previous"], after["change_on_previous"]) == (
        15, "green", "down", -10)
    assert table.loc[("workers_over_caseload_threshold", "2018-19Q1"), "value"] == 4
    assert table.loc[("workers_over_caseload_threshold", "2018-19Q2"), "travel_on_previous"] == "down"
