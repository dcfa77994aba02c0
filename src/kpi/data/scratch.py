"""A private folder for the working files of one table while `kpi ingest` or `kpi check` reads it.

It is made in the system's folder for temporary files (TMPDIR) under a name with the process id and a
random part, and only its owner can open it (0700), for it holds pseudonymised rows and cells as read. It
goes with the last object that uses it (the table's result), at the latest when the program ends. A run
killed outright cannot tidy up: the next one removes what a process that is no longer running left.
Like the files in it, it is made and removed through Arrow's file system, so that the steps of a run that
change the project's folders are the only file-system steps Python takes.
"""

from __future__ import annotations

import os
import re
import secrets
import stat
import tempfile
import weakref
from pathlib import Path

import pyarrow.fs as pafs

PREFIX = "kpi-scratch-"
_LOCAL = pafs.LocalFileSystem()
_OURS = re.compile(re.escape(PREFIX) + r"(\d+)-[0-9a-f]{16}$")


class Scratch:
    """A new private folder, removed when this object goes."""

    def __init__(self):
        folder = Path(tempfile.gettempdir())
        _sweep(folder)
        for _ in range(100):
            path = folder / f"{PREFIX}{os.getpid()}-{secrets.token_hex(8)}"
            if os.path.lexists(path):
                continue
            _LOCAL.create_dir(str(path), recursive=False)
            if _mine(path):  # a folder, and ours: not someone's link or folder of the same name
                os.chmod(path, 0o700)
                break
        else:
            raise OSError(f"cannot make a private folder in {folder}")
        self.path = path
        weakref.finalize(self, _remove, str(path))


def _mine(path: Path) -> bool:
    found = os.lstat(path)
    return stat.S_ISDIR(found.st_mode) and found.st_uid == getattr(os, "geteuid", lambda: found.st_uid)()


def _sweep(folder: Path) -> None:
    """Remove the scratch folders of processes of ours that are no longer running (killed outright)."""
    if os.name != "posix":
        return
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return
    for entry in entries:
        match = _OURS.match(entry.name)
        if match and int(match.group(1)) != os.getpid() and not _running(int(match.group(1))):
            if _mine(Path(entry.path)):
                _remove(entry.path)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:  # running, as another user
        return True
    return True


def _remove(path: str) -> None:
    try:
        _LOCAL.delete_dir(path)
    except OSError:
        pass
