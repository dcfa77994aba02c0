"""`kpi ingest`: every configured extract into validated canonical tables, losing nothing.

For each table: read every file, parse, then decide once over all files which rows are rejected
(a record may be repeated across monthly files). Accepted rows go to
`<processed>/<table>.parquet`; rejected rows, with their original cells and the reason, to
`<processed>/rejected/<table>.csv`; a line per file to `<processed>/ingest_report.csv`.
For every file, rows read = rows accepted + rows rejected, and the code checks it. A published file
reshaped onto the table (kpi.data.published: a row of a wide file gives a record per value column) also
accounts for each of its own rows: the source of a record, merged into one, or left out with a reason.
All of a run's files appear at once, or none of them (kpi.data.versions switches the whole folder); one
ingest at a time per processed folder (kpi.data.locks). What it writes, and the summary, are in
kpi.data.ingest_outputs.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpi.data import published as comparators

from kpi.data import loading

from kpi.data import parsing
from kpi.config import Config, Source
from kpi.errors import UnusableInput
from kpi.data.files import sha256_of
from kpi.data.ingest_outputs import UNCHANGED, FileReport, IngestResult, TableResult, commonest, write_outputs
from kpi.data.progress import Progress, as_progress
from kpi.data.pseudonym import key_for, pseudonymise
from kpi.data.readers import input_limits
from kpi.data.schemas import build_schema, failures
from kpi.data.tables import Table, table as canonical_table
from kpi.data.versions import VersionedFolder, refusals_as_one_line

REJECTED_EXTRA = ["source_file", "source_row", "column", "reason", "reason_code"]

# Readers for published formats other than our canonical one ({"ees": reader, ...}); each takes
# (table, source, path) and returns (extract, match, original) like loading.read_part does.
FORMAT_READERS: dict[str, Callable] = dict(comparators.READERS)
# Run after parsing, for tables of published figures: (source, original, typed) -> (typed, flags), where
# flags holds a reason for each record that is loaded but should be checked (missing where it is fine).
AFTER_PARSING: dict[str, Callable] = {"comparators": comparators.after_parsing}
# Run on each file as soon as it is read, for tables of published figures: (file as shown, extract, match,
# original) -> None, raising UnusableInput for a file that cannot be used (a count mapped to a percentage).
AFTER_READING: dict[str, Callable] = {"comparators": comparators.check_units}


def display_path(path: Path, base: Path) -> str:
    """A file as the officer wrote it: relative to the config's folder where possible."""
    try:
        return path.resolve().relative_to(base).as_posix()
    except ValueError:
        return str(path)


# --- one table ---------------------------------------------------------------------------------


@dataclass
class _Part:
    """One file, read: its original cells, row numbers, whole-row problems and report line."""

    file: str
    original: pd.DataFrame
    source_rows: pd.Series
    problems: pd.DataFrame
    report: FileReport


def _read_file(table: Table, source: Source, path: Path, config: Config) -> _Part:
    shown = display_path(path, config.base_dir)
    reader = FORMAT_READERS.get(source.format) if source.format != "canonical" else loading.read_part
    if reader is None:
        known = ", ".join(["canonical", *FORMAT_READERS])
        raise UnusableInput(f"{shown}: unknown format '{source.format}' (known formats: {known})")
    extract, match, original = reader(table, source, path)
    if table.name in AFTER_READING:
        AFTER_READING[table.name](shown, extract, match, original)
    rows_in_file, left_out = _account_for_rows(extract, shown)
    report = FileReport(
        table=table.name, file=shown, sha256=sha256_of(path), format=source.format,
        encoding=extract.encoding, sheet=extract.sheet, header_row=extract.header_row,
        rows_read=len(extract.cells),
        columns_ignored="; ".join(h for h in match.ignored if h not in match.identifying),
        identifying_columns_not_loaded="; ".join(match.identifying),
        rows_in_file=rows_in_file, rows_left_out=len(left_out), left_out_reasons=commonest(left_out),
    )
    problems = loading.whole_row_problems(extract, match, original, table)
    return _Part(shown, original, extract.source_rows.set_axis(original.index), problems, report)


def _account_for_rows(extract, shown: str) -> tuple[int, pd.Series]:
    """Rows in the file, and why any were left out. Each row of a reshaped file must be the source of a
    record, merged into one, or left out, exactly once: a reader that loses a row is a bug."""
    if extract.rows_in_file is None:
        return len(extract.cells), pd.Series(dtype="string")
    left_out = extract.left_out if extract.left_out is not None else pd.Series(dtype="string")
    merged = extract.merged_into if extract.merged_into is not None else pd.Series(dtype="int64")
    sources = pd.Index(extract.source_rows.unique())
    fates = sources.append(pd.Index(merged.index)).append(pd.Index(left_out.index))
    if len(fates) != extract.rows_in_file or fates.has_duplicates or not merged.isin(sources).all():
        raise AssertionError(f"{shown}: {extract.rows_in_file} rows in the file but {len(sources)} gave records, "
                             f"{len(merged)} were merged and {len(left_out)} left out; please report this as a bug")
    return extract.rows_in_file, left_out.astype("string")


def _stack(frames: list[pd.DataFrame | pd.Series]) -> list[pd.DataFrame | pd.Series]:
    """Give consecutive frames consecutive index labels 0..n-1 across all of them."""
    stacked, start = [], 0
    for frame in frames:
        stacked.append(frame.set_axis(pd.RangeIndex(start, start + len(frame))))
        start += len(frame)
    return stacked


def _parse_source(table: Table, source: Source, parts: list[_Part], key: bytes
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.Series]:
    """Parse all of a source's files at once (one pass, however many monthly files); also return a
    warning per record that is loaded but should be checked (missing where it is fine)."""
    originals = _stack([p.original for p in parts])
    original = pd.concat(originals) if originals else pd.DataFrame(columns=list(table.columns))
    typed, cell_problems = loading.typed_table(table, original, source, key, pseudonymise)
    flags = pd.Series(pd.NA, index=typed.index, dtype="string")
    if table.name in AFTER_PARSING:
        typed, flags = AFTER_PARSING[table.name](source, original, typed)
    whole_rows = pd.concat([p.problems.assign(row=o.index[p.problems["row"]] if len(o) else p.problems["row"])
                            for p, o in zip(parts, originals)], ignore_index=True) if parts else \
        loading.empty_problems()
    # A blank or totals row is reported as such, not also as a list of empty cells.
    cell_problems = cell_problems[~cell_problems["row"].isin(whole_rows["row"])]
    return typed, pd.concat([whole_rows, cell_problems], ignore_index=True), flags


def _duplicate_problems(table: Table, typed: pd.DataFrame, files: pd.Series, rows: pd.Series,
                        clean: pd.Series) -> pd.DataFrame:
    """Exact repeats (all but the first rejected) and conflicting rows sharing an id (all rejected)."""
    columns = list(table.columns)
    candidates = typed[clean]
    if candidates.empty:
        return loading.empty_problems()
    first_of = candidates.groupby(columns, dropna=False, sort=False).cumcount()
    repeat = first_of.gt(0)
    found = []
    if repeat.any():
        first_index = candidates.reset_index().groupby(columns, dropna=False, sort=False)["index"].transform("first")
        first_index.index = candidates.index
        origin = first_index[repeat]
        where = "row " + rows[origin].astype("string").to_numpy()
        other_file = files[origin].to_numpy() != files[origin.index].to_numpy()
        where = pd.Series(where, index=origin.index).where(
            ~other_file, where + " of " + files[origin].to_numpy())
        found.append(loading.problems_frame(origin.index, "", "exact duplicate of " + where, "duplicate_row"))
    identity = [c for c in table.identity]
    if identity:
        distinct = candidates[~repeat]
        conflicting = distinct.duplicated(identity, keep=False) & distinct[identity].notna().all(axis=1)
        if conflicting.any():
            clash = distinct[conflicting]
            shown_rows = rows[clash.index].astype("string")
            label = clash[identity].astype("string").agg(" and ".join, axis=1)
            group_rows = shown_rows.groupby(label).transform(lambda r: ", ".join(r))
            names = " and ".join(identity)
            found.append(loading.problems_frame(
                clash.index, ", ".join(identity),
                f"conflicting rows share the same {names} " + label + " (rows " + group_rows + ")",
                "conflicting_id"))
    return pd.concat(found, ignore_index=True) if found else loading.empty_problems()


def _schema_problems(table: Table, typed: pd.DataFrame, original: pd.DataFrame, clean: pd.Series,
                     config: Config, source_dates: pd.Series) -> pd.DataFrame:
    """Checks from the pandera schema, on rows that have no problem yet."""
    found = []
    for latest, group in typed[clean].groupby(source_dates[clean], sort=False):
        schema, codes = build_schema(table, earliest=config.earliest_date, latest=latest)
        cases = failures(schema, group)
        if cases.empty:
            continue
        cases = cases.drop_duplicates(["row", "check"])
        is_column = cases["context"].eq("Column")
        column = cases["column"].where(is_column, "")
        reason_text = cases["check"]
        shown = parsing.as_text(pd.Series(
            [original.at[r, c] if c in original else None for r, c in zip(cases["row"], column)],
            index=cases.index, dtype=object)).fillna("")
        missing = cases["check"].eq("not_nullable")
        reason = ("'" + shown + "' " + reason_text).where(is_column, reason_text)
        reason = reason.where(~missing, column + " is empty (a value is required)")
        frame_check = ~is_column
        if frame_check.any():
            checks = {c.reason: c for c in table.checks}
            column = column.where(~frame_check, cases["check"].map(
                lambda text: f"{checks[text].column}, {checks[text].other}" if text in checks else ""))
        code = cases["check"].map(codes).fillna("failed_check")
        found.append(loading.problems_frame(cases["row"], column, reason, code))
    return pd.concat(found, ignore_index=True) if found else loading.empty_problems()


def _flag_summary(flags: pd.Series, rows: pd.Series, limit: int = 5) -> str:
    """'<kind of warning> (n): rows 15, 230, ...' for the records loaded with a warning."""
    if flags.empty:
        return ""
    kind = flags.str.split(":", n=1).str[0]
    shown = rows[flags.index].astype("string")
    parts = []
    for name, count in kind.value_counts().items():
        where = shown[kind.eq(name).to_numpy()].drop_duplicates()
        more = ", ..." if len(where) > limit else ""
        parts.append(f"{name} ({count}): rows {', '.join(where.head(limit))}{more}")
    return "; ".join(parts)


def load_table(name: str, sources: list[Source], config: Config, key: bytes,
               progress: Progress | Callable[[str], None] | None = None) -> TableResult:
    """Load every file of every source of one canonical table and decide what is rejected."""
    table = canonical_table(name)
    progress = as_progress(progress)
    steps = len(sources) + 3  # parse each source; then repeats, the table's rules, the rejected rows
    parts: list[_Part] = []
    typed_parts, problem_parts, flag_parts, dates = [], [], [], []
    for source in sources:
        loading.check_category_mapping(table, source, name)
        if source.columns:
            from kpi.data.columns import check_mapping

            check_mapping(table, source.columns, name)
        files = config.source_files(source)
        if not files:
            raise UnusableInput(f"{config.resolve(source.path)}: no files match this path (sources.{name}.path)")
        source_parts = []
        progress.files(name, len(files))
        for path in files:
            progress.file(display_path(path, config.base_dir))
            source_parts.append(_read_file(table, source, path, config))
        progress.checks(name, sum(len(p.original) for p in parts + source_parts), steps)
        progress.step("reading dates, codes and ids")
        typed, problems, flags = _parse_source(table, source, source_parts, key)
        parts += source_parts
        typed_parts.append(typed)
        problem_parts.append(problems)
        flag_parts.append(flags)
        dates.append(pd.Series(source.extract_date or config.latest_allowed_date, index=typed.index))

    # One frame over all files of all sources, so duplicates across monthly files are found.
    offsets = [0]
    for typed in typed_parts:
        offsets.append(offsets[-1] + len(typed))
    typed = pd.concat(_stack(typed_parts))
    flags = pd.concat(_stack(flag_parts))
    original = pd.concat(_stack([p.original for p in parts]))
    rows = pd.concat(_stack([p.source_rows for p in parts]))
    files = pd.concat(_stack([pd.Series(p.file, index=p.original.index, dtype="string") for p in parts]))
    source_dates = pd.concat(_stack(dates))
    problems = pd.concat([p.assign(row=p["row"] + o) for p, o in zip(problem_parts, offsets)], ignore_index=True)

    progress.checks(name, len(typed), steps)
    progress.step("finding repeated rows")
    clean = ~typed.index.isin(problems["row"])
    clean = pd.Series(clean, index=typed.index)
    duplicates = _duplicate_problems(table, typed, files, rows, clean)
    clean &= ~typed.index.isin(duplicates["row"])
    progress.step("checking the table's rules")
    schema = _schema_problems(table, typed, original, clean, config, source_dates)
    problems = pd.concat([problems, duplicates, schema], ignore_index=True)
    progress.step("listing rejected rows")

    rejected_rows = problems["row"].drop_duplicates()
    accepted = typed.drop(index=rejected_rows)
    accepted = accepted.assign(source_file=files[accepted.index], source_row=rows[accepted.index])
    accepted = accepted.reset_index(drop=True)
    rejected = _rejected_table(table, original, typed, problems, files, rows)
    flagged = flags.drop(index=rejected_rows).dropna()

    for part in parts:
        mine_rejected = int((rejected["source_file"] == part.file).sum())
        mine_accepted = int((accepted["source_file"] == part.file).sum())
        part.report.rows_rejected = mine_rejected
        part.report.rows_accepted = mine_accepted
        part.report.commonest_reasons = commonest(rejected.loc[rejected["source_file"] == part.file, "reason_code"])
        mine_flagged = flagged[files[flagged.index].eq(part.file).to_numpy()]
        part.report.rows_flagged = len(mine_flagged)
        part.report.flag_reasons = _flag_summary(mine_flagged, rows)
        if mine_accepted + mine_rejected != part.report.rows_read:
            raise AssertionError(f"{part.file}: {part.report.rows_read} rows read but {mine_accepted} accepted "
                                 f"+ {mine_rejected} rejected; please report this as a bug")
    progress.done()
    return TableResult(name, accepted, rejected, [p.report for p in parts])


def _rejected_table(table: Table, original: pd.DataFrame, typed: pd.DataFrame, problems: pd.DataFrame,
                    files: pd.Series, rows: pd.Series) -> pd.DataFrame:
    """One line per rejected row: its original cells (ids pseudonymised) and every reason."""
    columns = list(table.columns)
    if problems.empty:
        return pd.DataFrame(columns=columns + REJECTED_EXTRA)
    problems = problems.drop_duplicates(["row", "column", "reason"])
    grouped = problems.groupby("row", sort=True)
    joined = pd.DataFrame({
        "column": grouped["column"].agg(lambda c: "; ".join(dict.fromkeys(v for v in c if v))),
        "reason": grouped["reason"].agg(lambda r: "; ".join(dict.fromkeys(r))),
        "reason_code": grouped["code"].first(),
    })
    index = joined.index
    cells = original.reindex(index=index, columns=columns)
    out = cells.apply(parsing.as_text).astype("string")
    for person in ("child_id", "worker_id"):
        if person in out:
            out[person] = typed.loc[index, person]
    out["source_file"] = files[index]
    out["source_row"] = rows[index].astype("int64")
    out = out.join(joined)
    return out.sort_values(["source_file", "source_row"], kind="stable").reset_index(drop=True)


def read_sources(config: Config, key: bytes, progress: Progress | Callable[[str], None] | None = None
                ) -> dict[str, TableResult]:
    """Every configured source read and judged (accepted and rejected rows), in memory: what `ingest` writes
    and what `kpi check` reports without writing."""
    progress = as_progress(progress)
    tables = {}
    with input_limits(config.limits):  # kpi.yml `limits:` for large and hostile files
        try:
            for name, sources in config.sources.present().items():
                tables[name] = load_table(name, sources, config, key, progress)
        finally:
            progress.done()  # a file that stops the run: clear its bar before the one-line message
    return tables


def ingest(config: Config, progress: Progress | Callable[[str], None] | None = None) -> IngestResult:
    """Load every configured source; write the processed tables, the quarantine and the report.
    `progress`: a Progress (kpi ingest draws ProgressBars), a function given a line per file read, or None.

    One ingest at a time per processed folder (a second is refused naming the first); what a killed
    run left is swept first."""
    key = key_for(config)
    progress = as_progress(progress)
    processed = VersionedFolder(config.processed_dir)
    with refusals_as_one_line(unchanged=UNCHANGED), processed.locked("kpi ingest"):
        processed.sweep()
        result = IngestResult(read_sources(config, key, progress), config.processed_dir)
        write_outputs(result)
    return result


