"""`kpi ingest`: every configured extract into validated canonical tables, losing nothing.

For each table, every file is read a batch of rows at a time, so that a large CSV is never held whole:
each batch is parsed (ids pseudonymised), checked against the table's rules and put in the table's row
store on disk (kpi.data.row_store). What needs every file, rows repeated or sharing an id across monthly
files, is decided once all are in (kpi.data.duplicates). Accepted rows go to `<processed>/<table>.parquet`
(kpi.data.accepted); rejected rows, with their original cells and the reason, to
`<processed>/rejected/<table>.csv` (kpi.data.rejected); a line per file to `<processed>/ingest_report.csv`.
For every file, rows read = rows accepted + rows rejected, and the code checks it. A published file
reshaped onto the table (kpi.data.published: a row of a wide file gives a record per value column) also
accounts for each of its own rows: the source of a record, merged into one, or left out with a reason.
All of a run's files appear at once, or none of them (kpi.data.versions switches the whole folder); one
ingest at a time per processed folder (kpi.data.locks). What it writes, and the summary, are in
kpi.data.ingest_outputs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.data import published as comparators

from kpi.data import loading

from kpi.data import parsing
from kpi.config import Config, Source
from kpi.errors import UnusableInput
from kpi.data.accepted import AcceptedRows, pick_rejected
from kpi.data.duplicates import duplicate_problems
from kpi.data.files import sha256_of
from kpi.data.ingest_outputs import UNCHANGED, FileReport, IngestResult, TableResult, commonest, write_outputs
from kpi.data.progress import Progress, as_progress
from kpi.data.pseudonym import key_for, pseudonymise
from kpi.data.read_ahead import read_ahead
from kpi.data.readers import input_limits
from kpi.data.rejected import rejected_table
from kpi.data.row_store import RowStore
from kpi.data.schemas import Schema, build_schema, failures
from kpi.data.tables import Table, table as canonical_table
from kpi.data.versions import VersionedFolder, refusals_as_one_line

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

GROUP_ROWS = 100_000  # rows parsed together: small files are joined up to this, a large file's batch is never split


@dataclass
class _Piece:
    """A batch of rows of one file (a whole file, for a published format): its original cells, their Excel
    row numbers and whole-row problems (rows numbered within the piece), and the file's place in the table."""

    file: int
    original: pd.DataFrame
    source_rows: pd.Series
    problems: pd.DataFrame


def _read_file(table: Table, source: Source, path: Path, config: Config, reports: list[FileReport]
               ) -> Iterator[_Piece]:
    """The file's rows a batch at a time; its report line joins `reports` once its header is read.

    The file's SHA-256 is worked out beside the reading (hashlib works outside Python's lock), so that the
    first rows are not kept waiting for a whole pass over a large file; it is in the report line by the time
    the last rows are handed over."""
    shown = display_path(path, config.base_dir)
    hashing = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kpi-sha256")
    digest = hashing.submit(sha256_of, path)
    hashing.shutdown(wait=False)
    if source.format != "canonical":
        reader = FORMAT_READERS.get(source.format)
        if reader is None:
            known = ", ".join(["canonical", *FORMAT_READERS])
            raise UnusableInput(f"{shown}: unknown format '{source.format}' (known formats: {known})")
        batches = iter([reader(table, source, path)])
    elif table.name in AFTER_READING or table.name in AFTER_PARSING:
        batches = iter([loading.read_part(table, source, path)])  # checked as a whole file
    else:
        batches = loading.read_part_batches(table, source, path)
    report = None
    for extract, match, original in batches:
        if table.name in AFTER_READING:
            AFTER_READING[table.name](shown, extract, match, original)
        rows_in_file, left_out = _account_for_rows(extract, shown)
        if report is None:
            report = FileReport(
                table=table.name, file=shown, sha256="", format=source.format,
                encoding=extract.encoding, sheet=extract.sheet, header_row=extract.header_row,
                columns_ignored="; ".join(h for h in match.ignored if h not in match.identifying),
                identifying_columns_not_loaded="; ".join(match.identifying), left_out_reasons=commonest(left_out),
            )
            reports.append(report)
        report.rows_read += len(extract.cells)
        report.rows_in_file += rows_in_file
        report.rows_left_out += len(left_out)
        problems = loading.whole_row_problems(extract, match, original, table)
        yield _Piece(len(reports) - 1, original, extract.source_rows.set_axis(original.index), problems)
    if report is not None:
        report.sha256 = digest.result()


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


def _source_units(table: Table, source: Source, files: list[Path], config: Config, reports: list[FileReport],
                  progress: Progress) -> Iterator[list[_Piece]]:
    """The source's rows in the groups they are parsed in: batches of a large file one by one, small files
    (a year of monthly files) together up to GROUP_ROWS rows, and every file of the source at once for a
    table of published figures (whose checks compare records across files)."""
    group, rows = [], 0
    for path in files:
        progress.file(display_path(path, config.base_dir))
        for piece in _read_file(table, source, path, config, reports):
            group.append(piece)
            rows += len(piece.original)
            if rows >= GROUP_ROWS and table.name not in AFTER_PARSING:
                yield group
                group, rows = [], 0
    if group:
        yield group


@dataclass
class _Parsed:
    """A group of rows, parsed: rows numbered on from the table's earlier rows."""

    original: pd.DataFrame
    typed: pd.DataFrame
    problems: pd.DataFrame  # whole-row problems, else unreadable cells
    flags: pd.Series  # a warning per record loaded but to be checked (missing where it is fine)
    files: np.ndarray
    source_rows: np.ndarray


def _parse(table: Table, source: Source, pieces: list[_Piece], key: bytes, start: int) -> _Parsed:
    """Parse a group of rows at once; also give a warning per record that is loaded but should be checked."""
    originals, at = [], start
    for piece in pieces:
        originals.append(piece.original.set_axis(pd.RangeIndex(at, at + len(piece.original))))
        at += len(piece.original)
    original = pd.concat(originals) if len(originals) != 1 else originals[0]
    if not originals:
        original = pd.DataFrame(columns=list(table.columns))
    typed, cell_problems = loading.typed_table(table, original, source, key, pseudonymise)
    flags = pd.Series(pd.NA, index=typed.index, dtype="string")
    if table.name in AFTER_PARSING:
        typed, flags = AFTER_PARSING[table.name](source, original, typed)
    whole_rows = pd.concat([p.problems.assign(row=o.index[p.problems["row"]] if len(o) else p.problems["row"])
                            for p, o in zip(pieces, originals)], ignore_index=True) if pieces else \
        loading.empty_problems()
    # A blank or totals row is reported as such, not also as a list of empty cells.
    cell_problems = cell_problems[~cell_problems["row"].isin(whole_rows["row"])]
    files = np.concatenate([np.full(len(p.original), p.file, dtype=np.int32) for p in pieces]) if pieces else \
        np.empty(0, dtype=np.int32)
    source_rows = np.concatenate([p.source_rows.to_numpy(dtype=np.int64) for p in pieces]) if pieces else \
        np.empty(0, dtype=np.int64)
    return _Parsed(original, typed, pd.concat([whole_rows, cell_problems], ignore_index=True), flags, files,
                   source_rows)


def _rule_problems(table: Table, typed: pd.DataFrame, original: pd.DataFrame, schema: Schema,
                   codes: dict[str, str]) -> pd.DataFrame:
    """The table's rules (kpi.data.schemas), on rows whose cells could all be read."""
    cases = failures(schema, typed)
    if cases.empty:
        return loading.empty_problems()
    cases = cases.drop_duplicates(["row", "check"])
    is_column = cases["context"].eq("Column")
    column = cases["column"].where(is_column, "")
    shown = pd.Series(pd.NA, index=cases.index, dtype="string")
    for name in column[is_column].unique():
        mine = (column == name).to_numpy(dtype=bool)
        if name in original:
            shown[mine] = parsing.as_text(original[name].loc[cases["row"][mine].to_numpy()]).to_numpy()
    shown = shown.fillna("")
    missing = cases["check"].eq("not_nullable")
    reason = ("'" + shown + "' " + cases["check"]).where(is_column, cases["check"])
    reason = reason.where(~missing, column + " is empty (a value is required)")
    if (~is_column).any():
        pairs = {c.reason: f"{c.column}, {c.other}" for c in table.checks}
        column = column.where(is_column, cases["check"].map(pairs).fillna(""))
    code = cases["check"].map(codes).fillna("failed_check")
    return loading.problems_frame(cases["row"], column, reason, code)


def _flagged(parsed: _Parsed | None) -> pd.DataFrame:
    """The records of a group with a warning: the warning, the file (its number) and the Excel row."""
    if parsed is None:
        return pd.DataFrame({"flag": pd.Series(dtype="string"), "file": pd.Series(dtype="int32"),
                             "source_row": pd.Series(dtype="int64")})
    warned = parsed.flags.notna().to_numpy(dtype=bool)
    return pd.DataFrame({"flag": parsed.flags[warned], "file": parsed.files[warned],
                         "source_row": parsed.source_rows[warned]}, index=parsed.flags.index[warned])


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
    store = RowStore(table)
    reports: list[FileReport] = []
    found, flagged = [], []
    try:
        for source in sources:
            loading.check_category_mapping(table, source, name)
            if source.columns:
                from kpi.data.columns import check_mapping

                check_mapping(table, source.columns, name)
            files = config.source_files(source)
            if not files:
                raise UnusableInput(f"{config.resolve(source.path)}: no files match this path (sources.{name}.path)")
            progress.files(name, len(files))
            schema, codes = build_schema(table, earliest=config.earliest_date,
                                         latest=source.extract_date or config.latest_allowed_date)
            for pieces in read_ahead(_source_units(table, source, files, config, reports, progress)):
                parsed = _parse(table, source, pieces, key, store.rows)
                readable = ~parsed.typed.index.isin(parsed.problems["row"])
                found += [parsed.problems, _rule_problems(table, parsed.typed[readable], parsed.original, schema, codes)]
                flagged.append(_flagged(parsed))
                store.add(parsed.typed, parsed.original, parsed.files, parsed.source_rows, readable)
            progress.checks(name, store.rows, steps)
            progress.step("reading dates, codes and ids")
    finally:
        store.close()

    progress.checks(name, store.rows, steps)
    progress.step("finding repeated rows")
    names = [r.file for r in reports]
    duplicates = duplicate_problems(store, names)
    progress.step("checking the table's rules")
    # A repeated or conflicting row is rejected as such: the table's rules are for the rows left.
    found = pd.concat(found, ignore_index=True) if found else loading.empty_problems()
    problems = pd.concat([found[~found["row"].isin(duplicates["row"])], duplicates], ignore_index=True)
    progress.step("listing rejected rows")
    rejected_rows = np.zeros(store.rows, dtype=bool)
    rejected_rows[problems["row"].to_numpy(dtype=np.int64)] = True
    accepted = AcceptedRows(store, rejected_rows, names)
    accepted_per_file, cells = pick_rejected(store, rejected_rows, names)
    rejected = rejected_table(table, cells, problems)
    flagged = pd.concat(flagged) if flagged else _flagged(None)
    flagged = flagged[~rejected_rows[flagged.index.to_numpy(dtype=np.int64)]]
    for number, report in enumerate(reports):
        mine = rejected["source_file"] == report.file
        report.rows_rejected = int(mine.sum())
        report.rows_accepted = int(accepted_per_file[number])
        report.commonest_reasons = commonest(rejected.loc[mine, "reason_code"])
        mine_flagged = flagged[flagged["file"].eq(number).to_numpy()]
        report.rows_flagged = len(mine_flagged)
        report.flag_reasons = _flag_summary(mine_flagged["flag"], mine_flagged["source_row"])
        if report.rows_accepted + report.rows_rejected != report.rows_read:
            raise AssertionError(f"{report.file}: {report.rows_read} rows read but {report.rows_accepted} accepted "
                                 f"+ {report.rows_rejected} rejected; please report this as a bug")
    progress.done()
    return TableResult(name, accepted, rejected, reports)


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


