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
import openpyxl
import pandas as pd
import pikepdf
import pytest
from conftest import DEMO_PERIOD, DEMO_TODAY, digest
from pypdf import PdfReader

from kpi.catalogue import DOMAINS, catalogue
from kpi.cli import main
from kpi.config import load_config
from kpi.compare.table import indicator_table
from kpi.pack.outputs import audience_of_html
from kpi.pack.workbook_words import read_workbook

ROOT = Path(__file__).resolve().parents[1]
TODAY = DEMO_TODAY
PERIOD = DEMO_PERIOD


@pytest.fixture(scope="module")
def demo_project(demo_packs):
    return demo_packs.root


@pytest.fixture(scope="module")
def pack(demo_packs):
    """The public packs in Welsh and English, made in one run as a Welsh council would."""
    return demo_packs.folder


@pytest.fixture(scope="module")
def restricted(demo_packs):
    """The officers' draft of the same period, made after the public packs; returns the public files'
    digests from before it was made."""
    return demo_packs.public_before_restricted


def test_no_published_file_names_a_folder_of_the_officers_machine(demo_project, pack):
    """The project's folder (a user name, a network share) is nobody's business: not in any file to publish."""
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    folder = str(demo_project)
    for name in manifest["publish"]:
        path = pack / name
        if path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            text = " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                            for v in row if v is not None)
        elif path.suffix == ".pdf":
            text = "".join(page.extract_text() for page in PdfReader(path).pages).replace("\n", "")
        else:
            text = path.read_text(encoding="utf-8")
        assert folder not in text, name


@pytest.fixture(scope="module")
def pages(pack) -> list[str]:
    return [page.extract_text() for page in PdfReader(pack / "pack.en.pdf").pages]


def _first_page_with(pages: list[str], heading: str, after: int = -1) -> int:
    """The first page after `after` with a line that is `heading` (the summary's group rows carry the
    sections' titles too, so a section is looked for after the summary)."""
    return next(i for i, text in enumerate(pages)
                if i > after and any(line.strip() == heading for line in text.splitlines()))


def test_pack_writes_pdf_html_workbook_and_executed_notebook(pack):
    for language in ("en", "cy"):
        for kind in ("pdf", "html", "xlsx", "ipynb", "figures.csv"):
            assert (pack / f"pack.{language}.{kind}").stat().st_size > 10_000, (language, kind)
    executed = nbformat.read(pack / "pack.en.ipynb", as_version=4)
    assert all(cell.get("execution_count") for cell in executed.cells if cell.cell_type == "code")
    assert not [p for p in pack.parent.iterdir() if p.name.startswith(".")], "temporary folder left behind"


def test_every_section_starts_on_its_own_page_in_order(pages):
    headings = ["Contents", "Summary", *(d["en"] for d in DOMAINS.values()), "Comparisons", "Data quality",
                "Appendix: definitions, methods and provenance"]
    summary = _first_page_with(pages, "Summary")
    starts = [_first_page_with(pages, heading, after=-1 if heading in ("Contents", "Summary") else summary)
              for heading in headings]
    assert starts == sorted(starts) and len(set(starts)) == len(starts), dict(zip(headings, starts))


def test_summary_fits_one_page_and_names_every_indicator(pages):
    summary = _first_page_with(pages, "Summary")
    assert _first_page_with(pages, "Front door and contacts", after=summary) == summary + 1
    text = " ".join(pages[summary].split())
    for indicator in catalogue().values():
        assert indicator.short_title_in("en") in text, indicator.id
    for domain in DOMAINS.values():  # each row under its section's heading
        assert domain["en"] in text


def test_pdf_holds_no_code_or_python_artefacts(pages):
    text = "\n".join(pages)
    for fragment in ("import ", "kpi.", "pack.", "Traceback", "In [", "Out[", "None", "<NA>", "NaT"):
        assert fragment not in text, fragment
    assert not re.search(r"\bnan\b", text, flags=re.IGNORECASE)


def test_pdf_is_tagged_with_title_language_alt_text_and_table_headers(pack):
    with pikepdf.open(pack / "pack.en.pdf") as pdf:
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
    html = (pack / "pack.en.html").read_text(encoding="utf-8")
    assert '<html lang="en">' in html
    assert "<script" not in html
    assert html.count("<img") == html.count('alt="') - html.count('alt=""')
    assert "Demo County Borough Council" in html.split("</title>")[0]


def test_numbers_agree_across_pdf_workbook_and_kpi_indicators(demo_project, pack, pages):
    expected = indicator_table(load_config(demo_project / "kpi.yml"), PERIOD).set_index("indicator_id")
    sheets = pd.read_excel(pack / "pack.en.xlsx", sheet_name=None, engine="openpyxl")
    assert {"Contents", "Summary", "Front door and contacts", "Assessments", "Caseloads and workforce",
            "Comparisons", "Completeness", "Input files", "Notes"} <= set(sheets)
    workbook = read_workbook(pack / "pack.en.xlsx")
    summary = workbook["summary"].set_index("indicator_id")
    assert set(summary.index) == set(expected.index)
    for column in ("value", "numerator", "denominator", "target"):
        pd.testing.assert_series_equal(summary[column].astype(float), expected.loc[summary.index, column].astype(float),
                                       check_names=False, check_index_type=False, rtol=1e-12)
    summary_page = " ".join(pages[_first_page_with(pages, "Summary")].split())
    timeliness = expected.loc["assessments_within_timescale_pct"]
    assert f"{timeliness['value']:.1f}%" in summary_page
    assert f"{timeliness['numerator']:,.0f} / {timeliness['denominator']:,.0f}" in summary_page


def test_chart_data_in_the_workbook_ends_with_the_pack_period(pack):
    chart = read_workbook(pack / "pack.en.xlsx")["assessments"]
    timeliness = chart[chart["indicator_id"] == "assessments_within_timescale_pct"]
    assert timeliness["period"].iloc[-1] == PERIOD
    assert len(timeliness) >= 12
    assert {"mean", "lpl", "upl", "point_type"} <= set(chart.columns)


def test_broken_config_fails_in_one_line_and_leaves_the_pack(demo_project, pack, capsys, tmp_path):
    before = digest(pack)
    broken = tmp_path / "kpi.yml"
    text = (demo_project / "kpi.yml").read_text(encoding="utf-8").replace("sources:", "sourcez:", 1)
    broken.write_text(text, encoding="utf-8")
    assert main(["pack", "--config", str(broken), "--period", PERIOD, "--out", str(pack.parent), "--quiet"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1 and "unknown key 'sourcez'" in error[0]
    assert digest(pack) == before


def test_failing_notebook_names_the_cell_and_leaves_the_pack(demo_project, pack, capsys, monkeypatch, tmp_path):
    before = digest(pack)
    notebook = nbformat.read(ROOT / "notebooks/quarterly_pack.ipynb", as_version=4)
    notebook.cells.insert(5, nbformat.v4.new_code_cell('raise ValueError("the summary broke")'))
    broken = tmp_path / "quarterly_pack.ipynb"
    nbformat.write(notebook, broken)
    monkeypatch.setattr("kpi.pack.export.find_notebook", lambda config, name="": broken)
    assert main(["pack", "--config", str(demo_project / "kpi.yml"), "--period", PERIOD, "--quiet"]) == 3
    error = capsys.readouterr().err
    assert 'raise ValueError("the summary broke")' in error and "ValueError: the summary broke" in error
    assert digest(pack) == before
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


# --- every variant has its own name (issue: a restricted run replaced the public pack.pdf) ---------------

RESTRICTED_WORDS = ("Restricted: draft, not for publication", "[Commentary to be added")


def _public_files(folder: Path) -> list[Path]:
    return [p for p in folder.iterdir() if p.is_file() and p.name.startswith("pack.")]


def test_a_restricted_run_leaves_the_public_packs_byte_for_byte(pack, restricted):
    after = digest(pack)
    assert {name: after[name] for name in restricted if name.startswith("pack.")} == {
        name: digest for name, digest in restricted.items() if name.startswith("pack.")}
    assert sorted(p.name for p in (pack / "restricted").iterdir()) == sorted(
        f"pack.en.RESTRICTED.{kind}" for kind in ("pdf", "html", "xlsx", "ipynb", "figures.csv"))


def test_no_public_named_file_holds_restricted_content(pack, restricted):
    for path in _public_files(pack):
        if path.suffix == ".pdf":
            reader = PdfReader(path)
            text = "\n".join(page.extract_text() for page in reader.pages)
            assert "RESTRICTED" not in str(reader.metadata.title).upper(), path.name
        elif path.suffix == ".xlsx":
            book = openpyxl.load_workbook(path, read_only=True)
            assert book.properties.keywords == "public", path.name
            text = "\n".join(str(cell) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                             for cell in row if cell is not None)
        else:
            text = path.read_text(encoding="utf-8")
        for words in RESTRICTED_WORDS:
            assert words not in text, (path.name, words)
        if path.suffix == ".html":
            assert audience_of_html(text) == "public"
        if path.name.endswith(".figures.csv"):
            assert set(pd.read_csv(path)["audience"]) == {"public"}


def test_every_restricted_file_says_so_in_its_name_metadata_and_every_page(pack, restricted):
    folder = pack / "restricted"
    pdf = PdfReader(folder / "pack.en.RESTRICTED.pdf")
    assert "Restricted: draft, not for publication" in str(pdf.metadata.title)
    assert "RESTRICTED" in str(pdf.metadata.get("/Keywords", ""))
    for number, page in enumerate(pdf.pages, start=1):
        assert "Restricted: draft, not for publication" in " ".join(page.extract_text().split()), number
    html = (folder / "pack.en.RESTRICTED.html").read_text(encoding="utf-8")
    assert audience_of_html(html) == "restricted"
    book = openpyxl.load_workbook(folder / "pack.en.RESTRICTED.xlsx")
    assert "RESTRICTED" in book.properties.keywords
    assert all("RESTRICTED" in sheet.oddHeader.center.text for sheet in book.worksheets)
    executed = nbformat.read(folder / "pack.en.RESTRICTED.ipynb", as_version=4)
    assert executed.metadata["papermill"]["parameters"]["audience"] == "restricted"


def test_the_manifest_lists_every_file_with_its_checksum_and_what_to_publish(pack, restricted):
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    listed = {entry["file"]: entry for entry in manifest["files"]}
    on_disk = {p.relative_to(pack).as_posix() for p in pack.rglob("pack.*") if p.is_file()}
    assert set(listed) == on_disk
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256((pack / name).read_bytes()).hexdigest(), name
        assert entry["audience"] == ("restricted" if name.startswith("restricted/") else "public"), name
        dt.datetime.fromisoformat(entry["created_utc"])
    assert sorted(manifest["publish"]) == sorted(f"pack.{lang}.{kind}" for lang in ("cy", "en")
                                                 for kind in ("pdf", "html", "xlsx"))
    assert all(name.startswith("restricted/") for name in manifest["not_for_publication"])


def test_welsh_pack_is_listed_first_and_is_in_welsh(pack):
    manifest = json.loads((pack / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["publish"][0].startswith("pack.cy.")
    with pikepdf.open(pack / "pack.cy.pdf") as pdf:
        assert str(pdf.Root.Lang) == "cy"


@pytest.mark.parametrize("command", ["pack", "commentary"])
def test_a_period_the_data_do_not_cover_is_refused_in_one_line(demo_project, command, capsys):
    before = sorted(p.name for p in (demo_project / "reports").iterdir())
    assert main([command, "--config", str(demo_project / "kpi.yml"), "--period", "2030-31Q1"]) == 2
    error = capsys.readouterr().err.strip().splitlines()
    assert len(error) == 1
    assert "2030-31 Q1 (April to June 2030) is not covered by the extracts" in error[0]
    assert sorted(p.name for p in (demo_project / "reports").iterdir()) == before


def test_a_pack_from_which_a_small_count_could_be_worked_out_is_never_published(demo_project, pack, monkeypatch,
                                                                                 capsys):
    # The demo's counts are large; with a threshold above all of them, the independent check before
    # publication must find them and stop the run, whatever the policy upstream did.
    import kpi.pack.export

    before = digest(pack)
    real_check = kpi.pack.export.require_safe
    monkeypatch.setattr("kpi.pack.export.require_safe",
                        lambda path, threshold, style: real_check(path, 1_000_000, style))
    assert main(["pack", "--config", str(demo_project / "kpi.yml"), "--period", PERIOD, "--quiet"]) == 4
    error = capsys.readouterr().err.strip().splitlines()[-1]  # after the progress lines, one line says why
    assert error.startswith("kpi pack: refusing to publish: a count of 1 to 1000000 children could be worked out")
    assert error.endswith("Nothing was written.")
    assert digest(pack) == before


def test_every_workbook_sheet_is_one_excel_table_with_plain_headings(pack):
    book = openpyxl.load_workbook(pack / "pack.en.xlsx")
    for sheet in book.worksheets[1:]:  # after the contents
        assert len(sheet.tables) == 1, sheet.title
        table = next(iter(sheet.tables.values()))
        assert table.ref.startswith("A1:") and sheet.freeze_panes == "A2", sheet.title
        headings = [cell.value for cell in sheet[1]]
        assert not [h for h in headings if h and "_" in h], (sheet.title, headings)  # no snake_case codes
    summary = book["Summary"]
    value_column = [cell.value for cell in summary[1]].index("Value") + 1
    formats = {summary.cell(row=r, column=value_column).number_format for r in range(2, summary.max_row + 1)}
    assert '0.0"%"' in formats and "#,##0" in formats  # percentages and counts each in their own format


def test_the_welsh_workbook_is_in_welsh(pack):
    book = openpyxl.load_workbook(pack / "pack.cy.xlsx")
    english = openpyxl.load_workbook(pack / "pack.en.xlsx")
    assert "Crynodeb" in book.sheetnames and book.sheetnames != english.sheetnames
    shared = set(book.sheetnames) & set(english.sheetnames)
    assert not shared, shared
    headings = [cell.value for cell in book[book.sheetnames[1]][1]]
    english_headings = [cell.value for cell in english[english.sheetnames[1]][1]]
    assert sum(h == e for h, e in zip(headings, english_headings)) <= 1  # RAG-like codes aside
    sheets = read_workbook(pack / "pack.cy.xlsx")  # and it reads back to the same codes
    assert {"summary", "assessments", "completeness", "notes"} <= set(sheets)


# --- Cymraeg: nothing left in English (issue 11) -------------------------------------------------------------

def _visible_html_text(html: str) -> str:
    from html.parser import HTMLParser

    class Visible(HTMLParser):
        def __init__(self):
            super().__init__()
            self.parts, self.hidden = [], 0

        def handle_starttag(self, tag, attrs):
            self.hidden += tag in ("style", "script", "title")
            self.parts += [value for name, value in attrs if name in ("alt", "aria-label") and value]

        def handle_endtag(self, tag):
            self.hidden -= tag in ("style", "script", "title")

        def handle_data(self, data):
            if not self.hidden:
                self.parts.append(data)

    parser = Visible()
    parser.feed(html)
    return " ".join(parser.parts)


def _chart_texts(config_path: Path) -> str:
    """Every word drawn on the Welsh pack's charts (the PNGs' text, from the same drawing code)."""
    from matplotlib.text import Text as TextArtist

    from kpi.charts import spc_chart
    from kpi.pack.build import build_pack

    content = build_pack(config_path, PERIOD, language="cy", audience="public")
    words = []
    for view in content.views.values():
        if view.spc is None:
            continue
        figure, alt = spc_chart(view.spc, title=view.indicator.title_in("cy"), unit=view.indicator.unit,
                                decimals=view.indicator.decimals, target=view.row["target"], text=content.text,
                                rebase_points=view.trend.changes)
        words += [artist.get_text() for artist in figure.findobj(TextArtist)] + [alt]
        figure.clear()
    words += [alt for _, alt in content.comparison_charts.values()]
    return " ".join(words)


def _without_file_names(text: str, root: Path) -> str:
    """The input files' names (and their sheets' names) are names, not words: drop every piece of them the
    PDF's line breaks made."""
    report = pd.read_csv(root / "data/processed/ingest_report.csv", dtype=str, keep_default_na=False)
    paths = " ".join(report["file"].str.lstrip("'")) + " " + " ".join(report["sheet"])
    return " ".join(token for token in text.split() if token not in paths)


def _without_package_names(text: str) -> str:
    """The names of the software packages in the provenance (holidays, matplotlib) are names, not words."""
    from kpi.pack.build import package_versions

    names = set(package_versions())
    return " ".join(token for token in text.split() if token.lower() not in names)


def test_the_welsh_pack_has_no_english_left(demo_project, pack):
    from english_words import english_in

    pdf = "\n".join(page.extract_text() for page in PdfReader(pack / "pack.cy.pdf").pages)
    pdf = _without_file_names(pdf, demo_project)
    html = _visible_html_text((pack / "pack.cy.html").read_text(encoding="utf-8"))
    book = openpyxl.load_workbook(pack / "pack.cy.xlsx", read_only=True)
    cells = " ".join(str(v) for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                     for v in row if isinstance(v, str)) + " " + " ".join(book.sheetnames)
    cells = _without_file_names(cells, demo_project)
    charts = _chart_texts(demo_project / "kpi.yml")
    pdf, html, cells = (_without_package_names(text) for text in (pdf, html, cells))
    found = {where: sorted(english_in(text)) for where, text in
             (("pdf", pdf), ("html and alt text", html), ("workbook", cells), ("charts", charts))}
    assert found == {where: [] for where in found}
    assert re.search(r"\b(Medi|Gorffennaf|Awst)\b", pdf)  # months in Welsh
    assert "Pwyllgor Craffu Gwasanaethau Plant" in pdf and '<html lang="cy">' in (pack / "pack.cy.html").read_text(
        encoding="utf-8")


@pytest.mark.parametrize("language, sections, sentence", [
    ("en", ["Child protection and strategy discussions", "Children looked after"],
     r"(\d+) children were looked after at the end of 2026-27 Q2\."),
    ("cy", ["Amddiffyn plant a thrafodaethau strategaeth", "Plant sy'n derbyn gofal"],
     r"Roedd (\d+) o blant yn derbyn gofal ar ddiwedd Ch2 2026-27\."),
])
def test_the_new_sections_are_in_both_packs_with_their_figures(demo_project, pack, language, sections, sentence):
    """Issue 15: child protection and children looked after have their own sections, in English and in Welsh,
    each indicator with a figure from the demo's data (the figure the workbook's summary gives)."""
    pages = [page.extract_text() for page in PdfReader(pack / f"pack.{language}.pdf").pages]
    summary = _first_page_with(pages, "Summary" if language == "en" else "Crynodeb")
    starts = [_first_page_with(pages, heading, after=summary) for heading in sections]
    assert starts == sorted(starts)
    looked_after = " ".join(" ".join(pages[starts[1]:starts[1] + 3]).split())
    found = re.search(sentence, looked_after)
    assert found, looked_after[:400]
    figures = pd.read_csv(pack / f"pack.{language}.figures.csv")
    shown = figures.loc[figures["indicator_id"].eq("looked_after_at_end") & figures["period"].eq(PERIOD),
                        "value"].iloc[0]
    assert int(found.group(1)) == shown > 0
    for indicator in catalogue().values():
        if indicator.domain in ("child_protection", "looked_after"):
            assert indicator.title_in(language) in " ".join(" ".join(pages[starts[0]:]).split()), indicator.id
