"""pack.<language>.xlsx: the data behind every chart and table of the pack, for anyone who wants to check it.

A contents sheet, then one table per sheet, each an Excel table (filters, banded rows, frozen headings)
with plain headings in the pack's language (workbook_words.yml; Welsh from the translation catalogue),
numbers as numbers with their formats (percentages shown with %, counts with thousands separators),
the chart data with its SPC columns, and a notes sheet that explains the symbols. Text a spreadsheet
would run as a formula is written as text (kpi.data.cells). `workbook_words.read_workbook` reads it back.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.table import Table, TableStyleInfo

from kpi.data.cells import append_row
from kpi.data.sheets import style_headings
from kpi.indicators.disclosure import CHILD_TABLES, about_children, is_share, numerator_counts_children
from kpi.pack.build import PackContent
from kpi.pack.render import section_titles
from kpi.pack.workbook_words import CODED, heading, in_words, sheet_name
from kpi.data.provenance import provenance_by_source, reasons_in_words

# Values are stored as numbers in the indicator's unit (86.2 for 86.2%), shown with the unit's format.
NUMBER_FORMATS = {"percent": '0.0"%"', "count": "#,##0", "ratio": "0.0", "rate": "0.0", "days": "0.0"}
VALUE_COLUMNS = ("value", "previous_value", "last_year_value", "target", "mean", "lpl", "upl", "nation_value",
                 "lower_quartile", "median", "upper_quartile", "comparator_value", "change_on_previous",
                 "change_on_last_year", "region_value", "neighbours_median", "published_value", "ci_lower", "ci_upper")
COUNT_COLUMNS = ("numerator", "denominator", "records", "recorded", "rows_read", "rows_accepted", "rows_rejected",
                 "published_numerator", "published_denominator")
RESTRICTED = "RESTRICTED: draft, not for publication"

SUMMARY_COLUMNS = ["indicator_id", "title", "period", "value", "numerator", "denominator", "unit", "target",
                   "tolerance", "rag", "previous_period", "previous_value", "change_on_previous", "travel_on_previous",
                   "last_year_period", "last_year_value", "change_on_last_year", "travel_on_last_year", "variation",
                   "change", "ci_lower", "ci_upper", "status", "reason"]
# What a reader (and kpi.pack.disclosure_check) needs to know of each figure to see which counts it holds.
DISCLOSURE_COLUMNS = ["about_children", "share", "numerator_counts_children", "suppressed"]
COMPARISON_COLUMNS = ["indicator_id", "title", "period", "value", "comparator_period", "comparator_value",
                      "comparator_value_source", "nation_value", "nation_method", "lower_quartile", "median",
                      "upper_quartile", "quartiles_source", "rank", "rank_of", "quartile_band", "comparator_position",
                      "comparator_excluded", "region_value", "neighbours_median", "neighbours_count"]
CHART_COLUMNS = ["indicator_id", "period", "value", "numerator", "denominator", "unit", "mean", "lpl", "upl",
                 "point_type", "special_cause_type", "short_group_warning"]
NOTES = [
    ("(empty cell)", "No value: the indicator is unavailable for that period (the reason column says why), "
                     "or the figure was withheld."),
    ("c (or *)", "Withheld in a public pack: a count of 1 to the threshold of children (5 unless the configuration "
                 "says otherwise), a figure built on one, or a figure from which one could be worked out (the rest "
                 "of a share, or a month from its quarter's total). '*' and counts rounded to the nearest 5 where "
                 "the Welsh Government style is chosen."),
    ("x", "Not available: the data do not give this figure for this period."),
    ("z", "Not applicable."),
    (":", "Not available, as some published tables write it."),
    ("RAG status", "Green meets the target; amber misses it by no more than the tolerance; red is worse."),
    ("Change on previous, Change on a year earlier", "The difference between the figures as printed (rounded), in "
                                                     "the indicator's unit (percentage points for percentages)."),
    ("Up or down", "Up or down as printed. Up is not better and down is not worse."),
    ("Variation (SPC), Change in words", "What statistical process control says about the latest point: better or "
                                         "worse only where it finds special cause; otherwise the change is within "
                                         "normal variation."),
    ("Lower 95% limit, Upper 95% limit", "95% Wilson score interval of a proportion, in percent."),
    ("Mean, Lower process limit, Upper process limit", "SPC: the mean and the process limits (XmR chart)."),
    ("Band", "A is the best quarter of authorities and D the worst, whatever the polarity."),
    ("Our figure for the published period", "Our figure for the published period it is compared for: published, "
                                            "or computed from our own data for that same period when the "
                                            "publication lacks it. The rank and band are of this figure, never of "
                                            "the pack's latest period."),
    ("Published symbols", "c, x, z, u, k, low, *, - and : in published tables mean suppressed or not available; "
                          "they are never read as zero."),
]
# The notes on comparisons in a pack whose comparisons were computed from every authority's records.
COMPUTED_NOTES = {
    "Our figure for the published period": (
        "Our figure for the period compared", "Our figure for the period it is compared for, computed like every "
        "other authority's from the records in the national data this pack was made from. No figure in the "
        "comparisons is published. The rank and band are of this figure, never of the pack's latest period."),
}
COMPARISON_SHEETS = ("comparisons", "comparison_figures")  # their headings say where the figures come from


def _notes(content: PackContent) -> list[tuple[str, str]]:
    """The notes sheet's (symbol or column, meaning): on comparisons, what the pack's comparisons rest on."""
    if not content.comparisons_computed:
        return NOTES
    return [COMPUTED_NOTES.get(symbol, (symbol, meaning)) for symbol, meaning in NOTES]


def _safe_name(name: str) -> str:
    """An Excel table name: letters, digits and underscores, starting with a letter."""
    return "t_" + re.sub(r"\W", "_", name)


def _sheet(book: Workbook, code: str, frame: pd.DataFrame, content: PackContent, units: pd.Series | None) -> None:
    """One sheet holding one Excel table: headings in words, coded values in words, numbers formatted."""
    translate = content.text
    shown = in_words(frame, CODED, translate)
    sheet = book.create_sheet(sheet_name(code, translate))
    computed = code in COMPARISON_SHEETS and content.comparisons_computed
    headings = list(dict.fromkeys(heading(c, translate, computed) for c in shown.columns))
    append_row(sheet, headings)
    for values in shown.itertuples(index=False):  # tens or hundreds of rows: the pack's own tables
        append_row(sheet, [None if (not isinstance(v, str) and pd.isna(v)) else v for v in values])
    style_headings(sheet)
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        width = max([len(headings[index - 1])] + [len(str(v)) for v in shown[column].head(200)]) + 2
        sheet.column_dimensions[letter].width = min(max(width, 10), 60)
        if column in COUNT_COLUMNS:  # whole numbers with separators; an FTE keeps its decimal
            for row, value in enumerate(frame[column], start=2):
                whole = not isinstance(value, float) or pd.isna(value) or float(value).is_integer()
                sheet.cell(row=row, column=index).number_format = "#,##0" if whole else "#,##0.0"
        elif units is not None and column in VALUE_COLUMNS:
            for row, unit in enumerate(units, start=2):
                sheet.cell(row=row, column=index).number_format = NUMBER_FORMATS.get(unit, "0.0")
    sheet.freeze_panes = "A2"
    if len(frame) and len(frame.columns):
        reference = f"A1:{get_column_letter(len(frame.columns))}{len(frame) + 1}"
        table = Table(displayName=_safe_name(code), ref=reference)
        table.tableStyleInfo = TableStyleInfo(name="TableStyleMedium2", showRowStripes=True)
        sheet.add_table(table)


def _with_disclosure(frame: pd.DataFrame, content: PackContent) -> pd.DataFrame:
    """Say of each figure whether it is about children and which of its numbers are counts of them."""
    indicators = {i: v.indicator for i, v in content.views.items()}
    ids = frame["indicator_id"]
    frame = frame.copy()
    frame["about_children"] = ids.map({i: about_children(ind) for i, ind in indicators.items()})
    frame["share"] = ids.map({i: is_share(ind) for i, ind in indicators.items()})
    frame["numerator_counts_children"] = ids.map({i: numerator_counts_children(ind) for i, ind in indicators.items()})
    withheld = frame["suppressed"] if "suppressed" in frame else pd.Series(False, index=frame.index)
    frame["suppressed"] = withheld.astype("boolean").fillna(False).astype(bool)
    return frame


def _chart_data(content: PackContent, domain: str) -> pd.DataFrame:
    frames = []
    for view in content.domain_views(domain):
        series = view.series.copy()
        if series.empty:
            continue
        series["indicator_id"] = view.indicator.id
        series["unit"] = view.indicator.unit
        series["period"] = series["period_object"].map(str) if "period" not in series else series["period"]
        frames.append(series.reindex(columns=[*CHART_COLUMNS, "suppressed"]))
    columns = [*CHART_COLUMNS, *DISCLOSURE_COLUMNS]
    if not frames:
        return pd.DataFrame(columns=columns)
    return _with_disclosure(pd.concat(frames, ignore_index=True), content).reindex(columns=columns)


def _reasons(table: pd.DataFrame, content: PackContent) -> pd.Series:
    """Why a value is unavailable, in the pack's language and without instructions meant for officers."""
    from kpi.pack.headlines import missing_source_words

    text = content.text
    missing = table["missing_source"] if "missing_source" in table else pd.Series(None, index=table.index)
    said = table["reason"].map(lambda r: text(r) if isinstance(r, str) else r)
    return said.mask(missing.notna(), missing.map(
        lambda m: text("no data: {source} not supplied", source=missing_source_words(m, text))
        if isinstance(m, str) else None))


def _summary(content: PackContent) -> pd.DataFrame:
    table = content.table.copy()
    views = content.views
    table["variation"] = table["indicator_id"].map(
        lambda i: views[i].spc.variation_icon if i in views and views[i].spc is not None else None)
    table["change"] = table["indicator_id"].map(
        lambda i: views[i].travel.sentence if i in views and views[i].travel is not None else None)
    table["reason"] = _reasons(table, content)
    if content.audience == "public":  # a withheld figure's SPC verdict would hint at it
        table.loc[table["suppressed"].fillna(False).astype(bool), "variation"] = None
    return _with_disclosure(table, content).reindex(columns=[*SUMMARY_COLUMNS, *DISCLOSURE_COLUMNS])


def _restated(content: PackContent) -> pd.DataFrame:
    restated = content.restated
    if restated.empty:
        return pd.DataFrame({"meaning": [content.text(
            "No figure shown in this pack differs from what earlier packs published.")]})
    titles = {i: v.indicator.title_in(content.language) for i, v in content.views.items()}
    shown = restated.assign(title=restated["indicator_id"].map(titles))
    return in_words(shown, {"reason": "restated"}, content.text)


def _comparison_figures(content: PackContent) -> pd.DataFrame:
    """The nation's row is named in the pack's language (Cymru); authorities keep their published names."""
    figures = content.comparison_figures
    if figures.empty or "area_type" not in figures:
        return figures
    return figures.assign(area_name=figures["area_name"].mask(figures["area_type"].eq("nation"), content.nation_name))


def _completeness(content: PackContent) -> pd.DataFrame:
    frame = content.completeness.copy()
    if frame.empty:
        return frame
    frame["about_children"] = frame["table"].isin(CHILD_TABLES)
    frame = frame.drop(columns=["field"], errors="ignore")  # a code; `description` says it in words
    for column in ("description", "cohort"):
        frame[column] = frame[column].map(lambda v: content.text(v) if isinstance(v, str) else v)
    return frame


def _parameters(content: PackContent) -> pd.DataFrame:
    # The file's name only: its folder on the officer's machine (a user name, a share) is not for publication.
    values = {**content.parameters, "config_file": content.config.config_path.name,
              "created_utc": content.created.isoformat()}
    frame = pd.DataFrame({"setting": list(values), "value": list(values.values())})
    return in_words(frame, {"value": "setting_value"}, content.text)


def _sheets(content: PackContent) -> list[tuple[str, str, pd.DataFrame, pd.Series | None]]:
    """(sheet code, what it holds, table, units of its values) for every sheet after the contents."""
    t = content.text
    titles = dict(section_titles(content))
    table = content.table
    sheets = [("summary", t("Every indicator for the period: value, numerator, denominator, target, RAG, change"),
               _summary(content), table["unit"])]
    for domain in content.domains:
        chart = _chart_data(content, domain)
        sheets.append((domain, t("Chart data behind '{title}' (with SPC columns)", title=titles[domain]), chart,
                       chart["unit"]))
    if content.comparisons_computed:
        compared = t("Our figure for each period compared (never the pack's own period, which is not ranked), the "
                     "nation, quartiles, rank and band, all computed from every authority's records, not published")
        figures = t("Every figure each rank and band was computed from, computed from every authority's records "
                    "(none is published)")
    else:
        compared = t("Our figure for each published period (never the pack's own period, which is not ranked), the "
                     "nation, quartiles, rank and band")
        figures = t("Every published figure each rank and band was computed from")
    sheets.append(("comparisons", compared, table.reindex(columns=COMPARISON_COLUMNS), table["unit"]))
    sheets.append(("comparison_figures", figures, _comparison_figures(content), None))
    ingest = content.ingest.reindex(columns=["table", "file", "rows_read", "rows_accepted", "rows_rejected",
                                             "commonest_reasons"])
    reasons = ingest["commonest_reasons"].fillna("")
    # In words once for each different text (a few), not once a file (tens, most of them with no reasons).
    ingest["commonest_reasons"] = reasons.map({text: reasons_in_words(text, t) for text in reasons.unique()})
    sheets.append(("ingest", t("Rows read, accepted and rejected per file, with the reasons"), ingest, None))
    sheets.append(("completeness", t("How completely key fields are recorded, counted over the same records as "
                                     "their indicators"), _completeness(content), None))
    by_source = provenance_by_source(content.ingest).rename(columns={"sha256": "sha256_of_file_list"})
    sheets.append(("provenance_sources", t("One row per source: files, first and last file, rows, and the SHA-256 of "
                                           "the sha256sum list of its files (as in the pack's appendix)"),
                   by_source, None))
    sheets.append(("provenance_files", t("Every input file with its SHA-256 and rows"),
                   content.ingest.reindex(columns=["table", "file", "sha256", "format", "encoding", "sheet",
                                                   "header_row", "rows_read", "rows_accepted", "rows_rejected"]),
                   None))
    sheets.append(("parameters", t("Parameters and software version"), _parameters(content), None))
    sheets.append(("restated", t("Figures shown in an earlier pack that have changed since, and why"),
                   _restated(content), None))
    notes = pd.DataFrame([(t(symbol), t(meaning)) for symbol, meaning in _notes(content)],
                         columns=["symbol", "meaning"])
    sheets.append(("notes", t("What the symbols and columns mean"), notes, None))
    return sheets


def write_workbook(content: PackContent, path: Path) -> None:
    t = content.text
    book = Workbook()
    contents = book.active
    contents.title = sheet_name("contents", t)
    authority = content.config.authority
    name = authority.welsh_name if content.language == "cy" and authority.welsh_name else authority.name
    title = t("{authority}: children's services performance, {period}", authority=name, period=content.period_label)
    restricted = content.audience == "restricted"
    marking = t("Restricted: draft, not for publication")
    book.properties.title = title + (f" ({marking})" if restricted else "")
    book.properties.keywords = RESTRICTED if restricted else "public"
    book.properties.language = content.language
    append_row(contents, [title])
    contents["A1"].font = Font(bold=True, size=14)
    audience = t("Restricted: draft, not for publication") if restricted else t("Public")
    append_row(contents, [t("{audience}. Made on {date}.", audience=audience, date=t.date(content.created.date()))])
    append_row(contents, [])
    append_row(contents, [heading("sheet", t), heading("what", t)])
    style_headings(contents, row=4)
    for code, description, frame, units in _sheets(content):
        append_row(contents, [sheet_name(code, t), description])
        _sheet(book, code, frame, content, units)
    if restricted:  # every sheet, on screen and on every printed page
        for sheet in book.worksheets:
            sheet.oddHeader.center.text = RESTRICTED
            sheet.sheet_properties.tabColor = "F46A25"
    contents.column_dimensions["A"].width = 26
    contents.column_dimensions["B"].width = 100
    if content.audience == "public":
        append_row(contents, [])
        append_row(contents, [t("Counts of 1 to {threshold} children, and figures from which such a count could be "
                                "worked out, are withheld in this public workbook (left empty; the column Withheld "
                                "says which). Notes explains the symbols.", threshold=content.policy.threshold)])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
