"""What every measure shares: the registry, the catalogue beside it, the period a measure sees, and how a
figure and its records are put together. Each indicator's own test is tests/indicators/test_<id>.py."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from kpi.catalogue import catalogue
from kpi.data.processed import ProcessedData
from kpi.indicators.measures import (MEASURES, Counted, PeriodData, Settings, Tally, Unavailable, count_among,
                                     count_of, rows_where, share_of)
from kpi.time.periods import bounds, parse_period
from tables import canonical, contact

Q2 = parse_period("2018-19Q2")  # July - September 2018
INDICATOR_TESTS = Path(__file__).parent / "indicators"


def test_every_catalogue_indicator_has_a_measure_and_every_measure_an_entry():
    assert set(catalogue()) == set(MEASURES)


def test_every_indicator_has_its_hand_checked_test():
    assert {f"test_{i}.py" for i in catalogue()} == {p.name for p in INDICATOR_TESTS.glob("test_*.py")}


def test_catalogue_entries_are_complete():
    for indicator in catalogue().values():
        assert indicator.title["en"] and indicator.title["cy"], indicator.id
        assert indicator.unit in ("count", "percent", "days", "ratio", "rate")
        assert indicator.polarity in ("higher_is_better", "lower_is_better", "neutral")
        if indicator.unit == "percent":
            assert indicator.denominator, f"{indicator.id} is a percentage without a denominator definition"
        if indicator.target is not None:
            assert indicator.polarity != "neutral", f"{indicator.id}: a target needs a polarity"


def test_bounds_are_whole_days():
    start, end = bounds(Q2)
    assert (start, end) == (pd.Timestamp("2018-07-01"), pd.Timestamp("2018-09-30"))


@pytest.fixture
def period_data() -> PeriodData:
    contacts = canonical("contacts", [
        contact("C1", "K1", "2018-06-30 23:59", source="police"),
        contact("C2", "K2", "2018-07-01 00:00", source="police"),
        contact("C3", "K3", "2018-09-30 23:59"),
        contact("C4", "K4", "2018-10-01 00:00"),
    ])
    data = ProcessedData.from_tables({"contacts": contacts})
    return PeriodData(data.tables, data.spans, *bounds(Q2), Settings())


def test_a_measure_called_gives_the_figure_of_what_it_counted(period_data):
    for indicator_id, measure in MEASURES.items():
        try:
            counted = measure.counted(period_data)
        except Unavailable:
            continue
        assert isinstance(counted, Counted) and measure(period_data) == counted.tally, indicator_id


def test_during_takes_whole_days_with_their_times(period_data):
    frame = period_data.tables["contacts"]
    assert frame.loc[period_data.during(frame, "received_at"), "contact_id"].tolist() == ["C2", "C3"]


def test_rows_are_selected_once_per_period(period_data):
    calls = []

    def selection(data):
        calls.append(data)
        return len(calls)

    assert (period_data.once(selection), period_data.once(selection)) == (1, 1)


def test_a_missing_value_does_not_meet_a_condition(period_data):
    frame = period_data.tables["contacts"]
    assert rows_where(frame, pd.Series([True, pd.NA, False, True], dtype="boolean"))["contact_id"].tolist() == [
        "C1", "C4"]


def test_how_counts_and_shares_are_built(period_data):
    frame = period_data.tables["contacts"]
    police = frame[frame["source"].eq("police")]
    assert count_of(frame).tally == Tally(4, None, 4)
    assert count_of(frame.iloc[:1], how_many=12).tally == Tally(12, None, 12)  # a monthly total's count
    assert share_of(police, frame, nothing="none").tally == Tally(2, 4, 50)
    assert count_among(police, frame).tally == Tally(2, 4, 2)
    with pytest.raises(Unavailable, match="nothing to divide by"):
        share_of(police.iloc[0:0], frame.iloc[0:0], nothing="nothing to divide by")
