"""RAG, direction of travel, Wilson intervals, rank and band: always the right way round."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.catalogue import catalogue
from kpi.compare.areas import Area
from kpi.compare.ranking import compare, quartile_band, rank_of
from kpi.indicators.judgements import change, rag, travel, wilson_interval
from kpi.time.periods import parse_period


def _series(*values):
    return pd.Series(values, dtype="float64")


def test_rag_for_higher_is_better():
    value = _series(85, 80, 77, 74.9, np.nan)
    result = rag(value, _series(80, 80, 80, 80, 80), _series(5, 5, 5, 5, 5), pd.Series(["higher_is_better"] * 5))
    assert result.tolist()[:4] == ["green", "green", "amber", "red"]
    assert pd.isna(result[4])


def test_rag_for_lower_is_better_is_the_other_way_round():
    value = _series(15, 17, 18.5, 20)
    result = rag(value, _series(17, 17, 17, 17), _series(2, 2, 2, 2), pd.Series(["lower_is_better"] * 4))
    assert result.tolist() == ["green", "green", "amber", "red"]


def test_no_rag_without_a_target_or_polarity():
    result = rag(_series(10, 10), _series(np.nan, 5), _series(1, 1), pd.Series(["higher_is_better", "neutral"]))
    assert result.isna().all()


def test_rag_judges_the_value_as_printed():
    # 94.96% prints as 95.0%: a reader sees the 95% target met, so it is green, not amber.
    value, target, tolerance = _series(94.96, 94.94), _series(95, 95), _series(3, 3)
    polarity = pd.Series(["higher_is_better"] * 2)
    assert rag(value, target, tolerance, polarity, pd.Series([1, 1])).tolist() == ["green", "amber"]
    assert rag(value, target, tolerance, polarity).tolist() == ["amber", "amber"]  # unrounded, for other callers


def test_travel_is_up_or_down_whatever_the_polarity():
    # Direction of travel never says better or worse (that is SPC's job): a fall in re-referrals is "down".
    now, before = _series(80, 20, 10, 80.04, 5, np.nan), _series(70, 25, 12, 80.0, np.nan, 3)
    result = travel(now, before, pd.Series([1] * 6))
    assert result.tolist()[:4] == ["up", "down", "down", "no change"]
    assert result[4:].isna().all()


def test_change_is_the_difference_of_the_printed_values():
    # 87.24 and 87.46 print as 87.2 and 87.5: the change a reader works out is -0.3, not the raw -0.22.
    assert change(_series(87.24), _series(87.46), pd.Series([1]))[0] == pytest.approx(-0.3)
    assert change(_series(2790), _series(2964), pd.Series([0]))[0] == -174


def test_wilson_interval_matches_the_published_formula():
    # 137 of 159, by the closed form (2x + z^2 -/+ z * sqrt(z^2 + 4x(n - x)/n)) / (2(n + z^2)), z^2 = 3.8415:
    # sqrt(3.8415 + 75.824) = 8.9256; (277.8415 -/+ 17.494) / 325.683 = 79.94% and 90.68%.
    lower, upper = wilson_interval(_series(137), _series(159))
    assert lower[0] == pytest.approx(79.94, abs=0.01)
    assert upper[0] == pytest.approx(90.68, abs=0.01)
    # Near 100% the interval stays inside 0-100, unlike the simple normal interval.
    lower, upper = wilson_interval(_series(10), _series(10))
    assert upper[0] == pytest.approx(100) and lower[0] == pytest.approx(72.25, abs=0.01)
    assert np.isnan(wilson_interval(_series(0), _series(0))[0][0])


def test_rank_ties_share_the_better_rank():
    others = np.array([90.0, 85.0, 85.0, 70.0])
    assert rank_of(85.0, others, "higher_is_better") == 2
    assert rank_of(85.0, others, "lower_is_better") == 2
    assert rank_of(70.0, others, "lower_is_better") == 1
    assert rank_of(95.0, others, "higher_is_better") == 1
    assert rank_of(95.0, others, "neutral") is None


def test_band_a_is_always_the_best_quarter():
    assert quartile_band(96, 80, 88, 95, "higher_is_better") == "A"
    assert quartile_band(79, 80, 88, 95, "higher_is_better") == "D"
    assert quartile_band(12, 14, 16, 18, "lower_is_better") == "A"
    assert quartile_band(19, 14, 16, 18, "lower_is_better") == "D"
    assert quartile_band(16, 14, 16, 18, "lower_is_better") == "B"  # on the median: the better band


def _comparators(indicator_id, values, period="2018-19", nation=None):
    rows = [{"indicator_id": indicator_id, "area_code": f"W0600000{i}", "area_name": f"Area {i}",
             "area_type": "authority", "period": period, "value": v, "numerator": np.nan, "denominator": np.nan,
             "note": None if v == v else "*"} for i, v in enumerate(values)]
    if nation is not None:
        rows.append({"indicator_id": indicator_id, "area_code": "W92000004", "area_name": "Wales",
                     "area_type": "nation", "period": period, "value": nation, "numerator": np.nan,
                     "denominator": np.nan, "note": None})
    return pd.DataFrame(rows)


def test_comparison_for_a_lower_is_better_indicator():
    indicator = catalogue()["caseload_per_social_worker_fte"]
    table = _comparators("caseload_per_social_worker_fte", [12.0, 14.0, 16.0, 18.0, 20.0, np.nan], nation=16.5)
    # The publication lacks our figure; our data give 13.0 for 2018-19 (not for the quarter asked about).
    result = compare(table, indicator, parse_period("2018-19Q3"), Area("W06000099", "wales"),
                     own_value_for=lambda period: 13.0 if period == "2018-19" else None)
    assert result["comparator_period"] == "2018-19"
    assert (result["comparator_value"], result["comparator_value_source"]) == (13.0, "computed from our data")
    assert result["nation_value"] == 16.5 and result["nation_method"] == "published"
    assert result["rank"] == 2  # only 12.0 is better (lower) than our 13.0
    assert result["rank_of"] == 6 and result["comparator_excluded"] == 1  # the suppressed value is left out
    assert result["quartile_band"] == "A"
    # quartiles of 12, 13, 14, 16, 18, 20 (linear): 13.25, 15, 17.5
    assert (result["lower_quartile"], result["median"], result["upper_quartile"]) == (13.25, 15.0, 17.5)


def test_nation_value_is_the_sum_of_numerators_over_denominators_when_all_are_published():
    indicator = catalogue()["assessments_within_timescale_pct"]
    table = _comparators("assessments_within_timescale_pct", [50.0, 90.0], nation=99.0)
    table.loc[table["area_type"].eq("authority"), "numerator"] = [1.0, 90.0]
    table.loc[table["area_type"].eq("authority"), "denominator"] = [2.0, 100.0]
    result = compare(table, indicator, parse_period("2018-19Q3"), Area("W06000099", "wales"),
                     own_value_for=lambda period: 80.0)
    assert result["nation_value"] == pytest.approx(91 / 102 * 100)
    assert result["nation_method"] == "sum of authorities"


def test_no_comparator_for_the_period_leaves_comparisons_empty():
    indicator = catalogue()["assessments_within_timescale_pct"]
    table = _comparators("assessments_within_timescale_pct", [50.0, 90.0], period="2019-20")
    result = compare(table, indicator, parse_period("2018-19Q3"), Area("W06000099", "wales"),
                     own_value_for=lambda period: 80.0)
    assert result["comparator_period"] is None and np.isnan(result["nation_value"])
