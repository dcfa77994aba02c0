"""Read the next batch of an extract while this one is parsed.

Reading a batch is mostly pyarrow's work (splitting the CSV, converting its cells), which runs outside
Python's lock; parsing it is mostly Python's. With two cores, one thread reads ahead while the other
parses, so an ingest takes nearer the longer of the two than their sum. One batch is read ahead, no more,
so memory stays bounded by the batch size.

The order of everything is unchanged: the batches come in the order the reader gives them, and an error
the reader meets is raised where the batch it stopped at would have come.
"""

from __future__ import annotations

import contextvars
import queue
import threading
from collections.abc import Iterator
from typing import TypeVar

T = TypeVar("T")
_END = object()
_WAIT = 0.1  # seconds between looks at whether the reader should stop


def read_ahead(batches: Iterator[T], depth: int = 1) -> Iterator[T]:
    """The same batches, `depth` of them read ahead in a thread of their own."""
    waiting: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(item, error=None) -> bool:
        while not stop.is_set():
            try:
                waiting.put((item, error), timeout=_WAIT)
                return True
            except queue.Full:
                continue
        return False

    def read() -> None:
        try:
            for batch in batches:
                if not hand_over(batch):
                    return
            hand_over(_END)
        except BaseException as error:  # handed to the parser's thread, raised there
            hand_over(_END, error)
        finally:
            close = getattr(batches, "close", None)
            if close is not None:
                close()  # the reader's files are closed in the thread that opened them

    # In the caller's context: settings held in context variables (kpi.yml's input limits) hold there too.
    reader = threading.Thread(target=contextvars.copy_context().run, args=(read,), name="kpi-read-ahead",
                              daemon=True)
    reader.start()
    try:
        while True:
            item, error = waiting.get()
            if item is _END:
                if error is not None:
                    raise error
                return
            yield item
    finally:
        stop.set()  # the parser stopped early (an error, or it had enough): the reader stops too
        reader.join()
