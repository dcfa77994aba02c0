"""Data quality: what was rejected and why, how complete key fields are, what was recorded late.

Used by the pack's data-quality page and, in more depth, by the officers' data_quality notebook.
Inspectors asked for better recording of core data such as language preference, so completeness is
shown by field, by team and over time.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from kpi.periods import QUARTER, code
from kpi.processed import ProcessedData

# (table, field, description, which rows it applies to, test that says "recorded")
KEY_FIELDS = [
    ("contacts", "decision_at", "Decision date recorded", None),
    ("contacts", "outcome", "Contact outcome recorded", None),
    ("assessments", "language", "Language preference recorded", "language_recorded"),
    ("assessments", "child_seen", "Whether the child was seen recorded (completed assessments)", "completed"),
    ("assessments", "start_date", "Assessment start date recorded", None),
    ("caseloads", "agency", "Agency status recorded", None),
]
DATE_OF = {"contacts": "received_at", "assessments": "referral_date", "caseloads": "snapshot_date"}


def ingest_summary(processed_dir: Path) -> pd.DataFrame:
    """The ingest report: per file, rows read, accepted and rejected, and the commonest reasons."""
    path = processed_dir / "ingest_report.csv"
    if not path.exists():
        return pd.DataFrame(columns=["table", "file", "sha256", "rows_read", "rows_accepted", "rows_rejected",
                                     "commonest_reasons"])
    return pd.read_csv(path, dtype={"commonest_reasons": str}, keep_default_na=False)


def rejected_rows(processed_dir: Path) -> pd.DataFrame:
    """Every quarantined row of every table, with its table name."""
    frames = []
    for path in sorted((processed_dir / "rejected").glob("*.csv")):
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        if len(frame):
            frames.append(frame[["source_file", "source_row", "column", "reason", "reason_code"]]
                          .assign(table=path.stem))
    if not frames:
        return pd.DataFrame(columns=["table", "source_file", "source_row", "column", "reason", "reason_code"])
    return pd.concat(frames, ignore_index=True)


def rejected_by_reason(processed_dir: Path) -> pd.DataFrame:
    """Rejected rows counted by table, file and reason code."""
    rows = rejected_rows(processed_dir)
    return (rows.groupby(["table", "source_file", "reason_code"]).size().rename("rows").reset_index()
            .sort_values(["table", "rows"], ascending=[True, False], kind="stable").reset_index(drop=True))


def _recorded(frame: pd.DataFrame, field: str) -> pd.Series:
    if field == "language":
        return frame["language"].ne("not_recorded") & frame["language"].notna()
    return frame[field].notna()


def _applies(frame: pd.DataFrame, rule: str | None) -> pd.Series:
    if rule == "completed":
        return frame["completion_date"].notna()
    return pd.Series(True, index=frame.index)


def completeness(data: ProcessedData, start: pd.Timestamp, end: pd.Timestamp) -> pd.DataFrame:
    """For each key field: records in the period, how many have it recorded, and the percentage."""
    rows = []
    for table, field, description, rule in KEY_FIELDS:
        frame = data.tables.get(table)
        if frame is None or field not in frame:
            continue
        dates = frame[DATE_OF[table]]
        inside = frame[(dates >= start) & (dates < end + pd.Timedelta(days=1)) & _applies(frame, rule)]
        recorded = int(_recorded(inside, field).sum())
        rows.append({"table": table, "field": field, "description": description, "records": len(inside),
                     "recorded": recorded, "percent": recorded / len(inside) * 100 if len(inside) else float("nan")})
    return pd.DataFrame(rows, columns=["table", "field", "description", "records", "recorded", "percent"])


def completeness_by_team(data: ProcessedData, field: str = "language") -> pd.DataFrame:
    """Percentage of assessments with `field` recorded, by team (rows) and quarter (columns)."""
    frame = data.tables.get("assessments")
    if frame is None:
        return pd.DataFrame()
    quarter = frame["referral_date"].dt.to_period(QUARTER).map(code)
    recorded = _recorded(frame, field).astype("float64") * 100
    table = recorded.groupby([frame["team"], quarter]).mean().unstack()
    return table.round(1)


def decisions_without_time(data: ProcessedData) -> pd.DataFrame:
    """Contacts per quarter whose decision was recorded at exactly midnight (a date with no time),
    and contacts still without a decision: signs of late or partial recording."""
    frame = data.tables.get("contacts")
    if frame is None:
        return pd.DataFrame()
    decided = frame["decision_at"].notna()
    midnight = decided & frame["decision_at"].dt.time.astype(str).eq("00:00:00")
    quarter = frame["received_at"].dt.to_period(QUARTER).map(code)
    summary = pd.DataFrame({"contacts": 1, "no_decision": ~decided, "decision_without_time": midnight})
    return summary.groupby(quarter).sum().rename_axis("period").reset_index()


def duplicates(processed_dir: Path) -> pd.DataFrame:
    """Rejected exact duplicates and conflicting ids, by table and file."""
    rows = rejected_rows(processed_dir)
    rows = rows[rows["reason_code"].isin(["duplicate_row", "conflicting_id"])]
    return rows.groupby(["table", "source_file", "reason_code"]).size().rename("rows").reset_index()
