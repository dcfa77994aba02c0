"""`kpi pack` fails cleanly: killed at any step, reports/<period>/ shows the previous pack or the new
one with its manifest, never a mix, and other variants, restricted/ and the commentary stay as they
were; the next start leaves nothing temporary; one pack per period at a time; a full disk or a folder
it may not write gives one line. The notebook is replaced by a stand-in: these are the file rules."""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import shutil
import stat
from pathlib import Path

import pandas as pd
import pytest
import yaml

from conftest import TEST_KEY, contacts_csv
from faults import KillAt, describe, visible
from kpi.cli import main
from kpi.pack import export
from kpi.pack.commentary import write_commentary_workbook
from kpi.pack.export import PackFailed, _Run, make_pack
from kpi.data.versions import StorageRefused, VersionedFolder

PERIOD = "2016-17Q4"
NOW = dt.datetime(2026, 11, 30, 9, 0, tzinfo=dt.timezone.utc)


class StandIn:
    """Runs in place of the notebook: writes each work file with a content saying which run made it."""

    def __init__(self):
        self.made_by = "first run"
        self.calls = 0
        self.kernels = []  # the kernel each variant was given to run in (None: a fresh one)

    def __call__(self, config, config_path, chosen, variant, work, out, progress, say, chart_workers=1,
                 kernel=None) -> _Run:
        self.calls += 1
        self.kernels.append(kernel)
        for name in export.WORK_FILES.values():
            (work / name).write_text(f"{variant.audience} {variant.language} {name}: {self.made_by}", encoding="utf-8")
        return _Run(variant, work, variant.audience)


@pytest.fixture
def stand_in(monkeypatch) -> StandIn:
    run = StandIn()
    monkeypatch.setattr(export, "_run_variant", run)
    monkeypatch.setattr(export, "_now", lambda: NOW)
    return run


def _pack(root: Path, **options) -> None:
    make_pack(root / "kpi.yml", PERIOD, progress=False, say=lambda text: None, allow_empty=True, **options)


@pytest.fixture(scope="module")
def _earlier(tmp_path_factory):
    """A project with processed data, and a period folder holding the Welsh and English public packs,
    the restricted draft, and the officers' commentary."""
    root = tmp_path_factory.mktemp("earlier")
    (root / "contacts.csv").write_text(contacts_csv("C1,P1,01/01/2017 09:00,Police,Referral,01/01/2017 11:00,NFA"))
    (root / "kpi.yml").write_text(yaml.safe_dump({
        "authority": {"name": "Test Council", "code": "W06000099", "nation": "wales"},
        "extract_date": "2020-03-31", "sources": {"contacts": {"path": "contacts.csv"}}}), encoding="utf-8")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPI_PSEUDONYM_KEY", TEST_KEY)
        assert main(["ingest", "--config", str(root / "kpi.yml"), "--quiet"]) == 0
        run = StandIn()
        patch.setattr(export, "_run_variant", run)
        patch.setattr(export, "_now", lambda: NOW - dt.timedelta(days=30))
        _pack(root, language="both")
        _pack(root, audience="restricted")
    write_commentary_workbook(root / "reports" / PERIOD / "commentary.xlsx", pd.DataFrame(
        {"indicator_id": ["contacts_received"], "title": ["Contacts received"], "latest_value": ["1"], "rag": [""]}))
    (root / "reports" / PERIOD / "commentary.yml").write_text("contacts_received: {commentary: Busy month}\n")
    return root


@pytest.fixture
def project(_earlier, tmp_path, monkeypatch):
    root = tmp_path / "project"
    shutil.copytree(_earlier, root, symlinks=True)
    data = export.load_processed(export.load_config(root / "kpi.yml"))
    monkeypatch.setattr(export, "load_processed", lambda config: data)  # read once: the steps here are writes
    return root


def _as_plain_folder(root: Path) -> None:
    """reports/<period> as a plain folder, as an older kpi (or `kpi commentary`) leaves it, with the
    hidden work folder of a pack an older kpi was killed in."""
    folder = root / "reports" / PERIOD
    files = folder.resolve()
    folder.unlink()
    shutil.copytree(files, folder)
    shutil.rmtree(root / "reports/versions")
    (root / "reports" / f".{PERIOD}.k2j4h5g6").mkdir()
    (root / "reports" / f".{PERIOD}.k2j4h5g6" / "pack.ipynb").write_text("half a notebook")


def _nothing_left(reports: Path) -> None:
    """In reports/ only period folders and versions/; per period only the version readers see; nothing hidden."""
    assert not [name for name in os.listdir(reports) if name.startswith(".")], sorted(os.listdir(reports))
    assert set(os.listdir(reports)) <= {PERIOD, "2016-17Q3", "versions"}, sorted(os.listdir(reports))
    store = reports / "versions" / PERIOD
    entries = sorted(os.listdir(store)) if store.exists() else []
    folder = reports / PERIOD
    if folder.is_symlink():
        assert len(entries) == 1 and folder.resolve().parent == (store / entries[0]).resolve(), entries
    else:
        assert entries == [], entries
    if folder.is_dir():
        assert not [p for p in folder.rglob(".*")], "temporary file left in the period folder"


def _unchanged_but_english(old: dict[str, bytes], new: dict[str, bytes]) -> None:
    changed = {name for name in old.keys() | new.keys() if old.get(name) != new.get(name)}
    assert changed == {f"pack.en.{kind}" for kind in export.WORK_FILES} | {"manifest.json"}, changed


SCENARIOS = {
    # name: (what reports/<period> is before, symbolic links possible, renameat2 exchange possible)
    "link": ("link", True, True),
    "plain folder from an older kpi": ("plain", True, True),
    "plain folder, no exchange": ("plain", True, False),
    "no symbolic links (Windows), no exchange": ("plain", False, False),
}


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_killed_at_any_step_the_period_shows_the_old_pack_or_the_new_one(scenario, project, stand_in, tmp_path,
                                                                         monkeypatch):
    before, links, exchange = SCENARIOS[scenario]
    if before == "plain":
        _as_plain_folder(project)
    if not exchange:
        monkeypatch.setattr("kpi.data.versions.exchange", lambda first, second: False)
    if not links:
        symlink = os.symlink

        def no_symlinks(source, target, *args, **kwargs):
            if "reports" in Path(target).parts:
                raise OSError(errno.EPERM, "Operation not permitted", str(target))
            return symlink(source, target, *args, **kwargs)  # data/processed of the test project is one

        monkeypatch.setattr(os, "symlink", no_symlinks)
    stand_in.made_by = "second run"
    old = visible(project / "reports" / PERIOD)

    reference = tmp_path / "reference"
    shutil.copytree(project, reference, symlinks=True)
    with KillAt(None, reference / "reports") as counted:
        _pack(reference)
    new = visible(reference / "reports" / PERIOD)
    _unchanged_but_english(old, new)
    manifest = json.loads(new["manifest.json"])
    assert manifest["period"] == PERIOD
    assert {entry["file"] for entry in manifest["files"]} == {name for name in new if name.startswith(
        ("pack.", "restricted/pack."))}
    _nothing_left(reference / "reports")

    # One project to run in; only its reports folder is put back as it was before each run.
    live, killed = tmp_path / "live", tmp_path / "killed"
    shutil.copytree(project, live, symlinks=True)
    for n in range(1, counted.count + 1):
        for folder in (live / "reports", killed):
            shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(project / "reports", live / "reports", symlinks=True)
        with KillAt(n, live / "reports", killed) as kill:
            _pack(live)
        assert kill.step, n
        where = f"killed at step {n} of {counted.count}, {kill.step}"

        # What kill -9 leaves: the old pack or the new one. Only where two renames stand in for the
        # exchange may the folder be missing between them, and then the old one waits to be put back.
        seen = visible(killed / PERIOD)
        if seen is None:
            assert not exchange and (killed / "versions" / PERIOD / "replaced").is_dir(), where
        else:
            assert seen in (old, new), f"{where}: {describe(seen)}"
        _next_start(killed)
        assert visible(killed / PERIOD) in (old, new), where
        _nothing_left(killed)

        # The same run unwinding as a failure: old or new, and tidy after the next start.
        assert visible(live / "reports" / PERIOD) in (old, new), where
        _next_start(live / "reports")
        _nothing_left(live / "reports")
    _pack(live)  # and the next pack after a failed one works as usual
    assert visible(live / "reports" / PERIOD) == new
    _nothing_left(live / "reports")


def _next_start(reports: Path) -> None:
    """What `kpi pack` does first: tidy its own period and any other not in use."""
    period = VersionedFolder(reports / PERIOD)
    with period.locked("next start"):
        period.sweep()
    export._sweep_other_periods(reports, PERIOD)


def test_commentary_written_after_a_pack_is_read_and_kept_by_the_next(project, stand_in):
    folder = project / "reports" / PERIOD
    (folder / "commentary.xlsx").write_bytes(b"written through the link, as kpi commentary does")
    _pack(project, language="cy")
    assert (folder / "commentary.xlsx").read_bytes() == b"written through the link, as kpi commentary does"
    _nothing_left(project / "reports")


def test_both_languages_run_in_one_kernel_shut_down_at_the_end_and_one_language_in_a_fresh_one(project, stand_in,
                                                                                              monkeypatch):
    closed = []
    monkeypatch.setattr(export.KeptKernel, "close", lambda kernel: closed.append(kernel))
    _pack(project, language="both")
    welsh, english = stand_in.kernels
    assert isinstance(welsh, export.KeptKernel) and english is welsh and closed == [welsh]
    _pack(project, language="en")
    assert stand_in.kernels[-1] is None and len(closed) == 1


def test_a_pack_failing_in_the_notebook_leaves_the_previous_pack_and_no_work_folder(project, stand_in, capsys,
                                                                                  monkeypatch):
    before = visible(project / "reports" / PERIOD)

    def failing(*args):
        raise PackFailed("quarterly_pack.ipynb failed in cell 5 (`x`): ValueError: broke")

    monkeypatch.setattr(export, "_run_variant", failing)
    assert main(["pack", "--config", str(project / "kpi.yml"), "--period", PERIOD, "--allow-empty", "--quiet"]) == 3
    assert visible(project / "reports" / PERIOD) == before
    _nothing_left(project / "reports")


def test_stale_work_folders_of_any_period_are_swept_at_the_next_start_unless_that_period_is_running(project,
                                                                                                  stand_in):
    reports = project / "reports"
    old_kpi = reports / f".{PERIOD}.k2j4h5g6"  # an older kpi's pack, killed
    killed_here = reports / "versions" / PERIOD / "work-en-20261101T000000.000000Z-99999"
    killed_there = reports / "versions/2016-17Q3/work-cy-20261101T000000.000000Z-99999"
    running = reports / "versions/2016-17Q2/work-en-20261130T085900.000000Z-4242"
    for folder in (old_kpi, killed_here, killed_there, running):
        folder.mkdir(parents=True)
        (folder / "pack.ipynb").write_text("half a notebook")
    (reports / "versions/2016-17Q3/lock").write_text('{"command": "kpi pack", "pid": 99999}')  # its run died
    with VersionedFolder(reports / "2016-17Q2").locked("kpi pack"):  # a pack of Q2 is running now
        _pack(project)
        assert running.exists()
    assert not old_kpi.exists() and not killed_here.exists() and not killed_there.exists()
    assert not (reports / "versions/2016-17Q3").exists()


def test_a_second_pack_of_the_same_period_is_refused_naming_the_first(project, stand_in, capsys):
    before = visible(project / "reports" / PERIOD)
    with VersionedFolder(project / "reports" / PERIOD).locked("kpi pack"):
        assert main(["pack", "--config", str(project / "kpi.yml"), "--period", PERIOD, "--allow-empty",
                     "--quiet"]) == 2
        line = _one_line(capsys)
        assert f"{PERIOD} is being written by kpi pack (pid {os.getpid()} on " in line and "since 20" in line
        assert stand_in.calls == 0 and visible(project / "reports" / PERIOD) == before
        make_pack(project / "kpi.yml", "2016-17Q3", progress=False, say=lambda text: None, allow_empty=True)
        assert stand_in.calls == 1  # another period is not held up
    _pack(project)
    assert stand_in.calls == 2


def _one_line(capsys) -> str:
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert "Traceback" not in err[0]
    return err[0]


@pytest.mark.parametrize("number", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_a_full_disk_or_a_folder_it_may_not_write_gives_one_line_and_leaves_the_pack(project, stand_in, capsys,
                                                                                   monkeypatch, number):
    before = visible(project / "reports" / PERIOD)
    made = stand_in.__call__

    def refused(config, config_path, chosen, variant, work, *args):
        made(config, config_path, chosen, variant, work, *args)
        raise OSError(number, os.strerror(number), str(work / "pack.pdf"))  # as WeasyPrint writing the PDF

    monkeypatch.setattr(export, "_run_variant", refused)
    assert main(["pack", "--config", str(project / "kpi.yml"), "--period", PERIOD, "--allow-empty", "--quiet"]) == 2
    line = _one_line(capsys)
    assert f"pack.pdf: {os.strerror(number)}" in line and "the previous pack, if any, is unchanged" in line
    assert visible(project / "reports" / PERIOD) == before
    _nothing_left(project / "reports")


def test_a_read_only_reports_folder_gives_one_line(project, stand_in, capsys, monkeypatch):
    before = visible(project / "reports" / PERIOD)
    mkdir = os.mkdir

    def read_only(path, *args, **kwargs):
        if "reports" in Path(path).parts:
            raise OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))
        return mkdir(path, *args, **kwargs)

    monkeypatch.setattr(os, "mkdir", read_only)
    assert main(["pack", "--config", str(project / "kpi.yml"), "--period", PERIOD, "--allow-empty", "--quiet"]) == 2
    assert "Read-only file system" in _one_line(capsys)
    assert visible(project / "reports" / PERIOD) == before


def test_a_full_disk_inside_the_notebook_gives_the_same_one_line(tmp_path, monkeypatch):
    from papermill.exceptions import PapermillExecutionError

    def full(*args, **kwargs):
        raise PapermillExecutionError(3, 7, "workbook.save(path)", "OSError",
                                      f"[Errno {errno.ENOSPC}] No space left on device: '{tmp_path}/pack.xlsx'", [])

    monkeypatch.setattr("papermill.execute_notebook", full)
    with pytest.raises(StorageRefused, match=f"{tmp_path}/pack.xlsx: No space left on device"):
        export.execute(tmp_path / "quarterly_pack.ipynb", tmp_path / "pack.ipynb", {}, progress=False)


def test_the_commentary_workbook_on_a_full_disk_gives_one_line(project, capsys, monkeypatch):
    import openpyxl

    def full(self, path):
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC), str(path))

    monkeypatch.setattr(openpyxl.Workbook, "save", full)
    assert main(["commentary", "--config", str(project / "kpi.yml"), "--period", PERIOD]) == 2
    line = _one_line(capsys)
    assert f"{PERIOD}/commentary.xlsx: No space left on device" in line


def test_pack_files_are_ordinary_files_readable_by_others(project, stand_in):
    previous = os.umask(0o022)
    try:
        _pack(project, language="both")
    finally:
        os.umask(previous)
    version = (project / "reports" / PERIOD).resolve()
    for path in [version, *version.rglob("*")]:
        if path.name.startswith("commentary."):
            continue  # written by the test, not by kpi
        expected = 0o755 if path.is_dir() else 0o644
        assert stat.S_IMODE(path.stat().st_mode) == expected, path
