"""Folders that change in one step: a reader sees the previous run's files or the new run's, never a mix.

`data/processed` (written by `kpi ingest`) and each `reports/<period>` (written by `kpi pack`) are
symbolic links to a complete version of the folder, kept beside it under `versions/`:

    data/processed    -> versions/processed/20261130T090000.123456Z-4242/processed
    reports/2026-27Q2 -> versions/2026-27Q2/20261130T091500.654321Z-4301/2026-27Q2

A run builds its new version in full, then replaces the link by renaming a new link over it
(os.replace: one rename(2), atomic on POSIX). Every existing path keeps working, and the version's
own folder has the usual name, so code that resolves the link still sees `processed` or `2026-27Q2`.
Files the run does not make (commentary.xlsx, the other language's pack, restricted/, a README) are
carried into the new version as hard links (copies where the file system has none), so they are
left as they were. The previous version is removed straight after the switch: a second copy of
pseudonymised records is one nobody remembers to delete, and a reader part way through it
(kpi.data.processed.load_processed resolves the link once and reads that version) starts again from the
new one. `versions/` is visible on purpose: a hidden folder in reports/ is what a killed run used to
leave behind, and personal data should not sit where nobody looks.

The first run after an older kpi finds a plain folder there (`kpi commentary` also makes one). It is
swapped with the new link in one step on Linux (renameat2 with RENAME_EXCHANGE); elsewhere it is
renamed to `versions/<name>/replaced` and the link renamed in, and if a run is killed between those
two renames the next start puts the old folder back. Where symbolic links cannot be made (Windows
without the privilege to make them, FAT or some network file systems) the version folder itself is
swapped in the same way: atomic where the exchange exists, otherwise the two renames, with the same
recovery, and readers then re-read through the folder's own path at each file. (Windows cannot rename
a folder while a program has a file in it open: the run then stops with one line, and the previous
folder stays where it was.)

A failed run removes what it made; a killed one leaves its version or work folders under
`versions/<name>/`. Each run sweeps them at the start while it holds the folder's lock (kpi.data.locks),
so nothing swept can belong to a run that is still going, with no guessing from ages or pids.
"""

from __future__ import annotations

import ctypes
import datetime as dt
import errno
import functools
import itertools
import os
import re
import shutil
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from kpi.errors import UnusableInput
from kpi.data.locks import held

STORE = "versions"
LOCK = "lock"
_INCOMING = "incoming"  # the new link, made in the store and then renamed over the folder
_REPLACED = "replaced"  # a plain folder moved aside; renamed back by the next start if the new one never arrived
# Temporary files of write_atomically (now and in older versions, which used mkstemp): never carried over.
_TEMPORARY = re.compile(r"^\..+\.(?:\d+\.[0-9a-f]+\.tmp|[a-z0-9_]{8})$")
# Work folders `kpi pack` made beside the period folder before versions existed (tempfile.mkdtemp).
_OLD_WORK = r"^\.{name}\.[a-z0-9_]{{8}}$"
# Errors a person fixes by freeing space or fixing permissions: one line, never a traceback.
REFUSALS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EACCES, errno.EPERM, errno.EROFS})
_NO_SYMLINKS = frozenset({errno.EPERM, errno.EOPNOTSUPP, errno.ENOSYS})


class StorageRefused(UnusableInput):
    """The file system refused a read or a write: disk full, permission denied, read-only."""


def refusal(err: OSError, path: Path | str | None = None, unchanged: str = "") -> StorageRefused | None:
    """One line naming the path and the reason, for an OSError a person can act on; None for others."""
    if err.errno not in REFUSALS:
        return None
    where = path or err.filename or "a file"
    return StorageRefused(f"{where}: {os.strerror(err.errno)}" + (f"; {unchanged}" if unchanged else ""))


@contextmanager
def refusals_as_one_line(path: Path | str | None = None, unchanged: str = "") -> Iterator[None]:
    """Turn disk full, permission denied and read-only errors into StorageRefused (exit 2, one line).
    `path` names the file when the error does not (pyarrow's do not); otherwise the error's own is named."""
    try:
        yield
    except OSError as err:
        problem = refusal(err, path, unchanged)
        if problem is None:
            raise
        raise problem from None


class VersionedFolder:
    """A folder readers use by its usual path, switched to a complete new version in one step."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self.store = self.path.parent / STORE / self.path.name

    @contextmanager
    def locked(self, command: str) -> Iterator[None]:
        """Hold this folder for one run (a second is refused with one line); tidy up after it."""
        try:
            with held(self.store / LOCK, str(self.path), command):
                yield
        finally:
            _remove_if_empty(self.store)
            _remove_if_empty(self.store.parent)

    def current(self) -> Path | None:
        """The folder readers see now: the version the link points to, a plain folder, or None."""
        if self.path.is_symlink():
            return Path(os.path.normpath(self.path.parent / os.readlink(self.path)))
        return self.path if self.path.is_dir() else None

    def _current_entry(self) -> str | None:
        current = self.current()
        if current is None or current == self.path:
            return None
        try:
            return current.relative_to(os.path.normpath(self.store)).parts[0]
        except (ValueError, IndexError):
            return None

    def _new_folder(self, label: str) -> Path:
        self.store.mkdir(parents=True, exist_ok=True)
        stamp = dt.datetime.now(dt.timezone.utc).strftime("%Y%m%dT%H%M%S.%fZ")
        for n in itertools.count():
            folder = self.store / (f"{label}{stamp}-{os.getpid()}" + (f"-{n}" if n else ""))
            try:
                os.mkdir(folder)  # 0777 less the umask, like any folder (mkdtemp would make it 0700)
                return folder
            except FileExistsError:
                continue

    def work_folder(self, label: str) -> Path:
        """A folder for a run's scratch files, on the same file system; swept if the run is killed."""
        return self._new_folder(f"{label}-")

    @contextmanager
    def building(self) -> Iterator[Path]:
        """An empty new version to fill and `switch` to; removed if anything fails before the switch."""
        version = self._new_folder("") / self.path.name
        os.mkdir(version)
        try:
            yield version
        except BaseException:
            if self.current() != Path(os.path.normpath(version)):
                shutil.rmtree(version.parent, ignore_errors=True)
            raise

    def carry_over(self, version: Path, leave: Callable[[str], bool]) -> None:
        """Hard-link into `version` every file readers see now, except those `leave` names (relative
        POSIX paths: what this run makes) and temporary files of an interrupted write."""
        source = self.current()
        if source is None:
            return
        for folder, folders, files in os.walk(source):
            here = Path(folder)
            relative = here.relative_to(source)
            (version / relative).mkdir(exist_ok=True)
            linked_folders = [name for name in folders if (here / name).is_symlink()]
            for name in files + linked_folders:
                path = (relative / name).as_posix()
                if leave(path) or _TEMPORARY.match(name):
                    continue
                _link(here / name, version / relative / name)

    def switch(self, version: Path) -> None:
        """Make `version` what readers see, in one step; then remove the previous version."""
        incoming = self.store / _INCOMING
        _remove(incoming)
        try:
            os.symlink(os.path.relpath(version, self.path.parent), incoming, target_is_directory=True)
        except OSError as err:
            if not _symlinks_unsupported(err):
                raise
            incoming = version  # no symbolic links here: the version folder itself takes the folder's place
        if incoming != version and (self.path.is_symlink() or not os.path.lexists(self.path)):
            os.replace(incoming, self.path)
        elif not os.path.lexists(self.path):
            os.rename(incoming, self.path)
        elif not exchange(incoming, self.path):
            replaced = self.store / _REPLACED
            _remove(replaced)
            os.rename(self.path, replaced)
            try:
                os.rename(incoming, self.path)  # killed just before this: the next start renames `replaced` back
            except BaseException:
                if not os.path.lexists(self.path):
                    os.rename(replaced, self.path)
                raise
        self.sweep()

    def sweep(self) -> None:
        """Remove what failed or killed runs left: everything under versions/<name>/ but the current
        version. Call it holding the lock. A plain folder caught between two renames is put back."""
        replaced = self.store / _REPLACED
        if not os.path.lexists(self.path) and os.path.lexists(replaced):
            os.rename(replaced, self.path)
        for path in self._left_over():
            _remove(path)

    def has_leftovers(self) -> bool:
        """Whether a failed or killed run left anything to sweep (a stale lock file included)."""
        return os.path.lexists(self.store / LOCK) or bool(self._left_over())

    def _left_over(self) -> list[Path]:
        found = []
        if self.store.is_dir():
            keep = {LOCK, self._current_entry()}
            found += [Path(entry.path) for entry in os.scandir(self.store) if entry.name not in keep]
        old_work = re.compile(_OLD_WORK.format(name=re.escape(self.path.name)))
        if self.path.parent.is_dir():
            found += [Path(entry.path) for entry in os.scandir(self.path.parent)
                      if old_work.match(entry.name) and entry.is_dir(follow_symlinks=False)]
        return found


def _link(source: Path, target: Path) -> None:
    try:
        os.link(source, target, follow_symlinks=False)
    except OSError as err:
        if err.errno not in (errno.EXDEV, errno.EPERM, errno.EOPNOTSUPP, errno.EMLINK, errno.ENOSYS):
            raise
        shutil.copy2(source, target, follow_symlinks=False)


def _remove(path: Path) -> None:
    """Remove a file, link or folder if it is there; a sweep never fails a run over what it cannot remove."""
    try:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path, ignore_errors=True)
        else:
            path.unlink(missing_ok=True)
    except OSError:
        pass


def _remove_if_empty(folder: Path) -> None:
    try:
        folder.rmdir()
    except OSError:
        pass


def _symlinks_unsupported(err: OSError) -> bool:
    return err.errno in _NO_SYMLINKS or getattr(err, "winerror", None) == 1314  # ERROR_PRIVILEGE_NOT_HELD


@functools.cache
def _renameat2():
    if not sys.platform.startswith("linux"):
        return None
    try:
        function = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return None
    function.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    function.restype = ctypes.c_int
    return function


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2


def exchange(first: Path, second: Path) -> bool:
    """Swap two names in one step (Linux renameat2 RENAME_EXCHANGE); False where that is not possible."""
    function = _renameat2()
    if function is None:
        return False
    if function(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), _RENAME_EXCHANGE) == 0:
        return True
    number = ctypes.get_errno()
    if number in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False  # this file system cannot: fall back to two renames
    raise OSError(number, os.strerror(number), str(second))
