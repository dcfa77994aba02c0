"""Every hand-checked case is asked of the SQL engine too (kpi.engine): after each test, each period's data
the test made is given to the engine and to the pandas measure, and the two must agree - the figure, or the
reason there is none."""

from __future__ import annotations

import math

import pytest

import by_hand
from kpi import engine
from kpi.catalogue import catalogue
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import code


def _by_measure(indicator_id: str, made) -> dict:
    try:
        tally = MEASURES[indicator_id](made)
    except Unavailable as why:
        return {"status": "unavailable", "reason": str(why),
                "missing_source": " or ".join(why.tables) if isinstance(why, NoSource) else None}
    return {"status": "ok", "numerator": tally.numerator, "denominator": tally.denominator, "value": tally.value}


def _by_engine(indicator_id: str, data, period, settings) -> dict:
    indicators = {indicator_id: catalogue()[indicator_id]}
    row = engine.compute_values(data, indicators, [period], settings).iloc[0]
    if row["status"] != "ok":
        return {"status": "unavailable", "reason": row["reason"], "missing_source": row["missing_source"]}
    denominator = None if math.isnan(row["denominator"]) else row["denominator"]
    return {"status": "ok", "numerator": row["numerator"], "denominator": denominator, "value": row["value"]}


def _same(by_measure: dict, by_engine: dict) -> bool:
    if by_measure.keys() != by_engine.keys():
        return False
    for key, expected in by_measure.items():
        found = by_engine[key]
        if isinstance(expected, float) and found is not None:
            if not math.isclose(expected, found, rel_tol=1e-12, abs_tol=1e-12):
                return False
        elif expected != found:
            return False
    return True


@pytest.fixture(autouse=True)
def the_engine_agrees(request):
    by_hand.MADE.clear()
    yield
    indicator_id = request.module.__name__.removeprefix("test_")
    if indicator_id not in MEASURES or not engine.has_rule(indicator_id):
        return
    for data, period, made in by_hand.MADE:
        expected = _by_measure(indicator_id, made)
        found = _by_engine(indicator_id, data, period, made.settings)
        assert _same(expected, found), f"{indicator_id} in {code(period)}: the measure gives {expected}, " \
                                       f"the engine {found}"
