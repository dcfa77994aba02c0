"""The pack's words in English or Welsh.

Welsh text lives in a standard gettext catalogue (locale/cy/LC_MESSAGES/kpi.po) that translators
can open in any .po editor. An entry marked `fuzzy` has not been checked by a Welsh speaker yet:
it is still used, but the pack says that some of its Welsh needs review (Welsh Language Standards).
Dates are written by babel in the pack's language.
"""

from __future__ import annotations

import datetime as dt
from functools import cache
from importlib import resources

from babel.dates import format_date
from babel.messages.pofile import read_po

LANGUAGES = ("en", "cy")


@cache
def _catalogue(language: str) -> dict[str, tuple[str, bool]]:
    """msgid -> (translation, needs review) for a language other than English."""
    path = resources.files("kpi.words").joinpath(f"locale/{language}/LC_MESSAGES/kpi.po")
    with path.open("rb") as handle:
        catalogue = read_po(handle, locale=language)
    return {m.id: (m.string, m.fuzzy) for m in catalogue if m.id and m.string}


class Text:
    """`text("Summary")` -> 'Crynodeb' in a Welsh pack; remembers any unreviewed Welsh it used."""

    def __init__(self, language: str = "en"):
        if language not in LANGUAGES:
            from kpi.errors import UnusableInput

            raise UnusableInput(f"language '{language}' is not available (choose from: {', '.join(LANGUAGES)})")
        self.language = language
        self.unreviewed: set[str] = set()
        self.missing: set[str] = set()  # no translation at all: English stands in

    def __call__(self, message: str, **values) -> str:
        if self.language != "en":
            translation, fuzzy = _catalogue(self.language).get(message, (None, True))
            if translation is None:
                self.missing.add(message)  # no Welsh yet: English stands in, and is flagged
                self.unreviewed.add(message)
            else:
                if fuzzy:
                    self.unreviewed.add(message)
                message = translation
        return message.format(**values) if values else message

    def date(self, day: dt.date) -> str:
        """22 November 2026 / 22 Tachwedd 2026."""
        return format_date(day, "d MMMM y", locale="cy" if self.language == "cy" else "en_GB")

    def short_day(self, day: dt.date) -> str:
        """'Sat 19' / 'Sad 19': a day of a week, short enough for a column heading."""
        return format_date(day, "EEE d", locale="cy" if self.language == "cy" else "en_GB")

    @property
    def needs_review(self) -> bool:
        return bool(self.unreviewed)


def language_needs_review(language: str) -> bool:
    """True while any of a language's text (messages or indicator titles) is unchecked."""
    if language == "en":
        return False
    from kpi.catalogue import catalogue

    fuzzy = any(needs for _, needs in _catalogue(language).values())
    return fuzzy or not all(indicator.welsh_reviewed for indicator in catalogue().values())


