"""Pack variants never collide, a restricted draft can never take a public name, the manifest says
what to publish, and a past figure never moves silently. No papermill here: these are the rules."""

from __future__ import annotations

import datetime as dt
import itertools
import json
from pathlib import Path

import pandas as pd
import pytest

from kpi.pack.export import PackFailed, _move_into_place, _Run
from kpi.pack.outputs import KINDS, Variant, WrongMarking, audience_of_name, check_marking, update_manifest
from kpi.pack.restatements import FIGURE_COLUMNS, published_before, restated
from kpi.time.periods import parse_period

VARIANTS = [Variant(audience, language) for audience in ("public", "restricted") for language in ("en", "cy")]
CREATED = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)


@pytest.mark.parametrize("order", list(itertools.permutations(VARIANTS)))
def test_variant_names_never_collide_in_any_order(order, tmp_path):
    seen: dict[Path, Variant] = {}
    for variant in order:
        for path in variant.paths(tmp_path / "2026-27Q2").values():
            assert path not in seen, (path, variant, seen.get(path))
            seen[path] = variant
    assert len(seen) == len(VARIANTS) * len(KINDS)


@pytest.mark.parametrize("variant", VARIANTS)
def test_a_name_says_its_audience_by_folder_and_by_word(variant, tmp_path):
    for path in variant.paths(tmp_path).values():
        assert audience_of_name(path) == variant.audience
        assert ("RESTRICTED" in path.name) == variant.restricted
        assert (path.parent.name == "restricted") == variant.restricted


def test_names_that_disagree_with_themselves_are_refused(tmp_path):
    with pytest.raises(WrongMarking):
        audience_of_name(tmp_path / "restricted" / "pack.en.pdf")  # restricted folder, public name
    with pytest.raises(WrongMarking):
        audience_of_name(tmp_path / "pack.en.RESTRICTED.pdf")  # restricted name, public folder
    with pytest.raises(WrongMarking):
        check_marking(tmp_path / "pack.en.pdf", "restricted")


def _fake_run(tmp_path: Path, variant: Variant, declared: str) -> _Run:
    work = tmp_path / f".work-{variant.audience}-{variant.language}"
    work.mkdir()
    for name in ("pack.pdf", "pack.html", "pack.xlsx", "pack.ipynb", "figures.csv"):
        (work / name).write_text(f"{declared} content", encoding="utf-8")
    return _Run(variant, work, declared)


def test_restricted_content_never_moves_to_a_public_name(tmp_path):
    folder = tmp_path / "2026-27Q2"
    folder.mkdir()
    (folder / "pack.en.pdf").write_text("the published pack", encoding="utf-8")
    # Whatever went wrong upstream, a run whose pack says "restricted" cannot be written as the public variant,
    # and nothing of the batch is written (the Welsh public pack in the same run included).
    runs = [_fake_run(tmp_path, Variant("public", "cy"), "public"),
            _fake_run(tmp_path, Variant("public", "en"), "restricted")]
    with pytest.raises(PackFailed, match="refusing to write a restricted pack"):
        _move_into_place(runs, folder)
    assert sorted(p.name for p in folder.iterdir()) == ["pack.en.pdf"]
    assert (folder / "pack.en.pdf").read_text(encoding="utf-8") == "the published pack"


def test_a_pack_that_does_not_declare_its_audience_is_not_written(tmp_path):
    folder = tmp_path / "2026-27Q2"
    with pytest.raises(PackFailed, match="does not say whether it is public or restricted"):
        _move_into_place([_fake_run(tmp_path, Variant("public", "en"), None)], folder)
    assert not folder.exists()


def test_manifest_keeps_other_variants_and_lists_what_to_publish(tmp_path):
    folder = tmp_path / "2026-27Q2"
    written = {}
    for variant in (Variant("public", "cy"), Variant("public", "en"), Variant("restricted", "en")):
        run = _fake_run(tmp_path, variant, variant.audience)
        written |= _move_into_place([run], folder)
        update_manifest(folder, {variant: written[variant]}, CREATED)  # one run at a time, as officers do
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["files"]) == 3 * len(KINDS)
    assert manifest["publish"] == [f"pack.cy.{k}" for k in ("html", "pdf", "xlsx")] + [
        f"pack.en.{k}" for k in ("html", "pdf", "xlsx")]
    assert manifest["not_for_publication"] == sorted(f"restricted/pack.en.RESTRICTED.{k}" for k in KINDS)
    # A file that has gone is dropped from the manifest at the next update.
    (folder / "pack.cy.xlsx").unlink()
    update_manifest(folder, {}, CREATED)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    assert "pack.cy.xlsx" not in {e["file"] for e in manifest["files"]}


# --- restated figures ------------------------------------------------------------------------------------


def _figures(pack_period: str, rows: list[tuple], audience: str = "public", version: str = "1.0") -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["indicator_id", "period", "value", "numerator", "denominator", "decimals",
                                        "suppressed"])
    return frame.assign(pack_period=pack_period, audience=audience, kpi_version=version,
                        configuration_sha256="abc", created_utc="2026-01-01T00:00:00+00:00")[FIGURE_COLUMNS]


def _write(reports: Path, folder: str, language: str, frame: pd.DataFrame) -> None:
    (reports / folder).mkdir(parents=True, exist_ok=True)
    frame.to_csv(reports / folder / f"pack.{language}.figures.csv", index=False)


def test_a_figure_that_changed_since_it_was_published_is_listed_with_its_reason(tmp_path):
    rate = "rereferrals_within_12m_pct"
    _write(tmp_path, "2023-24Q1", "en", _figures("2023-24Q1", [(rate, "2023-24Q1", 20.1, 70, 348, 1, False)]))
    _write(tmp_path, "2023-24Q2", "en", _figures("2023-24Q2", [
        (rate, "2023-24Q1", 20.1, 70, 348, 1, False), (rate, "2023-24Q2", 19.0, 60, 316, 1, False),
        ("contacts_received", "2023-24Q1", 2900, 2900, None, 0, False)]))
    now = _figures("2023-24Q3", [
        (rate, "2023-24Q1", 21.4, 77, 360, 1, False),   # 12 referrals recorded late
        (rate, "2023-24Q2", 19.04, 60, 316, 1, False),   # same counts, same printed value: not restated
        ("contacts_received", "2023-24Q1", 2900, 2900, None, 0, False),
        (rate, "2023-24Q3", 25.0, 80, 320, 1, False)])  # the pack's own period: new, not restated
    found = restated(now, published_before(tmp_path, parse_period("2023-24Q3")))
    assert found[["indicator_id", "period", "published_in", "published_value", "value", "reason"]].values.tolist() == [
        [rate, "2023-24Q1", "2023-24Q2", 20.1, 21.4, "more_records"]]


def test_withheld_figures_and_restricted_packs_are_never_compared(tmp_path):
    rate = "assessments_child_seen_pct"
    _write(tmp_path, "2023-24Q1", "en", _figures("2023-24Q1", [(rate, "2023-24Q1", None, None, None, 1, True)]))
    _write(tmp_path / "2023-24Q1", "restricted", "en.RESTRICTED",
           _figures("2023-24Q1", [(rate, "2023-24Q1", 75.0, 3, 4, 1, False)], audience="restricted"))
    now = _figures("2023-24Q2", [(rate, "2023-24Q1", 80.0, 4, 5, 1, False)])
    assert restated(now, published_before(tmp_path, parse_period("2023-24Q2"))).empty


def test_the_latest_earlier_pack_is_what_was_published(tmp_path):
    count = "assessments_completed"
    _write(tmp_path, "2023-24Q1", "en", _figures("2023-24Q1", [(count, "2023-24Q1", 700, 700, None, 0, False)]))
    _write(tmp_path, "2023-24Q2", "cy", _figures("2023-24Q2", [(count, "2023-24Q1", 705, 705, None, 0, False)]))
    _write(tmp_path, "2024-25Q1", "en", _figures("2024-25Q1", [(count, "2023-24Q1", 690, 690, None, 0, False)]))
    now = _figures("2023-24Q3", [(count, "2023-24Q1", 705, 705, None, 0, False)])
    # The 2023-24 Q2 pack (705) is the latest one before this pack's period; the later 2024-25 Q1 pack does not count.
    assert restated(now, published_before(tmp_path, parse_period("2023-24Q3"))).empty


def test_same_records_different_answer_after_an_upgrade_says_settings_changed(tmp_path):
    rate = "assessments_within_timescale_pct"
    _write(tmp_path, "2023-24Q1", "en", _figures("2023-24Q1", [(rate, "2023-24Q1", 80.0, 80, 100, 1, False)],
                                                  version="0.9"))
    now = _figures("2023-24Q2", [(rate, "2023-24Q1", 82.0, 82, 100, 1, False)], version="1.0")
    found = restated(now, published_before(tmp_path, parse_period("2023-24Q2")))
    assert found["reason"].tolist() == ["settings_changed"]
