"""The canonical tables, read from the data dictionary `tables.yml` and `categories.yml`.

Keeping the definitions as data means an officer can read exactly what each column must hold,
and a new synonym is a one-line change rather than a code change.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import yaml

TABLE_NAMES = ("contacts", "contact_counts", "assessments", "caseloads", "comparators")

# Columns that identify a person. They are never loaded, even when an extract carries them;
# the ingest report lists them so an officer can ask for a leaner extract.
IDENTIFYING_HEADER_WORDS = (
    "name", "forename", "surname", "firstname", "lastname", "dob", "dateofbirth", "birth",
    "address", "postcode", "nhsnumber", "nhsno", "nino", "nationalinsurance", "upn", "phone",
    "telephone", "mobile", "email",
)


def normalise_label(text: Any) -> str:
    """A header or category value without case, spaces or punctuation: 'Contact  ID' -> 'contactid'."""
    return re.sub(r"[^0-9a-z]", "", str(text).casefold())


def looks_identifying(header: str) -> bool:
    """True for headers such as 'Child Name', 'DOB' or 'NHS Number' (never loaded)."""
    label = normalise_label(header)
    if label in {"teamname", "areaname", "laname", "authorityname", "regionname"}:
        return False
    return any(word in label for word in IDENTIFYING_HEADER_WORDS)


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    required: bool = False
    default: Any = None
    values: tuple[str, ...] = ()
    headers: tuple[str, ...] = ()
    min: float | None = None
    min_exclusive: float | None = None
    max: float | None = None
    symbols: bool = False  # published symbols ('c', 'x', '*') mean "no value" and are kept in `note`

    def header_labels(self) -> list[str]:
        """Every normalised header this column is known by, its own name first."""
        return [normalise_label(self.name)] + [normalise_label(h) for h in self.headers]


@dataclass(frozen=True)
class Check:
    check: str
    column: str
    other: str
    reason: str


@dataclass(frozen=True)
class Table:
    name: str
    description: str
    columns: dict[str, Column]
    id: str | None = None
    key: tuple[str, ...] = ()
    checks: tuple[Check, ...] = field(default_factory=tuple)

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.required]

    @property
    def identity(self) -> tuple[str, ...]:
        """The columns that say which record a row is: the id, else the key."""
        return (self.id,) if self.id else self.key


def _read_yaml(name: str) -> dict[str, Any]:
    return yaml.safe_load(resources.files("kpi.data").joinpath(name).read_text(encoding="utf-8"))


@cache
def load_tables() -> dict[str, Table]:
    """All canonical tables from tables.yml."""
    tables = {}
    for name, spec in _read_yaml("tables.yml").items():
        columns = {}
        for col_name, col in spec["columns"].items():
            col = dict(col)
            col["values"] = tuple(col.get("values", ()))
            col["headers"] = tuple(col.get("headers", ()))
            columns[col_name] = Column(name=col_name, **col)
        checks = tuple(Check(**c) for c in spec.get("checks", ()))
        tables[name] = Table(
            name=name,
            description=spec["description"],
            columns=columns,
            id=spec.get("id"),
            key=tuple(spec.get("key", ())),
            checks=checks,
        )
    return tables


def table(name: str) -> Table:
    return load_tables()[name]


@cache
def category_synonyms() -> dict[str, dict[str, str]]:
    """Built-in synonyms: column -> {normalised word: canonical value}."""
    synonyms: dict[str, dict[str, str]] = {}
    for column, values in _read_yaml("categories.yml").items():
        words: dict[str, str] = {}
        for canonical, alternatives in values.items():
            words[normalise_label(canonical)] = canonical
            for word in alternatives:
                words[normalise_label(word)] = canonical
        synonyms[column] = words
    return synonyms
