"""Variation and assurance icons: our own simple drawings (a circle with a symbol), not the Making Data Count
artwork, each with a caption so that neither colour nor symbol is the only signal.

Symbols read the same in English and Welsh: arrows for the direction of a special cause, "~" for common cause,
and for assurance a tick (meets the target), a cross (misses it) and "?" (hit and miss). The English letters P and
F of the NHS icons would say "pass" and "fail" to an English reader only.
"""

from __future__ import annotations

import textwrap

from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.patches import Circle

from kpi.charts.layout import text_width
from kpi.charts.style import (DARK_BLUE, DARK_GREY, ORANGE, PURPLE, TEXT, TEXT_PT, WHITE, new_figure, size_pt,
                              text_colour_on, to_png)
from kpi.charts.words import ChartWords
from kpi.spc.xmr import SpcResult

# Icon -> (fill, symbol, caption msgid).
VARIATION_ICON_STYLE = {
    "common_cause": (DARK_GREY, "~", "Common cause"),
    "improvement_high": (DARK_BLUE, "↑", "Improving"),
    "improvement_low": (DARK_BLUE, "↓", "Improving"),
    "concern_high": (ORANGE, "↑", "Concern"),
    "concern_low": (ORANGE, "↓", "Concern"),
    "neutral_high": (PURPLE, "↑", "Higher"),
    "neutral_low": (PURPLE, "↓", "Lower"),
}
ASSURANCE_ICON_STYLE = {
    "pass": (DARK_BLUE, "✓", "Meets target"),
    "fail": (ORANGE, "✗", "Misses target"),
    "inconsistent": (DARK_GREY, "?", "Hit and miss"),
}
RADIUS_PT = 8.5
SYMBOL_PT = 11.0
CAPTION_WIDTH = 11  # characters per caption line: two short lines rather than one long one, and never more than two


def icon_style(kind: str, value: str) -> tuple[str, str, str]:
    styles = {"variation": VARIATION_ICON_STYLE, "assurance": ASSURANCE_ICON_STYLE}
    if kind not in styles:
        raise ValueError(f"kind must be 'variation' or 'assurance', not {kind!r}")
    if value not in styles[kind]:
        raise ValueError(f"no {kind} icon called {value!r}; expected one of {sorted(styles[kind])}")
    return styles[kind][value]


def _draw_icon(ax: Axes, fill: str, symbol: str, centre: tuple[float, float], radius: float,
               fontsize: float) -> None:
    ax.add_patch(Circle(centre, radius, facecolor=fill, edgecolor=WHITE, linewidth=1.2, gid="icon"))
    ax.text(*centre, symbol, ha="center", va="center_baseline", fontsize=fontsize, fontweight="bold",
            color=text_colour_on(fill), gid="icon_symbol")


def _wrap(caption: str) -> str:
    width = CAPTION_WIDTH
    while len(textwrap.wrap(caption, width)) > 2:
        width += 1
    return textwrap.fill(caption, width)


def icon_panel(figure: Figure, result: SpcResult, words: ChartWords, right: float, top: float) -> Axes:
    """The variation and (if any) assurance icons with captions, their top-right corner at (`right`, `top`) in
    points. The panel is an axes whose data units are points, so circles stay round at any figure size."""
    icons = [icon_style("variation", result.variation_icon)]
    if result.assurance_icon is not None:
        icons.append(icon_style("assurance", result.assurance_icon))
    captions = [_wrap(words(caption)) for _, _, caption in icons]
    sizes = [(text_width(figure, caption), (caption.count("\n") + 1) * TEXT_PT * 1.2) for caption in captions]
    gap = 6.0
    slots = [max(2 * RADIUS_PT, width) for width, _ in sizes]
    width = sum(slots) + gap * (len(slots) - 1)
    height = 2 * RADIUS_PT + 2 + max(h for _, h in sizes)
    figure_width, figure_height = size_pt(figure)
    panel = figure.add_axes((((right - width) / figure_width), (top - height) / figure_height,
                             width / figure_width, height / figure_height))
    panel.set_xlim(0, width)
    panel.set_ylim(0, height)
    panel.axis("off")
    panel.set_gid("icons")
    x = 0.0
    for (fill, symbol, _), caption, slot in zip(icons, captions, slots):
        centre = (x + slot / 2, height - RADIUS_PT)
        _draw_icon(panel, fill, symbol, centre, RADIUS_PT, SYMBOL_PT)
        panel.text(centre[0], height - 2 * RADIUS_PT - 2, caption, ha="center", va="top", multialignment="center",
                   fontsize=TEXT_PT, color=TEXT, gid="icon_caption", linespacing=1.1)
        x += slot + gap
    return panel


def icon_png(kind: str, value: str, size_px: int = 48, *, language: str = "en") -> bytes:
    """One icon alone as PNG bytes (for the summary table): no caption, so no words; transparent background.
    `language` is accepted for callers that pass it: the symbols are the same in every language."""
    fill, symbol, _ = icon_style(kind, value)
    dpi = 100
    figure = new_figure(size_px / dpi * 25.4, size_px / dpi * 25.4)
    ax = figure.add_axes((0, 0, 1, 1))
    ax.set_xlim(-0.45, 0.45)
    ax.set_ylim(-0.45, 0.45)
    ax.set_aspect("equal")
    ax.axis("off")
    _draw_icon(ax, fill, symbol, (0, 0), 0.4, size_px * 0.42)
    return to_png(figure, dpi=dpi, transparent=True)
