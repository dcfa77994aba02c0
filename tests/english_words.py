"""English words the project itself writes, to look for in a Welsh pack (issue 11).

The word list is every word of the English the pack can print (the translation catalogue's msgids, the
indicator catalogue's English titles and headlines, the workbook's words and the reasons for rejected
rows), less the words the Welsh catalogue itself uses (loanwords and names such as "data", "band",
"SHA-256": if the Welsh uses them, they are Welsh text too) and a short allow-list of proper names.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources

import yaml
from babel.messages.pofile import read_po

WORD = re.compile(r"[A-Za-zÀ-ÿŵŷŴŶ][A-Za-zÀ-ÿŵŷŴŶ'’-]*")
# Names, not words: the method's and the tools' names, the demo's synthetic authorities.
ALLOWED = {"making", "data", "count", "nhsrplotthedots", "wilson", "xmr", "dfe", "lait", "statswales", "explore",
           "education", "statistics", "python", "kpi", "synthetic", "demo", "isle", "vale", "port", "merthyr",
           "neath", "talbot", "rhondda", "cynon", "taf", "blaenau", "gwent", "glamorgan", "anglesey",
           "county"}  # the demo's own English name, "Demo County Borough Council", in the published figures
# Things that are not words at all: paths, file names, hashes, codes with underscores.
NOT_WORDS = re.compile(r"\S*[/\\_]\S*|\S+\.(?:csv|xlsx|parquet|yml|py)\b|\b[0-9a-f]{16,}\b"
                       r"|\b\d+(?:\.\w+)+")  # and version numbers: 2.9.0.post0


def _words(text: str) -> set[str]:
    return {w.lower().strip("'’-") for w in WORD.findall(NOT_WORDS.sub(" ", text)) if len(w) >= 3}


@cache
def english_words() -> frozenset[str]:
    package = resources.files("kpi")
    with package.joinpath("words/locale/cy/LC_MESSAGES/kpi.po").open("rb") as handle:
        catalogue = read_po(handle, locale="cy")
    english, welsh = set(), set()
    for message in catalogue:
        if message.id and isinstance(message.id, str):
            english |= _words(re.sub(r"\{[^}]*\}", " ", message.id))
            welsh |= _words(re.sub(r"\{[^}]*\}", " ", message.string or ""))
    indicators = yaml.safe_load(package.joinpath("catalogue/indicators.yml").read_text(encoding="utf-8"))
    for spec in indicators.values():
        english |= _words(spec["title"]["en"])
        welsh |= _words(spec["title"]["cy"])
        headline = spec.get("headline", {})
        for case in ([headline] if "en" in headline else headline.values()):
            english |= _words(re.sub(r"\{[^}]*\}", " ", case["en"]))
            welsh |= _words(re.sub(r"\{[^}]*\}", " ", case["cy"]))
    return frozenset(english - welsh - ALLOWED)


def english_in(text: str) -> set[str]:
    """The project's English words found in `text`."""
    return _words(text) & english_words()
