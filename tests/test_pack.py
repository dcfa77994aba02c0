"""The quarterly pack end to end on the demo authority: papermill, PDF/UA, HTML, Excel.

One demo project is built and packed once for the module (about 20 seconds); the tests then read
what a councillor, an accessibility checker and an auditor would read.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from pathlib import Path

import nbformat
import pandas as pd
import pikepdf
import pytest
from pypdf import PdfReader

from kpi.catalogue import DOMAINS, catalogue
from kpi.cli import main
from kpi.config import load_config
from kpi.demo import write_demo
from kpi.indicator_table import indicator_table

ROOT = Path(__file__).resolve().parents[1]
TODAY = dt.date(2026, 11, 22)
PERIOD = "2026-27Q2"


@pytest.fixture(scope="module")
def demo_project(tmp_path_factory):
    root = tmp_path_factory.mktemp("pack")
    write_demo(out=root / "data/raw/demo", config_path=root / "kpi.yml", today=TODAY)
    assert main(["ingest", "--config", str(root / "kpi.yml"), "--quiet"]) == 0
    return root


@pytest.fixture(scope="module")
def pack(demo_project):
    assert main(["pack", "--config", str(demo_project / "kpi.yml"), "--period", PERIOD, "--quiet"]) == 0
    return demo_project / "reports" / PERIOD


@pytest.fixture(scope="module")
def pages(pack) -> list[str]:
    return [page.extract_text() for page in PdfReader(pack / "pack.pdf").pages]


def _first_page_with(pages: list[str], heading: str) -> int:
    return next(i for i, text in enumerate(pages) if any(line.strip() == heading for line in text.splitlines()))


def test_pack_writes_pdf_html_workbook_and_executed_notebook(pack):
    for name in ("pack.pdf", "pack.html", "pack.xlsx", "pack.ipynb"):
        assert (pack / name).stat().st_size > 10_000, name
    executed = nbformat.read(pack / "pack.ipynb", as_version=4)
    assert all(cell.get("execution_count") for cell in executed.cells if cell.cell_type == "code")
    assert not [p for p in pack.parent.iterdir() if p.name.startswith(".")], "temporary folder left behind"


def test_every_section_starts_on_its_own_page_in_order(pages):
    headings = ["Contents", "Summary", *(d["en"] for d in DOMAINS.values()), "Comparisons", "Data quality",
                "Appendix: definitions, methods and provenance"]
    starts = [_first_page_with(pages, heading) for heading in headings]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), dict(zip(headings, starts))


def test_summary_fits_one_page_and_names_every_indicator(pages):
    summary = _first_page_with(pages, "Summary")
    assert _first_page_with(pages, "Front door and contacts") == summary + 1
    text = " ".join(pages[summary].split())
    for indicator in catalogue().values():
        assert indicator.title["en"] in text, indicator.id


def test_pdf_holds_no_code_or_python_artefacts(pages):
    text = "\n".join(pages)
    for fragment in ("import ", "kpi.", "pack.", "Traceback", "In [", "Out[", "None", "<NA>", "NaT"):
        assert fragment not in text, fragment
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)


def test_pdf_is_tagged_with_title_language_alt_text_and_table_headers(pack):
    with pikepdf.open(pack / "pack.pdf") as pdf:
        root = pdf.Root
        assert root.MarkInfo.Marked
        assert str(root.Lang) == "en"
        assert bool(root.ViewerPreferences.DisplayDocTitle)
        assert "Children's Services Performance Report" in str(pdf.docinfo.Title)
        figures, tables, header_cells = [], 0, 0
        stack = [root.StructTreeRoot]
        while stack:
            node = stack.pop()
            if isinstance(node, pikepdf.Array):
                stack.extend(node)
                continue
            if not isinstance(node, pikepdf.Dictionary):
                continue
            kind = str(node.get("/S", ""))
            if kind == "/Figure":
                figures.append(str(node.get("/Alt", "")))
            tables += kind == "/Table"
            header_cells += kind == "/TH"
            if "/K" in node:
                stack.append(node.K)
    charts = len(catalogue())
    assert len(figures) >= charts
    assert all(alt.strip() for alt in figures), "a figure without alt text"
    assert tables >= 5 and header_cells >= 50


def test_html_has_language_title_alt_text_and_no_scripts(pack):
    html = (pack / "pack.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert "<script" not in html
    assert html.count("<img") == html.count('alt="') - html.count('alt=""')
    assert "Demo County Borough Council" in html.split("</title>")[0]


def test_numbers_agree_across_pdf_workbook_and_kpi_indicators(demo_project, pack, pages):
    expected = indicator_table(load_config(demo_project / "kpi.yml"), PERIOD).set_index("indicator_id")
    workbook = pd.read_excel(pack / "pack.xlsx", sheet_name=None, engine="openpyxl")
    assert {"Contents", "Summary", "Front door and contacts", "Assessments", "Caseloads and workforce",
            "Comparisons", "Data quality", "Provenance", "Notes"} <= set(workbook)
    summary = workbook["Summary"].set_index("indicator_id")
    assert set(summary.index) == set(expected.index)
    for column in ("value", "numerator", "denominator", "target"):
        pd.testing.assert_series_equal(summary[column].astype(float), expected.loc[summary.index, column].astype(float),
                                       check_names=False, rtol=1e-12)
    summary_page = " ".join(pages[_first_page_with(pages, "Summary")].split())
    timeliness = expected.loc["assessments_within_timescale_pct"]
    assert f"{timeliness['value']:.1f}%" in summary_page
    assert f"{timeliness['numerator']:,.0f} / {timeliness['denominator']:,.0f}" in summary_page


def test_chart_data_in_the_workbook_ends_with_the_pack_period(pack):
    chart = pd.read_excel(pack / "pack.xlsx", sheet_name="Assessments", engine="openpyxl")
    timeliness = chart[chart["indicator_id"] == "assessments_within_timescale_pct"]
    assert timeliness["period"].iloc[-1] == PERIOD
    assert len(timeliness) >= 12
    assert {"mean", "lpl", "upl", "point_type"} <= set(chart.columns)


def _digest(folder: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.iterdir()) if p.is_file()}


def test_broken_config_fails_in_one_line_and_leaves_the_pack(demo_project, pack, capsys, tmp_path):
    before = _digest(pack)
    broken = tmp_path / "kpi.yml"
    text = (demo_project / "kpi.yml").read_text(encoding="utf-8").replace("sources:", "sourcez:", 1)
    broken.write_text(text, encoding="utf-8")
    assert main(["pack", "--config", str(broken), "--period", PERIOD, "--out", str(pack.parent), "--quiet"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "unknown key 'sourcez'" in error[0]
    assert _digest(pack) == before


def test_failing_notebook_names_the_cell_and_leaves_the_pack(demo_project, pack, capsys, monkeypatch, tmp_path):
    before = _digest(pack)
    notebook = nbformat.read(ROOT / "notebooks/quarterly_pack.ipynb", as_version=4)
    notebook.cells.insert(5, nbformat.v4.new_code_cell('raise ValueError("the summary broke")'))
    broken = tmp_path / "quarterly_pack.ipynb"
    nbformat.write(notebook, broken)
    monkeypatch.setattr("kpi.pack.export.find_notebook", lambda config, name="": broken)
    assert main(["pack", "--config", str(demo_project / "kpi.yml"), "--period", PERIOD, "--quiet"]) == 3
    error = capsys.readouterr().err
    assert 'raise ValueError("the summary broke")' in error and "ValueError: the summary broke" in error
    assert _digest(pack) == before
    assert not [p for p in pack.parent.iterdir() if p.name.startswith(".")]


def test_committed_notebooks_carry_no_outputs():
    notebooks = sorted((ROOT / "notebooks").glob("*.ipynb"))
    assert notebooks
    for path in notebooks:
        cells = json.loads(path.read_text(encoding="utf-8"))["cells"]
        for cell in cells:
            if cell["cell_type"] == "code":
                assert not cell.get("outputs") and not cell.get("execution_count"), path.name
        assert any("parameters" in cell.get("metadata", {}).get("tags", []) for cell in cells), path.name


def test_no_raw_child_or_worker_id_reaches_processed_data(demo_project):
    raw_ids = re.compile(r"\b(?:W[CA]\d{6}|EMP\d{5})\b")  # the demo's system ids for children and staff
    for path in (demo_project / "data/processed").rglob("*"):
        if path.suffix == ".parquet":
            frame = pd.read_parquet(path)
            text = frame.select_dtypes(exclude="number").astype(str).to_csv()
        elif path.is_file():
            text = path.read_text(encoding="utf-8", errors="replace")
        else:
            continue
        assert not raw_ids.search(text), path.name
