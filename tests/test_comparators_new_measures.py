"""The published measures of the newer indicators (child protection, looked after, workforce vacancies
and agency workers, police referrals), loaded from the real files in ../shared/data/published (never
copied here) as an officer would configure them.

Expected values are read here from the raw CSV and parquet with plain pandas, or are quoted from the
published tables; none comes from the code under test.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from conftest import PUBLISHED, TEST_KEY

from kpi.catalogue import catalogue
from kpi.compare.areas import area_for
from kpi.compare.ranking import comparator_ids, comparator_rows, compare
from kpi.config import load_config
from kpi.data.ingest import ingest
from kpi.data.published.units import unit_of_measure
from kpi.errors import UnusableInput
from kpi.time.periods import parse_period

DFE = PUBLISHED / "dfe-csc-outcomes"
D3 = DFE / "d3_cpps_subsequent_plan_2013_to_2025.csv"
CLA = DFE / "cla_number_and_rate_per_10k_children.csv"
CSWW = DFE / "csww_indicators_2017_to_2025.csv"
SN = DFE / "sn_model_2025_wide.csv"
LAIT = PUBLISHED / "dfe-lait" / "bds_long_0.parquet"
ON_31_MARCH = "Children looked after on 31 March each year"
SYMBOLS = {"c", "x", "z", "u", "k", "low"}

# Our indicator, the published measure's own id, its unit (as the catalogue's comparator_ids list them).
LISTED = [
    ("referrals_from_police_pct", "RefBySource_Police_%", "percent"),
    ("cp_registrations", "CPP_start", "count"),
    ("cp_on_register_at_end", "CPP_Num", "count"),
    ("cp_reregistrations_within_12m_pct", "PM27", "percent"),
    ("cp_average_days_on_register", "PM28", "days"),
    ("looked_after_per_10k", "LAC", "rate"),
    ("looked_after_new_entries", "LACnum_Start", "count"),
    ("looked_after_three_placements_pct", "LACStable_2016on", "percent"),
    ("vacancy_rate_pct", "vacancy_rate_fte", "percent"),
    ("vacancy_rate_pct", "Work_Force_Vac_Rate", "percent"),
    ("caseload_agency_social_workers_pct", "agency_rate_fte", "percent"),
    ("caseload_agency_social_workers_pct", "Work_Force_Agecy_Rate", "percent"),
]
# Explore Education Statistics columns mapped through options (the file's own column names).
EES = {  # indicator: (file, column, where)
    "cp_registrations": (D3, "CPP_start", None),
    "looked_after_per_10k": (CLA, "rate_per_10000", ON_31_MARCH),
    "looked_after_at_end": (CLA, "children_count", ON_31_MARCH),
    "vacancy_rate_pct": (CSWW, "vacancy_rate_fte", None),
    "caseload_agency_social_workers_pct": (CSWW, "agency_rate_fte", None),
}
# LAIT codes an English officer maps to our indicators when no EES file gives the measure.
LAIT_ONLY = {"RefBySource_Police_%": "referrals_from_police_pct", "CPP_Num": "cp_on_register_at_end",
             "LACnum_Start": "looked_after_new_entries", "LACStable_2016on": "looked_after_three_placements_pct"}
# ...and those the EES files also publish (the same census), mapped when LAIT is the only source.
LAIT_ALSO_IN_EES = {"LAC": "looked_after_per_10k", "Work_Force_Vac_Rate": "vacancy_rate_pct",
                    "Work_Force_Agecy_Rate": "caseload_agency_social_workers_pct"}
UNITS = {indicator: unit for indicator, _, unit in LISTED} | {"looked_after_at_end": "count"}


def mapped_id(indicator: str) -> str:
    """The id a comparator is loaded under for an indicator: the catalogue's `comparator`."""
    return catalogue()[indicator].comparator or indicator


def raw_csv(path: Path) -> pd.DataFrame:
    """The published rows as text; row i of the frame is row i + 2 as Excel numbers it."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    return raw.set_axis(pd.RangeIndex(2, len(raw) + 2))


@pytest.fixture(scope="module")
def raw_lait() -> pd.DataFrame:
    table = pd.read_parquet(LAIT, columns=["Short Desc", "Years", "Values", "LA Number"])
    return table.set_axis(pd.RangeIndex(2, len(table) + 2))


def _ingest(root: Path, sources: list[dict]) -> object:
    config = {"authority": {"name": "Barnsley Metropolitan Borough Council", "code": "370", "nation": "england",
                            "neighbours_file": str(SN)},
              "extract_date": "2026-03-31", "sources": {"comparators": sources}}
    root.mkdir(parents=True, exist_ok=True)
    (root / "kpi.yml").write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPI_PSEUDONYM_KEY", TEST_KEY)
        return ingest(load_config(root / "kpi.yml"))


def _ees_source(path: Path, **options) -> dict:
    values = {}
    for indicator, (file, column, where) in EES.items():
        if file == path:
            values[mapped_id(indicator)] = {"value": column, **({"where": {"population_type": where}} if where else {})}
    return {"path": str(path), "format": "ees", "options": {"values": values, **options}}


@pytest.fixture(scope="module")
def both(published, tmp_path_factory):
    """The EES files mapped to our indicators, and LAIT beside them: its measures that EES does not have
    mapped to ours, the others kept under their LAIT codes (two sources under one id would conflict)."""
    root = tmp_path_factory.mktemp("both")
    cla = _ees_source(CLA)
    cla["options"]["values"][mapped_id("looked_after_per_10k")].update(
        numerator="children_count", denominator="population_estimate")
    lait = {code: mapped_id(indicator) for code, indicator in LAIT_ONLY.items()} | {c: c for c in LAIT_ALSO_IN_EES}
    result = _ingest(root, [_ees_source(D3), cla, _ees_source(CSWW, reporting_year="september"),
                            {"path": str(LAIT), "format": "lait", "options": {"measures": lait}}])
    return root, result


@pytest.fixture(scope="module")
def lait_only(published, tmp_path_factory):
    """LAIT alone, every new measure mapped to our indicators."""
    measures = {code: mapped_id(indicator) for code, indicator in (LAIT_ONLY | LAIT_ALSO_IN_EES).items()}
    return _ingest(tmp_path_factory.mktemp("lait"), [{"path": str(LAIT), "format": "lait",
                                                      "options": {"measures": measures}}])


def _accepted(result, path: Path) -> pd.DataFrame:
    accepted = result.tables["comparators"].accepted
    return accepted[accepted["source_file"].eq(str(path))]


def _report(result, path: Path) -> pd.Series:
    return result.report[result.report["file"].eq(str(path))].iloc[0]


# --- units ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("indicator, published_id, unit", LISTED, ids=[p for _, p, _ in LISTED])
def test_each_listed_published_measure_has_the_unit_of_its_indicator(indicator, published_id, unit):
    entry = catalogue()[indicator]
    assert published_id in comparator_ids(entry)  # spelt as the catalogue lists it
    assert entry.unit == unit
    assert unit_of_measure(pd.Series([published_id])).tolist() == [unit]


def test_the_ees_columns_have_their_units():
    columns = ["CPP_start", "rate_per_10000", "children_count", "vacancy_rate_fte", "agency_rate_fte"]
    assert unit_of_measure(pd.Series(columns)).tolist() == ["count", "rate", "count", "percent", "percent"]


# --- EES ---------------------------------------------------------------------------------------


@pytest.mark.parametrize("indicator", list(EES))
def test_ees_measures_come_out_under_our_ids_with_the_published_cells(both, indicator):
    _, result = both
    path, column, where = EES[indicator]
    raw = raw_csv(path)
    if where:
        raw = raw[raw["population_type"].eq(where)]
    records = _accepted(result, path)
    mine = records[records["indicator_id"].eq(mapped_id(indicator))].set_index("source_row").sort_index()
    assert mine.index.tolist() == raw.index.tolist()  # one record per published row of the kind, no other
    assert set(mine["unit"]) == {UNITS[indicator]} and set(mine["published_id"]) == {column}
    published = raw[column].str.strip()
    symbol = published.str.lower().isin(SYMBOLS)
    assert (mine.loc[~symbol, "value"] == pd.to_numeric(published[~symbol])).all()
    assert mine.loc[symbol, "value"].isna().all() and (mine.loc[symbol, "note"] == published[symbol]).all()
    assert _report(result, path)["rows_rejected"] == 0


def test_ees_figures_checked_by_hand(both):
    _, result = both
    accepted = result.tables["comparators"].accepted.set_index(["indicator_id", "area_code", "period"])

    def value(indicator: str, code: str, period: str) -> float:
        return accepted.loc[(mapped_id(indicator), code, period), "value"]

    # Children looked after on 31 March 2025: England 81,770, 67 per 10,000; Barnsley (370) 366, 71 per 10,000.
    assert value("looked_after_at_end", "E92000001", "2024-25") == 81770
    assert value("looked_after_per_10k", "E92000001", "2024-25") == 67
    assert value("looked_after_at_end", "370", "2024-25") == 366
    assert value("looked_after_per_10k", "370", "2024-25") == 71
    counts = accepted.loc[(mapped_id("looked_after_per_10k"), "370", "2024-25"), ["numerator", "denominator"]]
    assert counts.tolist() == [366, 51799]
    # Child protection plans starting in the year to 31 March 2025: England 61,840; Barnsley 354 (509 in 2023-24).
    assert value("cp_registrations", "E92000001", "2024-25") == 61840
    assert value("cp_registrations", "370", "2024-25") == 354 and value("cp_registrations", "370", "2023-24") == 509
    # Workforce census of 30 September 2025: England vacancy rate 14.2%, agency rate 13.0% of FTE.
    assert value("vacancy_rate_pct", "E92000001", "2025-26") == 14.2
    assert value("caseload_agency_social_workers_pct", "E92000001", "2025-26") == 13.0


def test_the_cla_rate_takes_only_children_looked_after_on_31_march(both):
    _, result = both
    raw = raw_csv(CLA)
    records = _accepted(result, CLA)
    assert set(raw.loc[records["source_row"], "population_type"]) == {ON_31_MARCH}
    # Each 31 March row gives the rate and the count; the ceasing and starting rows are left out, saying why.
    report = _report(result, CLA)
    on_31_march = int(raw["population_type"].eq(ON_31_MARCH).sum())
    assert (report["rows_in_file"], report["rows_read"], report["rows_left_out"]) == (
        len(raw), 2 * on_31_march, len(raw) - on_31_march)
    assert report["rows_flagged"] == 0  # each rate is its count over the population x 10,000, to rounding
    # England, year ending 31 March 2025: 67 looked after on 31 March per 10,000, not the 28 ceasing.
    england = raw[raw["geographic_level"].eq("National") & raw["time_period"].eq("2025")]
    assert sorted(england["rate_per_10000"]) == ["26", "28", "67"]
    rate = records[records["indicator_id"].eq(mapped_id("looked_after_per_10k"))]
    assert rate.loc[rate["area_code"].eq("E92000001") & rate["period"].eq("2024-25"), "value"].tolist() == [67]
    assert rate.groupby(["area_code", "period"]).size().max() == 1


def test_the_rate_is_compared_with_englands_rate_on_31_march(both):
    root, _ = both
    config = load_config(root / "kpi.yml")
    comparators = pd.read_parquet(root / "data/processed/comparators.parquet")
    indicator = catalogue()["looked_after_per_10k"]
    result = compare(comparators, indicator, parse_period("2024-25"), area_for(config), None)
    raw = raw_csv(CLA)
    raw = raw[raw["population_type"].eq(ON_31_MARCH) & raw["time_period"].eq("2025")]
    national = raw.loc[raw["geographic_level"].eq("National"), "rate_per_10000"].item()
    region = raw.loc[raw["geographic_level"].eq("Regional") & raw["region_name"].eq("Yorkshire and The Humber"),
                     "rate_per_10000"].item()
    authorities = pd.to_numeric(raw.loc[raw["geographic_level"].eq("Local authority"), "rate_per_10000"],
                                errors="coerce").dropna()
    assert (result["comparator_value"], result["nation_value"], result["region_value"]) == (
        71, float(national), float(region))
    assert result["rank_of"] == len(authorities)


# --- LAIT --------------------------------------------------------------------------------------


@pytest.mark.parametrize("code", list(LAIT_ONLY | LAIT_ALSO_IN_EES))
def test_lait_measures_come_out_under_our_ids_with_the_published_cells(lait_only, raw_lait, code):
    indicator = (LAIT_ONLY | LAIT_ALSO_IN_EES)[code]
    accepted = lait_only.tables["comparators"].accepted
    mine = accepted[accepted["indicator_id"].eq(mapped_id(indicator))].set_index("source_row").sort_index()
    raw = raw_lait[raw_lait["Short Desc"].eq(code)]
    assert mine.index.tolist() == raw.index.tolist()
    assert set(mine["unit"]) == {UNITS[indicator]} and set(mine["published_id"]) == {code}
    numbers = pd.to_numeric(raw["Values"], errors="coerce")
    assert np.allclose(mine.loc[numbers.notna(), "value"], numbers.dropna(), rtol=1e-12, atol=0)
    assert mine.loc[numbers.isna(), "value"].isna().all() and set(raw.loc[numbers.isna(), "Values"]) == {"-"}
    assert (mine["area_code"].eq("E92000001") == raw["LA Number"].eq(970)).all()
    assert lait_only.report.iloc[0]["rows_rejected"] == 0


def test_lait_figures_checked_by_hand(lait_only, raw_lait):
    accepted = lait_only.tables["comparators"].accepted.set_index(["indicator_id", "area_code", "period"])

    def raw(code: str, number: int, year: str) -> float:
        cell = raw_lait[raw_lait["Short Desc"].eq(code) & raw_lait["LA Number"].eq(number)
                        & raw_lait["Years"].eq(year)]
        return float(cell["Values"].item())

    # Barnsley (370): 264 children on a child protection plan at 31 March 2025 (366 a year before).
    on_plans = accepted.loc[mapped_id("cp_on_register_at_end")]
    assert on_plans.loc[("370", "2024-25"), "value"] == raw("CPP_Num", 370, "2025") == 264
    assert on_plans.loc[("370", "2023-24"), "value"] == raw("CPP_Num", 370, "2024") == 366
    # Children looked after per 10,000 on 31 March ('Annual': 2025 is 2024-25), and workforce census years
    # ('Annual (end of Sept)': 2025 is the census of 30 September 2025, in 2025-26).
    for indicator, code, year, period in [("looked_after_per_10k", "LAC", "2025", "2024-25"),
                                          ("looked_after_per_10k", "LAC", "2017", "2016-17"),
                                          ("looked_after_new_entries", "LACnum_Start", "2025", "2024-25"),
                                          ("looked_after_three_placements_pct", "LACStable_2016on", "2024", "2023-24"),
                                          ("referrals_from_police_pct", "RefBySource_Police_%", "2025", "2024-25"),
                                          ("vacancy_rate_pct", "Work_Force_Vac_Rate", "2025", "2025-26"),
                                          ("caseload_agency_social_workers_pct", "Work_Force_Agecy_Rate", "2025",
                                           "2025-26")]:
        for number, area in ((370, "370"), (970, "E92000001")):
            assert accepted.loc[(mapped_id(indicator), area, period), "value"] == raw(code, number, year), (code, area)
    assert accepted.loc[(mapped_id("looked_after_per_10k"), "370", "2024-25"), "value"] == 71  # as the EES file says


def test_lait_and_ees_agree_where_both_publish(both):
    """The same census through two publications: LAIT's codes (kept under their own ids) against the
    EES columns mapped to our indicators."""
    _, result = both
    accepted = result.tables["comparators"].accepted
    for code, indicator in LAIT_ALSO_IN_EES.items():
        ees = accepted[accepted["indicator_id"].eq(mapped_id(indicator))].set_index(["area_code", "period"])["value"]
        lait = accepted[accepted["indicator_id"].eq(code)].set_index(["area_code", "period"])["value"]
        pair = pd.concat([ees.rename("ees"), lait.rename("lait")], axis=1, join="inner").dropna()
        assert len(pair) > 800, code
        assert (pair["ees"] == pair["lait"]).all(), code


def key(frame: pd.DataFrame) -> set[tuple[str, str]]:
    return set(zip(frame["area_code"], frame["period"]))


def test_with_both_loaded_a_comparison_prefers_the_catalogues_first_id(both):
    """vacancy_rate_pct lists [vacancy_rate_pct, vacancy_rate_fte, Work_Force_Vac_Rate]: the EES record
    (under our id) is used where both publish the area and year, LAIT's where only it does (the years
    before the EES file begins)."""
    _, result = both
    accepted = result.tables["comparators"].accepted
    for (code, indicator), before in zip(LAIT_ALSO_IN_EES.items(), ("2020-21", "2017-18", "2017-18")):
        rows = comparator_rows(accepted, catalogue()[indicator])
        assert not rows.duplicated(["area_code", "period"]).any()
        ees = key(accepted[accepted["indicator_id"].eq(mapped_id(indicator))])
        from_ees, from_lait = (key(rows[rows["indicator_id"].eq(i)]) for i in (mapped_id(indicator), code))
        assert from_ees == ees and not from_lait & ees, code
        assert min(p for _, p in ees) == before and min(p for _, p in from_lait) < before, code


# --- refusals ------------------------------------------------------------------------------------


def test_a_published_measure_of_another_unit_is_still_refused(published, tmp_path):
    # The count of children looked after is not a rate per 10,000.
    count_as_rate = {"path": str(CLA), "format": "ees", "options": {"values": {"looked_after_per_10k": {
        "value": "children_count", "where": {"population_type": ON_31_MARCH}}}}}
    with pytest.raises(UnusableInput, match=r"column children_count: children_count is a count, but it is mapped to "
                                            r"looked_after_per_10k, a rate; map it to an indicator measured as a "
                                            r"count"):
        _ingest(tmp_path / "a", [count_as_rate])
    # The rate is not a count of children, whichever case the column is spelt in.
    rate_as_count = {"path": str(CLA), "format": "ees", "options": {"values": {"looked_after_at_end": {
        "value": "RATE_PER_10000", "where": {"population_type": ON_31_MARCH}}}}}
    with pytest.raises(UnusableInput, match=r"rate_per_10000 is a rate, but it is mapped to "
                                            r"looked_after_at_end, a count"):
        _ingest(tmp_path / "b", [rate_as_count])
    # Plans starting are a count, not a percentage of referrals.
    d3 = {"path": str(D3), "format": "ees", "options": {"values": {"referrals_from_police_pct": "cpp_start"}}}
    with pytest.raises(UnusableInput, match=r"CPP_start is a count, but it is mapped to referrals_from_police_pct, a "
                                            r"percentage"):
        _ingest(tmp_path / "c", [d3])


def test_a_lait_rate_mapped_to_a_count_is_refused(published, raw_lait, tmp_path):
    lait = {"path": str(LAIT), "format": "lait", "options": {"measures": {"LAC": "looked_after_at_end"}}}
    rows = raw_lait.index[raw_lait["Short Desc"].eq("LAC")]
    with pytest.raises(UnusableInput) as refused:
        _ingest(tmp_path, [lait])
    # The data dictionary's axis ('Rate per 10,000') says what the figure is; the first LAC row is named.
    assert str(refused.value) == (
        f"{LAIT} row {rows[0]}, column Short Desc (y_axis_name in lait_data_dictionary.csv): LAC is a rate, but it "
        "is mapped to looked_after_at_end, a count; map it to an indicator measured as a rate or leave it out "
        f"({len(rows) - 1} more rows of the file like it)")


def test_welsh_pm27_and_pm28_are_checked_against_their_units(project):
    """No file here publishes PM27 or PM28: the figures are made up, in the canonical layout with the
    published id, to show that their units are known and checked."""
    header = "indicator_id,area_code,area_name,area_type,period,value,published_id\n"
    project.write_text("comparators.csv", header
                       + "cp_reregistrations_within_12m_pct,W92000004,Wales,nation,2017-18,4.5,PM27\n"
                       + "cp_average_days_on_register,W92000004,Wales,nation,2017-18,251,PM28\n")
    project.write_config({"comparators": {"path": "comparators.csv"}})
    result = project.ingest()
    assert result.report.iloc[0]["rows_rejected"] == 0
    units = project.accepted("comparators").set_index("published_id")["unit"]
    assert units.to_dict() == {"PM27": "percent", "PM28": "days"}
    # A number of days is not a percentage of registrations.
    project.write_text("comparators.csv", header
                       + "cp_reregistrations_within_12m_pct,W92000004,Wales,nation,2017-18,251,PM28\n")
    with pytest.raises(UnusableInput, match=r"PM28 is a number of days, but it is mapped to "
                                            r"cp_reregistrations_within_12m_pct, a percentage"):
        project.ingest()
