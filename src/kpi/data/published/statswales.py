"""StatsWales-style tables: `format: statswales`.

Two shapes, both as the Welsh Government publishes them:

- Long (a StatsWales download or the new data tables): one row per area, year, measure and (often)
  indicator, with `AreaCode` / `Area_Code` / `Area_AltCode1` (the ONS code W06...), `Area_ItemName_ENG`,
  `YearCode` (201819) or `Year_ItemName_ENG` (2018-19), `Measure` (Numerator, Denominator, Percentage...),
  `Data` and `NoteCodes` (x, c, e, p...). The numerator and denominator rows of an area and year are
  merged into the record of its value row.
- Wide, the shape of the Welsh performance-measure tables: one row per authority with numerator,
  denominator and percentage columns, a Wales row, and lower quartile / median / upper quartile rows.

Published quartiles (a row named Lower quartile, Median or Upper quartile, or a Measure of that name)
are loaded as records of area type `quartile`, area code `lower_quartile`, `median` or `upper_quartile`:
some years were published with only the Wales value and the quartiles, and comparisons then place our
figure against them. Other summaries (minimum, maximum) are left out and counted in the ingest report.
Suppressed figures (`*`, `..`, `x`, `c`) become missing values with the symbol in `note`. Each record
keeps the file's own code for its measure (`published_id`) and, where the Measure label or the value
column says it (Percentage, Number), its `unit`, so that a count mapped to a percentage is refused.

    comparators:
      - path: wales/pm24_by_authority.csv
        format: statswales
        options:
          indicator: assessments_within_timescale_pct   # when the file holds one measure
          indicators: {PM24: assessments_within_timescale_pct}   # or: codes in its indicator column
          indicator_column: Indicator_Code              # default: a column named Indicator... if any
          measures: {value: [Percentage], numerator: [Numerator], denominator: [Denominator]}
          period: 2018-19                               # when the file has no year column
          reporting_year: march                         # what a single year such as 2019 means
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from kpi.data.published import common
from kpi.data.published.units import unit_of_label
from kpi.config import Source
from kpi.errors import ConfigError, UnusableInput
from kpi.data.parsing import PUBLISHED_SYMBOLS
from kpi.data.readers import read_extract
from kpi.data.tables import Table, normalise_label

OPTIONS = {
    "indicator": "our indicator id, when the file holds one measure and has no indicator column",
    "indicators": "{code in the indicator column: our indicator id}; other codes are left out",
    "indicator_column": "the column naming each row's indicator (default: one named Indicator...)",
    "measures": "{value: [labels], numerator: [labels], denominator: [labels]} of the Measure column",
    "period": "the financial year of every row, when the file has no year column",
    "reporting_year": "march (default), september, academic or calendar: what a single year N means",
    "scale": "100 for percentages, 1 for ratios: to check values against numerator/denominator",
    "count_rounding": "the unit published counts are rounded to (default: 10 for ees, 5 for statswales, else 1)",
}
AREA_CODES = ["Area_AltCode1", "AreaCode_ONS", "ONS code", "Area_Code", "AreaCode", "Area code", "Code"]
AREA_NAMES = ["Area_ItemName_ENG", "AreaName", "Area name", "Area", "Local authority", "Authority", "Name"]
YEARS = ["YearCode", "Year_Code", "Year_ItemName_ENG", "Year", "Financial year", "Period"]
MEASURES = ["Measure_ItemName_ENG", "MeasureName", "Measure_Code", "Measure", "MeasureCode"]
DATA = ["Data", "Value"]
NOTES = ["NoteCodes", "Note codes", "Notes", "Note", "Flags", "Flag"]
ROLES = {
    "value": ["Percentage", "Percent", "Value", "Rate", "Performance", "Result", "Data", "Average", "Mean",
              "Ratio"],
    "numerator": ["Numerator", "Num"],
    "denominator": ["Denominator", "Denom", "Base"],
}
SUMMARIES = ["Lower quartile", "Upper quartile", "Median", "Quartile 1", "Quartile 3", "Q1", "Q3", "LQ", "UQ",
             "Minimum", "Maximum", "Min", "Max", "Interquartile range"]
# Published quartiles, loaded as records of area type `quartile` (code, name, the labels that mean it).
QUARTILES = {
    "lower_quartile": ("Lower quartile", ["Lower quartile", "Quartile 1", "Q1", "LQ", "First quartile"]),
    "median": ("Median", ["Median", "Quartile 2", "Q2"]),
    "upper_quartile": ("Upper quartile", ["Upper quartile", "Quartile 3", "Q3", "UQ", "Third quartile"]),
}
_QUARTILE_OF_LABEL = {normalise_label(label): code for code, (_, labels) in QUARTILES.items() for label in labels}
_ONS = re.compile(r"^[EWSN]\d{8}$")
# The 22 Welsh authorities and Wales, for tables that name areas without codes (ONS codes since 2009).
WELSH_AREAS = {
    "W06000001": ["Isle of Anglesey", "Anglesey", "Ynys Mon"], "W06000002": ["Gwynedd"], "W06000003": ["Conwy"],
    "W06000004": ["Denbighshire", "Sir Ddinbych"], "W06000005": ["Flintshire", "Sir y Fflint"],
    "W06000006": ["Wrexham", "Wrecsam"], "W06000008": ["Ceredigion"], "W06000009": ["Pembrokeshire", "Sir Benfro"],
    "W06000010": ["Carmarthenshire", "Sir Gaerfyrddin"], "W06000011": ["Swansea", "Abertawe"],
    "W06000012": ["Neath Port Talbot", "Castell-nedd Port Talbot"], "W06000013": ["Bridgend", "Pen-y-bont ar Ogwr"],
    "W06000014": ["Vale of Glamorgan", "The Vale of Glamorgan", "Bro Morgannwg"], "W06000015": ["Cardiff", "Caerdydd"],
    "W06000016": ["Rhondda Cynon Taf", "Rhondda Cynon Taff"], "W06000018": ["Caerphilly", "Caerffili"],
    "W06000019": ["Blaenau Gwent"], "W06000020": ["Torfaen", "Tor-faen"], "W06000021": ["Monmouthshire", "Sir Fynwy"],
    "W06000022": ["Newport", "Casnewydd"], "W06000023": ["Powys"], "W06000024": ["Merthyr Tydfil", "Merthyr Tudful"],
    "W92000004": ["Wales", "Cymru", "Wales average", "Wales total"],
}
_CODE_OF_NAME = {normalise_label(name): code for code, names in WELSH_AREAS.items() for name in names}


def _first(headers: list[str], candidates: list[str]) -> int | None:
    labels = [normalise_label(h) for h in headers]
    for candidate in candidates:
        label = normalise_label(candidate)
        if label in labels:
            return labels.index(label)
    return None


def _area_code_column(headers: list[str], cells: pd.DataFrame) -> int | None:
    """The area code column, preferring one that holds ONS codes (W06000001) over StatsWales' own (512)."""
    labels = [normalise_label(h) for h in headers]
    present = [labels.index(normalise_label(c)) for c in AREA_CODES if normalise_label(c) in labels]
    for position in present:
        codes = common.cell_text(cells, position).dropna()
        if len(codes) and codes.str.match(_ONS).mean() > 0.5:
            return position
    return present[0] if present else None


def _roles(options: dict) -> dict[str, set[str]]:
    """The Measure labels of each role, from options.measures or the usual ones."""
    given = options.get("measures") or {}
    if not isinstance(given, dict) or set(given) - set(ROLES):
        raise ConfigError("sources.comparators.options.measures: give {value: [labels], numerator: [labels], "
                          "denominator: [labels]}")
    return {role: {normalise_label(w) for w in common.as_list(given.get(role, words))} for role, words in ROLES.items()}


def _area_types(code: pd.Series, name: pd.Series) -> pd.Series:
    """nation (W92..., or the name Wales), authority (W06...), region (other ONS codes); authority when
    the codes are StatsWales' own."""
    kind = pd.Series("authority", index=code.index, dtype="string")
    ons = code.str.match(_ONS).fillna(False).astype(bool)
    kind[ons & ~code.str.startswith("W06").fillna(False)] = "region"
    kind[code.str.startswith("W92").fillna(False) | code.str.startswith("E92").fillna(False)] = "nation"
    kind[~ons & name.str.casefold().isin(["wales", "cymru", "england"]).fillna(False)] = "nation"
    return kind


def read_statswales(table: Table, source: Source, path: Path):
    """A StatsWales-style table (long or wide) as comparator records."""
    options = common.options_of(source, "statswales", OPTIONS)
    kind = common.year_kind(options.get("reporting_year", "march"))
    roles = _roles(options)
    wanted = {normalise_label(c) for c in AREA_CODES + AREA_NAMES + YEARS + MEASURES + DATA + NOTES}
    wanted |= {normalise_label(w) for words in ROLES.values() for w in words}
    extract = read_extract(path, score_header=lambda row, above: len({normalise_label(c) for c in row} & wanted),
                           sheet=source.sheet, header_row=source.header_row, encoding=source.encoding,
                           delimiter=source.delimiter)
    headers, cells, rows = extract.headers, extract.cells, extract.source_rows
    used: dict[str, str] = {}

    def column(key: str, position: int | None) -> pd.Series:
        if position is not None:
            used[key] = headers[position]
        return common.cell_text(cells, position)

    code = column("area_code", _area_code_column(headers, cells))
    name = column("area_name", _first(headers, AREA_NAMES))
    code = code.fillna(name.map(normalise_label, na_action="ignore").map(_CODE_OF_NAME).astype("string"))
    if code.isna().all() and name.isna().all():
        raise UnusableInput(f"{path}: no area column found (looked for {', '.join(AREA_CODES[:4])}, "
                            f"{', '.join(AREA_NAMES[:3])}, ...)")
    year_at = _first(headers, YEARS)
    if year_at is None and "period" not in options:
        raise UnusableInput(f"{path}: no year column found (looked for {', '.join(YEARS)}); "
                            "give the year as sources.comparators.options.period")
    years = column("period", year_at) if year_at is not None else pd.Series(
        str(options["period"]), index=cells.index, dtype="string")
    period = common.translate_periods(years, kind).fillna(years)

    indicator_at = (common.find_column(headers, cells, str(options["indicator_column"]), path,
                                       what=" (options.indicator_column)") if "indicator_column" in options else
                    next((i for i, h in enumerate(headers) if normalise_label(h).startswith(
                        ("indicator", "performancemeasure"))), None))
    blank = common.blank_rows(cells)
    reasons = pd.Series(pd.NA, index=cells.index, dtype="string")
    published = pd.Series(pd.NA, index=cells.index, dtype="string")
    if indicator_at is not None:
        published = column("indicator_id", indicator_at)
        used["published_id"] = headers[indicator_at]
        mapping = options.get("indicators")
        if mapping is not None:
            if not isinstance(mapping, dict):
                raise ConfigError("sources.comparators.options.indicators: give {code in the file: indicator id}")
            lookup = {normalise_label(k): str(v) for k, v in mapping.items()}
            indicator = published.map(normalise_label, na_action="ignore").map(lookup).astype("string")
            unmapped = ~blank & indicator.isna()
            reasons[unmapped] = "indicator '" + published[unmapped].fillna("") + "' not selected (options.indicators)"
        else:
            indicator = published
    elif "indicator" in options:
        indicator = pd.Series(str(options["indicator"]), index=cells.index, dtype="string")
    else:
        raise ConfigError(f"{path}: the file has no indicator column; name our indicator id as "
                          "sources.comparators.options.indicator (or the column as options.indicator_column)")

    quartile = _quartile_of(name).fillna(_quartile_of(code))
    summary = (common.matches_any(name, SUMMARIES) | common.matches_any(code, SUMMARIES)) & quartile.isna()
    reasons[~blank & reasons.isna() & summary] = ("published summary '" + name.fillna(code)[summary].fillna("")
                                                  + "' (only the quartiles of a publication are loaded)")
    base = pd.DataFrame({"indicator_id": indicator, "area_code": code, "area_name": name,
                         "area_type": _area_types(code, name), "period": period, "published_id": published,
                         common.ROW: rows.to_numpy()}, index=cells.index)
    base = _as_quartiles(base, quartile)
    notes = column("note", _first(headers, NOTES))
    # An empty cell whose note code is a published symbol ('x', 'c', '*') is that symbol.
    symbol = notes.where(notes.str.lower().isin(PUBLISHED_SYMBOLS).fillna(False).astype(bool))
    measure_at = _first(headers, MEASURES)
    if measure_at is not None:
        data = column("value", _first(headers, DATA))
        used["unit"] = headers[measure_at]  # 'Percentage', 'Number': the Measure label says what a figure is
        records, merged = _long(base, column("measure", measure_at), data.fillna(symbol), notes, roles, blank,
                                reasons)
    else:
        records, merged = _wide(base, headers, cells, notes, symbol, blank, reasons, used, path)
    records = pd.concat([records, pd.DataFrame({common.ROW: rows[blank].to_numpy()})], ignore_index=True)
    records = records.sort_values(common.ROW, kind="stable").reset_index(drop=True)
    left_out = reasons.dropna()
    ignored = [h for h in headers if h and h not in used.values()]
    return common.extract_for(
        path, records, rows_in_file=len(cells), left_out=common.reason_per_row(rows[left_out.index], left_out),
        merged_into=merged, headers=used, ignored=ignored, header_row=extract.header_row,
        encoding=extract.encoding, sheet=extract.sheet)


def _quartile_of(labels: pd.Series) -> pd.Series:
    """lower_quartile, median or upper_quartile for a label that names a published quartile."""
    return labels.map(normalise_label, na_action="ignore").map(_QUARTILE_OF_LABEL).astype("string")


def _as_quartiles(base: pd.DataFrame, quartile: pd.Series) -> pd.DataFrame:
    """Rows that hold a published quartile become records of the quartile, not of an area."""
    rows = quartile.notna()
    if not rows.any():
        return base
    base = base.copy()
    base.loc[rows, "area_code"] = quartile[rows]
    base.loc[rows, "area_name"] = quartile[rows].map({c: name for c, (name, _) in QUARTILES.items()})
    base.loc[rows, "area_type"] = "quartile"
    return base


def _long(base: pd.DataFrame, measure: pd.Series, data: pd.Series, notes: pd.Series, roles: dict[str, set[str]],
          blank: pd.Series, reasons: pd.Series) -> tuple[pd.DataFrame, pd.Series]:
    """One record per indicator, area and year: the value row, with its numerator and denominator rows
    merged in; a Measure naming a quartile (the Wales row's 'Lower quartile') gives a record of that
    quartile. A repeated row stays a record of its own, so the pipeline reports the duplicate."""
    label = measure.map(normalise_label, na_action="ignore")
    role = pd.Series(pd.NA, index=base.index, dtype="string")
    for name, words in roles.items():
        role[label.isin(words).fillna(False).astype(bool) & role.isna()] = name
    quartile = _quartile_of(measure).where(role.isna())
    base = _as_quartiles(base, quartile)
    role = role.fillna(quartile.notna().map({True: "value", False: pd.NA}).astype("string"))
    summary = label.isin({normalise_label(s) for s in SUMMARIES}).fillna(False).astype(bool) & quartile.isna()
    open_rows = ~blank & reasons.isna()
    reasons[open_rows & summary] = ("published summary '" + measure[open_rows & summary].fillna("")
                                    + "' (only the quartiles of a publication are loaded)")
    other = open_rows & ~summary & role.isna()
    reasons[other] = ("measure '" + measure[other].fillna("") + "' is not a value, numerator or denominator "
                      "(options.measures)")
    unit = unit_of_label(measure).where(role.eq("value").fillna(False).astype(bool))
    rows = base[~blank & reasons.isna()].assign(data=data, note=notes, role=role, unit=unit)
    key = ["indicator_id", "area_code", "area_name", "period"]
    rows["occurrence"] = rows.fillna({k: "" for k in key}).groupby(key + ["role"], sort=False).cumcount()
    index = pd.MultiIndex.from_frame(rows[key + ["occurrence"]].fillna("\x00"))
    rows = rows.set_axis(index)
    by_role = {r: rows[rows["role"].eq(r).to_numpy()] for r in ROLES}
    joined = pd.concat({r: frame.drop(columns=["role"]) for r, frame in by_role.items()}, axis=1)

    def first(field: str) -> pd.Series:
        value = joined[("value", field)]
        for r in ("numerator", "denominator"):
            value = value.combine_first(joined[(r, field)])
        return value

    records = pd.DataFrame({c: first(c) for c in ["indicator_id", "area_code", "area_name", "area_type", "period",
                                                  "published_id"]})
    records["value"] = joined[("value", "data")]
    records["unit"] = joined[("value", "unit")]
    records["numerator"] = joined[("numerator", "data")]
    records["denominator"] = joined[("denominator", "data")]
    records["note"] = joined[("value", "note")]  # a numerator's symbol still reaches `note` when parsed
    records[common.ROW] = first(common.ROW).astype("int64")
    merged = []
    for r in ROLES:
        own = joined[(r, common.ROW)]
        mine = own.notna() & own.ne(records[common.ROW])
        merged.append(pd.Series(records.loc[mine, common.ROW].to_numpy(), index=own[mine].astype("int64").to_numpy()))
    return records.reset_index(drop=True), pd.concat(merged).astype("int64")


def _wide(base: pd.DataFrame, headers: list[str], cells: pd.DataFrame, notes: pd.Series, symbol: pd.Series,
          blank: pd.Series, reasons: pd.Series, used: dict[str, str], path: Path) -> tuple[pd.DataFrame, pd.Series]:
    """One record per row: value, numerator and denominator columns side by side."""
    found = {role: _first(headers, words) for role, words in ROLES.items()}
    if found["value"] is None:
        raise UnusableInput(f"{path}: no value column found (looked for {', '.join(ROLES['value'][:6])}, ...) "
                            "and no Measure column")
    records = base[~blank & reasons.isna()].copy()
    for role, position in found.items():
        if position is not None:
            used[role] = headers[position]
            records[role] = common.cell_text(cells, position)[records.index]
    records["value"] = records["value"].fillna(symbol[records.index])
    records["unit"] = unit_of_label(pd.Series(headers[found["value"]], index=records.index))
    if records["unit"].notna().any():
        used["unit"] = headers[found["value"]]  # 'Percentage': the column says what its figures are
    records["note"] = notes[records.index]
    return records.reset_index(drop=True), pd.Series(dtype="int64")
