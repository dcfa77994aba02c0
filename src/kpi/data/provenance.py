"""What an ingest did, as a reader of the pack or an officer sees it: per file and per source, rows read,
accepted and rejected (read = accepted + rejected), one checksum per source anyone can recompute, and the
reasons rows were rejected in plain words (reasons.yml), for the pack's data-quality page, its appendix,
its workbook and the officers' data-quality notebook.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Mapping
from functools import cache
from importlib import resources
from pathlib import Path

import pandas as pd
import yaml

from kpi.data.cells import from_csv_text

REPORT_TEXT_COLUMNS = ["table", "file", "sha256", "commonest_reasons"]
COUNTS = ["rows_read", "rows_accepted", "rows_rejected"]


def ingest_summary(processed_dir: Path) -> pd.DataFrame:
    """The ingest report: per file, rows read, accepted and rejected, and the commonest reasons."""
    path = processed_dir / "ingest_report.csv"
    if not path.exists():
        return pd.DataFrame(columns=["table", "file", "sha256", "rows_read", "rows_accepted", "rows_rejected",
                                     "commonest_reasons"])
    # Names and checksums stay text: a checksum of digits and one 'e' must not become a number.
    return from_csv_text(pd.read_csv(path, dtype=dict.fromkeys(REPORT_TEXT_COLUMNS, str), keep_default_na=False))


def rejected_rows(processed_dir: Path) -> pd.DataFrame:
    """Every quarantined row of every table, with its table name."""
    frames = []
    for path in sorted((processed_dir / "rejected").glob("*.csv")):
        frame = from_csv_text(pd.read_csv(path, dtype=str, keep_default_na=False))
        if len(frame):
            frames.append(frame[["source_file", "source_row", "column", "reason", "reason_code"]]
                          .assign(table=path.stem))
    if not frames:
        return pd.DataFrame(columns=["table", "source_file", "source_row", "column", "reason", "reason_code"])
    return pd.concat(frames, ignore_index=True)


def rejected_by_reason(processed_dir: Path) -> pd.DataFrame:
    """Rejected rows counted by table, file and reason code."""
    rows = rejected_rows(processed_dir)
    return (rows.groupby(["table", "source_file", "reason_code"]).size().rename("rows").reset_index()
            .sort_values(["table", "rows"], ascending=[True, False], kind="stable").reset_index(drop=True))


# ------------------------------------------------------------------------------------------------------
# Provenance: one line per source, however many monthly files it has.
# ------------------------------------------------------------------------------------------------------


def sha256sum_text(files: pd.DataFrame) -> str:
    """The lines `sha256sum` prints for these files (report rows with `file` and `sha256`): one line
    '<sha256>  <file>' per file, in order of file name (code-point order, as `LC_ALL=C` sorts)."""
    ordered = files.sort_values("file", kind="stable")
    return "".join(f"{digest}  {name}\n" for digest, name in zip(ordered["sha256"], ordered["file"]))


def combined_sha256(files: pd.DataFrame) -> str:
    """One checksum for a source's files: the SHA-256 of `sha256sum_text(files)` (UTF-8).

    Anyone can recompute it in a shell from the folder that holds kpi.yml (where the report's file names
    start), e.g. for the demo's monthly contact counts:
        export LC_ALL=C; sha256sum data/raw/demo/contact_counts/*.csv | sha256sum
    (LC_ALL=C makes the shell list the files in the same order; a file name with a backslash or a line
    break would be escaped by sha256sum and so give another result).
    """
    return hashlib.sha256(sha256sum_text(files).encode("utf-8")).hexdigest()


def provenance_by_source(ingest_report: pd.DataFrame) -> pd.DataFrame:
    """The ingest report (one row per file) as one row per source table, for the pack's appendix.

    Columns: table, files (how many), first_file and last_file (by name), rows_read, rows_accepted and
    rows_rejected (sums over the files; read = accepted + rejected) and sha256, the `combined_sha256`
    of the table's files. The report itself keeps every file with its own checksum (for the workbook).
    """
    columns = ["table", "files", "first_file", "last_file", *COUNTS, "sha256"]
    if ingest_report.empty:
        return pd.DataFrame(columns=columns)
    report = ingest_report.astype(dict.fromkeys(COUNTS, "int64") | {"file": "string", "sha256": "string"})
    grouped = report.groupby("table", sort=False)
    by_name = report.sort_values("file", kind="stable").groupby("table", sort=False)["file"]
    combined = pd.Series({table: combined_sha256(files) for table, files in grouped}, name="sha256", dtype="string")
    table = pd.concat([grouped.size().rename("files"), by_name.first().rename("first_file"),
                       by_name.last().rename("last_file"), grouped[COUNTS].sum(), combined], axis=1)
    return table.rename_axis("table").reset_index()[columns]


# ------------------------------------------------------------------------------------------------------
# Rejection reasons in plain words.
# ------------------------------------------------------------------------------------------------------


@cache
def reason_words() -> dict[str, dict[str, str]]:
    """reasons.yml: for each reason code, the words for one row (`one`) and for several (`other`)."""
    words = yaml.safe_load(resources.files("kpi.data").joinpath("reasons.yml").read_text(encoding="utf-8"))
    return {str(code): {"one": str(forms["one"]), "other": str(forms.get("other", forms["one"]))}
            for code, forms in words.items()}


def reason_in_words(reason_code: str, count: int = 1) -> str:
    """The plain words for a reason code, for `count` rows; a code without words reads as itself."""
    forms = reason_words().get(reason_code)
    if forms is None:
        return str(reason_code).replace("_", " ").strip()
    return forms["one"] if count == 1 else forms["other"]


_COUNTED = re.compile(r"^(?P<code>.*?)\s*\((?P<count>\d+)\)$")


def parse_reasons(text: str) -> pd.Series:
    """'invalid_date (3), duplicate_row (1)' (the report's `commonest_reasons`) as counts by reason
    code; a reason written without a count counts 1."""
    parts = [p.strip() for p in str(text or "").split(",") if p.strip()]
    found = pd.Series(parts, dtype="string").str.extract(_COUNTED)
    codes = found["code"].fillna(pd.Series(parts, dtype="string"))
    counts = found["count"].fillna("1").astype("int64")
    return pd.Series(counts.to_numpy(), index=pd.Index(codes, name="reason_code", dtype=object), name="rows",
                     dtype="int64")


def reasons_in_words(reasons: str | Mapping[str, int] | pd.Series,
                     translate: Callable[[str], str] | None = None) -> str:
    """Reasons with their counts in plain words, in the order given:
    'invalid_date (1), duplicate_row (2)' -> '1 date that is not a real day-first date, 2 exact repeats
    of other rows'. `reasons` is that text or counts by reason code; `translate` (e.g. the pack's Text)
    turns each phrase into the pack's language."""
    counts = parse_reasons(reasons) if isinstance(reasons, str) else pd.Series(reasons, dtype="int64")
    translate = translate or (lambda phrase: phrase)
    return ", ".join(f"{count:,} {translate(reason_in_words(reason, count))}" for reason, count in counts.items())


def reasons_by_source(processed_dir: Path, translate: Callable[[str], str] | None = None) -> pd.Series:
    """For each table with rejected rows, every reason in plain words with its count, commonest first;
    the counts add up to the table's rows rejected (each rejected row has one reason code)."""
    rows = rejected_rows(processed_dir)
    counts = (rows.groupby(["table", "reason_code"], sort=False).size().rename("rows").reset_index()
              .sort_values(["table", "rows"], ascending=[True, False], kind="stable"))
    words = {table: reasons_in_words(group.set_index("reason_code")["rows"], translate)
             for table, group in counts.groupby("table", sort=False)}
    return pd.Series(words, name="reasons", dtype="string").rename_axis("table")
