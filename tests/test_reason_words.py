"""Every reason code the ingest can give a rejected row has plain words in reasons.yml.

The codes are found in the code base itself, so a new check with a new code fails here until its
words are written: the literal codes of every `problems_frame(...)` call, the code each column type's
parser reports, the code of every check the schemas build, and the fallback for a check with none.
"""

from __future__ import annotations

import ast
import datetime as dt
from pathlib import Path

import pandas as pd

import kpi
from kpi.data import loading, provenance
from kpi.data.schemas import build_schema
from kpi.data.tables import TABLE_NAMES, table

PACKAGE = Path(kpi.__file__).parent


def _modules() -> list[ast.Module]:
    return [ast.parse(path.read_text(encoding="utf-8")) for path in sorted(PACKAGE.rglob("*.py"))]


def _called(node: ast.Call) -> str:
    function = node.func
    return function.attr if isinstance(function, ast.Attribute) else getattr(function, "id", "")


def _text(node: ast.AST | None) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def codes_given_to_problems_frame() -> set[str]:
    """problems_frame(rows, column, reason, code): every code written out where a problem is found."""
    found = set()
    for module in _modules():
        for node in ast.walk(module):
            if isinstance(node, ast.Call) and _called(node) == "problems_frame":
                given = node.args[3] if len(node.args) > 3 else next(
                    (k.value for k in node.keywords if k.arg == "code"), None)
                if _text(given):
                    found.add(_text(given))
    return found


def codes_of_schema_fallbacks() -> set[str]:
    """`....map(codes).fillna("<code>")`: the code of a schema check that has none of its own."""
    found = set()
    for module in _modules():
        for node in ast.walk(module):
            if (isinstance(node, ast.Call) and _called(node) == "fillna" and node.args and _text(node.args[0])
                    and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Call)
                    and _called(node.func.value) == "map"
                    and any(isinstance(a, ast.Name) and a.id == "codes" for a in node.func.value.args)):
                found.add(_text(node.args[0]))
    return found


def codes_of_parsers() -> set[str]:
    """The code each column's parser reports for a cell it cannot read, over every canonical column."""
    found = set()
    unreadable = pd.Series(["not a value ?!"], dtype=object)
    for name in TABLE_NAMES:
        for column in table(name).columns.values():
            _, _, reason_code = loading.parse_column(column, unreadable, None)
            if reason_code:
                found.add(reason_code)
    return found


def codes_of_schemas() -> set[str]:
    found = set()
    for name in TABLE_NAMES:
        _, codes = build_schema(table(name), earliest=dt.date(2000, 1, 1), latest=dt.date(2030, 1, 1))
        found |= set(codes.values())
    return found


def every_code() -> set[str]:
    sources = {"problems_frame": codes_given_to_problems_frame(), "fallback": codes_of_schema_fallbacks(),
               "parsers": codes_of_parsers(), "schemas": codes_of_schemas()}
    for where, codes in sources.items():
        assert codes, f"no reason codes found in {where}: has the code moved? (fix this test's search)"
    return set().union(*sources.values())


def test_every_code_the_ingest_can_give_has_plain_words():
    missing = sorted(every_code() - set(provenance.reason_words()))
    assert not missing, f"add plain words to src/kpi/data/reasons.yml for: {', '.join(missing)}"


def test_reasons_yml_has_no_words_for_codes_the_ingest_never_gives():
    stale = sorted(set(provenance.reason_words()) - every_code())
    assert not stale, f"src/kpi/data/reasons.yml has words for codes nothing gives: {', '.join(stale)}"


def test_no_code_is_shown_as_a_code():
    for reason_code in every_code():
        words = provenance.reasons_in_words({reason_code: 2})
        assert reason_code not in words and "_" not in words, words
