"""Shared helpers: a throwaway project folder with a kpi.yml and extracts built in the test."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
import yaml

from kpi.config import load_config
from kpi.data.ingest import ingest
from kpi.data.ingest_outputs import IngestResult

TEST_KEY = "test-pseudonym-key-of-at-least-32-bytes"

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
