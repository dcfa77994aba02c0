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


def test_the_notebook_is_given_chart_workers_only_when_it_has_that_parameter(ingested_demo, monkeypatch):
    """kpi's own notebook takes chart_workers; an officer's copy from an older kpi does not, and papermill would
    print "Passed unknown parameter" on every run if it were given it."""
    import json

    from kpi.pack import export
    from kpi.pack.notebooks import installed_notebooks, parameters_of

    project = ingested_demo("pack_parameters")
    given = []

    class Stop(Exception):
        pass

    def execute(notebook, output, parameters, progress=True, kernel=None):
        given.append(parameters)
        raise Stop

    monkeypatch.setattr(export, "execute", execute)
    with pytest.raises(Stop):
        export.make_pack(project / "kpi.yml", "2026-27Q2", progress=False, say=lambda _: None, chart_workers=2)
    assert given[-1]["chart_workers"] == 2

    own = next(path for path in installed_notebooks() if path.name == export.PACK_NOTEBOOK)
    older = json.loads(own.read_text(encoding="utf-8"))
    for cell in older["cells"]:
        if "parameters" in cell["metadata"].get("tags", []):
            cell["source"] = [line for line in cell["source"] if not line.startswith("chart_workers")]
            cell["source"][-1] = cell["source"][-1].rstrip("\n")
    (project / "notebooks").mkdir()
    (project / "notebooks" / export.PACK_NOTEBOOK).write_text(json.dumps(older), encoding="utf-8")
    assert "chart_workers" not in parameters_of(project / "notebooks" / export.PACK_NOTEBOOK)
    assert {"config", "period", "language", "audience", "reports"} <= parameters_of(
        project / "notebooks" / export.PACK_NOTEBOOK)
    with pytest.raises(Stop):
        export.make_pack(project / "kpi.yml", "2026-27Q2", progress=False, say=lambda _: None, chart_workers=2)
    assert "chart_workers" not in given[-1] and given[-1]["period"] == "2026-27Q2"
