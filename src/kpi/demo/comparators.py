"""Comparators: synthetic annual figures for the 22 Welsh authorities and Wales.

The 21 other authorities keep their real names and ONS codes, labelled "(synthetic)": their
figures are made up around the published Wales picture (PM24: Wales 88.9%, lower quartile 79.7,
upper quartile 94.9). Wrexham (W06000006) is left out because the demo authority stands in for it.
The demo authority's own rows are computed from its demo extracts with the indicator definitions
of the KPI library, so its position against Wales is what its own data say. The Wales row is the
sum of all 22 authorities' numerators over the sum of their denominators, including the few whose
figures are published as suppressed (`*`), as a national total is.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.demo.assessments import TIMESCALE
from kpi.demo.span import Span
from kpi.time.periods import financial_year_label
from kpi.time.workdays import working_days_elapsed

DEMO_NAME = "Demo County Borough Council"
DEMO_CODE = "W06000099"
WALES_CODE = "W92000004"
SUFFIX = " (synthetic)"

# Real names and codes; populations (thousands, rounded) only scale the synthetic denominators.
AUTHORITIES = {
    "W06000001": ("Isle of Anglesey", 69), "W06000002": ("Gwynedd", 117), "W06000003": ("Conwy", 114),
    "W06000004": ("Denbighshire", 96), "W06000005": ("Flintshire", 155), "W06000008": ("Ceredigion", 71),
    "W06000009": ("Pembrokeshire", 123), "W06000010": ("Carmarthenshire", 188), "W06000011": ("Swansea", 238),
    "W06000012": ("Neath Port Talbot", 142), "W06000013": ("Bridgend", 146),
    "W06000014": ("Vale of Glamorgan", 132), "W06000015": ("Cardiff", 362),
    "W06000016": ("Rhondda Cynon Taf", 237), "W06000018": ("Caerphilly", 175),
    "W06000019": ("Blaenau Gwent", 67), "W06000020": ("Torfaen", 92), "W06000021": ("Monmouthshire", 93),
    "W06000022": ("Newport", 159), "W06000023": ("Powys", 133), "W06000024": ("Merthyr Tydfil", 59),
}

INDICATORS = ["assessments_within_timescale_pct", "rereferrals_within_12m_pct", "contacts_to_strategy_pct",
              "caseload_per_social_worker_fte"]
# Authority levels: (quantile function points: share of authorities -> value), the Wales figure
# aimed at, yearly wobble (sd), denominator per 1,000 population, spread of that rate between
# authorities. PM24 as published: Wales 88.9, lower quartile 79.7, upper quartile 94.9.
LEVELS = {
    "assessments_within_timescale_pct": ([0, 0.25, 0.5, 0.75, 1], [64.0, 79.7, 89.6, 94.9, 99.2], 88.9, 2.5, 13.3,
                                         0.25),
    "rereferrals_within_12m_pct": ([0, 0.25, 0.5, 0.75, 1], [9.0, 16.0, 20.0, 24.0, 33.0], 20.0, 2.0, 8.5, 0.25),
    "contacts_to_strategy_pct": ([0, 0.25, 0.5, 0.75, 1], [4.0, 7.5, 10.0, 13.0, 20.0], 10.0, 1.5, 75.0, 0.20),
    "caseload_per_social_worker_fte": ([0, 0.25, 0.5, 0.75, 1], [12.0, 15.5, 17.0, 19.0, 24.0], 17.0, 1.2, 0.36,
                                       0.15),
}
CANDIDATE_ORDERS = 256  # ways of sharing the levels out, of which the one nearest the Wales figure is kept
# Registered social workers, as DfE's workforce statistics (and kpi.indicators.measures.Settings) count them.
REGISTERED_ROLES = ("social_worker", "senior_practitioner", "team_manager")
SUPPRESSED_CELLS = 3  # published as `*` (value and numerator withheld)
COLUMNS = ["indicator_id", "area_code", "area_name", "area_type", "period", "value", "numerator", "denominator",
           "note"]


def demo_figures(span: Span, contacts: pd.DataFrame, assessments: pd.DataFrame,
                 caseloads: pd.DataFrame) -> pd.DataFrame:
    """The demo authority's numerator and denominator per indicator and complete financial year.

    `note` is `x` (not available) where the demo's own data cannot give the figure: re-referrals
    in the first year, which has no 12 months of contacts before it. The numerator still counts
    towards the Wales total, as a withheld figure does.
    """
    rows = []
    done = assessments[assessments["completion_date"].notna()]
    in_time = working_days_elapsed(done["referral_date"], done["completion_date"]) <= TIMESCALE
    completed_year = done["completion_date"].dt.to_period("Y-MAR")

    referrals = contacts[(contacts["contact_type"] == "referral") & (contacts["about"] == "child")]
    referrals = referrals.sort_values("received_at", kind="stable")
    previous = referrals.groupby("child_id")["received_at"].shift()
    repeat = previous.notna() & (previous >= referrals["received_at"] - pd.DateOffset(months=12))
    referral_year = referrals["received_at"].dt.to_period("Y-MAR")
    contact_year = contacts["received_at"].dt.to_period("Y-MAR")

    social_workers = caseloads[caseloads["role"].isin(REGISTERED_ROLES)]
    for year in span.full_years:
        label = financial_year_label(year)
        mine = completed_year == year
        rows.append(("assessments_within_timescale_pct", label, int(in_time[mine].sum()), int(mine.sum()), ""))
        mine = referral_year == year
        # Without 12 months of contacts before the year, the data cannot say (note `x`).
        history = year.start_time - pd.DateOffset(months=12) >= span.start
        rows.append(("rereferrals_within_12m_pct", label, int(repeat[mine].sum()), int(mine.sum()),
                     "" if history else "x"))
        mine = contact_year == year
        rows.append(("contacts_to_strategy_pct", label, int(contacts.loc[mine, "strategy_discussion"].sum()),
                     int(mine.sum()), ""))
        last = social_workers[social_workers["snapshot_date"].dt.to_period("Y-MAR") == year]
        last = last[last["snapshot_date"] == last["snapshot_date"].max()]
        holding = last[last["open_cases"].ge(1) & last["fte"].gt(0)]  # DfE: the FTE of those holding a case
        rows.append(("caseload_per_social_worker_fte", label, int(last["open_cases"].sum()),
                     round(float(holding["fte"].sum()), 1), ""))
    return pd.DataFrame(rows, columns=["indicator_id", "period", "numerator", "denominator", "note"])


def _value(indicator: str, numerator, denominator):
    ratio = np.asarray(numerator, dtype=float) / np.asarray(denominator, dtype=float)
    return np.round(ratio if indicator == "caseload_per_social_worker_fte" else 100 * ratio, 1)


def generate(span: Span, demo: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The comparators table: every authority, indicator and complete year, and Wales."""
    codes = list(AUTHORITIES)
    population = np.array([AUTHORITIES[c][1] for c in codes], dtype=float)
    years = [financial_year_label(y) for y in span.full_years]
    parts = []
    for indicator in INDICATORS:  # a loop over four indicators
        shares, values, wales, wobble, rate, spread = LEVELS[indicator]
        size = population * rate * rng.lognormal(0, spread, size=len(codes))
        # The levels sit at evenly spaced quantiles (one place is the demo's), so the quartiles are
        # as published; which authority gets which level is chosen so that the weighted average
        # (the Wales figure) is near the published one.
        orders = rng.permuted(np.tile(np.arange(len(codes) + 1), (CANDIDATE_ORDERS, 1)), axis=1)[:, : len(codes)]
        levels = np.interp((orders + 0.5) / (len(codes) + 1), shares, values)
        best = np.argmin(np.abs(levels @ size / size.sum() - wales))
        level = levels[best]
        grid = pd.MultiIndex.from_product([codes, years], names=["area_code", "period"]).to_frame(index=False)
        grid["level"] = np.repeat(level, len(years)) + rng.normal(0, wobble, size=len(grid))
        grid["size"] = np.repeat(size, len(years)) * rng.lognormal(0, 0.05, size=len(grid))
        percent = indicator != "caseload_per_social_worker_fte"
        if percent:
            grid["level"] = grid["level"].clip(1, 99.5)
            grid["denominator"] = np.maximum(np.rint(grid["size"]), 20).astype(float)
            grid["numerator"] = np.rint(grid["denominator"] * grid["level"] / 100)
        else:
            grid["denominator"] = np.round(grid["size"], 1)
            grid["numerator"] = np.rint(grid["denominator"] * grid["level"])
        grid["area_name"] = grid["area_code"].map(lambda c: AUTHORITIES[c][0] + SUFFIX)
        grid["indicator_id"] = indicator
        mine = demo[demo["indicator_id"] == indicator].assign(area_code=DEMO_CODE, area_name=DEMO_NAME + SUFFIX)
        parts.append(pd.concat([grid, mine], ignore_index=True)[
            ["indicator_id", "area_code", "area_name", "period", "numerator", "denominator", "note"]])
    table = pd.concat(parts, ignore_index=True)
    table["area_type"] = "authority"

    wales = table.groupby(["indicator_id", "period"], sort=False)[["numerator", "denominator"]].sum().reset_index()
    wales["denominator"] = wales["denominator"].round(1)
    wales = wales.assign(area_code=WALES_CODE, area_name="Wales" + SUFFIX, area_type="nation")
    table = pd.concat([table, wales], ignore_index=True)
    table["value"] = np.nan
    for indicator in INDICATORS:
        mine = table["indicator_id"] == indicator
        table.loc[mine, "value"] = _value(indicator, table.loc[mine, "numerator"], table.loc[mine, "denominator"])
    table["note"] = table["note"].fillna("")

    # A few small authorities' figures are withheld, as Welsh tables do.
    small = table["area_code"].isin([c for c, (_, pop) in AUTHORITIES.items() if pop < 75])
    candidates = table.index[small & (table["indicator_id"] != "caseload_per_social_worker_fte")]
    hidden = rng.choice(candidates, size=SUPPRESSED_CELLS, replace=False)
    table.loc[hidden, "note"] = "*"
    withheld = table["note"].ne("")
    table.loc[withheld, ["value", "numerator"]] = np.nan

    order = {code: i for i, code in enumerate([*codes[:5], DEMO_CODE, *codes[5:], WALES_CODE])}
    table["_indicator"] = table["indicator_id"].map({name: i for i, name in enumerate(INDICATORS)})
    table["_area"] = table["area_code"].map(order)
    table = table.sort_values(["_indicator", "period", "_area"], kind="stable")
    return table[COLUMNS].reset_index(drop=True)
