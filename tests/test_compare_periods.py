"""Comparing many periods of one indicator at once (kpi.compare.ranking.compare_periods) gives, for every
period, exactly what comparing it alone gives: the same published period chosen (the quarter itself where
it is published, else its financial year, else the latest earlier year), the same figures, rank and band."""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.catalogue import catalogue
from kpi.compare.areas import Area
from kpi.compare.ranking import compare, compare_periods
from kpi.time.periods import parse_period


def _rows(indicator_id: str, period: str, values: dict[str, float]) -> pd.DataFrame:
    return pd.DataFrame([{"indicator_id": indicator_id, "area_code": code, "area_name": code, "area_type": "authority",
                          "period": period, "value": value, "numerator": np.nan, "denominator": np.nan, "note": None}
                         for code, value in values.items()])


def _same(one: dict, other: dict) -> bool:
    return one.keys() == other.keys() and all(
        (pd.isna(a) and pd.isna(b)) if not isinstance(a, str) and pd.isna(a) else a == b
        for a, b in zip(one.values(), (other[k] for k in one)))


def test_every_period_compared_at_once_is_compared_as_it_would_be_alone():
    indicator = catalogue()["caseload_per_social_worker_fte"]
    table = pd.concat([
        _rows("caseload_per_social_worker_fte", "2023-24", {"370": 15.0, "371": 17.0, "372": 16.0}),
        _rows("caseload_per_social_worker_fte", "2024-25", {"371": 18.0, "372": 14.0, "373": 12.0}),
        _rows("caseload_per_social_worker_fte", "2024-25Q2", {"370": 11.0, "371": 19.0}),  # a published quarter
    ], ignore_index=True)
    asked = []

    def own_value_for(period_code: str) -> float:
        asked.append(period_code)
        return {"2023-24": 15.5, "2024-25": 16.5, "2024-25Q2": 13.0}.get(period_code, np.nan)

    area = Area("370", "england")
    periods = [parse_period(p) for p in ("2022-23Q4", "2023-24Q1", "2023-24Q3", "2024-25Q1", "2024-25Q2",
                                         "2024-25Q4", "2025-26Q1", "2023-24Q2")]
    together = compare_periods(table, indicator, periods, area, own_value_for)
    asked_together = list(asked)
    alone = [compare(table, indicator, period, area, own_value_for) for period in periods]
    assert len(together) == len(periods)
    for period, one, other in zip(periods, together, alone):
        assert _same(one, other), period
    chosen = [result["comparator_period"] for result in together]
    assert chosen == [None, "2023-24", "2023-24", "2024-25", "2024-25Q2", "2024-25", "2024-25", "2023-24"]
    assert together[4]["comparator_value"] == 11.0 and together[3]["comparator_value"] == 16.5  # ours, computed
    # Each published period's comparison is worked out once (our figure computed once for 2024-25, not thrice).
    assert sorted(asked_together) == ["2024-25"]
    # The results are each the period's own: changing one does not change another.
    together[1]["rank"] = -1
    assert together[2]["rank"] != -1
