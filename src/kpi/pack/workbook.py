"""pack.xlsx: the data behind every chart and table of the pack, for anyone who wants to check it.

A contents sheet, one formatted sheet per section of the pack (the same numbers, unrounded), the
chart data with its SPC columns, and a notes sheet that explains the symbols.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from kpi.catalogue import DOMAINS
from kpi.cells import append_row
from kpi.disclosure import CHILD_DOMAINS, is_share, numerator_counts_children
from kpi.pack.build import PackContent
from kpi.pack.render import section_titles
from kpi.quality import provenance_by_source, reasons_in_words

HEADER_FILL = PatternFill("solid", fgColor="12436D")
HEADER_FONT = Font(bold=True, color="FFFFFF")
NUMBER_FORMATS = {"percent": "0.0", "count": "#,##0", "ratio": "0.0", "days": "0.0"}
RESTRICTED = "RESTRICTED: draft, not for publication"

SUMMARY_COLUMNS = ["indicator_id", "title", "period", "value", "numerator", "denominator", "unit", "target",
                   "tolerance", "rag", "previous_period", "previous_value", "change_on_previous", "travel_on_previous",
                   "last_year_period", "last_year_value", "change_on_last_year", "travel_on_last_year", "variation",
                   "change", "ci_lower", "ci_upper", "status", "reason"]
# What a reader (and kpi.disclosure_check) needs to know of each figure to see which counts it holds.
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
    ("rag", "green meets the target; amber misses it by no more than the tolerance; red is worse."),
    ("change_on_previous, change_on_last_year", "The difference between the figures as printed (rounded), "
                                               "in the indicator's unit (percentage points for percentages)."),
    ("travel_on_previous, travel_on_last_year", "up / down / no change. Up is not better and down is not worse."),
    ("variation, change", "What statistical process control says about the latest point: better or worse only "
                          "where it finds special cause; otherwise the change is within normal variation."),
    ("ci_lower, ci_upper", "95% Wilson score interval of a proportion, in percent."),
    ("mean, lpl, upl", "SPC: the mean and the lower and upper process limits (XmR chart)."),
    ("point_type", "SPC: common_cause, or special_cause_improvement / _concern / _neutral_high / _neutral_low."),
    ("quartile_band", "A is the best quarter of authorities and D the worst, whatever the polarity."),
    ("comparator_value", "Our figure for the published period it is compared for: published, or computed from our "
                         "own data for that same period when the publication lacks it (comparator_value_source). "
                         "The rank and band are of this figure, never of the pack's latest period."),
    ("Published symbols", "c, x, z, u, k, low, *, - and : in published tables mean suppressed or not "
                          "available; they are never read as zero."),
]


def _sheet(book: Workbook, title: str, frame: pd.DataFrame, *, units: pd.Series | None = None) -> None:
    sheet = book.create_sheet(title[:31])
    append_row(sheet, list(frame.columns))
    for values in frame.itertuples(index=False):  # tens or hundreds of rows: the pack's own tables
        append_row(sheet, [None if (not isinstance(v, str) and pd.isna(v)) else v for v in values])
    for cell in sheet[1]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    for index, column in enumerate(frame.columns, start=1):
        letter = get_column_letter(index)
        width = max([len(str(column))] + [len(str(v)) for v in frame[column].head(200)]) + 2
        sheet.column_dimensions[letter].width = min(max(width, 10), 60)
        if units is not None and column in ("value", "previous_value", "last_year_value", "target", "mean", "lpl",
                                            "upl", "nation_value", "lower_quartile", "median", "upper_quartile"):
            for row, unit in enumerate(units, start=2):
                sheet.cell(row=row, column=index).number_format = NUMBER_FORMATS.get(unit, "0.0")
    sheet.freeze_panes = "C2" if len(frame.columns) > 2 else "A2"


def _with_disclosure(frame: pd.DataFrame, content: PackContent) -> pd.DataFrame:
    """Say of each figure whether it is about children and which of its numbers are counts of them."""
    indicators = {i: v.indicator for i, v in content.views.items()}
    ids = frame["indicator_id"]
    frame = frame.copy()
    frame["about_children"] = ids.map({i: ind.domain in CHILD_DOMAINS for i, ind in indicators.items()})
    frame["share"] = ids.map({i: is_share(ind) for i, ind in indicators.items()})
    frame["numerator_counts_children"] = ids.map({i: numerator_counts_children(ind) for i, ind in indicators.items()})
    frame["suppressed"] = frame["suppressed"].fillna(False).astype(bool) if "suppressed" in frame else False
    return frame


def _chart_data(content: PackContent, domain: str) -> pd.DataFrame:
    frames = []
    for view in content.domain_views(domain):
        series = view.series.copy()
        if series.empty:
            continue
        series["indicator_id"] = view.indicator.id
        series["unit"] = view.indicator.unit
        frames.append(series.reindex(columns=[*CHART_COLUMNS, "suppressed"]))
    columns = [*CHART_COLUMNS, *DISCLOSURE_COLUMNS]
    return _with_disclosure(pd.concat(frames, ignore_index=True), content).reindex(columns=columns) if frames else \
        pd.DataFrame(columns=columns)


def _restated(content: PackContent) -> pd.DataFrame:
    restated = content.restated
    if restated.empty:
        return pd.DataFrame({"note": ["No figure shown in this pack differs from what earlier packs published."]})
    titles = {i: v.indicator.title_in("en") for i, v in content.views.items()}
    return restated.assign(title=restated["indicator_id"].map(titles))


def write_workbook(content: PackContent, path: Path) -> None:
    book = Workbook()
    contents = book.active
    contents.title = "Contents"
    authority = content.config.authority
    title = f"{authority.name}: children's services performance, {content.period_label}"
    restricted = content.audience == "restricted"
    book.properties.title = title + (f" ({RESTRICTED})" if restricted else "")
    book.properties.keywords = RESTRICTED if restricted else "public"
    append_row(contents, [title])
    contents["A1"].font = Font(bold=True, size=14)
    append_row(contents, [f"Audience: {content.audience}" + (f" - {RESTRICTED}" if restricted else "")
                     + f". Created {content.created.isoformat()} (UTC)."])
    append_row(contents, [])
    append_row(contents, ["Sheet", "What it holds"])
    for cell in contents[4]:
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
    titles = dict(section_titles(content))

    table = content.table.copy()
    views = content.views
    table["variation"] = table["indicator_id"].map(
        lambda i: views[i].spc.variation_icon if i in views and views[i].spc is not None else None)
    table["change"] = table["indicator_id"].map(
        lambda i: views[i].travel.sentence if i in views and views[i].travel is not None else None)
    if content.audience == "public":  # a withheld figure's SPC verdict would hint at it
        table.loc[table["suppressed"].fillna(False).astype(bool), "variation"] = None
    summary = _with_disclosure(table, content).reindex(columns=[*SUMMARY_COLUMNS, *DISCLOSURE_COLUMNS])
    sheets = [("Summary", "Every indicator for the period: value, numerator, denominator, target, RAG, change",
               summary, table["unit"])]
    for domain in content.domains:
        chart = _chart_data(content, domain)
        units = chart["indicator_id"].map({v.indicator.id: v.indicator.unit for v in content.views.values()})
        sheets.append((DOMAINS[domain]["en"], f"Chart data behind '{titles[domain]}' (with SPC columns)", chart,
                       units))
    sheets.append(("Comparisons", "Our figure for each published period (comparator_value; value is the pack's "
                   "own period, never ranked), the nation, quartiles, rank and band",
                   table.reindex(columns=COMPARISON_COLUMNS), table["unit"]))
    sheets.append(("Comparison figures", "Every published figure each rank and band was computed from",
                   content.comparison_figures, None))
    quality = content.ingest.reindex(columns=["table", "file", "rows_read", "rows_accepted", "rows_rejected",
                                              "commonest_reasons"])
    quality["commonest_reasons"] = quality["commonest_reasons"].fillna("").map(reasons_in_words)
    sheets.append(("Data quality", "Rows read, accepted and rejected per file; completeness of key fields",
                   pd.concat([quality, content.completeness], ignore_index=True), None))
    by_source = provenance_by_source(content.ingest).rename(columns={"sha256": "sha256_of_file_list"})
    sheets.append(("Provenance by source", "One row per source: files, first and last file, rows, and the SHA-256 "
                   "of the sha256sum list of its files (as in the pack's appendix)", by_source, None))
    provenance = content.ingest.reindex(columns=["table", "file", "sha256", "format", "encoding", "sheet",
                                                 "header_row", "rows_read", "rows_accepted", "rows_rejected"])
    settings = pd.DataFrame({"setting": [*content.parameters, "config_file", "created_utc"],
                             "value": [*content.parameters.values(), str(content.config.config_path),
                                       content.created.isoformat()]})
    sheets.append(("Provenance", "Input files with SHA-256 and rows; parameters and software version",
                   pd.concat([provenance, settings], ignore_index=True), None))
    sheets.append(("Restated figures", "Figures shown in an earlier pack that have changed since, and why",
                   _restated(content), None))
    sheets.append(("Notes", "What the symbols and columns mean",
                   pd.DataFrame(NOTES, columns=["symbol or column", "meaning"]), None))

    for name, description, frame, units in sheets:
        append_row(contents, [name[:31], description])
        _sheet(book, name, frame, units=units)
    if restricted:  # every sheet, on screen and on every printed page
        for sheet in book.worksheets:
            sheet.oddHeader.center.text = RESTRICTED
            sheet.sheet_properties.tabColor = "F46A25"
    contents.column_dimensions["A"].width = 22
    contents.column_dimensions["B"].width = 90
    if content.audience == "public":
        append_row(contents, [])
        append_row(contents, [f"Counts of 1 to {content.policy.threshold} children, and figures from which such a count "
                         f"could be worked out, are withheld in this public workbook (shown empty; "
                         f"'suppressed' says which). Notes explains the symbols."])
    path.parent.mkdir(parents=True, exist_ok=True)
    book.save(path)
