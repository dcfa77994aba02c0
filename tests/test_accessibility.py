"""Accessibility of the published pack, checked by tools that are not ours (issue 12), and of the weekly
front-door report and the front-door screen (issue 14), made from the same demo project.

Three real demo packs are built once for the module (English and Welsh public, English restricted);
then `pdfua check` reads every PDF, axe-core (in Debian's Chromium) reads every HTML file for WCAG
2.2 A/AA, and the HTML is laid out 320 CSS px wide. Beside them, the PDF structure rules that pdfua
does not cover: one tree with nothing detached, margins and repeated header rows as artifacts, one
/Table per table, scoped header cells, links named in words, and no table text below 8 pt.

The browser checks need Chromium (`apt-get install -y chromium`, as .ci/run does): without it they
are skipped with the reason on a developer's machine, and fail in CI, which must run them all.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pikepdf
import pytest

from kpi.cli import main

TODAY = dt.date(2026, 11, 22)
PERIOD = "2026-27Q2"
VARIANTS = {"en": "pack.en", "cy": "pack.cy", "restricted": "restricted/pack.en.RESTRICTED"}
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]
# The weekly outputs (issue 14), under the demo project: the front-door report (restricted in English, public
# in Welsh) as PDF and HTML, and the screen's page (HTML only).
WEEK = "we2026-09-25"
WEEKLY = {"front-door": f"reports/front-door/{WEEK}/restricted/front_door.en.RESTRICTED",
          "front-door-cy": f"reports/front-door/{WEEK}/front_door.cy", "screen": "screen/index"}
WITH_PDF = [*VARIANTS, "front-door", "front-door-cy"]
WITH_HTML = [*VARIANTS, *WEEKLY]
SMALLEST_TABLE_TEXT_PT = 8
# In the browser: text wider than its own box (in a table, running into the next cell) ...
OVERFLOWING = """[...document.querySelectorAll('th, td, caption, p, h1, h2, h3, h4, li, dt, dd')]
    .filter(e => e.scrollWidth > e.clientWidth + 1)
    .map(e => e.tagName + ' ' + e.textContent.trim().slice(0, 40)).slice(0, 10)"""
# ... and anything cut off at the right edge of the window.
CUT_OFF = """[...document.querySelectorAll('img, figure, p, h1, h2, h3, h4, li, dl')]
    .filter(e => e.getBoundingClientRect().right > window.innerWidth + 0.5)
    .map(e => e.tagName + ' ' + (e.alt || e.textContent.trim().slice(0, 40))).slice(0, 10)"""


@pytest.fixture(scope="module")
def packs(demo_packs) -> dict[str, Path]:
    """Each variant's files without their extension: `.pdf` and `.html` beside each other."""
    return {name: demo_packs.folder / stem for name, stem in VARIANTS.items()}


@pytest.fixture(scope="module")
def outputs(packs) -> dict[str, Path]:
    """The packs and the weekly outputs of the same demo project, each without its extension."""
    root = packs["en"].parents[2]
    config = str(root / "kpi.yml")
    assert main(["front-door", "--config", config, "--quiet"]) == 0
    assert main(["front-door", "--config", config, "--audience", "public", "--language", "cy", "--quiet"]) == 0
    assert main(["screen", "--config", config, "--out", str(root / "screen")]) == 0
    return {**packs, **{name: root / stem for name, stem in WEEKLY.items()}}


def _file(packs: dict[str, Path], variant: str, kind: str) -> Path:
    return packs[variant].with_name(f"{packs[variant].name}.{kind}")


def _unavailable(what: str, reason: str) -> None:
    """A check that cannot run says which and why; in CI that is a failure, not a skip."""
    message = f"{what} not run: {reason}"
    if os.environ.get("CI"):
        pytest.fail(f"CI must run every accessibility check, but {message}")
    pytest.skip(message)


# --- pdfua: the machine-checkable part of PDF/UA-1 -------------------------------------------------

@pytest.mark.parametrize("variant", WITH_PDF)
def test_pdfua_check_finds_nothing(outputs, variant):
    try:
        import pdfua  # noqa: F401
    except ImportError:
        _unavailable("pdfua check", "the pdfua package is not installed (pip install -e '.[test]')")
    pdf = _file(outputs, variant, "pdf")
    run = subprocess.run([sys.executable, "-m", "pdfua", "check", "--format", "json", str(pdf)],
                         capture_output=True, text=True, timeout=120)
    report = json.loads(run.stdout)
    assert report["findings"] == [] and run.returncode == 0, json.dumps(report["findings"], indent=1)[:3000]
    # pdfua 0.1.3 cannot run its empty-heading rule on pikepdf 10 (it asks an array for .is_integer);
    # test_pdf_is_one_tree_with_artifacts_scoped_headers_and_named_links checks headings itself.
    assert {skipped["rule_id"] for skipped in report.get("skipped", [])} <= {"UA-14-001"}


# --- our own reading of the PDF's structure ------------------------------------------------------

def _kids(node) -> list:
    kids = node.get("/K")
    if kids is None:
        return []
    return list(kids) if isinstance(kids, pikepdf.Array) else [kids]


def _is_element(node) -> bool:
    return isinstance(node, pikepdf.Dictionary) and "/S" in node


def _tree(root) -> list[tuple[pikepdf.Dictionary, pikepdf.Dictionary]]:
    """(element, the node whose /K lists it) for every element reachable from the root, in reading order."""
    found, stack = [], [(kid, root) for kid in reversed(_kids(root)) if _is_element(kid)]
    while stack:
        element, parent = stack.pop()
        found.append((element, parent))
        stack.extend((kid, element) for kid in reversed(_kids(element)) if _is_element(kid))
    return found


def _marks_content(element) -> bool:
    return any(isinstance(kid, int) or (isinstance(kid, pikepdf.Dictionary) and kid.get("/Type") == "/MCR")
               or (_is_element(kid) and _marks_content(kid)) for kid in _kids(element))


def _parent_tree(root) -> dict[int, object]:
    numbers = root.ParentTree.Nums
    return {int(numbers[i]): numbers[i + 1] for i in range(0, len(numbers), 2)}


def _marked_content(page) -> list[tuple[object, list]]:
    """(tag, operands) of every marked-content sequence the page's content opens."""
    return [(operands[0], list(operands)) for operands, operator in pikepdf.parse_content_stream(page)
            if str(operator) in ("BDC", "BMC")]


def _assert_one_tree(pdf) -> list[int]:
    """Every element hangs off the parent that lists it, every piece of content and every annotation
    belongs to an element of the tree, and each element is well formed; returns, for each page, how
    many pagination artifacts (running header, page number, repeated header row) it has."""
    root = pdf.Root.StructTreeRoot
    tree = _tree(root)
    members = {element.objgen for element, _ in tree}
    owners = _parent_tree(root)
    artifacts = []
    for index, page in enumerate(pdf.pages):
        by_mcid = owners.get(int(page.StructParents), [])
        pagination = 0
        for tag, operands in _marked_content(page):
            if tag == "/Artifact":
                pagination += len(operands) > 1 and operands[1].get("/Type") == "/Pagination"
                continue
            mcid = int(operands[1].MCID)  # every other sequence is content, owned by an element in the tree
            assert mcid < len(by_mcid) and by_mcid[mcid] is not None, (index, mcid)
            assert by_mcid[mcid].objgen in members, f"page {index + 1}: content under a detached element"
        artifacts.append(pagination)
    for key, owner in owners.items():
        if key >= len(pdf.pages):  # annotations
            assert owner.objgen in members, "an annotation under a detached element"
    for element, parent in tree:
        kind = str(element.S)
        assert element.P.objgen == parent.objgen, f"{kind} names a parent that does not list it"
        if kind == "/Table":
            assert [str(kid.S) for kid in _kids(element) if _is_element(kid)].count("/THead") <= 1
        if kind == "/TH":
            assert element.A.Scope == ("/Column" if str(parent.P.S) == "/THead" else "/Row")
            assert "/ID" not in element
        if kind in ("/TD", "/TH"):
            assert "/Headers" not in element.get("/A", {})
        if re.fullmatch(r"/H[1-6]", kind):
            assert _marks_content(element), "an empty heading"
        if kind not in ("/TD", "/TH"):
            assert _kids(element), f"an empty {kind}"
        if kind == "/Link":
            assert str(parent.S) != "/Link", "a link inside a link"
    return artifacts


def _link_descriptions(pdf) -> list[str]:
    return [str(annotation.get("/Contents", "")) for page in pdf.pages for annotation in page.get("/Annots", [])
            if annotation.get("/Subtype") == "/Link"]


@pytest.mark.parametrize("variant", VARIANTS)
def test_pdf_is_one_tree_with_artifacts_scoped_headers_and_named_links(packs, variant):
    html = _file(packs, variant, "html").read_text(encoding="utf-8")
    with pikepdf.open(_file(packs, variant, "pdf")) as pdf:
        artifacts = _assert_one_tree(pdf)
        assert all(artifacts[1:]), "a page after the cover whose running header and page number are content"
        kinds = [str(element.S) for element, _ in _tree(pdf.Root.StructTreeRoot)]
        assert kinds.count("/Table") == html.count("<table"), "a table split over pages is not one /Table"
        assert kinds.count("/Part") == 1 and kinds.count("/Sect") >= 8
        titles = set(re.findall(r'<li data-target="#[^"]+"><a href="#[^"]+">([^<]+)</a>', html))
        links = _link_descriptions(pdf)
        assert titles and links and set(links) <= titles, links  # the contents' links say where they go


def test_a_table_over_pages_is_one_table_with_its_header_row_read_once(tmp_path):
    """kpi.pack.pdf_structure on a document made for it: a table over three A6 pages, a running head,
    page numbers and a link."""
    from kpi.pack.export import to_pdf

    rows = "".join(f"<tr><th scope='row'>Row {i}</th><td>{i}</td></tr>" for i in range(60))
    html = ("<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Split</title><style>"
            "@page { size: A6; @top-left { content: 'Running head' } @bottom-center { content: counter(page) } }"
            "</style></head><body><main><p><a href='#rows'>The rows</a></p><section id='rows'><table>"
            "<caption>Rows</caption><thead><tr><th scope='col'>Name</th><th scope='col'>Value</th></tr></thead>"
            f"<tbody>{rows}</tbody></table></section></main></body></html>")
    to_pdf(html, tmp_path / "split.pdf", tmp_path)
    with pikepdf.open(tmp_path / "split.pdf") as pdf:
        assert len(pdf.pages) >= 3
        artifacts = _assert_one_tree(pdf)
        assert all(count >= 2 for count in artifacts[:1]) and all(count >= 4 for count in artifacts[1:]), artifacts
        kinds = [str(element.S) for element, _ in _tree(pdf.Root.StructTreeRoot)]
        assert [kinds.count(kind) for kind in ("/Part", "/Sect", "/Table", "/THead", "/TBody")] == [1, 1, 1, 1, 1]
        assert kinds.count("/TR") == 61 and kinds.count("/TH") == 62
        assert _link_descriptions(pdf) == ["The rows"]
        assert "/KPISource" not in {str(key) for element, _ in _tree(pdf.Root.StructTreeRoot) for key in element.keys()}


def _text_sizes_in_tables(pdf) -> list[float]:
    """The printed size (pt) of every piece of text inside a table cell or caption."""
    root = pdf.Root.StructTreeRoot
    in_table = set()
    for element, _ in _tree(root):
        if str(element.S) == "/Table":
            in_table |= {kid.objgen for kid, _ in _tree(element)}
    owners = _parent_tree(root)
    sizes = []
    for page in pdf.pages:
        by_mcid = owners.get(int(page.StructParents), [])
        ctm, stack, marked, size, text_scale = 1.0, [], [], 0.0, 1.0
        for operands, operator in pikepdf.parse_content_stream(page):
            op = str(operator)
            if op == "q":
                stack.append((ctm, size))
            elif op == "Q":
                ctm, size = stack.pop()
            elif op == "cm":
                ctm *= abs(float(operands[3]))
            elif op == "Tf":
                size = float(operands[1])
            elif op == "Tm":
                text_scale = abs(float(operands[3]))
            elif op in ("BDC", "BMC"):
                mcid = operands[1].get("/MCID") if op == "BDC" and isinstance(operands[1], pikepdf.Dictionary) else None
                owner = by_mcid[int(mcid)] if mcid is not None and int(mcid) < len(by_mcid) else None
                marked.append(owner is not None and owner.objgen in in_table)
            elif op == "EMC":
                marked.pop()
            elif op in ("Tj", "TJ", "'", '"') and marked and marked[-1]:
                sizes.append(size * text_scale * ctm)
    return sizes


@pytest.mark.parametrize("variant", ["en", "cy"])
def test_no_table_text_is_smaller_than_8_pt_and_the_summary_fits_one_page(packs, variant):
    with pikepdf.open(_file(packs, variant, "pdf")) as pdf:
        sizes = _text_sizes_in_tables(pdf)
        assert sizes and min(sizes) >= SMALLEST_TABLE_TEXT_PT - 0.01, min(sizes)
        summary = next(element for element, _ in _tree(pdf.Root.StructTreeRoot) if str(element.S) == "/Sect"
                       and any(str(kid.S) == "/Table" for kid, _ in _tree(element)))  # the first with a table
        pages = {element.Pg.objgen for element, _ in _tree(summary)}
        assert len(pages) == 1, "the summary (heading, table and key) runs over more than one page"


# --- the HTML: axe-core and reflow in Chromium ---------------------------------------------------

@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """Debian's Chromium, driven by Playwright, with a fresh profile."""
    checks = "axe-core (WCAG 2.2 A/AA) and the 320 px reflow check"
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable(checks, "playwright is not installed (pip install -e '.[test]')")
    if executable is None:
        _unavailable(checks, "no Chromium browser on this machine (apt-get install -y chromium; .ci/run does)")
    with sync_playwright() as playwright:
        context = playwright.chromium.launch_persistent_context(
            str(tmp_path_factory.mktemp("chromium-profile")), executable_path=executable, headless=True,
            args=CHROMIUM_FLAGS)
        yield context
        context.close()


@pytest.mark.parametrize("variant", WITH_HTML)
def test_axe_finds_no_wcag_22_aa_violation(outputs, browser, variant):
    from axe_playwright_python.sync_playwright import Axe

    page = browser.new_page()
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(_file(outputs, variant, "html").as_uri())
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": WCAG_22_AA}}).response
    overlapping = page.evaluate(f"() => {OVERFLOWING}")
    page.close()
    assert not overlapping, f"text wider than its box, over its neighbour: {overlapping}"
    version = tuple(int(part) for part in results["testEngine"]["version"].split(".")[:2])
    assert version >= (4, 8), f"axe-core {results['testEngine']['version']} predates the WCAG 2.2 rules"
    problems = [f"{violation['id']} ({violation['impact']}): {violation['help']}: "
                f"{[node['target'] for node in violation['nodes'][:5]]}" for violation in results["violations"]]
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("variant", WITH_HTML)
def test_html_reflows_at_320_css_px_without_sideways_scroll(outputs, browser, variant, tmp_path):
    page = browser.new_page()
    page.set_viewport_size({"width": 320, "height": 640})
    page.goto(_file(outputs, variant, "html").as_uri())
    page.screenshot(path=str(tmp_path / "320px.png"), full_page=False)
    width, viewport = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    cut = page.evaluate(f"() => {CUT_OFF}")
    overlapping = page.evaluate(f"() => {OVERFLOWING}")
    page.close()
    assert width <= viewport, f"the page scrolls sideways: {width} px wide in a {viewport} px viewport"
    assert not cut, f"cut off at the right edge: {cut}"
    assert not overlapping, f"text wider than its box, over its neighbour: {overlapping}"


def test_html_names_links_by_title_and_hides_icons_that_repeat_a_word(packs):
    html = _file(packs, "en", "html").read_text(encoding="utf-8")
    contents = html[html.index('id="contents-heading"'):]
    contents = contents[:contents.index("</nav>")]
    links = re.findall(r'<a href="#([^"]+)">([^<]+)</a>', contents)
    assert links and all(text.strip() != anchor and "_" not in text for anchor, text in links), links
    icons = re.findall(r'<span[^>]*class="icon-image"[^>]*>', html)
    assert icons and all('aria-hidden="true"' in icon for icon in icons)
    assert not re.search(r'<img(?![^>]*\balt=")', html), "an image without alt text"
    regions = re.findall(r'<div[^>]*class="table-region"[^>]*>', html)
    assert len(regions) == html.count("<table"), "a table that cannot scroll in its own region"
    assert all('tabindex="0"' in region and "aria-labelledby=" in region for region in regions)


@pytest.mark.parametrize("variant", ["front-door", "front-door-cy"])
def test_the_front_door_pdf_is_one_tree(outputs, variant):
    with pikepdf.open(_file(outputs, variant, "pdf")) as pdf:
        _assert_one_tree(pdf)
        html = _file(outputs, variant, "html").read_text(encoding="utf-8")
        kinds = [str(element.S) for element, _ in _tree(pdf.Root.StructTreeRoot)]
        assert kinds.count("/Table") == html.count("<table") and kinds.count("/Figure") == html.count("<img")
