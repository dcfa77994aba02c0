"""SPC charts render in every situation, and their alt text tells the chart's story."""

from __future__ import annotations

import gc
import re

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from matplotlib.figure import Figure

from chart_checks import (WelshStub, contrast_failures, css_width_mm, ratio, small_texts, texts_of, texts_outside,
                          untranslated, words_of)
from kpi.words.formatting import format_value
from kpi.charts import (ASSURANCE_LABELS, PNG_DPI, VARIATION_LABELS, alt_text, icon_png, shown_limits,
                        spc_chart, to_png)
from kpi.time.periods import label as period_label
from kpi.spc.phases import RebasePoint
from kpi.spc.icons import ASSURANCE_ICONS, VARIATION_ICONS
from kpi.spc.xmr import spc

pytestmark = pytest.mark.filterwarnings("ignore:some rebase groups")

QUARTERS = list(pd.period_range("2016-04", periods=16, freq="Q-MAR"))  # 2016-17 Q1 .. 2019-20 Q4
WHEELER = [5045, 4350, 4350, 3975, 4290, 4430, 4485, 4285, 3980, 3925, 3645, 3760, 3300, 3685, 3463, 5200]
STEADY = [10, 12, 10, 8] * 4  # mean 10, limits 4.68 / 15.32: common cause throughout


def render(result, **kwargs) -> tuple[Figure, str]:
    kwargs.setdefault("title", "Assessments on time")
    figure, text = spc_chart(result, **kwargs)
    figure.canvas.draw()  # actually render, so layout errors surface
    return figure, text


@pytest.mark.parametrize(
    ("improvement", "phrase"),
    [
        ("increase", "special cause improvement since 2019-20 Q4"),
        ("decrease", "special cause concern since 2019-20 Q4"),
        ("neutral", "special cause variation (higher) since 2019-20 Q4"),
    ],
)
def test_alt_text_states_the_direction(improvement, phrase):
    # The last point (5200) is above the upper limit: improvement if higher is better, concern if not.
    r = spc(WHEELER, periods=QUARTERS, improvement=improvement)
    figure, text = render(r, unit="number", decimals=0)
    assert text.startswith("Assessments on time: 5,200 in 2019-20 Q4, above the mean of 4,136; ")
    assert phrase in text
    assert isinstance(figure, Figure)


def test_alt_text_for_common_cause():
    # Mean 10, mean moving range 2: limits 10 -/+ 2.66 x 2 = 4.68 / 15.32; no rule fires anywhere.
    text = alt_text(spc(STEADY, periods=QUARTERS), title="Visits", unit="percent", decimals=1)
    assert text == (
        "Visits: 8.0% in 2019-20 Q4, below the mean of 10.0%; within normal variation between 4.7% and 15.3%. "
        "The chart runs from 2016-17 Q1 to 2019-20 Q4. No point on the chart is special cause."
    )


def test_special_cause_since_is_the_start_of_the_current_spell():
    # Wheeler's run below the mean starts at point 9 (2018-19 Q1) and its last point is a concern.
    r = spc(WHEELER[:-1], periods=QUARTERS[:-1])
    assert "special cause concern since 2018-19 Q1" in alt_text(r, title="X", unit="number", decimals=0)


@pytest.mark.parametrize(
    ("target", "improvement", "sentence"),
    [
        (3000, "increase", "The target of 3,000 will be met consistently if nothing changes."),
        (3000, "decrease", "The target of 3,000 will be missed consistently unless something changes."),
        (4000, "increase", "The target of 4,000 will be hit and missed at random."),
        (4000, "neutral", "The target is 4,000."),
    ],
)
def test_alt_text_explains_the_assurance_icon(target, improvement, sentence):
    r = spc(WHEELER, target=target, improvement=improvement)
    _, text = render(r, unit="number", decimals=0)
    assert sentence in text


def test_chart_with_rebase_nan_target_and_short_series():
    values = [70, 72, np.nan, 74, 71, 73, 70, 72, 85, 87, 86, 88, 89, np.nan, 86, 87]
    r = spc(values, periods=QUARTERS, rebase_at=[QUARTERS[8]], target=80)
    figure, text = render(r, decimals=0)
    ax = figure.axes[0]
    assert any(line.get_linestyle() == ":" for line in ax.lines)  # the rebase line
    assert "Limits recalculated from 2018-19 Q1" in text
    assert "trial limits" in text
    assert "87% in 2019-20 Q4" in text
    assert _title(figure) == "Assessments on time"


@pytest.mark.parametrize("values", [[5.0], [5.0, 6.0], [np.nan, np.nan], [1, 2, 3]])
def test_chart_of_a_very_short_series(values):
    figure, text = render(spc(values), unit="number", decimals=0)
    assert text
    assert len(figure.axes) >= 1


def test_no_data_alt_text():
    assert alt_text(spc([np.nan]), title="Visits") == "Visits: no data."


def test_special_cause_points_have_their_own_shapes():
    r = spc(WHEELER, periods=QUARTERS)
    figure, _ = render(r, unit="number", decimals=0)
    markers = {line.get_marker() for line in figure.axes[0].lines if line.get_linestyle() in ("None", "none")}
    assert {"o", "D", "X"} <= markers  # common cause, improvement, concern


def test_chart_on_a_callers_axes_and_in_welsh():
    fig, ax = plt.subplots()
    try:
        figure, text = spc_chart(spc(WHEELER, periods=QUARTERS), title="Asesiadau", ax=ax, unit="number",
                                 decimals=0, text=WelshStub())
        figure.canvas.draw()
        assert figure is fig
        assert text.startswith("Asesiadau: 5,200 ⟨in ⟩Ch4 2019-20, ⟨above the mean of ⟩4,136; ")
        assert [t.get_text() for t in ax.get_xticklabels() if t.get_text()][-1] == "Ch4 2019-20"
    finally:
        plt.close(fig)


def test_charts_do_not_leak_pyplot_figures():
    before = plt.get_fignums()
    for _ in range(2):
        render(spc(STEADY))
    gc.collect()
    assert plt.get_fignums() == before


def test_a_chart_no_longer_held_is_freed_with_its_figure():
    """Nothing kpi keeps about a chart (such as the x ticks it last placed) may keep the chart alive: a kernel
    that makes pack after pack would otherwise hold every chart it ever drew."""
    import weakref

    figure, _ = render(spc(np.arange(40.0) % 7, periods=list(pd.period_range("2010-04", periods=40, freq="Q-MAR"))),
                       unit="number")
    drawn = weakref.ref(figure)
    del figure
    gc.collect()
    assert drawn() is None


def test_thinned_tick_labels_keep_the_latest_period():
    periods = list(pd.period_range("2010-04", periods=40, freq="Q-MAR"))
    figure, _ = render(spc(np.arange(40.0) % 7, periods=periods), unit="number")
    labels = [t.get_text() for t in figure.axes[0].get_xticklabels()]
    assert len(labels) <= 12
    assert labels[-1] == "2019-20 Q4"


def test_every_point_has_one_tick_mark_below_the_axis_labelled_or_not():
    periods = list(pd.period_range("2010-04", periods=40, freq="Q-MAR"))
    figure, _ = render(spc(np.arange(40.0) % 7, periods=periods), unit="number")
    ax = figure.axes[0]
    labelled = [float(x) for x in ax.get_xticks()]
    marks = [line for line in ax.lines if line.get_gid() == "point_marks"]
    assert len(marks) == 1  # fitting the plot several times leaves one line of marks, not one per round
    unlabelled = [float(x) for x in marks[0].get_xdata()]
    assert sorted(labelled + unlabelled) == list(np.arange(40.0))
    assert list(marks[0].get_ydata()) == [0.0] * len(unlabelled) and marks[0].get_clip_on() is False
    assert marks[0].get_marker() == 3  # TICKDOWN: pointing out of the plot, as the style's ticks do


@pytest.mark.parametrize("value", VARIATION_ICONS)
def test_variation_icons_and_labels(value):
    png = icon_png("variation", value, size_px=48)
    assert png.startswith(b"\x89PNG")
    assert VARIATION_LABELS[value]


@pytest.mark.parametrize("value", ASSURANCE_ICONS)
def test_assurance_icons_and_labels(value):
    assert icon_png("assurance", value).startswith(b"\x89PNG")
    assert ASSURANCE_LABELS[value]


def test_unknown_icon():
    with pytest.raises(ValueError):
        icon_png("variation", "pass")


def test_long_titles_wrap_clear_of_the_icons():
    result = spc([50, 52, 49, 55, 53, 51, 54, 50, 52, 56, 53, 55, 57], target=55)
    figure, _ = spc_chart(result, title="Contacts leading to a strategy discussion or meeting")
    figure.canvas.draw()
    texts = [t for t in figure.findobj(lambda o: hasattr(o, "get_text") and hasattr(o, "get_window_extent"))
             if t.get_text()]
    title = next(t for t in texts if t.get_text().startswith("Contacts leading"))
    captions = [t for t in texts if t.get_text().replace("\n", " ") in ("Common cause", "Hit and miss", "Meets target",
                                                                        "Misses target")]
    assert "\n" in title.get_text()
    box = title.get_window_extent()
    assert captions
    for caption in captions:
        other = caption.get_window_extent()
        assert box.x1 < other.x0 or box.y0 > other.y1 or box.y1 < other.y0, caption.get_text()


def test_ratios_are_plain_numbers_on_the_axis_and_in_words():

    assert format_value(16.64, "ratio", 1) == "16.6"
    assert format_value(56.6, "days", 1) == "56.6 days"
    assert format_value(87.21, "percent", 1) == "87.2%"


# ---------------------------------------------------------------------------------------------- percent limits

LOW = [1, 5, 1, 5] * 4  # mean 3, every moving range 4: limits 3 -/+ 10.64 = -7.64 / 13.64
HIGH = [99, 95, 99, 95] * 4  # mean 97: limits 86.36 / 107.64


def _limit_lines(figure) -> dict[str, list[float]]:
    found: dict[str, list[float]] = {}
    for line in figure.axes[0].lines:
        if line.get_gid() in ("mean", "lpl", "upl"):
            found.setdefault(line.get_gid(), []).extend(float(y) for y in line.get_ydata())
    return found


@pytest.mark.parametrize(("values", "lpl", "upl", "words"), [
    (LOW, 0.0, 13.64, "normal variation between 0.0% and 13.6%"),
    (HIGH, 86.36, 100.0, "normal variation between 86.4% and 100.0%"),
])
def test_percent_limits_never_pass_0_or_100(values, lpl, upl, words):
    figure, text = render(spc(values, periods=QUARTERS), unit="percent", decimals=1)
    lines = _limit_lines(figure)
    assert lines["lpl"] == pytest.approx([lpl, lpl])
    assert lines["upl"] == pytest.approx([upl, upl])
    assert words in text
    shown = [t.get_text() for t in figure.axes[0].get_yticklabels() if t.get_text()]
    assert all(0 <= float(t.rstrip("%")) <= 100 for t in shown), shown


def test_other_units_keep_their_limits():
    figure, text = render(spc(LOW, periods=QUARTERS), unit="number", decimals=2)
    assert _limit_lines(figure)["lpl"] == pytest.approx([-7.64, -7.64])
    assert "normal variation between -7.64 and 13.64" in text
    assert shown_limits(-7.64, 13.64, "number") == (-7.64, 13.64)
    assert shown_limits(-7.64, 113.0, "percent") == (0.0, 100.0)


def test_axis_ticks_say_2_5_percent_not_2_percent():
    figure, _ = render(spc([1, 4, 0.5, 6, 2, 0, 3, 5, 1, 2, 7, 0, 2, 3], periods=QUARTERS[:14]), unit="percent")
    ax = figure.axes[0]
    ax.set_yticks([0, 2.5, 5, 7.5])  # the formatter chooses the decimals from the ticks shown
    figure.canvas.draw()
    shown = [t.get_text() for t in ax.get_yticklabels() if t.get_text()]
    assert shown == ["0.0%", "2.5%", "5.0%", "7.5%"]
    ax.set_yticks([0, 5, 10])
    figure.canvas.draw()
    assert [t.get_text() for t in ax.get_yticklabels() if t.get_text()] == ["0%", "5%", "10%"]


# ---------------------------------------------------------------------------------------------- phases

STEP = [10, 12, 10, 8] * 2 + [20, 22, 20, 18] * 2  # two phases: means 10 and 20


def _phase(position: int, *descriptions: str) -> RebasePoint:
    return RebasePoint(QUARTERS[position], position, descriptions, ())


def _title(figure) -> str:
    return next(t.get_text() for t in figure.texts if t.get_gid() == "title")


def _texts(figure) -> list:
    return [t for t in figure.findobj(lambda o: hasattr(o, "get_text") and hasattr(o, "get_window_extent"))
            if t.get_text()]


def _overlap(a, b) -> bool:
    return a.x0 < b.x1 and b.x0 < a.x1 and a.y0 < b.y1 and b.y0 < a.y1


def test_the_recorded_change_is_written_at_the_boundary_and_in_the_alt_text():
    r = spc(STEP, periods=QUARTERS, rebase_at=[QUARTERS[8]])
    figure, text = render(r, unit="number", decimals=0, rebase_points=[_phase(8, "Improvement board set up")])
    labels = [t for t in figure.axes[0].texts if t.get_gid() == "phase_label"]
    assert [t.get_text() for t in labels] == ["Improvement board set up"]
    assert "Limits recalculated" not in [t.get_text() for t in figure.axes[0].texts]
    assert "Limits recalculated from 2018-19 Q1 (Improvement board set up)." in text
    assert "The chart runs from 2016-17 Q1 to 2019-20 Q4." in text


def test_without_a_description_the_boundary_says_limits_recalculated():
    r = spc(STEP, periods=QUARTERS, rebase_at=[QUARTERS[8]])
    figure, text = render(r, unit="number", decimals=0)
    assert [t.get_text() for t in figure.axes[0].texts if t.get_gid() == "phase_label"] == ["Limits recalculated"]
    assert "Limits recalculated from 2018-19 Q1." in text


def test_a_change_where_the_limits_do_not_break_is_not_written():
    r = spc(STEP, periods=QUARTERS, rebase_at=[QUARTERS[8]])
    figure, text = render(r, unit="number", rebase_points=[_phase(8, "Board"), _phase(12, "Not a rebase")])
    assert "Not a rebase" not in text
    assert "Not a rebase" not in [t.get_text() for t in _texts(figure)]


def test_phase_labels_are_clear_of_the_data_title_icons_and_each_other():
    values = [10, 12, 10, 8, 11, 9, 20, 22, 20, 18, 21, 30, 31, 29, 30, 32]
    changes = [_phase(6, "New front-door team"), _phase(11, "Improvement board set up after the 2023 inspection"),
               _phase(15, "Recording audit")]
    r = spc(values, periods=QUARTERS, rebase_at=[c.period for c in changes], target=25)
    figure, text = render(r, unit="number", decimals=0, title="Contacts decided within one working day",
                          rebase_points=changes)
    ax = figure.axes[0]
    labels = [t for t in ax.texts if t.get_gid() == "phase_label"]
    assert len(labels) == 3
    assert "\n" in labels[1].get_text()  # the long one is wrapped
    assert labels[1].get_text().replace("\n", " ") == "Improvement board set up after the 2023 inspection"
    boxes = [t.get_window_extent() for t in labels]
    plot = ax.get_window_extent()
    highest = max(max(values), *(y for ys in _limit_lines(figure).values() for y in ys), 25)
    top_of_data = ax.transData.transform((0, highest))[1]
    for box in boxes:
        assert plot.x0 <= box.x0 and box.x1 <= plot.x1 and box.y1 <= plot.y1  # inside the plot
        assert box.y0 > top_of_data  # above every point, limit and the target
    for i, box in enumerate(boxes):
        for other in boxes[i + 1:]:
            assert not _overlap(box, other)
    others = [t for t in _texts(figure) if t.get_gid() != "phase_label" and t not in ax.get_xticklabels()
              and t not in ax.get_yticklabels()]
    assert any(t.get_text().startswith("Contacts decided") for t in others)  # the title is among them
    for label in labels:
        for other in others:
            assert not _overlap(label.get_window_extent(), other.get_window_extent()), other.get_text()


def test_two_changes_in_one_quarter_are_named_together():
    r = spc(STEP, periods=QUARTERS, rebase_at=[QUARTERS[8]])
    _, text = render(r, unit="number", rebase_points=[_phase(8, "New manager", "Recording audit")])
    assert "Limits recalculated from 2018-19 Q1 (New manager; Recording audit)." in text


def test_phases_and_span_in_welsh():
    r = spc(STEP, periods=QUARTERS, rebase_at=[QUARTERS[8]])
    _, text = render(r, unit="number", text=WelshStub(), rebase_points=[_phase(8, "Bwrdd gwella")])
    assert "⟨The chart runs from ⟩Ch1 2016-17⟨ to ⟩Ch4 2019-20⟨.⟩" in text
    assert "⟨Limits recalculated from ⟩Ch1 2018-19 (Bwrdd gwella)⟨.⟩" in text


@pytest.mark.parametrize("unit", ["percent", "number"])
def test_no_better_or_worse_words_without_special_cause(unit):
    # STEP with its rebase is common cause throughout; the officer's description may say "Improvement", the
    # chart's own words may not.
    r = spc(STEP, periods=QUARTERS, rebase_at=[QUARTERS[8]], target=15)
    assert r.variation_icon == "common_cause"
    for translate in (None, WelshStub()):
        _, text = render(r, unit=unit, text=translate, rebase_points=[_phase(8, "Improvement board set up")])
        words = text.replace("Improvement board set up", "").lower()
        for word in ("improv", "better", "worse", "deterior", "declin", "concern"):
            assert word not in words, (translate, word)


# ---------------------------------------------------------------------------------------------- the chart's story

MONTHS = list(pd.period_range("2024-04", periods=24, freq="M"))  # Apr 2024 .. Mar 2026
SHIFT = [50, 52, 49, 51, 50, 53, 48, 50, 51, 49, 52, 50, 58, 60, 59, 61, 60, 62, 59, 61, 60, 51, 50, 52]
GAP = [10, 12, 10, 8, 11, 9, 10, 12, 16, 17, np.nan, 16, 18, 17, 16, 17]
RUN_WORDS = {"special_cause_improvement": "improvement", "special_cause_concern": "concern",
             "special_cause_neutral_high": "higher", "special_cause_neutral_low": "lower"}


def _runs_by_hand(result) -> list[tuple[str, int, int]]:
    """(point type, first, last) of each stretch of one special-cause type, in one rebase group, skipping
    missing values, written independently of kpi.charts."""
    points = result.points.reset_index(drop=True)
    runs: list[list] = []
    previous = None
    for i, row in points[points["value"].notna()].iterrows():
        kind = row["point_type"] if isinstance(row["point_type"], str) else "none"
        key = (kind, row["rebase_group"])
        if kind in RUN_WORDS and key == previous:
            runs[-1][2] = i
        elif kind in RUN_WORDS:
            runs.append([kind, i, i])
        previous = key
    return [tuple(run) for run in runs]


def _when(periods, first: int, last: int) -> str:
    name = (lambda i: period_label(periods[i], "en")) if periods is not None else (lambda i: f"point {i + 1}")
    if first == last:
        return f"at point {first + 1}" if periods is None else f"in {name(first)}"
    return f"from {name(first)} to {name(last)}"


@pytest.mark.parametrize(("values", "periods", "settings"), [
    (WHEELER, QUARTERS, {"improvement": "increase"}),
    (WHEELER, QUARTERS, {"improvement": "decrease"}),
    (WHEELER, QUARTERS, {"improvement": "neutral"}),
    (WHEELER, None, {"improvement": "increase"}),
    (SHIFT, MONTHS, {"improvement": "increase"}),
    (SHIFT, MONTHS, {"improvement": "decrease", "rebase_at": [MONTHS[12]]}),
    (GAP, QUARTERS, {"improvement": "increase"}),
    (STEP, QUARTERS, {"improvement": "decrease"}),
], ids=["increase", "decrease", "neutral", "no-periods", "months", "months-rebased", "gap", "step"])
def test_every_special_cause_run_is_named_with_its_dates_and_direction(values, periods, settings):
    r = spc(values, periods=periods, **settings)
    expected = _runs_by_hand(r)
    assert expected, "each case has special cause somewhere"
    text = alt_text(r, title="X", unit="number", decimals=0)
    said = re.search(r"Special cause on the chart: (.*?)\.(?: |$)", text).group(1)
    parts = {part.split(" ", 1)[0]: part.split(" ", 1)[1] for part in said.split("; ")}
    for kind in {k for k, _, _ in expected}:
        runs = [(first, last) for k, first, last in expected if k == kind]
        named = parts[RUN_WORDS[kind]]
        assert named == ", ".join(_when(periods, first, last) for first, last in runs), (kind, named)
    assert set(parts) == {RUN_WORDS[k] for k, _, _ in expected}
    assert "No point on the chart is special cause" not in text


def test_a_gap_neither_breaks_nor_joins_a_run():
    # GAP: points 9-16 (2018-19 Q1 .. 2019-20 Q4, one missing) sit above the mean: one run across the gap.
    r = spc(GAP, periods=QUARTERS)
    text = alt_text(r, title="X", unit="number", decimals=0)
    assert "improvement from 2018-19 Q1 to 2019-20 Q4" in text


def test_the_story_says_span_latest_meaning_phases_and_target():
    r = spc(SHIFT, periods=MONTHS, rebase_at=[MONTHS[12]], target=55)
    changes = [RebasePoint(MONTHS[12], 12, ("New duty team",), ())]
    _, text = render(r, unit="percent", decimals=0, rebase_points=changes, title="Contacts decided in a day")
    sentences = text.split(". ")
    assert sentences[0].startswith("Contacts decided in a day: 52% in Mar 2026, ")
    assert "The chart runs from Apr 2024 to Mar 2026" in text
    assert "Limits recalculated from Apr 2025 (New duty team)." in text
    # Phase means: (50+52+...+50)/12 = 50.4 -> 50%; the second phase's mean, worked out from the values.
    second = np.mean(SHIFT[12:])
    assert f"Mean of each phase: 50% (from Apr 2024 to Mar 2025); {second:.0f}% (from Apr 2025 to Mar 2026)." in text
    assert "The target of 55%" in text or "The target is 55%." in text
    assert len(sentences) <= 8  # a few sentences, not a dump


def test_months_and_periods_are_said_in_the_language_of_the_chart():
    stub = WelshStub()
    r = spc(SHIFT, periods=MONTHS)
    text = alt_text(r, title="X", unit="number", decimals=0, text=stub)
    assert "⟨in ⟩Maw 2026" in text and "⟨concern⟩ ⟨from ⟩Ebr 2024⟨ to ⟩Maw 2025" in text
    assert "in {month}" in stub.msgids and "in {period}" not in stub.msgids


# ---------------------------------------------------------------------------------------------- Welsh

WELSH_CASES = {
    "special cause and target": (WHEELER, QUARTERS, {"target": 4000}, "number", ()),
    "phases": (STEP, QUARTERS, {"rebase_at": [QUARTERS[8]], "target": 15}, "percent", ((8, "⟨Bwrdd gwella⟩"),)),
    "months": (SHIFT, MONTHS, {"improvement": "neutral"}, "days", ()),
    "trial limits": ([5.0, 6.0, 7.0], QUARTERS[:3], {}, "percent", ()),
    "no periods": (WHEELER, None, {"target": 3000}, "number", ()),
    "no generic phase words": (STEP, QUARTERS, {"rebase_at": [QUARTERS[8]]}, "number", ((8, ""),)),
}


@pytest.mark.parametrize("case", WELSH_CASES)
def test_a_welsh_chart_has_no_english_word(case):
    values, periods, settings, unit, changes = WELSH_CASES[case]
    r = spc(values, periods=periods, **settings)
    rebase = [RebasePoint(QUARTERS[i], i, (words,) if words else (), ()) for i, words in changes]
    figure, text = render(r, unit=unit, decimals=1, title="⟨Asesiadau ar amser⟩", text=WelshStub(),
                          rebase_points=rebase)
    labels = words_of(*(period_label(p, "cy") for p in periods)) if periods is not None else set()
    allowed = labels | words_of(format_value(1, "days", 0, "cy"))  # the unit, as the pack's formatter writes it
    shown = [t.get_text() for t in texts_of(figure)]
    assert shown
    for written in [*shown, text]:
        assert not untranslated(written, allowed), written
    # The check finds English where there is some: the same chart in English.
    figure, english = render(r, unit=unit, decimals=1, title="⟨Asesiadau ar amser⟩", rebase_points=rebase)
    assert untranslated(english, allowed) and untranslated(" ".join(t.get_text() for t in texts_of(figure)), allowed)


def test_the_pack_text_object_is_used_as_it_is():
    from kpi.words.text import Text

    welsh = Text("cy")
    _, text = render(spc(WHEELER, periods=QUARTERS), unit="number", decimals=0, text=welsh)
    assert "Ch4 2019-20" in text and "2019-20 Q4" not in text
    english = Text("en")
    _, text = render(spc(WHEELER, periods=QUARTERS), unit="number", decimals=0, text=english)
    assert text.startswith("Assessments on time: 5,200 in 2019-20 Q4, above the mean of 4,136; ")


def test_assurance_icons_use_symbols_not_english_letters():
    from kpi.charts import ASSURANCE_ICON_STYLE, VARIATION_ICON_STYLE

    for fill, symbol, caption in [*ASSURANCE_ICON_STYLE.values(), *VARIATION_ICON_STYLE.values()]:
        assert not any(c.isalpha() for c in symbol), symbol
    assert [style[1] for style in ASSURANCE_ICON_STYLE.values()] == ["✓", "✗", "?"]
    r = spc(WHEELER, target=3000)
    figure, _ = render(r, unit="number", text=WelshStub())
    symbols = [t.get_text() for t in texts_of(figure) if t.get_gid() == "icon_symbol"]
    assert symbols == ["↑", "✓"]


# ---------------------------------------------------------------------------------------------- print and contrast


@pytest.mark.parametrize("case", WELSH_CASES)
@pytest.mark.parametrize("translate", [None, WelshStub()], ids=["en", "cy"])
def test_the_chart_is_drawn_at_its_placed_size_with_no_text_under_9pt(case, translate):
    values, periods, settings, unit, changes = WELSH_CASES[case]
    rebase = [RebasePoint(QUARTERS[i], i, (words,) if words else (), ()) for i, words in changes]
    figure, _ = render(spc(values, periods=periods, **settings), unit=unit, text=translate, rebase_points=rebase,
                       title="Contacts leading to a strategy discussion or meeting")
    width, height = figure.get_size_inches() * 25.4
    assert width == pytest.approx(css_width_mm("figure.chart img"))  # the width the pack places it at
    assert 60 <= height <= 70  # two indicator blocks still fit on an A4 page
    assert not small_texts(figure, 9.0)
    assert not texts_outside(figure)
    png = to_png(figure)
    assert int.from_bytes(png[16:20], "big") == round(width / 25.4 * PNG_DPI)  # saved at its own size


@pytest.mark.parametrize("case", WELSH_CASES)
@pytest.mark.parametrize("improvement", ["increase", "decrease", "neutral"])
def test_every_line_marker_and_text_meets_wcag_contrast(case, improvement):
    values, periods, settings, unit, changes = WELSH_CASES[case]
    settings = {**settings, "improvement": improvement}
    rebase = [RebasePoint(QUARTERS[i], i, (words,) if words else (), ()) for i, words in changes]
    figure, _ = render(spc(values, periods=periods, **settings), unit=unit, rebase_points=rebase)
    assert not contrast_failures(figure)


def test_the_contrast_check_finds_what_the_old_charts_got_wrong():
    figure, _ = render(spc(WHEELER, periods=QUARTERS), unit="number")
    series = next(line for line in figure.axes[0].lines if line.get_gid() == "series")
    series.set_color("#BFBFBF")  # the old trend line: 1.8:1 on white
    assert any("series" in failure for failure in contrast_failures(figure))
    assert ratio("#BFBFBF", "white") < 3


def test_the_title_can_be_left_to_the_page():
    # In the pack the indicator's heading is real text above the chart: the image need not repeat it.
    r = spc(WHEELER, periods=QUARTERS, target=4000)
    title = "Contacts leading to a strategy discussion or meeting"
    with_title, text = render(r, unit="number", decimals=0, title=title)
    without, same = render(r, unit="number", decimals=0, title=title, show_title=False)
    assert same == text and text.startswith(f"{title}: ")
    assert _title(with_title).replace("\n", " ") == title
    assert not [t for t in without.texts if t.get_gid() == "title"]
    assert not small_texts(without) and not texts_outside(without) and not contrast_failures(without)
    plot = lambda figure: figure.axes[0].get_position().height  # noqa: E731
    assert plot(without) >= plot(with_title)  # never less room for the plot (more where the title is the taller)
