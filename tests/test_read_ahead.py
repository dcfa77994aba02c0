"""Reading ahead (kpi.data.read_ahead) changes when a batch is read, never what the parser sees: the same
batches in the same order, an error where it happened, and the reader stopped and closed when the parser
stops early."""

from __future__ import annotations

import threading

import pytest

from kpi.data.read_ahead import read_ahead


def test_the_batches_come_in_order_and_are_read_in_another_thread():
    readers = []

    def batches():
        for n in range(50):
            readers.append(threading.current_thread().name)
            yield n

    assert list(read_ahead(batches())) == list(range(50))
    assert set(readers) == {"kpi-read-ahead"}


def test_an_error_comes_after_the_batches_before_it():
    def batches():
        yield 1
        yield 2
        raise ValueError("row 7 of contacts.csv cannot be read")

    seen = []
    with pytest.raises(ValueError, match="row 7 of contacts.csv"):
        for batch in read_ahead(batches()):
            seen.append(batch)
    assert seen == [1, 2]


def test_when_the_parser_stops_the_reader_stops_and_closes_its_file():
    read, closed = [], threading.Event()

    def batches():
        try:
            for n in range(1000):
                read.append(n)
                yield n
        finally:
            closed.set()

    with pytest.raises(RuntimeError):
        for batch in read_ahead(batches(), depth=1):
            if batch == 3:
                raise RuntimeError("the parser met a bad row")
    assert closed.is_set()
    assert len(read) <= 3 + 3  # at most a batch or two read ahead, never the whole file
    assert not any(t.name == "kpi-read-ahead" and t.is_alive() for t in threading.enumerate())


def test_the_reader_sees_the_callers_settings():
    import contextvars

    limit = contextvars.ContextVar("limit", default="default")
    limit.set("from kpi.yml")

    def batches():
        yield limit.get()

    assert list(read_ahead(batches())) == ["from kpi.yml"]
