"""Like-for-like comparisons on the demo: every rank and band is that of the figure printed beside it, for
the published period named, against that period's published distribution; where the publication lacks
our figure it is computed from our own data for the same period; the table and the chart show the same
number; a publication with only the nation's value and quartiles gives no rank.

Expected values are worked out here from the demo's raw comparators.csv (read with the csv module), whose
own-authority rows the demo computed from its extracts independently of kpi.indicators.measures.
"""

from __future__ import annotations

import csv
import datetime as dt
import shutil
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from conftest import TEST_KEY
from kpi import charts
from kpi.compare import benchmarking
from kpi.catalogue import catalogue
from kpi.compare.areas import Area, area_for
from kpi.compare.ranking import COMPUTED, compare, comparison_figures, our_figure_for, position_words
from kpi.config import load_config
from kpi.time.periods import parse_period
from kpi.words.formatting import format_value
from kpi.data.processed import load_processed

DEMO_CODE = "W06000099"
INDICATORS = ["assessments_within_timescale_pct", "rereferrals_within_12m_pct", "contacts_to_strategy_pct",
              "caseload_per_social_worker_fte"]
LATEST = parse_period("2026-27Q2")  # the demo's latest quarter (extracts taken 22 November 2026)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    from kpi.cli import main
    from kpi.demo import write_demo

    root = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPI_PSEUDONYM_KEY", TEST_KEY)
        write_demo(out=root / "data/raw/demo", config_path=root / "kpi.yml", today=dt.date(2026, 11, 22))
        assert main(["ingest", "--config", str(root / "kpi.yml"), "--quiet"]) in (0, 1)  # 1: rows rejected
        config = load_config(root / "kpi.yml")
        data = load_processed(config)
    return root, config, data


def _raw(root: Path) -> list[dict[str, str]]:
    with (root / "data/raw/demo/comparators.csv").open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def _printed(value: float, indicator_id: str) -> float:
    """The figure as the pack prints it, read back as a number."""
    indicator = catalogue()[indicator_id]
    return float(format_value(value, indicator.unit, indicator.decimals).rstrip("%").replace(",", ""))


def _independent(raw: list[dict], indicator_id: str, year: str, ours: float) -> dict:
    """Rank, quartiles and band of `ours` against the other Welsh authorities' published figures."""
    polarity = catalogue()[indicator_id].polarity
    others = [float(r["value"]) for r in raw if r["indicator_id"] == indicator_id and r["period"] == year
              and r["area_type"] == "authority" and r["area_code"].startswith("W") and r["area_code"] != DEMO_CODE
              and r["value"] != ""]
    known = others + [ours]
    lower, median, upper = statistics.quantiles(known, n=4, method="inclusive")
    if polarity == "higher_is_better":
        rank = 1 + sum(o > ours for o in others)
        band = "A" if ours >= upper else "B" if ours >= median else "C" if ours >= lower else "D"
    elif polarity == "lower_is_better":
        rank = 1 + sum(o < ours for o in others)
        band = "A" if ours <= lower else "B" if ours <= median else "C" if ours <= upper else "D"
    else:
        rank = band = None
    return {"rank": rank, "rank_of": len(known), "band": band, "quartiles": (lower, median, upper)}


def _published_ours(raw: list[dict], indicator_id: str, year: str) -> float | None:
    row = next(r for r in raw if r["indicator_id"] == indicator_id and r["period"] == year
               and r["area_code"] == DEMO_CODE)
    return float(row["value"]) if row["value"] else None


def _years(raw: list[dict]) -> list[str]:
    return sorted({r["period"] for r in raw})


@pytest.mark.parametrize("indicator_id", INDICATORS)
def test_every_rank_is_that_of_the_printed_figure_for_the_named_period(demo, indicator_id):
    root, config, data = demo
    raw = _raw(root)
    comparators = data.tables["comparators"]
    own = our_figure_for(data, config, indicator_id)
    checked = 0
    for period in [LATEST, *(parse_period(y) for y in _years(raw))]:  # the pack's quarter, then each year
        result = compare(comparators, catalogue()[indicator_id], period, area_for(config), own)
        year = result["comparator_period"]
        assert year == (max(_years(raw)) if period == LATEST else str(period.year - 1) + "-" + str(period.year)[2:])
        published = _published_ours(raw, indicator_id, year)
        if published is None:  # re-referrals in the first year: `x`, and our data have no 12 months before it
            assert np.isnan(result["comparator_value"]) and pd.isna(result["rank"])
            assert result["comparator_value_source"] is None
            continue
        # The figure ranked is our published figure for that year, never the latest quarter's value.
        assert (result["comparator_value"], result["comparator_value_source"]) == (published, "published")
        printed = _printed(result["comparator_value"], indicator_id)
        expected = _independent(raw, indicator_id, year, printed)
        assert (result["rank"], result["rank_of"], result["quartile_band"]) == (
            expected["rank"], expected["rank_of"], expected["band"])
        assert (result["lower_quartile"], result["median"], result["upper_quartile"]) == pytest.approx(
            expected["quartiles"], abs=1e-9)
        assert result["quartiles_source"] == "authorities"
        checked += 1
    assert checked >= 6


def test_the_latest_quarter_is_never_ranked_against_a_published_year(demo):
    root, config, data = demo
    raw = _raw(root)
    indicator = catalogue()["rereferrals_within_12m_pct"]
    # The case: 22.2% this quarter, printed beside the rank of the published 2025-26 figure, 19.7%.
    own = our_figure_for(data, config, indicator.id)
    assert round(own("2026-27Q2"), 1) == 22.2
    result = compare(data.tables["comparators"], indicator, LATEST, area_for(config), own)
    assert result["comparator_period"] == "2025-26" and result["comparator_value"] == 19.7 == _published_ours(
        raw, indicator.id, "2025-26")
    published, quarter = (_independent(raw, indicator.id, "2025-26", v) for v in (19.7, 22.2))
    assert (result["rank"], result["quartile_band"]) == (published["rank"], published["band"])
    assert (published["rank"], published["band"]) != (quarter["rank"], quarter["band"])  # so it matters
    # A plain number (the old `own_value`, a quarter's value) is not the published year's figure.
    plain = compare(data.tables["comparators"], indicator, LATEST, area_for(config), 22.2)
    assert plain["comparator_value"] == 19.7 and plain["rank"] == published["rank"]


def _without_ours(comparators: pd.DataFrame, indicator_id: str, year: str) -> pd.DataFrame:
    """The publication with our figure suppressed, as Welsh Government publishes a small number (`*`)."""
    table = comparators.copy()
    ours = table["indicator_id"].eq(indicator_id) & table["period"].eq(year) & table["area_code"].eq(DEMO_CODE)
    table.loc[ours, ["value", "numerator"]] = np.nan
    table.loc[ours, "note"] = "*"
    return table


@pytest.mark.parametrize("indicator_id, year", [("assessments_within_timescale_pct", "2024-25"),
                                                ("caseload_per_social_worker_fte", "2022-23"),
                                                ("rereferrals_within_12m_pct", "2025-26")])
def test_our_figure_is_computed_for_the_published_period_when_the_publication_lacks_it(demo, indicator_id, year):
    root, config, data = demo
    raw = _raw(root)
    suppressed = _without_ours(data.tables["comparators"], indicator_id, year)
    own = our_figure_for(data, config, indicator_id)
    asked = []
    quarter = LATEST if year == "2025-26" else parse_period(f"{year}Q3")  # a quarter the pack could be about
    result = compare(suppressed, catalogue()[indicator_id], quarter, area_for(config),
                     lambda period: asked.append(period) or own(period))
    assert asked == [year]  # our figure for the published year, not for the quarter the pack is about
    # The demo published the figure its own extracts give; ours, computed from the processed data for
    # the same year and rounded as printed, is that figure.
    assert result["comparator_value"] == _published_ours(raw, indicator_id, year)
    assert result["comparator_value_source"] == COMPUTED
    expected = _independent(raw, indicator_id, year, _printed(result["comparator_value"], indicator_id))
    assert (result["rank"], result["rank_of"], result["quartile_band"]) == (
        expected["rank"], expected["rank_of"], expected["band"])
    # Without a way to compute it there is no figure of ours, so no rank; the others are still there.
    bare = compare(suppressed, catalogue()[indicator_id], parse_period(year), area_for(config))
    assert np.isnan(bare["comparator_value"]) and pd.isna(bare["rank"]) and bare["quartile_band"] is None
    assert bare["rank_of"] == expected["rank_of"] - 1 and bare["comparator_excluded"] >= 1


def test_the_workbook_figures_reproduce_every_rank_and_band(demo):
    _, config, data = demo
    indicator = catalogue()["assessments_within_timescale_pct"]
    suppressed = _without_ours(data.tables["comparators"], indicator.id, "2025-26")
    own = our_figure_for(data, config, indicator.id)
    figures = comparison_figures(suppressed, indicator, LATEST, area_for(config), own)
    result = compare(suppressed, indicator, LATEST, area_for(config), own)
    authorities = figures[figures["area_type"].eq("authority")]
    assert len(authorities) == 22 and set(figures["comparator_period"]) == {"2025-26"}
    ours = authorities[authorities["this_authority"]].iloc[0]
    assert (ours["value"], ours["value_source"], ours["note"]) == (result["comparator_value"], COMPUTED, "*")
    assert (ours["rank"], ours["band"]) == (result["rank"], result["quartile_band"])
    used = authorities[authorities["used"]]
    assert len(used) == result["rank_of"] and authorities.loc[~authorities["used"], "value"].isna().all()
    # Each authority's rank and band, recomputed from the used figures alone.
    values = used["value"].tolist()
    lower, median, upper = statistics.quantiles(values, n=4, method="inclusive")
    assert (result["lower_quartile"], result["median"], result["upper_quartile"]) == pytest.approx(
        (lower, median, upper), abs=1e-9)
    for row in used.itertuples():
        assert row.rank == 1 + sum(v > row.value for v in values)
        assert row.band == ("A" if row.value >= upper else "B" if row.value >= median else
                            "C" if row.value >= lower else "D")
    nation = figures[figures["area_type"].eq("nation")].iloc[0]
    assert nation["value"] == result["nation_value"] and nation["value_source"] == result["nation_method"]


@pytest.fixture
def suppressed_project(demo, tmp_path):
    """A copy of the demo's processed comparators with our 2025-26 timeliness figure suppressed."""
    root, _, data = demo
    shutil.copy(root / "kpi.yml", tmp_path / "kpi.yml")
    (tmp_path / "data/processed").mkdir(parents=True)
    _without_ours(data.tables["comparators"], "assessments_within_timescale_pct", "2025-26").to_parquet(
        tmp_path / "data/processed/comparators.parquet", index=False)
    return load_config(tmp_path / "kpi.yml")


@pytest.mark.parametrize("suppress", [False, True], ids=["published", "computed"])
def test_the_table_and_the_chart_show_the_same_figure(demo, suppressed_project, suppress):
    _, config, data = demo
    config = suppressed_project if suppress else config
    comparators = pd.read_parquet(config.processed_dir / "comparators.parquet")
    for indicator_id in INDICATORS:
        indicator = catalogue()[indicator_id]
        own = our_figure_for(data, config, indicator_id)
        result = compare(comparators, indicator, LATEST, area_for(config), own)  # the pack's table row
        bench = benchmarking.load(config, indicator_id, period=result["comparator_period"], own_value_for=own)
        chart = charts.ranked_chart(bench)
        shown = format_value(result["comparator_value"], indicator.unit, indicator.decimals)  # as the table prints
        texts = [t.get_text() for t in chart.figure.axes[0].texts]
        assert any(t.startswith(f"Demo {shown}") for t in texts), (indicator_id, texts)
        ours = chart.data[chart.data["Authority"].str.contains("this authority")]
        assert ours["Value"].iloc[0].startswith(shown)
        if pd.notna(result["rank"]):
            assert chart.title.startswith(f"Demo ranks {int(result['rank'])}")
            assert ours.index[0] == str(int(result["rank"]))
        computed = result["comparator_value_source"] == COMPUTED
        assert computed == (suppress and indicator_id == "assessments_within_timescale_pct")
        assert ("(our data)" in " ".join(texts)) == computed and (COMPUTED in chart.alt_text) == computed
        summary = benchmarking.summary_table(bench)["Figure"]
        assert summary[config.authority.name].startswith(shown)
        chart.figure.clear()


def _wales_only(indicator_id: str, year: str, nation: float, quartiles: dict[str, float]) -> pd.DataFrame:
    rows = [{"indicator_id": indicator_id, "area_code": "W92000004", "area_name": "Wales", "area_type": "nation",
             "period": year, "value": nation, "numerator": np.nan, "denominator": np.nan, "note": None}]
    rows += [{"indicator_id": indicator_id, "area_code": code, "area_name": code.replace("_", " ").capitalize(),
              "area_type": "quartile", "period": year, "value": value, "numerator": np.nan, "denominator": np.nan,
              "note": None} for code, value in quartiles.items()]
    return pd.DataFrame(rows)


@pytest.mark.parametrize("ours, position", [(96.0, "above_upper_quartile"), (85.0, "between_quartiles"),
                                            (79.7, "between_quartiles"), (70.0, "below_lower_quartile")])
def test_a_wales_only_publication_places_our_figure_with_no_rank(ours, position):
    indicator = catalogue()["assessments_within_timescale_pct"]
    table = _wales_only(indicator.id, "2017-18", 88.9, {"lower_quartile": 79.7, "upper_quartile": 94.9})
    result = compare(table, indicator, parse_period("2017-18Q3"), Area(DEMO_CODE, "wales"),
                     lambda period: ours if period == "2017-18" else None)
    assert result["comparator_period"] == "2017-18" and result["nation_value"] == 88.9
    assert (result["lower_quartile"], result["upper_quartile"]) == (79.7, 94.9) and np.isnan(result["median"])
    assert result["quartiles_source"] == "published"
    assert (result["comparator_value"], result["comparator_value_source"]) == (ours, COMPUTED)
    assert result["comparator_position"] == position
    assert pd.isna(result["rank"]) and pd.isna(result["rank_of"]) and result["quartile_band"] is None
    figures = comparison_figures(table, indicator, parse_period("2017-18Q3"), Area(DEMO_CODE, "wales", name="Demo"),
                                 lambda period: ours)
    assert figures["area_type"].tolist() == ["authority", "nation", "quartile", "quartile"]
    assert figures["used"].tolist() == [False, False, True, True] and figures["rank"].isna().all()
    assert figures["value"].tolist() == [ours, 88.9, 79.7, 94.9]


def test_our_figure_alone_is_never_a_distribution():
    indicator = catalogue()["assessments_within_timescale_pct"]
    # Only the nation and our own row: no quartiles, no rank (today's fault: 'rank 1 of 1, band A').
    table = _wales_only(indicator.id, "2016-17", 88.9, {})
    table = pd.concat([table, table.assign(area_code=DEMO_CODE, area_name="Demo", area_type="authority", value=85.0)])
    result = compare(table, indicator, parse_period("2016-17Q4"), Area(DEMO_CODE, "wales"), lambda p: 99.0)
    assert result["comparator_value"] == 85.0 and result["comparator_value_source"] == "published"
    assert np.isnan([result["lower_quartile"], result["median"], result["upper_quartile"]]).all()
    assert pd.isna(result["rank"]) and pd.isna(result["rank_of"]) and result["quartile_band"] is None
    assert result["quartiles_source"] is None and result["comparator_position"] is None


def test_position_words_respect_polarity():
    assert position_words("above_upper_quartile", "higher_is_better") == (
        "above the upper quartile (among the best quarter)")
    assert position_words("above_upper_quartile", "lower_is_better") == (
        "above the upper quartile (among the worst quarter)")
    assert position_words("below_lower_quartile", "lower_is_better") == (
        "below the lower quartile (among the best quarter)")
    assert position_words("between_quartiles", "higher_is_better") == "between the quartiles (the middle half)"
    assert position_words("above_upper_quartile", "neutral") == "above the upper quartile"


def test_our_figure_is_the_published_periods_counts_and_can_be_withheld(demo):
    root, config, data = demo
    row = next(r for r in _raw(root) if r["indicator_id"] == "assessments_within_timescale_pct"
               and r["period"] == "2024-25" and r["area_code"] == DEMO_CODE)
    seen = []
    figure = our_figure_for(data, config, "assessments_within_timescale_pct",
                            withhold=lambda n, d: seen.append((n, d)) or False)
    value = figure("2024-25")
    # The counts of the whole financial year, as the demo published them from its own extracts.
    assert seen == [(float(row["numerator"]), float(row["denominator"]))]
    assert value == pytest.approx(float(row["numerator"]) / float(row["denominator"]) * 100)
    # A public pack withholds a figure built on small numbers: no figure, so no rank.
    withheld = our_figure_for(data, config, "assessments_within_timescale_pct", withhold=lambda n, d: True)
    assert withheld("2024-25") is None
    # A period our data do not cover has no figure (the demo's extracts start in 2020).
    assert figure("2010-11") is None
