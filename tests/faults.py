"""Injected faults for the kill-during-write tests: a run stopped at its Nth file-system step.

At the chosen step the whole project is copied as it is at that instant (what kill -9 would leave:
no clean-up runs in a killed process), half a file is left where a writer was writing, and then
`Killed` is raised so the live run also unwinds as a failed one. Both are then checked.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pandas as pd

from kpi.data import versions

# Every step by which a run changes the file system (pathlib and shutil go through these too).
STEPS = [(os, "replace"), (os, "rename"), (os, "symlink"), (os, "link"), (os, "mkdir"), (os, "unlink"),
         (os, "rmdir"), (shutil, "copy2"), (versions, "exchange"),
         (pd.DataFrame, "to_parquet"), (pd.DataFrame, "to_csv")]
WRITERS = {"to_parquet", "to_csv"}


class Killed(BaseException):
    """Stands for kill -9: not an Exception, so no `except Exception` in the code can swallow it."""


class KillAt:
    """Within `with KillAt(n, root, snapshot):` the nth step copies `root` to `snapshot`, then raises Killed.
    `n=None` counts the steps without stopping (`.count` after the block)."""

    def __init__(self, n: int | None, root: Path, snapshot: Path | None = None):
        self.n, self.root, self.snapshot = n, root, snapshot
        self.count = 0
        self.step = None
        self._saved = []
        self._copying = False

    def __enter__(self) -> KillAt:
        for owner, name in STEPS:
            original = getattr(owner, name)
            self._saved.append((owner, name, original))
            setattr(owner, name, self._wrap(name, original))
        return self

    def __exit__(self, *exc) -> bool:
        for owner, name, original in reversed(self._saved):
            setattr(owner, name, original)
        self._saved = []
        return exc[0] is Killed  # the killed run is over; the test looks at what it left

    def _wrap(self, name, original):
        def step(*args, **kwargs):
            if self._copying:
                return original(*args, **kwargs)
            self.count += 1
            if self.count != self.n:
                return original(*args, **kwargs)
            self.step = f"{name}{args[1:] if name in WRITERS else args}"
            if name in WRITERS:
                target = args[1] if len(args) > 1 else kwargs.get("path", kwargs.get("path_or_buf"))
                if isinstance(target, (str, Path)):
                    Path(target).write_bytes(b"half a file")  # killed part way through writing it
            self._copy()
            raise Killed(self.step)

        return step

    def _copy(self) -> None:
        self._copying = True
        try:
            shutil.copytree(self.root, self.snapshot, symlinks=True)
        finally:
            self._copying = False


def visible(folder: Path) -> dict[str, bytes] | None:
    """Every file a reader finds under `folder` (through its link), with its bytes; None if there is no folder."""
    if not folder.is_dir():
        return None
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def describe(files: dict[str, bytes] | None) -> str:
    return "no folder" if files is None else ", ".join(f"{k} ({len(v)} bytes)" for k, v in files.items())
