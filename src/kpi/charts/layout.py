"""Laying a chart out in points on a figure of its placed size: a title block at the top, a legend at the bottom,
and the plot fitted between them with its tick labels inside the figure.

Only as many x tick labels as fit side by side (never rotated); the latest period always keeps its label.
"""

from __future__ import annotations

import math
import textwrap
from collections.abc import Callable, Sequence
from weakref import WeakKeyDictionary, ref

import numpy as np
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties, findfont
from matplotlib.legend import Legend
from matplotlib.lines import TICKDOWN, TICKUP, Line2D

from kpi.charts.style import MARGIN_PT, TEXT_PT, in_points, renderer_of, size_pt

TICK_GAP_PT = 10.0  # clear space between two x tick labels


def text_width(figure: Figure, text: str, size: float = TEXT_PT, weight: str = "normal") -> float:
    """Width in points of one line of text (the widest, for several)."""
    font = FontProperties(size=size, weight=weight)
    key = (findfont(font), font, figure.dpi, rcParams["text.hinting"], rcParams["text.hinting_factor"])
    return max(_line_width(figure, line, font, key) for line in text.split("\n")) * (72 / figure.dpi)


_WIDTHS: dict[tuple, float] = {}  # (line, font file, font, dpi, hinting) -> width in pixels


def _line_width(figure: Figure, line: str, font: FontProperties, key: tuple) -> float:
    """Measured once: a layout measures the same labels again on every round of fitting, and FreeType is slow."""
    found = _WIDTHS.get((line, *key))
    if found is None:
        if len(_WIDTHS) > 100_000:  # a long notebook session: start again rather than grow without end
            _WIDTHS.clear()
        found = _WIDTHS[(line, *key)] = renderer_of(figure).get_text_width_height_descent(line, font, ismath=False)[0]
    return found


def wrap_to(figure: Figure, text: str, width: float, size: float, weight: str = "normal") -> str:
    """`text` wrapped so that no line is wider than `width` points (a word longer than that stays whole)."""
    chars = max(8, len(text))
    while chars > 8:
        wrapped = textwrap.fill(text, chars, break_long_words=False)
        if text_width(figure, wrapped, size, weight) <= width:
            return wrapped
        chars -= 1
    return textwrap.fill(text, chars, break_long_words=False)


def x_ticks(ax: Axes, labels: Sequence[str], width: float) -> None:
    """Label as many points as fit across `width` points, counting back from the latest; a tick mark at every
    point. The first label is dropped if it would stick out left of the plot."""
    n = len(labels)
    if n == 0:
        return
    figure = ax.figure
    widths = [text_width(figure, label) for label in labels]
    most = max(1, int(width // (max(widths) + TICK_GAP_PT)))
    step = max(1, math.ceil(n / most))
    positions = list(np.arange(n - 1, -1, -step)[::-1])
    left, right = ax.get_xlim()
    per_unit = width / (right - left)
    if len(positions) > 1 and (positions[0] - left) * per_unit < widths[positions[0]] / 2 - 2:
        positions = positions[1:]
    placed = (tuple(labels), tuple(int(i) for i in positions))
    last = _PLACED.get(ax)
    if last is not None and last[0] == placed and all(was() is now for was, now in zip(last[1:], _ticking(ax))):
        return  # as the last round placed them: setting them again would only make the same ticks again
    ax.set_xticks(positions, [labels[i] for i in positions], fontsize=TEXT_PT)
    _point_marks(ax, [i for i in range(n) if i not in set(positions)])
    # Held weakly: the locators and formatter lead back to the axes, and a value that keeps its key alive would
    # keep every chart ever drawn (and its figure) in memory.
    _PLACED[ax] = (placed, *(ref(part) for part in _ticking(ax)))


def _point_marks(ax: Axes, unlabelled: Sequence[int]) -> None:
    """A short tick mark under each point without a label, drawn as minor ticks look (`xtick.minor.*`), as one
    line of markers: matplotlib makes five artists for every tick, a tenth of a chart's time."""
    for old in [line for line in ax.lines if line.get_gid() == "point_marks"]:
        old.remove()
    if not unlabelled:
        return
    ax.add_line(Line2D(np.asarray(unlabelled, dtype=float), np.zeros(len(unlabelled)),
                       transform=ax.get_xaxis_transform(), linestyle="none",
                       marker=TICKDOWN if rcParams["xtick.direction"] != "in" else TICKUP,
                       markersize=2, markeredgewidth=rcParams["xtick.minor.width"], color=rcParams["xtick.color"],
                       clip_on=False, zorder=2.01, gid="point_marks"))


_PLACED: WeakKeyDictionary = WeakKeyDictionary()  # axes -> the x ticks x_ticks last gave it, and (weakly) what ticks it


def _ticking(ax: Axes) -> tuple:
    """What places and writes the x ticks now: other objects if anything has set them since (or cleared the axes)."""
    axis = ax.xaxis
    return axis.get_major_locator(), axis.get_minor_locator(), axis.get_major_formatter()


def foot_anchor(figure: Figure) -> tuple[float, float]:
    """Where `bottom_legend` pins its legend's lower left corner: the margins, as fractions of the figure."""
    width, height = size_pt(figure)
    return MARGIN_PT / width, MARGIN_PT / height


def bottom_legend(figure: Figure, handles: list, ncol: int = 2) -> Legend:
    """The legend across the foot of the figure, left-aligned with the margin, in `ncol` columns; labels too
    long for their column are wrapped rather than the legend losing a column (which would cost the plot)."""
    width, _ = size_pt(figure)
    ncol = min(ncol, len(handles))
    room = width - 2 * MARGIN_PT

    def draw() -> Legend:
        return figure.legend(handles=handles, loc="lower left", bbox_to_anchor=foot_anchor(figure),
                             ncol=ncol, fontsize=TEXT_PT, frameon=False, borderaxespad=0, borderpad=0,
                             handlelength=2.2, handletextpad=0.5, columnspacing=1.2, labelspacing=0.3)

    legend = draw()
    if in_points(figure, legend.get_window_extent(renderer_of(figure))).width <= room:
        return legend
    legend.remove()
    column = (room - 1.2 * TEXT_PT * (ncol - 1)) / ncol - 2.7 * TEXT_PT  # less the handle and its gap
    for handle in handles:
        handle.set_label(wrap_to(figure, handle.get_label().replace("\n", " "), column, TEXT_PT))
    return draw()


def fit_axes(ax: Axes, top: float, bottom: float, place_ticks: Callable[[float], None], rounds: int = 4) -> None:
    """Put the plot and its tick labels between `top` and `bottom` (points from the figure's foot), filling the
    width inside the margins. `place_ticks(width)` sets the x ticks for a plot `width` points wide."""
    figure = ax.figure
    width, height = size_pt(figure)
    left, right, low, high = MARGIN_PT + 30, width - MARGIN_PT, bottom + 20, top
    for _ in range(rounds):
        ax.set_position((left / width, low / height, (right - left) / width, max(high - low, 10) / height))
        place_ticks(right - left)
        box = in_points(figure, ax.get_tightbbox(renderer_of(figure)))
        moves = (MARGIN_PT - box.x0, (width - MARGIN_PT) - box.x1, bottom - box.y0, top - box.y1)
        if all(abs(move) < 0.5 for move in moves):
            return
        left, right, low, high = (edge + move for edge, move in zip((left, right, low, high), moves))
