"""The SPC (XmR) chart: points by type, mean, process limits, target, phases and the two icons.

Colour is never the only signal: special-cause points also have their own marker shape, and the icons carry a
symbol and a caption. Where the limits are recalculated (a rebase), a dotted line marks the boundary and the
recorded process change ("Improvement board set up") is written beside it, in a band kept clear of the data at
the top of the plot. Percent charts never show limits below 0% or above 100%.

The chart is drawn at the size the pack places it (`SPC_SIZE_MM`), every text at least `TEXT_PT` as printed.
Figures are built with `matplotlib.figure.Figure` directly (not pyplot), so nothing stays open in pyplot's
figure manager and no backend is forced on the caller.
"""

from __future__ import annotations

import textwrap
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import AutoLocator, FixedLocator, Formatter

from kpi.charts.describe import PERCENT_RANGE, alt_text, descriptions_at, rebase_starts, shown_limits
from kpi.charts.icons import icon_panel
from kpi.charts.layout import bottom_legend, fit_axes, wrap_to, x_ticks
from kpi.charts.style import (DARK_BLUE, DARK_GREY, DARK_PINK, MARGIN_PT, MID_GREY, ORANGE, PURPLE, SPC_SIZE_MM, STYLE,
                              TEXT, TEXT_PT, TITLE_PT, WHITE, in_points, new_figure, renderer_of, size_pt)
from kpi.charts.words import ChartWords, Translate, chart_words
from kpi.spc.xmr import SpcResult

if TYPE_CHECKING:
    from kpi.spc.phases import RebasePoint

# Point types: colour, marker shape, marker size (pt) and legend msgid - shape and colour together.
POINT_STYLE = {
    "common_cause": (DARK_GREY, "o", 3.5, "Common cause"),
    "special_cause_improvement": (DARK_BLUE, "D", 5.0, "Special cause: improvement"),
    "special_cause_concern": (ORANGE, "X", 6.5, "Special cause: concern"),
    "special_cause_neutral_high": (PURPLE, "^", 6.0, "Special cause: higher"),
    "special_cause_neutral_low": (PURPLE, "v", 6.0, "Special cause: lower"),
}
LIMIT_STYLE = (0, (4, 2.5))
TARGET_STYLE = (0, (1, 1.2))
PHASE_WIDTH = (12, 26)  # fewest and most characters per line of a phase label


def spc_chart(
    result: SpcResult,
    *,
    title: str,
    unit: str = "percent",
    decimals: int = 1,
    target: float | None = None,
    ax: Axes | None = None,
    language: str = "en",
    rebase_points: Sequence[RebasePoint] = (),
    text: Translate | ChartWords | None = None,
    show_title: bool = True,
) -> tuple[Figure, str]:
    """An XmR chart of `result` and its alt text, in the language of `text` (the pack's `Text`, or any
    translate function with `language`; English by default). `target` defaults to the target `spc` was given.
    `show_title=False` leaves the title out of the image (where the page gives it as a heading, as real text);
    the alt text still starts with it.

    Without `ax`, the figure is `SPC_SIZE_MM` and laid out for print; on a caller's `ax`, the chart is drawn
    there as well as it fits. `rebase_points` (from `kpi.spc.phases.rebase_points`) name the process change at each
    rebase: its description is written at the boundary instead of "Limits recalculated", and in the alt text.
    """
    words = chart_words(text, language)
    target = result.settings.get("target") if target is None else target
    points = result.points.reset_index(drop=True)
    x = np.arange(len(points), dtype=float)
    labels = ([words.period(period) for period in points["period"]] if "period" in points.columns
              else [str(i + 1) for i in range(len(points))])
    with matplotlib.style.context(STYLE):
        owned = ax is None
        if owned:
            ax = new_figure(*SPC_SIZE_MM).add_axes((0.1, 0.3, 0.85, 0.5))
        figure = ax.figure
        _plot_limits(ax, points, x, unit)
        handles = _plot_points(ax, points, x, words)
        handles += [Line2D([], [], color=DARK_GREY, linewidth=1.2, label=words("Mean")),
                    Line2D([], [], color=DARK_GREY, linewidth=1.0, linestyle=LIMIT_STYLE,
                           label=words("Process limits"))]
        if target is not None and not pd.isna(target):
            ax.axhline(target, color=DARK_PINK, linewidth=1.3, linestyle=TARGET_STYLE, zorder=2, gid="target")
            handles.append(Line2D([], [], color=DARK_PINK, linewidth=1.3, linestyle=TARGET_STYLE,
                                  label=words("Target ({target})", target=words.value(target, unit, decimals))))
        ax.set_xlim(-0.6, len(points) - 0.4)
        generic = words("Limits recalculated") if rebase_starts(points) else ""
        if generic:
            handles.append(Line2D([], [], color=DARK_GREY, linewidth=1, linestyle=":", label=generic))
        ax.yaxis.set_major_formatter(AxisValues(words, unit))
        ax.tick_params(axis="y", labelsize=TEXT_PT)
        note = (words("Trial limits: fewer than {n} points", n=result.settings.get("short_group_points", 13))
                if points["short_group_warning"].any() else None)
        descriptions = descriptions_at(points, rebase_points)
        phases = (lambda: _mark_phases(ax, points, descriptions, generic)) if rebase_starts(points) else list
        shown = title if show_title else None
        if owned:
            _lay_out(ax, result, words, shown, note, handles, labels, phases, unit)
        else:
            _on_callers_axes(ax, result, words, shown, note, handles, labels, phases, unit)
    return figure, alt_text(result, title=title, unit=unit, decimals=decimals, target=target,
                            rebase_points=rebase_points, text=words)


# ---------------------------------------------------------------------------------------------- layout


def _lay_out(ax: Axes, result: SpcResult, words: ChartWords, title: str | None, note: str | None, handles: list,
             labels: list[str], phases: Callable[[], list], unit: str) -> None:
    """Title and icons across the top, legend across the foot, the plot fitted between (see `layout`)."""
    figure = ax.figure
    renderer = renderer_of(figure)
    top = _header(figure, result, words, title, note)
    legend = bottom_legend(figure, handles)
    bottom = in_points(figure, legend.get_window_extent(renderer)).y1 + 4
    base = ax.get_ylim()
    drawn: list = []

    fitted_for = None  # the y axis the plot was last fitted for

    def fit() -> None:
        # Fitting starts afresh each time, so a y axis it has been fitted for already would fit the same again.
        nonlocal fitted_for
        now = _y_axis_as_set(ax) if not drawn else object()  # phase labels: always fitted again
        if now != fitted_for:
            fit_axes(ax, top - 6, bottom, lambda plot_width: x_ticks(ax, labels, plot_width))
            fitted_for = now

    def draw_phases() -> None:
        nonlocal drawn
        for artist in drawn:
            artist.remove()
        ax.set_ylim(*base)
        ax.yaxis.set_major_locator(AutoLocator())
        drawn = phases()
        if unit == "percent":
            _percent_ticks(ax)

    # Phase labels depend on the plot's size, and the headroom they need on the y tick labels' width: twice
    # is enough for the two to agree.
    for _ in range(2):
        fit()
        draw_phases()
    fit()


def _y_axis_as_set(ax: Axes) -> tuple:
    """What fitting the plot depends on that drawing the phases may change: the y limits, and the ticks (as
    placed, or how they will be placed)."""
    locator = ax.yaxis.get_major_locator()
    if isinstance(locator, FixedLocator):
        placing = tuple(locator.locs)
    else:
        placing = (type(locator), repr(sorted((k, v) for k, v in vars(locator).items() if k != "axis")))
    return ax.get_ylim(), placing


def _header(figure: Figure, result: SpcResult, words: ChartWords, title: str | None, note: str | None) -> float:
    """The title at the top left, the icons at the top right (or under a title that would be too tall beside
    them), and the trial-limits note under the title; returns the header's bottom (pt from the foot)."""
    width, height = size_pt(figure)
    renderer = renderer_of(figure)
    panel = icon_panel(figure, result, words, right=width - MARGIN_PT, top=height - MARGIN_PT)
    icons = in_points(figure, panel.get_window_extent(renderer))
    bottom = height - MARGIN_PT
    if title:
        beside = wrap_to(figure, title, icons.x0 - 2 * MARGIN_PT - 6, TITLE_PT, "bold")
        full = wrap_to(figure, title, width - 2 * MARGIN_PT, TITLE_PT, "bold")
        line = TITLE_PT * 1.25
        stacked = (full.count("\n") + 1) * line + 3 + icons.height < max((beside.count("\n") + 1) * line, icons.height)
        heading = figure.text(MARGIN_PT / width, 1 - MARGIN_PT / height, full if stacked else beside, ha="left",
                              va="top", fontsize=TITLE_PT, fontweight="bold", color=TEXT, gid="title")
        bottom = in_points(figure, heading.get_window_extent(renderer)).y0
        if stacked:  # the icons go under the title, at the right
            panel.set_position((icons.x0 / width, (bottom - 3 - icons.height) / height, icons.width / width,
                                icons.height / height))
            icons = in_points(figure, panel.get_window_extent(renderer))
    if note:  # under the title at the left, or under the icons if it would run into them
        written = figure.text(MARGIN_PT / width, (bottom - 3) / height, note, ha="left", va="top",
                              fontsize=TEXT_PT, style="italic", color=DARK_GREY, gid="trial_note")
        box = in_points(figure, written.get_window_extent(renderer))
        if box.x1 > icons.x0 - 4 and box.y0 < icons.y1 and box.y1 > icons.y0:
            written.set_y((icons.y0 - 3) / height)
            box = in_points(figure, written.get_window_extent(renderer))
        bottom = box.y0
    return min(bottom, icons.y0)


def _on_callers_axes(ax: Axes, result: SpcResult, words: ChartWords, title: str | None, note: str | None,
                     handles: list, labels: list[str], phases: Callable[[], list], unit: str) -> None:
    """The chart on an axes someone else laid out: title above it, icons above its right end, legend below."""
    figure = ax.figure
    box = in_points(figure, ax.get_window_extent(renderer_of(figure)))
    x_ticks(ax, labels, box.width)
    phases()
    if unit == "percent":
        _percent_ticks(ax)
    panel = icon_panel(figure, result, words, right=box.x1, top=box.y1)
    panel_box = in_points(figure, panel.get_window_extent(renderer_of(figure)))
    width, height = size_pt(figure)
    panel.set_position((panel_box.x0 / width, (box.y1 + 4) / height, panel_box.width / width,
                        panel_box.height / height))
    ax.set_title(textwrap.fill(title or "", 40), loc="left", fontsize=TITLE_PT, fontweight="bold",
                 pad=panel_box.height + 8)
    if note:
        ax.text(0, 1.01, note, transform=ax.transAxes, fontsize=TEXT_PT, style="italic", color=DARK_GREY,
                va="bottom", gid="trial_note")
    ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.14), ncol=2, fontsize=TEXT_PT,
              frameon=False)


# ---------------------------------------------------------------------------------------------- drawing


def _plot_limits(ax: Axes, points: pd.DataFrame, x: np.ndarray, unit: str) -> None:
    """Mean (solid) and process limits (dashed), one segment per rebase group so they break at a rebase.

    Each line's gid ("mean", "lpl", "upl") says what it is, for tests and for anyone reading the SVG.
    """
    for _, group in points.groupby("rebase_group", sort=False):
        span = x[group.index[group["value"].notna()].to_numpy()]  # from the first to the last value
        if len(span) == 0:
            continue
        left, right = span.min() - 0.4, span.max() + 0.4
        lpl, upl = shown_limits(group["lpl"].iloc[0], group["upl"].iloc[0], unit)
        lines = {"mean": (group["mean"].iloc[0], 1.2, "-"), "lpl": (lpl, 1.0, LIMIT_STYLE),
                 "upl": (upl, 1.0, LIMIT_STYLE)}
        for name, (level, width, style) in lines.items():
            if not pd.isna(level):
                ax.plot([left, right], [level, level], color=DARK_GREY, linewidth=width, linestyle=style,
                        zorder=2, gid=name)


def _plot_points(ax: Axes, points: pd.DataFrame, x: np.ndarray, words: ChartWords) -> list[Line2D]:
    """The series line and its points, styled by point type; returns legend handles for the types shown."""
    values = points["value"].to_numpy(dtype=float)
    ax.plot(x, values, color=MID_GREY if len(x) > 1 else DARK_GREY, linewidth=1.0, zorder=3, gid="series")
    handles = []
    for point_type, (colour, marker, size, label) in POINT_STYLE.items():
        mask = points["point_type"].eq(point_type).fillna(False).to_numpy(dtype=bool)
        if not mask.any():
            continue
        ax.plot(x[mask], values[mask], linestyle="none", marker=marker, markersize=size, color=colour,
                markeredgecolor=WHITE, markeredgewidth=0.4, zorder=4, gid=point_type)
        handles.append(Line2D([], [], linestyle="none", marker=marker, markersize=size, color=colour,
                              label=words(label)))
    return handles


def _mark_phases(ax: Axes, points: pd.DataFrame, descriptions: dict[int, tuple[str, ...]], generic: str) -> list:
    """A dotted line at each rebase, and beside it the recorded change (or the generic words), wrapped; returns
    what it drew.

    Labels sit in a band at the top of the plot, each where it sits highest: to the right or left of its line,
    wrapped to the room up to the next line or to the plot's edge, below any earlier label it would overlap.
    The y axis is then extended so that the band is clear of the data, limits and target.
    """
    renderer = renderer_of(ax.figure)
    box = ax.get_window_extent(renderer)
    left, right = ax.get_xlim()
    points_per_unit = box.width * 72 / ax.figure.dpi / (right - left)
    char_width = TEXT_PT * 0.55  # points: an average character of the house font
    starts = rebase_starts(points)
    lines = [start - 0.5 for start in starts]
    drawn: list[Any] = []
    placed: list[Any] = []
    for i, (start, line) in enumerate(zip(starts, lines)):
        drawn.append(ax.axvline(line, color=DARK_GREY, linewidth=1, linestyle=":", zorder=1, gid="rebase"))
        words = "; ".join(descriptions.get(start, ())) or generic
        next_line = lines[i + 1] if i + 1 < len(lines) else right
        previous_line = lines[i - 1] if i else left
        rooms = [(False, next_line - line), (False, right - line), (True, line - previous_line), (True, line - left)]
        best = None
        for to_left, room in rooms:
            width = int(min(PHASE_WIDTH[1], max(PHASE_WIDTH[0], (room * points_per_unit - 6) // char_width)))
            label = _phase_label(ax, textwrap.fill(words, width), line, to_left, placed, renderer)
            extent = label.get_window_extent(renderer)
            inside = box.x0 - 0.5 <= extent.x0 and extent.x1 <= box.x1 + 0.5
            score = (not inside, -extent.y0, to_left)
            if best is None or score < best[0]:
                if best is not None:
                    best[1].remove()
                best = (score, label)
            else:
                label.remove()
        placed.append(best[1])
    drawn += placed
    lowest = min(label.get_window_extent(renderer).y0 for label in placed)
    band = (box.y1 - lowest) / box.height + 0.03  # the share of the plot's height the labels need
    bottom, top = ax.get_ylim()
    ax.set_ylim(bottom, bottom + (top - bottom) / (1 - min(band, 0.7)))
    return drawn


def _phase_label(ax: Axes, text: str, line: float, to_left: bool, placed: list, renderer) -> Any:
    """One phase label beside its line at the top of the plot, moved below any earlier label it overlaps."""
    label = ax.annotate(text, (line, 1), xycoords=("data", "axes fraction"), xytext=(-3 if to_left else 3, -2),
                        textcoords="offset points", ha="right" if to_left else "left", va="top",
                        fontsize=TEXT_PT, color=TEXT, gid="phase_label", zorder=5,
                        bbox={"boxstyle": "square,pad=0.1", "facecolor": WHITE, "edgecolor": "none"})
    for earlier in placed:
        mine, theirs = label.get_window_extent(renderer), earlier.get_window_extent(renderer)
        if mine.x0 < theirs.x1 and theirs.x0 < mine.x1 and mine.y0 < theirs.y1 and theirs.y0 < mine.y1:
            drop = (mine.y1 - theirs.y0) * 72 / ax.figure.dpi + 3
            label.xyann = (label.xyann[0], label.xyann[1] - drop)
    return label


def _percent_ticks(ax: Axes) -> None:
    """No tick below 0% or above 100% (the headroom for phase labels may reach past 100%)."""
    bottom, top = ax.get_ylim()
    low, high = PERCENT_RANGE
    ax.set_yticks([t for t in ax.get_yticks() if max(bottom, low) <= t <= min(top, high)])
    ax.set_ylim(bottom, top)


class AxisValues(Formatter):
    """The y tick labels in the chart's words, each with the decimals the axis needs (`_axis_decimals`): worked
    out once for all the labels, not again for each (every round of fitting the plot writes them all)."""

    def __init__(self, words: ChartWords, unit: str):
        self.words, self.unit = words, unit

    def format_ticks(self, values) -> list[str]:
        decimals = _axis_decimals(values)
        return [self.words.value(value, self.unit, decimals) for value in values]

    def __call__(self, x, pos=None) -> str:
        return self.words.value(x, self.unit, _axis_decimals(self.axis.get_majorticklocs()))


def _axis_decimals(ticks) -> int:
    """Enough decimals on the y axis to write every tick exactly (2.5%, not 2%), and no more."""
    ticks = np.asarray(ticks, dtype=float)
    for decimals in range(4):
        scaled = ticks * 10**decimals
        if np.allclose(scaled, np.round(scaled), rtol=0, atol=1e-6):
            return decimals
    return 3



