"""The pack's charts drawn in forked worker processes (kpi.pack.drawing): the same charts as drawn in the kernel,
errors raised where they would have been, and nothing lost when a worker dies."""

from __future__ import annotations

import os

import pytest

from kpi.pack import drawing
from kpi.pack.build import build_pack

needs_fork = pytest.mark.skipif(not drawing.can_fork(), reason="charts are drawn in workers only where fork is native")


def _square(n: int) -> tuple[int, int]:
    return n * n, os.getpid()


@needs_fork
def test_every_job_is_done_in_a_worker_and_comes_back_under_its_key():
    work = {("spc", n): (lambda n=n: _square(n)) for n in range(12)}
    done = drawing.draw_all(work, workers=2)
    assert list(done) == list(work)
    assert [value for value, _ in done.values()] == [n * n for n in range(12)]
    assert os.getpid() not in {pid for _, pid in done.values()}


def test_one_worker_draws_here_one_after_another():
    done = drawing.draw_all({n: (lambda n=n: _square(n)) for n in range(3)}, workers=1)
    assert done == {n: (n * n, os.getpid()) for n in range(3)}


def _fails() -> None:
    raise ValueError("no data to chart")


@needs_fork
def test_an_error_in_a_worker_is_raised_in_the_caller():
    with pytest.raises(ValueError, match="no data to chart"):
        drawing.draw_all({"good": lambda: 1, "bad": _fails}, workers=2)


@needs_fork
def test_a_worker_that_dies_leaves_its_charts_to_be_drawn_here():
    parent = os.getpid()

    def dies_in_a_worker() -> str:
        if os.getpid() != parent:
            os._exit(9)  # as if the system killed it for memory
        return "drawn here"

    done = drawing.draw_all({"first": lambda: "fine", "second": dies_in_a_worker}, workers=2)
    assert done["second"] == "drawn here"
    assert done["first"] == "fine"


@needs_fork
def test_a_pack_drawn_in_workers_has_exactly_the_charts_drawn_in_the_kernel(ingested_demo):
    config = ingested_demo("pack_drawing") / "kpi.yml"
    here = build_pack(config, "2026-27Q2", audience="public")
    there = build_pack(config, "2026-27Q2", audience="public", chart_workers=2)
    assert list(there.views) == list(here.views)
    for key, view in here.views.items():
        assert (there.views[key].chart_png, there.views[key].alt_text) == (view.chart_png, view.alt_text), key
    assert sum(view.chart_png is not None for view in here.views.values()) > 20
    assert there.comparison_charts == here.comparison_charts
    assert len(here.comparison_charts) >= 3
