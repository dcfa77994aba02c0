"""The indicator catalogue (indicators.yml) as Python objects, with the officer's target overrides.

The file is checked against the schema below when it is read: a misspelt key, an unknown polarity,
unit or domain, a headline with a placeholder nothing fills in, is one line naming the file, the
indicator and the key (exit 2), never a traceback in the middle of a pack.
"""

from __future__ import annotations

import string
from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from kpi.catalogue.checked import checked, mapping, read_yaml
from kpi.errors import ConfigError

Polarity = Literal["higher_is_better", "lower_is_better", "neutral"]
Unit = Literal["count", "percent", "days", "ratio", "rate"]  # rate: per 10,000 children
Domain = Literal["front_door", "assessments", "child_protection", "looked_after", "workforce"]
DOMAINS = {
    "front_door": {"en": "Front door and contacts", "cy": "Y drws ffrynt a chysylltiadau"},
    "assessments": {"en": "Assessments", "cy": "Asesiadau"},
    "child_protection": {"en": "Child protection and strategy discussions",
                         "cy": "Amddiffyn plant a thrafodaethau strategaeth"},
    "looked_after": {"en": "Children looked after", "cy": "Plant sy'n derbyn gofal"},
    "workforce": {"en": "Caseloads and workforce", "cy": "Llwyth achosion a'r gweithlu"},
}
# What kpi.pack.headlines fills into a headline; any other {name} would fail when the pack is made.
HEADLINE_FIELDS = ("value", "number", "abs_value", "numerator", "denominator", "period", "timescale", "threshold",
                   "strategy_timescale")
CHANGE_CASES = ("rose", "fell", "same")
CATALOGUE_FILE = resources.files("kpi.catalogue").joinpath("indicators.yml")


@dataclass(frozen=True)
class Indicator:
    id: str
    title: dict[str, str]
    domain: str
    unit: Unit
    polarity: Polarity
    numerator: str
    denominator: str | None
    decimals: int
    tables: tuple[tuple[str, ...], ...]  # each entry: alternatives, any one of which will do
    chart: str = "quarterly"
    target: float | None = None
    tolerance: float | None = None
    comparator: str | None = None
    comparator_ids: tuple[str, ...] = field(default_factory=tuple)
    welsh_reviewed: bool = False
    proportion: bool | None = None  # None: true for percentages
    headline: dict[str, Any] = field(default_factory=dict)
    short_title: dict[str, str] | None = None  # for the summary table, under the section's heading

    @property
    def is_proportion(self) -> bool:
        """A share of its denominator (gets a confidence interval), unlike a change on last year."""
        return self.unit == "percent" if self.proportion is None else self.proportion

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]

    def short_title_in(self, language: str) -> str:
        """The summary table's shorter title (its row sits under the section's heading), else the title."""
        if self.short_title:
            return self.short_title.get(language) or self.short_title["en"]
        return self.title_in(language)


# --- the schema of an entry in indicators.yml ---------------------------------------------------


class Words(BaseModel):
    """A title or sentence in English and Welsh (a pack in either language needs both)."""

    model_config = ConfigDict(extra="forbid")
    en: str = Field(min_length=1)
    cy: str = Field(min_length=1)


class Entry(BaseModel):
    """What indicators.yml may say about an indicator (the comments at its top say what each key means)."""

    model_config = ConfigDict(extra="forbid")
    title: Words
    short_title: Words | None = None
    headline: dict[str, Any] = Field(default_factory=dict)
    welsh_reviewed: bool = False
    domain: Domain
    unit: Unit
    polarity: Polarity
    numerator: str = Field(min_length=1)
    denominator: str | None = None
    proportion: bool | None = None
    decimals: int = Field(ge=0, le=6)
    chart: Literal["quarterly", "monthly"] = "quarterly"
    tables: list[Any] = Field(min_length=1)
    target: int | float | None = None  # kept as written: 80 stays 80
    tolerance: int | float | None = Field(default=None, ge=0)
    comparator: str | None = None
    comparator_ids: list[str] = Field(default_factory=list)

    @field_validator("headline", mode="before")
    @classmethod
    def _headline(cls, value: Any) -> dict[str, Any]:
        if value is None:
            return {}
        if not isinstance(value, dict):
            raise ValueError("expected en: and cy: sentences, or rose:, fell: and same:, each with en: and cy:")
        if set(value) & set(CHANGE_CASES):
            if set(value) != set(CHANGE_CASES):
                raise ValueError(f"a change has a sentence for each of rose:, fell: and same: (found "
                                 f"{', '.join(map(str, value))})")
            for case in CHANGE_CASES:
                _sentences(value[case], f"{case}.")
        else:
            _sentences(value, "")
        return value

    @field_validator("tables")
    @classmethod
    def _tables(cls, value: list[Any]) -> list[Any]:
        for entry in value:
            names = entry if isinstance(entry, list) else [entry]
            if not names or not all(isinstance(name, str) and name for name in names):
                raise ValueError(f"{entry!r}: expected a table name, or a list of names any one of which will do")
        return value


def _sentences(words: Any, where: str) -> None:
    """An en: and a cy: sentence, each with only the placeholders a headline can fill in."""
    if not isinstance(words, dict) or set(words) != {"en", "cy"}:
        found = ", ".join(map(str, words)) if isinstance(words, dict) else repr(words)
        raise ValueError(f"{where}expected en: and cy: sentences (found {found})")
    for language, text in words.items():
        if not isinstance(text, str) or not text:
            raise ValueError(f"{where}{language}: expected a sentence")
        try:
            named = [name for _, name, _, _ in string.Formatter().parse(text) if name is not None]
        except ValueError as err:
            raise ValueError(f"{where}{language}: {err} (a literal brace is written {{{{ or }}}})") from None
        unknown = [name for name in named if name not in HEADLINE_FIELDS]
        if unknown:
            raise ValueError(f"{where}{language}: unknown placeholder {{{unknown[0]}}} (known: "
                             f"{', '.join('{' + f + '}' for f in HEADLINE_FIELDS)})")


def _indicator(indicator_id: Any, spec: Any, file) -> Indicator:
    if not isinstance(indicator_id, str) or not indicator_id.isidentifier() or indicator_id != indicator_id.lower():
        raise ConfigError(f"{file}: '{indicator_id}': an indicator id is lower-case letters, digits and "
                          "underscores (it is also the name of the measure in kpi/indicators/measures/)")
    entry: Entry = checked(Entry, spec, file, indicator_id)
    values = entry.model_dump()
    values["tables"] = tuple(tuple(t) if isinstance(t, list) else (t,) for t in entry.tables)
    values["comparator_ids"] = tuple(entry.comparator_ids)
    return Indicator(id=indicator_id, **values)


def read_catalogue(file=CATALOGUE_FILE) -> dict[str, Indicator]:
    """Every indicator in an indicators.yml, checked; ConfigError with one line for the first slip."""
    entries = mapping(read_yaml(file), file, "indicator ids, each with its title, unit, polarity...")
    return {indicator_id: _indicator(indicator_id, spec, file) for indicator_id, spec in entries.items()}


@cache
def _builtin() -> dict[str, Indicator]:
    return read_catalogue(CATALOGUE_FILE)


def catalogue(targets: dict | None = None) -> dict[str, Indicator]:
    """Every indicator, with targets and tolerances from kpi.yml where the officer set them."""
    indicators = dict(_builtin())
    for indicator_id, override in (targets or {}).items():
        if indicator_id not in indicators:
            raise ConfigError(f"targets: unknown indicator '{indicator_id}' (see `kpi indicators --list`)")
        changes = {k: v for k, v in dict(override).items() if v is not None}
        indicators[indicator_id] = replace(indicators[indicator_id], **changes)
    return indicators


def catalogue_for(config) -> dict[str, Indicator]:
    """The catalogue with the officer's targets from kpi.yml (`config`: a kpi.config.Config)."""
    return catalogue(config.targets)
