"""The comparator loaders on the real published files in ../shared/data/published (never copied here).

Expected values come from the files themselves, read here with the csv module and plain Python, or were
checked by hand against the published tables; none comes from the code under test.
"""

from __future__ import annotations

import csv
import math
import statistics
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml

from conftest import PUBLISHED, TEST_KEY
from kpi import charts
from kpi.compare import benchmarking
from kpi.catalogue import catalogue
from kpi.compare.areas import Area, area_for
from kpi.compare.ranking import compare
from kpi.config import load_config
from kpi.data.ingest import ingest
from kpi.time.periods import parse_period

DFE = PUBLISHED / "dfe-csc-outcomes"
C1 = DFE / "c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
CSWW = DFE / "csww_indicators_2017_to_2025.csv"
SN = DFE / "sn_model_2025_wide.csv"
LAIT = PUBLISHED / "dfe-lait" / "bds_long_0.parquet"
SYMBOLS = {"c", "x", "z", "u", "k", "low", "*", "-", ":"}
C1_VALUES = ["referral_count", "rereferral_count", "rereferral_percent", "no_further_action_count",
             "no_further_action_percent", "not_in_need_count", "not_in_need_percent", "referral_child_count",
             "rereferral_child_count", "rereferral_child_percent"]
CSWW_VALUES = ["inpost_fte", "agency_rate_fte", "vacancy_rate_fte", "turnover_rate_fte", "caseload_fte",
               "absence_rate_fte", "agency_cover_rate_fte", "vacancy_agency_cover_rate_fte"]


def raw_rows(path: Path) -> list[dict[str, str]]:
    """The published rows as the csv module reads them; row n of the list is row n + 2 in Excel."""
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.fixture(scope="module")
def england(published, tmp_path_factory):
    """c1 and csww loaded for Barnsley (DfE LA number 370), with its statistical neighbours."""
    root = tmp_path_factory.mktemp("england")
    values = {f"c1_{c}": c for c in C1_VALUES}
    values["rereferrals_within_12m_pct"] = {"value": "rereferral_percent", "numerator": "rereferral_count",
                                            "denominator": "referral_count"}
    workforce = {f"csww_{c}": c for c in CSWW_VALUES}
    workforce["caseload_per_social_worker_fte"] = {"value": "caseload_fte", "numerator": "cases",
                                                   "denominator": "case_holders_fte"}
    config = {
        "authority": {"name": "Barnsley Metropolitan Borough Council", "code": "370", "nation": "england",
                      "neighbours_file": str(SN)},
        "extract_date": "2026-03-31",
        "sources": {"comparators": [
            {"path": str(C1), "format": "ees", "options": {"values": values}},
            {"path": str(CSWW), "format": "ees", "options": {"values": workforce, "reporting_year": "september"}},
        ]},
    }
    (root / "kpi.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPI_PSEUDONYM_KEY", TEST_KEY)
        result = ingest(load_config(root / "kpi.yml"))
    return root, result


def _report(result, path: Path) -> pd.Series:
    report = result.report
    return report[report["file"].eq(str(path))].iloc[0]


def _records(result, path: Path) -> pd.DataFrame:
    table = result.tables["comparators"]
    accepted = table.accepted.assign(status="accepted")
    rejected = table.rejected.assign(status="rejected", source_row=table.rejected["source_row"].astype("int64"))
    both = pd.concat([accepted, rejected], ignore_index=True)
    return both[both["source_file"].eq(str(path))]


@pytest.mark.parametrize("path, columns", [(C1, C1_VALUES), (CSWW, CSWW_VALUES)], ids=["c1", "csww"])
def test_every_published_row_is_accounted_for(england, path, columns):
    _, result = england
    raw = raw_rows(path)
    report = _report(result, path)
    mappings = len(columns) + 1
    assert report["rows_in_file"] == len(raw)
    assert report["rows_left_out"] == 0  # every level in these files is National, Regional or Local authority
    assert report["rows_read"] == len(raw) * mappings
    assert report["rows_accepted"] + report["rows_rejected"] == report["rows_read"]
    records = _records(result, path)
    # Each published row gave exactly one record per mapped column.
    per_row = records.groupby("source_row")["indicator_id"].nunique()
    assert per_row.index.tolist() == list(range(2, len(raw) + 2))
    assert (per_row == mappings).all()
    assert report["rows_rejected"] == 0 and report["rows_flagged"] == 0


@pytest.mark.parametrize("path, columns, prefix", [(C1, C1_VALUES, "c1_"), (CSWW, CSWW_VALUES, "csww_")],
                         ids=["c1", "csww"])
def test_symbols_are_kept_and_numbers_are_exact(england, path, columns, prefix):
    _, result = england
    raw = raw_rows(path)
    records = _records(result, path)
    symbols_seen = 0
    for column in columns:
        mine = records[records["indicator_id"].eq(prefix + column)].set_index("source_row").sort_index()
        published = pd.Series([row[column].strip() for row in raw], index=range(2, len(raw) + 2))
        is_symbol = published.str.lower().isin(SYMBOLS)
        assert (published[~is_symbol].map(float) == mine.loc[~is_symbol, "value"]).all(), column
        assert mine.loc[is_symbol, "value"].isna().all(), column
        assert (mine.loc[is_symbol, "note"] == published[is_symbol]).all(), column
        symbols_seen += int(is_symbol.sum())
    assert symbols_seen > 100  # c, x, z, u and low all occur in these two files


def test_published_values_checked_by_hand(england):
    _, result = england
    accepted = result.tables["comparators"].accepted.set_index(["indicator_id", "area_code", "period"])
    # Children in need census, year ending 31 March 2025: England re-referrals 22.6% (142,900 of 632,830).
    england_rereferrals = accepted.loc[("rereferrals_within_12m_pct", "E92000001", "2024-25")]
    assert england_rereferrals[["value", "numerator", "denominator"]].tolist() == [22.6, 142900, 632830]
    # Workforce census, 30 September 2025: England caseload per case-holding FTE 15.2 (321,661 / 21,105.4).
    caseload = accepted.loc[("caseload_per_social_worker_fte", "E92000001", "2025-26")]
    assert caseload[["value", "numerator", "denominator"]].tolist() == [15.2, 321661, 21105.4]
    # Joint returns keep their published joint code; Barnsley keeps its DfE number across ONS codes.
    assert accepted.loc[("csww_caseload_fte", "940 / 941", "2025-26"), "value"] == 14.8
    assert accepted.loc[("csww_caseload_fte", "314 / 318", "2017-18"), "value"] == 10.2
    barnsley = accepted.xs(("caseload_per_social_worker_fte", "370"), level=["indicator_id", "area_code"])
    assert len(barnsley) == 9  # 2017 to 2025, under E08000016 and then E08000038


def _independent_position(rows: list[dict], column: str, year: str, code: str, neighbours: list[str]) -> dict:
    """Rank, quartiles, band and neighbours' median from the raw rows, for a lower-is-better measure."""
    def number(text):
        try:
            return float(text)
        except ValueError:
            return None

    authorities = [r for r in rows if r["time_period"] == year and r["geographic_level"] == "Local authority"]
    values = {r["old_la_code"]: number(r[column]) for r in authorities}
    known = [v for v in values.values() if v is not None]
    ours = next(v for c, v in values.items() if code in [part.strip() for part in c.split("/")])
    lower, median, upper = statistics.quantiles(known, n=4, method="inclusive")
    band = "A" if ours <= lower else "B" if ours <= median else "C" if ours <= upper else "D"
    by_authority = {part.strip(): v for c, v in values.items() for part in c.split("/")}
    neighbour_values = [by_authority[n] for n in neighbours if by_authority.get(n) is not None]
    national = next(r for r in rows if r["time_period"] == year and r["geographic_level"] == "National")
    return {"value": ours, "rank": 1 + sum(v < ours for v in known), "rank_of": len(known), "band": band,
            "quartiles": (lower, median, upper),
            "neighbours_median": statistics.median(neighbour_values) if neighbour_values else None,
            "neighbours_count": len(neighbour_values), "nation": float(national[column])}


def _neighbours_from_the_model(code: str) -> tuple[list[str], str]:
    row = next(r for r in raw_rows(SN) if r["old_la_code"] == code)
    return [row[f"SN_{i}"] for i in range(1, 11)], row["region_name"]


@pytest.mark.parametrize("indicator, path, column, year, period", [
    ("caseload_per_social_worker_fte", CSWW, "caseload_fte", "2025", "2025-26"),
    ("caseload_per_social_worker_fte", CSWW, "caseload_fte", "2021", "2021-22"),
    ("rereferrals_within_12m_pct", C1, "rereferral_percent", "2025", "2024-25"),
    ("rereferrals_within_12m_pct", C1, "rereferral_percent", "2019", "2018-19"),
])
def test_rank_band_and_neighbours_agree_with_an_independent_calculation(england, indicator, path, column, year,
                                                                       period):
    root, _ = england
    neighbours, region = _neighbours_from_the_model("370")
    expected = _independent_position(raw_rows(path), column, year, "370", neighbours)
    config = load_config(root / "kpi.yml")
    area = area_for(config)
    assert list(area.neighbours) == neighbours and area.region == region
    comparators = pd.read_parquet(root / "data/processed/comparators.parquet")
    result = compare(comparators, catalogue()[indicator], parse_period(period), area, None)
    assert (result["rank"], result["rank_of"], result["quartile_band"]) == (
        expected["rank"], expected["rank_of"], expected["band"])
    assert (result["lower_quartile"], result["median"], result["upper_quartile"]) == pytest.approx(
        expected["quartiles"], abs=1e-9)
    assert result["neighbours_median"] == pytest.approx(expected["neighbours_median"], abs=1e-9)
    assert result["neighbours_count"] == expected["neighbours_count"]
    assert result["nation_value"] == expected["nation"]
    raw_region = next(r for r in raw_rows(path) if r["time_period"] == year and r["region_name"] == region
                      and r["geographic_level"] == "Regional")
    assert result["region_value"] == float(raw_region[column])
    # The benchmarking league table ranks and bands every authority the same way.
    bench = benchmarking.load(config, indicator, period)
    table = benchmarking.league(bench)
    ours = table[table["this_authority"]].iloc[0]
    assert (ours["area_code"], ours["value"], ours["rank"], ours["band"]) == (
        "370", expected["value"], expected["rank"], expected["band"])
    assert table["neighbour"].sum() == len({n for n in neighbours if n in set(
        part for c in table["area_code"] for part in c.split(" / "))})


def test_a_joint_return_is_each_authoritys_figure(england):
    root, _ = england
    kingston = Area("314", "england")
    expected = _independent_position(raw_rows(CSWW), "caseload_fte", "2025", "314", [])
    comparators = pd.read_parquet(root / "data/processed/comparators.parquet")
    result = compare(comparators, catalogue()["caseload_per_social_worker_fte"], parse_period("2025-26"), kingston,
                     None)
    assert expected["value"] == 13.9  # Kingston upon Thames / Richmond upon Thames, returned jointly
    assert (result["rank"], result["quartile_band"]) == (expected["rank"], expected["band"])


@pytest.fixture(scope="module")
def lait(published, tmp_path_factory):
    root = tmp_path_factory.mktemp("lait")
    config = {
        "authority": {"name": "Barnsley", "code": "370", "nation": "england"},
        "extract_date": "2026-03-31",
        "sources": {"comparators": {"path": str(LAIT), "format": "lait", "options": {
            "measures": ["Continue_Assess_Comp", "Work_Force_AvgNumCase_SW"]}}},
    }
    (root / "kpi.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPI_PSEUDONYM_KEY", TEST_KEY)
        return ingest(load_config(root / "kpi.yml"))


def test_lait_values_parse_exactly(lait):
    accepted = lait.tables["comparators"].accepted.set_index(["indicator_id", "area_code", "period"])
    timely = accepted.xs("Continue_Assess_Comp", level="indicator_id")
    # England (LAIT 970): 83.4 in 2016 and 85.7 in 2025, years ending 31 March (Financial Year measures).
    assert timely.loc[("E92000001", "2015-16"), "value"] == 83.4
    assert timely.loc[("E92000001", "2024-25"), "value"] == 85.7
    # Published as '83.100000000000009' (North East, 2017): exactly 83.1.
    assert timely.loc[("E12000001", "2016-17"), "value"] == 83.1
    # The same census as the EES workforce file: England caseload 15.2 at 30 September 2025.
    assert accepted.loc[("Work_Force_AvgNumCase_SW", "E92000001", "2025-26"), "value"] == 15.2


def test_lait_accounts_for_all_641070_rows(lait, published):
    import pyarrow.parquet as pq

    table = pq.read_table(LAIT, columns=["Short Desc", "Values"]).to_pandas()
    assert len(table) == 641_070
    report = lait.report.iloc[0]
    chosen = table["Short Desc"].isin(["Continue_Assess_Comp", "Work_Force_AvgNumCase_SW"])
    assert report["rows_in_file"] == len(table)
    assert report["rows_left_out"] == int((~chosen).sum())
    assert report["rows_read"] == int(chosen.sum()) == report["rows_accepted"] + report["rows_rejected"]
    accepted = lait.tables["comparators"].accepted
    dashes = int(table.loc[chosen, "Values"].eq("-").sum())
    assert int(accepted["note"].eq("-").sum()) == dashes and accepted["value"].notna().sum() == chosen.sum() - dashes
    published_numbers = pd.to_numeric(table.loc[chosen, "Values"], errors="coerce").dropna()
    assert not math.isclose(published_numbers.sum(), 0)
    decimals_shown = accepted["value"].dropna().map(lambda v: len(repr(v).split(".")[1]) if "." in repr(v) else 0)
    assert decimals_shown.max() <= 2  # no float artefact survives (these measures have one decimal place)
    assert np.isclose(accepted["value"].sum(), published_numbers.sum())


def _disagrees(value: str, numerator: str, denominator: str, rounding: float = 10) -> bool | None:
    """By hand: can value (to its decimals) be numerator / denominator x 100 with counts rounded to 10?"""
    try:
        v, n, d = float(value), float(numerator), float(denominator)
    except ValueError:
        return None
    if d <= 0:
        return None
    half_value = 0.5 * 10 ** -(len(value.split(".")[1]) if "." in value else 0)
    half_n = rounding / 2 if n >= rounding and n % rounding == 0 else 0.5
    half_d = rounding / 2 if d >= rounding and d % rounding == 0 else 0.5
    low, high = 100 * max(n - half_n, 0) / (d + half_d), 100 * (n + half_n) / (d - half_d)
    return v + half_value < low - 1e-9 or v - half_value > high + 1e-9


def test_files_the_other_tests_do_not_use_load_with_a_mapping(published, tmp_path, monkeypatch):
    cla, d3 = DFE / "cla_number_and_rate_per_10k_children.csv", DFE / "d3_cpps_subsequent_plan_2013_to_2025.csv"
    on_31_march, starting = "Children looked after on 31 March each year", "Children starting to be looked after each year"
    config = {
        "authority": {"name": "Barnsley", "code": "370", "nation": "england"}, "extract_date": "2026-03-31",
        "sources": {"comparators": [
            {"path": str(cla), "format": "ees", "options": {"values": {
                "cla_rate": {"value": "rate_per_10000", "numerator": "children_count",
                             "denominator": "population_estimate", "where": {"population_type": on_31_march}},
                "cla_starting": {"value": "children_count", "where": {"population_type": starting}}}}},
            {"path": str(d3), "format": "ees", "options": {"values": {"cpp_second_pct": {
                "value": "CPP_subsequent_percent", "numerator": "CPP_subsequent", "denominator": "CPP_start"}}}},
        ]},
    }
    (tmp_path / "kpi.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("KPI_PSEUDONYM_KEY", TEST_KEY)
    result = ingest(load_config(tmp_path / "kpi.yml"))
    # cla (UTF-8 with a byte-order mark; la_name before new_la_code): one record per row of the two types.
    raw = raw_rows(cla)
    kept = sum(r["population_type"] in (on_31_march, starting) for r in raw)
    report = _report(result, cla)
    assert (report["rows_in_file"], report["rows_read"], report["rows_left_out"]) == (len(raw), kept, len(raw) - kept)
    assert report["rows_rejected"] == 0
    accepted = result.tables["comparators"].accepted
    london = accepted[accepted["indicator_id"].eq("cla_rate") & accepted["area_code"].eq("E12000007")]
    row = next(r for r in raw if r["geographic_level"] == "Regional" and r["region_name"] == "London"
               and r["time_period"] == "2025" and r["population_type"] == on_31_march)
    assert london.loc[london["period"].eq("2024-25"), "value"].tolist() == [float(row["rate_per_10000"])]
    # d3: exactly the rows whose published percentage cannot be its counts are flagged, and still loaded.
    raw = raw_rows(d3)
    expected = sorted(i + 2 for i, r in enumerate(raw)
                      if _disagrees(r["CPP_subsequent_percent"], r["CPP_subsequent"], r["CPP_start"]))
    d3_records = accepted[accepted["source_file"].eq(str(d3))]
    flagged = d3_records[d3_records["note"].fillna("").str.startswith("value disagrees")]
    assert sorted(flagged["source_row"]) == expected and len(expected) >= 1
    assert _report(result, d3)["rows_flagged"] == len(expected)
    assert len(d3_records) == len(raw)


# --- like-for-like comparisons on the real files ---------------------------------------------------------


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


@pytest.mark.parametrize("code, year, period", [("850", "2024", "2023-24"), ("204", "2022", "2021-22")],
                         ids=["Hampshire u", "Hackney x"])
def test_a_suppressed_figure_of_ours_is_computed_for_the_published_year_and_ranked(england, code, year, period):
    root, _ = england
    rows = [r for r in raw_rows(C1) if r["time_period"] == year and r["geographic_level"] == "Local authority"]
    published = {r["old_la_code"]: r["rereferral_percent"] for r in rows}
    assert published[code] in SYMBOLS  # DfE published no figure for this authority in this year
    comparators = pd.read_parquet(root / "data/processed/comparators.parquet")
    indicator = catalogue()["rereferrals_within_12m_pct"]
    asked = []
    # The pack asks about a quarter of the year (13.24% from our own data for the whole year, 99% for anything else).
    result = compare(comparators, indicator, parse_period(f"{period}Q3"),
                     Area(code, "england"), lambda p: asked.append(p) or (13.24 if p == period else 99.0))
    assert asked == [period] and result["comparator_period"] == period
    assert (result["comparator_value"], result["comparator_value_source"]) == (13.2, "computed from our data")
    others = [v for c, v in ((c, _number(t)) for c, t in published.items()) if c != code and v is not None]
    assert result["rank"] == 1 + sum(v < 13.2 for v in others)  # lower is better
    assert result["rank_of"] == len(others) + 1
    lower, median, upper = statistics.quantiles(others + [13.2], n=4, method="inclusive")
    assert (result["lower_quartile"], result["median"], result["upper_quartile"]) == pytest.approx(
        (lower, median, upper), abs=1e-9)
    assert result["quartile_band"] == ("A" if 13.2 <= lower else "B" if 13.2 <= median else "C" if 13.2 <= upper
                                       else "D")


def test_every_authoritys_rank_in_the_workbook_figures_is_recomputed_from_the_raw_rows(england):
    from kpi.compare.ranking import comparison_figures

    root, _ = england
    config = load_config(root / "kpi.yml")
    comparators = pd.read_parquet(root / "data/processed/comparators.parquet")
    figures = comparison_figures(comparators, catalogue()["rereferrals_within_12m_pct"], parse_period("2025-26Q2"),
                                 area_for(config))
    assert set(figures["comparator_period"]) == {"2024-25"}  # the latest published year before the quarter
    rows = [r for r in raw_rows(C1) if r["time_period"] == "2025" and r["geographic_level"] == "Local authority"]
    values = {r["old_la_code"]: _number(r["rereferral_percent"]) for r in rows}
    known = [v for v in values.values() if v is not None]
    lower, median, upper = statistics.quantiles(known, n=4, method="inclusive")
    authorities = figures[figures["area_type"].eq("authority")].set_index("area_code")
    assert sorted(authorities.index) == sorted(values)
    for code, value in values.items():
        row = authorities.loc[code]
        if value is None:
            assert pd.isna(row["value"]) and not row["used"] and pd.isna(row["rank"]) and row["note"] in SYMBOLS
            continue
        band = "A" if value <= lower else "B" if value <= median else "C" if value <= upper else "D"
        assert (row["value"], row["rank"], row["band"], row["used"]) == (value, 1 + sum(v < value for v in known),
                                                                         band, True)
    assert authorities.loc["370", "this_authority"] and authorities["this_authority"].sum() == 1
    national = next(r for r in raw_rows(C1) if r["time_period"] == "2025" and r["geographic_level"] == "National")
    nation = figures[figures["area_type"].eq("nation")].iloc[0]
    assert (nation["value"], nation["value_source"]) == (float(national["rereferral_percent"]), "published")
    region = figures[figures["area_type"].eq("region")].iloc[0]
    assert region["area_name"] == "Yorkshire and The Humber"


WALES = PUBLISHED / "wales" / "wales_published_figures.csv"


def test_a_wales_only_publication_loads_as_the_wales_value_and_quartiles(published, tmp_path, monkeypatch):
    """PM24 as Welsh Government published it for the 2016-2020 framework's early years: the Wales value and
    the quartiles, no authority rows. The keyed-in file names the quartiles in its source note; here they
    are laid out as a StatsWales download would have them."""
    import re

    row = next(r for r in raw_rows(WALES) if r["measure"].startswith("PM24"))
    quartiles = dict(re.findall(r"(lower|upper) quartile ([\d.]+)", row["source"]))
    lines = ["Area_AltCode1,Area_ItemName_ENG,Year_Code,Indicator_Code,Measure_ItemName_ENG,Data"]
    lines += [f"W92000004,Wales,201718,PM24,{measure},{value}" for measure, value in (
        ("Numerator", row["numerator"]), ("Denominator", row["denominator"]), ("Percentage", row["value"]),
        ("Lower quartile", quartiles["lower"]), ("Upper quartile", quartiles["upper"]))]
    (tmp_path / "pm24.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    config = {"authority": {"name": "Wrexham County Borough Council", "code": "W06000006", "nation": "wales"},
              "extract_date": "2020-03-31",
              "sources": {"comparators": {"path": "pm24.csv", "format": "statswales", "options": {
                  "indicators": {"PM24": "assessments_within_timescale_pct"}}}}}
    (tmp_path / "kpi.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    monkeypatch.setenv("KPI_PSEUDONYM_KEY", TEST_KEY)
    result = ingest(load_config(tmp_path / "kpi.yml"))
    report = result.report.iloc[0]
    assert (report["rows_in_file"], report["rows_read"], report["rows_left_out"], report["rows_rejected"]) == (
        5, 3, 0, 0)  # the Wales record (numerator and denominator merged in) and the two quartiles
    comparators = result.tables["comparators"].accepted
    assert sorted(comparators["area_type"]) == ["nation", "quartile", "quartile"]
    indicator = catalogue()["assessments_within_timescale_pct"]
    area = area_for(load_config(tmp_path / "kpi.yml"))
    lower, upper, wales = float(quartiles["lower"]), float(quartiles["upper"]), float(row["value"])
    for ours, position in ((86.0, "between_quartiles"), (96.1, "above_upper_quartile"), (70.8, "below_lower_quartile")):
        result = compare(comparators, indicator, parse_period("2017-18Q4"), area, lambda p, v=ours: v)
        assert (result["comparator_value"], result["comparator_position"]) == (ours, position)
        assert (result["lower_quartile"], result["upper_quartile"], result["quartiles_source"]) == (
            lower, upper, "published")
        # 36,696 / 41,267 is 88.92%, published as 88.9: the Wales value is the published one.
        assert result["nation_value"] == pytest.approx(int(row["numerator"]) / int(row["denominator"]) * 100,
                                                       abs=0.05) and result["nation_value"] == wales
        assert pd.isna(result["rank"]) and pd.isna(result["rank_of"]) and result["quartile_band"] is None
    # Without our own figure for the year there is nothing to place, and still no rank.
    alone = compare(comparators, indicator, parse_period("2017-18Q4"), area)
    assert alone["comparator_position"] is None and pd.isna(alone["rank"]) and alone["nation_value"] == wales
    # The notebook and the pack's chart say the same: our figure against the published quartiles, no rank.
    bench = benchmarking.load(load_config(tmp_path / "kpi.yml"), indicator.id, own_value_for=lambda p: 86.0)
    chart = charts.ranked_chart(bench)
    assert chart.title == "Wrexham between the quartiles in 2017-18"
    assert "no rank" in chart.alt_text and "Wrexham County Borough Council: 86.0% (computed from our data" in (
        chart.alt_text)
    assert chart.data.loc["Lower quartile (published)", "Value"] == f"{lower:.1f}%" and len(chart.png()) > 1000
    summary = benchmarking.summary_table(bench)["Figure"]
    assert summary["Quartiles (published)"].startswith(f"{lower:.1f}%") and "Rank (1 is best)" not in summary
    assert summary["Position"] == "between the quartiles (the middle half)"
