"""Catalogue files (YAML) read against a schema, so that a slip is one line naming the file, the entry
and the key, never a traceback later on and never an entry silently ignored.

The catalogues (indicators.yml; tables.yml and categories.yml in kpi.data) are data that people edit by
hand. YAML alone would keep the last of two keys of the same name and turn an unquoted `no` into false;
both are refused here too.
"""

from __future__ import annotations

import difflib
from pathlib import Path
from typing import Any, get_args

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from kpi.errors import ConfigError


class _OneKeyOnce(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    """A YAML loader that refuses a key given twice in one mapping (plain YAML keeps the last one); libyaml's
    parser where PyYAML has it (several times faster on the catalogues every command reads)."""

    def construct_mapping(self, node, deep=False):
        seen = set()
        for key_node, _ in node.value:
            key = self.construct_object(key_node, deep=True)
            try:
                repeated = key in seen
            except TypeError:  # an unhashable key: the constructor below says so
                continue
            if repeated:
                raise yaml.constructor.ConstructorError(
                    None, None, f"key '{key}' appears twice in one entry", key_node.start_mark)
            seen.add(key)
        return super().construct_mapping(node, deep)


def read_yaml(file: Path | Any) -> Any:
    """A catalogue file's contents (`file`: a path or a package resource), or ConfigError with the line."""
    text = file.read_text(encoding="utf-8")
    try:
        return yaml.load(text, Loader=_OneKeyOnce)  # noqa: S506 (a SafeLoader)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}:{_entry_at(text, mark.line)}" if mark else ""
        raise ConfigError(f"{file}:{where} {getattr(err, 'problem', None) or err}") from None


def _entry_at(text: str, line: int) -> str:
    """' <entry>:' for the top-level entry that a line of a catalogue belongs to ('' above the first)."""
    for above in reversed(text.splitlines()[: line + 1]):
        if above[:1] not in ("", " ", "#", "\t") and ":" in above:
            return f" {above.split(':', 1)[0].strip()}:"
    return ""


def mapping(data: Any, file: Path | Any, what: str) -> dict:
    """The top level of a catalogue: a mapping of entries, else ConfigError naming what it should hold."""
    if not isinstance(data, dict) or not data:
        raise ConfigError(f"{file}: expected {what} at the top level")
    return data


def checked(kind: Any, data: Any, file: Path | Any, entry: str) -> Any:
    """`data` validated as `kind` (a pydantic model or a type), or ConfigError: the file, the entry, the key."""
    try:
        return TypeAdapter(kind).validate_python(data)
    except ValidationError as err:
        errors = err.errors()
        # A misspelt key is also a missing one: name the misspelling, and the key it was meant to be.
        first = min(errors, key=lambda e: e["type"] != "extra_forbidden")
        missing = [e["loc"][-1] for e in errors if e["type"] == "missing" and e["loc"][:-1] == first["loc"][:-1]]
        raise ConfigError(problem_line(file, entry, first, [*missing, *sorted(_keys_of(kind))])) from None


def _keys_of(kind: Any, seen: set | None = None) -> set[str]:
    """Every key the schema `kind` knows, at any depth (to suggest the one a misspelt key was meant to be)."""
    seen = set() if seen is None else seen
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        if kind in seen:
            return set()
        seen.add(kind)
        return set(kind.model_fields).union(*(_keys_of(f.annotation, seen) for f in kind.model_fields.values()))
    return set().union(*(_keys_of(arg, seen) for arg in get_args(kind)))


def problem_line(file: Path | Any, entry: str, error: dict[str, Any], meant: list[str] = ()) -> str:
    """One pydantic error as '<file>: <entry and the path to the key>: <what is wrong with the key>'."""
    loc = list(error["loc"])
    if error["type"] == "value_error" or not loc:  # a rule about the entry as a whole: its message names the key
        return f"{file}: {_path(entry, loc)}: {_message(error)}"
    where, key = _path(entry, loc[:-1]), loc[-1]
    if isinstance(key, int):
        return f"{file}: {where}[{key}]: {_message(error)}"
    if error["type"] == "extra_forbidden":
        close = difflib.get_close_matches(str(key), [str(m) for m in meant], n=1)
        hint = f"did you mean '{close[0]}'?" if close else "check the spelling; the keys are listed at the top of the file"
        return f"{file}: {where}: unknown key '{key}' ({hint})"
    if error["type"] == "missing":
        return f"{file}: {where}: missing key '{key}'"
    return f"{file}: {where}: {key}: {_message(error)}"


def _path(entry: str, loc: list) -> str:
    return entry + "".join(f"[{part}]" if isinstance(part, int) else f".{part}" for part in loc)


def _message(error: dict[str, Any]) -> str:
    if error["type"] == "literal_error":
        return f"'{error['input']}' is not one of {error['ctx']['expected']}"
    if error["type"] == "value_error":
        return str(error["ctx"]["error"])
    if isinstance(error["input"], bool):
        return (f"{error['msg']} (found {error['input']}: YAML reads an unquoted yes, no, on or off as true or "
                "false, so put the word in quotes)")
    return f"{error['msg']} (found {error['input']!r})"
