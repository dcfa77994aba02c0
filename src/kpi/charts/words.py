"""Every word a chart shows, through one translation function, and every number through one formatter.

The pack passes its `kpi.words.text.Text` (the gettext catalogue, locale/cy/LC_MESSAGES/kpi.po); any callable
`translate(msgid, **values) -> str` will do (tests pass one that marks what it translated). The English msgid is
the English text. Periods are written by `kpi.time.periods.label` and numbers by `kpi.words.formatting.format_value`, both
in the chart's language, so that nothing here is a word list of its own.

Periods in running text come in three forms with their own msgids ("in {period}", "in {month}", "at point {n}")
so that Welsh can write "yn Ch2 2026-27" but "ym mis Medi 2026".
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kpi.time import periods as fp
from kpi.words.formatting import format_value

Translate = Callable[..., str]  # translate(msgid, **values) -> the text in the chart's language
LANGUAGES = ("en", "cy")


def english(message: str, **values: Any) -> str:
    """The identity translation: the msgid is the English."""
    return message.format(**values) if values else message


@dataclass(frozen=True)
class ChartWords:
    """A translation function and the language it writes, with the chart's ways of saying periods and values."""

    translate: Translate = english
    language: str = "en"

    def __call__(self, message: str, **values: Any) -> str:
        return self.translate(message, **values)

    def value(self, value: float, unit: str, decimals: int) -> str:
        """The one place a chart formats a number: the pack's rounding and unit, in the chart's language."""
        return format_value(value, unit, decimals, self.language)

    def period(self, period: Any) -> str:
        """A tick label or a date in text: '2019-20 Q4' / 'Ch4 2019-20', 'Sept 2026' / 'Medi 2026'."""
        if isinstance(period, fp.AnyPeriod):
            return fp.label(period, self.language)
        if isinstance(period, str):
            try:
                return fp.label(fp.parse_period(period), self.language)
            except fp.PeriodError:
                return period
        if isinstance(period, (int, np.integer)):  # a chart without periods: points are numbered from 1
            return self("point {n}", n=int(period) + 1)
        if isinstance(period, pd.Timestamp):
            from babel.dates import format_date

            return format_date(period.date(), "d MMM y", locale="cy" if self.language == "cy" else "en_GB")
        return str(period)

    def _kind(self, period: Any) -> str:
        if isinstance(period, (int, np.integer)):
            return "point"
        if isinstance(period, fp.AnyPeriod) and fp.kind(period) == "month":
            return "month"
        return "period"

    def at(self, period: Any) -> str:
        """'in 2019-20 Q4', 'in Sept 2026', 'at point 4'."""
        kind = self._kind(period)
        if kind == "point":
            return self("at point {n}", n=int(period) + 1)
        if kind == "month":
            return self("in {month}", month=self.period(period))
        return self("in {period}", period=self.period(period))

    def since(self, period: Any) -> str:
        """'since 2018-19 Q1', 'since Sept 2026', 'since point 4'."""
        kind = self._kind(period)
        if kind == "point":
            return self("since point {n}", n=int(period) + 1)
        if kind == "month":
            return self("since {month}", month=self.period(period))
        return self("since {period}", period=self.period(period))

    def span(self, first: Any, last: Any) -> str:
        """'from 2016-17 Q1 to 2019-20 Q4' (one msgid: Welsh may write it with a dash, so that nothing mutates)."""
        return self("from {first} to {last}", first=self.period(first), last=self.period(last))

    def at_or_span(self, first: Any, last: Any) -> str:
        return self.at(first) if first == last else self.span(first, last)


def chart_words(text: Translate | ChartWords | None = None, language: str | None = None) -> ChartWords:
    """The chart's words from the pack's `Text` (its language is used), any translate function (with `language`),
    or, with neither, English, or the catalogue's translation for another `language`."""
    if isinstance(text, ChartWords):
        return text
    language = getattr(text, "language", None) or language or "en"
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {list(LANGUAGES)}, not {language!r}")
    if text is None:
        if language == "en":
            return ChartWords(english, "en")
        from kpi.words.text import Text

        text = Text(language)
    return ChartWords(text, language)
