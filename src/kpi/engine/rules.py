"""Each indicator's SQL, read from `sql/<id>.sql`, with the few facts about it written at the top.

A file starts with comment lines `-- key: value` that say how its numerator and denominator become a figure
and when there is none:

    -- kind: share        count | count_among | share | ratio | change | per_10000
    -- covers: this period; the 12 months before this period
    -- nothing: no contacts received in the period
    -- empty: no caseload snapshot was taken in the period

- kind: count (the numerator is the figure), count_among (the same, shown with its denominator), share
  (numerator / denominator x 100), ratio (numerator / denominator: an average or a rate per FTE), change
  (the percentage change from the denominator to the numerator), per_10000 (numerator / denominator x 10,000);
- covers: the spans of time the table's dates must reach, each said as the reason reads when they do not
  ("the contacts data do not cover this period"); the table is the first of the indicator's tables present;
- nothing: the reason there is no figure when the denominator is 0 or missing;
- empty: the reason there is no figure when the query gives no row for an authority and period (a count
  with no rows is 0).
The rest of the file is the query (see kpi.engine for what it may read and must return).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from importlib import resources

from kpi.errors import ConfigError

KINDS = ("count", "count_among", "share", "ratio", "change", "per_10000")
# What each span of time in `covers` means, as (first day, last day) columns of the periods table.
COVERS = {
    "this period": ("period_start", "period_end"),
    "the 12 months before this period": ("year_before_start", "period_end"),
    "the 12 months up to the end of this period": ("year_to_end_start", "period_end"),
    "this period a year earlier": ("earlier_start", "earlier_end"),
}
KEYS = ("kind", "covers", "nothing", "empty")


@dataclass(frozen=True)
class Rule:
    """One indicator's query and how its result becomes a figure."""

    id: str
    kind: str
    covers: tuple[str, ...]
    nothing: str | None
    empty: str | None
    sql: str


def parse(indicator_id: str, text: str, where: str) -> Rule:
    """A rule from the text of its file; a key or kind it does not know is refused, naming the file."""
    facts: dict[str, str] = {}
    for line in text.splitlines():
        found = re.match(r"-- ([a-z_]+):(.*)$", line)
        if not found:
            break  # the facts end where the prose or the query begins
        key, value = found.groups()
        if key not in KEYS:
            raise ConfigError(f"{where}: unknown key '{key.strip()}' (known: {', '.join(KEYS)})")
        facts[key] = value.strip()
    kind = facts.get("kind")
    if kind not in KINDS:
        raise ConfigError(f"{where}: kind must be one of {', '.join(KINDS)} (found {kind!r})")
    covers = tuple(c.strip() for c in facts.get("covers", "").split(";") if c.strip())
    for span in covers:
        if span not in COVERS:
            raise ConfigError(f"{where}: covers '{span}' is not one of: {'; '.join(COVERS)}")
    return Rule(indicator_id, kind, covers, facts.get("nothing"), facts.get("empty"), text)


@cache
def rule_for(indicator_id: str) -> Rule | None:
    """The rule of an indicator, or None when it has no SQL yet."""
    file = resources.files("kpi.engine") / "sql" / f"{indicator_id}.sql"
    if not file.is_file():
        return None
    return parse(indicator_id, file.read_text(encoding="utf-8"), f"kpi/engine/sql/{indicator_id}.sql")


@cache
def shared_views() -> tuple[tuple[str, str], ...]:
    """The selections several indicators share (`sql/views/<name>.sql`), in name order: (name, query)."""
    folder = resources.files("kpi.engine") / "sql" / "views"
    if not folder.is_dir():
        return ()
    files = sorted((f for f in folder.iterdir() if f.name.endswith(".sql")), key=lambda f: f.name)
    return tuple((f.name.removesuffix(".sql").split("_", 1)[1] if f.name[:2].isdigit() else
                  f.name.removesuffix(".sql"), f.read_text(encoding="utf-8")) for f in files)
