"""Every authority ranked, ours highlighted (dark blue, hatched and labelled); or, where only the nation's value
and the quartiles were published, our figure against them. Named bars (Wales) set the chart's height. Figures
kpi computed from every authority's records (kpi.compare.national) are said to be so, never published."""

from __future__ import annotations

import matplotlib.style
import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.lines import Line2D
from matplotlib.patches import Patch
from matplotlib.patheffects import withStroke
from matplotlib.ticker import MaxNLocator

from kpi.compare import benchmarking as bm
from kpi.charts.chart import Chart
from kpi.charts.comparison import Said, frame_chart, grow_to
from kpi.charts.layout import fit_axes, text_width
from kpi.charts.style import (BAND_FILL, COMPARISON_WIDTH_MM, DARK_BLUE, DARK_GREY, MID_BLUE, MID_GREY, STYLE, TEXT,
                              TEXT_PT, WHITE, new_figure, size_pt)
from kpi.charts.words import ChartWords, Translate, chart_words
from kpi.compare.ranking import (COMPUTED, FROM_AUTHORITIES, FROM_RECORDS, PUBLISHED, bands, position_words,
                                 quartiles_of)
from kpi.errors import UnusableInput

ROW_PT = 10.0  # one named bar and its 9 pt label
BAND_MSGIDS = {"A": "best quarter", "B": "second quarter", "C": "third quarter", "D": "worst quarter"}
NEUTRAL_BAND_MSGIDS = {"A": "highest quarter", "B": "second highest", "C": "second lowest", "D": "lowest quarter"}
POSITION_TITLES = {"above_upper_quartile": "{name} above the upper quartile in {year}",
                   "between_quartiles": "{name} between the quartiles in {year}",
                   "below_lower_quartile": "{name} below the lower quartile in {year}"}
AUTHORITIES_IN = {"wales": "{indicator} for {count} Welsh authorities in {year}, {order}",
                  "england": "{indicator} for {count} English authorities in {year}, {order}"}


def ranked_chart(bench: bm.Benchmark, year: str | None = None, *, text: Translate | ChartWords | None = None,
                 language: str = "en") -> Chart:
    """Every authority's value, best to worst, with quartile bands, the nation's value and this authority
    highlighted (dark blue, hatched and labelled). Up to 30 authorities (Wales) are named on horizontal bars;
    more (England) are drawn as unnamed columns with ours labelled. A year published with only the nation's
    value and quartiles is drawn as our figure against them, with no rank."""
    words = chart_words(text, language)
    said = Said(bench, words)
    year = year or bench.latest
    result = bm.position(bench, year)
    if result["quartiles_source"] == PUBLISHED:
        return _quartiles_chart(said, result, year)
    if result["quartiles_source"] != FROM_AUTHORITIES:
        raise UnusableInput(f"{bench.measure.id}, {year}: no other authority's figure is published, so there is "
                            "nothing to rank against")
    table = bm.league(bench, year)
    shown = table[table["value"].notna()].reset_index(drop=True)
    named = len(shown) <= bm.MAX_NAMED_BARS
    title = _ranked_title(said, result, year)
    subtitle = _ranked_subtitle(said, result, year) + (f"; {said.order()}" if named else "")
    with matplotlib.style.context(STYLE):
        figure = new_figure(COMPARISON_WIDTH_MM, 75)
        ax = figure.add_axes((0.3, 0.2, 0.6, 0.6))
        handles = _draw_bars(ax, said, shown, result, named)
        top, bottom = frame_chart(figure, title, subtitle, handles)
        if named:  # the figure is as tall as its bars need
            _, height = size_pt(figure)
            needed = (height - top) + (bottom + 22) + ROW_PT * len(shown) + 4
            top += grow_to(figure, needed)
        _fit_bars(ax, said, shown, named, top, bottom)
    return Chart(figure, _ranked_alt_text(said, table, result, year, title), title, bm.league_table(bench, year))


def _draw_bars(ax: Axes, said: Said, shown: pd.DataFrame, result: dict, named: bool) -> list:
    """Bars (ours dark blue and hatched, neighbours mid blue with a marker, others mid grey), the bands behind
    them, the nation's line and the labels on ours and the nation's; returns the legend handles."""
    words, values = said.words, shown["value"].to_numpy(dtype=float)
    at = np.arange(len(shown))[::-1].astype(float) if named else np.arange(len(shown), dtype=float)
    computed = result["comparator_value_source"] == COMPUTED
    shading = _shade_bands(ax, shown, said, at, named)
    colours = np.where(shown["this_authority"], DARK_BLUE, np.where(shown["neighbour"], MID_BLUE, MID_GREY))
    draw = ax.barh if named else ax.bar
    bars = draw(at, values, 0.7 if named else 0.8, color=colours, edgecolor=WHITE, linewidth=0.3, zorder=3,
                gid="bar")
    for bar, mine in zip(bars, shown["this_authority"]):
        if mine:
            bar.set_hatch("///")
    ours = (words("{name} (hatched; computed from our data, not published)", name=said.short) if computed
            else words("{name} (hatched)", name=said.short))
    handles = [Patch(facecolor=DARK_BLUE, hatch="///", edgecolor=WHITE, label=ours)]
    neighbour = shown["neighbour"].to_numpy(dtype=bool)
    marker = "<" if named else "v"
    if neighbour.any():
        spot = (values[neighbour], at[neighbour]) if named else (at[neighbour], values[neighbour])
        ax.plot(*spot, linestyle="none", marker=marker, markersize=5, color=DARK_GREY, zorder=4, gid="neighbour")
        handles.append(Line2D([], [], linestyle="none", marker=marker, markersize=5, color=MID_BLUE,
                              markeredgecolor=DARK_GREY, label=words("Statistical neighbour (with a marker)")))
    handles += [Patch(facecolor=MID_GREY, label=words("Other authorities")), shading]
    nation = result["nation_value"]
    if pd.notna(nation):
        halo = [withStroke(linewidth=3, foreground=WHITE)]  # stands out on a bar as well as on the page
        (ax.axvline if named else ax.axhline)(nation, color=DARK_GREY, linewidth=1.2, linestyle=(0, (4, 2.5)),
                                              zorder=5, path_effects=halo, gid="nation")
        handles.append(Line2D([], [], color=DARK_GREY, linewidth=1.2, linestyle=(0, (4, 2.5)),
                              label=words("{nation} {value} ({method})", nation=said.nation, value=said.show(nation),
                                          method=words(result["nation_method"]))))
        if not named:  # named bars: the legend names the line, and the rows are kept for the bars
            ax.annotate(f"{said.nation} {said.show(nation)}", (0, nation), xycoords=("axes fraction", "data"),
                        xytext=(3, 3), textcoords="offset points", ha="left", va="bottom", fontsize=TEXT_PT,
                        color=DARK_GREY, zorder=6, gid="nation_label",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": WHITE, "edgecolor": "none"})
    mine = np.flatnonzero(shown["this_authority"].to_numpy())
    if len(mine):
        i = int(mine[0])
        label = f"{said.short} {said.show(values[i])}" + (f" {words('(our data)')}" if computed else "")
        if named:
            ax.annotate(label, (values[i], at[i]), xytext=(4, 0), textcoords="offset points", ha="left",
                        va="center", fontsize=TEXT_PT, fontweight="bold", color=DARK_BLUE, zorder=6, gid="our_label",
                        bbox={"boxstyle": "round,pad=0.15", "facecolor": WHITE, "edgecolor": "none"})
        else:
            ax.annotate(label.replace(" ", "\n", 1) if len(label) > 14 else label, (at[i], values[i]),
                        xytext=(0, 14), textcoords="offset points", ha="center", va="bottom", fontsize=TEXT_PT,
                        fontweight="bold", color=DARK_BLUE, arrowprops={"arrowstyle": "-", "color": DARK_BLUE},
                        gid="our_label", bbox={"boxstyle": "round,pad=0.15", "facecolor": WHITE, "edgecolor": "none"})
    return handles


def _fit_bars(ax: Axes, said: Said, shown: pd.DataFrame, named: bool, top: float, bottom: float) -> None:
    """Axes, ticks and limits, then the plot fitted. Named bars: the value axis runs far enough for each band's
    label to clear the bar in its row, and our label to clear ours."""
    values = shown["value"].to_numpy(dtype=float)
    nation = [float(line.get_xdata()[0] if named else line.get_ydata()[0]) for line in ax.get_lines()
              if line.get_gid() == "nation"]
    tallest = max([float(np.nanmax(values)) if len(values) else 0.0, *nation])
    (ax.xaxis if named else ax.yaxis).set_major_formatter(said.axis_formatter())
    ax.tick_params(labelsize=TEXT_PT)
    if named:
        ax.set_yticks(np.arange(len(shown))[::-1], [bm.short_name(n) for n in shown["area_name"]], fontsize=TEXT_PT)
        ax.set_ylim(-0.6, len(shown) - 0.4)
        ax.grid(axis="x", color="0.8", linewidth=0.6)
        ax.grid(axis="y", visible=False)
    else:
        ax.set_xticks([])
        ax.set_xlim(-0.7, len(shown) - 0.3)
        ax.set_xlabel(said.words("{count} authorities, {order}", count=len(shown), order=said.order()),
                      fontsize=TEXT_PT, color=TEXT)
    # Each row's bar value and the width (pt) of the labels beside it: our label, then the band's letter.
    beside = {-1: [tallest, 0.0]}
    for label in ax.texts if named else []:
        if label.get_gid() == "band_label":
            row = min(max(round(len(shown) - 1 - (label.get_position()[1] + 0.15 - 0.5)), 0), len(values) - 1)
        elif label.get_gid() == "our_label":
            row = int(np.flatnonzero(shown["this_authority"].to_numpy())[0])
        else:
            continue
        entry = beside.setdefault(row, [values[row], 0.0])
        entry[1] += text_width(ax.figure, label.get_text(), weight="bold") + 8

    def place(plot_width: float) -> None:
        if not named:
            ax.set_ylim(0, tallest * 1.22 if tallest > 0 else 1)
            return
        needed = [value * plot_width / max(plot_width - width - 4, plot_width * 0.3)
                  for value, width in beside.values()]
        ax.set_xlim(0, max(needed) * 1.02 if max(needed) > 0 else 1)
        ticks = MaxNLocator(nbins=max(2, int(plot_width // 40)), steps=[1, 2, 2.5, 5, 10]).tick_values(
            *ax.get_xlim())
        # no tick past the labels' room, nor past 100% (a percentage cannot reach it)
        top = min(ax.get_xlim()[1], 100.0) if said.measure.unit == "percent" else ax.get_xlim()[1]
        ax.set_xticks([t for t in ticks if 0 <= t <= top])

    fit_axes(ax, top, bottom, place)


def _shade_bands(ax: Axes, shown: pd.DataFrame, said: Said, at: np.ndarray, named: bool) -> Patch:
    """Quartile bands behind the bars: alternate light fills, each marked with its letter (A is the best quarter,
    or the highest where neither direction is better); returns the legend entry that says what the letters
    mean."""
    neutral = said.measure.polarity not in ("higher_is_better", "lower_is_better")
    band = shown["band"]
    if neutral and len(shown):
        band = bands(shown["value"], *quartiles_of(shown["value"]), "higher_is_better")
    present = [letter for letter in "ABCD" if band.eq(letter).fillna(False).any()]
    for i, letter in enumerate(present):
        where = at[band.eq(letter).fillna(False).to_numpy()]
        low, high = where.min() - 0.5, where.max() + 0.5
        fill = BAND_FILL if i % 2 == 0 else WHITE
        box = {"boxstyle": "square,pad=0.1", "facecolor": fill, "edgecolor": "none"}
        last = i == len(present) - 1  # a thin line between bands, so that the shading is not needed to see them
        if named:
            ax.axhspan(low, high, facecolor=fill, edgecolor="none", zorder=0, gid="band")
            if not last:
                ax.axhline(low, color=MID_GREY, linewidth=0.6, zorder=1, gid="band_edge")
            ax.text(0.995, high - 0.15, letter, transform=ax.get_yaxis_transform(), ha="right", va="top",
                    fontsize=TEXT_PT, fontweight="bold", color=DARK_GREY, gid="band_label", zorder=6, bbox=box)
        else:
            ax.axvspan(low, high, facecolor=fill, edgecolor="none", zorder=0, gid="band")
            if not last:
                ax.axvline(high, color=MID_GREY, linewidth=0.6, zorder=1, gid="band_edge")
            ax.text((low + high) / 2, 0.98, letter, transform=ax.get_xaxis_transform(), ha="center", va="top",
                    fontsize=TEXT_PT, fontweight="bold", color=DARK_GREY, gid="band_label", zorder=6, bbox=box)
    meaning = ("Shading: quarters A (highest) to D (lowest)" if neutral else
               "Shading: quarters A (best) to D (worst)")
    return Patch(facecolor=BAND_FILL, edgecolor=MID_GREY, linewidth=0.6, label=said.words(meaning))


def _computed(result: dict) -> bool:
    """The figures ranked were computed from every authority's records (no one published them)."""
    return result.get("comparators_source") == FROM_RECORDS


def _ranked_subtitle(said: Said, result: dict, year: str) -> str:
    """The indicator and year; and where kpi computed the figures from every authority's records, that too."""
    if _computed(result):
        return said.words("{indicator}, {year}; computed from every authority's records, not published",
                          indicator=said.indicator, year=said.year(year))
    return f"{said.indicator}, {said.year(year)}"


def _ranked_title(said: Said, result: dict, year: str) -> str:
    words, name, year_label = said.words, said.short, said.year(year)
    if result["quartiles_source"] == PUBLISHED:
        if result["comparator_position"]:
            return words(POSITION_TITLES[result["comparator_position"]], name=name, year=year_label)
        return words("No {year} figure for {name} against the quartiles", name=name, year=year_label)
    if pd.notna(result["rank"]):
        rank = int(result["rank"])
        return words("{name} ranks {ordinal} of {count} authorities in {year}", name=name, rank=rank,
                     ordinal=said.ordinal(rank), count=int(result["rank_of"]), year=year_label)
    if said.measure.polarity == "neutral":
        return words("{name} among {count} authorities in {year}", name=name, count=int(result["rank_of"] or 0),
                     year=year_label)
    if _computed(result):
        return words("No {year} figure for {name}", name=name, year=year_label)
    return words("No published {year} figure for {name}", name=name, year=year_label)


def _band_words(said: Said, band: str) -> str:
    msgids = NEUTRAL_BAND_MSGIDS if said.measure.polarity == "neutral" else BAND_MSGIDS
    return said.words(msgids[band])


def _ranked_alt_text(said: Said, table: pd.DataFrame, result: dict, year: str, title: str) -> str:
    words, show = said.words, said.show
    known = table[table["value"].notna()]
    parts = [words("Bar chart: {title}", title=title),
             words(AUTHORITIES_IN.get(said.bench.area.nation, AUTHORITIES_IN["wales"]), indicator=said.indicator,
                   count=len(known), year=said.year(year), order=said.order())]
    ours = table[table["this_authority"]]
    if len(ours) and pd.notna(ours["value"].iloc[0]):
        band = result["quartile_band"]
        parts.append(f"{said.name}: {show(ours['value'].iloc[0])}"
                     + (" " + words("(computed from our data, not published)")
                        if result["comparator_value_source"] == COMPUTED else "")
                     + (", " + words("rank {rank} of {count}", rank=int(result["rank"]), count=int(result["rank_of"]))
                        if pd.notna(result["rank"]) else "")
                     + (", " + words("band {band} ({words})", band=band, words=_band_words(said, band))
                        if band else ""))
    if pd.notna(result["nation_value"]):
        parts.append(f"{said.nation}: {show(result['nation_value'])}")
    parts.append(words("Quartiles: {quartiles}", quartiles=", ".join(
        show(result[k]) for k in ("lower_quartile", "median", "upper_quartile"))))
    if len(known):
        top, bottom = known.iloc[0], known.iloc[-1]
        parts.append(words("From {top} ({top_name}) to {bottom} ({bottom_name})", top=show(top["value"]),
                           top_name=top["area_name"], bottom=show(bottom["value"]), bottom_name=bottom["area_name"]))
    if pd.notna(result["neighbours_median"]):
        parts.append(words("Statistical neighbours' median: {value}", value=show(result["neighbours_median"])))
    missing = int(table["value"].isna().sum())
    if missing and _computed(result):
        parts.append(words("{n} authority has no figure (withheld or not available)" if missing == 1 else
                           "{n} authorities have no figure (withheld or not available)", n=missing))
    elif missing:
        parts.append(words("{n} authority has no published figure (suppressed or not available)" if missing == 1 else
                           "{n} authorities have no published figure (suppressed or not available)", n=missing))
    if _computed(result):
        parts.append(words("The figures were computed from every authority's records; none was published"))
    return ". ".join(parts) + "."


# ---------------------------------------------------------------------------------------------- quartiles only


def _quartiles_chart(said: Said, result: dict, year: str) -> Chart:
    """A year published with only the nation's value and the quartiles: our figure against them."""
    words, show, bench = said.words, said.show, said.bench
    lower, median, upper = (result[k] for k in ("lower_quartile", "median", "upper_quartile"))
    ours, nation = result["comparator_value"], result["nation_value"]
    computed = result["comparator_value_source"] == COMPUTED
    title = _ranked_title(said, result, year)
    subtitle = words("{indicator}, {year}; only the {nation} value and quartiles were published",
                     indicator=said.indicator, year=said.year(year), nation=said.nation)
    with matplotlib.style.context(STYLE):
        figure = new_figure(COMPARISON_WIDTH_MM, 62)
        ax = figure.add_axes((0.05, 0.34, 0.9, 0.36))
        handles = []
        if pd.notna(lower) and pd.notna(upper):
            ax.axvspan(lower, upper, facecolor=BAND_FILL, edgecolor=MID_GREY, linewidth=0.8, zorder=1, gid="band")
            handles.append(Patch(facecolor=BAND_FILL, edgecolor=MID_GREY, label=words(
                "Middle half of authorities (published quartiles {lower} to {upper})", lower=show(lower),
                upper=show(upper))))
        if pd.notna(median):
            ax.axvline(median, color=MID_GREY, linewidth=1.5, zorder=2, gid="median")
            handles.append(Line2D([], [], color=MID_GREY, linewidth=1.5,
                                  label=words("Median {value}", value=show(median))))
        if pd.notna(nation):
            ax.axvline(nation, color=DARK_GREY, linewidth=1.5, linestyle=(0, (4, 2.5)), zorder=3, gid="nation")
            handles.append(Line2D([], [], color=DARK_GREY, linewidth=1.5, linestyle=(0, (4, 2.5)),
                                  label=f"{said.nation} {show(nation)}"))
        if pd.notna(ours):
            ax.plot([ours], [0.5], linestyle="none", marker="D", markersize=8, color=DARK_BLUE, zorder=4, gid="ours")
            ax.annotate(f"{said.short} {show(ours)}" + (f" {words('(our data)')}" if computed else ""), (ours, 0.5),
                        xytext=(0, 8), textcoords="offset points", ha="center", va="bottom", fontsize=TEXT_PT,
                        fontweight="bold", color=DARK_BLUE, gid="our_label")
            handles.append(Line2D([], [], linestyle="none", marker="D", markersize=6, color=DARK_BLUE, label=(
                said.name + (" " + words("(computed from our data, not published)") if computed else ""))))
        shown = [v for v in (lower, median, upper, ours, nation) if pd.notna(v)]
        spread = (max(shown) - min(shown)) or 1.0
        ax.set_xlim(min(shown) - 0.25 * spread, max(shown) + 0.25 * spread)
        ax.set_ylim(0, 1)
        ax.set_yticks([])
        ax.xaxis.set_major_locator(MaxNLocator(nbins=6, steps=[1, 2, 2.5, 5, 10]))
        ax.xaxis.set_major_formatter(said.axis_formatter())
        ax.tick_params(labelsize=TEXT_PT)
        ax.grid(axis="y", visible=False)
        top, bottom = frame_chart(figure, title, subtitle, handles)
        fit_axes(ax, top, bottom, lambda width: None)
    data = pd.DataFrame({"Figure": [bench.name, bench.nation, "Lower quartile (published)", "Median (published)",
                                    "Upper quartile (published)"],
                         "Value": [bench.measure.show(v) if pd.notna(v) else "not published"
                                   for v in (ours, nation, lower, median, upper)]}).set_index("Figure")
    if computed:
        data.loc[bench.name, "Value"] += f" ({COMPUTED})"
    parts = [words("Chart: {title}", title=title),
             words("{indicator} in {year}: no authority's figure was published, only the {nation} value and the "
                   "quartiles, so there is no rank", indicator=said.indicator, year=said.year(year),
                   nation=said.nation)]
    if pd.notna(ours):
        parts.append(f"{said.name}: {show(ours)}"
                     + (" " + words("(computed from our data, not published)") if computed else "")
                     + f", {position_words(result['comparator_position'], said.measure.polarity, words)}")
    if pd.notna(nation):
        parts.append(f"{said.nation}: {show(nation)}")
    quartiles = [words(msgid, value=show(v)) for msgid, v in (("lower {value}", lower), ("median {value}", median),
                                                               ("upper {value}", upper)) if pd.notna(v)]
    parts.append(words("Published quartiles: {quartiles}", quartiles=", ".join(quartiles)))
    return Chart(figure, ". ".join(parts) + ".", title, data)
