"""Data quality: what was rejected and why, how complete key fields are, what was recorded late.

Used by the pack's data-quality page and appendix and, in more depth, by the officers' data_quality
notebook. Inspectors asked for better recording of core data such as language preference, so completeness
is shown by field, by team and over time, each field over the same records as the indicator it feeds.
What the ingest did (rows read, accepted and rejected, checksums, reasons in plain words) is in
kpi.data.provenance.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpi.data.provenance import COUNTS, ingest_summary, provenance_by_source, rejected_by_reason, rejected_rows
from kpi.indicators.measures import Settings
from kpi.indicators.measures.assessments import RECORDED_LANGUAGES  # as assessments_language_recorded_pct counts
from kpi.time.periods import QUARTER, PeriodError, code, kind, quarters_in, resolve
from kpi.data.processed import ProcessedData, last_snapshot
from kpi.time.workdays import working_days_elapsed

# ------------------------------------------------------------------------------------------------------
# Completeness of key fields, each over the records of the indicator it feeds.
# ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class KeyField:
    """A field whose recording inspectors watch, and the records it is counted over (its cohort).

    The cohort is that of `indicator`'s denominator, in the same words, so the data-quality page and
    the indicator's section show the same number of records for the period.
    """

    table: str
    field: str
    description: str  # what is recorded
    cohort: str  # which records, in words
    indicator: str  # the indicator whose denominator is exactly the cohort
    date: str  # the column that places a record in a period
    snapshot: bool = False  # case-holding social workers at the period's last snapshot (as the measures)


CONTACTS_RECEIVED = "contacts received in the period"
ASSESSMENTS_COMPLETED = "assessments completed in the period"
KEY_FIELDS = [
    KeyField("contacts", "decision_at", "Decision date recorded", CONTACTS_RECEIVED,
             "contacts_decided_within_1wd_pct", "received_at"),
    KeyField("contacts", "outcome", "Contact outcome recorded", CONTACTS_RECEIVED,
             "contacts_to_assessment_pct", "received_at"),
    KeyField("assessments", "language", "Language preference recorded", "assessments referred in the period",
             "assessments_language_recorded_pct", "referral_date"),
    KeyField("assessments", "child_seen", "Whether the child was seen recorded", ASSESSMENTS_COMPLETED,
             "assessments_child_seen_pct", "completion_date"),
    # A start date is asked of completed assessments: one referred yesterday may rightly not have started.
    KeyField("assessments", "start_date", "Assessment start date recorded", ASSESSMENTS_COMPLETED,
             "assessments_within_timescale_pct", "completion_date"),
    KeyField("caseloads", "agency", "Agency status recorded",
             "registered social workers at the last snapshot in the period",
             "caseload_agency_social_workers_pct", "snapshot_date", snapshot=True),
]


def _recorded(frame: pd.DataFrame, field: str) -> pd.Series:
    if field == "language":
        return frame["language"].isin(RECORDED_LANGUAGES)
    return frame[field].notna()


def cohort(data: ProcessedData, key: KeyField, start: pd.Timestamp, end: pd.Timestamp,
           settings: Settings | None = None) -> pd.DataFrame:
    """The records `key` is counted over from `start` to `end` (whole days): its indicator's
    denominator, chosen as kpi.indicators.measures chooses it."""
    frame = data.tables[key.table]
    if key.snapshot:
        snapshot = last_snapshot(frame, start, end)
        return snapshot[snapshot["role"].isin(_workforce_roles(settings or Settings()))]
    dates = frame[key.date]
    return frame[(dates >= start) & (dates < end + pd.Timedelta(days=1))]


def _cohorts_by_quarter(frame: pd.DataFrame, key: KeyField, settings: Settings) -> pd.DataFrame:
    """`cohort` for every quarter at once: the records placed in some quarter by `key.date`."""
    dates = frame[key.date]
    if not key.snapshot:
        return frame[dates.notna()]
    last = dates.groupby(dates.dt.to_period(QUARTER)).transform("max")
    return frame[dates.eq(last) & frame["role"].isin(_workforce_roles(settings))]


def _workforce_roles(settings: Settings) -> tuple[str, ...]:
    """The roles the agency rate counts: registered social workers (DfE), or the local definition's."""
    return settings.case_holding_roles if settings.workforce_definition == "local" else settings.registered_roles


def completeness(data: ProcessedData, start: pd.Timestamp, end: pd.Timestamp,
                 settings: Settings | None = None) -> pd.DataFrame:
    """For each key field: its cohort in words, the records in it for the period, how many have the
    field recorded, and the percentage. `records` equals the denominator of `indicator` for the same
    period (for agency status, `recorded` is that of caseload_agency_social_workers_pct)."""
    columns = ["table", "field", "description", "cohort", "indicator", "records", "recorded", "percent"]
    rows = []
    for key in KEY_FIELDS:
        frame = data.tables.get(key.table)
        if frame is None or key.field not in frame:
            continue
        inside = cohort(data, key, start, end, settings)
        recorded = int(_recorded(inside, key.field).sum())
        rows.append({"table": key.table, "field": key.field, "description": key.description, "cohort": key.cohort,
                     "indicator": key.indicator, "records": len(inside), "recorded": recorded,
                     "percent": recorded / len(inside) * 100 if len(inside) else float("nan")})
    return pd.DataFrame(rows, columns=columns)


def completeness_by_team(data: ProcessedData, field: str = "language",
                         quarters: list[pd.Period] | None = None, settings: Settings | None = None
                         ) -> pd.DataFrame:
    """Percentage of records with `field` recorded, by team (rows) and quarter (columns).

    `field` is a key field of a table recorded by team (assessments: language, child_seen, start_date;
    caseloads: agency). Each quarter counts the field's cohort (see KEY_FIELDS): whether the child was
    seen is asked of the assessments completed in the quarter, so one still open is not "not recorded".
    `quarters` limits (and orders) the columns; by default every quarter in the data.
    """
    rows = _key_field_rows(data, team=True, settings=settings)
    rows = rows[rows["field"].eq(field)]
    if rows.empty:
        return pd.DataFrame()
    quarter = rows["date"].dt.to_period(QUARTER)
    if quarters is not None:
        rows, quarter = rows[quarter.isin(quarters)], quarter[quarter.isin(quarters)]
    percent = rows["recorded"].astype("float64") * 100
    table = percent.groupby([rows["team"], quarter.map(code).rename("quarter")]).mean().unstack()
    if quarters is not None:
        table = table.reindex(columns=[code(q) for q in quarters])
    return table.round(1)


def decisions_without_time(data: ProcessedData, quarters: list[pd.Period] | None = None) -> pd.DataFrame:
    """Contacts per quarter whose decision was recorded at exactly midnight (a date with no time),
    and contacts still without a decision: signs of late or partial recording."""
    frame = data.tables.get("contacts")
    if frame is None:
        return pd.DataFrame()
    decided = frame["decision_at"].notna()
    midnight = decided & frame["decision_at"].eq(frame["decision_at"].dt.normalize())
    quarter = frame["received_at"].dt.to_period(QUARTER)
    summary = pd.DataFrame({"contacts": 1, "no_decision": ~decided, "decision_without_time": midnight},
                           index=frame.index).astype("int64")
    return _sum_by_quarter(summary, quarter, quarters)


def _sum_by_quarter(summary: pd.DataFrame, quarter: pd.Series, quarters: list[pd.Period] | None) -> pd.DataFrame:
    """Counts per quarter (only the quarters asked for, each shown even when it has none)."""
    if quarters is not None:
        summary, quarter = summary[quarter.isin(quarters)], quarter[quarter.isin(quarters)]
    table = summary.groupby(quarter.map(code)).sum()
    if quarters is not None:
        table = table.reindex([code(q) for q in quarters], fill_value=0)
    return table.rename_axis("period").reset_index()


def duplicates(processed_dir: Path) -> pd.DataFrame:
    """Rejected exact duplicates and conflicting ids, by table and file."""
    rows = rejected_rows(processed_dir)
    rows = rows[rows["reason_code"].isin(["duplicate_row", "conflicting_id"])]
    return rows.groupby(["table", "source_file", "reason_code"]).size().rename("rows").reset_index()


# ------------------------------------------------------------------------------------------------------
# For the officers' data_quality notebook: the same checks over several quarters, by field and team.
# ------------------------------------------------------------------------------------------------------

REJECTED_AS_DUPLICATE = {"duplicate_row": "exact duplicate row", "conflicting_id": "same id, different content"}
# Records kept by ingest (their ids differ) that look like the same event entered twice.
POSSIBLE_DUPLICATES = {
    "contacts": (("child_id", "received_at"), "same child, same date and time received"),
    "assessments": (("child_id", "referral_date"), "same child, same referral date"),
}


def quarters(period: str, last_date: pd.Timestamp | None, history: int = 1) -> list[pd.Period]:
    """The quarters to look at: a range as given ('2021-22Q1..latest'), a financial year's four quarters,
    or a single quarter ('latest', '2024-25Q2') with the `history - 1` quarters before it."""
    chosen = resolve(period, last_date).periods
    if len(chosen) == 1 and kind(chosen[0]) != "quarter":
        return quarters_in(chosen[0])
    if kind(chosen[0]) != "quarter":
        raise PeriodError(f"'{period}': give quarters (such as 2024-25Q2..latest), not a range of years")
    if len(chosen) == 1:
        if history < 1:
            raise ValueError(f"history must be at least 1 quarter (got {history})")
        return list(pd.period_range(chosen[0] - (history - 1), chosen[0], freq=QUARTER))
    return chosen


def ingest_by_table(processed_dir: Path) -> pd.DataFrame:
    """The ingest report added up per table: files, rows read, accepted and rejected."""
    return provenance_by_source(ingest_summary(processed_dir))[["table", "files", *COUNTS]]


def rejections_by_file(processed_dir: Path) -> pd.DataFrame:
    """Each file that had rows rejected: rows read, accepted and rejected, then a column per reason code
    with the number of rows rejected for it (commonest reason first)."""
    counts = rejected_by_reason(processed_dir)
    base = ["table", "file", "rows_read", "rows_accepted", "rows_rejected"]
    if counts.empty:
        return pd.DataFrame(columns=base)
    wide = counts.pivot_table(index=["table", "source_file"], columns="reason_code", values="rows", aggfunc="sum",
                              fill_value=0).astype("int64")
    reasons = list(counts.groupby("reason_code")["rows"].sum().sort_values(ascending=False, kind="stable").index)
    wide = wide[reasons].rename_axis(columns=None).reset_index().rename(columns={"source_file": "file"})
    report = ingest_summary(processed_dir).reindex(columns=base)
    merged = wide.merge(report, on=["table", "file"], how="left")
    return merged[[*base, *reasons]].sort_values(["rows_rejected", "table"], ascending=[False, True],
                                                kind="stable").reset_index(drop=True)


def _key_field_rows(data: ProcessedData, *, team: bool = False, settings: Settings | None = None) -> pd.DataFrame:
    """One row per key field and record of its cohort in some quarter: table, field, description, date,
    team, recorded.

    With `team`, only the tables recorded by team. The loop is over the handful of key fields, not records.
    """
    parts = []
    for key in KEY_FIELDS:
        frame = data.tables.get(key.table)
        if frame is None or key.field not in frame or (team and "team" not in frame):
            continue
        applies = _cohorts_by_quarter(frame, key, settings or Settings())
        parts.append(pd.DataFrame({
            "table": key.table, "field": key.field, "description": key.description,
            "date": applies[key.date].astype("datetime64[us]"),
            "team": applies["team"].astype("string") if "team" in applies else pd.Series(
                pd.NA, index=applies.index, dtype="string"),
            "recorded": _recorded(applies, key.field).astype("bool"),
        }))
    if not parts:
        return pd.DataFrame({"table": pd.Series(dtype="string"), "field": pd.Series(dtype="string"),
                             "description": pd.Series(dtype="string"),
                             "date": pd.Series(dtype="datetime64[us]"), "team": pd.Series(dtype="string"),
                             "recorded": pd.Series(dtype="bool")})
    return pd.concat(parts, ignore_index=True)


def completeness_over_time(data: ProcessedData, quarters: list[pd.Period], settings: Settings | None = None
                           ) -> pd.DataFrame:
    """Percentage of records with each key field recorded (rows), by quarter (columns).

    Each quarter counts the field's cohort exactly as `completeness` does for that quarter (contacts by
    date received; language by referral date; whether the child was seen and the start date by completion
    date; agency status at the quarter's last snapshot); a quarter with no records for a field is empty,
    not 0%.
    """
    rows = _key_field_rows(data, settings=settings)
    quarter = rows["date"].dt.to_period(QUARTER)
    inside = quarter.isin(quarters)
    rows, quarter = rows[inside], quarter[inside]
    percent = rows["recorded"].astype("float64") * 100
    keys = [rows["table"], rows["field"], rows["description"], quarter.map(code).rename("quarter")]
    table = percent.groupby(keys, sort=False).mean().unstack("quarter")
    order = [(k.table, k.field, k.description) for k in KEY_FIELDS
             if (k.table, k.field, k.description) in table.index]
    return table.reindex(index=pd.MultiIndex.from_tuples(order, names=["table", "field", "description"]),
                         columns=[code(q) for q in quarters]).round(1)


def assessments_left_open(data: ProcessedData, timescale: int, quarters: list[pd.Period] | None = None
                          ) -> pd.DataFrame:
    """Per quarter of referral: assessments referred, still open at the end of the data, open for longer
    than the timescale (perhaps finished but not yet recorded), and completed with no start date."""
    frame = data.tables.get("assessments")
    if frame is None:
        return pd.DataFrame()
    end = data.spans.get("assessments", (None, frame["referral_date"].max()))[1]
    still_open = frame["completion_date"].isna()
    elapsed = working_days_elapsed(frame["referral_date"], pd.Series(end, index=frame.index))
    summary = pd.DataFrame({
        "referred": 1,
        "still_open": still_open,
        "open_past_timescale": still_open & elapsed.gt(timescale).fillna(False).astype("bool"),
        "completed_without_start_date": ~still_open & frame["start_date"].isna(),
    }, index=frame.index).astype("int64")
    quarter = frame["referral_date"].dt.to_period(QUARTER)
    return _sum_by_quarter(summary, quarter, quarters)


def possible_duplicates(data: ProcessedData) -> pd.DataFrame:
    """Records ingest kept (their ids differ) that look like one event entered twice: the same child
    with contacts received at the same minute, or with assessments referred on the same day.

    One row per record, with where to find it in the extract (file and row) - no ids - and a group
    number shared by the records that look alike.
    """
    parts = []
    for table, (keys, rule) in POSSIBLE_DUPLICATES.items():
        frame = data.tables.get(table)
        if frame is None or not set(keys) <= set(frame.columns):
            continue
        known = frame[frame[list(keys)].notna().all(axis=1)]
        alike = known[known.duplicated(list(keys), keep=False)]
        alike = alike.sort_values([keys[1], keys[0]], kind="stable")  # in date order
        group = alike.groupby(list(keys), sort=False).ngroup().astype("int64") + 1
        parts.append(pd.DataFrame({
            "table": table, "rule": rule, "group": group,
            "date": alike[keys[1]].astype("datetime64[us]"),
            "source_file": alike.get("source_file", pd.Series(pd.NA, index=alike.index)).astype("string"),
            "source_row": alike.get("source_row", pd.Series(pd.NA, index=alike.index)).astype("Int64"),
        }))
    columns = {"table": "string", "rule": "string", "group": "int64", "date": "datetime64[us]",
               "source_file": "string", "source_row": "Int64"}
    if not parts:
        return pd.DataFrame({c: pd.Series(dtype=t) for c, t in columns.items()})
    return pd.concat(parts, ignore_index=True).astype(columns)


def duplicate_summary(processed_dir: Path, data: ProcessedData) -> pd.DataFrame:
    """Duplicates of every kind by table: rows rejected at ingest (exact repeats, ids with clashing
    content) and records kept that look like the same event entered twice."""
    rejected = duplicates(processed_dir)
    rejected = pd.DataFrame({
        "table": rejected["table"], "kind": rejected["reason_code"].map(REJECTED_AS_DUPLICATE),
        "what_happened": "rejected at ingest", "rows": rejected["rows"]})
    kept = possible_duplicates(data)
    kept = (kept.groupby(["table", "rule"], sort=False).size().rename("rows").reset_index()
            .rename(columns={"rule": "kind"}).assign(what_happened="kept: check in the system"))
    combined = pd.concat([rejected, kept], ignore_index=True)
    combined = combined.groupby(["table", "kind", "what_happened"], sort=False)["rows"].sum().reset_index()
    return combined.astype({"rows": "int64"})
