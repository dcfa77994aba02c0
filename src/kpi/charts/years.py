"""Our value each year against the nation, the region, the statistical neighbours' median and the middle half
of authorities."""

from __future__ import annotations

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from kpi.compare import benchmarking as bm
from kpi.charts.chart import Chart
from kpi.charts.comparison import Said, frame_chart
from kpi.charts.layout import fit_axes, x_ticks
from kpi.charts.style import (BAND_FILL, COMPARISON_WIDTH_MM, DARK_BLUE, DARK_GREY, DARK_PINK, MID_BLUE, MID_GREY,
                              STYLE, TEXT, TEXT_PT, new_figure)
from kpi.charts.words import ChartWords, Translate, chart_words


def time_series_chart(bench: bm.Benchmark, *, text: Translate | ChartWords | None = None,
                      language: str = "en") -> Chart:
    """Our value each year against the nation, the region, the neighbours' median and the middle half of
    authorities (between the quartiles)."""
    words = chart_words(text, language)
    said = Said(bench, words)
    frame = bm.series(bench)
    x = np.arange(len(frame), dtype=float)
    years = [said.year(year) for year in frame["period"]]
    lines = [("value", said.short, said.short, DARK_BLUE, "o", "-", 1.8),
             ("nation_value", said.nation, said.nation, DARK_GREY, "s", (0, (4, 2.5)), 1.3)]
    if bench.area.region and frame["region_value"].notna().any():
        lines.append(("region_value", words("{region} (region)", region=bench.area.region), bench.area.region,
                      DARK_PINK, "D", ":", 1.3))
    if bench.area.neighbours and frame["neighbours_median"].notna().any():
        median = words("Statistical neighbours' median")
        lines.append(("neighbours_median", median, median, MID_BLUE, "^", (0, (3, 1, 1, 1)), 1.3))
    title = _series_title(said, frame)
    subtitle = (words("{indicator}, {first} to {last}", indicator=said.indicator, first=years[0], last=years[-1])
                if len(years) > 1 else said.indicator)
    with matplotlib.style.context(STYLE):
        figure = new_figure(COMPARISON_WIDTH_MM, 80)
        ax = figure.add_axes((0.1, 0.3, 0.6, 0.5))
        ax.fill_between(x, frame["lower_quartile"].astype(float), frame["upper_quartile"].astype(float),
                        color=BAND_FILL, edgecolor=MID_GREY, linewidth=0.6, zorder=1, gid="band")
        handles = [Patch(facecolor=BAND_FILL, edgecolor=MID_GREY,
                         label=words("Middle half of authorities (quartiles)"))]
        ends = []
        for column, label, end_label, colour, marker, style, width in lines:
            values = frame[column].astype(float).to_numpy()
            ax.plot(x, values, color=colour, marker=marker, linestyle=style, linewidth=width, markersize=4.5,
                    zorder=3, gid=column)
            handles.append(Line2D([], [], color=colour, marker=marker, linestyle=style, linewidth=width,
                                  markersize=4.5, label=label))
            last = np.flatnonzero(~np.isnan(values))
            if len(last):
                ends.append((x[int(last[-1])], values[int(last[-1])], end_label, column == "value"))
        ax.set_xlim(-0.4, len(x) - 0.6 if len(x) > 1 else 0.4)
        ax.yaxis.set_major_formatter(said.axis_formatter())
        ax.tick_params(labelsize=TEXT_PT)
        top, bottom = frame_chart(figure, title, subtitle, handles)
        _label_line_ends(ax, ends, said)
        fit_axes(ax, top, bottom, lambda width: x_ticks(ax, years, width))
    return Chart(figure, _series_alt_text(said, frame, title), title, bm.series_table(bench))


def _label_line_ends(ax: Axes, ends: list[tuple], said: Said) -> None:
    """Name each line at its last point, spread apart so that labels of close values do not overlap."""
    if not ends:
        return
    low, high = ax.get_ylim()
    gap = 0.07 * (high - low)
    order = sorted(range(len(ends)), key=lambda i: ends[i][1])
    placed: list[float] = []
    for i in order:  # a few lines
        y = ends[i][1]
        placed.append(max(y, placed[-1] + gap) if placed else y)
    shift = max(0.0, placed[-1] - high + gap / 2) if placed else 0.0
    for i, y in zip(order, placed):
        x, value, label, ours = ends[i]
        ax.annotate(f"{label} {said.show(value)}", (x, value), xytext=(x + 0.15, y - shift), textcoords="data",
                    va="center", fontsize=TEXT_PT, color=DARK_BLUE if ours else TEXT, annotation_clip=False,
                    fontweight="bold" if ours else "normal", gid="line_label")


def _better(values: pd.Series, others: pd.Series, polarity: str) -> pd.Series:
    if polarity == "lower_is_better":
        return values < others
    return values > others


def _series_title(said: Said, frame: pd.DataFrame) -> str:
    words, name, nation = said.words, said.short, said.nation
    both = frame["value"].notna() & frame["nation_value"].notna()
    if not both.any():
        return words("{name} against {nation}, {first} to {last}", name=name, nation=nation,
                     first=said.year(frame["period"].iloc[0]), last=said.year(frame["period"].iloc[-1]))
    n = int(both.sum())
    year = said.year(frame.loc[both, "period"].iloc[0])
    if said.measure.polarity == "neutral":
        above = int((frame["value"] > frame["nation_value"])[both].sum())
        if n == 1:
            return words("{name} above {nation} in {year}" if above else "{name} not above {nation} in {year}",
                         name=name, nation=nation, year=year)
        return words("{name} above {nation} in {count} of {n} years", name=name, nation=nation, count=above, n=n)
    better = int(_better(frame["value"], frame["nation_value"], said.measure.polarity)[both].sum())
    if n == 1:
        return words("{name} better than {nation} in {year}" if better else "{name} no better than {nation} in {year}",
                     name=name, nation=nation, year=year)
    return words("{name} better than {nation} in {count} of {n} years", name=name, nation=nation, count=better, n=n)


def _series_alt_text(said: Said, frame: pd.DataFrame, title: str) -> str:
    words, show, bench = said.words, said.show, said.bench
    first, last = frame.iloc[0], frame.iloc[-1]
    parts = [words("Line chart: {title}", title=title),
             words("{indicator} from {first} to {last}", indicator=said.indicator, first=said.year(first["period"]),
                   last=said.year(last["period"]))]
    for column, label in (("value", said.name), ("nation_value", said.nation),
                          ("region_value", words("{region} region", region=bench.area.region)),
                          ("neighbours_median", words("statistical neighbours' median"))):
        known = frame[column].dropna()
        if known.empty:
            continue
        start, end = frame.loc[known.index[0]], frame.loc[known.index[-1]]
        parts.append(words("{series}: {first_value} in {first}, {last_value} in {last}", series=label,
                           first_value=show(start[column]), first=said.year(start["period"]),
                           last_value=show(end[column]), last=said.year(end["period"])))
    if frame["lower_quartile"].notna().any():
        parts.append(words("The middle half of authorities was between {lower} and {upper} in {year}",
                           lower=show(last["lower_quartile"]), upper=show(last["upper_quartile"]),
                           year=said.year(last["period"])))
    return ". ".join(parts) + "."
