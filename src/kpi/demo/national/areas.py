"""Which authorities the national data cover, how big each is and how each works.

England: the 153 local authorities, their codes, names and sizes from the DfE children in need
census (referrals and re-referral rates, the median of the last three years) in
`../shared/data/published/dfe-csc-outcomes/`, read when that folder is beside the checkout or the
working folder; without it, made-up codes (E99000001, ...) with sizes spread like England's.
Wales: the 22 authorities (names and ONS codes kpi already holds), sized by population, Wrexham's
10,000 contacts a year for its 136,000 people setting the rate.

Each authority also gets its own way of working, drawn a little apart from the national picture:
the share of contacts that are referrals, the share from the police, how many referrals go to
assessment and to a strategy discussion, how often a child is referred again within 12 months,
how many assessments finish in time and how much work each social worker holds.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from kpi.demo.comparators import AUTHORITIES as WELSH_POPULATIONS

ENGLAND, WALES = "england", "wales"
WALES_SIZE = 22
REFERRALS_FILE = "dfe-csc-outcomes/c1_children_in_need_referrals_and_rereferrals_2013_to_2025.csv"
WREXHAM = ("W06000006", "Wrexham", 136)  # the demo stands in for Wrexham, so the demo's list leaves it out
CONTACTS_PER_THOUSAND_PEOPLE = 74.0  # Wrexham: about 10,000 contacts a year (CSSIW 2017) for 136,000 people
# England without the published file: referrals a year spread as the census spreads them (median 3,367).
REFERRALS_MEDIAN, REFERRALS_SPREAD = 3_367.0, 0.64

# The national picture each authority is drawn around: (centre, spread between authorities, low, high).
MIXES = {
    ENGLAND: {"referral_share": (0.25, 0.04, 0.15, 0.40), "police_share": (0.33, 0.05, 0.18, 0.50),
              "referrals_to_assessment": (0.88, 0.04, 0.70, 0.98), "strategy_share": (0.27, 0.05, 0.12, 0.45),
              "rereferral_share": (0.22, 0.04, 0.08, 0.40), "in_time": (0.82, 0.08, 0.45, 0.99),
              "cases_per_fte": (16.5, 2.0, 10.0, 26.0), "agency_share": (0.18, 0.08, 0.0, 0.5),
              "not_recorded": (0.08, 0.04, 0.01, 0.25), "welsh_speakers": (0.0, 0.0, 0.0, 0.0)},
    WALES: {"referral_share": (0.14, 0.03, 0.08, 0.25), "police_share": (0.40, 0.05, 0.25, 0.55),
            "referrals_to_assessment": (0.65, 0.06, 0.45, 0.85), "strategy_share": (0.28, 0.05, 0.12, 0.45),
            "rereferral_share": (0.20, 0.04, 0.08, 0.40), "in_time": (0.88, 0.06, 0.55, 0.99),
            "cases_per_fte": (17.0, 2.0, 10.0, 26.0), "agency_share": (0.15, 0.07, 0.0, 0.5),
            "not_recorded": (0.08, 0.04, 0.01, 0.25), "welsh_speakers": (0.14, 0.10, 0.02, 0.70)},
}
GROWTH_PER_YEAR = (0.02, 0.02)  # mean and spread of the yearly growth in contacts
CONTACTS_PER_POST = 80.0  # social work posts: one for about every 80 contacts a year


@dataclass(frozen=True)
class Authorities:
    """One entry per authority in every array, in code order."""

    nation: str
    codes: list[str]
    names: list[str]
    contacts_per_year: np.ndarray  # in the last year of the data
    growth: np.ndarray  # yearly growth in contacts
    mix: dict[str, np.ndarray]  # each of MIXES' keys: that authority's value
    from_published: bool  # sizes (and England's re-referral rates) from the published census

    def __len__(self) -> int:
        return len(self.codes)

    @property
    def posts(self) -> np.ndarray:
        """Social work posts (teams of ten): more for a busier front door."""
        teams = np.maximum(1, np.ceil(self.contacts_per_year / CONTACTS_PER_POST / 10)).astype(np.int64)
        return teams * 10


def published_folder() -> Path | None:
    """`shared/data/published` beside the checkout or the working folder (never copied into it)."""
    here = Path(__file__).resolve()
    for base in (*Path.cwd().resolve().parents, Path.cwd().resolve(), *here.parents):
        folder = base / "shared" / "data" / "published"
        if (folder / REFERRALS_FILE).is_file():
            return folder
    return None


def default_nation(count: int) -> str:
    """Wales for up to its 22 authorities, England for more."""
    return WALES if count <= WALES_SIZE else ENGLAND


def authorities(nation: str, count: int, rng: np.random.Generator, published: Path | None = None) -> Authorities:
    """The first `count` authorities of the nation in code order (made-up ones beyond the real ones)."""
    if nation == WALES:
        codes, names, sizes, real_rates = _wales()
        from_published = False
    else:
        codes, names, sizes, real_rates = _england(published)
        from_published = published is not None
    codes, names, sizes, real_rates = codes[:count], names[:count], sizes[:count], real_rates[:count]
    extra = count - len(codes)
    if extra > 0:
        codes += [f"{'W' if nation == WALES else 'E'}99{n:06d}" for n in range(1, extra + 1)]
        names += [f"Synthetic Authority {n}" for n in range(1, extra + 1)]
        sizes = np.concatenate([sizes, _made_up_sizes(nation, extra, rng)])
        real_rates = np.concatenate([real_rates, np.full(extra, np.nan)])
    mix = {name: _spread(rng, count, *numbers) for name, numbers in MIXES[nation].items()}
    if nation == ENGLAND:
        known = ~np.isnan(real_rates)
        mix["rereferral_share"][known] = np.clip(real_rates[known], 0.05, 0.45)
        contacts = sizes / mix["referral_share"]  # England's sizes are referrals a year
    else:
        contacts = sizes
    growth = rng.normal(*GROWTH_PER_YEAR, size=count)
    return Authorities(nation=nation, codes=codes, names=names, contacts_per_year=contacts, growth=growth, mix=mix,
                       from_published=from_published)


def _spread(rng: np.random.Generator, count: int, centre: float, spread: float, low: float, high: float):
    return np.clip(rng.normal(centre, spread, size=count), low, high)


def _wales() -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Contacts a year from each Welsh authority's population."""
    table = dict(WELSH_POPULATIONS)
    table[WREXHAM[0]] = WREXHAM[1:]
    codes = sorted(table)
    people = np.array([table[c][1] for c in codes], dtype=float)
    return codes, [table[c][0] for c in codes], people * CONTACTS_PER_THOUSAND_PEOPLE, np.full(len(codes), np.nan)


def _england(published: Path | None) -> tuple[list[str], list[str], np.ndarray, np.ndarray]:
    """Referrals a year and the re-referral rate of each English authority, from the census."""
    if published is None:
        return [], [], np.empty(0), np.empty(0)
    import pandas as pd

    census = pd.read_csv(published / REFERRALS_FILE, dtype=str)
    census = census[census["geographic_level"].eq("Local authority")]
    years = sorted(census["time_period"].unique())[-3:]
    census = census[census["time_period"].isin(years)]
    census = census.assign(referrals=pd.to_numeric(census["referral_count"], errors="coerce"),
                           rate=pd.to_numeric(census["rereferral_percent"], errors="coerce") / 100)
    latest = census[census["time_period"].eq(years[-1])].drop_duplicates("new_la_code").set_index("new_la_code")
    typical = census.groupby("new_la_code")[["referrals", "rate"]].median()
    codes = sorted(latest.index)
    referrals = typical["referrals"].reindex(codes).fillna(typical["referrals"].median()).to_numpy(float)
    return codes, latest.loc[codes, "la_name"].tolist(), referrals, typical["rate"].reindex(codes).to_numpy(float)


def _made_up_sizes(nation: str, count: int, rng: np.random.Generator) -> np.ndarray:
    """Sizes spread like the real ones: referrals a year (England) or contacts a year (Wales)."""
    if nation == WALES:
        return CONTACTS_PER_THOUSAND_PEOPLE * np.clip(rng.lognormal(np.log(125), 0.5, size=count), 50, 400)
    return np.clip(rng.lognormal(np.log(REFERRALS_MEDIAN), REFERRALS_SPREAD, size=count), 30, 40_000)
