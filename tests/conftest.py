"""Shared helpers: a throwaway project folder with a kpi.yml and extracts built in the test."""

from __future__ import annotations

import datetime as dt
import hashlib
import math
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kpi import engine
from kpi.catalogue import catalogue
from kpi.config import load_config
from kpi.data.ingest import ingest
from kpi.data.ingest_outputs import IngestResult
from kpi.indicators.measures import MEASURES, NoSource, Unavailable
from kpi.time.periods import code

TEST_KEY = "test-pseudonym-key-of-at-least-32-bytes"

@dataclass(frozen=True)
class DemoPacks:
    root: Path  # the demo project: kpi.yml, data/raw/demo, data/processed, reports
    folder: Path  # reports/<period>
    public_before_restricted: dict[str, str]  # the public files' SHA-256, taken before the restricted run


DEMO_TODAY = dt.date(2026, 11, 22)
DEMO_PERIOD = "2026-27Q2"


def digest(folder: Path) -> dict[str, str]:
    """The SHA-256 of every file directly in `folder`, by name."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


@pytest.fixture(scope="session")
def demo_packs(tmp_path_factory) -> DemoPacks:
    """The demo's packs for 2026-27 Q2 as `make pack` and an officer make them: the public packs in Welsh and
    English in one run, then the restricted draft. Made once for the whole run (a pack takes half a minute):
    the pack and accessibility tests read the same files (under xdist both run in one worker: SAME_WORKER)."""
    from kpi.cli import main
    from kpi.demo import write_demo

    root = tmp_path_factory.mktemp("demo_packs")
    write_demo(out=root / "data/raw/demo", config_path=root / "kpi.yml", today=DEMO_TODAY)
    config = str(root / "kpi.yml")
    assert main(["ingest", "--config", config, "--quiet"]) == 0
    assert main(["pack", "--config", config, "--period", DEMO_PERIOD, "--language", "both", "--quiet"]) == 0
    folder = root / "reports" / DEMO_PERIOD
    before = digest(folder)
    assert main(["pack", "--config", config, "--period", DEMO_PERIOD, "--audience", "restricted", "--quiet"]) == 0
    return DemoPacks(root, folder, before)


@pytest.fixture(scope="session")
def ingested_demo(tmp_path_factory) -> Callable[[str], Path]:
    """The demo authority made and ingested (`kpi demo --today 2026-11-22`, then `kpi ingest`) once for the
    run (each xdist worker makes its own), never handed to a test as it is: `ingested_demo("name")` gives a
    new copy of the whole project (kpi.yml, data/raw, data/.pseudonym_key, data/processed and its versions)
    in a new folder, which the caller may change as it likes. The project names no folder of its own (its
    paths are relative to kpi.yml; data/processed is a relative link), so a copy is the project as made."""
    from kpi.cli import main
    from kpi.demo import write_demo

    made = tmp_path_factory.mktemp("ingested_demo")
    write_demo(out=made / "data/raw/demo", config_path=made / "kpi.yml", today=DEMO_TODAY)
    assert main(["ingest", "--config", str(made / "kpi.yml"), "--quiet"]) == 0
    naming = [p.relative_to(made).as_posix() for p in made.rglob("*")
              if p.is_file() and not p.is_symlink() and str(made).encode() in p.read_bytes()]
    assert not naming, f"the ingested demo names its own folder, so a copy would not be the same project: {naming}"

    def copy(name: str) -> Path:
        root = tmp_path_factory.mktemp(name)
        shutil.copytree(made, root, symlinks=True, dirs_exist_ok=True)
        return root

    return copy


@pytest.fixture(scope="session")
def demo_processed(ingested_demo) -> Path:
    """The demo authority made and ingested (no pack): its kpi.yml. For tests that only read the tables."""
    return ingested_demo("demo_processed") / "kpi.yml"


# The real published statistics, beside the checkout (../shared/data/published); never copied into it.
PUBLISHED = Path(__file__).resolve().parents[2] / "shared" / "data" / "published"


@pytest.fixture(scope="module")
def published() -> Path:
    if not PUBLISHED.is_dir():
        pytest.fail(f"{PUBLISHED} is missing: these tests read the real published statistics from "
                    "../shared/data/published beside the checkout (CI has it)")
    return PUBLISHED


@pytest.fixture(autouse=True)
def _pseudonym_key(monkeypatch):
    """Tests never create a key file in the working tree."""
    monkeypatch.setenv("KPI_PSEUDONYM_KEY", TEST_KEY)


class Project:
    """A folder holding kpi.yml and raw extracts, as an officer would have it."""

    def __init__(self, root: Path):
        self.root = root
        self.config_path = root / "kpi.yml"

    def write_config(self, sources: dict, **extra) -> Path:
        config = {"authority": {"name": "Test Council", "code": "W06000099", "nation": "wales"},
                  "extract_date": "2020-03-31", "sources": sources, **extra}
        self.config_path.write_text(yaml.safe_dump(config, sort_keys=False), encoding="utf-8")
        return self.config_path

    def write_text(self, name: str, text: str, encoding: str = "utf-8") -> Path:
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode(encoding))
        return path

    def ingest(self) -> IngestResult:
        return ingest(load_config(self.config_path))

    def rejected(self, table: str) -> pd.DataFrame:
        return pd.read_csv(self.root / "data/processed/rejected" / f"{table}.csv", dtype=str, keep_default_na=False)

    def accepted(self, table: str) -> pd.DataFrame:
        return pd.read_parquet(self.root / "data/processed" / f"{table}.parquet")


@pytest.fixture
def project(tmp_path) -> Project:
    return Project(tmp_path)


CONTACTS_HEADER = "Contact ID,Person ID,Date Received,Contact Source,Contact Type,Decision Date,Outcome"


def contacts_csv(*rows: str, header: str = CONTACTS_HEADER) -> str:
    return "\n".join([header, *rows]) + "\n"


GOOD_CONTACT = "C1,P1,10/02/2017 09:00,Police,Referral,10/02/2017 11:00,NFA"

# ------------------------------------------------------------------ tests/indicators: the SQL engine agrees


def _by_measure(indicator_id: str, made) -> dict:
    try:
        tally = MEASURES[indicator_id](made)
    except Unavailable as why:
        return {"status": "unavailable", "reason": str(why),
                "missing_source": " or ".join(why.tables) if isinstance(why, NoSource) else None}
    return {"status": "ok", "numerator": tally.numerator, "denominator": tally.denominator, "value": tally.value}


def _by_engine(indicator_id: str, data, period, settings) -> dict:
    indicators = {indicator_id: catalogue()[indicator_id]}
    row = engine.compute_values(data, indicators, [period], settings).iloc[0]
    if row["status"] != "ok":
        return {"status": "unavailable", "reason": row["reason"], "missing_source": row["missing_source"]}
    denominator = None if math.isnan(row["denominator"]) else row["denominator"]
    return {"status": "ok", "numerator": row["numerator"], "denominator": denominator, "value": row["value"]}


def _same(by_measure: dict, by_engine: dict) -> bool:
    if by_measure.keys() != by_engine.keys():
        return False
    for key, expected in by_measure.items():
        found = by_engine[key]
        if isinstance(expected, float) and found is not None:
            if not math.isclose(expected, found, rel_tol=1e-12, abs_tol=1e-12):
                return False
        elif expected != found:
            return False
    return True


@pytest.fixture(autouse=True)
def the_engine_agrees(request):
    """Every hand-checked case in tests/indicators is asked of the SQL engine (kpi.engine) too: after each
    test there, each period's data the test made is given to the engine and to the pandas measure, and the
    two must agree - the figure, or the reason there is none."""
    if request.path.parent.name != "indicators":
        yield
        return
    import by_hand

    by_hand.MADE.clear()
    yield
    indicator_id = request.module.__name__.removeprefix("test_")
    if indicator_id not in MEASURES or not engine.has_rule(indicator_id):
        return
    for data, period, made in by_hand.MADE:
        expected = _by_measure(indicator_id, made)
        found = _by_engine(indicator_id, data, period, made.settings)
        assert _same(expected, found), f"{indicator_id} in {code(period)}: the measure gives {expected}, " \
                                       f"the engine {found}"


# ------------------------------------------------------------------ running on every core (pytest-xdist)
# pyproject.toml runs the suite with `-n auto --dist loadfile`: each test file runs whole in one worker, so a
# module-scoped fixture is made once. Two changes to how xdist hands the files out:

# Files that use the session's `demo_packs` (three packs, the slowest thing the suite makes) go to the same
# worker as one unit, so the packs are made once, and in the order a run without xdist takes them (the
# accessibility checks add the weekly outputs to that project before test_pack reads its reports folder).
SAME_WORKER = {"tests/test_accessibility.py": "demo_packs", "tests/test_pack.py": "demo_packs"}

# The slowest units go out first, longest first, so that no worker starts a long file when the other has
# nothing left to do; the rest follow in xdist's own order. Ordered by their time on a 2-core machine
# (`--durations`). Only the order depends on this list: a file missing from it, or in the wrong place, costs
# time at most, never a result.
SLOWEST_FIRST = [
    "demo_packs", "tests/test_pack_words.py", "tests/test_pack_batch.py", "tests/test_installed.py",
    "tests/test_front_door.py", "tests/test_benchmarking.py", "tests/test_engine_matches_measures.py",
    "tests/test_demo.py", "tests/test_notebooks.py", "tests/test_pack_drawing.py", "tests/test_screen.py",
    "tests/test_charts.py",
    "tests/test_demo_indicators_independent.py", "tests/test_check_command.py", "tests/test_disclosure.py",
    "tests/test_safe_outputs.py", "tests/test_demo_services.py", "tests/test_comparisons_like_for_like.py",
    "tests/test_comparators_new_measures.py", "tests/test_conventions.py", "tests/test_ingest_runs.py",
]


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config, log):
    """`--dist loadfile` with SAME_WORKER and SLOWEST_FIRST; any other --dist is xdist's own."""
    if config.getoption("dist") != "loadfile":
        return None
    from xdist.scheduler import LoadFileScheduling

    rank = {unit: place for place, unit in enumerate(SLOWEST_FIRST)}

    class Scheduling(LoadFileScheduling):
        def _split_scope(self, nodeid: str) -> str:
            file = super()._split_scope(nodeid)
            return SAME_WORKER.get(file, file)

        def _assign_work_unit(self, node) -> None:
            # The first of the slowest units still waiting goes next (xdist gives the first in its queue).
            unit = min(self.workqueue, key=lambda scope: rank.get(scope, len(rank)))
            self.workqueue.move_to_end(unit, last=False)
            super()._assign_work_unit(node)

    return Scheduling(config, log)
