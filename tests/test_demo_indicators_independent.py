"""The indicators of child protection, children looked after, strategy discussions, allocations and the
establishment agree exactly with an independent calculation from the demo's processed tables.

`kpi demo` and `kpi ingest` make the tables; `kpi indicators` gives the figures for ten quarters. The
independent side reads the same parquet files and works each definition out in plain pandas, row by row
where that is the plainest way, with numpy's business-day count and the `holidays` package for working
days (not kpi's code). The workforce definitions are DfE's, computed from the caseload snapshot and, for the
agency rate, from the establishment too: the two must agree.
"""

from __future__ import annotations

import contextlib
import io

import holidays
import numpy as np
import pandas as pd
import pytest

from kpi.cli import main

QUARTERS = pd.period_range("2024-04-01", "2026-09-30", freq="Q-MAR")  # 2024-25 Q1 to 2026-27 Q2
HOLIDAYS = np.array(sorted(holidays.UK(subdiv="ENG", years=range(2019, 2028))), dtype="datetime64[D]")
YEAR = pd.DateOffset(months=12)
DAY = pd.Timedelta(days=1)
REGISTERED = ["social_worker", "senior_practitioner", "team_manager"]


def _code(quarter: pd.Period) -> str:
    """2024Q1 (a Q-MAR period, the year it ends) -> 2023-24Q1... as kpi writes it."""
    first = quarter.qyear - 1
    return f"{first}-{str(first + 1)[-2:]}Q{quarter.quarter}"


@pytest.fixture(scope="module")
def demo(ingested_demo):
    root = ingested_demo("demo_independent")  # `kpi demo` (seed 2017, conftest.DEMO_TODAY) and `kpi ingest`: this module's copy
    tables = {name: pd.read_parquet(root / "data/processed" / f"{name}.parquet")
              for name in ("contacts", "caseloads", "child_protection", "strategy_discussions", "looked_after",
                           "allocations", "establishment")}
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.redirect_stderr(io.StringIO()):
        assert main(["indicators", "--config", str(root / "kpi.yml"), "--format", "csv",
                     "--period", f"{_code(QUARTERS[0])}..{_code(QUARTERS[-1])}"]) == 0
    figures = pd.read_csv(io.StringIO(buffer.getvalue())).set_index(["indicator_id", "period"])
    population = int(next(line.split(":")[1] for line in (root / "kpi.yml").read_text().splitlines()
                          if line.startswith("child_population:")))
    return tables, figures, population


def _working_days(start: pd.Timestamp, end: pd.Timestamp) -> float:
    """Working days after `start` up to and including `end`; NaN when `end` is missing."""
    if pd.isna(end):
        return np.nan
    first = np.datetime64(start.date()) + np.timedelta64(1, "D")
    return float(np.busday_count(first, np.datetime64(end.date()) + np.timedelta64(1, "D"), holidays=HOLIDAYS))


def _in(dates: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> pd.Series:
    return (dates >= start) & (dates < end + DAY)


def _share(numerator: float, denominator: float) -> tuple[float, float, float]:
    return float(numerator), float(denominator), numerator / denominator * 100


def _independent(tables: dict[str, pd.DataFrame], population: int, start: pd.Timestamp, end: pd.Timestamp
                 ) -> dict[str, tuple[float, float | None, float]]:
    found: dict[str, tuple[float, float | None, float]] = {}
    contacts = tables["contacts"]
    referrals = contacts[_in(contacts["received_at"], start, end) & (contacts["contact_type"] == "referral")]
    found["referrals_from_police_pct"] = _share((referrals["source"] == "police").sum(), len(referrals))

    register = tables["child_protection"]
    new = register[_in(register["registration_date"], start, end)]
    found["cp_registrations"] = (len(new), None, len(new))
    again = 0
    for row in new.itertuples():
        earlier = register[(register["child_id"] == row.child_id) & (register["registration_id"] != row.registration_id)
                           & (register["end_date"] <= row.registration_date)
                           & (register["end_date"] >= row.registration_date - YEAR)]
        again += len(earlier) > 0
    found["cp_reregistrations_within_12m_pct"] = _share(again, len(new))
    ended = register[_in(register["end_date"], start, end)]
    days = sum((row.end_date - row.registration_date).days for row in ended.itertuples())
    found["cp_average_days_on_register"] = (days, len(ended), days / len(ended))
    on = register[(register["registration_date"] <= end) & (register["end_date"].isna() | (register["end_date"] > end))]
    found["cp_on_register_at_end"] = (on["child_id"].nunique(), None, on["child_id"].nunique())

    discussions = tables["strategy_discussions"]
    raised = discussions[_in(discussions["concern_date"], start, end)]
    in_time = sum(_working_days(row.concern_date, row.discussion_date) <= 1 for row in raised.itertuples())
    found["strategy_discussions_within_timescale_pct"] = _share(in_time, len(raised))
    held = discussions[_in(discussions["discussion_date"], start, end)]
    found["strategy_discussions_to_s47_pct"] = _share((held["section_47"] == True).sum(), len(held))  # noqa: E712

    episodes = tables["looked_after"]
    others = episodes["placed_by_other_authority"] == True  # noqa: E712
    ours, theirs = episodes[~others], episodes[others]
    open_at_end = lambda frame: frame[(frame["start_date"] <= end)  # noqa: E731
                                      & (frame["end_date"].isna() | (frame["end_date"] > end))]
    current = open_at_end(ours)
    children = current["child_id"].nunique()
    assert children == len(current)  # no child in two placements at once in the demo
    found["looked_after_at_end"] = (children, None, children)
    found["looked_after_per_10k"] = (children, population, children / population * 10_000)
    starters = set()
    for row in ours[_in(ours["start_date"], start, end)].itertuples():
        before = ours[(ours["child_id"] == row.child_id) & (ours["start_date"] < row.start_date)]
        continuing = before["end_date"].isna() | (before["end_date"] >= row.start_date - DAY)
        if not continuing.any():
            starters.add(row.child_id)
    found["looked_after_new_entries"] = (len(starters), None, len(starters))
    found["looked_after_placed_outside_pct"] = _share((current["placed_outside"] == True).sum(), children)  # noqa: E712
    year_start = end - YEAR + DAY
    in_year = ours[(ours["start_date"] <= end) & (ours["end_date"].isna() | (ours["end_date"] >= year_start))]
    moves = in_year.groupby("child_id").size()
    found["looked_after_three_placements_pct"] = _share(sum(moves.get(c, 0) >= 3 for c in current["child_id"]),
                                                        children)
    placed_here = open_at_end(theirs)["child_id"].nunique()
    found["placed_here_by_other_authorities"] = (placed_here, None, placed_here)

    cases = tables["allocations"]
    waiting = cases[(cases["opened_date"] <= end) & (cases["allocated_date"].isna() | (cases["allocated_date"] > end))
                    & (cases["closed_date"].isna() | (cases["closed_date"] > end))]
    found["unallocated_cases_at_end"] = (len(waiting), None, len(waiting))
    waited = sum((end - opened).days for opened in waiting["opened_date"])
    found["unallocated_average_days_waiting"] = (waited, len(waiting), waited / len(waiting))

    teams = tables["establishment"]
    in_quarter = teams[_in(teams["snapshot_date"], start, end)]
    last = in_quarter[in_quarter["snapshot_date"] == in_quarter["snapshot_date"].max()]
    found["vacancy_rate_pct"] = _share(last["vacant_fte"].sum(), last["funded_fte"].sum())
    unrecorded = set(in_quarter.loc[in_quarter["sickness_days"].isna(), "team"])
    counted = in_quarter[~in_quarter["team"].isin(unrecorded)]
    in_post = (last["funded_fte"] - last["vacant_fte"])[~last["team"].isin(unrecorded)].sum()
    found["sickness_days_per_fte"] = (counted["sickness_days"].sum(), in_post, counted["sickness_days"].sum() / in_post)
    recorded = last[last["agency_fte"].notna()]
    agency = recorded["agency_fte"].sum()
    found["caseload_agency_social_workers_pct"] = _share(
        agency, agency + (recorded["funded_fte"] - recorded["vacant_fte"]).sum())

    workers = tables["caseloads"]
    snapshot = workers[workers["snapshot_date"] == workers.loc[_in(workers["snapshot_date"], start, end),
                                                               "snapshot_date"].max()]
    registered = snapshot[snapshot["role"].isin(REGISTERED)]
    holding = registered[registered["open_cases"] >= 1]
    found["caseload_per_social_worker_fte"] = (registered["open_cases"].sum(), holding["fte"].sum(),
                                               registered["open_cases"].sum() / holding["fte"].sum())
    return found


@pytest.mark.parametrize("quarter", QUARTERS, ids=_code)
def test_every_new_indicator_agrees_with_an_independent_calculation(demo, quarter):
    tables, figures, population = demo
    start, end = quarter.start_time.normalize(), quarter.end_time.normalize()
    for indicator_id, (numerator, denominator, value) in _independent(tables, population, start, end).items():
        row = figures.loc[(indicator_id, _code(quarter))]
        assert row["status"] == "ok", (indicator_id, row["reason"])
        assert row["numerator"] == pytest.approx(numerator, rel=1e-12), indicator_id
        if denominator is None:
            assert pd.isna(row["denominator"]), indicator_id
        else:
            assert row["denominator"] == pytest.approx(denominator, rel=1e-12), indicator_id
        assert row["value"] == pytest.approx(value, rel=1e-12), indicator_id


@pytest.mark.parametrize("quarter", QUARTERS, ids=_code)
def test_the_agency_rate_from_the_establishment_is_dfes_rate_from_the_caseload_snapshot(demo, quarter):
    """DfE: agency FTE over the FTE of all registered social workers (agency and employed) whose status is
    recorded, at the same snapshot. The demo's establishment is kept in step with its caseloads, so the two
    routes to the published definition give the same figure."""
    tables, figures, _ = demo
    start, end = quarter.start_time.normalize(), quarter.end_time.normalize()
    workers = tables["caseloads"]
    day = workers.loc[_in(workers["snapshot_date"], start, end), "snapshot_date"].max()
    registered = workers[(workers["snapshot_date"] == day) & workers["role"].isin(REGISTERED)
                         & workers["agency"].notna()]
    from_caseloads = registered.loc[registered["agency"] == True, "fte"].sum() / registered["fte"].sum() * 100  # noqa: E712
    assert figures.loc[("caseload_agency_social_workers_pct", _code(quarter)), "value"] == pytest.approx(
        from_caseloads, rel=1e-9)
