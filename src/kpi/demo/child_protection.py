"""Strategy discussions and registrations on the child protection register.

Strategy discussions: one for every contact the front door sent to a strategy discussion (about 7% of
contacts, CSSIW 2017 para 3.7; see kpi.demo.contacts). The concern date is the day the contact came
in; the discussion is held on the day of the decision or soon after, so that about 85% are held within
one working day of the concern (the Wales Safeguarding Procedures expect a strategy discussion
"without delay"; the demo's local timescale, kpi.yml `strategy_discussion_working_days`, is 1). About
three in five decide on a section 47 enquiry. A discussion not yet recorded as held (an empty date)
is one that was due on or after the day the extract was taken, or one of a few in the last days of
the data whose record is not yet complete.

Registrations: a Wrexham-sized authority (about 29,000 children) has about 100-130 children on the
register at any time and 30-50 registrations a quarter (roughly the Welsh rate of 40-50 per 10,000
children in the late 2010s, from StatsWales, which is not among the files in `../shared/`;
Ceredigion, about half Wrexham's size, added 10-31 children a quarter to its register in 2022-24,
`../shared/data/published/wales/wales_published_figures.csv`). A child is registered at an initial
child protection conference 8-15 working days after a strategy discussion that decided on a section
47 enquiry, and deregistered at a review conference: the first three months after registration, then
every six months, so that the average time on the register of those deregistered is about 250-270
days (Wales PM28 is typically 200-300 days). Most registrations are
held by the Child Protection and Court team. Category of abuse: neglect most, then emotional,
physical, more than one category, sexual (the order in which Welsh and English registers have them),
a few not recorded.

Re-registrations within 12 months of a deregistration (Wales PM27) are typically 5-8% of
registrations. PLANTED CHANGE: from the quarter nine quarters before the latest complete quarter to
the end of the data they rise to about 18%, a sustained shift the XmR chart of the quarterly
percentage shows as a run above its centre line. The number of re-registrations in a quarter is
set from the quarter's registrations and its level (with a small wobble) rather than drawn one by
one, so the shift is clear in every seed while the quarterly figures still vary; the children
re-registered are drawn from those deregistered in the 12 months before.

The register is simulated from three years before the data start, with made-up children ("WC8" +
digits) before then, so that the register is full and the look-back complete from the start. The
extract holds every registration open at any time from 12 months before the data start (so that the
re-registrations of the first year can be recognised), registered up to the last day of the data;
a deregistration after the day the extract was taken is not yet known (an empty end date).
Re-registrations in the data come with a strategy discussion of their own that arose during work
with the family (no contact id). The only loop is over quarters (the register of each quarter
depends on the ones before); within a quarter everything is drawn with numpy.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.demo.span import Span, add_working_days, days64
from kpi.time.workdays import calendar

# --- strategy discussions ----------------------------------------------------------------------
# Working days from the front door's decision to the discussion: most the same day (0).
DISCUSSION_DELAY = {0: 0.80, 1: 0.10, 2: 0.04, 3: 0.025, 4: 0.015, 5: 0.01, 7: 0.005, 10: 0.005}
KINDS = {"discussion": 0.62, "meeting": 0.33, "not_recorded": 0.05}
KIND_WORDS = {"discussion": {"Strategy Discussion": 0.8, "Virtual Discussion": 0.2},
              "meeting": {"Strategy Meeting": 1.0}, "not_recorded": {"": 0.7, "Not Recorded": 0.3}}
SECTION_47 = 0.62  # of the discussions held
LATE_RECORDING_DAYS = 10  # concerns in the last days of the data ...
LATE_RECORDING_SHARE = 0.10  # ... of which this share are not yet recorded as held
INTAKE_TEAMS = {"Intake and Assessment North": 0.5, "Intake and Assessment South": 0.5}

# --- registrations -----------------------------------------------------------------------------
WARM_UP_YEARS = 3
HISTORY = pd.DateOffset(months=12)  # the extract reaches back this far before the data start
REGISTRATIONS_PER_QUARTER = 40.0
REREGISTERED_BEFORE = 0.065  # Wales PM27: typically 5-8%
REREGISTERED_AFTER = 0.18  # the planted rise
REREGISTRATION_WOBBLE = 0.02  # quarter-to-quarter variation of the re-registration level
RISE_STARTS_BEFORE_LATEST = 9  # quarters before the latest quarter: ten quarters high, to the end
CONFERENCE_WORKING_DAYS = (8, 15)  # strategy discussion to initial conference (Wales: within 15)
SOONEST_AGAIN_DAYS = 14  # a child is re-registered at least two weeks after a deregistration
WITHIN_DAYS = 360  # a re-registration within 12 months is drawn within this many days
# Deregistered at the 1st, 2nd, ... review conference: 3 months after registration, then every 6.
REVIEWS = {1: 0.33, 2: 0.46, 3: 0.15, 4: 0.05, 5: 0.01}
FIRST_REVIEW_DAYS, LATER_REVIEW_DAYS = 91, 182
CP_TEAMS = {"Child Protection and Court": 0.82, "Children and Families East": 0.06,
            "Children and Families West": 0.06, "Disabled Children's Team": 0.06}
CATEGORIES = {"neglect": 0.44, "emotional_abuse": 0.28, "physical_abuse": 0.13, "multiple": 0.08,
              "sexual_abuse": 0.05, "not_recorded": 0.02}
CATEGORY_WORDS = {"neglect": {"Neglect": 1.0}, "emotional_abuse": {"Emotional Abuse": 0.85, "Emotional": 0.15},
                  "physical_abuse": {"Physical Abuse": 0.85, "Physical": 0.15},
                  "sexual_abuse": {"Sexual Abuse": 1.0}, "multiple": {"Multiple Categories": 1.0},
                  "not_recorded": {"": 0.6, "Not Recorded": 0.4}}
FIRST_WARM_UP_CHILD = 800_000  # made-up children registered before the data start


def _choose(rng: np.random.Generator, table: dict, size: int) -> np.ndarray:
    weights = np.asarray(list(table.values()), dtype=float)
    return np.asarray(list(table), dtype=object)[rng.choice(len(weights), size=size, p=weights / weights.sum())]


def _words(rng: np.random.Generator, values: np.ndarray, words: dict[str, dict[str, float]]) -> np.ndarray:
    """The word the system shows for each canonical value (a loop over the values, not the rows)."""
    out = np.empty(len(values), dtype=object)
    for value, table in words.items():
        mine = values == value
        out[mine] = _choose(rng, table, int(mine.sum()))
    return out


def _day(stamp: pd.Timestamp) -> np.datetime64:
    return stamp.to_datetime64().astype("datetime64[D]")


def _on_working_day(days: np.ndarray) -> np.ndarray:
    """The day itself if it is a working day, else the next working day."""
    return np.busday_offset(days, 0, roll="forward", busdaycal=calendar())


def _back_to_working_day(days: np.ndarray) -> np.ndarray:
    """The day itself if it is a working day, else the working day before."""
    return np.busday_offset(days, 0, roll="backward", busdaycal=calendar())


# --- strategy discussions ----------------------------------------------------------------------


def strategy_discussions(span: Span, contacts: pd.DataFrame, assessments: pd.DataFrame,
                         rng: np.random.Generator) -> pd.DataFrame:
    """One discussion for each contact that went to a strategy discussion (ids are given later)."""
    chosen = contacts.loc[contacts["strategy_discussion"], ["contact_id", "child_id", "received_at", "decision_at"]]
    n = len(chosen)
    concern = days64(chosen["received_at"])
    decided = days64(chosen["decision_at"])
    delay = np.asarray(list(DISCUSSION_DELAY))[rng.choice(len(DISCUSSION_DELAY), size=n,
                                                          p=list(DISCUSSION_DELAY.values()))]
    # Held on the day of the decision (the duty team works at weekends too) or some working days later.
    held = np.where(delay == 0, decided, add_working_days(decided, delay))
    today = _day(span.today)
    late_record = (concern > _day(span.end) - np.timedelta64(LATE_RECORDING_DAYS, "D")) & (
        rng.random(n) < LATE_RECORDING_SHARE)
    not_held = (held >= today) | late_record

    kind = _choose(rng, KINDS, n)
    section_47 = pd.Series(rng.random(n) < SECTION_47, dtype="boolean").mask(not_held)
    # The team that went on to assess the child: the assessment referred the same day.
    teams = assessments[["child_id", "referral_date", "team"]].drop_duplicates(["child_id", "referral_date"])
    keys = pd.DataFrame({"child_id": chosen["child_id"].to_numpy(object),
                         "referral_date": pd.Series(concern).astype("datetime64[us]")})
    team = keys.merge(teams, on=["child_id", "referral_date"], how="left")["team"].to_numpy(object)
    missing = pd.isna(team)
    team[missing] = _choose(rng, INTAKE_TEAMS, int(missing.sum()))
    return pd.DataFrame({
        "child_id": chosen["child_id"].to_numpy(object),
        "contact_id": chosen["contact_id"].to_numpy(object),
        "concern_date": pd.Series(concern).astype("datetime64[us]"),
        "discussion_date": pd.Series(held).astype("datetime64[us]").mask(not_held),
        "kind": kind,
        "kind_label": _words(rng, kind, KIND_WORDS),
        "section_47": section_47.to_numpy(),
        "team": team,
    })


# --- registrations -----------------------------------------------------------------------------


def _durations(rng: np.random.Generator, size: int) -> np.ndarray:
    """Days on the register: deregistered at a review conference."""
    review = np.asarray(list(REVIEWS))[rng.choice(len(REVIEWS), size=size, p=list(REVIEWS.values()))]
    return FIRST_REVIEW_DAYS + LATER_REVIEW_DAYS * (review - 1) + rng.integers(-10, 11, size=size)


def reregistration_level(span: Span, quarter_index: np.ndarray) -> np.ndarray:
    """The share of a quarter's registrations that are re-registrations within 12 months, before the
    quarter's wobble (quarter 0 is the first quarter of the data; negative ones are before it)."""
    latest = int(span.quarter_index([span.end])[0])
    return np.where(quarter_index >= latest - RISE_STARTS_BEFORE_LATEST, REREGISTERED_AFTER, REREGISTERED_BEFORE)


def _registered_from(discussions: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """The discussions that may lead to a registration: held, section 47, with the conference date."""
    held = discussions[discussions["section_47"].fillna(False).astype(bool)]
    days = days64(held["discussion_date"])
    conference = add_working_days(days, rng.integers(CONFERENCE_WORKING_DAYS[0], CONFERENCE_WORKING_DAYS[1] + 1,
                                                     size=len(held)))
    return pd.DataFrame({"child_id": held["child_id"].to_numpy(object), "day": conference})


def registrations(span: Span, discussions: pd.DataFrame, rng: np.random.Generator
                  ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The register, and the strategy discussions of the re-registrations in the data.

    Returns the registrations (canonical columns plus `reregistration` and `category_label`) and the
    extra discussions (without ids)."""
    end, today = _day(span.end), _day(span.today)
    warm_up = _day(span.start - pd.DateOffset(years=WARM_UP_YEARS))
    quarters = pd.period_range(pd.Timestamp(warm_up), span.end, freq="Q-MAR")
    first_data_quarter = span.first_quarter
    pool = _registered_from(discussions, rng)
    pool = pool[pool["day"] <= end]
    pool = pool.assign(quarter=span.quarter_index(pool["day"]), key=rng.random(len(pool)))

    child = np.empty(0, dtype=object)
    registered = np.empty(0, dtype="datetime64[D]")
    ended = np.empty(0, dtype="datetime64[D]")  # the true end (possibly after the extract was taken)
    latest = np.empty(0, dtype=bool)  # the child's latest registration so far
    again = np.empty(0, dtype=bool)
    next_made_up = 0
    made_up_numbers = FIRST_WARM_UP_CHILD + rng.permutation(4_000)  # about 500 are needed
    for quarter in quarters:  # a loop over quarters: each quarter's register depends on the ones before
        q_start, q_end = _day(quarter.start_time), _day(quarter.end_time)
        offset = (quarter - first_data_quarter).n
        total = rng.binomial(2 * int(REGISTRATIONS_PER_QUARTER), 0.5)  # mean 40, sd 4.5
        level = reregistration_level(span, np.array([offset]))[0] + rng.normal(0, REREGISTRATION_WOBBLE)
        wanted = int(np.floor(total * max(level, 0.0) + rng.random()))

        # Re-registrations: children deregistered in the 12 months before, not registered since.
        candidates = np.flatnonzero(latest & (ended <= q_end - np.timedelta64(SOONEST_AGAIN_DAYS, "D"))
                                    & (ended + np.timedelta64(WITHIN_DAYS, "D") >= q_start))
        picked = rng.permutation(candidates)[:wanted]
        low = np.maximum(q_start, ended[picked] + np.timedelta64(SOONEST_AGAIN_DAYS, "D"))
        high = np.minimum(q_end, ended[picked] + np.timedelta64(WITHIN_DAYS, "D"))
        span_days = (high - low).astype(np.int64) + 1
        day = low + np.floor(rng.random(len(picked)) * span_days).astype(np.int64).astype("timedelta64[D]")
        day = _on_working_day(day)
        day = np.where(day > high, _back_to_working_day(day), day)
        fits = (day >= low) & (day <= high)
        picked, day = picked[fits], day[fits]

        # New registrations: from the section 47 discussions of the quarter, or made up before the data.
        count = max(total - len(picked), 0)
        mine = pool[pool["quarter"] == offset].sort_values("key", kind="stable").drop_duplicates("child_id")
        last_end = pd.Series(ended[latest], index=pd.Index(child[latest], dtype=object))
        known_end = last_end.reindex(mine["child_id"].to_numpy(object)).to_numpy().astype("datetime64[D]")
        # A child on the register, or deregistered in the last 12 months, is not newly registered.
        recent = known_end >= mine["day"].to_numpy().astype("datetime64[D]") - np.timedelta64(366, "D")
        mine = mine[~recent & ~mine["child_id"].isin(child[picked]).to_numpy()].head(count)
        # Before the data start (and in the first weeks, whose discussions were before it), made-up children.
        made_up = count - len(mine)
        numbers = made_up_numbers[next_made_up: next_made_up + made_up]
        next_made_up += made_up
        offsets = rng.integers(0, (q_end - q_start).astype(np.int64) + 1, size=made_up)
        made_up_day = _on_working_day(q_start + offsets.astype("timedelta64[D]"))
        made_up_day = np.where(made_up_day > q_end, _back_to_working_day(made_up_day), made_up_day)
        if offset >= 0:  # in the data, only in its first weeks
            made_up_day = np.minimum(made_up_day, _back_to_working_day(
                np.full(made_up, q_start + np.timedelta64(CONFERENCE_WORKING_DAYS[1] + 6, "D"))))
        new_child = np.concatenate([mine["child_id"].to_numpy(object),
                                    ("WC" + pd.Series(numbers, dtype=np.int64).astype(str)).to_numpy(object)])
        new_day = np.concatenate([mine["day"].to_numpy().astype("datetime64[D]"), made_up_day])

        latest[picked] = False
        latest[latest & np.isin(child, new_child)] = False  # a child registered again after a longer gap
        made = np.concatenate([day, new_day]).astype("datetime64[D]")
        durations = _durations(rng, len(made)).astype("timedelta64[D]")
        child = np.concatenate([child, child[picked], new_child])
        registered = np.concatenate([registered, made])
        ended = np.concatenate([ended, _on_working_day(made + durations)])
        latest = np.concatenate([latest, np.ones(len(made), dtype=bool)])
        again = np.concatenate([again, np.ones(len(picked), dtype=bool), np.zeros(len(new_child), dtype=bool)])

    n = len(child)
    category = _choose(rng, CATEGORIES, n)
    frame = pd.DataFrame({
        "child_id": child,
        "registration_date": pd.Series(registered).astype("datetime64[us]"),
        "end_date": pd.Series(ended).astype("datetime64[us]").mask(ended >= today),
        "category": category,
        "category_label": _words(rng, category, CATEGORY_WORDS),
        "team": _choose(rng, CP_TEAMS, n),
        "reregistration": again,
    })
    history = pd.Timestamp(span.start - HISTORY)
    frame = frame[frame["end_date"].isna() | (frame["end_date"] >= history)]
    frame = frame.sort_values(["registration_date", "child_id"], kind="stable").reset_index(drop=True)
    frame.insert(0, "registration_id", "CP" + pd.Series(np.arange(len(frame)) + 30_001).astype(str))

    # A re-registration in the data follows a strategy discussion of its own, during work with the family.
    again_here = frame[frame["reregistration"] & (frame["registration_date"] >= span.start)]
    m = len(again_here)
    conference = rng.integers(CONFERENCE_WORKING_DAYS[0], CONFERENCE_WORKING_DAYS[1] + 1, size=m)
    held = np.busday_offset(days64(again_here["registration_date"]), -conference, roll="backward",
                            busdaycal=calendar())
    concern = np.where(rng.random(m) < 0.7, held, np.busday_offset(held, -1, roll="backward", busdaycal=calendar()))
    kind = _choose(rng, KINDS, m)
    extra = pd.DataFrame({
        "child_id": again_here["child_id"].to_numpy(object),
        "contact_id": np.full(m, None, dtype=object),
        "concern_date": pd.Series(concern).astype("datetime64[us]"),
        "discussion_date": pd.Series(held).astype("datetime64[us]"),
        "kind": kind,
        "kind_label": _words(rng, kind, KIND_WORDS),
        "section_47": pd.array(np.ones(m, dtype=bool), dtype="boolean"),
        "team": np.full(m, "Child Protection and Court", dtype=object),
    })
    extra = extra[extra["concern_date"] >= span.start]
    return frame, extra


def generate(span: Span, contacts: pd.DataFrame, assessments: pd.DataFrame, discussion_rng: np.random.Generator,
             register_rng: np.random.Generator) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The strategy discussions and the child protection register, in canonical form."""
    discussions = strategy_discussions(span, contacts, assessments, discussion_rng)
    register, extra = registrations(span, discussions, register_rng)
    discussions = pd.concat([discussions, extra], ignore_index=True)
    discussions = discussions.sort_values(["concern_date", "child_id"], kind="stable").reset_index(drop=True)
    discussions.insert(0, "discussion_id", "SD" + pd.Series(np.arange(len(discussions)) + 52_001).astype(str))
    discussions["section_47"] = discussions["section_47"].astype("boolean")
    return discussions, register
