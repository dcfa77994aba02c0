"""UK financial periods: one syntax, the right months, Welsh labels."""

from __future__ import annotations

import pandas as pd
import pytest

from kpi.time.periods import (PeriodError, QuarterSpan, a_year_earlier, bounds, code, financial_year, half_year, kind,
                         label, last_quarter, latest_complete_quarter, months_label, parse_period,
                         parse_period_range, previous, quarters_in, resolve, rolling_12_months, window,
                         year_to_date)


@pytest.mark.parametrize(("text", "first", "last"), [
    ("2018-19Q1", "2018-04-01", "2018-06-30"),
    ("2018-19Q2", "2018-07-01", "2018-09-30"),
    ("2018-19Q3", "2018-10-01", "2018-12-31"),
    ("2018-19Q4", "2019-01-01", "2019-03-31"),
    ("2018-19", "2018-04-01", "2019-03-31"),
    ("2019-20Q4", "2020-01-01", "2020-03-31"),  # a leap year's February is inside
    ("1999-00Q1", "1999-04-01", "1999-06-30"),  # the century turns
])
def test_periods_cover_the_right_days(text, first, last):
    assert bounds(parse_period(text)) == (pd.Timestamp(first), pd.Timestamp(last))


@pytest.mark.parametrize("text", ["2018-19 Q2", "2018/19Q2", "2018-2019Q2", "Ch2 2018-19", "2018-19q2"])
def test_other_spellings_of_a_quarter(text):
    assert code(parse_period(text)) == "2018-19Q2"


@pytest.mark.parametrize("text", ["2018-20Q2", "2018-19Q5", "Q2 2018", "July 2018", ""])
def test_impossible_periods_are_refused(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_labels_in_english_and_welsh():
    quarter = parse_period("2018-19Q2")
    assert label(quarter) == "2018-19 Q2"
    assert label(quarter, "cy") == "Ch2 2018-19"
    assert label(parse_period("2018-19")) == "2018-19"


def test_range_gives_every_quarter():
    quarters = parse_period_range("2016-17Q4..2018-19Q3")
    assert [code(q) for q in quarters][:3] == ["2016-17Q4", "2017-18Q1", "2017-18Q2"]
    assert len(quarters) == 8
    assert code(quarters[-1]) == "2018-19Q3"


def test_range_backwards_or_mixed_is_refused():
    with pytest.raises(PeriodError, match="ends before it starts"):
        parse_period_range("2018-19Q3..2016-17Q4")
    with pytest.raises(PeriodError, match="both ends"):
        parse_period_range("2017-18..2018-19Q3")


def test_latest_is_the_last_complete_quarter():
    assert code(latest_complete_quarter(pd.Timestamp("2018-12-31 16:00"))) == "2018-19Q3"
    assert code(latest_complete_quarter(pd.Timestamp("2018-12-30"))) == "2018-19Q2"
    assert [code(p) for p in resolve("latest", pd.Timestamp("2019-01-05")).periods] == ["2018-19Q3"]
    assert len(resolve("2017-18Q4..latest", pd.Timestamp("2019-01-05")).periods) == 4


def test_latest_without_data_is_refused():
    with pytest.raises(PeriodError, match="run `kpi ingest` first"):
        resolve("latest", None)


def test_rolling_twelve_months_ends_with_the_period():
    assert rolling_12_months(parse_period("2018-19Q2")) == (pd.Timestamp("2017-10-01"), pd.Timestamp("2018-09-30"))


# ---- Half-years and years to date ---------------------------------------------------------------------

def codes(periods):
    return [code(p) for p in periods]


@pytest.mark.parametrize(("text", "first", "last", "days"), [
    ("2025-26H1", "2025-04-01", "2025-09-30", 30 + 31 + 30 + 31 + 31 + 30),
    ("2025-26H2", "2025-10-01", "2026-03-31", 31 + 30 + 31 + 31 + 28 + 31),
    ("2023-24H2", "2023-10-01", "2024-03-31", 31 + 30 + 31 + 31 + 29 + 31),  # 29 February 2024
    ("1999-00H2", "1999-10-01", "2000-03-31", 31 + 30 + 31 + 31 + 29 + 31),  # the century turns, 2000 is leap
    ("2025-26Q1-Q3", "2025-04-01", "2025-12-31", 30 + 31 + 30 + 31 + 31 + 30 + 31 + 30 + 31),
])
def test_halves_and_years_to_date_cover_the_right_days(text, first, last, days):
    start, end = bounds(parse_period(text))
    assert (start, end) == (pd.Timestamp(first), pd.Timestamp(last))
    assert (end - start).days + 1 == days


def test_a_span_starts_and_ends_as_a_pandas_period_does():
    half = parse_period("2025-26H1")
    assert half.start_time == pd.Timestamp("2025-04-01 00:00:00")
    assert half.end_time == parse_period("2025-26Q2").end_time  # pandas' own convention, whatever its unit
    assert half.end_time.normalize() == pd.Timestamp("2025-09-30")
    assert pd.Timestamp("2025-09-30 23:59:59") < half.end_time < pd.Timestamp("2025-10-01")


@pytest.mark.parametrize(("text", "expected"), [
    ("2025-26 H1", "2025-26H1"), ("2025-26h2", "2025-26H2"), ("2025/26H1", "2025-26H1"),
    ("2025-2026H2", "2025-26H2"), ("2025-26 Q1-Q3", "2025-26Q1-Q3"), ("2025-26q1 - q3", "2025-26Q1-Q3"),
    ("Ch1-Ch3 2025-26", "2025-26Q1-Q3"), ("Ch3-Ch4 2025-26", "2025-26H2"),
])
def test_other_spellings_of_halves_and_years_to_date(text, expected):
    assert code(parse_period(text)) == expected


@pytest.mark.parametrize(("text", "expected", "what"), [
    ("2025-26Q1-Q1", "2025-26Q1", "quarter"),
    ("2025-26Q2-Q2", "2025-26Q2", "quarter"),
    ("2025-26Q1-Q2", "2025-26H1", "half"),
    ("2025-26Q3-Q4", "2025-26H2", "half"),
    ("2025-26Q1-Q3", "2025-26Q1-Q3", "year_to_date"),
    ("2025-26Q1-Q4", "2025-26", "year"),
])
def test_a_span_of_quarters_is_written_as_the_period_it_makes(text, expected, what):
    period = parse_period(text)
    assert code(period) == expected
    assert kind(period) == what
    assert period == parse_period(expected)


@pytest.mark.parametrize("text", ["2025-26Q2-Q3", "2025-26Q2-Q4", "2025-26Q3-Q1", "Ch2-Ch3 2025-26"])
def test_a_span_that_does_not_start_at_q1_is_refused_in_one_line(text):
    with pytest.raises(PeriodError, match="must start at Q1") as refused:
        parse_period(text)
    assert "\n" not in str(refused.value)


@pytest.mark.parametrize("text", ["2025-26H3", "2025-26H0", "2025-27H1", "H1 2025-26", "2025-26Q1-Q5",
                                  "2025-26Q1-", "2025-26H1-H2"])
def test_impossible_halves_and_spans_are_refused(text):
    with pytest.raises(PeriodError):
        parse_period(text)


def test_a_span_can_only_be_a_half_or_a_year_to_date():
    q1, q2, q3 = (parse_period(f"2025-26Q{n}") for n in (1, 2, 3))
    with pytest.raises(PeriodError, match="neither a half-year nor a year to date"):
        QuarterSpan(q2, q3)
    with pytest.raises(PeriodError):
        QuarterSpan(parse_period("2024-25Q4"), q1)  # two financial years
    with pytest.raises(PeriodError):
        QuarterSpan(q1, q1 + 3)  # that is the year, not a span
    assert QuarterSpan(q1, q2) == half_year(parse_period("2025-26"), 1)
    assert year_to_date(q3) == parse_period("2025-26Q1-Q3")
    assert year_to_date(q1) == q1
    assert year_to_date(q1 + 3) == parse_period("2025-26")


@pytest.mark.parametrize("text", ["2025-26Q2", "2025-26", "2025-26H1", "2025-26H2", "2025-26Q1-Q3",
                                  "1999-00H2"])
def test_every_code_reads_back_as_the_same_period(text):
    assert code(parse_period(text)) == text
    assert parse_period(code(parse_period(text))) == parse_period(text)


def test_labels_say_halves_and_years_to_date_as_quarters():
    h1, h2, ytd = (parse_period(t) for t in ("2025-26H1", "2025-26H2", "2025-26Q1-Q3"))
    assert [label(p) for p in (h1, h2, ytd)] == ["2025-26 Q1-Q2", "2025-26 Q3-Q4", "2025-26 Q1-Q3"]
    assert [label(p, "cy") for p in (h1, h2, ytd)] == ["Ch1-Ch2 2025-26", "Ch3-Ch4 2025-26", "Ch1-Ch3 2025-26"]
    assert label(parse_period("2018-19Q2"), "cy") == "Ch2 2018-19"  # unchanged


def test_months_of_halves_and_years_to_date_in_words():
    assert months_label(parse_period("2025-26H1")) == "April to September 2025"
    assert months_label(parse_period("2025-26H2")) == "October 2025 to March 2026"
    assert months_label(parse_period("2025-26Q1-Q3")) == "April to December 2025"
    assert months_label(parse_period("2025-26H2"), "cy") == "Hydref 2025 – Mawrth 2026"


MONTH = pd.Period("2025-07", freq="M")


@pytest.mark.parametrize(("period", "what"), [
    (MONTH, "month"), (parse_period("2025-26Q2"), "quarter"), (parse_period("2025-26H1"), "half"),
    (parse_period("2025-26Q1-Q3"), "year_to_date"), (parse_period("2025-26"), "year"),
])
def test_kind(period, what):
    assert kind(period) == what


@pytest.mark.parametrize("period", [pd.Period("2025Q1", freq="Q-DEC"), pd.Period("2025-07-01 10:00", freq="h"), "2025-26"])
def test_kind_refuses_what_is_not_a_financial_period(period):
    with pytest.raises(PeriodError):
        kind(period)


@pytest.mark.parametrize(("period", "before"), [
    (MONTH, "2025-06"),
    (pd.Period("2025-04", freq="M"), "2025-03"),
    (parse_period("2025-26Q1"), "2024-25Q4"),
    (parse_period("2025-26Q3"), "2025-26Q2"),
    (parse_period("2025-26H1"), "2024-25H2"),
    (parse_period("2025-26H2"), "2025-26H1"),
    (parse_period("2025-26"), "2024-25"),
])
def test_previous_is_the_period_just_before_of_the_same_kind(period, before):
    assert code(previous(period)) == before
    assert kind(previous(period)) == kind(period)
    before_end = previous(period).end_time
    assert before_end < period.start_time == before_end.normalize() + pd.Timedelta(days=1)  # no gap, no overlap


def test_a_year_to_date_has_no_previous():
    assert previous(parse_period("2025-26Q1-Q3")) is None


@pytest.mark.parametrize(("period", "earlier"), [
    (MONTH, "2024-07"),
    (parse_period("2025-26Q1"), "2024-25Q1"),
    (parse_period("2025-26H1"), "2024-25H1"),
    (parse_period("2025-26H2"), "2024-25H2"),
    (parse_period("2025-26Q1-Q3"), "2024-25Q1-Q3"),
    (parse_period("2025-26"), "2024-25"),
])
def test_a_year_earlier_is_the_same_span_a_year_before(period, earlier):
    back = a_year_earlier(period)
    assert code(back) == earlier
    assert back.start_time == period.start_time - pd.DateOffset(years=1)
    assert bounds(back)[1] == bounds(period)[1] - pd.DateOffset(years=1)


def test_halves_step_by_halves():
    h1 = parse_period("2025-26H1")
    assert h1 + 1 == parse_period("2025-26H2")
    assert h1 + 2 == parse_period("2026-27H1")
    assert 3 + h1 == parse_period("2026-27H2")
    assert h1 - 1 == parse_period("2024-25H2")
    assert h1 - 4 == parse_period("2023-24H1")
    assert parse_period("2025-26H2") - 1 == h1


def test_a_year_to_date_does_not_step():
    with pytest.raises(TypeError, match="a_year_earlier"):
        parse_period("2025-26Q1-Q3") + 1
    with pytest.raises(TypeError):
        parse_period("2025-26Q1-Q3") - 1


@pytest.mark.parametrize(("period", "quarters"), [
    (pd.Period("2025-11", freq="M"), ["2025-26Q3"]),
    (pd.Period("2026-02", freq="M"), ["2025-26Q4"]),
    (parse_period("2025-26Q2"), ["2025-26Q2"]),
    (parse_period("2025-26H1"), ["2025-26Q1", "2025-26Q2"]),
    (parse_period("2025-26H2"), ["2025-26Q3", "2025-26Q4"]),
    (parse_period("2025-26Q1-Q3"), ["2025-26Q1", "2025-26Q2", "2025-26Q3"]),
    (parse_period("2025-26"), ["2025-26Q1", "2025-26Q2", "2025-26Q3", "2025-26Q4"]),
])
def test_quarters_in_a_period(period, quarters):
    assert codes(quarters_in(period)) == quarters
    assert code(last_quarter(period)) == quarters[-1]
    assert code(financial_year(period)) == "2025-26"


def test_window_and_rolling_year_for_a_half():
    h1 = parse_period("2025-26H1")
    assert window(h1) == bounds(h1)
    assert window(h1, "year") == (pd.Timestamp("2025-04-01"), pd.Timestamp("2026-03-31"))
    assert window(parse_period("2025-26Q2"), "year") == (pd.Timestamp("2025-04-01"), pd.Timestamp("2026-03-31"))
    assert rolling_12_months(h1) == (pd.Timestamp("2024-10-01"), pd.Timestamp("2025-09-30"))


def test_spans_sort_hash_and_key_dicts():
    h1, h2, ytd = (parse_period(t) for t in ("2025-26H1", "2025-26H2", "2025-26Q1-Q3"))
    earlier = parse_period("2024-25H2")
    assert sorted([h2, ytd, earlier, h1]) == [earlier, h1, ytd, h2]  # by first day, then last day
    assert earlier < h1 < ytd < h2
    assert len({h1, parse_period("2025-26 H1"), parse_period("2025-26Q1-Q2"), h2}) == 2
    values = {h1: 87.5, ytd: 86.0}
    assert values[parse_period("Ch1-Ch2 2025-26")] == 87.5
    assert values[parse_period("2025-26 Q1-Q3")] == 86.0
    assert h1 != parse_period("2025-26Q1") and h1 != "2025-26H1"


def test_a_span_is_not_ordered_against_a_pandas_period():
    with pytest.raises(TypeError):
        parse_period("2025-26H1") < parse_period("2025-26Q3")


def test_a_span_is_not_mistaken_for_a_quarter_month_or_year():
    for period in (parse_period("2025-26H1"), parse_period("2025-26Q1-Q3")):
        assert not period.freqstr.startswith(("Q", "M", "Y", "A"))
        assert not hasattr(period, "freq")  # pandas cannot make a range of it: use quarters_in
        assert str(period) == code(period)
        assert repr(period) == f"QuarterSpan('{code(period)}')"


@pytest.mark.parametrize(("last_date", "expected"), [
    ("2025-06-30 16:00", "2025-26Q1"),     # Q1 has just ended
    ("2025-11-15", "2025-26H1"),           # mid Q3: Q1-Q2 are complete
    ("2025-12-31", "2025-26Q1-Q3"),
    ("2026-02-10", "2025-26Q1-Q3"),
    ("2026-03-31", "2025-26"),             # all four quarters complete
    ("2027-08-01", "2025-26"),             # a past year
])
def test_year_to_date_runs_to_the_latest_complete_quarter_of_that_year(last_date, expected):
    chosen = resolve("2025-26YTD", pd.Timestamp(last_date))
    assert codes(chosen.periods) == [expected]
    assert code(resolve("2025-26 ytd", pd.Timestamp(last_date)).latest) == expected


def test_year_to_date_with_no_complete_quarter_is_refused():
    with pytest.raises(PeriodError, match="no quarter of 2025-26 is complete in the data") as refused:
        resolve("2025-26YTD", pd.Timestamp("2025-06-29"))
    assert "\n" not in str(refused.value)
    with pytest.raises(PeriodError, match="run `kpi ingest` first"):
        resolve("2025-26YTD", None)


def test_year_to_date_needs_the_data():
    with pytest.raises(PeriodError, match="depends on the data"):
        parse_period("2025-26YTD")
    with pytest.raises(PeriodError, match="on its own"):
        resolve("2024-25Q1..2025-26YTD", pd.Timestamp("2025-12-31"))


def test_resolve_reads_halves_and_spans_and_still_reads_ranges():
    last = pd.Timestamp("2026-01-05")
    assert codes(resolve("2025-26H1", last).periods) == ["2025-26H1"]
    assert codes(resolve("2025-26 Q1-Q3", last).periods) == ["2025-26Q1-Q3"]
    assert codes(resolve("2025-26Q1-Q4", last).periods) == ["2025-26"]
    assert codes(resolve("2024-25Q4..latest", last).periods) == ["2024-25Q4", "2025-26Q1", "2025-26Q2",
                                                                 "2025-26Q3"]
    assert codes(resolve("2022-23..2024-25", last).periods) == ["2022-23", "2023-24", "2024-25"]


@pytest.mark.parametrize("text", ["2024-25H1..2025-26H1", "2025-26Q1..2025-26H2", "2024-25Q1-Q3..2025-26"])
def test_a_range_of_halves_or_years_to_date_is_refused(text):
    with pytest.raises(PeriodError, match="quarters or years"):
        parse_period_range(text)
