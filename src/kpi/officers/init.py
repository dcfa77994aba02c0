"""`kpi init [folder]`: start a project folder for a council's own extracts.

It writes a starter kpi.yml (the authority to fill in, every source commented out with a placeholder
path under data/raw/) and copies the notebooks kpi came with into notebooks/ beside it, for an
officer who wants to edit them. It never overwrites anything: an existing kpi.yml, or a notebook
already in notebooks/ (perhaps edited), is kept as it is and the summary says so.

`kpi demo` is the other way to start: a complete worked example with a synthetic authority.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from kpi.pack.export import PACK_NOTEBOOK
from kpi.pack.notebooks import FOLDER, copy_notebooks, write_new

CONFIG_NAME = "kpi.yml"
RAW = "data/raw"  # made by kpi init; where the starter config's placeholder paths point

STARTER = """\
# kpi.yml - the one file you edit to point kpi at your extracts.
#
# Written by `kpi init` as a starting point; `kpi init` never overwrites it once it exists.
#   1. Fill in the authority below.
#   2. Put your extracts in data/raw/ (CSV or Excel; nothing there is ever changed by kpi).
#   3. Under `sources:`, remove the `# ` before `sources:` and before each extract you have,
#      and change its path to your file.
#   4. Run `kpi check` (it writes nothing), `kpi ingest`, then `kpi pack` (`kpi pack --help`
#      for the period, language and audience).
# `kpi demo` writes a complete worked example (a synthetic authority) with every key explained.
#
# Paths are relative to the folder this file is in. A misspelt key is an error that names the key.

# Who the pack is for. nation: wales (42 working-day assessment timescale, comparison with Wales
# and the 22 authorities) or england (45 working days, England, region and statistical neighbours).
authority:
  name: "Your Council (fill in)"   # FILL IN: as on the pack's cover
  code: "W06000000"                # FILL IN: the authority's ONS code, as in the comparators file
  nation: wales                    # FILL IN: wales or england
  committee: Scrutiny Committee    # the committee's name, or {en: ..., cy: ...} in both languages
  # welsh_name: ...                # the authority's Welsh name, for the Welsh pack
  # region: ...                    # England: the region's name, for comparisons

# Where each extract is. A source left out is reported as unavailable in the pack, never as zero.
# For each source:
#   path        the file, or a pattern such as data/raw/monthly/*.csv for several files
#   sheet       for a workbook: the sheet's name (default: the first sheet)
#   header_row  the row the headers are on, as Excel numbers it (default: found automatically)
#   columns     canonical column: header in your file, for headers kpi does not know
#   categories  canonical column: {word in your file: canonical value}, for words it does not know
#
# sources:
#   contacts:                      # contacts to the front door, one row per contact
#     path: data/raw/contacts.csv
#   contact_counts:                # or monthly totals (month, source, contact type, count)
#     path: data/raw/contact_counts/*.csv
#   assessments:                   # one row per assessment
#     path: data/raw/assessments.xlsx
#     sheet: Assessments
#     columns:
#       referral_date: "Date of Referral"
#       completion_date: "Assessment Completed"
#   caseloads:                     # one row per worker per snapshot date
#     path: data/raw/caseloads.csv
#   comparators:                   # published figures for every authority
#     path: data/raw/comparators.csv

# Where `kpi ingest` writes the checked tables (and rejected rows, with reasons), and where packs go.
processed: data/processed
reports: reports

# Open cases per social worker FTE above which a worker counts as over the threshold.
caseload_threshold: 20

# Known changes in how the service works (a new team, an improvement board): SPC limits are
# recalculated from each, and the pack says whether the change since then has been sustained.
# process_changes:
#   - date: 2024-10-01
#     description: Improvement board set up      # printed on the charts (80 characters at most)
#     indicators: [assessments_within_timescale_pct]   # leave out for every indicator

# Other keys you may add (see the README):
#   timescale_working_days: 42      # assessment timescale, if not the nation's default
#   extract_date: 2026-09-30        # no record may be dated after this day (default: today)
#   targets:                        # override an indicator's default target and tolerance
#     assessments_within_timescale_pct: {target: 90, tolerance: 5}
"""


def starter_config() -> str:
    """The starter kpi.yml: valid as it is (no sources yet), with placeholders to fill in."""
    return STARTER


@dataclass
class Initialised:
    folder: Path
    config_written: bool
    notebooks: list[Path] = field(default_factory=list)  # copied now
    kept: list[Path] = field(default_factory=list)  # already there (perhaps edited): left as they were

    @property
    def config_path(self) -> Path:
        return self.folder / CONFIG_NAME

    def summary(self) -> list[str]:
        if self.config_written:
            lines = [f"wrote {self.config_path}: fill in the authority and the sources, then run kpi check "
                     "and kpi ingest"]
        else:
            lines = [f"kept {self.config_path} as it is (kpi init never overwrites it)"]
        if self.notebooks:
            lines.append(f"copied {len(self.notebooks)} notebook(s) into {self.folder / FOLDER}: "
                         + ", ".join(path.name for path in self.notebooks))
        if self.kept:
            lines.append(f"kept {len(self.kept)} notebook(s) already in {self.folder / FOLDER} as they are "
                         "(delete one and run kpi init again for kpi's own): "
                         + ", ".join(path.name for path in self.kept))
        lines.append(f"kpi pack runs {self.folder / FOLDER / PACK_NOTEBOOK} while it is there (delete it to "
                     f"use the one installed with kpi); put your extracts in {self.folder / RAW}")
        return lines


def init_project(folder: Path = Path(".")) -> Initialised:
    """Write a starter kpi.yml (unless there is one) and copy the notebooks into <folder>/notebooks/
    (none over a notebook already there); make <folder>/data/raw/ for the extracts."""
    folder = Path(folder)
    copied = copy_notebooks(folder)  # first: if kpi came without its notebooks, nothing else is written
    written = write_new(folder / CONFIG_NAME, starter_config().encode("utf-8"))
    (folder / RAW).mkdir(parents=True, exist_ok=True)
    return Initialised(folder, written, copied.copied, copied.kept)
