"""`kpi ingest` fails cleanly: killed at any step, a reader sees the previous run's tables or the new
run's, never a mix, and the next start leaves nothing temporary; one ingest at a time; a full disk or a
folder it may not write gives one line; files are readable as ordinary files."""

from __future__ import annotations

import errno
import os
import shutil
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import GOOD_CONTACT, TEST_KEY, contacts_csv
from faults import KillAt, describe, visible
from kpi.data import ingest as ingest_module
from kpi.cli import main
from kpi.config import load_config
from kpi.data.ingest import ingest
from kpi.data.processed import load_processed
from kpi.data.versions import VersionedFolder

COMPARATORS = ("indicator_id,area_code,area_name,area_type,period,value\n"
               "rereferrals_within_12m_pct,W06000001,Ynys Mon,authority,2018-19,21.5\n")
OLD_SOURCES = {"contacts": {"path": "contacts_old.csv"}, "comparators": {"path": "comparators.csv"}}
NEW_SOURCES = {"contacts": {"path": "contacts_new.csv"}}  # comparators taken out: its table must go too


def _config(root: Path, sources: dict) -> Path:
    path = root / "kpi.yml"
    path.write_text(yaml.safe_dump({"authority": {"name": "Test Council", "code": "W06000099", "nation": "wales"},
                                    "extract_date": "2020-03-31", "sources": sources}), encoding="utf-8")
    return path


def _run(root: Path):
    return ingest(load_config(root / "kpi.yml"))


def _nothing_left(root: Path) -> None:
    """Beside data/processed only its versions; in them only the one readers see; no lock, no hidden file."""
    data, link = root / "data", root / "data/processed"
    assert {p.name for p in data.iterdir()} <= {"processed", "versions"}, sorted(os.listdir(data))
    store = data / "versions/processed"
    entries = sorted(os.listdir(store)) if store.exists() else []
    if link.is_symlink():
        assert len(entries) == 1 and link.resolve().parent == (store / entries[0]).resolve(), entries
    else:
        assert entries == [], entries
    if (data / "versions").exists():
        assert os.listdir(data / "versions") == ["processed"]
    if link.is_dir():
        assert not [p for p in link.rglob(".*")], "temporary file left in data/processed"


@pytest.fixture(scope="module")
def _earlier_run(tmp_path_factory):
    root = tmp_path_factory.mktemp("earlier")
    (root / "contacts_old.csv").write_text(contacts_csv(GOOD_CONTACT, "C9,P9,31/02/2017,Police,Referral,,"))
    (root / "contacts_new.csv").write_text(contacts_csv(GOOD_CONTACT, "C2,P2,11/02/2017 10:00,Health,Enquiry,,"))
    (root / "comparators.csv").write_text(COMPARATORS)
    _config(root, OLD_SOURCES)
    with pytest.MonkeyPatch.context() as patch:  # the autouse key fixture is per test, this is per module
        patch.setenv("KPI_PSEUDONYM_KEY", TEST_KEY)
        _run(root)
    _config(root, NEW_SOURCES)
    return root


@pytest.fixture
def pristine(_earlier_run, tmp_path):
    """A project whose data/processed holds an earlier run's tables, and whose kpi.yml now says something else."""
    root = tmp_path / "pristine"
    shutil.copytree(_earlier_run, root, symlinks=True)
    return root


def _as_older_kpi_left_it(root: Path) -> None:
    """data/processed as a plain folder, as kpi wrote it before versions existed."""
    link = root / "data/processed"
    files = link.resolve()
    link.unlink()
    shutil.copytree(files, link)
    shutil.rmtree(root / "data/versions")


SCENARIOS = {
    # name: (what data/processed is before, symbolic links possible, renameat2 exchange possible)
    "link": ("link", True, True),
    "first run": (None, True, True),
    "plain folder from an older kpi": ("plain", True, True),
    "plain folder, no exchange": ("plain", True, False),
    "no symbolic links (Windows), no exchange": ("plain", False, False),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_killed_at_any_step_readers_see_old_or_new_and_the_next_start_tidies(scenario, pristine, tmp_path,
                                                                           monkeypatch):
    before, links, exchange = SCENARIOS[scenario]
    if before == "plain":
        _as_older_kpi_left_it(pristine)
    elif before is None:
        shutil.rmtree(pristine / "data")
    if not exchange:
        monkeypatch.setattr("kpi.data.versions.exchange", lambda first, second: False)
    if not links:
        def no_symlinks(*args, **kwargs):
            raise OSError(errno.EPERM, "Operation not permitted", args[1])
        monkeypatch.setattr(os, "symlink", no_symlinks)
    # Reading the extracts is done once: the steps that matter are the writing ones.
    loaded, load_table = {}, ingest_module.load_table

    def load_once(name, *args, **kwargs):
        if name not in loaded:
            loaded[name] = load_table(name, *args, **kwargs)
        return loaded[name]

    monkeypatch.setattr(ingest_module, "load_table", load_once)

    old = visible(pristine / "data/processed")
    reference = tmp_path / "reference"
    shutil.copytree(pristine, reference, symlinks=True)
    with KillAt(None, reference) as counted:
        _run(reference)
    new = visible(reference / "data/processed")
    assert new is not None and new != old and "comparators.parquet" not in new
    _nothing_left(reference)

    live, killed = tmp_path / "live", tmp_path / "killed"
    for n in range(1, counted.count + 1):
        for folder in (live, killed):
            shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(pristine, live, symlinks=True)
        with KillAt(n, live, killed) as kill:
            _run(live)
        assert kill.step, n
        where = f"killed at step {n} of {counted.count}, {kill.step}"

        # What kill -9 leaves: the old set or the new one. Only where two renames stand in for the
        # exchange may the folder be missing between them, and then the old one waits to be put back.
        seen = visible(killed / "data/processed")
        if seen is None and old is not None:
            assert not exchange and (killed / "data/versions/processed/replaced").is_dir(), where
        else:
            assert seen in (old, new), f"{where}: {describe(seen)}"
        with VersionedFolder(killed / "data/processed").locked("next start"):
            VersionedFolder(killed / "data/processed").sweep()
        assert visible(killed / "data/processed") in (old, new), where
        _nothing_left(killed)

        # The same run unwinding as a failure: old or new, and tidy after the next start.
        assert visible(live / "data/processed") in (old, new), where
        with VersionedFolder(live / "data/processed").locked("next start"):
            VersionedFolder(live / "data/processed").sweep()
        _nothing_left(live)
    _run(killed)  # and the next ingest after a kill works as usual
    assert visible(killed / "data/processed") == new
    _nothing_left(killed)


def test_load_processed_reads_every_table_from_one_version(pristine, monkeypatch):
    """A switch between two tables read: the reader keeps to the version it started with."""
    config = load_config(pristine / "kpi.yml")
    old_contacts = pd.read_parquet(pristine / "data/processed/contacts.parquet")
    read = pd.read_parquet
    switched = []

    def read_then_ingest(path, *args, **kwargs):
        frame = read(path, *args, **kwargs)
        if not switched:
            switched.append(True)
            _run(pristine)  # the new run removes comparators and changes contacts
        return frame

    monkeypatch.setattr(pd, "read_parquet", read_then_ingest)
    data = load_processed(config)
    # Either the whole old set (if its version was still there) or, restarted, the whole new one.
    if "comparators" in data.tables:
        assert len(data.tables["contacts"]) == len(old_contacts)
    else:
        assert len(data.tables["contacts"]) == 2


def test_files_other_than_ingests_own_are_kept_and_older_temporary_files_are_not(pristine):
    _as_older_kpi_left_it(pristine)
    processed = pristine / "data/processed"
    (processed / "README.md").write_text("what this folder is")
    (processed / ".contacts.parquet.k2j4h5g6").write_bytes(b"half a table from a killed older kpi")
    _run(pristine)
    assert processed.is_symlink()
    assert (processed / "README.md").read_text() == "what this folder is"
    assert not (processed / ".contacts.parquet.k2j4h5g6").exists()
    assert not (processed / "comparators.parquet").exists()
    _nothing_left(pristine)


def test_a_stale_version_left_by_a_killed_run_is_swept_at_the_next_start(pristine):
    stale = pristine / "data/versions/processed/20200101T000000.000000Z-99999/processed"
    stale.mkdir(parents=True)
    (stale / "contacts.parquet").write_bytes(b"half")
    (pristine / "data/versions/processed/lock").write_text('{"command": "kpi ingest", "pid": 99999}')
    _run(pristine)
    assert not stale.parent.exists()
    _nothing_left(pristine)


def test_outputs_are_ordinary_files_readable_by_others(pristine):
    previous = os.umask(0o022)
    try:
        _run(pristine)
    finally:
        os.umask(previous)
    processed = pristine / "data/processed"
    for path in [processed.resolve(), *processed.resolve().rglob("*")]:
        expected = 0o755 if path.is_dir() else 0o644
        assert stat.S_IMODE(path.stat().st_mode) == expected, path


# --- one ingest at a time ------------------------------------------------------------------------


HOLD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    from kpi.data.versions import VersionedFolder
    with VersionedFolder(Path(sys.argv[1])).locked("kpi ingest"):
        print("holding", flush=True)
        time.sleep(60)
""")


def _one_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


def test_a_second_ingest_is_refused_naming_the_first_and_a_dead_ones_lock_is_taken_over(pristine, capsys):
    before = visible(pristine / "data/processed")
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(pristine / "data/processed")],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "holding"
        assert main(["ingest", "--config", str(pristine / "kpi.yml"), "--quiet"]) == 2
        line = _one_line(capsys)
        assert "is being written by kpi ingest" in line and f"pid {holder.pid} on " in line and "since 20" in line
        assert visible(pristine / "data/processed") == before
    finally:
        holder.kill()  # kill -9: the lock file stays, but nobody holds it any more
        holder.wait()
    assert (pristine / "data/versions/processed/lock").exists()
    assert main(["ingest", "--config", str(pristine / "kpi.yml"), "--quiet"]) == 0
    assert visible(pristine / "data/processed") != before
    _nothing_left(pristine)


# --- a full disk, a folder it may not write --------------------------------------------------------


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EDQUOT])
def test_a_full_disk_gives_one_line_naming_the_file_and_leaves_the_old_tables(pristine, capsys, monkeypatch,
                                                                           number):
    before = visible(pristine / "data/processed")

    def full(self, path, *args, **kwargs):
        Path(path).write_bytes(b"half")
        raise OSError(number, "Error writing bytes to file")  # as pyarrow raises it: no file name

    monkeypatch.setattr(pd.DataFrame, "to_parquet", full)
    assert main(["ingest", "--config", str(pristine / "kpi.yml"), "--quiet"]) == 2
    line = _one_line(capsys)
    assert f"data/processed/contacts.parquet: {os.strerror(number)}" in line
    assert "as they were before this run" in line
    assert visible(pristine / "data/processed") == before
    _nothing_left(pristine)


@pytest.mark.parametrize("number", [errno.EACCES, errno.EROFS, errno.EPERM])
def test_a_folder_it_may_not_write_gives_one_line_naming_it(pristine, capsys, monkeypatch, number):
    before = visible(pristine / "data/processed")
    store = pristine / "data/versions/processed"
    mkdir = os.mkdir

    def refuse(path, *args, **kwargs):
        if Path(path).parent == store:
            raise OSError(number, os.strerror(number), str(path))
        return mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", refuse)
    assert main(["ingest", "--config", str(pristine / "kpi.yml"), "--quiet"]) == 2
    line = _one_line(capsys)
    assert f"{store}" in line and os.strerror(number) in line
    assert visible(pristine / "data/processed") == before
    _nothing_left(pristine)


def test_a_read_only_data_folder_gives_one_line(pristine, capsys, monkeypatch):
    open_ = os.open

    def read_only(path, flags, *args, **kwargs):
        if flags & os.O_CREAT:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return open_(path, flags, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    before = visible(pristine / "data/processed")
    assert main(["ingest", "--config", str(pristine / "kpi.yml"), "--quiet"]) == 2
    assert "Read-only file system" in _one_line(capsys)
    assert visible(pristine / "data/processed") == before
