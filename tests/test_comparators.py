"""Comparator loaders on small hand-built published tables: every row accounted for, symbols kept,
numbers exact to their published decimals, disagreeing percentages flagged, England comparisons."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.data import ingest as ingest_module
from kpi.data.ingest_outputs import summary_lines
from kpi.catalogue import catalogue
from kpi.data.published import common
from kpi.data.published.checks import disagreements
from kpi.compare.areas import Area, own_code
from kpi.compare.ranking import FROM_RECORDS, PUBLISHED, compare, comparison_figures
from kpi.errors import ConfigError
from kpi.time.periods import parse_period

EES_HEADER = ("time_period,time_identifier,geographic_level,country_code,country_name,region_code,region_name,"
              "old_la_code,new_la_code,la_name,category,referral_count,rereferral_count,rereferral_percent")
EES_ROWS = [
    "2025,Reporting year,National,E92000001,England,,,,,,Referrals,632830,142900,22.6",
    "2025,Reporting year,Regional,E92000001,England,E12000003,Yorkshire and The Humber,,,,Referrals,60000,13000,21.7",
    "2025,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,370,E08000038,"
    "Barnsley,Referrals,3241,825,25.5",
    "2025,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,371,E08000017,"
    "Doncaster,Referrals,4000,c,c",
    "2025,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,372,E08000018,"
    "Rotherham,Referrals,x,x,x",
    "2025,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,373,E08000019,"
    "Sheffield,Referrals,5000,u,low",
    "2025,Reporting year,Local authority district,E92000001,England,E12000003,Yorkshire and The Humber,,E07000001,"
    "Somewhere,Referrals,10,1,10",
    "",
    "2024,Reporting year,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,370,E08000016,"
    "Barnsley,Referrals,3000,759,25.3",
    "2025,Spring term,Local authority,E92000001,England,E12000003,Yorkshire and The Humber,384,E08000036,"
    "Wakefield,Referrals,100,10,10.0",
]
MAPPING = {"rereferrals_within_12m_pct": {"value": "rereferral_percent", "numerator": "rereferral_count",
                                          "denominator": "referral_count"},
           "referrals": "referral_count"}


def _ees(project, rows=EES_ROWS, header=EES_HEADER, options=None, encoding="utf-8-sig"):
    project.write_text("c1.csv", "\n".join([header, *rows]) + "\n", encoding=encoding)
    project.write_config({"comparators": {"path": "c1.csv", "format": "ees",
                                          "options": options or {"values": MAPPING}}})
    return project.ingest()


def test_ees_accounts_for_every_published_row(project):
    result = _ees(project)
    report = result.report.iloc[0]
    # 10 data rows: 1 blank, 1 at a level we do not load, 8 giving 2 records each.
    assert report["rows_in_file"] == 10
    assert report["rows_left_out"] == 1
    assert "geographic level 'Local authority district' not kept" in report["left_out_reasons"]
    assert report["rows_read"] == 8 * 2 + 1
    assert report["rows_accepted"] + report["rows_rejected"] == report["rows_read"]
    accepted, rejected = project.accepted("comparators"), project.rejected("comparators")
    # Every record points at its published row (Excel numbering: header on row 1).
    barnsley = accepted[accepted["area_name"].eq("Barnsley") & accepted["period"].eq("2024-25")]
    assert set(barnsley["source_row"]) == {4}
    assert set(rejected["source_row"].astype(int)) == {9, 11}  # the blank line and 'Spring term'
    assert "blank row" in rejected.loc[rejected["source_row"].eq("9"), "reason"].iloc[0]
    assert "'2025 (Spring term)' is not a financial period" in rejected.loc[
        rejected["source_row"].eq("11"), "reason"].iloc[0]


def test_ees_keeps_every_symbol_as_missing_with_the_symbol_in_note(project):
    _ees(project)
    accepted = project.accepted("comparators").set_index(["indicator_id", "area_name", "period"])
    rate = "rereferrals_within_12m_pct"
    assert np.isnan(accepted.loc[(rate, "Doncaster", "2024-25"), "value"])
    assert accepted.loc[(rate, "Doncaster", "2024-25"), "note"] == "c"
    assert accepted.loc[(rate, "Rotherham", "2024-25"), "note"] == "x"
    assert np.isnan(accepted.loc[("referrals", "Rotherham", "2024-25"), "value"])
    assert accepted.loc[(rate, "Sheffield", "2024-25"), "note"] == "low"
    assert accepted.loc[(rate, "Sheffield", "2024-25"), "denominator"] == 5000
    # Never zero: no symbol became a number.
    assert not accepted["value"].eq(0).any()


def test_ees_areas_periods_and_boundary_codes(project):
    _ees(project)
    accepted = project.accepted("comparators")
    rate = accepted[accepted["indicator_id"].eq("rereferrals_within_12m_pct")].set_index(["area_code", "period"])
    assert rate.loc[("E92000001", "2024-25"), "area_type"] == "nation"
    assert rate.loc[("E12000003", "2024-25"), "area_type"] == "region"
    # Barnsley keeps its DfE number (370) across its ONS re-coding (E08000016 -> E08000038).
    assert rate.loc[("370", "2024-25"), "value"] == 25.5
    assert rate.loc[("370", "2023-24"), "value"] == 25.3
    assert (rate.loc[("E92000001", "2024-25"), ["numerator", "denominator"]] == [142900, 632830]).all()


def test_ees_new_la_code_and_september_years(project):
    _ees(project, options={"values": MAPPING, "area_code": "new_la_code", "reporting_year": "september"})
    accepted = project.accepted("comparators")
    barnsley = accepted[accepted["area_name"].eq("Barnsley")]
    assert set(barnsley["area_code"]) == {"E08000038", "E08000016"}
    assert set(barnsley["period"]) == {"2025-26", "2024-25"}  # a census on 30 September 2025 is in 2025-26


def test_ees_where_leaves_other_rows_out_with_a_reason(project):
    rows = [*EES_ROWS[:3], EES_ROWS[2].replace(",Referrals,", ",Assessments,")]
    result = _ees(project, rows=rows, options={"values": MAPPING, "where": {"category": "Referrals"}})
    report = result.report.iloc[0]
    assert (report["rows_in_file"], report["rows_left_out"], report["rows_read"]) == (4, 1, 6)
    assert "category is 'Assessments', not Referrals (options.where)" in report["left_out_reasons"]


def test_ees_duplicate_header_names(project):
    header = EES_HEADER + ",referral_count"
    same = [r + "," + r.split(",")[11] if r else r for r in EES_ROWS[:3]]
    _ees(project, rows=same, header=header)
    assert len(project.accepted("comparators")) == 6
    different = [r + ",1" for r in EES_ROWS[:3]]
    with pytest.raises(Exception, match=r"column 'referral_count' \(options.values.*\) appears 2 times \(columns L and O\)"):
        _ees(project, rows=different, header=header)


def test_ees_options_are_checked(project):
    with pytest.raises(ConfigError, match="options.values"):
        _ees(project, options={"levels": ["national"]})
    with pytest.raises(ConfigError, match="unknown key 'value'"):
        _ees(project, options={"value": MAPPING})
    with pytest.raises(Exception, match="column 'rereferral_pct'"):
        _ees(project, options={"values": {"x": "rereferral_pct"}})


def test_a_percentage_that_disagrees_with_its_counts_is_flagged_but_loaded(project):
    wrong = EES_ROWS[2].replace(",3241,825,25.5", ",3241,825,52.5")
    result = _ees(project, rows=[EES_ROWS[0], wrong, EES_ROWS[8]])
    report = result.report.iloc[0]
    assert report["rows_flagged"] == 1 and report["rows_rejected"] == 0
    assert report["flag_reasons"] == "value disagrees with numerator/denominator (1): rows 3"
    accepted = project.accepted("comparators")
    flagged = accepted[accepted["note"].fillna("").str.startswith("value disagrees")]
    assert flagged[["area_code", "period", "value"]].values.tolist() == [["370", "2024-25", 52.5]]
    assert "825 / 3,241 x 100 = 25.46" in flagged["note"].iloc[0]


def test_rounding_is_not_a_disagreement():
    frame = pd.DataFrame({"indicator_id": ["r", "r", "r", "r", "c", "c"],
                          "value": [22.6, 50.0, 22.5, 14.6, 15.2, 10.3],
                          "numerator": [142900, 1, 142900, 10, 321661, 15],
                          "denominator": [632830, 10, 632830, 100, 21105.4, 1.5]})
    # 142900 / 632830 is 22.58%, published 22.6: fine; 22.5 is more than rounding away, and 1 / 10 is not 50%.
    # Counts rounded to the nearest 10: 10 / 100 may be 14 / 96, so 14.6% is possible. A caseload of
    # 15 / 1.5 FTE may be 15 / 1.45 = 10.34, so 10.3 is fine.
    assert disagreements(frame, count_rounding=10).notna().tolist() == [False, True, True, False, False, False]
    # Unrounded counts: 10 / 100 is 10%, not 14.6%.
    assert disagreements(frame, count_rounding=1).notna().tolist() == [False, True, True, True, False, False]


@pytest.mark.parametrize("text, expected", [
    ("83.400000000000006", 83.4), ("8.34E+1", 83.4), ("83.100000000000009", 83.1), ("4.7980000000000002E-2", 0.04798),
    ("9.3699999999999992", 9.37), ("-0.30000000000000004", -0.3), ("632830", 632830.0), ("0", 0.0),
])
def test_numbers_parse_exactly_to_their_published_decimals(text, expected):
    parsed = pd.to_numeric(pd.Series([text]))
    assert common.exact_decimals(parsed).iloc[0] == expected  # exactly, not approximately


def test_exact_decimals_undo_any_float_artefact():
    rng = np.random.default_rng(6)
    scale = 10.0 ** rng.integers(0, 6, 20_000)
    published = np.round(rng.uniform(-1000, 1000, 20_000) * scale) / scale  # the nearest doubles to decimals
    nudged = published * (1 + rng.choice([-1, 1], 20_000) * 2.2e-16)  # one ulp off, as a 17-digit print gives
    assert (common.exact_decimals(pd.Series(nudged)).to_numpy() == published).all()
    assert common.exact_decimals(pd.Series([np.nan])).isna().all()


@pytest.mark.parametrize("text, kind, expected", [
    ("2025", "march", "2024-25"), ("2025", "september", "2025-26"), ("2016", "academic", "2015-16"),
    ("2016", "calendar", "2016-17"), ("201819", "march", "2018-19"), ("2016-17 (OT)", "march", "2016-17"),
    ("2015/16", "academic", "2015-16"), ("2018 (Rev)", "academic", "2017-18"), ("2018-19Q2", "march", "2018-19Q2"),
    ("2014-16", "calendar", None), ("2013/14-15/16", "march", None), ("0", "academic", None), ("1999-2001", "march", None),
])
def test_published_years_become_financial_periods(text, kind, expected):
    assert common.period_code(text, kind) == expected


LAIT = ("Short Desc,Data item,Years,LA and Regions,Values,LA Number,Region\n"
        "Continue_Assess_Comp,% completed,2016,England,83.400000000000006,970,NA\n"
        "Continue_Assess_Comp,,2017,North East,83.100000000000009,980,NA\n"
        "Continue_Assess_Comp,,2017,Barnsley,8.34E+1,370,Yorkshire and The Humber\n"
        "Continue_Assess_Comp,,2017,Rotherham,-,372,Yorkshire and The Humber\n"
        "Work_Force_AvgNumCase_SW,,2025,England,15.199999999999999,970,NA\n"
        "RTA,,2014-16,Barnsley,24.94,370,Yorkshire and The Humber\n"
        "KS2,,2016,Barnsley,55,370,Yorkshire and The Humber\n")
DICTIONARY = ("Measure_code,Measure_short,Measure,Chart_title,Polarity,y_axis_name,dps,Year_Type\n"
              "304,Continue_Assess_Comp,Assessments,Assessments within 45 days,High,% completed to time,NA,"
              "Financial Year\n"
              "287,Work_Force_AvgNumCase_SW,Caseload,Caseload per SW,Low,Case Load,NA,Annual (end of Sept)\n"
              "7,RTA,Road accidents,RTA,Low,Rate,2,Calendar Year\n")


def test_lait_long_table_with_its_dictionary(project):
    project.write_text("lait/bds.csv", LAIT)
    project.write_text("lait/lait_data_dictionary.csv", DICTIONARY, encoding="utf-8-sig")
    project.write_config({"comparators": {"path": "lait/bds.csv", "format": "lait", "options": {
        "measures": {"Continue_Assess_Comp": "assessments_within_timescale_pct",
                     "Work_Force_AvgNumCase_SW": "caseload_per_social_worker_fte", "RTA": "RTA"}}}})
    result = project.ingest()
    report = result.report.iloc[0]
    assert (report["rows_in_file"], report["rows_left_out"], report["rows_read"]) == (7, 1, 6)
    assert "measure 'KS2' not selected" in report["left_out_reasons"]
    accepted = project.accepted("comparators").set_index(["indicator_id", "area_code", "period"])
    timely = "assessments_within_timescale_pct"
    assert accepted.loc[(timely, "E92000001", "2015-16"), "value"] == 83.4
    assert accepted.loc[(timely, "E12000001", "2016-17"), ["value", "area_type", "area_name"]].tolist() == [
        83.1, "region", "North East"]
    assert accepted.loc[(timely, "370", "2016-17"), "value"] == 83.4
    assert accepted.loc[(timely, "372", "2016-17"), "note"] == "-"
    assert np.isnan(accepted.loc[(timely, "372", "2016-17"), "value"])
    # The workforce census of September 2025 is in 2025-26.
    assert accepted.loc[("caseload_per_social_worker_fte", "E92000001", "2025-26"), "value"] == 15.2
    rejected = project.rejected("comparators")
    assert rejected["reason"].tolist() == ["'2014-16' is not a financial period (expected e.g. 2018-19 or 2018-19Q2)"]
    # Each record keeps its LAIT code; the dictionary's axis ('% completed to time') says it is a percentage.
    assert accepted.loc[(timely, "370", "2016-17"), ["published_id", "unit"]].tolist() == [
        "Continue_Assess_Comp", "percent"]
    assert accepted.loc[("caseload_per_social_worker_fte", "E92000001", "2025-26"), "unit"] == "ratio"


STATSWALES_LONG = (
    "Area_Code,Area_AltCode1,Area_ItemName_ENG,Year_Code,Indicator_Code,Measure_ItemName_ENG,Data,NoteCodes\n"
    "512,W06000001,Isle of Anglesey,201819,PM24,Numerator,150,\n"
    "512,W06000001,Isle of Anglesey,201819,PM24,Denominator,200,\n"
    "512,W06000001,Isle of Anglesey,201819,PM24,Percentage,75.0,\n"
    "514,W06000002,Gwynedd,201819,PM24,Numerator,,c\n"
    "514,W06000002,Gwynedd,201819,PM24,Denominator,300,\n"
    "514,W06000002,Gwynedd,201819,PM24,Percentage,*,\n"
    "596,W92000004,Wales,201819,PM24,Numerator,36696,\n"
    "596,W92000004,Wales,201819,PM24,Denominator,41267,\n"
    "596,W92000004,Wales,201819,PM24,Percentage,88.9,\n"
    "596,W92000004,Wales,201819,PM24,Lower quartile,79.7,\n"
    "596,W92000004,Wales,201819,PM24,Upper quartile,94.9,\n"
    "516,W06000003,Conwy,201819,PM25,Percentage,60.0,\n"
    "516,W06000003,Conwy,201819,PM24,Percentage,95.0,p\n")


def test_statswales_long_merges_numerator_and_denominator_rows(project):
    project.write_text("pm.csv", STATSWALES_LONG)
    project.write_config({"comparators": {"path": "pm.csv", "format": "statswales", "options": {
        "indicators": {"PM24": "assessments_within_timescale_pct"}}}})
    report = project.ingest().report.iloc[0]
    # 13 rows: 4 records of areas and 2 of published quartiles, 6 numerator/denominator rows merged into
    # the area records, 1 left out (PM25, not asked for).
    assert (report["rows_in_file"], report["rows_read"], report["rows_left_out"]) == (13, 6, 1)
    assert "indicator 'PM25' not selected" in report["left_out_reasons"]
    accepted = project.accepted("comparators").set_index("area_code")
    assert accepted.loc["W06000001", ["value", "numerator", "denominator"]].tolist() == [75.0, 150, 200]
    assert accepted.loc["W06000001", "source_row"] == 4  # the percentage row
    # The Wales rows' 'Lower quartile' and 'Upper quartile' measures are the published quartiles.
    quartiles = accepted[accepted["area_type"].eq("quartile")]
    assert quartiles[["area_name", "value", "source_row"]].values.tolist() == [
        ["Lower quartile", 79.7, 11], ["Upper quartile", 94.9, 12]]
    assert list(quartiles.index) == ["lower_quartile", "upper_quartile"]
    # The file's own code is kept, and the Measure label says the figures are percentages.
    assert set(accepted["published_id"]) == {"PM24"}
    assert accepted.loc[["W06000001", "W06000003", "W92000004"], "unit"].tolist() == ["percent"] * 3
    assert np.isnan(accepted.loc["W06000002", "value"]) and accepted.loc["W06000002", "note"] == "*"
    assert np.isnan(accepted.loc["W06000002", "numerator"])  # published as c
    assert accepted.loc["W92000004", "area_type"] == "nation"
    assert accepted.loc["W06000003", "note"] == "p"  # provisional, as published


def test_statswales_wide_performance_measure_table(project):
    project.write_text("wide.csv", "Local authority,Numerator,Denominator,Percentage\n"
                                   "Isle of Anglesey,150,200,75.0\nGwynedd,*,300,*\nConwy,95,100,80.0\n"
                                   "Wales,36696,41267,88.9\nLower quartile,,,79.7\nUpper quartile,,,94.9\n")
    project.write_config({"comparators": {"path": "wide.csv", "format": "statswales", "options": {
        "indicator": "assessments_within_timescale_pct", "period": "2018-19"}}})
    report = project.ingest().report.iloc[0]
    assert (report["rows_in_file"], report["rows_read"], report["rows_left_out"], report["rows_flagged"]) == (
        6, 6, 0, 1)
    accepted = project.accepted("comparators").set_index("area_code")
    # Codes from the names; the quartile rows are records of the published quartiles.
    assert list(accepted.index) == ["W06000001", "W06000002", "W06000003", "W92000004", "lower_quartile",
                                    "upper_quartile"]
    assert accepted.loc[["lower_quartile", "upper_quartile"], "value"].tolist() == [79.7, 94.9]
    assert set(accepted.loc[["lower_quartile", "upper_quartile"], "area_type"]) == {"quartile"}
    assert accepted.loc["W06000003", "note"].startswith("value disagrees")  # 95 / 100 is not 80.0


def test_a_reader_that_loses_a_row_is_a_bug(project, monkeypatch):
    reader = ingest_module.FORMAT_READERS["ees"]

    def losing(table, source, path):
        extract, match, original = reader(table, source, path)
        extract.rows_in_file += 1
        return extract, match, original

    monkeypatch.setitem(ingest_module.FORMAT_READERS, "ees", losing)
    with pytest.raises(AssertionError, match="11 rows in the file"):
        _ees(project)


# --- comparisons for England ------------------------------------------------------------------------


def _rows(indicator, values, period="2024-25"):
    rows = [{"indicator_id": indicator, "area_code": code, "area_name": name, "area_type": kind, "period": period,
             "value": value, "numerator": np.nan, "denominator": np.nan, "note": None}
            for code, name, kind, value in values]
    return pd.DataFrame(rows)


def test_england_comparison_with_joint_returns_neighbours_and_region():
    indicator = catalogue()["caseload_per_social_worker_fte"]
    table = _rows("caseload_per_social_worker_fte", [
        ("E92000001", "England", "nation", 15.2), ("E12000003", "Yorkshire and The Humber", "region", 15.9),
        ("370", "Barnsley", "authority", 15.0), ("371", "Doncaster", "authority", 17.0),
        ("940 / 941", "North / West Northamptonshire", "authority", 14.0), ("372", "Rotherham", "authority", np.nan),
        ("W06000001", "Isle of Anglesey", "authority", 1.0),
    ])
    area = Area("E08000016", "england", region="yorkshire and the humber", neighbours=("371", "941", "372", "999"),
                aliases=("370",))
    result = compare(table, indicator, parse_period("2024-25"), area, None)
    assert result["nation_value"] == 15.2 and result["nation_method"] == "published"
    assert result["region_value"] == 15.9
    assert (result["rank"], result["rank_of"], result["comparator_excluded"]) == (2, 3, 1)  # Welsh row left out
    assert result["neighbours_median"] == 15.5 and result["neighbours_count"] == 2  # 17.0 and the joint 14.0
    # A joint return is the figure of each authority it names.
    joint = compare(table, indicator, parse_period("2024-25"), Area("940", "england"), None)
    assert joint["rank"] == 1


def _england(provenance=None) -> pd.DataFrame:
    """The England comparison's figures; `provenance` as a comparators table kpi computed would mark them."""
    table = _rows("caseload_per_social_worker_fte", [
        ("E92000001", "England", "nation", 15.2), ("E12000003", "Yorkshire and The Humber", "region", 15.9),
        ("370", "Barnsley", "authority", 15.0), ("371", "Doncaster", "authority", 17.0),
        ("372", "Rotherham", "authority", np.nan)])
    return table if provenance is None else table.assign(provenance=provenance)


@pytest.mark.parametrize("provenance, source", [(None, PUBLISHED), (pd.NA, PUBLISHED), (FROM_RECORDS, FROM_RECORDS)])
def test_figures_kpi_computed_from_the_records_are_never_called_published(provenance, source):
    """Batch packs: every figure of a comparators table kpi computed from every authority's records carries that
    provenance into the comparison (our figure, the nation's, each figure ranked); a publication's stay published."""
    indicator, period = catalogue()["caseload_per_social_worker_fte"], parse_period("2024-25")
    area = Area("E08000016", "england", region="yorkshire and the humber", aliases=("370",))
    table = _england(provenance)
    result = compare(table, indicator, period, area, None)
    assert (result["comparators_source"], result["comparator_value_source"], result["nation_method"]) == (
        source, source, source)
    assert (result["rank"], result["rank_of"], result["nation_value"]) == (1, 2, 15.2)  # the figures are the same
    figures = comparison_figures(table, indicator, period, area, None)
    known = figures[figures["value"].notna()]
    assert set(known["value_source"]) == {source} and len(known) == 4  # two authorities, England, the region
    assert compare(_england(), indicator, period, area, None)["comparators_source"] == PUBLISHED


def test_own_code_finds_aliases_and_joint_codes():
    codes = pd.Series(["370", "314 / 318", "E92000001"])
    assert own_code(codes, Area("E08000016", "england", aliases=("370",))) == "370"
    assert own_code(codes, Area("318", "england")) == "314 / 318"
    assert own_code(codes, Area("999", "england")) is None


def test_the_catalogue_id_wins_when_two_sources_publish_the_same_figure():
    indicator = catalogue()["assessments_within_timescale_pct"]
    table = pd.concat([_rows("Continue_Assess_Comp", [("370", "Barnsley", "authority", 80.0),
                                                      ("371", "Doncaster", "authority", 70.0)]),
                       _rows("assessments_within_timescale_pct", [("370", "Barnsley", "authority", 81.0)])])
    result = compare(table, indicator, parse_period("2024-25"), Area("370", "england"), None)
    assert result["rank_of"] == 2 and result["median"] == pytest.approx(75.5)


def test_the_console_summary_says_what_a_reshaped_file_became(project):
    wrong = EES_ROWS[2].replace(",3241,825,25.5", ",3241,825,52.5")
    result = _ees(project, rows=[*EES_ROWS[:2], wrong, *EES_ROWS[3:]])
    lines = summary_lines(result)
    assert any(line.endswith("c1.csv: 10 rows in the file gave 17 records; 1 left out: geographic level "
                             "'Local authority district' not kept (options.levels) (1)") for line in lines)
    assert any(line.endswith("c1.csv: 1 record loaded with a warning in `note`: value disagrees with "
                             "numerator/denominator (1): rows 4") for line in lines)


SYMBOLS = ["c", "x", "z", "u", "k", "low", "*", "-", ":", "C", "[x]"]


def test_every_published_symbol_is_a_missing_value_never_zero(project):
    template = EES_ROWS[2].replace(",3241,825,25.5", ",3241,{s},{s}")
    rows = [template.replace(",370,", f",{400 + i},").format(s=symbol) for i, symbol in enumerate(SYMBOLS)]
    rows.append(EES_ROWS[3].replace(",4000,c,c", ",4000,8.25E+2,2.0625E+1"))
    result = _ees(project, rows=rows)
    assert result.report.iloc[0]["rows_rejected"] == 0
    rates = project.accepted("comparators").query("indicator_id == 'rereferrals_within_12m_pct'").set_index("area_code")
    suppressed = rates.loc[[str(400 + i) for i in range(len(SYMBOLS))]]
    assert suppressed["value"].isna().all() and suppressed["numerator"].isna().all()
    assert suppressed["denominator"].eq(3241).all()
    assert suppressed["note"].tolist() == [s.strip("[]") for s in SYMBOLS]
    assert rates.loc["371", ["value", "numerator"]].tolist() == [20.625, 825.0]


# --- units: a count is never ranked against a percentage --------------------------------------------

CH012_LONG = (
    "Area_AltCode1,Area_ItemName_ENG,Year_Code,Indicator_Code,Measure_ItemName_ENG,Data\n"
    "W06000001,Isle of Anglesey,202021,CH/012,Value,254\n"
    "W06000002,Gwynedd,202021,CH/012,Value,424\n"
    "W06000003,Conwy,202021,CH/012,Value,583\n")


def _ingest_exit(project, capsys) -> tuple[int, str]:
    from kpi.cli import main

    code = main(["ingest", "--config", str(project.config_path), "--quiet"])
    return code, capsys.readouterr().err


def test_a_count_mapped_to_a_percentage_is_refused_at_ingest(project, capsys):
    project.write_text("data/raw/wales/pm.csv", CH012_LONG)
    project.write_config({"comparators": {"path": "data/raw/wales/pm.csv", "format": "statswales", "options": {
        "indicators": {"CH/012": "assessments_within_timescale_pct"}}}})
    code, err = _ingest_exit(project, capsys)
    assert code == 2
    # Row 2 is the first data row as Excel numbers it; CH/012 is a count in published_measures.yml.
    assert err.strip() == (
        "kpi ingest: data/raw/wales/pm.csv row 2, column Indicator_Code: CH/012 is a count, but it is mapped to "
        "assessments_within_timescale_pct, a percentage; map it to an indicator measured as a count or leave it "
        "out (2 more rows of the file like it)")
    assert not (project.root / "data/processed/comparators.parquet").exists()


def test_the_measure_label_says_a_figure_is_a_count(project, capsys):
    text = CH012_LONG.replace("CH/012", "XYZ").replace(",Value,", ",Number,")
    project.write_text("pm.csv", text.replace("W06000001,Isle of Anglesey,202021,XYZ,Number,254",
                                              "W06000001,Isle of Anglesey,202021,XYZ,Percentage,54.0"))
    project.write_config({"comparators": {"path": "pm.csv", "format": "statswales", "options": {
        "indicators": {"XYZ": "assessments_within_timescale_pct"},
        "measures": {"value": ["Percentage", "Number"]}}}})
    code, err = _ingest_exit(project, capsys)
    assert code == 2
    assert err.startswith("kpi ingest: pm.csv row 3, column Measure_ItemName_ENG: XYZ is a count, but it is mapped "
                          "to assessments_within_timescale_pct, a percentage;")
    assert err.rstrip().endswith("(1 more row of the file like it)")


def test_a_unit_column_in_the_canonical_layout_is_checked(project, capsys):
    header = "indicator_id,area_code,area_name,area_type,period,value,unit\n"
    project.write_text("comparators.csv", header
                       + "caseload_per_social_worker_fte,W06000001,Isle of Anglesey,authority,2024-25,17.0,ratio\n"
                       + "Continue_Assess_Comp,370,Barnsley,authority,2024-25,412,count\n")
    project.write_config({"comparators": {"path": "comparators.csv"}})
    code, err = _ingest_exit(project, capsys)
    assert code == 2
    assert err.strip() == (
        "kpi ingest: comparators.csv row 3, column unit: Continue_Assess_Comp is a count, but the catalogue "
        "(indicators.yml) lists it as a comparator of assessments_within_timescale_pct, a percentage; map it to "
        "an indicator measured as a count or leave it out")


def test_matching_units_load_and_are_kept(project):
    header = "indicator_id,area_code,area_name,area_type,period,value,unit\n"
    project.write_text("comparators.csv", header
                       + "Continue_Assess_Comp,370,Barnsley,authority,2024-25,84.2,percent\n"
                       + "Continue_Assess_Comp,371,Doncaster,authority,2024-25,80.0,\n"
                       + "CH/012,W06000001,Isle of Anglesey,authority,2020-21,254,\n")
    project.write_config({"comparators": {"path": "comparators.csv"}})
    result = project.ingest()
    assert result.report.iloc[0]["rows_rejected"] == 0
    units = project.accepted("comparators").set_index("area_code")["unit"]
    # As the file says, else as published_measures.yml says; CH/012 is a count, and no longer a
    # comparator of any percentage, so it loads as a measure of its own.
    assert units.tolist() == ["percent", "percent", "count"]


def test_no_comparator_in_the_catalogue_has_another_unit_than_its_indicator():
    from kpi.data.published.units import unit_of_measure

    for indicator in catalogue().values():
        ids = pd.Series([i for i in (indicator.comparator, *indicator.comparator_ids) if i], dtype="string")
        units = unit_of_measure(ids)
        wrong = ids[units.notna() & units.ne(indicator.unit)].tolist()
        assert not wrong, f"{indicator.id} ({indicator.unit}) lists comparators of another unit: {wrong}"
    assert "CH/012" not in catalogue()["assessments_within_timescale_pct"].comparator_ids


def test_published_columns_of_another_unit_are_refused_for_ees_and_lait(project, capsys):
    project.write_text("c1.csv", "\n".join([EES_HEADER, *EES_ROWS[:3]]) + "\n")
    project.write_config({"comparators": {"path": "c1.csv", "format": "ees", "options": {
        "values": {"caseload_per_social_worker_fte": "referral_count"}}}})
    code, err = _ingest_exit(project, capsys)
    assert code == 2
    assert err.strip() == (
        "kpi ingest: c1.csv row 2, column referral_count: referral_count is a count, but it is mapped to "
        "caseload_per_social_worker_fte, a ratio; map it to an indicator measured as a count or leave it out "
        "(2 more rows of the file like it)")
    project.write_text("lait/bds.csv", LAIT)
    project.write_config({"comparators": {"path": "lait/bds.csv", "format": "lait", "options": {
        "measures": {"Work_Force_AvgNumCase_SW": "assessments_within_timescale_pct"}}}})
    code, err = _ingest_exit(project, capsys)
    assert code == 2
    assert err.startswith("kpi ingest: lait/bds.csv row 6, column Short Desc: Work_Force_AvgNumCase_SW is a ratio, "
                          "but it is mapped to assessments_within_timescale_pct, a percentage;")
