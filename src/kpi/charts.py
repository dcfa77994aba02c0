"""SPC charts in the Analysis Function house style, with alt text that says what the chart shows.

Colour is never the only signal: special-cause points also have their own marker shape, and the variation
and assurance icons carry a symbol and a short label. The icons are our own simple drawings (a circle with
an arrow or a letter), not the Making Data Count artwork.

Phases: where the limits are recalculated (a rebase), a dotted line marks the boundary and the recorded
process change ("Improvement board set up") is written beside it, in a band kept clear of the data at the
top of the plot; the alt text names the change too. Percent charts never show limits below 0% or above 100%.

Figures are built with `matplotlib.figure.Figure` directly (not pyplot), so nothing stays open in pyplot's
figure manager and no backend is forced on the caller; PNGs are rendered with the Agg canvas.
"""

from __future__ import annotations

import io
import math
import textwrap
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import matplotlib.style
import numpy as np
import pandas as pd
from afcharts.af_colours import get_af_colours
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle
from matplotlib.ticker import FuncFormatter

from kpi.spc import ASSURANCE_LABELS, VARIATION_LABELS, SpcResult, special_cause_since

if TYPE_CHECKING:
    from kpi.phases import RebasePoint

__all__ = [
    "ASSURANCE_LABELS",
    "VARIATION_LABELS",
    "alt_text",
    "icon_png",
    "shown_limits",
    "spc_chart",
]

STYLE = "afcharts.afcharts"
_DARK_BLUE, _TURQUOISE, _DARK_PINK, _ORANGE, _DARK_GREY, _PURPLE = get_af_colours("categorical")
_LIGHT_GREY = "#BFBFBF"

# Point types: colour, marker shape and legend label - shape and colour together, never colour alone.
POINT_STYLE = {
    "common_cause": (_DARK_GREY, "o", 4, {"en": "Common cause", "cy": "Achos cyffredin"}),
    "special_cause_improvement": (
        _DARK_BLUE, "D", 7, {"en": "Special cause: improvement", "cy": "Achos arbennig: gwelliant"}
    ),
    "special_cause_concern": (_ORANGE, "X", 8, {"en": "Special cause: concern", "cy": "Achos arbennig: pryder"}),
    "special_cause_neutral_high": (_PURPLE, "^", 8, {"en": "Special cause: higher", "cy": "Achos arbennig: uwch"}),
    "special_cause_neutral_low": (_PURPLE, "v", 8, {"en": "Special cause: lower", "cy": "Achos arbennig: is"}),
}

# Icons: fill colour, symbol in the circle, and a short caption under it.
VARIATION_ICON_STYLE = {
    "common_cause": (_DARK_GREY, "~", {"en": "Common cause", "cy": "Achos cyffredin"}),
    "improvement_high": (_DARK_BLUE, "↑", {"en": "Improving", "cy": "Gwella"}),
    "improvement_low": (_DARK_BLUE, "↓", {"en": "Improving", "cy": "Gwella"}),
    "concern_high": (_ORANGE, "↑", {"en": "Concern", "cy": "Pryder"}),
    "concern_low": (_ORANGE, "↓", {"en": "Concern", "cy": "Pryder"}),
    "neutral_high": (_PURPLE, "↑", {"en": "Higher", "cy": "Uwch"}),
    "neutral_low": (_PURPLE, "↓", {"en": "Lower", "cy": "Is"}),
}
ASSURANCE_ICON_STYLE = {
    "pass": (_DARK_BLUE, "P", {"en": "Meets target", "cy": "Cyrraedd y targed"}),
    "fail": (_ORANGE, "F", {"en": "Misses target", "cy": "Methu'r targed"}),
    "inconsistent": (_DARK_GREY, "?", {"en": "Hit and miss", "cy": "Weithiau"}),
}

# Words for the chart and alt text. The Welsh should be checked by a Welsh speaker before publication.
WORDS = {
    "en": {
        "mean": "Mean",
        "limits": "Process limits",
        "target": "Target",
        "rebase": "Limits recalculated",
        "trial": "Trial limits: fewer than {n} points",
        "in": "in",
        "above": "above the mean of",
        "below": "below the mean of",
        "on": "on the mean of",
        "common": "no significant change; normal variation between {lpl} and {upl}",
        "too_few": "too few points to tell real change from noise",
        "since": "since",
        "special": {
            "improvement_high": "special cause improvement",
            "improvement_low": "special cause improvement",
            "concern_high": "special cause concern",
            "concern_low": "special cause concern",
            "neutral_high": "special cause variation (higher)",
            "neutral_low": "special cause variation (lower)",
        },
        "assurance": {
            "pass": "the target of {t} will be met consistently if nothing changes",
            "fail": "the target of {t} will be missed consistently unless something changes",
            "inconsistent": "the target of {t} will be hit and missed at random",
            None: "the target is {t}",
        },
        "trial_alt": "limits are trial limits (fewer than {n} points)",
        "rebase_alt": "limits recalculated from {periods}",
        "span": "the chart runs from {first} to {last}",
        "no_data": "no data",
    },
    "cy": {
        "mean": "Cymedr",
        "limits": "Terfynau'r broses",
        "target": "Targed",
        "rebase": "Terfynau wedi'u hailgyfrifo",
        "trial": "Terfynau prawf: llai na {n} pwynt",
        "in": "yn",
        "above": "uwchlaw'r cymedr o",
        "below": "islaw'r cymedr o",
        "on": "ar y cymedr o",
        "common": "dim newid arwyddocaol; amrywiad arferol rhwng {lpl} a {upl}",
        "too_few": "rhy ychydig o bwyntiau i wahaniaethu rhwng newid go iawn a sŵn",
        "since": "ers",
        "special": {
            "improvement_high": "achos arbennig: gwelliant",
            "improvement_low": "achos arbennig: gwelliant",
            "concern_high": "achos arbennig: pryder",
            "concern_low": "achos arbennig: pryder",
            "neutral_high": "amrywiad achos arbennig (uwch)",
            "neutral_low": "amrywiad achos arbennig (is)",
        },
        "assurance": {
            "pass": "bydd y targed o {t} yn cael ei gyrraedd yn gyson os na fydd dim yn newid",
            "fail": "bydd y targed o {t} yn cael ei fethu yn gyson oni bai bod rhywbeth yn newid",
            "inconsistent": "bydd y targed o {t} weithiau'n cael ei gyrraedd ac weithiau'n cael ei fethu",
            None: "y targed yw {t}",
        },
        "trial_alt": "terfynau prawf yw'r rhain (llai na {n} pwynt)",
        "rebase_alt": "terfynau wedi'u hailgyfrifo o {periods}",
        "span": "cyfnod y siart: {first} – {last}",  # a dash, so no mutation after "o ... i"
        "no_data": "dim data",
    },
}

MAX_TICK_LABELS = 12
TITLE_WIDTH = 44  # characters per line of the chart title, so it never reaches the icons
PHASE_FONT_SIZE = 8
PHASE_WIDTH = (12, 26)  # fewest and most characters per line of a phase label
PERCENT_RANGE = (0.0, 100.0)


# ---------------------------------------------------------------------------------------------- formatting


def format_value(value: float, unit: str = "percent", decimals: int = 1) -> str:
    """A value as the pack prints it: 86.2% for percent (values on a 0-100 scale), 1,234 for number."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "-"
    text = f"{value:,.{decimals}f}"
    if unit == "percent":
        return f"{text}%"
    if unit in ("number", "count", "ratio", "", None):
        return text
    return f"{text} {unit}"


def period_label(period: Any, language: str = "en") -> str:
    """Periods as the pack writes them (months in the pack's language: 'Gorff 2024'); anything else as text."""
    from kpi.periods import AnyPeriod, label

    if isinstance(period, AnyPeriod):
        return label(period, language)
    if isinstance(period, pd.Timestamp):
        return period.strftime("%d %b %Y")
    return str(period)


def shown_limits(lower: float, upper: float, unit: str) -> tuple[float, float]:
    """Process limits as a chart or sentence shows them: a percentage cannot go below 0% or above 100%."""
    if unit != "percent":
        return lower, upper
    low, high = PERCENT_RANGE
    return (lower if pd.isna(lower) else max(lower, low)), (upper if pd.isna(upper) else min(upper, high))


def _labels(points: pd.DataFrame, language: str) -> list[str]:
    if "period" in points.columns:
        return [period_label(p, language) for p in points["period"]]
    return [str(i + 1) for i in range(len(points))]


def _words(language: str) -> dict[str, Any]:
    if language not in WORDS:
        raise ValueError(f"language must be one of {sorted(WORDS)}, not {language!r}")
    return WORDS[language]


# ---------------------------------------------------------------------------------------------- alt text


def alt_text(
    result: SpcResult,
    *,
    title: str,
    unit: str = "percent",
    decimals: int = 1,
    language: str = "en",
    target: float | None = None,
    rebase_points: Sequence[RebasePoint] = (),
) -> str:
    """What the chart shows, in words: the latest value against the mean, the kind of variation, the target,
    the time span, and where (and why, from `rebase_points`) the limits were recalculated.

    `target` defaults to the target `spc` was given; the assurance sentence is only said for that target.
    Better/worse words come only from SPC's special-cause types, never from a comparison of two values.
    """
    words = _words(language)
    points = result.points
    labels = _labels(points, language)
    with_values = np.flatnonzero(points["value"].notna().to_numpy())
    if len(with_values) == 0:
        return f"{title}: {words['no_data']}."
    last = with_values[-1]
    row = points.iloc[last]
    value, mean = row["value"], row["mean"]
    fmt = lambda v: format_value(v, unit, decimals)  # noqa: E731

    sentence = f"{title}: {fmt(value)} {words['in']} {labels[last]}"
    if not pd.isna(mean):
        position = "above" if value > mean else "below" if value < mean else "on"
        sentence += f", {words[position]} {fmt(mean)}"
    parts = [sentence]

    if result.variation_icon != "common_cause":
        since = special_cause_since(points)
        since_label = labels[_position_of(points, since)] if since is not None else labels[last]
        parts.append(f"{words['special'][result.variation_icon]} {words['since']} {since_label}")
    elif pd.isna(row["lpl"]):
        parts.append(words["too_few"])
    else:
        low, high = shown_limits(row["lpl"], row["upl"], unit)
        parts.append(words["common"].format(lpl=fmt(low), upl=fmt(high)))
    text = "; ".join(parts) + "."

    extras = []
    if "period" in points.columns and len(points) > 1:
        extras.append(words["span"].format(first=labels[0], last=labels[-1]))
    assessed = result.settings.get("target")
    target = assessed if target is None else target
    if target is not None and not pd.isna(target):
        assurance = result.assurance_icon if target == assessed else None
        extras.append(words["assurance"][assurance].format(t=fmt(target)))
    if bool(points["short_group_warning"].iloc[last]):
        extras.append(words["trial_alt"].format(n=result.settings.get("short_group_points", 13)))
    rebases = _rebase_starts(points)
    if rebases:
        why = _descriptions_at(points, rebase_points)
        where = [f"{labels[i]} ({'; '.join(why[i])})" if why.get(i) else labels[i] for i in rebases]
        extras.append(words["rebase_alt"].format(periods=", ".join(where)))
    for extra in extras:
        text += f" {extra[0].upper()}{extra[1:]}."
    return text


def _position_of(points: pd.DataFrame, since: Any) -> int:
    """Row position of `special_cause_since`'s answer (a period label or a row position)."""
    if "period" in points.columns:
        matches = np.flatnonzero((points["period"] == since).to_numpy())
        return int(matches[0]) if len(matches) else len(points) - 1
    return int(since)


def _rebase_starts(points: pd.DataFrame) -> list[int]:
    """Row positions where a new rebase group starts (not the first row)."""
    groups = points["rebase_group"].to_numpy()
    return [int(i) for i in np.flatnonzero(groups[1:] != groups[:-1]) + 1]


def _descriptions_at(points: pd.DataFrame, rebase_points: Sequence[RebasePoint]) -> dict[int, tuple[str, ...]]:
    """Row position -> the recorded changes' descriptions there (matched by period, else by position)."""
    found: dict[int, tuple[str, ...]] = {}
    periods = points["period"].tolist() if "period" in points.columns else None
    for point in rebase_points:
        if periods is None:
            positions = [point.position] if 0 <= point.position < len(points) else []
        else:
            positions = [i for i, period in enumerate(periods) if period == point.period]
        for position in positions[:1]:
            found[position] = found.get(position, ()) + tuple(point.descriptions)
    return found


# ---------------------------------------------------------------------------------------------- icons


def _text_colour(fill: str) -> str:
    """Black or white, whichever reads better on the fill."""
    r, g, b = (int(fill[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return "black" if 0.2126 * r + 0.7152 * g + 0.0722 * b > 0.5 else "white"


def _icon_style(kind: str, value: str) -> tuple[str, str, dict[str, str]]:
    styles = {"variation": VARIATION_ICON_STYLE, "assurance": ASSURANCE_ICON_STYLE}
    if kind not in styles:
        raise ValueError(f"kind must be 'variation' or 'assurance', not {kind!r}")
    if value not in styles[kind]:
        raise ValueError(f"no {kind} icon called {value!r}; expected one of {sorted(styles[kind])}")
    return styles[kind][value]


def _draw_icon(ax: Axes, kind: str, value: str, centre: tuple[float, float], language: str, caption: bool) -> None:
    """One icon: a filled circle with a symbol, and a short caption under it (in data units of `ax`)."""
    fill, symbol, captions = _icon_style(kind, value)
    x, y = centre
    ax.add_patch(Circle((x, y), 0.4, facecolor=fill, edgecolor="white", linewidth=1.5))
    ax.text(x, y, symbol, ha="center", va="center_baseline", fontsize=13, fontweight="bold",
            color=_text_colour(fill))
    if caption:
        ax.text(x, y - 0.55, captions.get(language, captions["en"]), ha="center", va="top", fontsize=7,
                color="#1A1A1A")


def _draw_icons(ax: Axes, result: SpcResult, language: str) -> None:
    """Variation and (if any) assurance icons in a small panel above the plot's top-right corner."""
    icons = [("variation", result.variation_icon)]
    if result.assurance_icon is not None:
        icons.append(("assurance", result.assurance_icon))
    # A separate axes (not an inset) so that matplotlib does not push the title above it.
    box = ax.get_position()
    width, height = 0.3 * box.width, 0.26 * box.height
    panel = ax.figure.add_axes([box.x1 - width, box.y1 + 0.02 * box.height, width, height])
    panel.set_xlim(0, 3.2)
    panel.set_ylim(-0.95, 0.45)
    panel.set_aspect("equal", anchor="E")
    panel.axis("off")
    for i, (kind, value) in enumerate(reversed(icons)):
        _draw_icon(panel, kind, value, (2.6 - 1.7 * i, 0), language, caption=True)


def icon_png(kind: str, value: str, size_px: int = 48, *, language: str = "en") -> bytes:
    """One icon alone as PNG bytes (for the summary table); no caption, transparent background."""
    dpi = 100
    figure = Figure(figsize=(size_px / dpi, size_px / dpi), dpi=dpi)
    FigureCanvasAgg(figure)
    ax = figure.add_axes([0, 0, 1, 1])
    ax.set_xlim(-0.45, 0.45)
    ax.set_ylim(-0.45, 0.45)
    ax.set_aspect("equal")
    ax.axis("off")
    _draw_icon(ax, kind, value, (0, 0), language, caption=False)
    for text in ax.texts:
        text.set_fontsize(size_px * 0.42)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=dpi, transparent=True)
    return buffer.getvalue()


# ---------------------------------------------------------------------------------------------- the chart


def _tick_positions(n: int) -> np.ndarray:
    """Every point's label when few; thinned to about a dozen (always keeping the latest) when many."""
    step = max(1, math.ceil(n / MAX_TICK_LABELS))
    return np.arange(n - 1, -1, -step)[::-1]


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
        lines = {"mean": (group["mean"].iloc[0], 1.5, "-"), "lpl": (lpl, 1.2, (0, (5, 3))),
                 "upl": (upl, 1.2, (0, (5, 3)))}
        for name, (level, width, style) in lines.items():
            if not pd.isna(level):
                ax.plot([left, right], [level, level], color=_DARK_GREY, linewidth=width, linestyle=style,
                        zorder=2, gid=name)


def _plot_points(ax: Axes, points: pd.DataFrame, x: np.ndarray, language: str) -> list[Line2D]:
    """The series line and its points, styled by point type; returns legend handles for the types shown."""
    values = points["value"].to_numpy(dtype=float)
    ax.plot(x, values, color=_LIGHT_GREY if len(x) > 1 else _DARK_GREY, linewidth=1.8, zorder=3)
    handles = []
    for point_type, (colour, marker, size, labels) in POINT_STYLE.items():
        mask = points["point_type"].eq(point_type).fillna(False).to_numpy(dtype=bool)
        if not mask.any():
            continue
        ax.plot(x[mask], values[mask], linestyle="none", marker=marker, markersize=size, color=colour,
                markeredgecolor="white", markeredgewidth=0.6, zorder=4)
        handles.append(Line2D([], [], linestyle="none", marker=marker, markersize=size, color=colour,
                              label=labels.get(language, labels["en"])))
    return handles


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
) -> tuple[Figure, str]:
    """An XmR chart of `result` and its alt text. `target` defaults to the target `spc` was given.

    `rebase_points` (from `kpi.phases.rebase_points`) name the process change at each rebase: its description
    is written at the boundary instead of the generic "Limits recalculated", and in the alt text.
    """
    words = _words(language)
    target = result.settings.get("target") if target is None else target
    points = result.points.reset_index(drop=True)
    x = np.arange(len(points), dtype=float)
    with matplotlib.style.context(STYLE):
        if ax is None:
            figure = Figure(figsize=(8, 4.8), dpi=100)
            FigureCanvasAgg(figure)
            ax = figure.add_axes([0.09, 0.24, 0.88, 0.56])
        figure = ax.figure
        _plot_limits(ax, points, x, unit)
        handles = _plot_points(ax, points, x, language)
        handles += [
            Line2D([], [], color=_DARK_GREY, linewidth=1.5, label=words["mean"]),
            Line2D([], [], color=_DARK_GREY, linewidth=1.2, linestyle=(0, (5, 3)), label=words["limits"]),
        ]
        if target is not None and not pd.isna(target):
            ax.axhline(target, color=_DARK_PINK, linewidth=1.5, linestyle=(0, (1, 1.5)), zorder=2)
            handles.append(Line2D([], [], color=_DARK_PINK, linewidth=1.5, linestyle=(0, (1, 1.5)),
                                  label=f"{words['target']} ({format_value(target, unit, decimals)})"))
        ax.set_xlim(-0.6, len(points) - 0.4)
        if _rebase_starts(points):
            handles.append(Line2D([], [], color=_DARK_GREY, linewidth=1, linestyle=":", label=words["rebase"]))
            _mark_phases(ax, points, _descriptions_at(points, rebase_points), words["rebase"])
        if unit == "percent":
            _percent_ticks(ax)

        labels = _labels(points, language)
        ticks = _tick_positions(len(points))
        ax.set_xticks(ticks, [labels[i] for i in ticks], fontsize=9,
                      rotation=45 if len(ticks) > 6 else 0, ha="right" if len(ticks) > 6 else "center")
        ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: format_value(v, unit, _axis_decimals(ax))))
        ax.tick_params(axis="y", labelsize=9)
        # Long titles wrap rather than run into the icons in the top-right corner.
        ax.set_title(textwrap.fill(title, TITLE_WIDTH), loc="left", fontsize=14, y=1.0, pad=36)
        ax.legend(handles=handles, loc="upper center", bbox_to_anchor=(0.5, -0.28 if len(ticks) > 6 else -0.14),
                  ncol=min(4, len(handles)), fontsize=8, frameon=False)
        if points["short_group_warning"].any():
            ax.text(0, 1.01, words["trial"].format(n=result.settings.get("short_group_points", 13)),
                    transform=ax.transAxes, fontsize=8, style="italic", color=_DARK_GREY, va="bottom")
        _draw_icons(ax, result, language)
    return figure, alt_text(result, title=title, unit=unit, decimals=decimals, language=language, target=target,
                            rebase_points=rebase_points)


def _mark_phases(ax: Axes, points: pd.DataFrame, descriptions: dict[int, tuple[str, ...]], generic: str) -> None:
    """A dotted line at each rebase, and beside it the recorded change (or the generic words), wrapped.

    Labels sit in a band at the top of the plot: to the right of their line, or to its left when there is
    more room there; one that would overlap an earlier label goes below it. The y axis is then extended so
    that the band is clear of the data, limits and target.
    """
    canvas = ax.figure.canvas
    renderer = canvas.get_renderer() if hasattr(canvas, "get_renderer") else ax.figure._get_renderer()
    box = ax.get_window_extent(renderer)
    left, right = ax.get_xlim()
    points_per_unit = box.width * 72 / ax.figure.dpi / (right - left)
    char_width = PHASE_FONT_SIZE * 0.55  # points: an average character of the house font
    starts = _rebase_starts(points)
    placed: list[Any] = []
    for i, start in enumerate(starts):
        line = start - 0.5
        ax.axvline(line, color=_DARK_GREY, linewidth=1, linestyle=":", zorder=1)
        room_right = ((starts[i + 1] - 0.5 if i + 1 < len(starts) else right) - line) * points_per_unit
        room_left = (line - left) * points_per_unit
        to_left = room_right < PHASE_WIDTH[0] * char_width and room_left > room_right
        room = room_left if to_left else room_right
        width = int(min(PHASE_WIDTH[1], max(PHASE_WIDTH[0], (room - 6) // char_width)))
        text = textwrap.fill("; ".join(descriptions.get(start, ())) or generic, width)
        label = ax.annotate(text, (line, 1), xycoords=("data", "axes fraction"), xytext=(-3 if to_left else 3, -2),
                            textcoords="offset points", ha="right" if to_left else "left", va="top",
                            fontsize=PHASE_FONT_SIZE, color="#1A1A1A", gid="phase_label", zorder=5,
                            bbox={"boxstyle": "square,pad=0.1", "facecolor": "white", "edgecolor": "none"})
        for earlier in placed:  # stack below any earlier label it would overlap
            mine, theirs = label.get_window_extent(renderer), earlier.get_window_extent(renderer)
            if mine.x0 < theirs.x1 and theirs.x0 < mine.x1 and mine.y0 < theirs.y1 and theirs.y0 < mine.y1:
                drop = (mine.y1 - theirs.y0) * 72 / ax.figure.dpi + 3
                label.xyann = (label.xyann[0], label.xyann[1] - drop)
        placed.append(label)
    lowest = min(label.get_window_extent(renderer).y0 for label in placed)
    band = (box.y1 - lowest) / box.height + 0.03  # the share of the plot's height the labels need
    bottom, top = ax.get_ylim()
    ax.set_ylim(bottom, bottom + (top - bottom) / (1 - min(band, 0.6)))


def _percent_ticks(ax: Axes) -> None:
    """No tick below 0% or above 100% (the headroom for phase labels may reach past 100%)."""
    bottom, top = ax.get_ylim()
    low, high = PERCENT_RANGE
    ax.set_yticks([t for t in ax.get_yticks() if max(bottom, low) <= t <= min(top, high)])
    ax.set_ylim(bottom, top)


def _axis_decimals(ax: Axes) -> int:
    """Enough decimals on the y axis to write every tick exactly (2.5%, not 2%), and no more."""
    ticks = np.asarray(ax.get_yticks(), dtype=float)
    for decimals in range(4):
        scaled = ticks * 10**decimals
        if np.allclose(scaled, np.round(scaled), rtol=0, atol=1e-6):
            return decimals
    return 3
