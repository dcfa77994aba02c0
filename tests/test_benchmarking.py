"""Benchmarking: the league table, the charts and the notebook (on the demo and on real English data)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
import yaml

from chart_checks import (WelshStub, contrast_failures, css_width_mm, small_texts, texts_of, texts_outside,
                          untranslated, words_of)
from conftest import TEST_KEY
from kpi import charts
from kpi.compare import benchmarking
from kpi.catalogue import catalogue
from kpi.compare.areas import Area
from kpi.compare.ranking import compare
from kpi.config import Sources, load_config
from kpi.errors import UnusableInput
from kpi.data.ingest import ingest
from kpi.time.periods import parse_period

NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "benchmarking.ipynb"
PUBLISHED = Path(__file__).resolve().parents[2] / "shared" / "data" / "published"


def _write_comparators(project, rows: list[tuple], indicator="caseload_per_social_worker_fte", **authority):
    lines = ["indicator_id,area_code,area_name,area_type,period,value,numerator,denominator,note"]
    lines += [",".join(str(v) for v in (indicator, *row)) for row in rows]
    project.write_text("comparators.csv", "\n".join(lines) + "\n")
    config = {"authority": {"name": "Barnsley Metropolitan Borough Council", "code": "370", "nation": "england",
                            **authority},
              "extract_date": "2026-03-31", "sources": {"comparators": {"path": "comparators.csv"}}}
    project.config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    project.ingest()
    return load_config(project.config_path)


ENGLAND_ROWS = [
    ("E92000001", "England", "nation", "2024-25", 15.4, "", "", ""),
    ("E12000003", "Yorkshire and The Humber", "region", "2024-25", 15.8, "", "", ""),
    ("370", "Barnsley", "authority", "2024-25", 16.2, "", "", ""),
    ("371", "Doncaster", "authority", "2024-25", 14.0, "", "", ""),
    ("372", "Rotherham", "authority", "2024-25", 16.2, "", "", ""),
    ("373", "Sheffield", "authority", "2024-25", 19.0, "", "", ""),
    ("940 / 941", "North Northamptonshire / West Northamptonshire", "authority", "2024-25", 12.0, "", "", ""),
    ("384", "Wakefield", "authority", "2024-25", "x", "", "", ""),
    ("E92000001", "England", "nation", "2023-24", 16.0, "", "", ""),
    ("370", "Barnsley", "authority", "2023-24", 14.1, "", "", ""),
    ("371", "Doncaster", "authority", "2023-24", 17.0, "", "", ""),
    ("373", "Sheffield", "authority", "2023-24", 18.0, "", "", ""),
]


@pytest.fixture
def small(project):
    config = _write_comparators(project, ENGLAND_ROWS, region="Yorkshire and The Humber",
                                neighbours=["371", "941", "384"])
    return benchmarking.load(config, "caseload_per_social_worker_fte")


def test_league_ranks_and_bands_match_the_comparisons_for_every_authority(small):
    table = benchmarking.league(small)
    assert table["area_name"].tolist()[:2] == ["North Northamptonshire / West Northamptonshire", "Doncaster"]
    for row in table.itertuples():
        area = Area(row.area_code.split(" / ")[0], "england")
        result = compare(small.rows, catalogue()["caseload_per_social_worker_fte"], parse_period("2024-25"), area, None)
        if pd.isna(row.value):
            assert pd.isna(row.rank) and pd.isna(row.band) and row.note == "x"
            continue
        assert (row.rank, row.band) == (result["rank"], result["quartile_band"])
    # Ties share the better rank; Barnsley is ours and its neighbours are marked, the joint return too.
    assert table.set_index("area_name").loc[["Barnsley", "Rotherham"], "rank"].tolist() == [3, 3]
    assert table.loc[table["this_authority"], "area_code"].tolist() == ["370"]
    assert set(table.loc[table["neighbour"], "area_code"]) == {"371", "940 / 941", "384"}


def test_a_years_figures_are_worked_out_once_however_many_ask_and_each_gets_its_own_copy(small, monkeypatch):
    worked = []
    real = benchmarking.comparison_figures
    monkeypatch.setattr(benchmarking, "comparison_figures", lambda *args: worked.append(args) or real(*args))
    first = benchmarking.league(small)
    first["value"] = 0.0  # a caller changing its copy changes nobody else's
    table = benchmarking.league_table(small)
    assert len(worked) == 1
    again = benchmarking.league(small)
    assert table["Value"].tolist()[:3] == [small.measure.show(v) for v in again["value"][:3]]
    assert (benchmarking.league(small)["value"] != 0).any()


def test_one_rank_and_band_implementation_worked_by_hand():
    from kpi.compare import ranking as comparisons

    from kpi.charts import ranking

    # benchmarking and its charts have no rank or band of their own: they use kpi.compare.ranking' one.
    assert ranking.bands is comparisons.bands and not hasattr(benchmarking, "ranks")
    assert not hasattr(ranking, "ranks")
    values = pd.Series([10.0, 12.0, 13.0, 15.0, 15.0, 18.0, 21.0, np.nan])
    # Sorted 10 12 13 15 15 18 21: lower quartile at position 1.5 -> 12.5, median 15, upper at 4.5 -> 16.5.
    assert comparisons.quartiles_of(values) == (12.5, 15.0, 16.5)
    higher = comparisons.bands(values, 12.5, 15.0, 16.5, "higher_is_better")
    lower = comparisons.bands(values, 12.5, 15.0, 16.5, "lower_is_better")
    assert higher.tolist()[:7] == ["D", "D", "C", "B", "B", "A", "A"] and pd.isna(higher.iloc[7])
    assert lower.tolist()[:7] == ["A", "A", "B", "B", "B", "D", "D"] and pd.isna(lower.iloc[7])
    assert comparisons.bands(values, 12.5, 15.0, 16.5, "neutral").isna().all()
    # Ties share the better rank: the two 15s are both 3rd highest and both 4th lowest.
    assert comparisons.ranks(values, "higher_is_better").tolist()[:7] == [7, 6, 5, 3, 3, 2, 1]
    assert comparisons.ranks(values, "lower_is_better").tolist()[:7] == [1, 2, 3, 4, 4, 6, 7]
    assert pd.isna(comparisons.ranks(values, "higher_is_better").iloc[7])


def test_summary_and_series(small):
    summary = benchmarking.summary_table(small)["Figure"]
    assert summary["Rank (1 is best)"] == "3 of 5"
    # 12.0, 14.0, 16.2, 16.2, 19.0: quartiles 14.0, 16.2, 16.2; 16.2 is on the median, so the better band.
    assert summary["Quartile band"] == "B (second quarter)"
    assert summary["Quartiles of the authorities"] == "14.0 / 16.2 / 16.2"
    assert summary["England"] == "15.4 (published)"
    assert summary["Region (Yorkshire and The Humber)"] == "15.8"
    assert summary["Statistical neighbours' median"] == "13.0 (2 of 3 neighbours published)"
    assert summary["Authorities without a figure"] == "1 (published as x: 1)"
    series = benchmarking.series(small)
    assert series["period"].tolist() == ["2023-24", "2024-25"]
    assert series["value"].tolist() == [14.1, 16.2] and series["nation_value"].tolist() == [16.0, 15.4]


def test_charts_mark_this_authority_by_colour_hatch_and_label(small):
    chart = charts.ranked_chart(small)
    ax = chart.figure.axes[0]
    hatched = [p for p in ax.patches if p.get_hatch()]
    assert len(hatched) == 1
    assert hatched[0].get_facecolor()[:3] == pytest.approx((18 / 255, 67 / 255, 109 / 255))  # afcharts dark blue
    texts = [t.get_text() for t in ax.texts]
    assert "Barnsley 16.2" in texts
    present = set(benchmarking.league(small)["band"].dropna())
    assert present == {"A", "B", "D"}  # 16.2 is the median and the upper quartile: nobody is in C
    assert present <= set(texts)  # each band marked by its letter...
    legend = [t.get_text().replace("\n", " ") for t in chart.figure.legends[0].get_texts()]
    assert "Shading: quarters A (best) to D (worst)" in legend  # ...which the legend explains
    assert "England 15.4 (published)" in legend
    assert len([line for line in ax.lines if line.get_gid() == "band_edge"]) == 2  # bands seen without shading
    assert chart.title == "Barnsley ranks 3rd of 5 authorities in 2024-25"
    assert "Barnsley Metropolitan Borough Council: 16.2, rank 3 of 5, band B" in chart.alt_text
    assert "1 authority has no published figure" in chart.alt_text
    assert 'alt="Bar chart: Barnsley ranks 3rd' in chart._repr_mimebundle_()["text/html"]
    series = charts.time_series_chart(small)
    assert series.title == "Barnsley better than England in 1 of 2 years"
    assert "England: 16.0 in 2023-24, 15.4 in 2024-25" in series.alt_text
    for title in (chart.title, series.title):
        assert len(title.split()) <= 10


def test_periods_and_errors(small):
    assert benchmarking.years_in("2019-20..latest", ["2018-19", "2020-21", "2025-26"]) == ["2020-21", "2025-26"]
    assert benchmarking.years_in("latest", ["2018-19", "2020-21"]) == ["2020-21"]
    assert benchmarking.years_in("all", ["2020-21", "2018-19"]) == ["2018-19", "2020-21"]
    with pytest.raises(UnusableInput, match="annual"):
        benchmarking.years_in("2019-20Q1..2019-20Q4", ["2019-20"])
    with pytest.raises(UnusableInput, match="no published figures for 'contacts_received'"):
        benchmarking.load(small.config, "contacts_received")
    with pytest.raises(UnusableInput, match="years with figures: 2023-24, 2024-25"):
        benchmarking.load(small.config, "caseload_per_social_worker_fte", "2019-20..2020-21")
    assert benchmarking.short_name("Demo County Borough Council") == "Demo"
    assert benchmarking.short_name("Barnsley Metropolitan Borough Council") == "Barnsley"
    assert benchmarking.short_name("Cardiff") == "Cardiff"


def test_the_notebook_is_committed_thin_and_without_outputs():
    notebook = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    parameters = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1
    assert {"config", "indicator", "period"} <= set(re.findall(r"^(\w+) =", parameters[0].source, re.M))
    assert all(len(c.source.strip().splitlines()) <= 3 for c in code)
    assert notebook.cells[0].cell_type == "markdown"


def _run_notebook(tmp: Path, cwd: Path, **parameters) -> nbformat.NotebookNode:
    import papermill

    out = tmp / "benchmarking_out.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters=parameters, kernel_name="python3", cwd=str(cwd),
                               progress_bar=False)
    return nbformat.read(out, as_version=4)


def _html_outputs(notebook) -> str:
    return "\n".join(o.get("data", {}).get("text/html", "") + o.get("data", {}).get("text/markdown", "")
                     for c in notebook.cells if c.cell_type == "code" for o in c.outputs)


def test_the_notebook_runs_on_the_demo(tmp_path, monkeypatch):
    from kpi.demo import write_demo

    monkeypatch.setenv("KPI_PSEUDONYM_KEY", TEST_KEY)
    write_demo(out=tmp_path / "data/raw/demo", config_path=tmp_path / "kpi.yml", today=dt.date(2026, 11, 22))
    config = load_config(tmp_path / "kpi.yml")
    config.sources = Sources(comparators=config.sources.comparators)  # the notebook reads only the comparators
    ingest(config)
    (tmp_path / "notebooks").mkdir()
    # The defaults: kpi.yml found in the folder above, the demo's assessment timeliness, every year.
    notebook = _run_notebook(tmp_path, tmp_path / "notebooks")
    html = _html_outputs(notebook)
    assert 'alt="Bar chart: Demo ranks' in html and "22 Welsh authorities" in html
    assert 'alt="Line chart: Demo better than Wales in' in html
    assert "Wales" in html and "Quartile band" in html


def test_the_notebook_runs_for_a_real_english_authority(tmp_path, monkeypatch):
    if not PUBLISHED.is_dir():
        pytest.fail(f"{PUBLISHED} is missing: this test reads the real published statistics (CI has them)")
    dfe = PUBLISHED / "dfe-csc-outcomes"
    config = {
        "authority": {"name": "Barnsley Metropolitan Borough Council", "code": "370", "nation": "england",
                      "neighbours_file": str(dfe / "sn_model_2025_wide.csv")},
        "extract_date": "2026-03-31",
        "sources": {"comparators": [
            {"path": str(dfe / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"), "format": "ees",
             "options": {"values": {"rereferrals_within_12m_pct": {
                 "value": "rereferral_percent", "numerator": "rereferral_count", "denominator": "referral_count"}}}},
            {"path": str(dfe / "csww_indicators_2017_to_2025.csv"), "format": "ees",
             "options": {"reporting_year": "september", "values": {"caseload_per_social_worker_fte": {
                 "value": "caseload_fte", "numerator": "cases", "denominator": "case_holders_fte"}}}},
        ]},
    }
    (tmp_path / "kpi.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("KPI_PSEUDONYM_KEY", TEST_KEY)
    ingest(load_config(tmp_path / "kpi.yml"))
    notebook = _run_notebook(tmp_path, tmp_path, config=str(tmp_path / "kpi.yml"),
                             indicator="rereferrals_within_12m_pct", period="2019-20..latest")
    html = _html_outputs(notebook)
    assert 'alt="Bar chart: Barnsley ranks' in html and "English authorities in 2024-25" in html
    assert "Statistical neighbours&#x27; median" in html or "Statistical neighbours' median" in html
    assert "Yorkshire and The Humber" in html and "England" in html


def test_a_published_measure_outside_the_catalogue_keeps_its_unit(project):
    # CPP_Total_NumRef (LAIT: referrals, a number) is a count in published_measures.yml, so it is not
    # shown as a ratio.
    config = _write_comparators(project, [("E92000001", "England", "nation", "2024-25", 632830, "", "", ""),
                                          ("370", "Barnsley", "authority", "2024-25", 3241, "", "", ""),
                                          ("371", "Doncaster", "authority", "2024-25", 4000, "", "", "")],
                                indicator="CPP_Total_NumRef")
    bench = benchmarking.load(config, "CPP_Total_NumRef")
    assert bench.measure.unit == "count" and bench.measure.show(3241) == "3,241"


# --- the charts in print, for low vision and in Welsh ----------------------------------------------------------

MANY = [("E92000001", "England", "nation", "2024-25", 15.0, "", "", "")] + [
    (str(300 + i), f"Authority {i}", "authority", "2024-25", 10 + (i * 37 % 23) / 2, "", "", "") for i in range(40)]
QUARTILES_ONLY = [("W92000004", "Wales", "nation", "2024-25", 82.0, "", "", ""),
                  ("lower_quartile", "Lower quartile", "quartile", "2024-25", 78.0, "", "", ""),
                  ("median", "Median", "quartile", "2024-25", 83.0, "", "", ""),
                  ("upper_quartile", "Upper quartile", "quartile", "2024-25", 88.0, "", "", "")]


@pytest.fixture
def many(project):
    config = _write_comparators(project, MANY, code="300")
    return benchmarking.load(config, "caseload_per_social_worker_fte")


@pytest.fixture
def quartiles_only(project):
    config = _write_comparators(project, QUARTILES_ONLY, indicator="assessments_within_timescale_pct",
                                name="Wrexham County Borough Council", code="W06000006", nation="wales")
    return benchmarking.load(config, "assessments_within_timescale_pct", own_value_for=lambda year: 86.0)


def _charts(bench, text=None):
    if bench.config.authority.code == "W06000006":
        return [charts.ranked_chart(bench, text=text)]
    return [charts.ranked_chart(bench, text=text), charts.time_series_chart(bench, text=text)]


@pytest.mark.parametrize("which", ["small", "many", "quartiles_only"])
@pytest.mark.parametrize("translate", [None, WelshStub()], ids=["en", "cy"])
def test_charts_are_drawn_at_their_placed_width_with_no_text_under_9pt(which, translate, request):
    for chart in _charts(request.getfixturevalue(which), translate):
        width, height = chart.figure.get_size_inches() * 25.4
        assert width == pytest.approx(css_width_mm(".comparison figure.chart img")), chart.title
        assert 40 <= height <= 170, chart.title
        assert not small_texts(chart.figure, 9.0), chart.title
        assert not texts_outside(chart.figure), chart.title
        png = chart.png()
        assert int.from_bytes(png[16:20], "big") == round(width / 25.4 * 200)  # no tight box: placed as drawn


@pytest.mark.parametrize("which", ["small", "many", "quartiles_only"])
def test_every_bar_line_marker_and_text_meets_wcag_contrast(which, request):
    for chart in _charts(request.getfixturevalue(which)):
        assert not contrast_failures(chart.figure), chart.title


def test_a_named_ranking_is_as_tall_as_its_bars_need(small, many):
    # 5 named bars make a short chart; 40 authorities are unnamed columns at a fixed height.
    assert charts.ranked_chart(small).figure.get_size_inches()[1] * 25.4 < 75
    columns = charts.ranked_chart(many)
    assert columns.figure.get_size_inches()[1] * 25.4 == pytest.approx(75)
    # Ours (code 300, i = 0) is 10.0, the lowest value (and i = 23 ties it): lower is better, so rank 1.
    assert columns.title == "Barnsley ranks 1st of 40 authorities in 2024-25"


@pytest.mark.parametrize("which", ["small", "many", "quartiles_only"])
def test_welsh_charts_have_no_english_word_but_proper_names(which, request):
    bench = request.getfixturevalue(which)
    table = benchmarking.league(bench)
    names = words_of(*table["area_name"], bench.config.authority.name, bench.area.region or "",
                     bench.measure.indicator.title_in("cy"))
    allowed = names | {"A", "B", "C", "D"}
    for chart in _charts(bench, WelshStub()):
        shown = [t.get_text() for t in texts_of(chart.figure)]
        for written in [*shown, chart.title, chart.alt_text]:
            assert not untranslated(written, allowed), written
    for chart in _charts(bench):  # the check finds the English where there is some
        assert untranslated(chart.alt_text, allowed)


def test_titles_keep_their_english_and_give_welsh_the_bare_rank(small):
    stub = WelshStub()
    chart = charts.ranked_chart(small, text=stub)
    assert chart.title == "Barnsley⟨ ranks ⟩3⟨rd⟩⟨ of ⟩5⟨ authorities in ⟩2024-25"
    assert "{name} ranks {ordinal} of {count} authorities in {year}" in stub.msgids  # Welsh may use {rank}
    assert charts.ranked_chart(small).title == "Barnsley ranks 3rd of 5 authorities in 2024-25"
