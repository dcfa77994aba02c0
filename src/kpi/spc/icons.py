"""The two icons of NHS England's Making Data Count: variation (from the latest point) and assurance
(will the process meet its target?), for one series or many at once, and their names in words."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from kpi.spc.rules import POINT_TYPES, _direction

VARIATION_ICONS = (
    "common_cause",
    "improvement_high",
    "improvement_low",
    "concern_high",
    "concern_low",
    "neutral_high",
    "neutral_low",
)
ASSURANCE_ICONS = ("pass", "fail", "inconsistent")


_VARIATION_FROM_POINT = {
    ("special_cause_improvement", 1): "improvement_high",
    ("special_cause_improvement", -1): "improvement_low",
    ("special_cause_concern", 1): "concern_low",
    ("special_cause_concern", -1): "concern_high",
    ("special_cause_neutral_high", 0): "neutral_high",
    ("special_cause_neutral_low", 0): "neutral_low",
}


def variation_icon(last_point_type: Any, improvement: str) -> str:
    """Variation icon from the latest point's type and the improvement direction."""
    if last_point_type is None or pd.isna(last_point_type):
        return "common_cause"
    return _VARIATION_FROM_POINT.get((last_point_type, _direction(improvement)), "common_cause")


def assurance_icon(target: float | None, lpl: float, upl: float, improvement: str) -> str | None:
    """Will the process meet the target? Only for a target and a direction; strict comparisons."""
    direction = _direction(improvement)
    if target is None or pd.isna(target) or direction == 0 or pd.isna(lpl) or pd.isna(upl):
        return None
    if target > upl:
        return "fail" if direction > 0 else "pass"
    if target < lpl:
        return "pass" if direction > 0 else "fail"
    return "inconsistent"


def special_cause_since(points: pd.DataFrame) -> Any:
    """Where the latest point's special-cause spell began: the period (or row position), else None.

    A spell is the unbroken stretch of points with values, in the latest rebase group, that share the latest
    point's type.
    """
    with_values = points[points["value"].notna()]
    if with_values.empty:
        return None
    last = with_values.iloc[-1]
    if last["point_type"] == "common_cause" or pd.isna(last["point_type"]):
        return None
    same_group = with_values[with_values["rebase_group"] == last["rebase_group"]]
    different = (same_group["point_type"] != last["point_type"]).to_numpy()
    first = len(different) - int(np.argmax(different[::-1])) if different.any() else 0
    row = same_group.iloc[first]
    return row["period"] if "period" in points.columns else int(same_group.index[first])


def _variation_table() -> np.ndarray:
    """Variation icon by point-type code (row, as POINT_TYPES) and improvement direction + 1 (column)."""
    table = np.full((len(POINT_TYPES), 3), "common_cause", dtype=object)
    for (point_type, direction), icon in _VARIATION_FROM_POINT.items():
        table[POINT_TYPES.index(point_type), direction + 1] = icon
    return table


_VARIATION_TABLE = _variation_table()


def _assurance_icons(target: np.ndarray, lpl: np.ndarray, upl: np.ndarray, direction: np.ndarray) -> np.ndarray:
    """`assurance_icon` for many series at once (None where it does not apply)."""
    up_pass, up_fail = np.where(direction > 0, "pass", "fail"), np.where(direction > 0, "fail", "pass")
    with np.errstate(invalid="ignore"):
        icon = np.select([target > upl, target < lpl], [up_fail, up_pass], default="inconsistent").astype(object)
    icon[np.isnan(target) | (direction == 0) | np.isnan(lpl) | np.isnan(upl)] = None
    return icon


VARIATION_LABELS = {
    "common_cause": "No significant change",
    "improvement_high": "Special cause: improvement (higher)",
    "improvement_low": "Special cause: improvement (lower)",
    "concern_high": "Special cause: concern (higher)",
    "concern_low": "Special cause: concern (lower)",
    "neutral_high": "Special cause: higher (neither better nor worse)",
    "neutral_low": "Special cause: lower (neither better nor worse)",
}
ASSURANCE_LABELS = {
    "pass": "Will consistently meet the target",
    "fail": "Will consistently miss the target",
    "inconsistent": "Will hit and miss the target at random",
    None: "No target",
}
