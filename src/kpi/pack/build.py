"""Everything the quarterly pack says, worked out once: the numbers, SPC, charts, headlines,
commentary, data quality and provenance. The notebook only lays it out, and the PDF, the HTML
and the Excel workbook are all made from this one object, so their numbers cannot disagree.
"""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import io
import platform
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi import __version__
from kpi import periods as fp
from kpi.catalogue import DOMAINS, Indicator, catalogue
from kpi.config import Config, load_config
from kpi.errors import UnusableInput
from kpi.indicator_table import build_table, compute_values, settings_from
from kpi.pack import disclosure
from kpi.pack.commentary import Commentary, read_commentary
from kpi.pack.headlines import HeadlineFacts, headline
from kpi.pack.restatements import figures_shown, published_before, restated
from kpi.pack.text import Text
from kpi.pack.travel import Travel, travel
from kpi.processed import ProcessedData, load_processed
from kpi.quality import completeness, ingest_summary
from kpi.spc import SpcResult, spc

CHART_QUARTERS = 20  # five years of quarters on each chart (at least 12, as the brief asks)
CHART_MONTHS = 36
AUDIENCES = ("public", "restricted")
PACK_PERIODS = ("quarter", "half", "year_to_date", "year")
IMPROVEMENT = {"higher_is_better": "increase", "lower_is_better": "decrease", "neutral": "neutral"}
NATION_NAMES = {"wales": {"en": "Wales", "cy": "Cymru"}, "england": {"en": "England", "cy": "Lloegr"}}


@dataclass
class IndicatorView:
    """What the pack shows about one indicator."""

    indicator: Indicator
    row: pd.Series  # this period's line of the indicator table (after any suppression)
    series: pd.DataFrame  # the chart's data: period, value, numerator, denominator and SPC columns
    spc: SpcResult | None
    chart_png: bytes | None
    alt_text: str
    headline: str
    commentary: Commentary
    travel: Travel | None = None  # the change column (None when the figure is withheld)

    @property
    def withheld(self) -> bool:
        """Built on fewer than 5 children in a public pack: nothing about it may be shown."""
        return bool(self.row.get("suppressed", False))

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

    @property
    def period_label(self) -> str:
        return fp.label(self.period, self.language)

    @property
    def nation_name(self) -> str:
        return NATION_NAMES[self.config.authority.nation][self.language]

    def domain_views(self, domain: str) -> list[IndicatorView]:
        return [v for v in self.views.values() if v.indicator.domain == domain]

    @property
    def domains(self) -> list[str]:
        return [d for d in DOMAINS if self.domain_views(d)]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _series_periods(period, indicator: Indicator) -> list[pd.Period]:
    """The chart's points: months, or quarters (a half-year or year-to-date pack charts the quarters in
    and before it, so that SPC always judges like with like)."""
    if indicator.chart == "monthly":
        last = pd.Period(period.end_time, freq="M")
        return list(pd.period_range(last - (CHART_MONTHS - 1), last, freq="M"))
    last = fp.last_quarter(period)
    return list(pd.period_range(last - (CHART_QUARTERS - 1), last, freq=last.freq))


def _trim_leading_gaps(series: pd.DataFrame) -> pd.DataFrame:
    """Charts start where the data start (quarters before the first extract are not 'no change')."""
    known = series["value"].notna().to_numpy()
    if not known.any():
        return series.iloc[0:0]
    return series.iloc[int(np.argmax(known)):].reset_index(drop=True)


def _rebase_for(config: Config, indicator: Indicator, periods: list[pd.Period]) -> list[pd.Period]:
    """Rebase periods from kpi.yml (financial quarters), as the chart's own periods."""
    wanted = [fp.parse_period(p) for p in config.spc.rebase.get(indicator.id, [])]
    chosen = []
    for rebase in wanted:
        start = rebase.start_time
        match = [p for p in periods if p.start_time >= start]
        if match:
            chosen.append(match[0])
    return chosen


def _series(data: ProcessedData, config: Config, indicators: dict[str, Indicator], period: pd.Period,
            audience: str) -> dict[str, pd.DataFrame]:
    """The chart data of every indicator, computed for all quarters (or months) at once."""
    settings = settings_from(config)
    by_chart: dict[str, dict[str, Indicator]] = {}
    for indicator in indicators.values():
        by_chart.setdefault(indicator.chart, {})[indicator.id] = indicator
    found = {}
    for chart, group in by_chart.items():
        periods = _series_periods(period, next(iter(group.values())))
        values = compute_values(data, group, periods, settings)
        for indicator_id, frame in values.groupby("indicator_id", sort=False):
            frame = frame.rename(columns={"_period": "period_object"}).reset_index(drop=True)
            if audience == "public":
                domain = pd.Series(indicators[indicator_id].domain, index=frame.index)
                frame = disclosure.withhold_small_numbers(frame, domain)
            found[indicator_id] = _trim_leading_gaps(frame)
    return found


def _chart(indicator: Indicator, series: pd.DataFrame, config: Config, text: Text, target: float | None
           ) -> tuple[SpcResult | None, bytes | None, str, pd.DataFrame]:
    from kpi.charts import spc_chart

    if series.empty:
        return None, None, text("No data are available to chart."), series
    periods = list(series["period_object"])
    result = spc(series["value"], periods=periods, improvement=IMPROVEMENT[indicator.polarity],
                 target=target if indicator.polarity != "neutral" else None,
                 rebase_at=_rebase_for(config, indicator, periods), preset=config.spc.preset)
    title = indicator.title_in(text.language)
    figure, alt = spc_chart(result, title=title, unit=indicator.unit, decimals=indicator.decimals,
                            target=target, language=text.language)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", dpi=170)
    figure.clear()
    points = result.points.drop(columns=["value"], errors="ignore").reset_index(drop=True)
    merged = pd.concat([series.reset_index(drop=True), points.drop(columns=["period"], errors="ignore")], axis=1)
    return result, buffer.getvalue(), alt, merged


def _normal_range(result: SpcResult | None) -> tuple[float | None, float | None]:
    if result is None or result.points.empty:
        return None, None
    last = result.points.iloc[-1]
    return last.get("lpl"), last.get("upl")


def _since_label(result: SpcResult | None, language: str) -> str | None:
    if result is None or result.variation_icon == "common_cause":
        return None
    since = result.special_cause_since
    return fp.label(since, language) if isinstance(since, fp.AnyPeriod) else None


def _headline(indicator: Indicator, row: pd.Series, result: SpcResult | None, content_text: Text, config: Config,
              nation: str, period_label: str) -> str:
    low, high = _normal_range(result)
    facts = HeadlineFacts(
        value=row["value"], numerator=row["numerator"], denominator=row["denominator"], period_label=period_label,
        variation_icon=result.variation_icon if result is not None else None,
        since_label=_since_label(result, content_text.language), normal_low=low, normal_high=high,
        target=row["target"], nation_value=row.get("nation_value"), nation_name=nation,
        timescale=config.timescale, threshold=config.caseload_threshold,
        suppressed=bool(row.get("suppressed", False)), monthly=indicator.chart == "monthly",
        missing_source=row.get("missing_source") if isinstance(row.get("missing_source"), str) else None)
    return headline(indicator, facts, content_text)


def _comparison_charts(config: Config, table: pd.DataFrame) -> dict[str, tuple[bytes, str]]:
    """A ranked chart of every authority for each indicator with published comparator figures."""
    from kpi import benchmarking

    charts = {}
    for indicator_id, period in zip(table["indicator_id"], table["comparator_period"]):
        if not isinstance(period, str):
            continue
        try:
            chart = benchmarking.ranked_chart(benchmarking.load(config, indicator_id, period=period))
        except UnusableInput:
            continue  # no figures to rank for this indicator: the table says so
        charts[indicator_id] = (chart.png(), chart.alt_text)
        chart.figure.clear()
    return charts


def build_pack(config: Config | str | Path, period: str = "latest", *, language: str = "en",
               audience: str = "restricted", data: ProcessedData | None = None,
               reports_dir: Path | None = None) -> PackContent:
    """Work out the whole pack for one period. `reports_dir` (default: the config's) is where the
    commentary and the earlier packs are."""
    if audience not in AUDIENCES:
        raise UnusableInput(f"audience '{audience}' is not one of: {', '.join(AUDIENCES)}")
    if not isinstance(config, Config):
        config = load_config(Path(config))
    text = Text(language)
    data = data or load_processed(config)
    if not data.tables:
        raise UnusableInput(f"{config.processed_dir}: no processed tables; run `kpi ingest` first")
    chosen = fp.resolve(period, data.last_date).latest
    if fp.kind(chosen) not in PACK_PERIODS:
        raise UnusableInput(f"a pack is for a quarter (2018-19Q3), a half-year (2018-19H1), a year to date "
                            f"(2018-19Q1-Q3) or a year (2018-19), not '{period}'")
    indicators = catalogue(config.targets)
    table = build_table(data, config, [chosen], language=language)
    if audience == "public":
        table = disclosure.withhold_small_numbers(table, table["domain"])
    else:
        table["suppressed"] = False
    series = _series(data, config, indicators, chosen, audience)
    reports_dir = Path(reports_dir) if reports_dir else config.reports_dir
    commentary = read_commentary(reports_dir / fp.code(chosen), language)
    nation = NATION_NAMES[config.authority.nation][language]
    period_label = fp.label(chosen, language)
    views = {}
    spc_settings = {}
    for _, row in table.iterrows():  # one row per indicator: tens, not records
        indicator = indicators[row["indicator_id"]]
        withheld = bool(row.get("suppressed", False))
        # A withheld figure gets no chart, no SPC verdict and no change: each would hint at it.
        chart_series = pd.DataFrame(columns=["value", "period_object"]) if withheld else series.get(
            indicator.id, pd.DataFrame(columns=["value", "period_object"]))
        result, png, alt, chart_data = _chart(indicator, chart_series, config, text, row["target"])
        if result is not None and not spc_settings:
            spc_settings = {k: v for k, v in result.settings.items() if k != "target"}
        views[indicator.id] = IndicatorView(
            indicator=indicator, row=row, series=chart_data, spc=result, chart_png=png, alt_text=alt,
            headline=_headline(indicator, row, result, text, config, nation, period_label),
            commentary=commentary.get(indicator.id, Commentary(None, None)),
            travel=travel(row, indicator.unit, indicator.decimals, result.variation_icon if result else None,
                          has_previous=_has_previous(chosen), text=text))
    start, end = fp.bounds(chosen)
    parameters = {"period": fp.code(chosen), "language": language, "audience": audience,
                  "timescale_working_days": str(config.timescale),
                  "caseload_threshold": f"{config.caseload_threshold:g}",
                  "spc_preset": config.spc.preset,
                  "configuration_sha256": _sha256(config.config_path) if config.config_path.exists() else "",
                  "kpi_version": __version__, "python": platform.python_version()}
    content = PackContent(config=config, period=chosen, language=language, audience=audience, text=text,
                          created=dt.datetime.now(dt.timezone.utc).replace(microsecond=0), table=table, views=views,
                          ingest=ingest_summary(config.processed_dir), completeness=completeness(data, start, end, settings_from(config)),
                          parameters=parameters, spc_settings=spc_settings,
                          comparison_charts=_comparison_charts(config, table), reports_dir=reports_dir)
    content.restated = restated(figures_shown(content), published_before(reports_dir, chosen))
    return content


def _has_previous(period: pd.Period) -> bool:
    """A year to date has no previous period of its own kind to compare with."""
    previous = getattr(fp, "previous", None)
    return previous(period) is not None if previous else True
