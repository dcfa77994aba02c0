"""The package's folders are its layers, and imports run one way: down (issue 13).

    cli
    officers        explorer, data-quality notebook, translation review
    pack            the quarterly pack: build, render, export, workbook, disclosure check, templates
    charts          SPC and comparison charts
    compare         rank and band, the indicator table with comparisons, benchmarking
    spc             XmR engine, phases of change, trends
    indicators,     catalogue, measures, indicator table, judgements, disclosure, data quality;
    engine          the SQL engine that computes the measures for every authority and period at once
    demo            the synthetic authority (uses time only)
    data            readers, parsing, schemas, ingest, processed tables, safe files
    words, config,  the pack's language and number formats; kpi.yml; the indicator catalogue
    catalogue       (what officers read and change)
    time, errors    periods and working days; the errors a user can act on; the version

A module may import from its own layer or any layer below it, never above: a test that reads every
import (module-level and inside functions) of every module of the package.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "kpi"
LAYERS = [
    {"errors", "time", "__version__"},
    {"words", "config", "catalogue"},
    {"data"},
    {"demo"},
    {"indicators", "engine"},
    {"spc"},
    {"compare"},
    {"charts"},
    {"pack"},
    {"officers"},
    {"cli"},
]


def _layer(module: str) -> int:
    """The layer of kpi.<part>... (the first part after kpi)."""
    part = module.split(".")[1] if module.count(".") else ""
    for number, parts in enumerate(LAYERS):
        if part in parts:
            return number
    raise AssertionError(f"kpi.{part} is in no layer: add it to LAYERS (and to the docstring)")


def _module_of(path: Path) -> str:
    relative = path.relative_to(PACKAGE.parent).with_suffix("")
    parts = list(relative.parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith("kpi"):
            names = [f"{node.module}.{alias.name}" for alias in node.names] if node.module == "kpi" else [node.module]
            found += [(node.lineno, name) for name in names]
        elif isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names if alias.name.startswith("kpi.")]
    return found


MODULES = sorted(p for p in PACKAGE.rglob("*.py") if p.name != "__init__.py" or p.parent != PACKAGE)


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_no_module_imports_from_a_layer_above_it(path):
    module = _module_of(path)
    own = _layer(module)
    upward = [f"line {line}: {name}" for line, name in _imports(path) if _layer(name) > own]
    assert upward == [], f"{module} (layer {own}) imports from above it"


def test_every_module_is_in_a_layer():
    for path in MODULES:
        _layer(_module_of(path))
