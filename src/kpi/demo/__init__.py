"""A synthetic Welsh authority to try the tool on: `kpi demo`.

"Demo County Borough Council" (W06000099) is modelled loosely on Wrexham as the 2017 inspection
and the 2018 scrutiny minutes describe it, and calibrated to the published Welsh figures in
`../shared/data/published/wales/`. It has at least six financial years of extracts ending with the
latest complete quarter before today, in the shapes officers really get them:

- `contacts.csv`: record-level contacts to the front door (UTF-8, day-first date-times, the
  system's own headers and words, one source word that only the config's `categories:` knows);
- `contact_counts/contact_counts_YYYY-MM.csv`: the same contacts as monthly totals;
- `assessments.xlsx`: sheet "Assessments" with a title row above the headers and real date cells;
- `caseloads.csv`: month-end caseload snapshots for about 60 workers in 6 teams;
- `comparators.csv`: synthetic annual figures for the 22 Welsh authorities and Wales;
- `strategy_discussions.csv`: a strategy discussion for every contact that went to one, and for each
  re-registration on the register (which arose during work with the family: no contact);
- `child_protection.csv`: every registration on the child protection register open at any time from
  12 months before the data start, with a planted rise in re-registrations within 12 months over the
  last ten quarters (see kpi.demo.child_protection);
- `looked_after.csv`: children looked after, one row per placement episode (as at the last day of
  the data), including children other authorities placed in the area;
- `allocations.csv`: cases opened to the long-term teams and when each was allocated to a worker;
- `establishment.csv`: each team's funded posts, vacancies, agency cover and sickness at each month
  end, consistent with the caseload snapshots;
- a `kpi.yml` for all of them, written only if there is none (an officer's config is never
  overwritten).

Everything is drawn with numpy from one seed: the same seed and the same `today` give
byte-identical files. A few rows are wrong on purpose (see `DemoResult.bad_rows`) so that the
quarantine has something to show; everything else is accepted by `kpi ingest`. No real person's
data is anywhere in it: ids are made up ("WC" + digits for children, "EMP" + digits for staff).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from kpi.demo import assessments as assessment_model
from kpi.demo import caseloads as caseload_model
from kpi.demo import child_protection as child_protection_model
from kpi.demo import comparators as comparator_model
from kpi.demo import contacts as contact_model
from kpi.demo import establishment as establishment_model
from kpi.demo import extracts
from kpi.demo import looked_after as looked_after_model
from kpi.demo.config_file import config_text
from kpi.data.files import write_bytes_atomically
from kpi.demo.files import csv_bytes, write_new, xlsx_bytes
from kpi.demo.span import Span, span_for
from kpi.time.periods import label

__all__ = ["DemoResult", "write_demo", "AUTHORITY_NAME", "AUTHORITY_CODE"]

AUTHORITY_NAME = comparator_model.DEMO_NAME
AUTHORITY_CODE = comparator_model.DEMO_CODE
COMMITTEE = {"en": "Children's Services Scrutiny Committee", "cy": "Pwyllgor Craffu Gwasanaethau Plant"}
WELSH_NAME = "Cyngor Bwrdeistref Sirol Demo"

CONTACTS_FILE = "contacts.csv"
COUNTS_FOLDER = "contact_counts"
COUNTS_GLOB = f"{COUNTS_FOLDER}/*.csv"
ASSESSMENTS_FILE = "assessments.xlsx"
ASSESSMENTS_SHEET = "Assessments"
CASELOADS_FILE = "caseloads.csv"
COMPARATORS_FILE = "comparators.csv"
CHILD_PROTECTION_FILE = "child_protection.csv"
STRATEGY_FILE = "strategy_discussions.csv"
LOOKED_AFTER_FILE = "looked_after.csv"
ALLOCATIONS_FILE = "allocations.csv"
ESTABLISHMENT_FILE = "establishment.csv"
# Children aged 0-17 in the area (ONS mid-year estimates put Wrexham's at about 29,000).
CHILD_POPULATION = 29_000

# Each part of the data set draws from its own stream, so changing one leaves the others alone.
_STREAMS = {"contacts": 1, "assessments": 2, "caseloads": 3, "comparators": 4, "contacts_bad": 5,
            "assessments_bad": 6, "caseloads_bad": 7, "strategy_discussions": 8, "child_protection": 9,
            "looked_after": 10, "allocations": 11, "establishment": 12, "strategy_discussions_bad": 13,
            "child_protection_bad": 14, "looked_after_bad": 15, "allocations_bad": 16, "establishment_bad": 17}


@dataclass(frozen=True)
class WrittenFile:
    name: str  # relative to the output folder
    table: str  # the canonical table it feeds
    rows: int  # data rows (headers and title rows not counted)


@dataclass
class DemoResult:
    """What `write_demo` wrote, for the console and for tests."""

    out: Path
    config_path: Path
    config_written: bool
    seed: int
    span: Span
    files: list[WrittenFile] = field(default_factory=list)
    bad_rows: list[extracts.BadRow] = field(default_factory=list)

    def rows(self, table: str) -> int:
        return sum(f.rows for f in self.files if f.table == table)

    def summary(self) -> list[str]:
        span = self.span
        lines = [
            f"Synthetic demo authority: {AUTHORITY_NAME} ({AUTHORITY_CODE}), seed {self.seed}",
            f"  data from {span.start:%d/%m/%Y} to {span.end:%d/%m/%Y} (latest complete quarter "
            f"{label(span.latest_quarter)}; follow-up dates as known on {span.today:%d/%m/%Y})",
        ]
        counts = [f for f in self.files if f.table == "contact_counts"]
        for written in self.files:
            if written.table == "contact_counts":
                continue
            lines.append(f"  {self.out / written.name}: {written.rows:,} rows")
        if counts:
            lines.append(f"  {self.out / COUNTS_FOLDER}/: {len(counts)} monthly files, "
                         f"{sum(f.rows for f in counts):,} rows in all")
        lines.append(f"  {len(self.bad_rows)} rows are wrong on purpose, for the quarantine: "
                     + ", ".join(sorted({b.reason_code for b in self.bad_rows})))
        if self.config_written:
            lines.append(f"Config written to {self.config_path}")
        else:
            lines.append(f"{self.config_path} already exists and was left as it is (never overwritten); "
                         f"check that its sources point at {self.out}")
        lines.append(f"Next: kpi ingest --config {self.config_path}")
        return lines


def _rng(seed: int, part: str) -> np.random.Generator:
    return np.random.default_rng([seed, _STREAMS[part]])


def _bad_rows(table: str, file: str, header_row: int, placed) -> list[extracts.BadRow]:
    return [extracts.BadRow(table, file, header_row + 1 + position, code, what) for position, code, what in placed]


def generate(seed: int = 2017, today: dt.date | None = None) -> dict[str, pd.DataFrame]:
    """The demo data as canonical tables (no bad rows), for tests and notebooks."""
    span = span_for(today)
    contacts = contact_model.generate(span, _rng(seed, "contacts"))
    assessments = assessment_model.generate(span, contacts, _rng(seed, "assessments"))
    caseloads = caseload_model.generate(span, _rng(seed, "caseloads"))
    demo = comparator_model.demo_figures(span, contacts, assessments, caseloads)
    comparators = comparator_model.generate(span, demo, _rng(seed, "comparators"))
    discussions, register = child_protection_model.generate(
        span, contacts, assessments, _rng(seed, "strategy_discussions"), _rng(seed, "child_protection"))
    looked_after = looked_after_model.generate(span, assessments, register, _rng(seed, "looked_after"))
    allocations = establishment_model.allocations(span, assessments, _rng(seed, "allocations"))
    establishment = establishment_model.establishment(span, caseloads, _rng(seed, "establishment"))
    return {"contacts": contacts, "assessments": assessments, "caseloads": caseloads, "comparators": comparators,
            "strategy_discussions": discussions, "child_protection": register, "looked_after": looked_after,
            "allocations": allocations, "establishment": establishment}


def improvement_board_date(span: Span) -> dt.date:
    """When the demo's improvement board first met: the start of the first quarter after the
    timeliness dip and the quarter in between (see kpi.demo.assessments)."""
    quarter = span.first_quarter + assessment_model.DIP_QUARTERS.stop + 1
    return quarter.start_time.date()


def write_demo(out: Path = Path("data/raw/demo"), seed: int = 2017, config_path: Path = Path("kpi.yml"),
               today: dt.date | None = None) -> DemoResult:
    """Write the demo extracts under `out` and, if there is none yet, a kpi.yml at `config_path`.

    `today` is the day the extracts are taken (default: the real today). The data end with the
    latest financial quarter complete before it; decisions and completions after it are not yet
    known. When `today` is given, the new kpi.yml says so in `extract_date`, so a day after the
    real today does not make `kpi ingest` reject the later records.
    """
    out, config_path = Path(out), Path(config_path)
    span = span_for(today)
    tables = generate(seed, span.today.date())
    result = DemoResult(out=out, config_path=config_path, config_written=False, seed=seed, span=span)

    contacts = tables["contacts"]
    rows, placed = extracts.contacts_extract(contacts, _rng(seed, "contacts_bad"), 4_200_001 + len(contacts))
    rows = rows.rename(columns=extracts.CONTACT_HEADERS)
    write_bytes_atomically(out / CONTACTS_FILE, csv_bytes(rows, line_end="\r\n"))
    result.files.append(WrittenFile(CONTACTS_FILE, "contacts", len(rows)))
    result.bad_rows += _bad_rows("contacts", CONTACTS_FILE, 1, placed)

    result.files += _write_counts(out, extracts.contact_counts(contacts))

    assessments = tables["assessments"]
    rows, text_cells, placed = extracts.assessments_extract(assessments, _rng(seed, "assessments_bad"),
                                                            610_001 + len(assessments))
    headers = extracts.ASSESSMENT_HEADERS
    rows = rows.rename(columns=headers)
    text_cells = {headers[column]: cells for column, cells in text_cells.items()}
    title = f"Assessments extract - {AUTHORITY_NAME} - produced {span.today:%d/%m/%Y}"
    widths = {"Team": 30, "Outcome": 34, "Language Preference": 20, "Assessment Completed": 21}
    workbook = xlsx_bytes(rows, sheet=ASSESSMENTS_SHEET, title=title, produced=span.today.date(),
                          header_row=extracts.ASSESSMENT_HEADER_ROW, widths=widths, text_overrides=text_cells)
    write_bytes_atomically(out / ASSESSMENTS_FILE, workbook)
    result.files.append(WrittenFile(ASSESSMENTS_FILE, "assessments", len(rows)))
    result.bad_rows += _bad_rows("assessments", ASSESSMENTS_FILE, extracts.ASSESSMENT_HEADER_ROW, placed)

    rows, placed = extracts.caseloads_extract(tables["caseloads"], _rng(seed, "caseloads_bad"))
    rows = rows.rename(columns=extracts.CASELOAD_HEADERS)
    write_bytes_atomically(out / CASELOADS_FILE, csv_bytes(rows))
    result.files.append(WrittenFile(CASELOADS_FILE, "caseloads", len(rows)))
    result.bad_rows += _bad_rows("caseloads", CASELOADS_FILE, 1, placed)

    comparators = _comparator_text(tables["comparators"])
    write_bytes_atomically(out / COMPARATORS_FILE, csv_bytes(comparators))
    result.files.append(WrittenFile(COMPARATORS_FILE, "comparators", len(comparators)))

    _write_services(out, seed, tables, result)

    if not config_path.exists():
        text = config_text(out=out, config_path=config_path, seed=seed, name=AUTHORITY_NAME, code=AUTHORITY_CODE,
                           committee=COMMITTEE, welsh_name=WELSH_NAME, extract_date=today,
                           improvement_board=improvement_board_date(span),
                           child_population=CHILD_POPULATION, looked_after_day=span.end.date(),
                           files={"contacts": CONTACTS_FILE, "contact_counts": COUNTS_GLOB,
                                  "assessments": ASSESSMENTS_FILE, "caseloads": CASELOADS_FILE,
                                  "comparators": COMPARATORS_FILE, "strategy_discussions": STRATEGY_FILE,
                                  "child_protection": CHILD_PROTECTION_FILE, "looked_after": LOOKED_AFTER_FILE,
                                  "allocations": ALLOCATIONS_FILE, "establishment": ESTABLISHMENT_FILE})
        write_new(config_path, text)
        result.config_written = True
    return result


def _write_services(out: Path, seed: int, tables: dict[str, pd.DataFrame], result: DemoResult) -> None:
    """The child protection, looked-after, allocation and establishment extracts, each with its bad rows."""
    discussions, register = tables["strategy_discussions"], tables["child_protection"]
    episodes, cases = tables["looked_after"], tables["allocations"]
    parts = [
        ("strategy_discussions", STRATEGY_FILE, "\n", extracts.STRATEGY_HEADERS,
         extracts.strategy_discussions_extract(discussions, _rng(seed, "strategy_discussions_bad"),
                                               52_001 + len(discussions))),
        ("child_protection", CHILD_PROTECTION_FILE, "\r\n", extracts.CHILD_PROTECTION_HEADERS,
         extracts.child_protection_extract(register, _rng(seed, "child_protection_bad"), 30_001 + len(register))),
        ("looked_after", LOOKED_AFTER_FILE, "\r\n", extracts.LOOKED_AFTER_HEADERS,
         extracts.looked_after_extract(episodes, _rng(seed, "looked_after_bad"), 40_001 + len(episodes))),
        ("allocations", ALLOCATIONS_FILE, "\n", extracts.ALLOCATION_HEADERS,
         extracts.allocations_extract(cases, _rng(seed, "allocations_bad"), 120_001 + len(cases))),
        ("establishment", ESTABLISHMENT_FILE, "\n", extracts.ESTABLISHMENT_HEADERS,
         extracts.establishment_extract(tables["establishment"], _rng(seed, "establishment_bad"))),
    ]
    for table, name, line_end, headers, (rows, placed) in parts:  # a loop over five files
        rows = rows.rename(columns=headers)
        write_bytes_atomically(out / name, csv_bytes(rows, line_end=line_end))
        result.files.append(WrittenFile(name, table, len(rows)))
        result.bad_rows += _bad_rows(table, name, 1, placed)



def _write_counts(out: Path, counts: pd.DataFrame) -> list[WrittenFile]:
    """One file per month; files of months no longer in the span are removed (the glob reads all)."""
    folder = out / COUNTS_FOLDER
    written = []
    month_text = counts["month"].astype(str)
    for month, part in counts.assign(month=month_text).groupby("month", sort=True):  # a loop over months
        name = f"{COUNTS_FOLDER}/contact_counts_{month}.csv"
        write_bytes_atomically(out / name, csv_bytes(part))
        written.append(WrittenFile(name, "contact_counts", len(part)))
    keep = {Path(w.name).name for w in written}
    for stale in folder.glob("contact_counts_*.csv"):
        if stale.name not in keep:
            stale.unlink()
    return written


def _comparator_text(table: pd.DataFrame) -> pd.DataFrame:
    """Numbers as published: whole counts, one decimal for rates and FTE, empty where suppressed."""
    text = table.copy()
    fte = text["indicator_id"].eq("caseload_per_social_worker_fte")
    text["value"] = table["value"].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    text["numerator"] = table["numerator"].map(lambda v: "" if pd.isna(v) else f"{v:.0f}")
    text["denominator"] = np.where(fte, table["denominator"].map("{:.1f}".format),
                                   table["denominator"].map("{:.0f}".format))
    return text
