"""The kpi.yml for national data: the nation stands as the "authority", the files hold every authority.

kpi.yml names one authority; a national analyst's data hold all of them, each row saying whose it is
in the `authority` column. So the config names the nation itself ("National synthetic data", with
the nation's ONS code, E92000001 or W92000004): the nation sets the assessment timescale (45
working days from the start in England, 42 from the referral in Wales), and `kpi indicators --by
authority` gives each authority's figures beside the national ones. `authorities:` names each authority by its
code, for the pack of each that `kpi pack --authority all` makes.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

from kpi.demo.config_file import relative_path

NATION_CODES = {"england": "E92000001", "wales": "W92000004"}

TEMPLATE = """\
# kpi.yml - written by `kpi demo --authorities {count}` for SYNTHETIC national data: every record under
# {out} is made up (random seed {seed}); no real person is in it. Authority codes and names are real
# (England's sizes follow the published children in need census where it was found); the figures are not.
# `kpi demo` never overwrites this file once it exists.
#
# Paths are relative to the folder this file is in. See the README for every key.

# The whole nation's data: each row's authority is in the files' `authority` column. The nation sets
# the assessment timescale; `kpi indicators --by authority` gives each authority's figures.
authority:
  name: {name}
  code: {code}
  nation: {nation}

# Each authority's name by its code, for the pack of each that `kpi pack --authority all` makes.
authorities:
{authorities}

# One file per table, every authority in it. The headers and words are the canonical ones, so no
# `columns:` or `categories:` are needed.{parquet_note}
sources:
  contacts:
    path: {contacts}
  assessments:
    path: {assessments}
  caseloads:
    path: {caseloads}

processed: data/processed
reports: reports
caseload_threshold: 20
{extract_date}"""
PARQUET_NOTE = """
# These are Parquet files, as a warehouse exports them: `kpi ingest` reads them as it reads CSV files
# (each column by its name, rows numbered from 2 below the names)."""
EXTRACT_DATE = """
# The day the synthetic extracts were taken: no record may be dated after it.
extract_date: {day:%Y-%m-%d}
"""


def config_text(*, out: Path, config_path: Path, seed: int, count: int, nation: str, files: dict[str, str],
                file_format: str, extract_date: dt.date | None, authorities: dict[str, str]) -> str:
    """The national config; `files` maps each table to its file name under `out`, `authorities` each code to
    its name."""
    paths = {table: json.dumps(relative_path(out / name, config_path)) for table, name in files.items()}
    name = f"National synthetic data ({nation.title()}, {count} authorities)"
    # Quoted, so that a DfE number (370) stays a code and a name with a colon stays a name.
    listed = "\n".join(f"  {json.dumps(code)}: {json.dumps(each, ensure_ascii=False)}"
                       for code, each in authorities.items())
    return TEMPLATE.format(count=count, out=relative_path(out, config_path), seed=seed, name=json.dumps(name),
                           code=NATION_CODES[nation], nation=nation, authorities=listed,
                           parquet_note=PARQUET_NOTE if file_format == "parquet" else "",
                           extract_date=EXTRACT_DATE.format(day=extract_date) if extract_date else "", **paths)
