"""RAG, direction of travel, Wilson intervals, rank and band: always the right way round."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from kpi.catalogue import catalogue
from kpi.comparisons import Area, compare, quartile_band, rank_of
from kpi.judgements import rag, travel, wilson_interval
from kpi.periods import parse_period


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


def test_travel_respects_polarity_and_displayed_decimals():
    now, before = _series(80, 80, 20, 20, 10, 80.04), _series(70, 70, 25, 25, 12, 80.0)
    polarity = pd.Series(["higher_is_better", "lower_is_better", "lower_is_better", "higher_is_better",
                          "neutral", "higher_is_better"])
    result = travel(now, before, polarity, pd.Series([1] * 6))
    assert result.tolist() == ["improved", "worsened", "improved", "worsened", "down", "no change"]


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
    result = compare(table, indicator, parse_period("2018-19Q3"), Area("W06000099", "wales"), own_value=13.0)
    assert result["comparator_period"] == "2018-19"
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
    result = compare(table, indicator, parse_period("2018-19Q3"), Area("W06000099", "wales"), own_value=80.0)
    assert result["nation_value"] == pytest.approx(91 / 102 * 100)
    assert result["nation_method"] == "sum of authorities"


def test_no_comparator_for_the_period_leaves_comparisons_empty():
    indicator = catalogue()["assessments_within_timescale_pct"]
    table = _comparators("assessments_within_timescale_pct", [50.0, 90.0], period="2019-20")
    result = compare(table, indicator, parse_period("2018-19Q3"), Area("W06000099", "wales"), own_value=80.0)
    assert result["comparator_period"] is None and np.isnan(result["nation_value"])
