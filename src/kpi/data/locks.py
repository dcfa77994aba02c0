"""One run at a time for each folder a command writes: `kpi ingest` per processed folder (so per
config, and two configs sharing a processed folder wait for each other too), `kpi pack` per period
(packs of different periods run side by side). A second run is refused with one line saying who
holds the folder.

A lock is an ordinary file (kpi.data.versions puts it at `versions/<name>/lock`) held with the operating
system's advisory lock (flock on POSIX, msvcrt.locking on Windows) and holding who took it: command,
pid, host and since when. The operating system lets go of the lock when its process ends, however it
ends (kill -9 included), so a lock file left behind by a dead run is simply taken over: nothing has to
guess from a pid (wrong for a run on another machine sharing the folder) or from an age (wrong for a
slow run). The file is removed when the run ends, so nothing is left behind. filelock (PyPI) locks
the same way but cannot say who holds a lock and leaves its file behind; the standard library is enough.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from kpi.errors import UnusableInput

try:
    import fcntl
except ImportError:  # Windows
    fcntl = None
    import msvcrt

# On Windows a locked byte cannot be read by others, so the lock is on a byte far past the holder's details.
_WINDOWS_LOCKED_BYTE = 1 << 30


class Busy(UnusableInput):
    """Another run is writing the same folder."""


@contextmanager
def held(path: Path, what: str, command: str) -> Iterator[None]:
    """Hold the lock file `path` for the run, or refuse (Busy) naming who holds it."""
    handle = _take(Path(path), what, command)
    try:
        yield
    finally:
        _give_back(Path(path), handle)


def holder(path: Path) -> str:
    """Who holds the lock, as the lock file says."""
    try:
        details = json.loads(Path(path).read_text(encoding="utf-8"))
        return (f"{details['command']} (pid {details['pid']} on {details['host']}, "
                f"since {details['since']})")
    except (OSError, ValueError, KeyError, TypeError):
        return "another kpi run"


def _take(path: Path, what: str, command: str) -> int:
    for _ in range(20):
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            handle = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
        except FileNotFoundError:
            continue  # the folder was tidied away by a run that has just finished: make it again
        if not _lock(handle):
            os.close(handle)
            raise Busy(f"{what} is being written by {holder(path)}; wait for that run to finish, then try again")
        if _same_file(handle, path):
            _say_who(handle, command)
            return handle
        os.close(handle)  # the holder removed this file as it finished; take the one there now
    raise Busy(f"{what}: could not take the lock {path}; try again")


def _lock(handle: int) -> bool:
    try:
        if fcntl is not None:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        else:
            os.lseek(handle, _WINDOWS_LOCKED_BYTE, os.SEEK_SET)
            msvcrt.locking(handle, msvcrt.LK_NBLCK, 1)
        return True
    except OSError:
        return False


def _same_file(handle: int, path: Path) -> bool:
    try:
        return os.fstat(handle).st_ino == os.stat(path).st_ino
    except FileNotFoundError:
        return False


def _say_who(handle: int, command: str) -> None:
    since = dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M:%S UTC")
    details = json.dumps({"command": command, "pid": os.getpid(), "host": socket.gethostname(), "since": since})
    os.ftruncate(handle, 0)
    os.lseek(handle, 0, os.SEEK_SET)
    os.write(handle, details.encode("utf-8") + b"\n")


def _give_back(path: Path, handle: int) -> None:
    """Remove the file, then let go: a run waiting on the removed file sees it is gone and takes a new one."""
    if fcntl is not None:
        try:
            if _same_file(handle, path):
                path.unlink()
        except OSError:
            pass
        finally:
            os.close(handle)
        return
    os.lseek(handle, _WINDOWS_LOCKED_BYTE, os.SEEK_SET)
    try:
        msvcrt.locking(handle, msvcrt.LK_UNLCK, 1)
    finally:
        os.close(handle)
    try:
        path.unlink()  # Windows cannot remove a file another process has open: it is then left for next time
    except OSError:
        pass
