"""A query's rows are placed on the grid of every authority and period by position (kpi.engine._on_grid):
each figure beside its own authority and period whatever order the query gives them in, a row outside the
grid left out, a missing row marked as missing, and two rows for one authority and period refused."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from kpi.engine import _on_grid
from kpi.engine.rules import Rule

RULE = Rule(id="contacts_to_strategy_pct", kind="share", covers=(), nothing=None, empty=None, sql="")
DATABASE = SimpleNamespace(authorities=["W06000001", "W06000015"])
PERIODS = pd.DataFrame({"period": ["2025-26Q4", "2026-27Q1", "2026-27Q2"]})


def _result(rows):
    return pd.DataFrame(rows, columns=["authority", "period", "numerator", "denominator", "reason",
                                       "missing_source"])


def test_each_row_lands_beside_its_own_authority_and_period():
    result = _result([("W06000015", "2026-27Q2", 5, 50, None, None),  # in no particular order
                      ("W06000001", "2025-26Q4", 1, 10, None, None),
                      ("W06000015", "2025-26Q4", 4, 40, "too few", "contacts"),
                      ("W06000099", "2026-27Q1", 9, 90, None, None),  # an authority not on the grid
                      ("W06000001", "2019-20Q1", 9, 90, None, None)])  # a period not asked for
    found = _on_grid(DATABASE, PERIODS, result, RULE)
    # The grid is authority by authority, each authority's periods in order.
    assert found["has_row"].tolist() == [True, False, False, True, False, True]
    np.testing.assert_array_equal(found["numerator"], [1, np.nan, np.nan, 4, np.nan, 5])
    np.testing.assert_array_equal(found["denominator"], [10, np.nan, np.nan, 40, np.nan, 50])
    assert found["reason"][3] == "too few" and found["missing_source"][3] == "contacts"
    assert pd.isna(found["reason"][0]) and pd.isna(found["missing_source"][0])


def test_two_rows_for_one_authority_and_period_are_a_bug_not_a_figure():
    result = _result([("W06000001", "2026-27Q1", 1, 10, None, None),
                      ("W06000001", "2026-27Q1", 2, 10, None, None)])
    with pytest.raises(AssertionError, match="contacts_to_strategy_pct gave two rows"):
        _on_grid(DATABASE, PERIODS, result, RULE)
