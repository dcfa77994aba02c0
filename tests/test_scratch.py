"""An ingest's working files live in a private folder that goes when the table's result goes, and what a
killed run left is removed by the next."""

from __future__ import annotations

import gc
import os
import stat
import subprocess
import sys

import pytest

from conftest import GOOD_CONTACT, contacts_csv
from kpi.data import scratch
from kpi.data.scratch import Scratch


@pytest.fixture
def temporary(tmp_path, monkeypatch):
    folder = tmp_path / "tmp"
    folder.mkdir()
    monkeypatch.setattr(scratch.tempfile, "gettempdir", lambda: str(folder))
    return folder


def test_the_folder_is_private_and_goes_with_its_owner(temporary):
    made = Scratch()
    assert made.path.parent == temporary
    assert stat.S_IMODE(made.path.stat().st_mode) == 0o700
    (made.path / "rows.arrow").write_bytes(b"rows")
    path = made.path
    del made
    gc.collect()
    assert not path.exists()


def test_a_killed_run_s_folder_is_removed_by_the_next(temporary):
    gone = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    dead = int(gone.stdout)
    left = temporary / f"{scratch.PREFIX}{dead}-{'0' * 16}"
    left.mkdir()
    (left / "contacts.arrow").write_bytes(b"rows")
    running = temporary / f"{scratch.PREFIX}{os.getppid()}-{'1' * 16}"  # a live process's: kept
    running.mkdir()
    kept = Scratch()
    assert not left.exists() and running.exists() and kept.path.exists()


def test_an_ingest_leaves_nothing_behind(project, temporary):
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    result = project.ingest()
    assert len(list(temporary.iterdir())) == 1  # the table's rows, while its result may still be asked for
    assert len(result.tables["contacts"].accepted) == 1
    del result
    gc.collect()
    assert list(temporary.iterdir()) == []
