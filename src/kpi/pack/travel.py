"""The pack's "Change" column: how far a figure moved, and whether that movement is real.

The arrow says only up or down, and the amount is the difference of the two printed figures. Better
or worse is never judged from one step: it comes from SPC, and only where SPC finds special cause;
otherwise the change is "within normal variation". So this column can never contradict the SPC
column beside it (issue: "87.47% -> 87.25%, Worsened" on a row whose SPC said "Improving").
"""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

from kpi.words.text import Text
from kpi.words.formatting import format_count

ARROWS = {"up": "▲", "down": "▼"}
UNIT_OF_CHANGE = {"percent": "{amount} pts", "days": "{amount} days", "count": "{amount}", "ratio": "{amount}", "rate": "{amount}"}
# What SPC says about the latest point, as the end of the change's sentence.
SIGNAL = {
    "common_cause": "within normal variation",
    "improvement_high": "improving (special cause)",
    "improvement_low": "improving (special cause)",
    "concern_high": "concern (special cause)",
    "concern_low": "concern (special cause)",
    "neutral_high": "higher (special cause)",
    "neutral_low": "lower (special cause)",
}
TOO_FEW = "too few points to judge"


@dataclass(frozen=True)
class Travel:
    """The change column of one indicator: a line per comparison, then SPC's verdict."""

    steps: list[tuple[str, str]]  # (what it is compared with, "▼ 0.2 pts" / "no change" / "–")
    signal: str

    @property
    def lines(self) -> list[str]:
        """Two short lines for a table cell: the steps (in the order the column heading names them),
        then SPC's verdict."""
        return [" · ".join(step for _, step in self.steps), self.signal]

    @property
    def sentence(self) -> str:
        """The same in one line, for the workbook and for text read aloud."""
        return "; ".join(f"{name} {step}" for name, step in self.steps) + f"; {self.signal}"


def amount(change: float, unit: str, decimals: int, text: Text) -> str:
    """0.2 pts ; 174 ; 1.4 days (never a sign: the arrow says which way)."""
    size = abs(float(change))
    shown = format_count(size) if unit == "count" else f"{size:,.{int(decimals)}f}"
    return text(UNIT_OF_CHANGE.get(unit, "{amount}"), amount=shown)


def step(direction, change, unit: str, decimals: int, text: Text) -> str:
    if not isinstance(direction, str):
        return "–"
    if direction == "no change":
        return text("no change")
    return f"{ARROWS[direction]} {amount(change, unit, decimals, text)}"


def signal(variation_icon: str | None, text: Text) -> str:
    return text(SIGNAL[variation_icon]) if variation_icon in SIGNAL else text(TOO_FEW)


def travel(row: pd.Series, unit: str, decimals: int, variation_icon: str | None, has_previous: bool,
           text: Text, withheld_symbol: str = "c") -> Travel | None:
    """The change column for one indicator's row of the indicator table (None when it is withheld).

    `has_previous` is False for a period with no previous period of its kind (a year to date); an earlier
    figure that is withheld shows the withheld symbol, since a change from it would reveal it."""
    if row.get("suppressed") in (True, 1) or pd.isna(row.get("value")):
        return None
    steps = []
    for name, earlier, wanted in (("Previous", "previous", has_previous), ("Year earlier", "last_year", True)):
        if not wanted:
            continue
        shown = withheld_symbol if row.get(f"{earlier}_suppressed") in (True, 1) else step(
            row.get(f"travel_on_{earlier}"), row.get(f"change_on_{earlier}"), unit, decimals, text)
        steps.append((text(name), shown))
    return Travel(steps, signal(variation_icon, text))
