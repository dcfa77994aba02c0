"""The Welsh glossary (words/locale/glossary.yml): one Welsh word for each term of the domain, and Welsh
to avoid. `Glossary.problems` says where a translation strays from it; the tests hold the whole Welsh
catalogue to it and `kpi translations` shows it to the council's translation unit."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from pathlib import Path

import yaml

_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")


def glossary_path() -> Path:
    return Path(str(resources.files("kpi").joinpath("words/locale/glossary.yml")))


def _whole(term: str, match_case: bool = False) -> re.Pattern:
    """A term as a whole word: not inside another word, nor joined to one by a hyphen (so 'referral'
    is not found in 're-referral', nor 'atgyfeiriad' in 'ail-atgyfeiriad')."""
    return re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", 0 if match_case else re.IGNORECASE)


def _plain(text: str) -> str:
    """Text to search: curly apostrophes straightened, {placeholders} out (a {period} is not a period)."""
    return _PLACEHOLDER.sub(" ", text.replace("\u2019", "'"))


@dataclass(frozen=True)
class Term:
    en: tuple[str, ...]  # the term first, then its other forms (plurals)
    cy: tuple[str, ...]  # the Welsh term first, then its forms and the mutated forms listed
    notes: str = ""

    @cached_property
    def _english(self) -> tuple[re.Pattern, ...]:
        return tuple(_whole(form) for form in self.en)

    @cached_property
    def _welsh(self) -> tuple[re.Pattern, ...]:
        return tuple(_whole(form) for form in self.cy)

    def problem(self, english: str, welsh: str) -> str | None:
        if any(p.search(english) for p in self._english) and not any(p.search(welsh) for p in self._welsh):
            return f"'{self.en[0]}' is '{self.cy[0]}' (or a form the glossary lists)"
        return None

    def without(self, english: str) -> str:
        """`english` with this term's every use blanked out."""
        for pattern in self._english:
            english = pattern.sub(" ", english)
        return english


@dataclass(frozen=True)
class Forbidden:
    cy: str
    use: str
    reason: str
    when_en: str | None = None
    match_case: bool = False

    def problem(self, english: str, welsh: str) -> str | None:
        if self.when_en and not _whole(self.when_en, self.match_case).search(english):
            return None
        if _whole(self.cy, self.match_case).search(welsh):
            return f"not '{self.cy}' but '{self.use}'"
        return None


@dataclass(frozen=True)
class Glossary:
    terms: tuple[Term, ...]
    forbidden: tuple[Forbidden, ...] = field(default_factory=tuple)

    @classmethod
    def load(cls, path: Path | None = None) -> Glossary:
        spec = yaml.safe_load((path or glossary_path()).read_text(encoding="utf-8"))
        terms = tuple(Term(en=(t["en"], *t.get("en_forms", ())), cy=(t["cy"], *t.get("cy_forms", ()),
                                                                      *t.get("mutations", ())),
                           notes=t.get("notes", "")) for t in spec["terms"])
        return cls(terms, tuple(Forbidden(**f) for f in spec.get("forbidden", ())))

    def problems(self, english: str, welsh: str) -> list[str]:
        """Where a Welsh translation of `english` strays from the glossary (empty when it does not)."""
        english, welsh = _plain(english), _plain(welsh)
        found, left = [], english
        # Longest terms first; a term found is then taken out, so that 'child' inside 'child protection
        # register' is that term's word, not one of its own (the register is 'cofrestr amddiffyn plant').
        for term in sorted(self.terms, key=lambda t: -len(t.en[0])):
            found.append(term.problem(left, welsh))
            left = term.without(left)
        found += [f.problem(english, welsh) for f in self.forbidden]
        return [p for p in found if p]
