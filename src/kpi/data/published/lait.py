"""The DfE Local Authority Interactive Tool (LAIT) long table: `format: lait`.

Columns `Short Desc` (the measure's code), `Data item`, `Years`, `LA and Regions`, `Values` (text: numbers,
`-`, scientific notation, float artefacts such as 83.400000000000006), `LA Number` (the DfE LA number;
970 England, 980-990 the regions) and `Region`, as parquet (bds_long_0.parquet) or CSV. One row is one
record. The data dictionary (lait_data_dictionary.csv) gives each measure's year type, which says what a
year means (2016 is 2015-16 for a financial-year measure, the workforce census of September 2016 - in
2016-17 - for 'Annual (end of Sept)'), and its polarity and decimal places (used by `kpi.compare.benchmarking`).

    comparators:
      - path: dfe-lait/bds_long_0.parquet
        format: lait
        options:
          dictionary: lait_data_dictionary.csv      # default: that file beside the data, if there
          measures:                                 # LAIT code: our indicator id (default: every measure,
            Continue_Assess_Comp: assessments_within_timescale_pct      # under its LAIT code)
            Work_Force_AvgNumCase_SW: caseload_per_social_worker_fte
          reporting_year: march                     # a year with no year type in the dictionary

Authorities keep their DfE LA number as area code (e.g. 370), as the statistical neighbours model and the
EES files (`old_la_code`) have them; England and the regions get their ONS codes (E92000001, E12000001...)
so they meet the same areas loaded from EES. A year that is not one financial year (a span such as
'2014-16', or '0') is rejected with that text in the reason.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from kpi.data.published import common
from kpi.data.published.units import unit_of_label
from kpi.config import Source
from kpi.errors import ConfigError, UnusableInput
from kpi.data.readers import read_extract
from kpi.data.tables import Table, normalise_label

OPTIONS = {
    "dictionary": "the LAIT data dictionary CSV (default: lait_data_dictionary.csv beside the data)",
    "measures": "{LAIT code: our indicator id} or [codes] to load (default: every measure, under its code)",
    "reporting_year": "march (default), september, academic or calendar: a year with no year type",
    "scale": "100 for percentages, 1 for ratios: to check values against numerator/denominator",
    "count_rounding": "the unit published counts are rounded to (default: 10 for ees, 5 for statswales, else 1)",
}
DICTIONARY_FILE = "lait_data_dictionary.csv"
COLUMNS = {"measure": "Short Desc", "years": "Years", "area": "LA and Regions", "value": "Values",
           "number": "LA Number"}
ENGLAND = 970
# LAIT's region numbers and the ONS codes and names the EES files use for the same regions.
REGIONS = {
    980: ("E12000001", "North East"), 981: ("E12000002", "North West"),
    982: ("E12000003", "Yorkshire and The Humber"), 983: ("E12000004", "East Midlands"),
    984: ("E12000005", "West Midlands"), 985: ("E12000006", "East of England"), 986: ("E12000007", "London"),
    987: ("E13000001", "Inner London"), 988: ("E13000002", "Outer London"), 989: ("E12000008", "South East"),
    990: ("E12000009", "South West"),
}
YEAR_TYPES = {"financialyear": "march", "annual": "march", "annualjanuary": "march",
              "annualendofsept": "september", "academicyear": "academic", "calendaryear": "calendar"}
POLARITY = {"high": "higher_is_better", "low": "lower_is_better"}


def read_dictionary(path: Path) -> pd.DataFrame:
    """The data dictionary, one row per measure code: polarity, decimals, year kind, title, axis name."""
    raw = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    missing = [c for c in ("Measure_short", "Polarity", "dps", "Year_Type") if c not in raw]
    if missing:
        raise UnusableInput(f"{path}: not a LAIT data dictionary (no column '{missing[0]}')")
    raw = raw.assign(code=raw["Measure_short"].str.strip()).drop_duplicates("code")  # repeated rows agree
    frame = pd.DataFrame({
        "polarity": raw["Polarity"].str.strip().str.lower().map(POLARITY).fillna("neutral"),
        "decimals": pd.to_numeric(raw["dps"], errors="coerce").astype("Int64"),
        "year_type": raw["Year_Type"].str.strip(),
        "year_kind": raw["Year_Type"].map(normalise_label).map(YEAR_TYPES),
        "title": raw.get("Chart_title", raw.get("Measure", raw["code"])).str.strip(),
        "axis": raw.get("y_axis_name", pd.Series("", index=raw.index)).str.strip(),
    })
    frame.index = pd.Index(raw["code"], name="measure")
    return frame


def dictionary_path(path: Path, options: dict) -> Path | None:
    if "dictionary" in options:
        return common.resolve_beside(path, str(options["dictionary"]), "dictionary")
    beside = path.parent / DICTIONARY_FILE
    return beside if beside.is_file() else None


def _measures(options: dict) -> dict[str, str] | None:
    measures = options.get("measures")
    if measures is None:
        return None
    if isinstance(measures, dict):
        return {str(k): str(v) for k, v in measures.items()}
    if isinstance(measures, (list, tuple, str)):
        return {m: m for m in common.as_list(measures)}
    raise ConfigError("sources.comparators.options.measures: give {LAIT code: indicator id} or a list of codes")


def _read_table(source: Source, path: Path) -> tuple[pd.DataFrame, pd.Series, int | None, str | None, list[str]]:
    """The LAIT columns as text, each row's number (header on row 1), header row, encoding, other headers."""
    if path.suffix.lower() == ".parquet":
        import pyarrow.parquet as pq

        if not path.is_file():
            raise UnusableInput(f"{path}: file not found")
        try:
            schema = pq.read_schema(path)
        except Exception as err:  # pyarrow raises several types for a damaged file
            raise UnusableInput(f"{path}: not a readable parquet file ({type(err).__name__}: {err})") from None
        names = list(schema.names)
        found = {key: common.find_column(names, pd.DataFrame(columns=range(len(names))), wanted, path)
                 for key, wanted in COLUMNS.items()}
        import pyarrow as pa
        import pyarrow.compute as pc

        arrow = pq.read_table(path, columns=[names[i] for i in found.values()])
        columns = {}
        for key, column in zip(found, arrow.columns):  # five columns
            if key == "number" and pa.types.is_floating(column.type):
                whole = pc.equal(pc.floor(column), column)  # 970.0 -> '970', in Arrow (fast)
                column = pc.if_else(whole, pc.cast(pc.cast(column, pa.int64(), safe=False), pa.string()),
                                    pc.cast(column, pa.string()))
            column = pc.cast(column, pa.string())
            columns[key] = column.to_pandas(types_mapper={pa.string(): pd.StringDtype()}.get)
        frame = pd.DataFrame(columns)
        rows = pd.Series(np.arange(2, len(frame) + 2), dtype="int64")
        other = [n for i, n in enumerate(names) if i not in found.values()]
        return frame, rows, 1, None, other
    wanted = {normalise_label(w) for w in COLUMNS.values()}
    extract = read_extract(path, score_header=lambda row, above: len({normalise_label(c) for c in row} & wanted),
                           sheet=source.sheet, header_row=source.header_row, encoding=source.encoding,
                           delimiter=source.delimiter)
    found = {key: common.find_column(extract.headers, extract.cells, wanted, path) for key, wanted in COLUMNS.items()}
    frame = pd.DataFrame({key: common.cell_text(extract.cells, i) for key, i in found.items()})
    number = pd.to_numeric(frame["number"], errors="coerce")
    frame["number"] = number.astype("Int64").astype("string").where(number.notna(), frame["number"])
    other = [h for i, h in enumerate(extract.headers) if i not in found.values() and h]
    return frame, extract.source_rows, extract.header_row, extract.encoding, other


def read_lait(table: Table, source: Source, path: Path):
    """The LAIT long table as comparator records, one per row kept."""
    options = common.options_of(source, "lait", OPTIONS)
    default_kind = common.year_kind(options.get("reporting_year", "march"))
    measures = _measures(options)
    frame, rows, header_row, encoding, other = _read_table(source, path)
    frame = frame.set_axis(range(len(frame)))
    rows = rows.set_axis(frame.index)

    measure = frame["measure"].str.strip()
    reasons = pd.Series(pd.NA, index=frame.index, dtype="string")
    blank = frame.isna().all(axis=1)
    if measures is not None:
        unknown = ~blank & ~measure.isin(list(measures)).fillna(False).astype(bool)
        reasons[unknown] = "measure '" + measure[unknown].fillna("") + "' not selected (options.measures)"
    keep = reasons.isna()

    dictionary_file = dictionary_path(path, options)
    kinds = pd.Series(default_kind, index=frame.index, dtype="string")
    unit = pd.Series(pd.NA, index=frame.index, dtype="string")
    if dictionary_file is not None:
        dictionary = read_dictionary(dictionary_file)
        kinds = measure.map(dictionary["year_kind"].dropna()).astype("string").fillna(default_kind)
        axis = dictionary["axis"][~dictionary.index.duplicated()]
        unit = measure.map(unit_of_label(axis)).astype("string")  # '% completed to time' -> percent
    years = frame["years"].str.strip()
    period = common.translate_periods(years, kinds).fillna(years)

    number = pd.to_numeric(frame["number"], errors="coerce")
    england, region = number.eq(ENGLAND).fillna(False), number.isin(list(REGIONS)).fillna(False)
    area_type = pd.Series(np.select([england, region], ["nation", "region"], "authority"), index=frame.index,
                          dtype="string").mask(blank)
    code = number.map({n: ons for n, (ons, _) in REGIONS.items()} | {ENGLAND: common.ENGLAND_CODE})
    code = code.astype("string").fillna(frame["number"].str.strip())
    name = number.map({n: region_name for n, (_, region_name) in REGIONS.items()}).astype("string")
    name = name.fillna(frame["area"].str.strip())
    indicator = measure.map(measures) if measures is not None else measure

    records = pd.DataFrame({"indicator_id": indicator, "area_code": code, "area_name": name,
                            "area_type": area_type, "period": period, "value": frame["value"], "unit": unit,
                            "published_id": measure, common.ROW: rows})
    records = records[keep]
    left_out = reasons.dropna()
    return common.extract_for(
        path, records, rows_in_file=len(frame), left_out=common.reason_per_row(rows[left_out.index], left_out),
        headers={"indicator_id": COLUMNS["measure"], "period": COLUMNS["years"], "area_name": COLUMNS["area"],
                 "value": COLUMNS["value"], "area_code": COLUMNS["number"], "published_id": COLUMNS["measure"],
                 "unit": f"{COLUMNS['measure']} (y_axis_name in {DICTIONARY_FILE})"},
        ignored=other, header_row=header_row, encoding=encoding)
