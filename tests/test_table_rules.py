"""The table's rules (kpi.data.schemas) give each failing row its reasons in the order kpi always gave them:
checks across columns first, then each column's checks in the data dictionary's order; the first decides
the reason code. An empty value fails no rule."""

from __future__ import annotations

import datetime as dt

import pandas as pd

from conftest import contacts_csv
from kpi.data.schemas import build_schema, failures
from kpi.data.tables import table


def test_a_row_failing_several_rules_lists_the_check_across_columns_first(project):
    project.write_text("contacts.csv", contacts_csv(
        "C1,P1,10/02/2017 09:00,Police,Referral,10/02/2017 11:00,NFA",
        "C2,P2,10/02/2031 09:00,Police,Referral,09/02/2017 11:00,NFA",
        "C3,P3,10/02/2031 09:00,Police,Referral,10/02/2032 11:00,NFA",
    ))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    project.ingest()
    rejected = project.rejected("contacts").set_index("source_row")
    assert tuple(rejected.loc["3", ["column", "reason", "reason_code"]]) == (
        "decision_at, received_at; received_at",
        "decision is before the contact was received; '10/02/2031 09:00' is after the extract date 31/03/2020",
        "dates_out_of_order")
    # The same check failed twice in one row is given once, for its first column.
    assert tuple(rejected.loc["4", ["column", "reason", "reason_code"]]) == (
        "received_at", "'10/02/2031 09:00' is after the extract date 31/03/2020", "date_after_extract")


def test_empty_values_fail_no_rule():
    schema, _ = build_schema(table("caseloads"), earliest=dt.date(2000, 1, 1), latest=dt.date(2020, 1, 1))
    typed = pd.DataFrame({
        "snapshot_date": pd.Series([pd.NaT, pd.Timestamp("2019-03-31")], dtype="datetime64[us]"),
        "worker_id": pd.Series(["W-1", "W-2"], dtype="string"),
        "team": pd.Series(["North", "North"], dtype="string"),
        "role": pd.Series([pd.NA, "social_worker"], dtype="string"),
        "fte": pd.Series([float("nan"), 2.0], dtype="float64"),
        "open_cases": pd.Series([pd.NA, 10], dtype="Int64"),
        "agency": pd.Series([pd.NA, True], dtype="boolean"),
        "authority": pd.Series([pd.NA, pd.NA], dtype="string"),
    }).set_axis([7, 8])
    found = failures(schema, typed)
    assert found[["row", "column", "check"]].values.tolist() == [
        [7, "snapshot_date", "not_nullable"], [7, "role", "not_nullable"], [7, "fte", "not_nullable"],
        [8, "fte", "is above 1.5 (the highest allowed)"], [7, "open_cases", "not_nullable"]]
