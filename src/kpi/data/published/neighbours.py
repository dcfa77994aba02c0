"""The DfE statistical neighbours model: each English authority's 10 closest authorities.

The wide file (sn_model_2025_wide.csv) has one row per authority: `old_la_code` (the DfE LA number),
`la_name`, `region_name`, then `SN_1` ... `SN_10` (the neighbours' LA numbers, closest first) and
`SN_1P` ... `SN_10P` (how close: Extremely close ... Not close). Name it in kpi.yml as
`authority.neighbours_file`; `kpi.compare.areas.area_for` reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from kpi.errors import UnusableInput
from kpi.data.tables import normalise_label

_NEIGHBOUR = re.compile(r"^SN_?(\d+)$", re.IGNORECASE)
_CLOSENESS = re.compile(r"^SN_?(\d+)P$", re.IGNORECASE)


@dataclass(frozen=True)
class Neighbours:
    code: str  # the authority's DfE LA number
    name: str
    region: str | None
    neighbours: tuple[str, ...]  # closest first
    closeness: tuple[str, ...]


def read_model(path: Path) -> pd.DataFrame:
    """The model as a long table: code, name, region, rank (1 = closest), neighbour, closeness."""
    if not path.is_file():
        raise UnusableInput(f"{path}: statistical neighbours file not found (authority.neighbours_file)")
    wide = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    wide.columns = [c.strip() for c in wide.columns]
    for needed in ("old_la_code", "la_name"):
        if needed not in wide:
            raise UnusableInput(f"{path}: not a statistical neighbours model (no column '{needed}'; expected "
                                "old_la_code, la_name, region_name, SN_1 ... SN_10)")
    ranks = {c: int(_NEIGHBOUR.match(c)[1]) for c in wide.columns if _NEIGHBOUR.match(c)}
    if not ranks:
        raise UnusableInput(f"{path}: no neighbour columns (SN_1 ... SN_10) found")
    ids = ["old_la_code", "la_name"] + (["region_name"] if "region_name" in wide else [])
    long = wide.melt(id_vars=ids, value_vars=list(ranks), var_name="column", value_name="neighbour")
    long["rank"] = long["column"].map(ranks)
    closeness = {c: int(_CLOSENESS.match(c)[1]) for c in wide.columns if _CLOSENESS.match(c)}
    if closeness:
        close = wide.melt(id_vars=["old_la_code"], value_vars=list(closeness), var_name="column",
                          value_name="closeness")
        close["rank"] = close["column"].map(closeness)
        long = long.merge(close.drop(columns="column"), on=["old_la_code", "rank"], how="left")
    else:
        long["closeness"] = ""
    long = long.rename(columns={"old_la_code": "code", "la_name": "name", "region_name": "region"})
    for column in ("code", "neighbour", "name", "closeness"):
        long[column] = long[column].str.strip()
    if "region" not in long:
        long["region"] = ""
    long = long[long["neighbour"].ne("")]
    return long[["code", "name", "region", "rank", "neighbour", "closeness"]].sort_values(
        ["code", "rank"], kind="stable").reset_index(drop=True)


def neighbours_of(model: pd.DataFrame, code: str, name: str | None = None) -> Neighbours | None:
    """An authority's entry, found by DfE LA number, else by name (ignoring case, spaces and punctuation;
    'Barnsley Metropolitan Borough Council' finds Barnsley)."""
    mine = model[model["code"].eq(str(code).strip())]
    if mine.empty and name:
        wanted = normalise_label(name)
        names = model["name"].drop_duplicates()
        labels = names.map(normalise_label)
        exact = names[labels.eq(wanted)]
        inside = names[labels.map(lambda label: bool(label) and label in wanted)]
        chosen = exact if len(exact) else inside.loc[inside.str.len().sort_values(ascending=False).index]
        if len(chosen):
            mine = model[model["name"].eq(chosen.iloc[0])]
    if mine.empty:
        return None
    first = mine.iloc[0]
    return Neighbours(code=first["code"], name=first["name"], region=first["region"] or None,
                      neighbours=tuple(mine["neighbour"]), closeness=tuple(mine["closeness"]))
