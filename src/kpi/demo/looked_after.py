"""Children looked after: one row per placement episode, as the SSDA903 return and Welsh systems hold them.

Calibration (`../shared/data/published/wales/wales_published_figures.csv`, Welsh Government SFR
106/2019): Wales had 6,846 children looked after at 31 March 2019, about 110 per 10,000 children
(some 625,000 children aged 0-17). A Wrexham-sized area of about 29,000 children (kpi.yml
`child_population`) is given about 240-290 looked after, 85-100 per 10,000: rather below the Wales
rate. About 19 children a quarter start a period of care (roughly 75 a year for about 270 looked
after: a period lasts some 3.4 years on average, from a few weeks for a quarter of them to the rest
of childhood for many), a few more each year. About 30% are placed outside the authority's area,
mostly in agency foster care and residential homes. About one in ten of those looked after at the end of
a period had three or more placements in the 12 months before (the Welsh PM33 and the English
"three or more placements" measure are typically 7-12%): placements change at a rate that differs
from child to child (about one move every two years on average), and three in ten children move once
soon after coming into care, from an emergency placement.

Legal status: care orders for most, after an interim care order for the months care proceedings
take (26 weeks is the target); placement orders for some younger children, with an adoption
placement for many of them; accommodation under section 76 of the Social Services and Well-being
(Wales) Act 2014 (the Welsh section 20) for many of the short stays; a few on remand. Placement
types are mostly foster care. Each child's period of care is a run of contiguous episodes: a new
episode starts on the day the previous one ended, at each change of placement (an episode's legal
status is the one in force at its end). Some children return to care later (a new period of care,
after a gap). Children come into care from the assessments that concluded "Child looked after" and
from the child protection register (deregistered on the day they became looked after); before the
data, made-up children ("WC82" + digits) fill the years of history.

About 20-40 children placed in the area by other authorities (mostly in agency foster care and
residential homes) are in the extract too, marked placed_by_other_authority.

The extract is as at the last day of the data (like the SSDA903 return as at 31 March): episodes that
started by then and were open at any time from 12 months before the data start (so that the first
year's "three or more placements in the 12 months" can be counted); an end after the last day of
the data is not yet in it. Everything is drawn with numpy for all periods and episodes at once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.demo.span import Span, days64

WARM_UP_YEARS = 16
HISTORY = pd.DateOffset(months=12)
ENTRIES_PER_QUARTER = 17.5  # first periods of care; returns to care add about 1.5 a quarter
ENTRY_GROWTH_PER_YEAR = 0.01
FROM_REGISTER = 0.3  # of the entries in the data: children deregistered on the day they came into care
RETURN_SHARE = 0.09  # of the periods that end: the child comes back into care later
RETURN_GAP_DAYS = (60, 900)
# Length of a period of care: (share, kind, parameters in days)
SHORT, MEDIUM, LONG = 0.28, 0.30, 0.42
SHORT_MEAN_DAYS = 120
MEDIUM_DAYS = (365, 3 * 365)
LONG_DAYS = (3 * 365, 10 * 365)
MOVES_PER_YEAR = 0.45  # mean of the child's own rate (gamma distributed)
MOVE_RATE_SHAPE = 0.7
EARLY_MOVE = 0.3  # out of an emergency placement ...
EARLY_MOVE_DAYS = (5, 60)  # ... this many days after coming into care
ORDER_AFTER_DAYS = (150, 300)  # interim care order until the final order
PLACEMENT_ORDER = 0.15  # of the final orders
ADOPTION_UNDER_PLACEMENT_ORDER = 0.6
VOLUNTARY = {"short": 0.55, "medium": 0.20, "long": 0.10}  # accommodated by agreement (section 76)
YOUTH_JUSTICE, OTHER_STATUS = 0.03, 0.02

PLACEMENTS = {"foster_local_authority": 0.46, "foster_family_and_friends": 0.18, "foster_agency": 0.14,
              "placed_with_parents": 0.09, "residential": 0.08, "independent_living": 0.03, "other": 0.02}
OUTSIDE = {"foster_local_authority": 0.16, "foster_family_and_friends": 0.32, "foster_agency": 0.6,
           "placed_with_parents": 0.15, "residential": 0.78, "adoption": 0.45, "independent_living": 0.15,
           "other": 0.3}
TEAMS = {"Children and Families East": 0.36, "Children and Families West": 0.36,
         "Child Protection and Court": 0.16, "Disabled Children's Team": 0.12}

OTHER_LA_PER_QUARTER = 2.6
OTHER_LA_YEARS = 8
OTHER_LA_MEAN_DAYS = 2.4 * 365
OTHER_LA_MOVES_PER_YEAR = 0.3
OTHER_LA_PLACEMENTS = {"foster_agency": 0.45, "residential": 0.30, "foster_local_authority": 0.10,
                       "foster_family_and_friends": 0.10, "other": 0.05}
OTHER_LA_STATUS = {"care_order": 0.8, "interim_care_order": 0.1, "voluntary": 0.1}

LEGAL_WORDS = {"care_order": {"Full Care Order": 0.8, "Care Order": 0.2},
               "interim_care_order": {"Interim Care Order": 1.0}, "placement_order": {"Placement Order": 1.0},
               "voluntary": {"Section 76 Accommodation": 0.85, "Accommodated (s76)": 0.15},
               "youth_justice": {"Remanded to LA Accommodation": 1.0},
               "other": {"Emergency Protection Order": 0.5, "Police Protection": 0.5}}
PLACEMENT_WORDS = {"foster_local_authority": {"Foster Care - In House": 1.0},
                   "foster_family_and_friends": {"Kinship Foster Care": 0.7, "Connected Person Foster Care": 0.3},
                   "foster_agency": {"Foster Care - Independent Agency": 1.0},
                   "placed_with_parents": {"Placed with Parents": 1.0},
                   "residential": {"Residential Children's Home": 1.0}, "adoption": {"Placed for Adoption": 1.0},
                   "independent_living": {"Supported Accommodation": 1.0}, "other": {"Other Placement": 1.0}}
FIRST_MADE_UP_CHILD = 820_000
FIRST_OTHER_LA_CHILD = 860_000


def _choose(rng: np.random.Generator, table: dict, size: int) -> np.ndarray:
    weights = np.asarray(list(table.values()), dtype=float)
    return np.asarray(list(table), dtype=object)[rng.choice(len(weights), size=size, p=weights / weights.sum())]


def _words(rng: np.random.Generator, values: np.ndarray, words: dict[str, dict[str, float]]) -> np.ndarray:
    out = np.full(len(values), "", dtype=object)
    for value, table in words.items():  # a loop over the values, not the rows
        mine = values == value
        out[mine] = _choose(rng, table, int(mine.sum()))
    return out


def _day(stamp: pd.Timestamp) -> np.datetime64:
    return stamp.to_datetime64().astype("datetime64[D]")


def _made_up_starts(rng: np.random.Generator, first: np.datetime64, last: np.datetime64, per_quarter: float
                    ) -> np.ndarray:
    """Start days of a Poisson stream of periods of care between two days (first inclusive, last exclusive)."""
    days = int((last - first).astype(np.int64))
    count = rng.poisson(per_quarter * days / 91.3)
    return np.sort(first + rng.integers(0, days, size=count).astype("timedelta64[D]"))


def _entries_in_data(span: Span, assessments: pd.DataFrame, register: pd.DataFrame, rng: np.random.Generator
                     ) -> pd.DataFrame:
    """Children who came into care in the data: from assessments and from the register, a quota a quarter."""
    start, end = span.start, span.end
    done = assessments[assessments["outcome"].eq("Child looked after") & assessments["completion_date"].between(
        start, end)]
    from_assessments = pd.DataFrame({"child_id": done["child_id"].to_numpy(object),
                                     "day": days64(done["completion_date"]), "source": 0})
    # Deregistered on the day they came into care: registrations that were the child's last.
    last = register["registration_date"].eq(register.groupby("child_id")["registration_date"].transform("max"))
    ended = register[last & register["end_date"].between(start, end)]
    from_register = pd.DataFrame({"child_id": ended["child_id"].to_numpy(object),
                                  "day": days64(ended["end_date"]), "source": 1})
    pool = pd.concat([from_assessments, from_register], ignore_index=True)
    # Not a child registered again after coming into care.
    latest_registration = register.groupby("child_id")["registration_date"].max()
    later = latest_registration.reindex(pool["child_id"]).to_numpy().astype("datetime64[D]")
    pool = pool[~(later > pool["day"].to_numpy())]
    pool = pool.assign(key=rng.random(len(pool))).sort_values("key", kind="stable").drop_duplicates("child_id")
    pool["quarter"] = span.quarter_index(pool["day"])

    quarters = int(span.quarter_index([end])[0]) + 1
    years = np.arange(quarters) / 4
    mean = ENTRIES_PER_QUARTER * (1 + ENTRY_GROWTH_PER_YEAR) ** years
    total = rng.binomial(np.rint(2 * mean).astype(np.int64), 0.5)  # a little steadier than Poisson
    from_reg = rng.binomial(total, FROM_REGISTER)
    quota = np.stack([total - from_reg, from_reg], axis=1)  # [quarter, source]
    rank = pool.groupby(["quarter", "source"], sort=False).cumcount().to_numpy()
    keep = rank < quota[pool["quarter"].to_numpy(), pool["source"].to_numpy()]
    return pool[keep].sort_values("day", kind="stable").reset_index(drop=True)


def _lengths(rng: np.random.Generator, size: int) -> tuple[np.ndarray, np.ndarray]:
    """Days each period of care lasts, and its kind (short, medium, long)."""
    kind = _choose(rng, {"short": SHORT, "medium": MEDIUM, "long": LONG}, size)
    short = 3 + rng.exponential(SHORT_MEAN_DAYS, size=size)
    medium, long = rng.uniform(*MEDIUM_DAYS, size=size), rng.uniform(*LONG_DAYS, size=size)
    days = np.where(kind == "short", short, np.where(kind == "medium", medium, long))
    return np.rint(days).astype(np.int64), kind


def _periods_of_care(span: Span, assessments: pd.DataFrame, register: pd.DataFrame, rng: np.random.Generator
                     ) -> pd.DataFrame:
    """Our children's periods of care: child, start, true end, kind of stay, team."""
    start = _day(span.start)
    first = _day(span.start - pd.DateOffset(years=WARM_UP_YEARS))
    before = _made_up_starts(rng, first, start, ENTRIES_PER_QUARTER)
    numbers = FIRST_MADE_UP_CHILD + rng.permutation(len(before) * 4)[: len(before)]
    entries = _entries_in_data(span, assessments, register, rng)
    child = np.concatenate([("WC" + pd.Series(numbers, dtype=np.int64).astype(str)).to_numpy(object),
                            entries["child_id"].to_numpy(object)])
    began = np.concatenate([before, entries["day"].to_numpy().astype("datetime64[D]")])
    days, kind = _lengths(rng, len(began))
    finished = began + days.astype("timedelta64[D]")
    # Some children come back into care after a while: a new period of care.
    back = (rng.random(len(began)) < RETURN_SHARE) & (finished <= _day(span.end))
    again = finished[back] + rng.integers(*RETURN_GAP_DAYS, size=int(back.sum())).astype("timedelta64[D]")
    fits = again <= _day(span.end)
    again_days, again_kind = _lengths(rng, int(fits.sum()))
    child = np.concatenate([child, child[back][fits]])
    began = np.concatenate([began, again[fits]])
    finished = np.concatenate([finished, again[fits] + again_days.astype("timedelta64[D]")])
    kind = np.concatenate([kind, again_kind])
    return pd.DataFrame({"child_id": child, "start": began, "true_end": finished, "kind": kind,
                         "team": _choose(rng, TEAMS, len(child))})


def _episodes(periods: pd.DataFrame, span: Span, rng: np.random.Generator, moves_per_year: float,
              early_move: float) -> pd.DataFrame:
    """Split each period of care into placement episodes at its moves (up to the last day of the data)."""
    n = len(periods)
    start = periods["start"].to_numpy().astype("datetime64[D]")
    true_end = periods["true_end"].to_numpy().astype("datetime64[D]")
    seen_end = np.minimum(true_end, _day(span.end) + np.timedelta64(1, "D"))
    length = (seen_end - start).astype(np.int64)
    rate = rng.gamma(MOVE_RATE_SHAPE, moves_per_year / MOVE_RATE_SHAPE, size=n)
    count = rng.poisson(rate * length / 365.25)
    owner = np.repeat(np.arange(n), count)
    moved = start[owner] + np.floor(rng.random(len(owner)) * length[owner]).astype(np.int64).astype("timedelta64[D]")
    early = np.flatnonzero(rng.random(n) < early_move)
    early_day = start[early] + rng.integers(*EARLY_MOVE_DAYS, size=len(early)).astype("timedelta64[D]")
    owner = np.concatenate([np.arange(n), owner, early])
    day = np.concatenate([start, moved, early_day])
    is_start = np.concatenate([np.ones(n, dtype=bool), np.zeros(len(day) - n, dtype=bool)])
    # A move is a day strictly inside the period (as far as it is seen); one move a day.
    inside = is_start | ((day > start[owner]) & (day < seen_end[owner]))
    owner, day, is_start = owner[inside], day[inside], is_start[inside]
    order = np.lexsort((~is_start, day, owner))
    owner, day = owner[order], day[order]
    first_of_day = np.ones(len(day), dtype=bool)
    first_of_day[1:] = (owner[1:] != owner[:-1]) | (day[1:] != day[:-1])
    owner, day = owner[first_of_day], day[first_of_day]
    # Each episode ends where the next one starts, or where the period ends (open if after the data end).
    last_of_period = np.ones(len(day), dtype=bool)
    last_of_period[:-1] = owner[1:] != owner[:-1]
    following = np.empty_like(day)
    following[:-1] = day[1:]
    period_end = np.where(true_end[owner] <= _day(span.end), true_end[owner], np.datetime64("NaT"))
    ends = np.where(last_of_period, period_end, following)
    return pd.DataFrame({"period": owner, "start_date": day, "end_date": ends})


def _legal_status(periods: pd.DataFrame, episodes: pd.DataFrame, span: Span, rng: np.random.Generator
                  ) -> tuple[np.ndarray, np.ndarray]:
    """Each episode's legal status (the one in force at its end) and its placement type."""
    n = len(periods)
    kind = periods["kind"].to_numpy(object)
    u = rng.random(n)
    voluntary = u < pd.Series(kind).map(VOLUNTARY).to_numpy(float)
    youth = (u >= 1 - YOUTH_JUSTICE) & (kind == "short")
    other = (u >= 1 - YOUTH_JUSTICE - OTHER_STATUS) & (u < 1 - YOUTH_JUSTICE) & (kind == "short")
    order_day = periods["start"].to_numpy().astype("datetime64[D]") + rng.integers(
        *ORDER_AFTER_DAYS, size=n).astype("timedelta64[D]")
    final = np.where(rng.random(n) < PLACEMENT_ORDER, "placement_order", "care_order").astype(object)

    period = episodes["period"].to_numpy()
    last_day = episodes["end_date"].to_numpy().astype("datetime64[D]")
    last_day = np.where(np.isnat(last_day), _day(span.end), last_day)
    ordered = last_day >= order_day[period]
    status = np.where(ordered, final[period], "interim_care_order").astype(object)
    status[voluntary[period]] = "voluntary"
    status[youth[period]] = "youth_justice"
    status[other[period]] = "other"

    placement = _choose(rng, PLACEMENTS, len(episodes))
    adoption = (status == "placement_order") & (episodes["start_date"].to_numpy() >= order_day[period]) & (
        rng.random(len(episodes)) < ADOPTION_UNDER_PLACEMENT_ORDER)
    placement[adoption] = "adoption"
    return status, placement


def _ours(span: Span, assessments: pd.DataFrame, register: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    periods = _periods_of_care(span, assessments, register, rng)
    episodes = _episodes(periods, span, rng, MOVES_PER_YEAR, EARLY_MOVE)
    status, placement = _legal_status(periods, episodes, span, rng)
    outside = rng.random(len(episodes)) < pd.Series(placement).map(OUTSIDE).to_numpy(float)
    return pd.DataFrame({
        "child_id": periods["child_id"].to_numpy(object)[episodes["period"]],
        "start_date": episodes["start_date"].to_numpy(),
        "end_date": episodes["end_date"].to_numpy(),
        "legal_status": status,
        "placement_type": placement,
        "placed_outside": pd.array(outside, dtype="boolean"),
        "placed_by_other_authority": False,
        "team": periods["team"].to_numpy(object)[episodes["period"]],
    })


def _placed_here(span: Span, rng: np.random.Generator) -> pd.DataFrame:
    """Children other authorities placed in the area: one period of care each, a placement or two."""
    began = _made_up_starts(rng, _day(span.start - pd.DateOffset(years=OTHER_LA_YEARS)),
                            _day(span.end) + np.timedelta64(1, "D"), OTHER_LA_PER_QUARTER)
    n = len(began)
    numbers = FIRST_OTHER_LA_CHILD + rng.permutation(n * 4)[:n]
    periods = pd.DataFrame({
        "child_id": ("WC" + pd.Series(numbers, dtype=np.int64).astype(str)).to_numpy(object),
        "start": began,
        "true_end": began + np.rint(30 + rng.exponential(OTHER_LA_MEAN_DAYS, size=n)).astype(
            np.int64).astype("timedelta64[D]"),
    })
    episodes = _episodes(periods, span, rng, OTHER_LA_MOVES_PER_YEAR, 0.0)
    status = _choose(rng, OTHER_LA_STATUS, n)[episodes["period"]]
    return pd.DataFrame({
        "child_id": periods["child_id"].to_numpy(object)[episodes["period"]],
        "start_date": episodes["start_date"].to_numpy(),
        "end_date": episodes["end_date"].to_numpy(),
        "legal_status": status,
        "placement_type": _choose(rng, OTHER_LA_PLACEMENTS, len(episodes)),
        "placed_outside": pd.array([pd.NA] * len(episodes), dtype="boolean"),
        "placed_by_other_authority": True,
        "team": np.full(len(episodes), None, dtype=object),
    })


def generate(span: Span, assessments: pd.DataFrame, register: pd.DataFrame, rng: np.random.Generator
             ) -> pd.DataFrame:
    """The looked-after episodes in canonical form, with the words the extract shows."""
    frame = pd.concat([_ours(span, assessments, register, rng), _placed_here(span, rng)], ignore_index=True)
    frame["start_date"] = frame["start_date"].astype("datetime64[us]")
    frame["end_date"] = frame["end_date"].astype("datetime64[us]")
    history = span.start - HISTORY
    frame = frame[(frame["end_date"].isna() | (frame["end_date"] >= history)) & (frame["start_date"] <= span.end)]
    frame = frame.sort_values(["start_date", "child_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "episode_id", "EP" + pd.Series(np.arange(len(frame)) + 40_001).astype(str))
    frame["legal_status_label"] = _words(rng, frame["legal_status"].to_numpy(object), LEGAL_WORDS)
    frame["placement_label"] = _words(rng, frame["placement_type"].to_numpy(object), PLACEMENT_WORDS)
    frame["placed_by_other_authority"] = frame["placed_by_other_authority"].astype(bool)
    return frame
