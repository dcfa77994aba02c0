"""Pseudonym keys that would not keep pseudonyms secret are refused with one line; a new key is sound."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from kpi.config import load_config
from kpi.errors import UnusableInput
from kpi.data.pseudonym import MINIMUM_KEY_BYTES, key_for, load_key, pseudonymise

GOOD_KEY = b"k" * MINIMUM_KEY_BYTES


@pytest.fixture
def no_env_key(monkeypatch):
    monkeypatch.delenv("KPI_PSEUDONYM_KEY", raising=False)


def _key_file(path: Path, content: bytes = GOOD_KEY + b"\n", mode: int = 0o600) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    path.chmod(mode)
    return path


def _refused(call, *words: str) -> str:
    with pytest.raises(UnusableInput) as caught:
        call()
    text = str(caught.value)
    assert "\n" not in text and all(w in text for w in words), text
    assert GOOD_KEY.decode() not in text  # never the key itself
    return text


@pytest.mark.parametrize("key", ["k", "x" * (MINIMUM_KEY_BYTES - 1), "\u00e9" * 15])
def test_a_short_key_in_the_environment_is_refused(monkeypatch, tmp_path, key):
    monkeypatch.setenv("KPI_PSEUDONYM_KEY", key)
    text = _refused(lambda: load_key(tmp_path / ".pseudonym_key"), "KPI_PSEUDONYM_KEY", "at least 32")
    assert len(key) == 1 or key not in text


def test_a_32_byte_key_in_the_environment_is_used(monkeypatch, tmp_path):
    monkeypatch.setenv("KPI_PSEUDONYM_KEY", "y" * MINIMUM_KEY_BYTES)
    assert load_key(tmp_path / ".pseudonym_key") == b"y" * MINIMUM_KEY_BYTES
    assert not (tmp_path / ".pseudonym_key").exists()


def test_a_short_key_file_is_refused(no_env_key, tmp_path):
    key_file = _key_file(tmp_path / ".pseudonym_key", b"short\n")
    _refused(lambda: load_key(key_file), str(key_file), "5 bytes", "at least 32")


@pytest.mark.parametrize("mode", [0o644, 0o640, 0o604, 0o620, 0o602, 0o666])
def test_a_key_file_others_can_read_or_change_is_refused(no_env_key, tmp_path, mode):
    key_file = _key_file(tmp_path / ".pseudonym_key", mode=mode)
    _refused(lambda: load_key(key_file), "other users", f"{mode:04o}", "chmod 600")


@pytest.mark.parametrize("mode", [0o600, 0o400])
def test_a_key_file_only_its_owner_can_read_is_used(no_env_key, tmp_path, mode):
    key_file = _key_file(tmp_path / ".pseudonym_key", mode=mode)
    assert load_key(key_file) == GOOD_KEY


@pytest.mark.skipif(not Path("/etc/hostname").is_file(), reason="no /etc/hostname here")
def test_a_system_file_is_refused_as_a_key_file_and_through_a_link(no_env_key, tmp_path):
    _refused(lambda: load_key(Path("/etc/hostname")), "/etc/hostname")
    link = tmp_path / ".pseudonym_key"
    link.symlink_to("/etc/hostname")
    _refused(lambda: load_key(link), str(link))


@pytest.mark.skipif(os.name != "posix" or os.geteuid() != 0, reason="only root can give a file away")
def test_a_key_file_of_another_user_is_refused(no_env_key, tmp_path):
    key_file = _key_file(tmp_path / ".pseudonym_key")
    os.chown(key_file, 54321, -1)
    _refused(lambda: load_key(key_file), "another user", "54321")


def test_a_folder_or_a_pipe_is_refused_as_a_key_file(no_env_key, tmp_path):
    (tmp_path / "folder").mkdir(mode=0o700)
    _refused(lambda: load_key(tmp_path / "folder"), "regular file")
    os.mkfifo(tmp_path / "pipe", 0o600)
    _refused(lambda: load_key(tmp_path / "pipe"), "regular file")


def test_a_dangling_link_and_a_huge_file_are_refused(no_env_key, tmp_path):
    (tmp_path / "gone").symlink_to(tmp_path / "nowhere")
    _refused(lambda: load_key(tmp_path / "gone"), "cannot read")
    huge = _key_file(tmp_path / "huge", b"k" * 100_000)
    _refused(lambda: load_key(huge), "not a pseudonym key file")


def _project(tmp_path: Path, **settings) -> Path:
    config = tmp_path / "kpi.yml"
    lines = ["authority: {name: Test Council, code: W06000099, nation: wales}",
             *(f"{k}: {v}" for k, v in settings.items())]
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


@pytest.mark.parametrize("setting", ["reports/.pseudonym_key", "reports/2026-27Q2/key", "data/processed/.key",
                                     "data/processed/rejected/.key", "./reports/../reports/.key"])
def test_a_key_file_in_the_reports_or_processed_folder_is_refused_and_never_created(no_env_key, tmp_path,
                                                                                    setting):
    config = load_config(_project(tmp_path, pseudonym_key_file=setting))
    _refused(lambda: key_for(config), "pseudonym_key_file", "shared or published")
    assert not config.resolve(setting).exists()
    _key_file(config.resolve(setting))  # even a good key that is already there
    _refused(lambda: key_for(config), "pseudonym_key_file")


def test_a_key_file_reached_through_a_linked_processed_folder_is_refused(no_env_key, tmp_path):
    """The processed folder may become a link to the run's folder: the key must not sit in either."""
    run = tmp_path / "data" / "runs" / "2026-11-30"
    run.mkdir(parents=True)
    (tmp_path / "data" / "processed").symlink_to(run, target_is_directory=True)
    config = load_config(_project(tmp_path, pseudonym_key_file=str(run / ".pseudonym_key")))
    _refused(lambda: key_for(config), "pseudonym_key_file")
    outside = _key_file(tmp_path / "secrets" / "key")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "key").symlink_to(outside)
    config = load_config(_project(tmp_path, pseudonym_key_file="reports/key"))
    _refused(lambda: key_for(config), "pseudonym_key_file")


def test_reports_and_processed_folders_set_in_the_config_are_the_ones_kept_clear(no_env_key, tmp_path):
    config = load_config(_project(tmp_path, reports="committee/packs", processed="work/tables",
                                  pseudonym_key_file="committee/packs/key"))
    _refused(lambda: key_for(config), "committee/packs")
    config = load_config(_project(tmp_path, reports="committee/packs", processed="work/tables",
                                  pseudonym_key_file="work/tables/key"))
    _refused(lambda: key_for(config), "work/tables")


def test_a_new_key_is_random_long_and_readable_by_its_owner_only(no_env_key, tmp_path):
    config = load_config(_project(tmp_path))
    key = key_for(config)
    key_file = tmp_path / "data" / ".pseudonym_key"
    assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert len(key) >= MINIMUM_KEY_BYTES and len(bytes.fromhex(key.decode("ascii"))) == MINIMUM_KEY_BYTES
    assert key_for(config) == key  # created once, then read
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert load_key(other / ".pseudonym_key") != key  # random, not derived
    ids = pseudonymise(__import__("pandas").Series(["P1"]), key, prefix="C-")
    assert ids[0].startswith("C-") and len(ids[0]) == 22


def test_a_new_key_is_0600_whatever_the_umask(no_env_key, tmp_path):
    previous = os.umask(0o000)
    try:
        load_key(tmp_path / ".pseudonym_key")
    finally:
        os.umask(previous)
    assert stat.S_IMODE((tmp_path / ".pseudonym_key").stat().st_mode) == 0o600


def test_a_key_that_cannot_be_created_is_one_line(no_env_key, tmp_path):
    blocker = tmp_path / "data"
    blocker.write_text("a file where the folder should be")
    _refused(lambda: load_key(blocker / ".pseudonym_key"), "cannot create the pseudonym key")
