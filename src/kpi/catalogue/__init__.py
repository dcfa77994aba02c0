"""The indicator catalogue (indicators.yml) as Python objects, with the officer's target overrides."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import cache
from importlib import resources
from typing import Literal

import yaml

Polarity = Literal["higher_is_better", "lower_is_better", "neutral"]
DOMAINS = {
    "front_door": {"en": "Front door and contacts", "cy": "Y drws ffrynt a chysylltiadau"},
    "assessments": {"en": "Assessments", "cy": "Asesiadau"},
    "workforce": {"en": "Caseloads and workforce", "cy": "Llwyth achosion a'r gweithlu"},
}


@dataclass(frozen=True)
class Indicator:
    id: str
    title: dict[str, str]
    domain: str
    unit: Literal["count", "percent", "days", "ratio"]
    polarity: Polarity
    numerator: str
    denominator: str | None
    decimals: int
    frequency: str
    tables: tuple[tuple[str, ...], ...]  # each entry: alternatives, any one of which will do
    chart: str = "quarterly"
    target: float | None = None
    tolerance: float | None = None
    comparator: str | None = None
    comparator_ids: tuple[str, ...] = field(default_factory=tuple)
    welsh_reviewed: bool = False
    proportion: bool | None = None  # None: true for percentages
    headline: dict[str, str] = field(default_factory=dict)

    @property
    def is_proportion(self) -> bool:
        """A share of its denominator (gets a confidence interval), unlike a change on last year."""
        return self.unit == "percent" if self.proportion is None else self.proportion

    def title_in(self, language: str) -> str:
        return self.title.get(language) or self.title["en"]


def _tables(spec: list) -> tuple[tuple[str, ...], ...]:
    return tuple(tuple(entry) if isinstance(entry, list) else (entry,) for entry in spec)


@cache
def _builtin() -> dict[str, Indicator]:
    text = resources.files("kpi.catalogue").joinpath("indicators.yml").read_text(encoding="utf-8")
    catalogue = {}
    for indicator_id, spec in yaml.safe_load(text).items():
        spec = dict(spec)
        spec["tables"] = _tables(spec["tables"])
        spec["comparator_ids"] = tuple(spec.get("comparator_ids", ()))
        catalogue[indicator_id] = Indicator(id=indicator_id, **spec)
    return catalogue


def catalogue(targets: dict | None = None) -> dict[str, Indicator]:
    """Every indicator, with targets and tolerances from kpi.yml where the officer set them."""
    indicators = dict(_builtin())
    for indicator_id, override in (targets or {}).items():
        if indicator_id not in indicators:
            from kpi.errors import ConfigError

            raise ConfigError(f"targets: unknown indicator '{indicator_id}' (see `kpi indicators --list`)")
        changes = {k: v for k, v in dict(override).items() if v is not None}
        indicators[indicator_id] = replace(indicators[indicator_id], **changes)
    return indicators


def catalogue_for(config) -> dict[str, Indicator]:
    """The catalogue with the officer's targets from kpi.yml (`config`: a kpi.config.Config)."""
    return catalogue(config.targets)
