"""Explore Education Statistics (DfE) tidy CSVs: `format: ees`.

The files have `time_period, time_identifier, geographic_level, country_code, country_name, region_code,
region_name, old_la_code, new_la_code, la_name` and then value columns (`referral_count`,
`rereferral_percent`, `caseload_fte`, ...), with suppression symbols (`c`, `x`, `z`, `u`, `low`, `k`)
in place of numbers. A row is one area and year; each mapped value column gives one record.

    comparators:
      - path: dfe/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv
        format: ees
        options:
          values:                                   # our indicator id: the file's column(s)
            rereferrals_within_12m_pct: {value: rereferral_percent, numerator: rereferral_count,
                                         denominator: referral_count}
            referrals: referral_count               # a value alone
          levels: [national, regional, local authority]   # the default
          where: {category: Referrals and Re-referrals}   # keep only these rows (optional)
          reporting_year: march                     # 'Reporting year 2025' = 2024-25 (default)
          area_code: old_la_code                    # authorities by DfE number (default) or new_la_code

An authority's code is its DfE LA number (`old_la_code`, e.g. 370) by default: it is what the statistical
neighbours model and LAIT use, and it stays the same when ONS re-codes an authority without changing its
area (North Yorkshire E10000023 -> E06000065, Barnsley E08000016 -> E08000038). A reorganised authority
gets a new number (Dorset 835 -> 838; Northamptonshire 928 -> 940 and 941) and so a new series. Joint
returns keep their published joint code ('940 / 941'). The country and regions keep their ONS codes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kpi.data.published import common
from kpi.config import Source
from kpi.errors import ConfigError
from kpi.data.readers import read_extract
from kpi.data.tables import Table, normalise_label

OPTIONS = {
    "values": "our indicator id -> a value column, or {value, numerator, denominator, where}",
    "levels": "geographic levels to load (national, regional, local authority)",
    "where": "{column: value or [values]}: load only the rows that match",
    "reporting_year": "march (default) or september: what 'Reporting year N' means",
    "area_code": "old_la_code (default) or new_la_code: which code identifies an authority",
    "scale": "100 for percentages, 1 for ratios: to check values against numerator/denominator",
    "count_rounding": "the unit published counts are rounded to (default: 10 for ees, 5 for statswales, else 1)",
}
STANDARD = ["time_period", "time_identifier", "geographic_level", "country_code", "country_name", "region_code",
            "region_name", "old_la_code", "new_la_code", "la_name"]
LEVELS = {"national": "National", "regional": "Regional", "localauthority": "Local authority"}
TIME_KINDS = {"financialyear": "march", "taxyear": "march", "academicyear": "academic",
              "calendaryear": "calendar"}  # 'Reporting year' follows options.reporting_year


@dataclass(frozen=True)
class Mapping:
    indicator_id: str
    value: str
    numerator: str | None = None
    denominator: str | None = None
    where: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Options:
    mappings: list[Mapping]
    levels: list[str]
    where: dict[str, list[str]]
    reporting_year: str
    area_code: str


def _where(value, key: str) -> dict[str, list[str]]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ConfigError(f"sources.comparators.options.{key}: expected {{column: value or [values]}}")
    return {str(column): common.as_list(allowed) for column, allowed in value.items()}


def parse_options(source: Source) -> Options:
    options = common.options_of(source, "ees", OPTIONS)
    values = options.get("values")
    if not isinstance(values, dict) or not values:
        raise ConfigError("sources.comparators.options.values: map each indicator id to the file's column, "
                          "e.g. values: {rereferrals_within_12m_pct: {value: rereferral_percent, "
                          "numerator: rereferral_count, denominator: referral_count}}")
    mappings = []
    for indicator_id, spec in values.items():
        key = f"values.{indicator_id}"
        if isinstance(spec, str):
            mappings.append(Mapping(str(indicator_id), spec))
            continue
        if not isinstance(spec, dict) or "value" not in spec:
            raise ConfigError(f"sources.comparators.options.{key}: give a column name, or "
                              "{value: column, numerator: column, denominator: column}")
        unknown = set(spec) - {"value", "numerator", "denominator", "where"}
        if unknown:
            raise ConfigError(f"sources.comparators.options.{key}: unknown key '{sorted(unknown)[0]}' "
                              "(the keys are value, numerator, denominator, where)")
        mappings.append(Mapping(str(indicator_id), str(spec["value"]), spec.get("numerator"),
                                spec.get("denominator"), _where(spec.get("where"), f"{key}.where")))
    levels = [normalise_label(level) for level in common.as_list(options.get("levels", list(LEVELS.values())))]
    unknown_levels = [level for level in levels if level not in LEVELS]
    if unknown_levels:
        raise ConfigError(f"sources.comparators.options.levels: '{unknown_levels[0]}' cannot be loaded "
                          f"(the levels are: {', '.join(LEVELS.values())})")
    area_code = str(options.get("area_code", "old_la_code"))
    if area_code not in ("old_la_code", "new_la_code"):
        raise ConfigError(f"sources.comparators.options.area_code: '{area_code}' is not old_la_code or new_la_code")
    return Options(mappings, levels, _where(options.get("where"), "where"),
                   common.year_kind(options.get("reporting_year", "march")), area_code)


def _scorer(options: Options):
    wanted = {normalise_label(n) for n in STANDARD[:3]}
    wanted |= {normalise_label(m.value) for m in options.mappings}

    def score(row: list[str], above: list[str] | None) -> int:
        return len({normalise_label(cell) for cell in row if cell} & wanted)

    return score


def read_ees(table: Table, source: Source, path: Path):
    """An EES tidy CSV as comparator records: one per mapped value column of each row kept."""
    options = parse_options(source)
    extract = read_extract(path, score_header=_scorer(options), sheet=source.sheet, header_row=source.header_row,
                           encoding=source.encoding, delimiter=source.delimiter)
    headers, cells, rows = extract.headers, extract.cells, extract.source_rows

    def position(name: str, required: bool = True, what: str = "") -> int | None:
        return common.find_column(headers, cells, name, path, required=required, what=what)

    def text(name: str) -> pd.Series:
        return common.cell_text(cells, position(name, required=False))

    for name in STANDARD[:3]:
        position(name, what=" (an EES file has time_period, time_identifier and geographic_level)")
    level_text = text("geographic_level")
    level = level_text.map(normalise_label, na_action="ignore")  # a handful of distinct levels

    blank = common.blank_rows(cells)
    kept = level.isin(options.levels).fillna(False).astype(bool)
    reasons = pd.Series(pd.NA, index=cells.index, dtype="string")
    reasons[~blank & ~kept] = "geographic level '" + level_text[~blank & ~kept].fillna("") + "' not kept (options.levels)"
    for column, allowed in options.where.items():
        position(column, what=" (options.where)")
        found = text(column)
        fails = ~blank & reasons.isna() & ~common.matches_any(found, allowed)
        reasons[fails] = (f"{column} is '" + found[fails].fillna("") + f"', not {' or '.join(allowed)} (options.where)")
    selected = ~blank & reasons.isna()

    code, name = _areas(level, text, options.area_code)
    period = _periods(text("time_period"), text("time_identifier"), options.reporting_year)

    base = pd.DataFrame({"area_code": code, "area_name": name, "area_type": level_text, "period": period,
                         common.ROW: rows.to_numpy()}, index=cells.index)
    records, matched, used = [], pd.Series(False, index=cells.index), {}
    for order, mapping in enumerate(options.mappings):  # a loop over the mapped indicators, not rows
        mine = selected.copy()
        for column, allowed in mapping.where.items():
            position(column, what=f" (options.values.{mapping.indicator_id}.where)")
            mine &= common.matches_any(text(column), allowed)
        matched |= mine
        value_at = position(mapping.value, what=f" (options.values.{mapping.indicator_id}.value)")
        # The column's name as published (options may spell it in another case): published_measures.yml knows it so.
        part = base[mine].assign(indicator_id=mapping.indicator_id, published_id=headers[value_at].strip(),
                                 _order=order)
        for canonical in ("value", "numerator", "denominator"):
            column = getattr(mapping, canonical)
            if column is None:
                continue
            at = position(column, what=f" (options.values.{mapping.indicator_id}.{canonical})")
            part[canonical] = common.cell_text(cells, at)[mine]
            used.setdefault(canonical, []).append(headers[at])
        records.append(part)
    unmatched = selected & ~matched
    where_columns = {c for m in options.mappings for c in m.where}
    if len(where_columns) == 1:  # say which value it had: "population_type is 'Children ceasing ...'"
        column = where_columns.pop()
        reasons[unmatched] = (f"{column} is '" + text(column)[unmatched].fillna("")
                              + "', which no mapped value asks for (options.values ... where)")
    else:
        reasons[unmatched] = "matches the where of no mapped value (options.values)"
    blank_records = pd.DataFrame({common.ROW: rows[blank].to_numpy(), "_order": 0})
    records = pd.concat([*records, blank_records], ignore_index=True)
    records = records.sort_values([common.ROW, "_order"], kind="stable").reset_index(drop=True)

    left_out = reasons.dropna()
    taken = set(STANDARD) | {h for columns in used.values() for h in columns}
    taken |= set(options.where) | {c for m in options.mappings for c in m.where}
    ignored = [h for h in headers if h and h not in taken]
    return common.extract_for(
        path, records, rows_in_file=len(cells), left_out=common.reason_per_row(rows[left_out.index], left_out),
        headers={k: ", ".join(dict.fromkeys(v)) for k, v in used.items()}, ignored=ignored,
        header_row=extract.header_row, encoding=extract.encoding, sheet=extract.sheet)


def _areas(level: pd.Series, text, area_code: str) -> tuple[pd.Series, pd.Series]:
    """The code and name of each row's area: the country, the region, or the authority."""
    other = "new_la_code" if area_code == "old_la_code" else "old_la_code"
    authority_code = text(area_code).fillna(text(other))
    code = pd.Series(pd.NA, index=level.index, dtype="string")
    name = pd.Series(pd.NA, index=level.index, dtype="string")
    for label, code_column, name_column in (("national", "country_code", "country_name"),
                                            ("regional", "region_code", "region_name"),
                                            ("localauthority", None, "la_name")):
        rows = level.eq(label).fillna(False).astype(bool)
        code[rows] = (authority_code if code_column is None else text(code_column))[rows]
        name[rows] = text(name_column)[rows]
    return code, name


def _periods(time_period: pd.Series, identifier: pd.Series, reporting_year: str) -> pd.Series:
    """Financial periods ('Financial year Q2' with 201819 -> 2018-19Q2). A period we cannot place keeps
    its text with its time identifier, e.g. '2025 (Spring term)', so the rejected row says what it was."""
    labels = identifier.map(normalise_label, na_action="ignore")
    quarter = labels.str.extract(r"^financialyearq([1-4])$")[0]
    kind = labels.str.replace(r"q[1-4]$", "", regex=True).map(
        {**TIME_KINDS, "reportingyear": reporting_year}, na_action="ignore")
    kind = kind.mask(labels.str.contains(r"q[1-4]$", regex=True).fillna(False) & quarter.isna())  # not FY quarters
    with_quarter = time_period.where(quarter.isna(), time_period + "Q" + quarter)
    translated = common.translate_periods(with_quarter, kind.fillna("unknown"))
    placed = kind.notna() & translated.notna()
    return translated.where(placed, time_period + " (" + identifier.fillna("no time identifier") + ")")
