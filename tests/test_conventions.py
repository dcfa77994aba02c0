"""The conventions every command keeps (issue 13, point 7): CSV for people is UTF-8 with a byte-order mark
(so Excel shows "Môn" and "ŵ") and reads back unchanged, CSV into a pipe has none; progress bars only on
a terminal and never with --quiet; every subcommand's help has an example and its exit statuses, and the
README lists every command and every exit status."""

from __future__ import annotations

import argparse
import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from conftest import GOOD_CONTACT, contacts_csv
from kpi.cli import EXIT_CODES, build_parser, main
from kpi.config import load_config
from kpi.data.ingest import ingest
from kpi.data.progress import ProgressBars

ROOT = Path(__file__).resolve().parents[1]
BOM = b"\xef\xbb\xbf"
WELSH_SOURCE = "C2,P2,11/02/2017 10:00,Ysgol Môn,Enquiry,,"  # rejected: an unknown source, in Welsh
BAD_DATE = "C3,P3,31/02/2017,Police,Referral,,"


class Terminal(io.StringIO):
    """Standard error as a person at a terminal has it."""

    def isatty(self) -> bool:
        return True


@pytest.fixture
def contacts(project):
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT, WELSH_SOURCE, BAD_DATE))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    return project


def _read_back(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype=str, keep_default_na=False)


def _as_read(frame: pd.DataFrame) -> pd.DataFrame:
    """A table as it reads back from CSV: every cell text, an empty cell ''."""
    return frame.astype(object).where(frame.notna(), "").astype(str).reset_index(drop=True)


# --- the byte-order mark ----------------------------------------------------------------------


def test_rejected_rows_and_the_ingest_report_start_with_the_mark_and_read_back_unchanged(contacts):
    result = contacts.ingest()
    processed = contacts.root / "data/processed"
    rejected, report = processed / "rejected/contacts.csv", processed / "ingest_report.csv"
    assert rejected.read_bytes().startswith(BOM) and report.read_bytes().startswith(BOM)
    assert not rejected.read_bytes()[3:].startswith(BOM)  # one mark, not two
    back = _read_back(rejected)
    # "contact_id", not "\ufeffcontact_id": pandas drops the mark
    assert list(back.columns) == list(result.tables["contacts"].rejected.columns)
    pd.testing.assert_frame_equal(back, _as_read(result.tables["contacts"].rejected))
    assert "Ysgol Môn" in back["source"].tolist()
    assert list(_read_back(report).columns) == list(result.report.columns)
    assert _read_back(report)["rows_rejected"].tolist() == [str(n) for n in result.report["rows_rejected"]]


@pytest.fixture
def ingested(contacts):
    contacts.ingest()
    return contacts


def _kpi(*args: str, cwd: Path, stdout=subprocess.PIPE) -> subprocess.CompletedProcess:
    """`kpi` as an officer runs it, in a shell with its standard output to a pipe or a file."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)}
    done = subprocess.run([sys.executable, "-m", "kpi.cli", *args], cwd=cwd, env=env, stdout=stdout,
                          stderr=subprocess.PIPE, timeout=120)
    assert done.returncode == 0, done.stderr.decode()
    return done


def test_indicators_csv_has_the_mark_in_a_file_and_none_in_a_pipe(ingested, capsys):
    out = ingested.root / "out" / "q.csv"
    assert main(["indicators", "--format", "csv", "--out", str(out), "--config", str(ingested.config_path)]) == 0
    assert out.read_bytes().startswith(BOM)

    piped = _kpi("indicators", "--format", "csv", cwd=ingested.root).stdout
    assert piped.startswith(b"indicator_id,") and BOM not in piped

    redirected = ingested.root / "redirected.csv"  # kpi indicators --format csv > redirected.csv
    with redirected.open("wb") as handle:
        _kpi("indicators", "--format", "csv", cwd=ingested.root, stdout=handle)
    assert redirected.read_bytes().startswith(BOM) and redirected.read_bytes()[3:] == piped

    from_pipe = pd.read_csv(io.BytesIO(piped), dtype=str, keep_default_na=False)
    pd.testing.assert_frame_equal(_read_back(out), from_pipe)
    pd.testing.assert_frame_equal(_read_back(redirected), from_pipe)
    assert from_pipe.columns[0] == "indicator_id"


def test_translation_status_csv_has_the_mark_and_reads_back_as_the_table(tmp_path, capsys):
    status = tmp_path / "status.csv"
    assert main(["translations", "--status", "--out", str(status)]) == 0
    assert status.read_bytes().startswith(BOM)
    capsys.readouterr()
    assert main(["translations", "--status"]) == 0
    to_stdout = capsys.readouterr().out
    assert not to_stdout.startswith("\ufeff")
    pd.testing.assert_frame_equal(_read_back(status), pd.read_csv(io.StringIO(to_stdout), dtype=str,
                                                                  keep_default_na=False))


# --- progress ---------------------------------------------------------------------------------


def test_bars_are_drawn_on_a_terminal_for_each_table(contacts):
    terminal = Terminal()
    ingest(load_config(contacts.config_path), progress=ProgressBars(stream=terminal, large_rows=1))
    drawn = terminal.getvalue()
    assert "contacts: reading" in drawn and "0/1" in drawn  # the files of the source (one)
    assert "contacts: checking 3 rows" in drawn  # a large table's checks (large_rows=1 here)


def test_no_bars_into_a_log_or_a_pipe(contacts):
    log = io.StringIO()  # not a terminal
    ingest(load_config(contacts.config_path), progress=ProgressBars(stream=log, large_rows=1))
    assert log.getvalue() == ""


@pytest.mark.parametrize("command", ["ingest", "check"])
def test_the_command_draws_bars_on_a_terminal_and_none_with_quiet(contacts, capsys, monkeypatch, command):
    argv = [command, "--config", str(contacts.config_path)]
    drawn = Terminal()
    monkeypatch.setattr(sys, "stderr", drawn)
    main(argv)
    summary = capsys.readouterr().out
    assert "contacts: reading" in drawn.getvalue()

    quiet = Terminal()
    monkeypatch.setattr(sys, "stderr", quiet)
    main([*argv, "--quiet"])
    assert capsys.readouterr().out == summary  # the same summary, on standard output
    assert "contacts: reading" not in quiet.getvalue() and "\r" not in quiet.getvalue()
    assert summary.splitlines()[0].startswith("table ")


def test_ingest_into_a_log_prints_only_the_summary(contacts, capsys):
    assert main(["ingest", "--config", str(contacts.config_path)]) == 0  # capsys: not a terminal
    captured = capsys.readouterr()
    assert captured.err == ""
    assert captured.out.splitlines()[0].startswith("table ") and "Tables written to" in captured.out


# --- help and the README ----------------------------------------------------------------------


def _subcommands() -> dict[str, argparse.ArgumentParser]:
    parser = build_parser()
    return next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction)).choices


@pytest.mark.parametrize("name", list(_subcommands()))
def test_every_subcommand_help_has_an_example_and_its_exit_statuses(name):
    text = _subcommands()[name].format_help()
    assert re.search(rf"^examples?:\n  kpi {re.escape(name)}\b", text, re.MULTILINE), text
    statuses = text.split("exit status:\n", 1)[1]
    listed = [int(code) for code in re.findall(r"^  (\d+) ", statuses, re.MULTILINE)]
    assert listed[0] == 0 and 2 in listed and set(listed) <= set(EXIT_CODES)


def test_kpi_help_lists_every_exit_status():
    text = build_parser().format_help()
    for code in EXIT_CODES:
        assert re.search(rf"^  {code} +\S", text, re.MULTILINE), code


def test_the_readme_lists_every_command_and_every_exit_status():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    for name in _subcommands():
        assert f"| `kpi {name}` |" in readme, name
    for code in EXIT_CODES:
        assert f"\n| {code} | " in readme, code


def test_every_path_the_readme_names_in_the_package_exists():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    named = set(re.findall(r"`(src/kpi/[^` ]+)`", readme))
    assert len(named) > 5, named
    missing = sorted(path for path in named if not any(ROOT.glob(path)))  # a pattern: at least one file
    assert missing == []
