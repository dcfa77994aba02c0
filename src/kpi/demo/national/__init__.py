"""Synthetic national data: `kpi demo --authorities N --years Y`.

What a national analyst (Welsh Government, DfE) holds: the record-level contacts, assessments and
month-end caseloads of every authority, one file per table, each row with its authority's code.
Ids are unique within an authority and reused across them (every authority has a child C0000001 and
a contact CT0000001), as they are in national data. The single demo (kpi.demo) is the model; here it
is drawn for all authorities at once with numpy and written with pyarrow, so 153 English authorities
over ten years (about 25 million contacts) take well under a minute.

The same seed, number of authorities, years and `today` give byte-identical files. The authorities'
mixes and sizes come from kpi.demo.national.areas; England's sizes from the published census when
`../shared/data/published` is found, so the files differ where it is not.
"""

from __future__ import annotations

import datetime as dt
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from kpi.demo.national import assessments as assessment_model
from kpi.demo.national import caseloads as caseload_model
from kpi.demo.national import contacts as contact_model
from kpi.demo.national.areas import ENGLAND, WALES, authorities, default_nation, published_folder
from kpi.demo.national.calendar import Calendar, national_span
from kpi.demo.national.config_file import config_text
from kpi.demo.files import write_new
from kpi.demo.national.files import FORMATS, MIN_DIGITS, write_table
from kpi.demo.span import Span
from kpi.errors import UnusableInput

__all__ = ["DEFAULT_OUT", "DEFAULT_YEARS", "NationalResult", "write_national"]

DEFAULT_OUT = Path("data/raw/national")
DEFAULT_YEARS = 10
MOST_YEARS = 20  # the working-day calendar (bank holidays) goes back to 2000
# Each part draws from its own stream (apart from the single demo's), so changing one leaves the others.
_STREAMS = {"areas": 101, "contacts": 102, "assessments": 103, "caseloads": 104, "carried_in": 105}


@dataclass
class NationalResult:
    """What `write_national` wrote, for the console and for tests."""

    out: Path
    config_path: Path
    config_written: bool
    seed: int
    span: Span
    nation: str
    codes: list[str]
    file_format: str
    rows: dict[str, int] = field(default_factory=dict)
    files: dict[str, Path] = field(default_factory=dict)
    seconds: float = 0.0
    sizes_published: bool = False

    def summary(self) -> list[str]:
        tables = ", ".join(f"{table} {rows:,}" for table, rows in self.rows.items())
        lines = [(f"National synthetic data: {len(self.codes)} {self.nation.title()} authorities, "
                  f"{self.span.start:%d/%m/%Y} to {self.span.end:%d/%m/%Y}, seed {self.seed}: {tables} rows "
                  f"in {self.out}/*.{self.file_format} ({self.seconds:.1f} s)")]
        if self.config_written:
            lines.append(f"Config written to {self.config_path}")
        else:
            lines.append(f"{self.config_path} already exists and was left as it is (never overwritten); "
                         f"check that its sources point at {self.out}")
        lines.append(f"Next: kpi ingest --config {self.config_path}, then kpi indicators --config "
                     f"{self.config_path} --by authority")
        return lines


def _rng(seed: int, part: str) -> np.random.Generator:
    return np.random.default_rng([seed, _STREAMS[part]])


def write_national(out: Path = DEFAULT_OUT, *, authority_count: int, years: int = DEFAULT_YEARS, seed: int = 2017,
                   today: dt.date | None = None, file_format: str = "csv", nation: str | None = None,
                   config_path: Path = Path("kpi.yml")) -> NationalResult:
    """Write contacts, assessments and caseloads for `authority_count` authorities under `out`, and a kpi.yml
    at `config_path` if there is none. The files are written in the background while the next table is drawn."""
    began = time.perf_counter()
    nation = nation or default_nation(authority_count)
    _check(authority_count, years, file_format, nation)
    out, config_path = Path(out), Path(config_path)
    span = national_span(years, today)
    calendar = Calendar(span)
    published = published_folder() if nation == ENGLAND else None
    areas = authorities(nation, authority_count, _rng(seed, "areas"), published)
    result = NationalResult(out=out, config_path=config_path, config_written=False, seed=seed, span=span,
                            nation=nation, codes=areas.codes, file_format=file_format,
                            sizes_published=areas.from_published)
    # Each table is written in the background as soon as it is drawn (pyarrow lets go of Python's lock while
    # it writes), two at a time: the contacts on their own, being the largest by far.
    with ThreadPoolExecutor(max_workers=2) as writer:
        pending = {}

        def write(name, table):
            result.rows[name] = table.num_rows
            pending[name] = writer.submit(write_table, table, out, name, file_format)

        contacts = contact_model.generate(areas, calendar, _rng(seed, "contacts"))
        carried = assessment_model.carried_in(areas, calendar, contacts, _rng(seed, "carried_in"))
        digits = max(MIN_DIGITS, len(str(int(max(contacts.person.max(initial=1), carried.person.max(initial=1))))))
        write("contacts", contact_model.table(contacts, areas, digits))
        assessments = assessment_model.generate(areas, calendar, contacts, carried, _rng(seed, "assessments"))
        del contacts
        caseloads = caseload_model.generate(areas, calendar, _rng(seed, "caseloads"))
        write("assessments", assessment_model.table(assessments, areas, digits))
        del assessments
        write("caseloads", caseload_model.table(caseloads, areas))
        result.files = {name: done.result() for name, done in pending.items()}
    if not config_path.exists():
        text = config_text(out=out, config_path=config_path, seed=seed, count=authority_count, nation=nation,
                           files={t: p.name for t, p in result.files.items()}, file_format=file_format,
                           extract_date=today, authorities=dict(zip(areas.codes, areas.names)))
        write_new(config_path, text)
        result.config_written = True
    result.seconds = time.perf_counter() - began
    return result


def _check(count: int, years: int, file_format: str, nation: str) -> None:
    if count < 1:
        raise UnusableInput(f"--authorities {count}: give at least 1 authority")
    if not 1 <= years <= MOST_YEARS:
        raise UnusableInput(f"--years {years}: give 1 to {MOST_YEARS} financial years")
    if file_format not in FORMATS:
        raise UnusableInput(f"--format {file_format}: expected one of {', '.join(FORMATS)}")
    if nation not in (ENGLAND, WALES):
        raise UnusableInput(f"--nation {nation}: expected england or wales")

