"""The officers' notebooks (data quality, indicator explorer) run top to bottom on the demo authority.

The demo is built and ingested once for the module; each notebook runs once with papermill in a fresh
kernel, as `kpi pack` runs the pack notebook, and the tests read what an officer would see.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat
import papermill
import pytest


ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
DEMO_TEAMS = ["Child Protection and Court", "Children and Families East", "Children and Families West",
              "Disabled Children's Team", "Intake and Assessment North", "Intake and Assessment South"]
OFFICER_NOTEBOOKS = ("data_quality.ipynb", "indicator_explorer.ipynb")
DEFAULTS = {
    "data_quality.ipynb": ['config = "../kpi.yml"', 'period = "latest"'],
    "indicator_explorer.ipynb": ['config = "../kpi.yml"', 'period = "2020-21Q1..latest"',
                                 'indicator = "assessments_within_timescale_pct"', 'rebase_at = ["2023-24Q3"]',
                                 'audience = "restricted"', "quarter = None"],
}


@pytest.fixture(scope="module")
def demo_project(ingested_demo) -> Path:
    """The demo made for conftest.DEMO_TODAY and ingested: this module's own copy (conftest.ingested_demo)."""
    return ingested_demo("officers")


def _run(demo_project: Path, name: str, **parameters) -> nbformat.NotebookNode:
    output = demo_project / f"executed_{name}"
    papermill.execute_notebook(str(NOTEBOOKS / name), str(output), kernel_name="python3", cwd=str(NOTEBOOKS),
                               parameters={"config": str(demo_project / "kpi.yml"), **parameters},
                               progress_bar=False)
    return nbformat.read(output, as_version=4)


@pytest.fixture(scope="module")
def data_quality(demo_project) -> nbformat.NotebookNode:
    return _run(demo_project, "data_quality.ipynb")


@pytest.fixture(scope="module")
def indicator_explorer(demo_project) -> nbformat.NotebookNode:
    return _run(demo_project, "indicator_explorer.ipynb")


def _shown(cell) -> str:
    """Everything a cell displayed (HTML, Markdown and plain text)."""
    parts = []
    for output in cell.get("outputs", []):
        data = output.get("data", {})
        parts += [data.get(kind, "") for kind in ("text/html", "text/markdown", "text/plain")]
        parts.append(output.get("text", ""))
    return "\n".join(parts)


def _cell(notebook, call: str):
    return next(c for c in notebook.cells if c.cell_type == "code" and c.source.strip() == call)


def _assert_ran(notebook) -> None:
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(c.execution_count for c in code), "a code cell did not run"
    errors = [o for c in code for o in c.outputs if o.output_type == "error"]
    assert not errors, errors[0].get("ename")
    setup = {"parameters", "injected-parameters"}
    calls = [c for c in code if not setup & set(c.metadata.get("tags", [])) and not c.source.startswith("from ")]
    assert len(calls) >= 10 and all(c.outputs for c in calls), "a call showed nothing"


# ------------------------------------------------------------------------------------- as committed


@pytest.mark.parametrize("name", OFFICER_NOTEBOOKS)
def test_committed_notebook_has_no_outputs_and_demo_defaults(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    nbformat.validate(notebook)
    assert notebook.metadata.kernelspec.name == "python3"
    code = [c for c in notebook.cells if c.cell_type == "code"]
    assert all(not c.outputs and c.execution_count is None for c in code)
    parameters = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(parameters) == 1 and parameters[0] is code[0]
    for line in DEFAULTS[name]:
        assert line in parameters[0].source, line


@pytest.mark.parametrize("name", OFFICER_NOTEBOOKS)
def test_notebook_is_thin_one_call_per_cell(name):
    notebook = nbformat.read(NOTEBOOKS / name, as_version=4)
    code = [c for c in notebook.cells if c.cell_type == "code"][1:]  # after the parameters
    setup, calls = code[0], code[1:]
    assert re.fullmatch(r"from kpi(\.\w+)+ import \w+\n\n\w+ = \w+\.build\(.*\)", setup.source.strip(), re.S)
    for cell in calls:
        assert re.fullmatch(r"\w+\.\w+\([^()\n]*\)", cell.source.strip()), cell.source
    assert notebook.cells[0].cell_type == "markdown" and notebook.cells[0].source.startswith("# ")


# --------------------------------------------------------------------------------------- data quality


def test_data_quality_notebook_runs_top_to_bottom(data_quality):
    _assert_ran(data_quality)


def test_data_quality_shows_the_demos_rejected_rows_by_reason_and_file(data_quality):
    rejections = _shown(_cell(data_quality, "quality.rejections()"))
    for reason in ("duplicate_row", "totals_row", "invalid_date", "dates_out_of_order"):
        assert reason in rejections, reason
    for file in ("data/raw/demo/contacts.csv", "data/raw/demo/assessments.xlsx", "data/raw/demo/caseloads.csv"):
        assert file in rejections, file
    assert "exact duplicate of row" in _shown(_cell(data_quality, "quality.rejected_rows()"))


def test_data_quality_shows_completeness_by_team_and_duplicates(data_quality):
    by_team = _shown(_cell(data_quality, 'quality.completeness_by_team("language")'))
    assert all(team.replace("'", "&#x27;") in by_team or team in by_team for team in DEMO_TEAMS)
    assert "Language preference recorded" in _shown(_cell(data_quality, "quality.completeness_over_time()"))
    duplicates = _shown(_cell(data_quality, "quality.duplicates()"))
    assert "exact duplicate row" in duplicates and "rejected at ingest" in duplicates
    assert "decision_without_time" in _shown(_cell(data_quality, "quality.decisions_without_time()"))


# ------------------------------------------------------------------------------------ indicator explorer


def test_indicator_explorer_runs_top_to_bottom(indicator_explorer):
    _assert_ran(indicator_explorer)


def test_explorer_shows_every_team(indicator_explorer):
    table = _shown(_cell(indicator_explorer, "explorer.by_team()"))
    chart = _shown(_cell(indicator_explorer, "explorer.team_chart()"))
    for team in DEMO_TEAMS:
        assert team.replace("'", "&#x27;") in table or team in table, team
        assert team in chart, team  # in the chart's alt text


def test_explorer_charts_carry_alt_text(indicator_explorer):
    for call in ("explorer.team_chart()", "explorer.by_month()", "explorer.spc_chart(rebased=False)",
                 "explorer.spc_chart(rebased=True)"):
        outputs = _cell(indicator_explorer, call).outputs
        data = outputs[0]["data"]
        assert "image/png" in data and '<img src="data:image/png;base64,' in data["text/html"], call
        assert re.search(r'alt="[^"]{40,}"', data["text/html"]), call
    rebased = _cell(indicator_explorer, "explorer.spc_chart(rebased=True)").outputs[0]["data"]["text/plain"]
    assert "Limits recalculated from 2023-24 Q3" in rebased


def test_explorer_picks_the_dip_and_lists_its_records_with_pseudonyms_only(indicator_explorer):
    note = _shown(_cell(indicator_explorer, "explorer.outlier_note()"))
    assert "2023-24 Q1" in note and "special cause concern" in note
    records = _shown(_cell(indicator_explorer, "explorer.records()"))
    assert "RESTRICTED" in records and "607 records" in records
    assert re.search(r"C-[0-9a-f]{20}", records)
    assert not re.search(r"\bAS6\d{5}\b", records), "an assessment id from the system is shown"
    assert not re.search(r"\bWC\d{6}\b", records), "a child id from the system is shown"


def test_explorer_for_a_public_audience_shows_no_records(demo_project):
    from kpi.officers.explorer import Explorer, RestrictedUse, records_behind

    public = Explorer.build(demo_project / "kpi.yml", "assessments_within_timescale_pct", "2020-21Q1..latest",
                            rebase_at=["2023-24Q3"], audience="public")
    shown = public.records()
    assert "restricted use only" in shown.data and not re.search(r"C-[0-9a-f]{20}", shown.data)
    with pytest.raises(RestrictedUse):
        records_behind(public.data, public.indicator, public.outlier, public.settings, audience="public")
