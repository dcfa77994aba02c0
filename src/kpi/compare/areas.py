"""The areas a comparison is about: this authority (its codes and aliases, region and statistical
neighbours) and the published area codes of the authorities of its nation, joint returns included."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd

JOINT = r"\s*/\s*"  # a joint return's code: '940 / 941'
NATION_CODES = {"wales": "W92000004", "england": "E92000001"}
NATION_NAMES = {"wales": "Wales", "england": "England"}


@dataclass(frozen=True)
class Area:
    code: str
    nation: str  # wales | england
    region: str | None = None
    neighbours: tuple[str, ...] = ()
    aliases: tuple[str, ...] = ()  # other codes it goes by (its DfE LA number when `code` is an ONS code)
    name: str | None = None  # for a row of our own when the publication has none

    @property
    def codes(self) -> tuple[str, ...]:
        return (self.code, *self.aliases)


def area_for(config) -> Area:
    """This authority as comparisons need it. For England, `authority.neighbours_file` (the DfE model)
    gives the neighbours and the region when kpi.yml does not list them, and the authority's DfE LA number
    when its `code` is an ONS code."""
    authority = config.authority
    neighbours, region, aliases = tuple(authority.neighbours or ()), authority.region, ()
    if authority.neighbours_file:  # the published readers are imported only for a model to read
        from kpi.data.published.neighbours import neighbours_of, read_model
        from kpi.errors import ConfigError

        path = config.resolve(authority.neighbours_file)
        entry = neighbours_of(read_model(path), authority.code, authority.name)
        if entry is None:
            raise ConfigError(f"{path}: {authority.name} ({authority.code}) is not in the statistical neighbours "
                              "model; check authority.code (the DfE LA number, e.g. 370) or authority.name")
        neighbours, region = neighbours or entry.neighbours, region or entry.region
        aliases = (entry.code,) if entry.code != authority.code else ()
    return Area(code=authority.code, nation=authority.nation, region=region, neighbours=neighbours, aliases=aliases,
                name=authority.name)


def members(codes: pd.Series) -> pd.Series:
    """Each area code's authorities: '940 / 941' -> ['940', '941'] (as lists, one per code)."""
    return codes.str.split(JOINT, regex=True)


def of_nation(codes: pd.Series, area: Area) -> pd.Series:
    """Area codes of authorities of our nation (W... in Wales; E... or DfE numbers in England)."""
    if area.nation == "england":
        return (codes.str.startswith("E") | codes.str.match(r"^\d{3}\b")).fillna(False).astype(bool)
    if area.nation == "wales":
        return codes.str.startswith("W").fillna(False).astype(bool)
    return codes.str[:1].eq(area.code[:1]).fillna(False).astype(bool)


def own_code(codes: pd.Series, area: Area) -> str | None:
    """The published area code that is ours: our code or an alias, alone or in a joint return."""
    if codes.empty:
        return None
    split = members(codes.astype("string"))
    mine = split.map(lambda parts: any(c in area.codes for c in parts) if isinstance(parts, list) else False)
    found = codes[mine.astype(bool).to_numpy()]
    if found.empty:
        return None
    exact = found[found.isin(area.codes)]
    return str(exact.iloc[0] if len(exact) else found.iloc[0])


def by_authority(authorities: pd.DataFrame) -> pd.Series:
    """Published values by single authority code, a joint return's value under each code it names."""
    if authorities.empty:
        return pd.Series(dtype="float64")
    exploded = authorities.assign(member=members(authorities["area_code"])).explode("member")
    return exploded.drop_duplicates("member").set_index("member")["value"]
