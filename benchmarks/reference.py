"""An independent reference for the indicators: plain DuckDB SQL over the processed parquet files.

Written from the definitions (the catalogue and the pandas measures), not from kpi's SQL engine, so that
the engine's figures can be checked at national scale and timed against a straightforward computation:

    .venv/bin/python benchmarks/reference.py data/processed 2024-25Q1..2026-27Q2 [--out reference.csv]

Each figure is per authority (ids such as child_id are unique only within one) and per financial quarter.
No coverage rules: ask only for quarters the data cover (and, for re-referrals and the change on last
year, quarters at least a year after the data start).

Working days follow kpi's convention: the working days in (start, end], Monday to Friday less
England-and-Wales bank holidays from the `holidays` package. The calendar table numbers the working days,
so the working days between two dates are the difference of their numbers.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

import duckdb
import holidays
import numpy as np
import pandas as pd

from kpi.time.periods import code, parse_period_range

REGISTERED = "('social_worker', 'senior_practitioner', 'team_manager')"  # DfE: registered social workers
SOCIAL_WORKERS = "('social_worker', 'senior_practitioner')"  # whom the caseload threshold is about

# indicator -> (numerator column, denominator column or None for a count), as the queries below name them
FRONT_DOOR = {
    "contacts_received": ("contacts", None),
    "contacts_from_police_pct": ("from_police", "contacts"),
    "referrals_from_police_pct": ("referrals_from_police", "referrals"),
    "contacts_decided_within_1wd_pct": ("decided_within_1wd", "contacts"),
    "contacts_to_strategy_pct": ("to_strategy", "contacts"),
    "contacts_to_assessment_pct": ("to_assessment", "contacts"),
    "rereferrals_within_12m_pct": ("rereferrals", "child_referrals"),
    "contacts_change_on_last_year_pct": ("contacts", "contacts_a_year_earlier"),
}
ASSESSMENTS = {
    "assessments_completed": ("completed", None),
    "assessments_within_timescale_pct": ("within_timescale", "completed"),
    "assessments_overdue_avg_working_days": ("late_working_days", "late"),
    "assessments_open_at_period_end": ("still_open", None),
    "assessments_open_over_timescale": ("open_over_timescale", "still_open"),
    "assessments_child_seen_pct": ("child_seen", "completed"),
    "assessments_language_recorded_pct": ("language_recorded", "referred"),
}
WORKFORCE = {
    "caseload_per_social_worker_fte": ("cases", "case_holding_fte"),
    "workers_over_caseload_threshold": ("over_threshold", "social_workers"),
    "caseload_agency_social_workers_pct": ("agency_fte", "agency_recorded_fte"),
}
# Counts shown among a denominator: reported even when the denominator is 0.
COUNTS_AMONG = {"assessments_open_over_timescale", "workers_over_caseload_threshold"}


def reference_figures(processed_dir: Path, quarters: list[pd.Period], timescale: int = 42,
                      timescale_from: str = "referral", caseload_threshold: float = 20.0,
                      caseload_threshold_per: str = "fte") -> pd.DataFrame:
    """Every authority's figures for each quarter: authority, period, indicator_id, numerator, denominator."""
    db = duckdb.connect()
    for table in ("contacts", "assessments", "caseloads"):
        db.execute(f"CREATE VIEW {table} AS SELECT * FROM read_parquet('{Path(processed_dir) / table}.parquet')")
    wanted = pd.DataFrame({"period": [code(q) for q in quarters],
                           "last_day": [q.end_time.normalize() for q in quarters],
                           "a_year_earlier": [code(q - 4) for q in quarters]})
    db.register("quarters", wanted.astype({"last_day": "datetime64[us]"}))
    db.register("calendar", _calendar(db, wanted["last_day"]))
    since = "start_date" if timescale_from == "start" else "referral_date"
    load = "open_cases / fte" if caseload_threshold_per == "fte" else "open_cases"
    figures = pd.concat([_long(_front_door(db), FRONT_DOOR),
                         _long(_assessments(db, since, timescale), ASSESSMENTS),
                         _long(_workforce(db, load, caseload_threshold), WORKFORCE)], ignore_index=True)
    return figures.sort_values(["authority", "period", "indicator_id"], ignore_index=True)


def _calendar(db: duckdb.DuckDBPyConnection, quarter_ends: pd.Series) -> pd.DataFrame:
    """Every day from the first date in the data to the last, with its financial quarter and working-day number."""
    first, last = db.execute("""
        SELECT min(first), max(last) FROM (
            SELECT least(min(received_at), min(decision_at))::DATE AS first,
                   greatest(max(received_at), max(decision_at))::DATE AS last FROM contacts
            UNION ALL SELECT least(min(referral_date), min(start_date), min(completion_date))::DATE,
                             greatest(max(referral_date), max(start_date), max(completion_date))::DATE
                      FROM assessments
            UNION ALL SELECT min(snapshot_date)::DATE, max(snapshot_date)::DATE FROM caseloads)""").fetchall()[0]
    first, last = min(pd.Timestamp(first), quarter_ends.min()), max(pd.Timestamp(last), quarter_ends.max())
    days = pd.date_range(first, last, freq="D")
    bank_holidays = pd.to_datetime(list(holidays.UK(subdiv="ENG", years=range(first.year, last.year + 1))))
    working = (days.day_of_week < 5) & ~days.isin(bank_holidays)
    quarter = days.to_period("Q-MAR")
    return pd.DataFrame({"day": days.astype("datetime64[us]"),
                         "quarter": quarter.map({q: code(q) for q in quarter.unique()}),
                         "working_day_no": np.cumsum(working)})


def _front_door(db: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    """Contacts by the quarter they were received in, and the same quarter a year earlier."""
    return db.execute("""
        WITH by_quarter AS (
            SELECT c.authority, received.quarter AS period,
                   count(*) AS contacts,
                   count(*) FILTER (c.source = 'police') AS from_police,
                   count(*) FILTER (c.contact_type = 'referral') AS referrals,
                   count(*) FILTER (c.contact_type = 'referral' AND c.source = 'police') AS referrals_from_police,
                   -- same-day decisions count; no decision yet is not in time
                   count(*) FILTER (decided.working_day_no - received.working_day_no <= 1) AS decided_within_1wd,
                   count(*) FILTER (c.strategy_discussion) AS to_strategy,
                   count(*) FILTER (c.outcome = 'assessment') AS to_assessment
            FROM contacts c
            JOIN calendar received ON received.day = c.received_at::DATE
            LEFT JOIN calendar decided ON decided.day = c.decision_at::DATE
            GROUP BY ALL),
        referrals AS (  -- referrals about a child, each with the child's previous referral
            SELECT authority, received_at,
                   lag(received_at) OVER (PARTITION BY authority, child_id ORDER BY received_at) AS previous
            FROM contacts
            WHERE contact_type = 'referral' AND about = 'child' AND child_id IS NOT NULL),
        rereferrals AS (
            SELECT r.authority, received.quarter AS period, count(*) AS child_referrals,
                   count(*) FILTER (r.previous >= r.received_at - INTERVAL 12 MONTH) AS rereferrals
            FROM referrals r JOIN calendar received ON received.day = r.received_at::DATE
            GROUP BY ALL)
        SELECT a.authority, q.period, coalesce(n.contacts, 0) AS contacts, n.from_police, n.referrals,
               n.referrals_from_police, n.decided_within_1wd, n.to_strategy, n.to_assessment,
               r.child_referrals, r.rereferrals, last_year.contacts AS contacts_a_year_earlier
        FROM (SELECT DISTINCT authority FROM contacts) a CROSS JOIN quarters q
        LEFT JOIN by_quarter n ON n.authority = a.authority AND n.period = q.period
        LEFT JOIN rereferrals r ON r.authority = a.authority AND r.period = q.period
        LEFT JOIN by_quarter last_year ON last_year.authority = a.authority AND last_year.period = q.a_year_earlier
        """).df()


def _assessments(db: duckdb.DuckDBPyConnection, since: str, timescale: int) -> pd.DataFrame:
    """Assessments completed, referred and still open, by quarter; the timescale counted from `since`."""
    return db.execute(f"""
        WITH completed AS (
            SELECT a.authority, done.quarter AS period, a.child_seen,
                   done.working_day_no - started.working_day_no AS working_days  -- NULL without a `since` date
            FROM assessments a
            JOIN calendar done ON done.day = a.completion_date::DATE
            LEFT JOIN calendar started ON started.day = a.{since}::DATE),
        by_completion AS (
            SELECT authority, period, count(*) AS completed,
                   count(*) FILTER (working_days <= {timescale}) AS within_timescale,
                   count(*) FILTER (working_days > {timescale}) AS late,
                   sum(working_days) FILTER (working_days > {timescale}) AS late_working_days,
                   count(*) FILTER (child_seen) AS child_seen
            FROM completed GROUP BY ALL),
        by_referral AS (
            SELECT a.authority, referred.quarter AS period, count(*) AS referred,
                   count(*) FILTER (a.language IN ('english', 'welsh', 'other')) AS language_recorded
            FROM assessments a JOIN calendar referred ON referred.day = a.referral_date::DATE
            GROUP BY ALL),
        open_at_end AS (  -- referred by the quarter's last day and not completed by then
            SELECT a.authority, q.period, count(*) AS still_open,
                   count(*) FILTER (quarter_end.working_day_no - started.working_day_no > {timescale})
                       AS open_over_timescale
            FROM quarters q
            JOIN calendar quarter_end ON quarter_end.day = q.last_day
            JOIN assessments a ON a.referral_date::DATE <= q.last_day
                              AND (a.completion_date IS NULL OR a.completion_date::DATE > q.last_day)
            LEFT JOIN calendar started ON started.day = a.{since}::DATE
            GROUP BY ALL)
        SELECT a.authority, q.period, coalesce(c.completed, 0) AS completed, c.within_timescale, c.late,
               c.late_working_days, c.child_seen, r.referred, r.language_recorded,
               coalesce(o.still_open, 0) AS still_open, coalesce(o.open_over_timescale, 0) AS open_over_timescale
        FROM (SELECT DISTINCT authority FROM assessments) a CROSS JOIN quarters q
        LEFT JOIN by_completion c ON c.authority = a.authority AND c.period = q.period
        LEFT JOIN by_referral r ON r.authority = a.authority AND r.period = q.period
        LEFT JOIN open_at_end o ON o.authority = a.authority AND o.period = q.period
        """).df()


def _workforce(db: duckdb.DuckDBPyConnection, load: str, threshold: float) -> pd.DataFrame:
    """The workforce at each authority's last caseload snapshot in the quarter (no snapshot, no figures)."""
    return db.execute(f"""
        WITH last_snapshot AS (
            SELECT c.authority, taken.quarter AS period, max(c.snapshot_date) AS snapshot_date
            FROM caseloads c JOIN calendar taken ON taken.day = c.snapshot_date::DATE
            JOIN quarters q ON q.period = taken.quarter
            GROUP BY ALL)
        SELECT s.authority, s.period,
               coalesce(sum(c.open_cases) FILTER (c.role IN {REGISTERED}), 0)::DOUBLE AS cases,
               -- DfE: the FTE of those holding at least one case
               coalesce(sum(c.fte) FILTER (c.role IN {REGISTERED} AND c.open_cases >= 1), 0) AS case_holding_fte,
               count(*) FILTER (c.role IN {SOCIAL_WORKERS} AND {load} > {threshold}) AS over_threshold,
               count(*) FILTER (c.role IN {SOCIAL_WORKERS}) AS social_workers,
               coalesce(sum(c.fte) FILTER (c.role IN {REGISTERED} AND c.agency), 0) AS agency_fte,
               coalesce(sum(c.fte) FILTER (c.role IN {REGISTERED} AND c.agency IS NOT NULL), 0)
                   AS agency_recorded_fte
        FROM last_snapshot s JOIN caseloads c USING (authority, snapshot_date)
        GROUP BY ALL
        """).df()


def _long(wide: pd.DataFrame, indicators: dict[str, tuple[str, str | None]]) -> pd.DataFrame:
    """One row per figure; a share only where its denominator is above 0, as the measures give one."""
    rows = []
    for indicator, (numerator, denominator) in indicators.items():
        figure = pd.DataFrame({"authority": wide["authority"], "period": wide["period"],
                               "indicator_id": indicator, "numerator": wide[numerator].astype(float),
                               "denominator": wide[denominator].astype(float) if denominator else np.nan})
        if denominator and indicator not in COUNTS_AMONG:
            figure = figure[figure["denominator"].gt(0)]
        rows.append(figure)
    return pd.concat(rows, ignore_index=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("processed_dir", type=Path)
    parser.add_argument("quarters", help="a range of quarters, e.g. 2024-25Q1..2026-27Q2")
    parser.add_argument("--out", type=Path)
    parser.add_argument("--timescale", type=int, default=42,
                        help="working days to complete an assessment: 42 in Wales (the default), 45 in England")
    parser.add_argument("--timescale-from", choices=("referral", "start"), default="referral",
                        help="counted from the referral (Wales, the default) or the assessment's start (England)")
    args = parser.parse_args()
    started = time.perf_counter()
    figures = reference_figures(args.processed_dir, parse_period_range(args.quarters), timescale=args.timescale,
                                timescale_from=args.timescale_from)
    print(f"{len(figures)} figures in {time.perf_counter() - started:.1f} s")
    if args.out:
        figures.to_csv(args.out, index=False)


if __name__ == "__main__":
    main()
