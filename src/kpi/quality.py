"""Data quality: what was rejected and why, how complete key fields are, what was recorded late.

Used by the pack's data-quality page and, in more depth, by the officers' data_quality notebook.
Inspectors asked for better recording of core data such as language preference, so completeness is
shown by field, by team and over time.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kpi.config import Config, load_config
from kpi.errors import UnusableInput
from kpi.periods import QUARTER, PeriodError, code, label, resolve
from kpi.processed import ProcessedData, load_processed
from kpi.workdays import working_days_elapsed

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

# (table, field, description, which rows it applies to: None for every row, "completed" for completed
# assessments only). What counts as "recorded" is in `_recorded`.
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


def completeness_by_team(data: ProcessedData, field: str = "language",
                         quarters: list[pd.Period] | None = None) -> pd.DataFrame:
    """Percentage of records with `field` recorded, by team (rows) and quarter (columns).

    `field` is a key field of a table recorded by team (assessments: language, child_seen, start_date;
    caseloads: agency). Only the records the field applies to count: whether the child was seen is
    asked of completed assessments, so an assessment still open is not "not recorded".
    `quarters` limits (and orders) the columns; by default every quarter in the data.
    """
    rows = _key_field_rows(data, team=True)
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

HISTORY_QUARTERS = 8
REJECTED_AS_DUPLICATE = {"duplicate_row": "exact duplicate row", "conflicting_id": "same id, different content"}
# Records kept by ingest (their ids differ) that look like the same event entered twice.
POSSIBLE_DUPLICATES = {
    "contacts": (("child_id", "received_at"), "same child, same date and time received"),
    "assessments": (("child_id", "referral_date"), "same child, same referral date"),
}


def quarters(period: str, last_date: pd.Timestamp | None, history: int = HISTORY_QUARTERS) -> list[pd.Period]:
    """The quarters to look at: a range as given ('2021-22Q1..latest'), a financial year's four quarters,
    or a single quarter ('latest', '2024-25Q2') with the `history - 1` quarters before it."""
    chosen = resolve(period, last_date).periods
    if len(chosen) == 1 and not chosen[0].freqstr.startswith("Q"):
        year = chosen[0]
        return list(pd.period_range(year.asfreq(QUARTER, "start"), year.asfreq(QUARTER, "end"), freq=QUARTER))
    if not chosen[0].freqstr.startswith("Q"):
        raise PeriodError(f"'{period}': give quarters (such as 2024-25Q2..latest), not a range of years")
    if len(chosen) == 1:
        if history < 1:
            raise ValueError(f"history must be at least 1 quarter (got {history})")
        return list(pd.period_range(chosen[0] - (history - 1), chosen[0], freq=QUARTER))
    return chosen


def ingest_by_table(processed_dir: Path) -> pd.DataFrame:
    """The ingest report added up per table: files, rows read, accepted and rejected."""
    report = ingest_summary(processed_dir)
    counts = ["rows_read", "rows_accepted", "rows_rejected"]
    if report.empty:
        return pd.DataFrame(columns=["table", "files", *counts])
    report = report.astype(dict.fromkeys(counts, "int64"))
    grouped = report.groupby("table", sort=False)
    return pd.concat([grouped.size().rename("files"), grouped[counts].sum()], axis=1).reset_index()


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


def _key_field_rows(data: ProcessedData, *, team: bool = False) -> pd.DataFrame:
    """One row per key field and record it applies to: table, field, description, date, team, recorded.

    With `team`, only the tables recorded by team. The loop is over the handful of key fields, not records.
    """
    parts = []
    for table, field, description, rule in KEY_FIELDS:
        frame = data.tables.get(table)
        if frame is None or field not in frame or (team and "team" not in frame):
            continue
        applies = frame[_applies(frame, rule)]
        parts.append(pd.DataFrame({
            "table": table, "field": field, "description": description,
            "date": applies[DATE_OF[table]].astype("datetime64[us]"),
            "team": applies["team"].astype("string") if "team" in applies else pd.Series(
                pd.NA, index=applies.index, dtype="string"),
            "recorded": _recorded(applies, field).astype("bool"),
        }))
    if not parts:
        return pd.DataFrame({"table": pd.Series(dtype="string"), "field": pd.Series(dtype="string"),
                             "description": pd.Series(dtype="string"),
                             "date": pd.Series(dtype="datetime64[us]"), "team": pd.Series(dtype="string"),
                             "recorded": pd.Series(dtype="bool")})
    return pd.concat(parts, ignore_index=True)


def completeness_over_time(data: ProcessedData, quarters: list[pd.Period]) -> pd.DataFrame:
    """Percentage of records with each key field recorded (rows), by quarter (columns).

    Records are placed in time as in `completeness` (contacts by date received, assessments by referral
    date, caseloads by snapshot date); a quarter with no records for a field is empty, not 0%.
    """
    rows = _key_field_rows(data)
    quarter = rows["date"].dt.to_period(QUARTER)
    inside = quarter.isin(quarters)
    rows, quarter = rows[inside], quarter[inside]
    percent = rows["recorded"].astype("float64") * 100
    keys = [rows["table"], rows["field"], rows["description"], quarter.map(code).rename("quarter")]
    table = percent.groupby(keys, sort=False).mean().unstack("quarter")
    order = [(t, f, d) for t, f, d, _ in KEY_FIELDS if (t, f, d) in table.index]
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


def _percent_style(table: pd.DataFrame, caption: str) -> Styler:
    return (table.style.format("{:.1f}%", na_rep="-").background_gradient(cmap="Blues", vmin=50, vmax=100, axis=None)
            .set_caption(caption))


@dataclass
class DataQuality:
    """The officers' data-quality check for a run of quarters; each method is one notebook cell."""

    config: Config
    data: ProcessedData
    quarters: list[pd.Period]

    @classmethod
    def build(cls, config: str | Path | Config, period: str = "latest", *, history: int = HISTORY_QUARTERS
              ) -> DataQuality:
        config = config if isinstance(config, Config) else load_config(Path(config))
        data = load_processed(config)
        if not data.tables:
            raise UnusableInput(f"{config.processed_dir}: no processed tables; run `kpi ingest` first")
        return cls(config, data, quarters(period, data.last_date, history))

    @property
    def latest(self) -> pd.Period:
        return self.quarters[-1]

    def heading(self):
        from IPython.display import Markdown

        first, last = label(self.quarters[0]), label(self.latest)
        return Markdown(f"**{self.config.authority.name}**: data quality from {first} to {last}, "
                        f"read from `{self.config.processed_dir}`.")

    def files(self) -> pd.DataFrame:
        return ingest_by_table(self.config.processed_dir)

    def rejections(self) -> pd.DataFrame:
        return rejections_by_file(self.config.processed_dir)

    def rejected_rows(self) -> pd.DataFrame:
        return rejected_rows(self.config.processed_dir)

    def completeness(self) -> Styler:
        start, end = self.latest.start_time.normalize(), self.latest.end_time.normalize()
        table = completeness(self.data, start, end)
        return (table.style.format({"percent": "{:.1f}%", "records": "{:,}", "recorded": "{:,}"}, na_rep="-")
                .hide(axis="index").set_caption(f"Key fields recorded, {label(self.latest)}"))

    def completeness_over_time(self) -> Styler:
        table = completeness_over_time(self.data, self.quarters).droplevel(["table", "field"])
        return _percent_style(table, "Key fields recorded (%), by quarter")

    def completeness_by_team(self, field: str = "language") -> Styler:
        table = completeness_by_team(self.data, field, self.quarters)
        description = next((d for _, f, d, _ in KEY_FIELDS if f == field), field)
        return _percent_style(table, f"{description} (%), by team and quarter")

    def decisions_without_time(self) -> pd.DataFrame:
        return decisions_without_time(self.data, self.quarters)

    def assessments_left_open(self) -> pd.DataFrame:
        return assessments_left_open(self.data, self.config.timescale, self.quarters)

    def duplicates(self) -> pd.DataFrame:
        return duplicate_summary(self.config.processed_dir, self.data)

    def possible_duplicates(self) -> pd.DataFrame:
        return possible_duplicates(self.data)
