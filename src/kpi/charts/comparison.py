"""How we compare, as charts: what the ranked, quartile and years charts share (`ranking`, `years`).

Analysis Function style: active titles of ten words or fewer, light gridlines; this authority is marked by
colour AND by hatching and a label; every chart has alt text. Every word comes from the translation function
(`kpi.charts.words`); authority and region names are proper names, as published. Charts are drawn at the width
the pack places them (`COMPARISON_WIDTH_MM`) with no text below 9 pt, a title block at the top and the legend at
the foot.
"""

from __future__ import annotations

from matplotlib.figure import Figure
from matplotlib.ticker import FuncFormatter

from kpi.compare import benchmarking as bm
from kpi.charts.layout import bottom_legend, foot_anchor, wrap_to
from kpi.charts.style import DARK_GREY, MARGIN_PT, TEXT, TEXT_PT, TITLE_PT, in_points, renderer_of, size_pt
from kpi.charts.words import ChartWords

ORDER_MSGIDS = {"higher_is_better": "best (highest) to worst", "lower_is_better": "best (lowest) to worst"}


class Said:
    """What a comparison chart says, worked out once: its words, and the names and values it shows."""

    def __init__(self, bench: bm.Benchmark, words: ChartWords):
        self.bench, self.words, self.measure = bench, words, bench.measure
        self.indicator = bench.measure.indicator.title_in(words.language)
        self.nation = words(bench.nation)
        authority = bench.config.authority
        self.name = authority.welsh_name if words.language == "cy" and authority.welsh_name else authority.name
        self.short = bm.short_name(bench.name)

    def show(self, value: float) -> str:
        return self.words.value(value, self.measure.unit, self.measure.decimals)

    def year(self, year: str) -> str:
        return self.words.period(year)

    def order(self) -> str:
        return self.words(ORDER_MSGIDS.get(self.measure.polarity, "highest to lowest"))

    def ordinal(self, number: int) -> str:
        """'3rd'. The English suffix rule picks the msgid; the title also gets the bare {rank}, which Welsh uses."""
        suffix = "th" if 10 <= number % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(number % 10, "th")
        return self.words("{n}" + suffix, n=number)

    def axis_formatter(self) -> FuncFormatter:
        unit = self.measure.unit
        return FuncFormatter(lambda v, _: self.words.value(v, unit, 0 if float(v).is_integer() else 1))


def header(figure: Figure, title: str, subtitle: str | None) -> float:
    """Title and subtitle at the top left, wrapped to the width; returns the bottom of the block (pt)."""
    width, height = size_pt(figure)
    renderer = renderer_of(figure)
    room = width - 2 * MARGIN_PT
    top = height - MARGIN_PT
    heading = figure.text(MARGIN_PT / width, top / height, wrap_to(figure, title, room, TITLE_PT, "bold"),
                          ha="left", va="top", fontsize=TITLE_PT, fontweight="bold", color=TEXT, gid="title")
    bottom = in_points(figure, heading.get_window_extent(renderer)).y0
    if subtitle:
        sub = figure.text(MARGIN_PT / width, (bottom - 3) / height, wrap_to(figure, subtitle, room, TEXT_PT),
                          ha="left", va="top", fontsize=TEXT_PT, color=DARK_GREY, gid="subtitle")
        bottom = in_points(figure, sub.get_window_extent(renderer)).y0
    return bottom


def frame_chart(figure: Figure, title: str, subtitle: str | None, handles: list) -> tuple[float, float]:
    """Header and legend drawn; the top and bottom (pt) of the room left for the plot and its tick labels."""
    top = header(figure, title, subtitle) - 6
    legend = bottom_legend(figure, handles)
    return top, in_points(figure, legend.get_window_extent(renderer_of(figure))).y1 + 4


def grow_to(figure: Figure, height: float) -> float:
    """Make the figure `height` pt tall, its header (the figure's texts) as far below the top as it was and its
    legend (`bottom_legend`'s) at the margin above the foot; returns how far the top moved up (pt). Cheaper than
    drawing the header and legend again, and the same: their wrapping depends on the width alone."""
    _, was = size_pt(figure)
    for text in figure.texts:
        text.set_y(1 - (1 - text.get_position()[1]) * was / height)
    figure.set_size_inches(figure.get_figwidth(), height / 72)
    for legend in figure.legends:
        legend.set_bbox_to_anchor(foot_anchor(figure), transform=figure.transFigure)
    return height - was
