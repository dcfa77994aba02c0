"""Assessments: one for every contact that went to assessment or to a strategy discussion.

Timeliness (working days from referral to completion, 42-day timescale in Wales) tells the story the
product brief describes for Wrexham: about 86% in time for the first years, a fall to about 70% for
four quarters (the 10th to the 13th quarter of the data, 2022-23 Q2 to 2023-24 Q1 when the data
start in April 2020), worst in one intake team, then a recovery to the mid 80s. The chance of
finishing in time is set by the quarter in which the assessment is completed, so the shift shows
in the quarters in which assessments are completed, as PM24 counts them (the quarter after the dip
is in between: late assessments referred in the dip are completed in it). Language preference is
not recorded on about 10% of assessments at first, and recording improves after the inspection
asked for it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from kpi.demo.span import Span, add_working_days, days64

TIMESCALE = 42
DIP_QUARTERS = range(9, 13)  # quarter index from the start of the data: 2022-23 Q2 .. 2023-24 Q1
WITHIN_BEFORE = 0.865
WITHIN_AFTER = 0.855
WITHIN_IN_DIP = {"Intake and Assessment North": 0.60}  # the team under most pressure
WITHIN_IN_DIP_OTHERS = 0.715
QUARTER_WOBBLE = 0.008  # quarter-to-quarter variation of the chance of finishing in time

TEAMS = {
    "Intake and Assessment North": 0.30,
    "Intake and Assessment South": 0.28,
    "Children and Families East": 0.13,
    "Children and Families West": 0.13,
    "Child Protection and Court": 0.08,
    "Disabled Children's Team": 0.08,
}

LANGUAGES = {"english": 0.845, "welsh": 0.125, "other": 0.03}
WELSH_WORDS = {"Welsh": 0.85, "Cymraeg": 0.15}
OTHER_WORDS = {"Polish": 0.35, "Arabic": 0.2, "Romanian": 0.2, "Kurdish": 0.1, "Other": 0.15}
NOT_RECORDED_EARLY = 0.10
NOT_RECORDED_LATE = 0.02
RECORDING_IMPROVES_FROM = 12  # quarter index: after the inspection's recommendation
RECORDING_IMPROVED_BY = 20
CHILD_SEEN = 0.95
ASSESSMENTS_PER_WORKING_DAY = 9.8

OUTCOMES = {"Care and support plan": 0.28, "Information, advice and assistance": 0.22,
            "No further action": 0.18, "Child protection conference": 0.12, "Early help referral": 0.14,
            "Child looked after": 0.06}


def _choose(rng, labels, weights, size):
    weights = np.asarray(list(weights), dtype=float)
    return np.asarray(list(labels), dtype=object)[rng.choice(len(weights), size=size, p=weights / weights.sum())]


def chance_in_time(span: Span, team: np.ndarray, completion: np.ndarray, wobble: np.ndarray) -> np.ndarray:
    """The probability that an assessment completed on a date is within the timescale."""
    quarters = np.clip(span.quarter_index(completion), 0, len(wobble) - 1)
    base = np.where(quarters < DIP_QUARTERS.start, WITHIN_BEFORE, WITHIN_AFTER)
    in_dip = (quarters >= DIP_QUARTERS.start) & (quarters < DIP_QUARTERS.stop)
    dip = pd.Series(team).map(WITHIN_IN_DIP).fillna(WITHIN_IN_DIP_OTHERS).to_numpy(float)
    return np.clip(np.where(in_dip, dip, base) + wobble[quarters], 0, 1)


def _carried_in(span: Span, rng: np.random.Generator) -> pd.DataFrame:
    """Referrals from the quarter before the data start, some still open when the data start.

    The extract holds every assessment referred from the start or still open then, as a real one
    would: without these the first quarter would count only quick assessments, and too few.
    Their contacts are before the span, so they are not in the contacts extract. They start on the
    second day of that quarter, so the assessments never seem to cover it (nothing completed then
    is in the extract, and a quarter it did not cover must not be reported as 0).
    """
    days = pd.bdate_range(span.start - pd.DateOffset(months=3) + pd.Timedelta(days=1),
                          span.start - pd.Timedelta(days=1))
    counts = rng.poisson(ASSESSMENTS_PER_WORKING_DAY, size=len(days))
    n = int(counts.sum())
    numbers = 700_000 + rng.permutation(n * 4)[:n]
    return pd.DataFrame({"child_id": "WC" + pd.Series(numbers).astype(str),
                         "received_at": np.repeat(days.to_numpy(), counts)})


def _working_days_taken(span, team, referral, start_after, rng) -> tuple[np.ndarray, np.ndarray]:
    """Working days from referral to completion, and the completion dates.

    Whether an assessment is in time depends on the quarter it is completed in. That quarter
    depends on whether it is in time, so the draw is repeated with the same random numbers until
    the two agree (a few rounds).
    """
    n = len(referral)
    chance_draw = rng.random(n)
    on_time_days = np.clip(np.rint(rng.normal(31, 7, size=n)), 3, TIMESCALE)
    late_days = TIMESCALE + 1 + np.rint(rng.gamma(1.6, 9.0, size=n))
    wobble = rng.normal(0, QUARTER_WOBBLE, size=int(span.quarter_index([span.end])[0]) + 8)
    completion = referral + np.timedelta64(45, "D")
    in_time = np.ones(n, dtype=bool)
    for _ in range(4):
        previous = in_time
        in_time = chance_draw < chance_in_time(span, team, completion, wobble)
        completion = add_working_days(referral, np.where(in_time, on_time_days, late_days).astype(np.int64))
    # A few never settle (in time, it would finish in a bad quarter; late, in a good one): late.
    in_time &= previous
    taken = np.maximum(np.where(in_time, on_time_days, late_days).astype(np.int64), start_after)
    return taken, add_working_days(referral, taken)


def generate(span: Span, contacts: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Assessments in canonical form, with the words the extract shows for language."""
    chosen = contacts.loc[contacts["outcome"].isin(["assessment", "strategy"]), ["child_id", "received_at"]]
    chosen = pd.concat([_carried_in(span, rng), chosen], ignore_index=True)
    n = len(chosen)
    referral = days64(chosen["received_at"])
    team = _choose(rng, TEAMS, TEAMS.values(), n)

    # Start: one to five working days after referral. Completion: most in the last weeks of the
    # timescale; late ones a few weeks over, with a long tail.
    start_after = rng.integers(1, 6, size=n)
    start = add_working_days(referral, start_after)
    taken, completion = _working_days_taken(span, team, referral, start_after, rng)

    today = span.today.to_datetime64().astype("datetime64[D]")
    start_of_data = span.start.to_datetime64().astype("datetime64[D]")
    kept = (referral >= start_of_data) | (completion >= start_of_data)
    open_now = completion >= today
    not_started = start >= today

    quarters = span.quarter_index(referral)
    progress = np.clip((quarters - RECORDING_IMPROVES_FROM) / (RECORDING_IMPROVED_BY - RECORDING_IMPROVES_FROM), 0, 1)
    not_recorded = rng.random(n) < NOT_RECORDED_EARLY + (NOT_RECORDED_LATE - NOT_RECORDED_EARLY) * progress
    # A child's language preference is the same in every assessment of that child.
    children, child_of = np.unique(chosen["child_id"].to_numpy(str), return_inverse=True)
    language = _choose(rng, LANGUAGES, LANGUAGES.values(), len(children))[child_of]
    language[not_recorded] = "not_recorded"
    words = np.where(language == "english", "English", "").astype(object)
    for value, table in (("welsh", WELSH_WORDS), ("other", OTHER_WORDS)):
        mine = language == value
        words[mine] = _choose(rng, table, table.values(), int(mine.sum()))
    words[not_recorded] = np.where(rng.random(int(not_recorded.sum())) < 0.6, "", "Not recorded")

    seen = rng.random(n) < CHILD_SEEN
    seen_word = np.where(seen, "Yes", "No").astype(object)
    seen_word[open_now & (rng.random(n) < 0.5)] = ""

    outcome = _choose(rng, OUTCOMES, OUTCOMES.values(), n)
    outcome[open_now] = ""

    frame = pd.DataFrame({
        "assessment_id": "AS" + pd.Series(np.arange(n) + 610_001).astype(str),
        "child_id": chosen["child_id"].to_numpy(object),
        "referral_date": pd.Series(referral).astype("datetime64[us]"),
        "start_date": pd.Series(start).astype("datetime64[us]").mask(not_started),
        "completion_date": pd.Series(completion).astype("datetime64[us]").mask(open_now),
        "team": team,
        "child_seen": seen_word,
        "language": language,
        "language_label": words,
        "outcome": outcome,
        "working_days": pd.Series(taken).mask(open_now).astype("Int64"),
        "carried_in": referral < start_of_data,
    })
    frame = frame[kept].reset_index(drop=True)
    frame["assessment_id"] = "AS" + pd.Series(np.arange(len(frame)) + 610_001).astype(str)
    return frame
