"""Everything the quarterly pack says, worked out once: the numbers, SPC, charts, headlines,
commentary, data quality and provenance. The notebook only lays it out, and the PDF, the HTML
and the Excel workbook are all made from this one object, so their numbers cannot disagree.
"""

from __future__ import annotations

import base64
import datetime as dt
import functools
import platform
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import pandas as pd

from kpi import __version__
from kpi.time import periods as fp
from kpi.catalogue import DOMAINS, Indicator, catalogue
from kpi.data.files import sha256_of
from kpi.compare.areas import area_for
from kpi.compare.national import computed_from_records
from kpi.compare.ranking import FROM_RECORDS, comparison_figures
from kpi.config import Config, load_config
from kpi.errors import UnusableInput
from kpi.compare.table import full_table, own_figures
from kpi.indicators.table import settings_from
from kpi.indicators import disclosure
from kpi.pack.commentary import Commentary, read_commentary
from kpi.pack.headlines import HeadlineFacts, headline
from kpi.pack.periods import pack_period
from kpi.pack.restatements import figures_shown, published_before, restated, withhold_small_changes
from kpi.words.text import Text
from kpi.pack.travel import Travel, travel
from kpi.data.processed import ProcessedData, load_processed
from kpi.data.provenance import ingest_summary
from kpi.indicators.quality import completeness
from kpi.charts import shown_limits
from kpi.spc.xmr import SpcResult
from kpi.spc.trends import Trend, trend, trends

AUDIENCES = ("public", "restricted")
NATION_NAMES = {"wales": {"en": "Wales", "cy": "Cymru"}, "england": {"en": "England", "cy": "Lloegr"}}


@dataclass
class IndicatorView:
    """What the pack shows about one indicator."""

    indicator: Indicator
    row: pd.Series  # this period's line of the indicator table (after any suppression)
    series: pd.DataFrame  # the chart's data: period, value, numerator, denominator and SPC columns
    spc: SpcResult | None
    draw: Callable[[], tuple[bytes | None, str]]  # the chart as PNG and its alt text, drawn when first asked for
    headline: str
    commentary: Commentary
    travel: Travel | None = None  # the change column (None when the figure is withheld)
    withheld_symbol: str = "c"  # what a withheld figure is shown as (kpi.indicators.disclosure.Policy.symbol)
    language: str = "en"
    trend: Trend | None = None  # phases, whether the latest change has held, a suggested rebase

    @property
    def withheld(self) -> bool:
        """Built on fewer than 5 children in a public pack: nothing about it may be shown."""
        return bool(self.row.get("suppressed", False))

    @cached_property
    def _drawn(self) -> tuple[bytes | None, str]:
        return self.draw()

    @property
    def chart_png(self) -> bytes | None:
        """Drawn once, when a section shows it: a pack built for one section draws only that section's charts."""
        return self._drawn[0]

    @property
    def alt_text(self) -> str:
        return self._drawn[1]

    @property
    def chart_data_uri(self) -> str:
        return "data:image/png;base64," + base64.b64encode(self.chart_png).decode("ascii") if self.chart_png else ""


@dataclass
class PackContent:
    config: Config
    period: pd.Period
    language: str
    audience: str
    text: Text
    created: dt.datetime
    table: pd.DataFrame
    views: dict[str, IndicatorView]
    ingest: pd.DataFrame
    completeness: pd.DataFrame
    parameters: dict[str, str]
    spc_settings: dict = field(default_factory=dict)
    comparison_charts: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # id -> (png, alt text)
    reports_dir: Path | None = None
    restated: pd.DataFrame = field(default_factory=pd.DataFrame)  # figures changed since an earlier pack
    comparison_figures: pd.DataFrame = field(default_factory=pd.DataFrame)  # what each rank was computed from
    policy: disclosure.Policy = field(default_factory=disclosure.Policy)
    comparators_from_records: bool = False  # the comparators table was computed from every authority's records

    @property
    def public(self) -> bool:
        return self.audience == "public"

    @property
    def withheld_symbol(self) -> str:
        return self.policy.symbol

    @property
    def period_label(self) -> str:
        return fp.label(self.period, self.language)

    @property
    def nation_name(self) -> str:
        return NATION_NAMES[self.config.authority.nation][self.language]

    @property
    def comparisons_computed(self) -> bool:
        """The comparisons rest on figures kpi computed from every authority's records (a batch pack of national
        data), not on a publication: the pack must say so wherever it would say "published"."""
        return self.comparators_from_records or comparisons_computed(self.table)

    def domain_views(self, domain: str) -> list[IndicatorView]:
        return [v for v in self.views.values() if v.indicator.domain == domain]

    @property
    def domains(self) -> list[str]:
        return [d for d in DOMAINS if self.domain_views(d)]


def comparisons_computed(table: pd.DataFrame) -> bool:
    """Whether any indicator of the table is compared with figures computed from the authorities' records."""
    return "comparators_source" in table and bool(table["comparators_source"].eq(FROM_RECORDS).fillna(False).any())


def _package_name(name: str) -> str:
    """A distribution's name as PyPI and the lock file write it (PEP 503): 'PyYAML' -> 'pyyaml'."""
    return re.sub(r"[-_.]+", "-", name).lower()


def package_versions() -> dict[str, str]:
    """Every package installed beside kpi (kpi itself is `kpi_version`), by name, sorted, with its version:
    what made the pack, so that a figure can be remade with the same software."""
    from importlib.metadata import distributions

    found: dict[str, str] = {}
    for distribution in distributions():
        name = distribution.metadata["Name"]
        if name:
            found.setdefault(_package_name(name), distribution.version)  # the first on the path is the one used
    found.pop("kpi", None)
    return dict(sorted(found.items()))


def direct_dependencies() -> list[str]:
    """The packages kpi's pyproject.toml names (not its test or lab extras), as package_versions names them."""
    from importlib.metadata import PackageNotFoundError, requires

    try:
        wanted = requires("kpi") or []
    except PackageNotFoundError:  # a source tree without an install
        return []
    return [_package_name(re.match(r"[A-Za-z0-9._-]+", spec).group(0)) for spec in wanted if "extra ==" not in spec]


def _chart(view_trend: Trend, text: Text, target: float | None) -> tuple[bytes | None, str]:
    """The trend's XmR chart as PNG, with its alt text (phases named at their boundaries)."""
    from kpi.charts import spc_chart, to_png

    if view_trend.spc is None:
        return None, text("No data are available to chart.")
    indicator = view_trend.indicator
    # The heading above the chart names it; the image leaves the title out (the alt text starts with it).
    figure, alt = spc_chart(view_trend.spc, title=indicator.title_in(text.language), unit=indicator.unit,
                            decimals=indicator.decimals, target=target, text=text,
                            rebase_points=view_trend.changes, show_title=False)
    return to_png(figure), alt  # at the size it is placed at, so its text prints at its stated size


def _normal_range(result: SpcResult | None, unit: str) -> tuple[float | None, float | None]:
    """The latest phase's limits, as the chart draws them (never below 0% or above 100%)."""
    if result is None or result.points.empty:
        return None, None
    last = result.points.iloc[-1]
    return shown_limits(last.get("lpl"), last.get("upl"), unit)


def _since_label(result: SpcResult | None, language: str) -> str | None:
    if result is None or result.variation_icon == "common_cause":
        return None
    since = result.special_cause_since
    return fp.label(since, language) if isinstance(since, fp.AnyPeriod) else None


def _headline(indicator: Indicator, row: pd.Series, result: SpcResult | None, content_text: Text, config: Config,
              nation: str, period_label: str) -> str:
    low, high = _normal_range(result, indicator.unit)
    facts = HeadlineFacts(
        value=row["value"], numerator=row["numerator"], denominator=row["denominator"], period_label=period_label,
        variation_icon=result.variation_icon if result is not None else None,
        since_label=_since_label(result, content_text.language), normal_low=low, normal_high=high,
        target=row["target"], nation_value=row.get("nation_value"), nation_name=nation,
        timescale=config.timescale, threshold=config.caseload_threshold, threshold_per=config.caseload_threshold_per,
        strategy_timescale=config.strategy_discussion_working_days,
        suppressed=bool(row.get("suppressed", False)), monthly=indicator.chart == "monthly",
        missing_source=row.get("missing_source") if isinstance(row.get("missing_source"), str) else None,
        nation_period=fp.label(fp.parse_period(row["comparator_period"]), content_text.language)
        if isinstance(row.get("comparator_period"), str) else None,
        nation_computed=row.get("comparators_source") == FROM_RECORDS,
        disclosure_threshold=config.disclosure.threshold)
    return headline(indicator, facts, content_text)


def _comparison_figures(data: ProcessedData, config: Config, indicators: dict[str, Indicator], table: pd.DataFrame,
                        own: dict) -> dict[str, pd.DataFrame]:
    """Every figure each printed rank and band was computed from, by indicator (for the workbook, and for the
    ranked charts, which rank the same figures)."""
    comparators = data.tables.get("comparators")
    compared = table[table["comparator_period"].map(lambda published: isinstance(published, str))]
    if comparators is None or compared.empty:
        return {}
    area = area_for(config)
    return {i: comparison_figures(comparators, indicators[i], fp.parse_period(period), area, own[i])
            for i, period in zip(compared["indicator_id"], compared["period"])}


def _comparison_charts(config: Config, comparators: pd.DataFrame | None, table: pd.DataFrame, own: dict, text: Text,
                       figures: dict[str, pd.DataFrame]) -> dict[str, Callable[[], tuple[bytes, str] | None]]:
    """How to draw a ranked chart of every authority for each indicator with comparator figures (published, or
    computed from every authority's records), ranking the same figures and the same figure of ours as the
    comparisons table."""
    return {indicator_id: functools.partial(_comparison_chart, config, comparators, indicator_id, period,
                                            own[indicator_id], text, figures.get(indicator_id))
            for indicator_id, period in zip(table["indicator_id"], table["comparator_period"])
            if isinstance(period, str)}


def _comparison_chart(config: Config, comparators: pd.DataFrame | None, indicator_id: str, period: str,
                      own_value_for, text: Text, figures: pd.DataFrame | None = None) -> tuple[bytes, str] | None:
    """One ranked chart as PNG with its alt text; None when there are no figures to rank (the table says so).
    `figures`: the comparison's figures as the pack worked them out for its workbook, when they are that
    period's (the chart then ranks those, not a second working out of them)."""
    from kpi.charts import ranked_chart
    from kpi.compare import benchmarking

    try:
        bench = benchmarking.load(config, indicator_id, period=period, own_value_for=own_value_for,
                                  comparators=comparators)
        bench.already_worked_out(figures)
        chart = ranked_chart(bench, text=text)
    except UnusableInput:
        return None
    return chart.png(), chart.alt_text


def _draw_charts(views: dict[str, IndicatorView], ranked: dict[str, Callable], workers: int
                 ) -> dict[str, tuple[bytes, str]]:
    """With `workers` above 1, every chart now, in that many processes (kpi.pack.drawing); otherwise the ranked
    charts now and each indicator's chart when a section first shows it. Returns the ranked charts drawn."""
    from kpi.pack.drawing import draw_all

    work = {("ranked", key): draw for key, draw in ranked.items()}
    if workers > 1:
        work.update({("spc", key): view.draw for key, view in views.items()})
    drawn = draw_all(work, workers)
    for key, view in views.items():
        if ("spc", key) in drawn:
            view.draw = functools.partial(_as_drawn, drawn[("spc", key)])
    return {key: drawn[("ranked", key)] for key in ranked if drawn[("ranked", key)] is not None}


def _as_drawn(chart: tuple[bytes | None, str]) -> tuple[bytes | None, str]:
    return chart


def build_pack(config: Config | str | Path, period: str = "latest", *, language: str = "en",
               audience: str = "restricted", data: ProcessedData | None = None,
               reports_dir: Path | None = None, chart_workers: int = 1) -> PackContent:
    """Work out the whole pack for one period. `reports_dir` (default: the config's) is where the
    commentary and the earlier packs are. With `chart_workers` above 1 every chart is drawn now, in that many
    processes (kpi.pack.drawing); otherwise each indicator's chart is drawn when a section first shows it."""
    if audience not in AUDIENCES:
        raise UnusableInput(f"audience '{audience}' is not one of: {', '.join(AUDIENCES)}")
    if not isinstance(config, Config):
        config = load_config(Path(config))
    text = Text(language)
    data = data or load_processed(config)
    if not data.tables:
        raise UnusableInput(f"{config.processed_dir}: no processed tables; run `kpi ingest` first")
    chosen = pack_period(period, data, config)
    indicators = catalogue(config.targets)
    policy = disclosure.Policy.from_config(config)
    table = full_table(data, config, [chosen], language=language, audience=audience)
    table["suppressed"] = table["suppressed"] if "suppressed" in table else False
    targets = dict(zip(table["indicator_id"], table["target"]))
    trends_by_id = trends(data, config, indicators, chosen, targets, audience, language)
    reports_dir = Path(reports_dir) if reports_dir else config.reports_dir
    commentary = read_commentary(reports_dir / fp.code(chosen), language)
    nation = NATION_NAMES[config.authority.nation][language]
    period_label = fp.label(chosen, language)
    views = {}
    spc_settings = {}
    for _, row in table.iterrows():  # one row per indicator: tens, not records
        indicator = indicators[row["indicator_id"]]
        # A withheld figure gets no chart, no SPC verdict and no change: each would hint at it.
        view_trend = trend(indicator, pd.DataFrame(columns=["value", "period_object"]), config, None) if bool(
            row.get("suppressed", False)) else trends_by_id[indicator.id]
        result, chart_data = view_trend.spc, view_trend.series
        if result is not None and not spc_settings:
            spc_settings = {k: v for k, v in result.settings.items() if k != "target"}
        views[indicator.id] = IndicatorView(
            indicator=indicator, row=row, series=chart_data, spc=result,
            draw=functools.partial(_chart, view_trend, text, row["target"]),
            headline=_headline(indicator, row, result, text, config, nation, period_label),
            commentary=commentary.get(indicator.id, Commentary(None, None)),
            travel=travel(row, indicator.unit, indicator.decimals, result.variation_icon if result else None,
                          has_previous=_has_previous(chosen), text=text,
                          withheld_symbol=policy.symbol),
            trend=view_trend, withheld_symbol=policy.symbol, language=language)
    start, end = fp.bounds(chosen)
    own = own_figures(data, config, indicators, audience)
    parameters = {"period": fp.code(chosen), "language": language, "audience": audience,
                  "timescale_working_days": str(config.timescale),
                  "caseload_threshold": f"{config.caseload_threshold:g}",
                  "spc_preset": config.spc.preset,
                  "configuration_sha256": sha256_of(config.config_path) if config.config_path.exists() else "",
                  "kpi_version": __version__, "python": platform.python_version()}
    # Then every installed package and its version (the workbook lists them all; the PDF, kpi's own dependencies).
    parameters.update({name: found for name, found in package_versions().items() if name not in parameters})
    complete = completeness(data, start, end, settings_from(config))
    # The figures each rank rests on first: our own figure for a compared period is then worked out here, once,
    # and a forked worker drawing that period's ranked chart is handed them (no DuckDB in the workers).
    worked_out = _comparison_figures(data, config, indicators, table, own)
    figures = pd.concat(list(worked_out.values()), ignore_index=True) if worked_out else pd.DataFrame()
    charts = _draw_charts(views, _comparison_charts(config, data.tables.get("comparators"), table, own, text,
                                                    worked_out), chart_workers)
    content = PackContent(config=config, period=chosen, language=language, audience=audience, text=text,
                          created=dt.datetime.now(dt.timezone.utc).replace(microsecond=0), table=table, views=views,
                          ingest=ingest_summary(config.processed_dir), policy=policy,
                          comparators_from_records=computed_from_records(data.tables.get("comparators")),
                          completeness=disclosure.withhold_completeness(complete, policy) if audience == "public"
                          else complete,
                          parameters=parameters, spc_settings=spc_settings,
                          comparison_charts=charts, reports_dir=reports_dir, comparison_figures=figures)
    content.restated = restated(figures_shown(content), published_before(reports_dir, chosen))
    if audience == "public":  # a small change in a count would itself be a small count of children
        content.restated = withhold_small_changes(content.restated, policy)
    return content


def _has_previous(period: pd.Period) -> bool:
    """A year to date has no previous period of its own kind to compare with."""
    previous = getattr(fp, "previous", None)
    return previous(period) is not None if previous else True
