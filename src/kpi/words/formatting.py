"""Numbers as people read them: values with their unit and decimals, 'n of d', period labels."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

UNIT_SUFFIX = {"percent": "%", "days": " days", "ratio": "", "rate": "", "count": ""}
# A unit's word in each language (the number comes first in both: "56.6 days", "56.6 diwrnod").
UNIT_SUFFIX_BY_LANGUAGE = {"en": UNIT_SUFFIX, "cy": {**UNIT_SUFFIX, "days": " diwrnod"}}


def format_value(value: float, unit: str, decimals: int, language: str = "en") -> str:
    """86.2% ; 1,234 ; 15.2 ; 43.0 days (43.0 diwrnod in Welsh); an en dash when there is no value.

    Rounded as kpi.indicators.judgements.as_printed rounds, so a RAG or a change judged "as printed" is judged
    on exactly the digits shown."""
    if value is None or (isinstance(value, float) and math.isnan(value)) or pd.isna(value):
        return "–"
    factor = 10.0 ** int(decimals)
    suffix = UNIT_SUFFIX_BY_LANGUAGE.get(language, UNIT_SUFFIX).get(unit, "")
    return f"{np.round(float(value) * factor) / factor:,.{int(decimals)}f}{suffix}"


def format_count(value: float) -> str:
    if value is None or pd.isna(value):
        return ""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def numerator_of_denominator(numerator: float, denominator: float) -> str:
    """'137 of 159', or '' when the indicator has no denominator."""
    if pd.isna(numerator) or denominator is None or pd.isna(denominator):
        return ""
    return f"{format_count(numerator)} of {format_count(denominator)}"


def as_text_table(table: pd.DataFrame, by: str | None = None) -> str:
    """The indicator table for a terminal: one line per indicator and period."""
    shown = pd.DataFrame({
        "indicator": table["indicator_id"],
        "period": table["period"],
        **({by: table[by]} if by else {}),
        "value": [format_value(v, u, d) for v, u, d in zip(table["value"], table["unit"], table["decimals"])],
        "of": [numerator_of_denominator(n, d) for n, d in zip(table["numerator"], table["denominator"])],
        "target": [format_value(t, u, d) if pd.notna(t) else "" for t, u, d in
                   zip(table["target"], table["unit"], table["decimals"])],
        "RAG": table["rag"].fillna(""),
        "vs previous": table["travel_on_previous"].fillna(""),
        "nation": [format_value(v, u, d) if pd.notna(v) else "" for v, u, d in
                   zip(table["nation_value"], table["unit"], table["decimals"])],
        "band": table["quartile_band"].fillna(""),
        "note": table["reason"].fillna(""),
    })
    return shown.to_string(index=False)
