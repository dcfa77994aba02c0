"""`kpi check`: is everything ready for `kpi ingest`? kpi.yml, the catalogues and every extract are
checked, and the ingest summary is printed, but nothing is written (kpi.data.dry_run).

It sits above the indicators so that it can also hold the catalogue to the code: every indicator in
indicators.yml has a measure, every measure an indicator, and every table an indicator needs is a
table of tables.yml. Exit status as `kpi ingest --strict`: 0 all is well, 1 rows would be rejected,
2 something cannot be used (one line naming the file and the key).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path

from kpi.catalogue import Indicator, catalogue
from kpi.config import load_config
from kpi.data.dry_run import dry_run, dry_run_summary
from kpi.data.progress import Progress
from kpi.data.tables import Table, category_synonyms, load_tables
from kpi.errors import UnusableInput
from kpi.indicators.measures import MEASURES

ALL_WELL = 0
ROWS_WOULD_BE_REJECTED = 1
UNUSABLE_INPUT = 2


def catalogue_problems(indicators: Mapping[str, Indicator], tables: Mapping[str, Table],
                       measures: Mapping[str, object]) -> list[str]:
    """Where indicators.yml and the code disagree, one line each (none for the catalogue as shipped)."""
    problems = [f"indicators.yml: {i}: no measure computes it (add a function named {i}, decorated with "
                "@measure, to kpi/indicators/measures/)" for i in indicators if i not in measures]
    problems += [f"kpi/indicators/measures: {m}: a measure with no entry in indicators.yml" for m in measures
                 if m not in indicators]
    for indicator in indicators.values():
        for name in (name for alternatives in indicator.tables for name in alternatives):
            if name not in tables:
                problems.append(f"indicators.yml: {indicator.id}: tables: '{name}' is not a table of tables.yml "
                                f"(those are: {', '.join(tables)})")
    return problems


def run_check(config_path: Path, *, say: Callable[[str], None], show: Callable[[str], None] = print,
              progress: Progress | None = None) -> int:
    """Check kpi.yml, the catalogues and every extract; `say` gets messages, `show` the summary table.

    Anything unusable is the only line said (as `kpi ingest` would stop on it), so the "in order" line
    comes after the dry run, never before a failure."""
    try:
        config = load_config(config_path)  # kpi.yml, its indicator ids, and indicators.yml with them
        indicators = catalogue(config.targets)
        tables = load_tables()
        category_synonyms()
        problems = catalogue_problems(indicators, tables, MEASURES)
        if problems:
            more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
            raise UnusableInput(problems[0] + more)
        run = dry_run(config, progress=progress)
    except UnusableInput as err:
        say(f"kpi check: {err}")
        return UNUSABLE_INPUT
    say(f"{config_path}, indicators.yml, tables.yml and categories.yml are in order "
        f"({len(indicators)} indicators, {len(tables)} tables)")
    if run.throwaway_key and run.result.tables:
        say(f"There is no pseudonym key yet ({run.throwaway_key}): this dry run used a throwaway key held in "
            "memory; `kpi ingest` will make the real one.")
    for line in dry_run_summary(run):
        show(line)
    rejected = run.result.rows_rejected
    if rejected:
        say(f"{rejected:,} row(s) would be rejected (`kpi ingest --strict` would exit 1)")
        return ROWS_WOULD_BE_REJECTED
    return ALL_WELL
