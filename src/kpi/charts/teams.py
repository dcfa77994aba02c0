"""One indicator by team, as small multiples: each team's series against all teams', on the same scale.

For the officers' indicator explorer: whether one team is behind the authority's figure, or all of them.
"""

from __future__ import annotations

import math

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.ticker import FuncFormatter

from kpi.catalogue import Indicator
from kpi.charts.chart import Chart
from kpi.charts.style import DARK_BLUE, MID_GREY, STYLE
from kpi.indicators.measures import Unavailable
from kpi.indicators.table import ALL
from kpi.time import periods as fp
from kpi.words.formatting import format_value

ALL_TEAMS_LINE = {"color": MID_GREY, "linewidth": 1.2, "linestyle": (0, (4, 2))}
TEAM_LINE = {"color": DARK_BLUE, "linewidth": 1.8, "marker": "o", "markersize": 3}


def team_chart(values: pd.DataFrame, indicator: Indicator, *, language: str = "en") -> Chart:
    """Small multiples of `values` (team, period, period_object, value; all teams as "All"), three a row.
    Unavailable when the indicator is not recorded by team."""
    periods = sorted(values["period_object"].unique())
    codes = [fp.code(p) for p in periods]
    wide = values.pivot(index="team", columns="period", values="value").reindex(columns=codes)
    teams = sorted(t for t in wide.index if t != ALL)
    title = indicator.title_in(language)
    if not teams:
        raise Unavailable(f"{title} is not recorded by team")
    everyone = wide.loc[ALL].to_numpy(dtype=float) if ALL in wide.index else np.full(len(codes), np.nan)
    columns = min(3, len(teams))
    rows = math.ceil(len(teams) / columns)
    x = np.arange(len(codes))
    fmt = lambda v: format_value(v, indicator.unit, indicator.decimals)  # noqa: E731
    with matplotlib.style.context(STYLE):
        figure = Figure(figsize=(10, 2.4 * rows + 1.3), dpi=100, layout="constrained")
        FigureCanvasAgg(figure)
        axes = figure.subplots(rows, columns, sharex=True, sharey=True, squeeze=False)
        for ax, team in zip(axes.flat, teams):
            ax.plot(x, everyone, **ALL_TEAMS_LINE)
            ax.plot(x, wide.loc[team].to_numpy(dtype=float), **TEAM_LINE)
            ax.set_title(team, loc="left", fontsize=10)
            ax.yaxis.set_major_formatter(FuncFormatter(lambda v, _: fmt(v)))
            ax.tick_params(labelsize=8)
        for ax in list(axes.flat)[len(teams):]:
            ax.set_visible(False)
        ticks = sorted({0, len(codes) // 2, len(codes) - 1})
        for ax in axes[-1]:
            ax.set_xticks(ticks, [fp.label(periods[i], language) for i in ticks])
        figure.suptitle(f"{title} by team", x=0.01, ha="left", fontsize=13)
        figure.legend(handles=[Line2D([], [], label="Team", **TEAM_LINE),
                               Line2D([], [], label="All teams", **ALL_TEAMS_LINE)],
                      loc="outside lower center", ncol=2, fontsize=9, frameon=False)
    latest = wide[codes[-1]].drop(index=ALL, errors="ignore").sort_values(ascending=False)
    said = "; ".join(f"{team} {fmt(value)}" for team, value in latest.items())
    alt = (f"{title} by team, {fp.label(periods[0], language)} to {fp.label(periods[-1], language)}, each team "
           f"against all teams. In {fp.label(periods[-1], language)}: {said}; all teams {fmt(everyone[-1])}.")
    return Chart(figure, alt)
