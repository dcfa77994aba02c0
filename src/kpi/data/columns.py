"""Match an extract's headers to the canonical columns.

The officer's mapping in kpi.yml wins; then the built-in header names from tables.yml, compared
without case, spaces or punctuation. Columns that match nothing are not loaded, so names,
dates of birth and addresses never enter the processed tables.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from kpi.errors import ConfigError, UnusableInput
from kpi.data.tables import Table, looks_identifying, normalise_label


@dataclass
class ColumnMatch:
    """Which position in the file feeds each canonical column, and what was left out."""

    positions: dict[str, int]  # canonical column -> position in the file
    headers: dict[str, str]  # canonical column -> header as written in the file
    ignored: list[str]
    identifying: list[str]


def check_mapping(table: Table, mapping: dict[str, str], source_name: str) -> None:
    """A mapping key must be one of the table's columns (catches 'referal_date')."""
    for key in mapping:
        if key not in table.columns:
            raise ConfigError(
                f"sources.{source_name}.columns: unknown column '{key}' "
                f"(the {table.name} columns are: {', '.join(table.columns)})"
            )


def header_scorer(table: Table, mapping: dict[str, str]):
    """A function that counts how many canonical columns a candidate header row names."""
    wanted = {normalise_label(h): col for col, h in mapping.items()}
    for col in table.columns.values():
        for label in col.header_labels():
            wanted.setdefault(label, col.name)

    def score(row: list[str], above: list[str] | None) -> int:
        labels = {normalise_label(cell) for cell in row if cell}
        if above:
            labels |= {normalise_label(f"{a} {c}") for a, c in zip(above, row) if a and c}
        return len({wanted[label] for label in labels if label in wanted})

    return score


def match_columns(table: Table, headers: list[str], mapping: dict[str, str], path: Path) -> ColumnMatch:
    labels = [normalise_label(h) for h in headers]
    positions: dict[str, int] = {}
    taken: set[int] = set()
    for column, header in mapping.items():
        wanted = normalise_label(header)
        if wanted not in labels:
            raise UnusableInput(
                f"{path}: column '{header}' (mapped to {column} in kpi.yml) not found; "
                f"the headers are: {', '.join(h for h in headers if h)}"
            )
        position = labels.index(wanted)
        positions[column] = position
        taken.add(position)
    for column in table.columns.values():
        if column.name in positions:
            continue
        for label in column.header_labels():
            free = [i for i, found in enumerate(labels) if found == label and i not in taken]
            if free:
                positions[column.name] = free[0]
                taken.add(free[0])
                break
    missing = [c for c in table.required if c not in positions]
    if missing:
        column = table.columns[missing[0]]
        known = ", ".join(f"'{h}'" for h in (column.name, *column.headers[:4]))
        raise UnusableInput(
            f"{path}: required column '{column.name}' not found (looked for {known}, ...); "
            f"map it under sources.{table.name}.columns in kpi.yml"
        )
    ignored = [h for i, h in enumerate(headers) if i not in taken and h]
    return ColumnMatch(
        positions=positions,
        headers={col: headers[pos] for col, pos in positions.items()},
        ignored=ignored,
        identifying=[h for h in ignored if looks_identifying(h)],
    )
