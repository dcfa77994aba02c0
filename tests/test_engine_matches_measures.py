"""The SQL engine (kpi.engine) and the pandas measures give the same figures, and the same reasons when
there is none, for every indicator: on the demo authority's data for every kind of period, with kpi.yml's
settings changed, with extracts missing, and for several authorities at once (where ids repeat between
authorities, as they do in national data). The hand-checked cases in tests/indicators are asked of both too
(the_engine_agrees in tests/conftest.py)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pandas as pd
import pytest

from kpi import engine
from kpi.catalogue import catalogue
from kpi.compare.table import indicator_table
from kpi.config import load_config
from kpi.data.processed import ProcessedData, load_processed
from kpi.errors import UnusableInput
from kpi.indicators.table import ALL, measure_values, settings_from
from kpi.time.periods import parse_period

INDICATORS = catalogue()
# Every quarter from before the demo's data begin to after they end, and the other kinds of period.
PERIODS = [*pd.period_range("2019-04", "2027-03", freq="Q-MAR"),
           *(parse_period(p) for p in ("2025-26", "2025-26H1", "2025-26H2", "2026-27Q1-Q2", "2026-07", "2023-24"))]
FIGURES = ["numerator", "denominator", "value"]
WORDS = ["status", "reason", "missing_source"]


def assert_same(by_measures: pd.DataFrame, by_engine: pd.DataFrame, keys: list[str]) -> None:
    both = by_measures.merge(by_engine, on=keys, how="outer", suffixes=("_measure", "_engine"), indicator=True)
    assert both["_merge"].eq("both").all(), both.loc[both["_merge"].ne("both"), keys].head()
    for column in FIGURES:
        a, b = both[f"{column}_measure"].astype("float64"), both[f"{column}_engine"].astype("float64")
        same = np.isclose(a, b, rtol=1e-12, atol=0) | (a.isna() & b.isna())
        assert same.all(), both.loc[~same, [*keys, f"{column}_measure", f"{column}_engine"]].head(10).to_string()
    for column in WORDS:
        a, b = both[f"{column}_measure"].fillna("-").astype(str), both[f"{column}_engine"].fillna("-").astype(str)
        assert a.eq(b).all(), both.loc[a.ne(b), [*keys, f"{column}_measure", f"{column}_engine"]].head(10).to_string()


@pytest.fixture(scope="module")
def demo(demo_processed):
    config = load_config(demo_processed)
    return config, load_processed(config)


def test_every_indicator_has_its_query():
    assert [i for i in INDICATORS if not engine.has_rule(i)] == []


def test_the_demo_gives_the_same_figures_for_every_period(demo):
    config, data = demo
    settings = settings_from(config)
    by_engine = engine.compute_values(data, INDICATORS, PERIODS, settings)
    assert_same(measure_values(data, INDICATORS, PERIODS, settings), by_engine, ["indicator_id", "period"])
    # ... and the demo has figures to compare: most of the 34 indicators in most of its quarters
    assert by_engine["status"].eq("ok").sum() > 0.6 * len(by_engine)


@pytest.mark.parametrize("changed", [
    {"timescale_from": "start", "timescale": 45},
    {"workforce_definition": "local", "caseload_threshold_per": "worker", "caseload_threshold": 18},
    {"strategy_timescale": 3, "child_population": None},
], ids=["england_timescale", "local_workforce", "strategy_and_no_population"])
def test_settings_change_both_alike(demo, changed):
    config, data = demo
    settings = dataclasses.replace(settings_from(config), **changed)
    quarters = PERIODS[12:28]
    assert_same(measure_values(data, INDICATORS, quarters, settings),
                engine.compute_values(data, INDICATORS, quarters, settings), ["indicator_id", "period"])


@pytest.mark.parametrize("left_out", [("contacts", "establishment"), ("contact_counts", "caseloads", "allocations"),
                                      ("contacts", "contact_counts", "looked_after", "child_protection")])
def test_missing_extracts_are_said_alike(demo, left_out):
    config, data = demo
    tables = {name: frame for name, frame in data.tables.items() if name not in left_out}
    fewer = ProcessedData.from_tables(tables, {name: span[1] for name, span in data.spans.items()})
    quarters = PERIODS[16:24]
    settings = settings_from(config)
    assert_same(measure_values(fewer, INDICATORS, quarters, settings),
                engine.compute_values(fewer, INDICATORS, quarters, settings), ["indicator_id", "period"])


def _two_authorities(data: ProcessedData) -> ProcessedData:
    """The demo as authority W1, and every other row of it again as W2: the same ids in both authorities."""
    tables = {}
    for name, frame in data.tables.items():
        if name == "comparators":
            continue
        first = frame.assign(authority="W1")
        second = frame.iloc[::2].assign(authority="W2")
        tables[name] = pd.concat([first, second], ignore_index=True)
    return ProcessedData.from_tables(tables, {name: span[1] for name, span in data.spans.items()})


def test_each_authority_in_one_pass_and_the_nation_from_their_sums(demo):
    config, data = demo
    both = _two_authorities(data)
    settings = settings_from(config)
    quarters = PERIODS[16:28]
    by_engine = engine.compute_values(both, INDICATORS, quarters, settings, by="authority")
    by_measures = measure_values(both, INDICATORS, quarters, settings, by="authority")
    keys = ["indicator_id", "period", "authority"]
    assert set(by_engine["authority"]) == {ALL, "W1", "W2"}
    # Each authority alike, looking back only within the authority (W2's children share W1's ids).
    assert_same(by_measures[by_measures["authority"].ne(ALL)], by_engine[by_engine["authority"].ne(ALL)], keys)
    # W1 alone is the demo
    w1 = by_engine[by_engine["authority"].eq("W1")].drop(columns="authority")
    assert_same(engine.compute_values(data, INDICATORS, quarters, settings), w1, ["indicator_id", "period"])
    # The nation: the sums of the authorities' numerators and denominators
    parts = by_engine[by_engine["authority"].ne(ALL) & by_engine["status"].eq("ok")]
    sums = parts.groupby(["indicator_id", "period"])[["numerator", "denominator"]].sum(min_count=1)
    nation = by_engine[by_engine["authority"].eq(ALL)].set_index(["indicator_id", "period"])
    joined = nation.join(sums, suffixes=("", "_sum")).dropna(subset=["numerator_sum"])
    assert len(joined) > 200
    assert np.allclose(joined["numerator"], joined["numerator_sum"], rtol=1e-12)
    has_denominator = joined["denominator_sum"].notna() & joined["denominator"].notna()
    assert np.allclose(joined.loc[has_denominator, "denominator"], joined.loc[has_denominator, "denominator_sum"])
    share = joined.index.get_level_values("indicator_id") == "assessments_within_timescale_pct"
    assert np.allclose(joined.loc[share, "value"], joined.loc[share, "numerator"] / joined.loc[share, "denominator"]
                       * 100)


def test_one_authoritys_teams_are_its_own(demo):
    """Broken down by team, one authority of national data gives what it would give alone: W1 is the demo,
    whose teams and children's ids W2 uses again, so W1's teams have the demo's own figures. Without naming an
    authority, teams of several are not pooled but refused."""
    config, data = demo
    both = _two_authorities(data)
    period = "2024-25Q2..2025-26Q2"
    alone = indicator_table(config, period, by="team", data=data)
    w1 = indicator_table(config, period, by="team", authority="W1", data=both)
    assert set(w1["authority"]) == {"W1"} and len(set(w1["team"])) > 2
    assert_same(alone, w1.drop(columns="authority"), ["indicator_id", "period", "team"])
    rereferrals = w1[w1["indicator_id"].eq("rereferrals_within_12m_pct") & w1["team"].eq(ALL)]
    assert rereferrals["status"].eq("ok").all() and len(rereferrals) == 5
    with pytest.raises(UnusableInput, match="2 authorities' records.*--authority W1"):
        indicator_table(config, period, by="team", data=both)


def test_an_authority_whose_extract_ends_sooner_has_no_figure_after_it(demo):
    """National data where one authority's contacts stop a quarter before the others': its last quarter is
    'not covered' (not a count of too few contacts), for the engine and the measures alike; the other
    authority's figures stand, and the nation's are the sums over the authorities with a figure."""
    config, data = demo
    contacts = data.tables["contacts"]
    early = contacts[contacts["received_at"] < "2026-07-01"].assign(authority="W2")
    if "decision_at" in early:
        early = early.assign(decision_at=early["decision_at"].where(early["decision_at"] < "2026-07-01"))
    tables = {name: frame.assign(authority="W1") for name, frame in data.tables.items() if name != "comparators"}
    tables["contacts"] = pd.concat([tables["contacts"], early], ignore_index=True)
    both = ProcessedData.from_tables(tables)
    settings = settings_from(config)
    quarters = [parse_period("2026-27Q1"), parse_period("2026-27Q2")]
    by_engine = engine.compute_values(both, INDICATORS, quarters, settings, by="authority")
    by_measures = measure_values(both, INDICATORS, quarters, settings, by="authority")
    keys = ["indicator_id", "period", "authority"]
    assert_same(by_measures[by_measures["authority"].ne(ALL)], by_engine[by_engine["authority"].ne(ALL)], keys)
    figures = by_engine.set_index(keys)
    received = figures.loc[("contacts_received", "2026-27Q2", "W2")]
    assert received["status"] == "unavailable"
    assert received["reason"] == "the contacts data do not cover this period"
    assert figures.loc[("contacts_received", "2026-27Q1", "W2"), "status"] == "ok"
    w1 = figures.loc[("contacts_received", "2026-27Q2", "W1")]
    assert w1["status"] == "ok" and w1["value"] > 0
    assert figures.loc[("contacts_received", "2026-27Q2", ALL), "value"] == w1["value"]
