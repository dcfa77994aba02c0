"""What an ingest tells the person waiting for it: bars on a terminal, lines for a caller that wants them,
or nothing (a log, a pipe, CI, --quiet). `kpi ingest` and `kpi check` draw `ProgressBars`."""

from __future__ import annotations

from collections.abc import Callable


class Progress:
    """What an ingest tells the person waiting for it, table by table; this one tells nothing.

    For each source of a table: `files` (how many), then `file` as each one is about to be read. Then
    `checks` (the rows read so far and how many steps the checks take; called again after the last
    source), `step` as each check starts, and `done` when the table is loaded. `ProgressBars` draws
    them; `ProgressLines` says each file it reads in a line."""

    def files(self, table: str, count: int) -> None:
        """`count` files of one of the table's sources are about to be read."""

    def file(self, shown: str) -> None:
        """This file is about to be read (so the one before it has been)."""

    def checks(self, table: str, rows: int, steps: int) -> None:
        """`rows` rows are read; the table's checks take `steps` steps in all."""

    def step(self, what: str) -> None:
        """This check is about to start (so the one before it is done)."""

    def done(self) -> None:
        """The table is loaded."""


class ProgressLines(Progress):
    """A line per file read, to `say` (kpi's first progress report, kept for callers that pass a function)."""

    def __init__(self, say: Callable[[str], None]):
        self.say = say

    def file(self, shown: str) -> None:
        self.say(f"reading {shown}")


class ProgressBars(Progress):
    """tqdm bars on standard error: one over each source's files, then one over the checks of a large
    table (`large_rows` rows or more). Nothing is drawn when the stream is not a terminal (a log, a
    pipe, CI), so that only the summary remains; bars are cleared when done."""

    def __init__(self, stream=None, large_rows: int = 100_000):
        self.stream, self.large_rows = stream, large_rows
        self._bar = None
        self._checking = False  # the open bar is the checks' (not a source's files')
        self._steps_done = 0
        self._pending = False  # an item of the open bar has started and is not yet counted

    def _open(self, **options) -> None:
        import sys

        from tqdm import tqdm

        self._close()
        self._checking = False
        self._bar = tqdm(file=self.stream or sys.stderr, disable=None, leave=False, dynamic_ncols=True,
                         mininterval=0.25, **options)

    def _close(self) -> None:
        if self._bar is not None:
            if self._pending:
                self._bar.update(1)
            self._bar.close()
        self._bar, self._pending, self._checking = None, False, False

    def _next(self, note: str) -> None:
        if self._bar is None:
            return
        if self._pending:
            self._bar.update(1)
        self._bar.set_postfix_str(note, refresh=False)
        self._pending = True

    def files(self, table: str, count: int) -> None:
        self._open(total=count, desc=f"{table}: reading", unit="file")

    def file(self, shown: str) -> None:
        self._next(shown)

    def checks(self, table: str, rows: int, steps: int) -> None:
        description = f"{table}: checking {rows:,} rows"
        if self._checking and self._bar is not None:
            self._bar.set_description_str(description, refresh=False)  # the same bar, now over every source
            return
        self._close()
        if rows >= self.large_rows:
            self._open(total=steps, initial=self._steps_done, desc=description, unit="step")
            self._checking = True

    def step(self, what: str) -> None:
        self._steps_done += 1
        self._next(what)

    def done(self) -> None:
        self._close()
        self._steps_done = 0


def as_progress(progress: Progress | Callable[[str], None] | None) -> Progress:
    """A Progress for what a caller passed: one, a function taking a line of text, or None (silence)."""
    if progress is None:
        return Progress()
    return progress if isinstance(progress, Progress) else ProgressLines(progress)
