"""`kpi check` (issue 13): kpi.yml, the catalogues and every extract checked by a dry-run ingest that
writes nothing, with the same numbers as `kpi ingest`; exit 0 all well, 1 rows would be rejected, 2
something cannot be used."""

from __future__ import annotations

import datetime as dt
import os
import stat
from pathlib import Path

import pandas as pd
import pytest

from conftest import GOOD_CONTACT, TEST_KEY, contacts_csv
from kpi.catalogue import catalogue
from kpi.config import load_config
from kpi.data.dry_run import dry_run, dry_run_summary
from kpi.data.ingest import ingest
from kpi.data.ingest_outputs import summary_lines
from kpi.data.pseudonym import KEY_VARIABLE
from kpi.data.tables import TABLE_NAMES
from kpi.demo import write_demo
from kpi.officers.check import run_check

BAD_DATE = "C3,P3,31/02/2017,Police,Referral,,"
SECOND_CONTACT = "C2,P2,11/02/2017 10:00,Health,Enquiry,,"


def _tree(root: Path) -> dict[str, tuple[int, bytes | None]]:
    """Every file and folder under `root`: its mode and, for a file, its bytes."""
    return {p.relative_to(root).as_posix(): (p.lstat().st_mode, p.read_bytes() if p.is_file() else None)
            for p in sorted(root.rglob("*"))}


class Console:
    def __init__(self) -> None:
        self.said: list[str] = []
        self.shown: list[str] = []

    def check(self, config_path: Path) -> int:
        return run_check(config_path, say=self.said.append, show=self.shown.append)


def _monthly_counts(project, months: int) -> None:
    for n in range(months):
        month = dt.date(2017, 1 + n, 1)
        rows = [f"{month:%Y-%m},Police,Referral,{10 + n}", f"{month:%Y-%m},Health,Enquiry,{5 + n}"]
        if n == 1:
            rows.append(f"{month:%Y-%m},Polis,Referral,3")  # a word no one knows: rejected
        project.write_text(f"counts/contact_counts_{month:%Y-%m}.csv", "\n".join(["Month,Source,Type,Count", *rows]))


@pytest.fixture
def mixed(project):
    """Contacts with a bad row, four monthly count files (one bad row) and a workbook-free caseload file."""
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT, SECOND_CONTACT, BAD_DATE, GOOD_CONTACT))
    _monthly_counts(project, 4)
    project.write_text("caseloads.csv", "As At Date,Staff ID,Team Name,Job Title,FTE,Open Allocated Cases\n"
                       "31/01/2017,W1,North,Social Worker,1,15\n31/01/2017,W2,North,Team Manager,1,201\n")
    project.write_config({"contacts": {"path": "contacts.csv"}, "contact_counts": {"path": "counts/*.csv"},
                          "caseloads": {"path": "caseloads.csv"}})
    return project


def test_nothing_is_written_and_rejections_give_exit_1(mixed):
    before = _tree(mixed.root)
    console = Console()
    assert console.check(mixed.config_path) == 1
    assert _tree(mixed.root) == before
    assert console.shown[-1].startswith("Dry run: nothing was written")
    assert "4 row(s) would be rejected (`kpi ingest --strict` would exit 1)" in console.said


def test_the_numbers_are_those_of_a_real_ingest(mixed):
    config = load_config(mixed.config_path)
    run = dry_run(config)
    real = ingest(config)
    pd.testing.assert_frame_equal(run.result.report, real.report)
    written = pd.read_csv(mixed.root / "data/processed/ingest_report.csv", keep_default_na=False)
    assert written["rows_rejected"].tolist() == run.result.report["rows_rejected"].tolist()
    assert dry_run_summary(run)[:-1] == summary_lines(real)[:-1]  # all but where the tables went
    for name, table in real.tables.items():
        assert table.rejected["reason"].tolist() == run.result.tables[name].rejected["reason"].tolist()
        assert len(table.accepted) == len(run.result.tables[name].accepted)


def test_a_clean_project_gives_exit_0(project):
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT, SECOND_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    console = Console()
    assert console.check(project.config_path) == 0
    counts = f"({len(catalogue())} indicators, {len(TABLE_NAMES)} tables)"
    assert f"indicators.yml, tables.yml and categories.yml are in order {counts}" in console.said[0]
    assert any(line.startswith("contacts ") and "contacts.csv" in line for line in console.shown)


@pytest.mark.parametrize(("files", "sources", "expected"), [
    ({}, {"contacts": {"path": "nowhere.csv"}}, "nowhere.csv: file not found"),
    ({"contacts.csv": contacts_csv(GOOD_CONTACT)}, {"contacts": {"path": "contacts.csv", "colums": {}}},
     "unknown key 'sources.contacts.colums'"),
    ({"contacts.csv": contacts_csv(GOOD_CONTACT)},
     {"contacts": {"path": "contacts.csv", "categories": {"source": {"NWP": "polis"}}}},
     "sources.contacts.categories.source: 'NWP' maps to 'polis'"),
    ({"contacts.csv": "Contact ID,Person ID,Contact Source,Contact Type\nC1,P1,Police,Referral\n"},
     {"contacts": {"path": "contacts.csv"}}, "contacts.csv: required column 'received_at' not found"),
])
def test_unusable_input_is_one_line_and_exit_2(project, files, sources, expected):
    for name, text in files.items():
        project.write_text(name, text)
    project.write_config(sources)
    before = _tree(project.root)
    console = Console()
    assert console.check(project.config_path) == 2
    assert len(console.said) == 1 and console.said[0].startswith("kpi check: ") and expected in console.said[0]
    assert console.shown == [] and _tree(project.root) == before


def test_an_unknown_indicator_id_in_kpi_yml_is_exit_2(project):
    project.write_config({}, spc={"rebase": {"contacts_recieved": ["2019-20Q1"]}})
    console = Console()
    assert console.check(project.config_path) == 2
    assert "spc.rebase.contacts_recieved: unknown indicator 'contacts_recieved'" in console.said[0]


def test_without_a_key_a_throwaway_key_is_used_and_none_is_made(project, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE)
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT, SECOND_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    before = _tree(project.root)
    console = Console()
    assert console.check(project.config_path) == 0
    assert _tree(project.root) == before
    assert not (project.root / "data/.pseudonym_key").exists()
    assert any("no pseudonym key yet" in line and "throwaway key held in memory" in line for line in console.said)


def test_an_existing_key_is_used_and_left_as_it_was(project, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE)
    key_file = project.write_text("data/.pseudonym_key", TEST_KEY + "\n")
    os.chmod(key_file, 0o600)
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    before = _tree(project.root)
    console = Console()
    assert console.check(project.config_path) == 0
    assert _tree(project.root) == before
    assert not any("throwaway" in line for line in console.said)
    run = dry_run(load_config(project.config_path))
    monkeypatch.setenv(KEY_VARIABLE, TEST_KEY)
    assert run.result.tables["contacts"].accepted["child_id"].tolist() == \
        dry_run(load_config(project.config_path)).result.tables["contacts"].accepted["child_id"].tolist()


def test_a_key_that_other_users_can_read_is_refused_as_ingest_refuses_it(project, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE)
    key_file = project.write_text("data/.pseudonym_key", TEST_KEY + "\n")
    os.chmod(key_file, 0o644)
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    console = Console()
    assert console.check(project.config_path) == 2
    assert "other users can read or change the pseudonym key" in console.said[0]
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o644


def test_a_key_file_placed_in_the_processed_folder_is_refused_before_it_exists(project, monkeypatch):
    monkeypatch.delenv(KEY_VARIABLE)
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}}, pseudonym_key_file="data/processed/key")
    console = Console()
    assert console.check(project.config_path) == 2
    assert "pseudonym_key_file:" in console.said[0] and "shared or published" in console.said[0]
    assert not (project.root / "data/processed").exists()


# --- the demo: 78 monthly files, a workbook, planted bad rows ------------------------------------


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    write_demo(out=root / "data/raw/demo", seed=2017, config_path=root / "kpi.yml", today=dt.date(2026, 11, 22))
    return root


def test_the_demo_checks_as_it_ingests_and_nothing_is_written(demo):
    before = _tree(demo)
    console = Console()
    assert console.check(demo / "kpi.yml") == 1  # the demo plants bad rows for officers to find
    assert _tree(demo) == before
    real = ingest(load_config(demo / "kpi.yml"))
    assert console.shown[:-1] == summary_lines(real)[:-1]
    assert f"{real.rows_rejected:,} row(s) would be rejected" in console.said[-1]


# --- through the command ------------------------------------------------------------------------


def test_kpi_check_prints_the_summary_and_writes_nothing(mixed, capsys):
    from kpi.cli import main

    before = _tree(mixed.root)
    assert main(["check", "--config", str(mixed.config_path)]) == 1
    assert _tree(mixed.root) == before
    out, err = capsys.readouterr()
    assert out.splitlines()[0].startswith("table ") and out.splitlines()[-1].startswith("Dry run: nothing was written")
    assert err.splitlines()[0].endswith(f"are in order ({len(catalogue())} indicators, {len(TABLE_NAMES)} tables)")
    assert err.splitlines()[-1] == "4 row(s) would be rejected (`kpi ingest --strict` would exit 1)"


def test_a_renamed_category_value_is_one_line_from_kpi_check(project, capsys, monkeypatch, tmp_path):
    """Issue 13: renaming `police` in categories.yml rejected 11,926 demo contacts with exit 0."""
    import kpi.data.tables as dictionary
    from kpi.cli import main

    copy = tmp_path / "edited" / "categories.yml"
    copy.parent.mkdir()
    text = dictionary.CATEGORIES_FILE.read_text(encoding="utf-8")
    assert "  police: [police," in text
    copy.write_text(text.replace("  police: [police,", "  polis: [police,", 1), encoding="utf-8")
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    monkeypatch.setattr(dictionary, "CATEGORIES_FILE", copy)
    dictionary._dictionary.cache_clear()
    try:
        assert main(["check", "--config", str(project.config_path)]) == 2
    finally:
        monkeypatch.undo()
        dictionary._dictionary.cache_clear()
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1
    assert err.startswith(f"kpi check: {copy}: source: 'polis' is not a value tables.yml allows for contacts.source")
