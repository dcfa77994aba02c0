"""The canonical tables, read from the data dictionary `tables.yml` and `categories.yml`.

Keeping the definitions as data means an officer can read exactly what each column must hold,
and a new synonym is a one-line change rather than a code change. Both files are checked when read
(an unknown key, type or value is one line naming the file, the entry and the key), and against each
other: every synonym maps to a value its column allows, and every allowed value has its entry.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, StrictStr, model_validator

from kpi.catalogue.checked import checked, mapping, read_yaml
from kpi.errors import ConfigError

TABLE_NAMES = ("contacts", "contact_counts", "assessments", "caseloads", "child_protection", "strategy_discussions",
               "looked_after", "allocations", "establishment", "comparators")

AUTHORITY = "authority"  # the column that says which council a row of multi-authority data belongs to

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


ColumnType = Literal["id", "person_id", "text", "datetime", "date", "month", "period", "bool", "category", "number",
                     "count"]
DATE_TYPES = ("datetime", "date", "month")
LIMITED_TYPES = ("number", "count")  # the types that may have min and max
FROM_OUTCOME = "from_outcome"  # a strategy discussion is assumed where the outcome says so


class _Entry(BaseModel):
    """An entry of the data dictionary: a key it does not know is refused, never ignored."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class Column(_Entry):
    name: str
    type: ColumnType
    required: bool = False
    default: Any = None
    values: tuple[StrictStr, ...] = ()
    headers: tuple[StrictStr, ...] = ()
    min: float | None = None
    min_exclusive: float | None = None
    max: float | None = None
    symbols: bool = False  # published symbols ('c', 'x', '*') mean "no value" and are kept in `note`

    def header_labels(self) -> list[str]:
        """Every normalised header this column is known by, its own name first."""
        return [normalise_label(self.name)] + [normalise_label(h) for h in self.headers]

    @model_validator(mode="after")
    def _fits_its_type(self) -> Column:
        """Keys that only mean something for some types are refused on the others (they would do nothing)."""
        if self.type == "category" and not self.values:
            raise ValueError("values: a category column lists the values it allows")
        if self.values and self.type != "category":
            raise ValueError(f"values: only a category column has values (this one is {self.type})")
        limits = [k for k in ("min", "min_exclusive", "max") if getattr(self, k) is not None]
        if limits and self.type not in LIMITED_TYPES:
            raise ValueError(f"{limits[0]}: only a number or count column has limits (this one is {self.type})")
        if self.symbols and self.type != "number":
            raise ValueError(f"symbols: only a number column can hold published symbols (this one is {self.type})")
        if self.default is not None:
            _check_default(self)
        return self


def _check_default(column: Column) -> None:
    if column.required:
        raise ValueError("default: a required column never uses a default (every row must have a value)")
    fits = {
        "category": lambda v: v in column.values,
        "bool": lambda v: isinstance(v, bool) or v == FROM_OUTCOME,
        "number": lambda v: isinstance(v, (int, float)) and not isinstance(v, bool),
        "count": lambda v: isinstance(v, int) and not isinstance(v, bool) and v >= 0,
        "text": lambda v: isinstance(v, str),
    }.get(column.type)
    if fits is None:
        raise ValueError(f"default: a {column.type} column has no default")
    if not fits(column.default):
        allowed = {"category": "one of: " + ", ".join(column.values), "bool": f"true, false or {FROM_OUTCOME}",
                   "number": "a number", "count": "a whole number from 0", "text": "text"}[column.type]
        raise ValueError(f"default: '{column.default}' is not {allowed}")


class Check(_Entry):
    check: Literal["not_before", "at_least"]  # not_before: two dates in order; at_least: two numbers
    column: str
    other: str
    reason: str = Field(min_length=1)


class Table(_Entry):
    name: str
    description: str = Field(min_length=1)
    columns: dict[str, Column] = Field(min_length=1)
    id: str | None = None
    key: tuple[str, ...] = ()
    checks: tuple[Check, ...] = ()

    @property
    def required(self) -> list[str]:
        return [c.name for c in self.columns.values() if c.required]

    @property
    def identity(self) -> tuple[str, ...]:
        """The columns that say which record a row is: the id, else the key."""
        return (self.id,) if self.id else self.key

    @property
    def identity_in_authority(self) -> tuple[str, ...]:
        """The identity as repeated and conflicting rows are judged. In data from several authorities an id is
        unique within its authority only, so a table with an `authority` column puts it first; rows without
        an authority are judged together, as the rows of a single authority's extract are."""
        if AUTHORITY in self.columns and AUTHORITY not in self.identity:
            return (AUTHORITY, *self.identity)
        return self.identity

    @model_validator(mode="before")
    @classmethod
    def _name_the_columns(cls, data: Any) -> Any:
        """A column is named by its key in tables.yml."""
        if isinstance(data, dict) and isinstance(data.get("columns"), dict):
            columns = {name: {"name": name, **spec} if isinstance(spec, dict) and "name" not in spec else spec
                       for name, spec in data["columns"].items()}
            data = {**data, "columns": columns}
        return data

    @model_validator(mode="after")
    def _names_its_own_columns(self) -> Table:
        """The id, the key and the checks name columns of this table (of the right type)."""
        for name, column in self.columns.items():
            if column.name != name:
                raise ValueError(f"columns.{name}: unknown key 'name' (a column is named by its key)")
        if self.id is not None and self.id not in self.columns:
            raise ValueError(f"id: '{self.id}' is not a column of {self.name}")
        if self.id is not None and self.columns[self.id].type != "id":
            raise ValueError(f"id: '{self.id}' is a {self.columns[self.id].type} column, not an id")
        for name in self.key:
            if name not in self.columns:
                raise ValueError(f"key: '{name}' is not a column of {self.name}")
        for number, check in enumerate(self.checks):
            types, kind = (DATE_TYPES, "date") if check.check == "not_before" else (LIMITED_TYPES, "number")
            for name in (check.column, check.other):
                column = self.columns.get(name)
                if column is None or column.type not in types:
                    raise ValueError(f"checks[{number}]: '{name}' is not a {kind} column of {self.name}")
        return self


TABLES_FILE = resources.files("kpi.data").joinpath("tables.yml")
CATEGORIES_FILE = resources.files("kpi.data").joinpath("categories.yml")


def read_tables(file=TABLES_FILE) -> dict[str, Table]:
    """Every canonical table in a tables.yml, checked; ConfigError with one line for the first slip."""
    specs = mapping(read_yaml(file), file, f"the tables {', '.join(TABLE_NAMES)}")
    unknown = [name for name in specs if name not in TABLE_NAMES]
    if unknown:
        raise ConfigError(f"{file}: '{unknown[0]}': unknown table (the tables are: {', '.join(TABLE_NAMES)})")
    missing = [name for name in TABLE_NAMES if name not in specs]
    if missing:
        raise ConfigError(f"{file}: missing table '{missing[0]}'")
    tables = {}
    for name, spec in specs.items():
        spec = {"name": name, **spec} if isinstance(spec, dict) else spec
        tables[name] = checked(Table, spec, file, name)
    return tables


@cache
def _dictionary() -> tuple[dict[str, Table], dict[str, dict[str, str]]]:
    """tables.yml and categories.yml, read and checked together (whichever is asked for first)."""
    tables = read_tables(TABLES_FILE)
    return tables, read_categories(CATEGORIES_FILE, tables)


def load_tables() -> dict[str, Table]:
    """All canonical tables from tables.yml."""
    return _dictionary()[0]


def table(name: str) -> Table:
    return load_tables()[name]


def read_categories(file=CATEGORIES_FILE, tables: dict[str, Table] | None = None) -> dict[str, dict[str, str]]:
    """Synonyms from a categories.yml, checked against the tables: column -> {normalised word: value}.

    Every value a synonym maps to must be one that tables.yml allows for that column, and every value
    tables.yml allows must have its entry: renaming a value on one side only is one line naming it,
    not thousands of rows rejected in silence."""
    tables = load_tables() if tables is None else tables
    allowed = _category_columns(tables)
    sections = mapping(read_yaml(file), file, "category columns, each with its values and their synonyms")
    synonyms = {}
    for column, values in sections.items():
        if column not in allowed:
            raise ConfigError(f"{file}: '{column}': not a category column in tables.yml (those are: "
                              f"{', '.join(allowed)})")
        values = checked(dict[str, list[StrictStr] | None], values, file, column)
        synonyms[column] = _words(file, column, values, allowed[column])
    return synonyms


def _category_columns(tables: dict[str, Table]) -> dict[str, list[tuple[str, Column]]]:
    """Each category column's name, with every table that has it (source is in two)."""
    found: dict[str, list[tuple[str, Column]]] = {}
    for table in tables.values():
        for column in table.columns.values():
            if column.type == "category":
                found.setdefault(column.name, []).append((table.name, column))
    return found


def _words(file, column: str, values: dict[str, list[str] | None], uses: list[tuple[str, Column]]) -> dict[str, str]:
    for table_name, spec in uses:
        for value in values:
            if value not in spec.values:
                raise ConfigError(f"{file}: {column}: '{value}' is not a value tables.yml allows for "
                                  f"{table_name}.{column} (those are: {', '.join(spec.values)})")
        for value in spec.values:
            if value not in values:
                raise ConfigError(f"{file}: {column}: no entry for '{value}', which tables.yml allows for "
                                  f"{table_name}.{column} (add `{value}: []` if it has no other words)")
    words: dict[str, str] = {}
    for canonical, alternatives in values.items():
        for word in [canonical, *(alternatives or ())]:
            label = normalise_label(word)
            if words.get(label, canonical) != canonical:
                raise ConfigError(f"{file}: {column}.{canonical}: '{word}' is also a word for '{words[label]}' "
                                  "(a word can mean one value only)")
            words[label] = canonical
    return words


def category_synonyms() -> dict[str, dict[str, str]]:
    """Built-in synonyms: column -> {normalised word: canonical value}."""
    return _dictionary()[1]
