"""The package's figures agree with an independent computation: benchmarks/reference.py, plain DuckDB SQL
written from the definitions without reading kpi's SQL engine, over a small national demo."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pandas as pd
import pytest

from kpi.cli import main
from kpi.config import load_config
from kpi.time.periods import code

TODAY = "2026-11-22"
LOOKING_BACK_A_YEAR = {"rereferrals_within_12m_pct", "contacts_change_on_last_year_pct"}
# Each nation's assessment timescale, as kpi.yml's nation sets it for the package.
NATIONS = {"wales": {}, "england": {"timescale": 45, "timescale_from": "start"}}


def _reference_module():
    path = Path(__file__).parents[1] / "benchmarks" / "reference.py"
    spec = importlib.util.spec_from_file_location("reference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module", params=list(NATIONS))
def national(request, tmp_path_factory) -> tuple[Path, list[pd.Period], pd.DataFrame, dict]:
    """Three authorities over three years, ingested; the quarters the data cover, kpi's figures for them and the
    nation's settings."""
    root = tmp_path_factory.mktemp(request.param)
    config = str(root / "kpi.yml")
    assert main(["demo", "--authorities", "3", "--years", "3", "--nation", request.param, "--out", str(root / "raw"),
                 "--config", config, "--today", TODAY]) == 0
    assert main(["ingest", "--config", config, "--quiet"]) == 0
    processed = load_config(config).processed_dir
    first_day = max(pd.read_parquet(processed / "contacts.parquet", columns=["received_at"])["received_at"].min(),
                    pd.read_parquet(processed / "assessments.parquet", columns=["referral_date"])["referral_date"].min())
    first = first_day.to_period("Q-MAR")
    first = first if first.start_time == first_day.normalize() else first + 1  # whole quarters only
    last = pd.Period(TODAY, "Q-MAR") - 1  # the latest complete quarter
    out = root / "kpi.csv"
    assert main(["indicators", "--config", config, "--by", "authority", "--period", f"{code(first)}..{code(last)}",
                 "--format", "csv", "--out", str(out)]) == 0
    return (processed, list(pd.period_range(first, last, freq="Q-MAR")), pd.read_csv(out, encoding="utf-8-sig"),
            NATIONS[request.param])


def test_reference_agrees_with_kpi_for_every_authority_indicator_and_quarter(national):
    processed, quarters, kpi, settings = national
    reference = _reference_module().reference_figures(processed, quarters, **settings)
    a_year_in = {code(q) for q in quarters[4:]}
    reference = reference[~reference["indicator_id"].isin(LOOKING_BACK_A_YEAR) | reference["period"].isin(a_year_in)]
    kpi = kpi[kpi["indicator_id"].isin(reference["indicator_id"].unique())
              & kpi["authority"].isin(reference["authority"].unique()) & kpi["numerator"].notna()]
    keys = ["authority", "period", "indicator_id"]
    both = reference.merge(kpi[keys + ["numerator", "denominator"]], on=keys, how="outer",
                           suffixes=("_reference", "_kpi"), indicator=True)
    assert both["_merge"].eq("both").all(), both[both["_merge"] != "both"].head(20).to_string()

    def same(a, b) -> bool:
        return (pd.isna(a) and pd.isna(b)) or math.isclose(a, b, rel_tol=1e-9)

    differ = both[[not (same(r, k) and same(rd, kd)) for r, k, rd, kd in zip(
        both["numerator_reference"], both["numerator_kpi"], both["denominator_reference"], both["denominator_kpi"])]]
    assert differ.empty, differ.head(20).to_string()
    counts = both[both["denominator_reference"].isna()]
    assert counts["numerator_reference"].eq(counts["numerator_kpi"]).all()  # counts exactly
    assert both["indicator_id"].nunique() == 18
    assert len(both) > 500
