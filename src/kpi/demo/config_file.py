"""The demo's kpi.yml: a working example an officer can copy, with every key explained."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

from kpi.demo.contacts import CUSTOM_SOURCE_WORDS

TEMPLATE = """\
# kpi.yml - the one file you edit to point the tool at your extracts.
#
# Written by `kpi demo` for a SYNTHETIC authority: every record and figure under {out} is made up
# (random seed {seed}); no real person is in it. To use your own extracts, change the authority and
# the paths and mappings below, or copy this file and run `kpi ingest --config your.yml`.
# `kpi demo` never overwrites this file once it exists.
#
# Paths are relative to the folder this file is in. A misspelt key is an error that names the key.

# Who the pack is for. nation: wales (42 working-day assessment timescale, comparison with Wales
# and the 22 authorities) or england (45 working days, England, region and statistical neighbours).
authority:
  name: {name}
  code: {code}        # the ONS code, as in the comparators file
  nation: wales
  # The committee and the authority are named on the pack's cover, in the pack's language (these
  # Welsh names have not yet been checked by a Welsh speaker).
  committee: {committee}
  welsh_name: {welsh_name}

# Where each extract is. A source may be left out: the indicators that need it are then reported
# as unavailable (never as zero). For each source:
#   path        the file, or a glob such as monthly/*.csv for several files
#   sheet       for a workbook: the sheet's name (default: the first sheet)
#   header_row  the row the headers are on, as Excel numbers it (default: found automatically,
#               even below title rows)
#   columns     canonical column: header in your file, for headers the tool does not know
#   categories  canonical column: {{word in your file: canonical value}}, for words it does not know
sources:
  # Contacts to the front door, one row per contact. Its headers ("Contact ID", "Date Received",
  # "Contact Source", ...) are names the tool already knows, so no `columns:` are needed.
  contacts:
    path: {contacts}
    categories:
      source:
{custom_words}
  # The same contacts as monthly totals (month, source, contact type, count): the form a council
  # without record-level data would have. The * reads every monthly file.
  contact_counts:
    path: {contact_counts}
  # Assessments, from a workbook with a title row above the headers. Two headers are mapped here;
  # the rest ("Assessment Ref", "Assessment Start", "Language Preference", ...) are known names.
  assessments:
    path: {assessments}
    sheet: Assessments
    columns:
      referral_date: "Date of Referral"
      completion_date: "Assessment Completed"
  # Caseloads: one row per worker per month-end snapshot.
  caseloads:
    path: {caseloads}
  # Published figures for every Welsh authority and Wales (synthetic here), one row per indicator,
  # area and financial year, in the canonical comparators layout.
  comparators:
    path: {comparators}
  # Strategy discussions and meetings, one row each: the concern they are about ("Date of Concern"),
  # when the discussion was held (empty until it is) and whether it led to a section 47 enquiry.
  strategy_discussions:
    path: {strategy_discussions}
  # The child protection register: one row per registration, open (no "Deregistration Date") or ended.
  child_protection:
    path: {child_protection}
  # Children looked after: one row per placement episode; a child's period of care is the run of their
  # episodes with no gap. Children other authorities placed here are marked "Placed by Other LA".
  # The extract was taken as at {looked_after_day:%d/%m/%Y}: it covers that day even when nothing
  # started or ended on it.
  looked_after:
    path: {looked_after}
    extract_date: {looked_after_day:%Y-%m-%d}
  # Cases open to the teams, with the date each was allocated to a worker (empty while it waits).
  allocations:
    path: {allocations}
  # Each team's funded posts, vacancies and agency cover (FTE) and working days lost to sickness,
  # at the same month ends as the caseload snapshots.
  establishment:
    path: {establishment}

# Where `kpi ingest` writes the checked tables (and rejected rows, with reasons), and where packs go.
processed: data/processed
reports: reports

# Open cases per social worker FTE above which a worker counts as over the threshold.
caseload_threshold: 20

# Children aged 0 to 17 living in the area (the ONS mid-year estimate), for children looked after
# per 10,000 children.
child_population: {child_population}

# The local timescale for holding a strategy discussion, in working days from the concern
# (0: the same day).
strategy_discussion_working_days: 1

# Known changes in how the service works. SPC limits are recalculated from each one (the first
# quarter or month starting on or after its date), and the pack names it on the charts and says
# whether the improvement since then has been sustained. Leave out `indicators` for a change that
# affects every indicator. (In this synthetic demo, assessment timeliness fell for a year and
# recovered once an improvement board met.)
process_changes:
  - date: {improvement_board:%Y-%m-%d}
    description: {{en: Improvement board set up, cy: Sefydlwyd bwrdd gwella}}
    indicators: [assessments_within_timescale_pct]
{extract_date}
# Other keys you may add (see the README):
#   timescale_working_days: 42      # assessment timescale, if not the nation's default
#   extract_date: 2026-09-30        # no record may be dated after this day (default: today)
#   targets:                        # override an indicator's default target and tolerance
#     assessments_within_timescale_pct: {{target: 90, tolerance: 5}}
"""
EXTRACT_DATE = """
# The day the demo extracts were taken: no record may be dated after it.
extract_date: {day:%Y-%m-%d}
"""


def relative_path(path: Path, config_path: Path) -> str:
    """`path` as kpi.yml should name it: relative to the config's folder where possible."""
    base = config_path.resolve().parent
    try:
        text = os.path.relpath(path.resolve(), base)
    except ValueError:  # another drive on Windows
        text = str(path.resolve())
    return Path(text).as_posix()


def _quoted(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def config_text(*, out: Path, config_path: Path, seed: int, files: dict[str, str], name: str, code: str,
                committee: dict[str, str], welsh_name: str, improvement_board: dt.date,
                child_population: int, looked_after_day: dt.date, extract_date: dt.date | None = None
                ) -> str:
    """The demo config; `files` maps each source to its path under `out` (a glob for contact_counts).

    `extract_date` is written only when the demo was made for a given day: `kpi demo` itself leaves
    it out, so a config kept from an earlier run still accepts the data a later run writes.
    """
    paths = {source: _quoted(relative_path(out / name_, config_path)) for source, name_ in files.items()}
    custom = "\n".join(f"        {_quoted(word)}: {value}    # North Wales Police, in Welsh"
                       for word, value in CUSTOM_SOURCE_WORDS.items())
    return TEMPLATE.format(out=relative_path(out, config_path), seed=seed, name=name, code=code,
                           committee="{" + ", ".join(f"{k}: {_quoted(v)}" for k, v in committee.items()) + "}",
                           welsh_name=welsh_name, custom_words=custom,
                           improvement_board=improvement_board, child_population=child_population,
                           looked_after_day=looked_after_day,
                           extract_date=EXTRACT_DATE.format(day=extract_date) if extract_date else "", **paths)
