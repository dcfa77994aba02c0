"""`kpi screen --watch`: rebuild the screen when a new extract lands in the watched folder.

Every few seconds the folder's files are listed with their sizes and times; when the listing has
changed since the page was last built and has then stayed the same for one more look (so a file still
being copied is not read half way), `kpi ingest` runs and the page is written again. A bad extract is
said in one line and the page left as it was. `watch_step` is one look, so the loop can be tested.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from kpi.errors import UnusableInput

Listing = dict[str, tuple[int, int]]


def listing(folder: Path) -> Listing:
    """Each file under `folder` (not hidden ones): its modification time (ns) and size."""
    found = {}
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if path.is_file() and not any(part.startswith(".") for part in relative.parts):
            stat = path.stat()
            found[relative.as_posix()] = (stat.st_mtime_ns, stat.st_size)
    return found


@dataclass
class WatchState:
    built: Listing | None = None  # the listing the page was last built from
    seen: Listing | None = None  # the listing at the previous look
    rebuilds: int = 0
    problems: list[str] = field(default_factory=list)


def watch_step(folder: Path, state: WatchState, rebuild: Callable[[], None], say=print) -> bool:
    """One look at the folder: rebuild (ingest and page) once a change has settled. True if it rebuilt."""
    now = listing(folder)
    settled = now == state.seen
    state.seen = now
    if now == state.built or not settled:
        return False
    try:
        rebuild()
    except UnusableInput as err:
        state.problems.append(str(err))
        say(f"kpi screen: {err}; the page is unchanged")
    state.built = now  # a bad extract is not retried until the folder changes again
    state.rebuilds += 1
    return True


def watch(folder: Path, rebuild: Callable[[], None], *, every: float = 30.0, say=print,
          sleep: Callable[[float], None] = time.sleep, looks: int | None = None) -> WatchState:
    """Look every `every` seconds until Ctrl+C (or `looks` times); the page is built from what is there first."""
    if not folder.is_dir():
        raise UnusableInput(f"screen: watch: {folder} is not a folder")
    state = WatchState(built=listing(folder), seen=listing(folder))
    rebuild()
    say(f"Watching {folder} every {every:g} seconds for new extracts; Ctrl+C to stop.")
    done = 0
    while looks is None or done < looks:
        sleep(every)
        if watch_step(folder, state, rebuild, say):
            say(f"{time.strftime('%H:%M:%S')} new extract: ingested and rebuilt the page")
        done += 1
    return state
