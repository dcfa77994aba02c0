"""Lay the pack out as HTML, one section at a time (the notebook shows each section in a cell).

The layout lives in Jinja templates (kpi/templates/pack/*.html.j2) so it can be changed without
touching the numbers; this module only turns the pack's numbers into the words and figures shown.
Every table has a caption and header cells, every image alt text, and every colour a word beside it.
"""

from __future__ import annotations

import base64
from functools import cache

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from kpi.time import periods as fp
from kpi.catalogue import DOMAINS
from kpi.charts import ASSURANCE_ICON_STYLE, VARIATION_ICON_STYLE, icon_png
from kpi.pack.build import PackContent, IndicatorView
from kpi.compare.ranking import COMPUTED, FROM_RECORDS, position_words
from kpi.pack.headlines import missing_source_words
from kpi.pack.phase_words import suggestion_sentence, sustainment_sentence
from kpi.pack.restatements import period_of
from kpi.time.periods import label, months_label, parse_period
from kpi.words.text import language_needs_review
from kpi.words.formatting import format_count, format_value
from kpi.data.provenance import provenance_by_source, reasons_by_source

RAG_WORDS = {"green": "Green", "amber": "Amber", "red": "Red"}
# Short forms for the one-page summary table; the full wording is in the key and the sections.
SHORT_VARIATION = {"common_cause": "No significant change", "improvement_high": "Improving (higher)",
                   "improvement_low": "Improving (lower)", "concern_high": "Concern (higher)",
                   "concern_low": "Concern (lower)", "neutral_high": "Higher (special cause)",
                   "neutral_low": "Lower (special cause)"}
# The Assurance column is about the target (its heading and the key say so): the words need not repeat it.
SHORT_ASSURANCE = {"pass": "Consistently meets", "fail": "Consistently misses",
                   "inconsistent": "Hit and miss", None: "No target"}
POLARITY_WORDS = {"higher_is_better": "Higher", "lower_is_better": "Lower", "neutral": "Neither"}
# Where the comparisons were computed from every authority's records (a batch pack of national data) rather
# than published: whole sentences, one per nation, naming who did not publish them.
COMPUTED_KEY = {
    "wales": "Computed: the Wales figure, our rank and our band were computed by this tool from every authority's "
             "own records for the period shown; Welsh Government did not publish them.",
    "england": "Computed: the England figure, our rank and our band were computed by this tool from every "
               "authority's own records for the period shown; the Department for Education did not publish them.",
}
COMPUTED_SOURCE = {
    "wales": "These comparisons are not published by Welsh Government: this tool computed every authority's "
             "figures, and the Wales figure, from each authority's own records in the national data this pack "
             "was made from.",
    "england": "These comparisons are not published by the Department for Education: this tool computed every "
               "authority's figures, and the England figure, from each authority's own records in the national "
               "data this pack was made from.",
}

@cache
def _environment() -> Environment:
    return Environment(loader=PackageLoader("kpi.pack", "templates/pack"), autoescape=select_autoescape(["j2"]),
                       trim_blocks=True, lstrip_blocks=True)


def _render(name: str, content: PackContent, **values) -> str:
    return _environment().get_template(name).render(t=content.text, **values)


def _data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@cache
def _icon(kind: str, value: str, language: str) -> str:
    return _data_uri(icon_png(kind, value, size_px=40, language=language))


def _value(view: IndicatorView, column: str = "value") -> str:
    """A figure as printed: its value, or the withheld symbol (c) where it could reveal a small count."""
    row = view.row
    withheld = {"value": "suppressed", "previous_value": "previous_suppressed",
                "last_year_value": "last_year_suppressed"}.get(column, "suppressed")
    if row.get("suppressed") in (True, 1) or row.get(withheld) in (True, 1):
        return view.withheld_symbol
    return format_value(row[column], view.indicator.unit, view.indicator.decimals, view.language)


def _no_figure(content: PackContent, view: IndicatorView, *, short: bool = False) -> str | None:
    """Why there is no figure, in words fit for a public page: withheld, or a source not supplied (`short`:
    without naming the source, for the summary, whose section says which)."""
    if view.withheld:
        return content.text("withheld ({symbol}): it could reveal a count of 1 to {threshold} children",
                            symbol=content.policy.symbol, threshold=content.policy.threshold)
    missing = view.row.get("missing_source")
    if isinstance(missing, str) and missing:
        if short:
            return content.text("no data: not supplied")
        return content.text("no data: {source} not supplied", source=missing_source_words(missing, content.text))
    return None


def _count(view: IndicatorView) -> str:
    row = view.row
    if row.get("suppressed"):
        return view.withheld_symbol
    if pd.isna(row["numerator"]) or pd.isna(row["denominator"]):
        return ""
    return f"{format_count(row['numerator'])} / {format_count(row['denominator'])}"


def _target(view: IndicatorView) -> str:
    target = view.row["target"]
    if pd.isna(target):
        return ""
    decimals = 0 if float(target).is_integer() else view.indicator.decimals
    return format_value(target, view.indicator.unit, decimals, view.language)


def _rag(content: PackContent, view: IndicatorView) -> tuple[str, str]:
    rag = view.row["rag"]
    if pd.isna(rag):
        return content.text("No target") if pd.isna(view.row["target"]) else "–", "none"
    return content.text(RAG_WORDS[rag]), rag


def _ours_for_period_compared(content: PackContent, view: IndicatorView) -> str:
    """'us 19.7%: rank 9 of 22, band B' - the rank and band of the figure printed, for the period compared."""
    row, t = view.row, content.text
    ours = row.get("comparator_value")
    if pd.isna(ours):
        return ""
    shown = format_value(ours, view.indicator.unit, view.indicator.decimals, content.language)
    if row.get("comparator_value_source") == COMPUTED:
        shown += " " + t("(our data)")
    if pd.notna(row.get("rank")) and isinstance(row.get("quartile_band"), str):
        return t("us {value}: rank {rank} of {of}, band {band}", value=shown, rank=int(row["rank"]),
                 of=int(row["rank_of"]), band=row["quartile_band"])
    position = position_words(row.get("comparator_position"), view.indicator.polarity, t) \
        if isinstance(row.get("comparator_position"), str) else ""
    return t("us {value}: {position}", value=shown, position=position) if position else t("us {value}", value=shown)


def _nation(content: PackContent, view: IndicatorView) -> list[str]:
    """The nation's figure with the period compared ('computed' where kpi computed it from every authority's
    records: the key says what that means), then ours for the same period with its rank."""
    row = view.row
    if pd.isna(row.get("nation_value")) or not isinstance(row.get("comparator_period"), str):
        return []
    period = label(parse_period(row["comparator_period"]), content.language)
    value = format_value(row["nation_value"], view.indicator.unit, view.indicator.decimals, content.language)
    lines = [content.text("{value} ({period}, computed)", value=value, period=period)
             if row.get("comparators_source") == FROM_RECORDS else f"{value} ({period})"]
    ours = _ours_for_period_compared(content, view)
    return lines + [ours] if ours else lines


def computed_key(content: PackContent) -> str | None:
    """What 'computed' beside the nation's figure means, in a pack whose comparisons were computed."""
    if not content.comparisons_computed:
        return None
    return content.text(COMPUTED_KEY[content.config.authority.nation])


def cover(content: PackContent) -> str:
    authority = content.config.authority
    public = content.audience == "public"
    marking = content.text("Public") if public else content.text("Restricted: draft, not for publication")
    note = None
    if language_needs_review(content.language):
        note = content.text("Some of the Welsh in this report has not yet been checked by a Welsh speaker.")
    # A name given only in English stays English inside a Welsh pack, and says so (language of parts).
    english_only = content.language != "en"
    committee_given = isinstance(authority.committee, dict) and content.language in authority.committee
    return _render("cover.html.j2", content, authority=authority.name_in(content.language),
                   authority_lang="en" if english_only and not authority.welsh_name else None,
                   committee=authority.committee_in(content.language),
                   committee_lang="en" if english_only and not committee_given else None,
                   period_label=content.period_label, months=months_label(content.period, content.language),
                   report_date=content.text.date(content.created.date()), marking=marking, audience=content.audience,
                   translation_note=note)


def section_titles(content: PackContent) -> list[tuple[str, str]]:
    """(anchor, title) of every section, in order: the contents list and the workbook use them."""
    t = content.text
    titles = [("summary", t("Summary"))]
    titles += [(domain, t(DOMAINS[domain]["en"])) for domain in content.domains]
    titles += [("comparisons", t("Comparisons")), ("data-quality", t("Data quality")),
               ("appendix", t("Appendix: definitions, methods and provenance"))]
    return titles


def contents(content: PackContent) -> str:
    return _render("contents.html.j2", content, entries=section_titles(content))


def summary_rows(content: PackContent) -> list[dict]:
    rows = []
    for view in content.views.values():
        rag, rag_class = _rag(content, view)
        variation = view.spc.variation_icon if view.spc is not None else None
        assurance = view.spc.assurance_icon if view.spc is not None else None
        no_figure = _no_figure(content, view, short=True)
        rows.append({
            "id": view.indicator.id, "domain": view.indicator.domain,
            "title": view.indicator.short_title_in(content.language),
            "value": _value(view), "count": _count(view), "target": _target(view),
            "no_figure": no_figure,
            "rag": rag, "rag_class": rag_class,
            "variation": content.text(SHORT_VARIATION[variation]) if variation else
            "–" if no_figure else content.text("Not enough data"),
            "variation_icon": _icon("variation", variation, content.language)
            if variation in VARIATION_ICON_STYLE else None,
            "assurance": content.text(SHORT_ASSURANCE[assurance]) if not no_figure else "–",
            "assurance_icon": _icon("assurance", assurance, content.language)
            if assurance in ASSURANCE_ICON_STYLE else None,
            "nation": _nation(content, view),
            # The steps only: the row's Variation cell already says whether the change is real, and one line
            # a row keeps every indicator on one page.
            "travel": view.travel.lines[:1] if view.travel else [],
        })
    return rows


PREVIOUS_HEADINGS = {"quarter": "Previous quarter", "half": "Previous half-year", "year": "Previous year",
                     "year_to_date": "Previous period"}


def _headings(content: PackContent) -> dict[str, str]:
    """Column headings that name what a figure is compared with, for this kind of period."""
    t = content.text
    previous = fp.previous(content.period) is not None
    change = t("Change on previous · on a year earlier") if previous else t("Change on a year earlier")
    return {"previous_heading": t(PREVIOUS_HEADINGS[fp.kind(content.period)]), "change_heading": change}


# The summary's column widths (%), by language: set so that most rows take one line and every indicator fits one
# landscape page (Welsh words for the variation and the change are longer).
SUMMARY_COLUMNS = {"en": (20, 5.5, 7, 4.5, 6, 12.5, 14, 17, 13.5),
                   "cy": (16.3, 6.5, 6.9, 3.7, 7.6, 13.2, 11, 14.6, 20.2)}


def summary_groups(content: PackContent) -> list[tuple[str, list[dict]]]:
    """The summary's rows under their section's heading, in the order of the sections."""
    rows = summary_rows(content)
    return [(content.text(DOMAINS[domain]["en"]), [row for row in rows if row["domain"] == domain])
            for domain in content.domains]


def summary(content: PackContent) -> str:
    return _render("summary.html.j2", content, groups=summary_groups(content), period_label=content.period_label,
                   column_widths=SUMMARY_COLUMNS.get(content.language, SUMMARY_COLUMNS["en"]),
                   nation=content.nation_name, public=content.audience == "public",
                   restated_count=len(restated_rows(content)), symbol=content.policy.symbol,
                   threshold=content.policy.threshold, computed_key=computed_key(content), **_headings(content))


def _commentary(content: PackContent, view: IndicatorView) -> tuple[str | None, str | None]:
    """The officers' words; in a restricted draft a visible placeholder where none is written yet."""
    if view.commentary.text:
        return view.commentary.text, None
    if content.audience == "restricted":
        who = view.commentary.owner or content.text("the service manager")
        return None, content.text("[Commentary to be added by {who}.]", who=who)
    return None, None


def _no_data_for_domain(content: PackContent, views: list[IndicatorView]) -> str | None:
    """One line instead of a page of empty figures when none of a section's extracts was supplied."""
    missing = [view.row.get("missing_source") for view in views]
    if not views or not all(isinstance(m, str) and m for m in missing):
        return None
    tables = dict.fromkeys(name for m in missing for name in m.split(" or "))  # each extract named once
    sources = missing_source_words(" or ".join(tables), content.text)
    titles = "; ".join(view.indicator.title_in(content.language) for view in views)
    return content.text("No data: {source} not supplied, so this section has no figures ({titles}).",
                        source=sources, titles=titles)


def domain_section(content: PackContent, domain: str) -> str:
    views = content.domain_views(domain)
    no_data = _no_data_for_domain(content, views)
    if no_data:
        return _render("domain.html.j2", content, anchor=domain, title=content.text(DOMAINS[domain]["en"]),
                       items=[], no_data=no_data, nation=content.nation_name, **_headings(content))
    items = []
    for view in views:
        rag, rag_class = _rag(content, view)
        text, placeholder = _commentary(content, view)
        trend = view.trend
        shown = not view.withheld and trend is not None and trend.spc is not None
        items.append({
            "id": view.indicator.id, "title": view.indicator.title_in(content.language),
            "headline": view.headline, "chart": view.chart_data_uri, "alt": view.alt_text,
            "sustained": sustainment_sentence(view.indicator, trend.sustainment, trend.changes, content.text)
            if shown else None,
            "suggestion": suggestion_sentence(trend.suggestion, content.text)
            if shown and trend.suggestion is not None and content.audience == "restricted" else None,
            "value": _value(view), "count": _count(view), "target": _target(view), "rag": rag,
            "no_figure": _no_figure(content, view),
            "rag_class": rag_class, "previous": _value(view, "previous_value"),
            "last_year": _value(view, "last_year_value"), "nation": _nation(content, view),
            "travel": view.travel.lines if view.travel else [],
            "commentary": text, "owner": view.commentary.owner, "placeholder": placeholder,
            "commentary_lang": view.commentary.language if view.commentary.untranslated_in(content.language)
            else None,
            "untranslated": content.text("This comment has not been translated: it is shown in the language it "
                                         "was written in.") if view.commentary.untranslated_in(content.language)
            else None,
        })
    return _render("domain.html.j2", content, anchor=domain, title=content.text(DOMAINS[domain]["en"]), items=items,
                   nation=content.nation_name, **_headings(content))


def comparison_rows(content: PackContent) -> list[dict]:
    """One row per compared indicator: every figure is for the published period named in the row, and the
    rank and band are those of our figure printed in it; the latest period is shown apart, unranked."""
    rows = []
    t = content.text
    for view in content.views.values():
        row = view.row
        if not isinstance(row.get("comparator_period"), str):
            continue
        unit, decimals = view.indicator.unit, view.indicator.decimals
        fmt = lambda v: format_value(v, unit, decimals, content.language) if pd.notna(v) else "–"  # noqa: E731
        ours = fmt(row.get("comparator_value"))
        if pd.notna(row.get("comparator_value")) and row.get("comparator_value_source") == COMPUTED:
            ours += " " + t("(our data)")
        ranked = pd.notna(row.get("rank")) and isinstance(row.get("quartile_band"), str)
        position = position_words(row.get("comparator_position"), view.indicator.polarity, t) \
            if isinstance(row.get("comparator_position"), str) else ""
        rows.append({
            "title": view.indicator.title_in(content.language),
            "period": label(parse_period(row["comparator_period"]), content.language),
            "ours": ours, "nation": fmt(row["nation_value"]), "lower": fmt(row["lower_quartile"]),
            "median": fmt(row["median"]), "upper": fmt(row["upper_quartile"]),
            "published_quartiles": row.get("quartiles_source") == "published",
            "rank": f"{int(row['rank'])} / {int(row['rank_of'])}" if ranked else "–",
            "band": row["quartile_band"] if ranked else (position or "–"),
            "region": fmt(row.get("region_value")),
            "neighbours": fmt(row.get("neighbours_median")),
            "latest": _value(view),
        })
    return rows


def comparison_method(content: PackContent) -> str:
    """How the comparisons are made, in plain words: with a publication, or with figures kpi computed from
    every authority's records (then said first, and whole sentence by whole sentence)."""
    if content.comparisons_computed:
        return computed_method(content)
    return content.text(
        "Each indicator is compared for the latest year published for every authority: our figure for that same "
        "year (as published, or computed from our own data where the publication lacks it, marked \"our data\") "
        "is ranked against the other authorities' figures for that year. Our latest {period} figure is shown "
        "beside it for reference and is not ranked. The {nation} value is the sum of the authorities' numerators "
        "over the sum of their denominators where all are published, otherwise the published figure. Rank 1 is "
        "the best; band A is the best quarter of authorities and D the worst. Where only the {nation} value and "
        "the quartiles were published, our figure is placed against the published quartiles, without a rank. "
        "Suppressed or missing figures are left out, never counted as zero.", nation=content.nation_name,
        period=content.period_label)


def computed_method(content: PackContent) -> str:
    """The method of comparisons computed from every authority's records: who did not publish them, then how."""
    t, nation = content.text, content.nation_name
    return " ".join([
        t(COMPUTED_SOURCE[content.config.authority.nation]),
        t("Each indicator is compared for the latest financial year that the records cover in full: our figure "
          "for that year is ranked against the other authorities' figures for the same year (where ours is not "
          "among them and was computed from our own data instead, it is marked \"our data\")."),
        t("Our latest {period} figure is shown beside it for reference and is not ranked.",
          period=content.period_label),
        t("The {nation} value is computed from the records of every authority together (the sum of their "
          "numerators over the sum of their denominators), and is not shown where it could reveal a withheld "
          "figure.", nation=nation),
        t("Rank 1 is the best; band A is the best quarter of authorities and D the worst."),
        t("As a publisher would, this tool withholds a figure that could reveal a count of 1 to {threshold} "
          "children; withheld or missing figures are left out, never counted as zero.",
          threshold=content.policy.threshold),
    ])


def comparisons_section(content: PackContent) -> str:
    method = comparison_method(content)
    computed = content.comparisons_computed
    rows = comparison_rows(content)
    if computed and not rows:  # a batch pack of national data without a whole financial year
        method = content.text(
            "There are no comparisons: they are computed from every authority's records in the national data this "
            "pack was made from, for a whole financial year, and those records do not cover one.")
    charts = [{"id": indicator_id, "title": content.views[indicator_id].indicator.title_in(content.language),
               "chart": _data_uri(png), "alt": alt}
              for indicator_id, (png, alt) in content.comparison_charts.items()]
    return _render("comparisons.html.j2", content, rows=rows, nation=content.nation_name, computed=computed,
                   method=method, england=content.config.authority.nation == "england", charts=charts,
                   public=content.audience == "public", period_label=content.period_label,
                   period_heading=content.text("Period compared") if computed else content.text("Published period"),
                   ours_heading=content.text("Us (period compared)") if computed
                   else content.text("Us (published period)"))


TABLE_WORDS = {"contacts": "Contacts", "contact_counts": "Monthly contact counts", "assessments": "Assessments",
               "caseloads": "Caseloads", "child_protection": "Child protection registrations",
               "strategy_discussions": "Strategy discussions", "looked_after": "Periods of care",
               "allocations": "Case allocations", "establishment": "Team establishment",
               "comparators": "Published comparator figures"}


def quality_section(content: PackContent) -> str:
    t = content.text
    reasons = reasons_by_source(content.config.processed_dir, translate=t)
    sources = [{"table": t(TABLE_WORDS.get(r.table, r.table)), "files": f"{r.files:,}", "read": f"{r.rows_read:,}",
                "accepted": f"{r.rows_accepted:,}", "rejected": f"{r.rows_rejected:,}",
                "reasons": reasons.get(r.table, "")}
               for r in provenance_by_source(content.ingest).itertuples()]
    complete = [{"description": t(r.description), "cohort": t(r.cohort), "records": f"{r.records:,}",
                 "recorded": f"{r.recorded:,}", "percent": format_value(r.percent, "percent", 1)}
                for r in content.completeness.itertuples()]
    return _render("quality.html.j2", content, sources=sources, completeness=complete,
                   period_label=content.period_label)


RESTATEMENT_WORDS = {
    "more_records": "more records for that period (recorded late)",
    "fewer_records": "fewer records for that period (records removed or corrected)",
    "records_changed": "records corrected",
    "settings_changed": "settings or software changed",
}


def restated_rows(content: PackContent) -> list[dict]:
    """Each figure shown that differs from what an earlier pack published, in words."""
    rows = []
    for r in content.restated.itertuples(index=False):
        view = content.views.get(r.indicator_id)
        if view is None:
            continue
        unit, decimals = view.indicator.unit, view.indicator.decimals
        def counts(numerator, denominator) -> str:  # withheld where a small change would reveal a count
            if pd.isna(numerator):
                return ""
            shown = format_count(numerator) + (f" / {format_count(denominator)}" if pd.notna(denominator) else "")
            return f" ({shown})"

        rows.append({
            "title": view.indicator.title_in(content.language),
            "period": label(period_of(r.period), content.language),
            "published_in": label(parse_period(r.published_in), content.language),
            "published": format_value(r.published_value, unit, decimals, content.language),
            "published_counts": counts(r.published_numerator, r.published_denominator),
            "now": format_value(r.value, unit, decimals, content.language),
            "now_counts": counts(r.numerator, r.denominator),
            "reason": content.text(RESTATEMENT_WORDS[r.reason]),
        })
    return rows
