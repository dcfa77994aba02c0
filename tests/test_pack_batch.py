"""Batch packs (issue 16, point 4): `kpi pack --authority all` makes an ordinary pack for every authority of
national data, each ranked among all of them, several at a time; one authority's failure is reported, not fatal.

Three Welsh authorities over two years, English only, two packs at a time: one batch in which one
authority's split data are damaged (it fails, the others are made), then that authority alone (made, and
the summary keeps the others' rows). The split, the comparisons and the worker's second go are checked
without making packs.
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from kpi.catalogue import catalogue
from kpi.cli import EXIT_PACK_FAILED, main
from kpi.compare import national as national_comparisons
from kpi.compare.ranking import FROM_RECORDS, comparator_ids, comparator_rows
from kpi.config import load_config
from kpi.data.by_authority import authorities_in, split_processed
from kpi.data.processed import load_processed
from kpi.demo.national import write_national
from kpi.engine import ALL, compute_values
from kpi.indicators.disclosure import Policy
from kpi.indicators.table import settings_from
from kpi.pack import batch as batch_module
from kpi.pack import render
from kpi.pack.appendix import COMPUTED_COMPARISONS, comparisons_method
from kpi.pack.build import build_pack
from kpi.pack.export import make_pack
from kpi.pack.kernels import KeptKernel
from kpi.pack.workbook import write_workbook
from kpi.pack.workbook_words import read_workbook
from kpi.words.text import Text

TODAY = dt.date(2026, 11, 22)  # two years: 2024-25 and 2025-26 whole, 2026-27 to September
PERIOD = "2026-27Q2"
CODES = ["W06000001", "W06000002", "W06000003"]
NAMES = {"W06000001": "Isle of Anglesey", "W06000002": "Gwynedd", "W06000003": "Conwy"}
BROKEN = "W06000003"
KEY = "national-test-key-long-enough-for-hmac-sha256"
TABLES = ("contacts", "assessments", "caseloads")


@pytest.fixture(scope="module")
def national(tmp_path_factory) -> Path:
    """The national kpi.yml, its data ingested."""
    root = tmp_path_factory.mktemp("national")
    written = write_national(out=root / "raw", config_path=root / "kpi.yml", authority_count=3, years=2, seed=2017,
                             today=TODAY)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("KPI_PSEUDONYM_KEY", KEY)
        assert main(["ingest", "--config", str(written.config_path), "--quiet"]) == 0
    return written.config_path


def _summary(reports: Path) -> pd.DataFrame:
    return pd.read_csv(reports / f"{PERIOD}.authorities.csv", dtype=str, keep_default_na=False,
                       encoding="utf-8-sig").set_index("authority")


def _made(reports: Path, code: str) -> set[str]:
    folder = reports / code / PERIOD
    return {p.name for p in folder.iterdir()} if folder.is_dir() else set()


@pytest.fixture(scope="module")
def runs(national):
    """A batch of all three with BROKEN's contacts damaged once split; then BROKEN alone, as it should be."""
    reports = national.parent / "reports"
    split = batch_module.split_processed

    def damaging(processed, folders):
        split(processed, folders)
        if BROKEN in folders:
            (folders[BROKEN] / "contacts.parquet").write_bytes(b"not a parquet file")

    argv = ["pack", "--config", str(national), "--period", PERIOD, "--jobs", "2", "--quiet"]
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch_module, "split_processed", damaging)
        first = main([*argv, "--authority", "all"])
    after_first = {"summary": _summary(reports), "made": {code: _made(reports, code) for code in CODES}}
    again = main([*argv, "--authority", BROKEN])
    return {"reports": reports, "first": first, "again": again, "after_first": after_first}


# --- the batch -------------------------------------------------------------------------------------


def test_a_failing_authority_is_reported_while_the_others_are_made(runs):
    assert runs["first"] == EXIT_PACK_FAILED
    summary, made = runs["after_first"]["summary"], runs["after_first"]["made"]
    assert list(summary.index) == CODES
    assert summary.loc[BROKEN, "status"] == "failed" and "parquet" in summary.loc[BROKEN, "reason"].lower()
    assert made[BROKEN] == set()
    for code in set(CODES) - {BROKEN}:
        assert summary.loc[code, "status"] == "ok" and summary.loc[code, "reason"] == ""
        assert {"pack.en.pdf", "pack.en.html", "pack.en.xlsx", "manifest.json"} <= made[code]


def test_every_authority_gets_its_own_pack_folder_and_the_summary_lists_them_all_ok(runs):
    assert runs["again"] == 0
    reports, summary = runs["reports"], _summary(runs["reports"])
    assert list(summary.index) == CODES and set(summary["status"]) == {"ok"}
    assert summary["name"].to_dict() == NAMES
    for code in CODES:
        assert Path(summary.loc[code, "folder"]) == reports / code / PERIOD
        assert {"pack.en.pdf", "pack.en.html", "pack.en.xlsx"} <= _made(reports, code)
        assert float(summary.loc[code, "seconds"]) > 0
    assert list(reports.rglob("*.parquet")) == [] and not (reports / "versions").exists()  # no records left


def test_each_pack_is_its_authoritys_and_ranks_it_among_all_of_them(runs):
    for code in (CODES[0], BROKEN):
        folder = runs["reports"] / code / PERIOD
        assert NAMES[code] in (folder / "pack.en.html").read_text(encoding="utf-8")
        compared = read_workbook(folder / "pack.en.xlsx")["comparisons"].set_index("indicator_id")
        in_time = compared.loc["assessments_within_timescale_pct"]
        assert in_time["comparator_period"] == "2025-26" and int(in_time["rank_of"]) == len(CODES)
        assert 1 <= int(in_time["rank"]) <= len(CODES) and pd.notna(in_time["nation_value"])


def test_an_unknown_authority_is_one_clear_line(national, capsys):
    assert main(["pack", "--config", str(national), "--period", PERIOD, "--authority", "XYZ"]) == 2
    said = capsys.readouterr().err.strip().splitlines()
    assert len(said) == 1 and "--authority XYZ: not in the data" in said[0] and CODES[0] in said[0]
    assert main(["pack", "--config", str(national), "--period", PERIOD, "--jobs", "2"]) == 2  # only with --authority


# --- the split -------------------------------------------------------------------------------------


def test_the_split_keeps_each_authoritys_rows_with_the_same_types(national, tmp_path):
    processed = load_config(national).processed_dir
    assert authorities_in(processed) == CODES
    folders = {code: tmp_path / code for code in CODES}
    split_processed(processed, folders)
    for name in TABLES:
        whole = pd.read_parquet(processed / f"{name}.parquet")
        for code in CODES:
            part = pd.read_parquet(folders[code] / f"{name}.parquet")
            mine = whole[whole["authority"].eq(code)].reset_index(drop=True)
            assert len(part) > 0 and set(part["authority"]) == {code}
            pd.testing.assert_frame_equal(part, mine)  # the same rows, in order, with the same types
    report = pd.read_csv(folders[CODES[1]] / "ingest_report.csv", encoding="utf-8-sig").set_index("table")
    for name in TABLES:
        rows = len(pd.read_parquet(folders[CODES[1]] / f"{name}.parquet"))
        assert report.loc[name, "rows_accepted"] == report.loc[name, "rows_read"] == rows
    assert (folders[CODES[1]] / "rejected" / "contacts.csv").is_file()


# --- the comparisons -------------------------------------------------------------------------------


def test_the_comparisons_hold_every_authority_and_the_nation(national):
    config = load_config(national)
    data = load_processed(config)
    table = national_comparisons.national_comparators(data, config, config.authorities)
    assert set(table["period"]) == {"2024-25", "2025-26"}
    in_time = table[table["indicator_id"].eq("assessments_within_timescale_pct") & table["period"].eq("2025-26")]
    assert list(in_time["area_code"]) == [*CODES, "W92000004"]
    assert list(in_time["area_type"]) == ["authority"] * 3 + ["nation"]
    assert list(in_time["area_name"]) == [*NAMES.values(), "Wales"]
    indicators = {"assessments_within_timescale_pct": catalogue()["assessments_within_timescale_pct"]}
    engine = compute_values(data, indicators, [pd.Period("2026", freq="Y-MAR")], settings_from(config), by="authority")
    assert in_time["value"].tolist() == pytest.approx(engine.set_index("authority")["value"][[*CODES, ALL]].tolist())
    ids = set(table["indicator_id"])
    assert {"agency_social_workers_pct", "contacts_decided_within_1wd_pct"} <= ids  # the comparator id, else its own
    assert "caseload_agency_social_workers_pct" not in ids
    assert not ids & {"contacts_received", "assessments_open_over_timescale", "contacts_change_on_last_year_pct"}
    assert table.dtypes.to_dict() == national_comparisons._typed(pd.DataFrame()).dtypes.to_dict()
    assert set(table["provenance"]) == {FROM_RECORDS}  # no one published them, and the table says so


def test_a_withheld_figure_withholds_the_nations_too(national, monkeypatch):
    class WithholdingOne(Policy):
        def to_withhold(self, frame, indicators):
            return frame["authority"].eq(CODES[1]) & frame["indicator_id"].eq("assessments_within_timescale_pct")

    monkeypatch.setattr(national_comparisons.Policy, "from_config", classmethod(lambda cls, config: WithholdingOne()))
    config = load_config(national)
    table = national_comparisons.national_comparators(load_processed(config), config)
    in_time = table[table["indicator_id"].eq("assessments_within_timescale_pct")].set_index(["period", "area_code"])
    for year in ("2024-25", "2025-26"):
        for area in (CODES[1], "W92000004"):  # the nation less the others would give it
            assert in_time.loc[(year, area), "note"] == "c" and pd.isna(in_time.loc[(year, area), "value"])
        assert pd.isna(in_time.loc[(year, CODES[0]), "note"]) and pd.notna(in_time.loc[(year, CODES[0]), "value"])


def test_an_indicator_no_publication_names_is_found_under_its_own_id():
    indicators = catalogue()
    assert comparator_ids(indicators["contacts_decided_within_1wd_pct"]) == ["contacts_decided_within_1wd_pct"]
    agency = comparator_ids(indicators["caseload_agency_social_workers_pct"])
    assert agency[0] == "agency_social_workers_pct"  # the published id is still preferred
    rows = pd.DataFrame({"indicator_id": ["contacts_decided_within_1wd_pct", "other"], "area_code": ["W1", "W1"],
                         "period": ["2025-26", "2025-26"], "value": [90.0, 1.0]})
    assert comparator_rows(rows, indicators["contacts_decided_within_1wd_pct"])["value"].tolist() == [90.0]


# --- what the packs say of the comparisons ----------------------------------------------------------

# Words that would tell a reader the figures compared were published: English, and Welsh ("cyhoeddedig",
# "a gyhoeddwyd", "fel y'i cyhoeddwyd"). What the pack says of itself (its public marking, earlier packs) is
# not about the comparisons, and "not published" is what a batch pack must say.
CLAIMS_PUBLISHED = {"en": re.compile(r"(?<!not )(?<!none was )\bpublished\b", re.IGNORECASE),
                    "cy": re.compile(r"\b[cg]yhoeddedig|\ba gyhoeddwyd|y'i cyhoeddwyd", re.IGNORECASE)}


@pytest.fixture(scope="module")
def batch_content(national, tmp_path_factory) -> dict:
    """The first authority's public pack content in English and Welsh, from what `kpi pack --authority all`
    prepares (its split records, the comparators computed from every authority's records, its kpi.yml), without
    running the notebook: the words are the pack's words."""
    config = load_config(national)
    work = tmp_path_factory.mktemp("batch_words")
    jobs, said = batch_module.prepare(config, load_processed(config), [CODES[0]], work, work / "reports", PERIOD,
                                      language="both", audience="public", allow_empty=False, say=lambda *_: None)
    assert "worked out from the data" in said
    return {language: build_pack(jobs[0].config, PERIOD, language=language, audience="public")
            for language in ("en", "cy")}


def test_the_ranked_charts_rank_the_figures_the_pack_worked_out_for_its_workbook(national, tmp_path, monkeypatch):
    """Each ranked chart is handed the figures the workbook's comparison sheet holds, rather than working them
    out a second time (in a forked worker, at that)."""
    from kpi.compare import benchmarking

    config = load_config(national)
    jobs, _ = batch_module.prepare(config, load_processed(config), [CODES[0]], tmp_path, tmp_path / "reports", PERIOD,
                                   language="en", audience="public", allow_empty=False, say=lambda *_: None)

    def again(*args):
        raise AssertionError("a ranked chart worked its figures out again")

    monkeypatch.setattr(benchmarking, "comparison_figures", again)
    content = build_pack(jobs[0].config, PERIOD, language="en", audience="public", chart_workers=1)
    ranked = set(content.comparison_figures["indicator_id"])
    assert ranked and set(content.comparison_charts) == ranked  # every compared indicator has its chart


def _comparison_words(content) -> str:
    """Everything the pack says about how it compares: the summary, each headline, the comparisons section
    (its charts' alt text included, the images left out) and the appendix's comparisons method."""
    comparisons = re.sub(r"data:image/png;base64,[^\"]+", "", render.comparisons_section(content))
    return html.unescape("\n".join([render.summary(content), *(view.headline for view in content.views.values()),
                                    comparisons, *comparisons_method(content)]))


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_batch_pack_says_its_comparisons_were_computed_never_published(batch_content, language):
    content = batch_content[language]
    t = Text(language)
    said = _comparison_words(content)
    assert CLAIMS_PUBLISHED[language].findall(said) == []
    assert content.comparisons_computed and set(content.table["comparators_source"].dropna()) == {FROM_RECORDS}
    for msgid in ("Published period", "Us (published period)",
                  "Comparisons use the figures published for every authority."):
        assert t(msgid) not in said
    # Said instead, in the pack's own language: who did not publish them, where they come from, and what the
    # nation's figure in every row is.
    assert t(render.COMPUTED_SOURCE["wales"]) in said and t(COMPUTED_COMPARISONS["wales"]) in said
    assert t(render.COMPUTED_KEY["wales"]) in said and t("Period compared") in said
    assert t("{value} ({period}, computed)", value="", period="2025-26").strip() in said  # the nation's cell
    sentence = t("It is above the {nation} average of {average} ({period}), computed from every authority's "
                 "records.", nation="", average="", period="2025-26")
    assert sentence[sentence.index("(2025-26)"):] in content.views["assessments_within_timescale_pct"].headline
    assert t("The figures were computed from every authority's records; none was published") in said  # alt text
    assert content.text.missing == set(), sorted(content.text.missing)  # every new word has its Welsh


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_batch_packs_workbook_says_its_comparisons_were_computed(batch_content, language, tmp_path):
    content = batch_content[language]
    t = Text(language)
    path = tmp_path / f"pack.{language}.xlsx"
    write_workbook(content, path)
    book = openpyxl.load_workbook(path)
    headings = [cell.value for cell in book[t("Comparisons")][1]]
    assert t("Period compared") in headings and t("Published period") not in headings
    contents = [row[1] for row in book[t("Contents")].iter_rows(values_only=True)]
    assert t("Every published figure each rank and band was computed from") not in contents
    sheets = read_workbook(path)  # the headings still read back as codes (kpi check-disclosure reads them)
    compared = sheets["comparisons"].set_index("indicator_id").loc["assessments_within_timescale_pct"]
    assert compared["comparator_period"] == "2025-26" and compared["comparator_value_source"] == FROM_RECORDS
    assert set(sheets["comparison_figures"]["value_source"]) <= {FROM_RECORDS, "sum of authorities"}


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_batch_pack_without_a_whole_year_to_compare_says_so_and_not_that_none_was_published(
        national, language, tmp_path, monkeypatch):
    """National data that cover no whole financial year give an empty comparators table: the pack must say why
    there are no comparisons, not describe published ones or ask officers for a comparators source."""
    monkeypatch.setattr(national_comparisons, "covered_years", lambda data: [])
    monkeypatch.setattr(batch_module, "covered_years", lambda data: [])
    config = load_config(national)
    jobs, said = batch_module.prepare(config, load_processed(config), [CODES[0]], tmp_path, tmp_path / "reports",
                                      PERIOD, language=language, audience="restricted", allow_empty=False,
                                      say=lambda *_: None)
    assert "none: no whole financial year" in said
    written = pd.read_parquet(tmp_path / CODES[0] / "processed" / batch_module.COMPARATORS_FILE)
    assert written.empty and national_comparisons.computed_from_records(written)  # marked, though it has no rows
    content = build_pack(jobs[0].config, PERIOD, language=language, audience="restricted")
    t = Text(language)
    assert content.table["comparator_period"].map(lambda p: isinstance(p, str)).sum() == 0  # nothing to compare
    assert content.comparisons_computed
    section = html.unescape(render.comparisons_section(content))
    assert t("There are no comparisons: they are computed from every authority's records in the national data "
             "this pack was made from, for a whole financial year, and those records do not cover one.") in section
    for msgid in ("No published comparator figures are available for these indicators.",
                  "Officers: add a comparators source to the configuration."):
        assert t(msgid) not in section
    assert CLAIMS_PUBLISHED[language].findall(section + " ".join(comparisons_method(content))) == []
    assert content.text.missing == set(), sorted(content.text.missing)


# --- kpi.yml ---------------------------------------------------------------------------------------


def test_kpi_yml_names_each_authority_by_its_code(national, tmp_path):
    assert load_config(national).authorities == NAMES  # as the national demo writes it
    path = tmp_path / "kpi.yml"
    path.write_text("authority: {name: England, code: E92000001, nation: england}\n"
                    "authorities: {370: Barnsley, E08000016: Barnsley MBC}\n", encoding="utf-8")
    assert load_config(path).authorities == {"370": "Barnsley", "E08000016": "Barnsley MBC"}  # a DfE number too
    path.write_text("authority: {name: England, code: E92000001, nation: england}\n", encoding="utf-8")
    assert load_config(path).authorities == {}


def test_each_authoritys_kpi_yml_is_the_national_one_with_its_name_and_folders(national, tmp_path):
    config = load_config(national)
    written = batch_module.write_authority_config(config, CODES[1], "Gwynedd", tmp_path / "x" / "processed",
                                                  tmp_path / "reports" / CODES[1])
    own = load_config(written)
    assert (own.authority.name, own.authority.code, own.authority.nation) == ("Gwynedd", CODES[1], "wales")
    assert own.processed_dir == tmp_path / "x" / "processed" and own.reports_dir == tmp_path / "reports" / CODES[1]
    assert own.source_files(own.sources.contacts) == config.source_files(config.sources.contacts)
    assert own.extract_date == config.extract_date and own.timescale == config.timescale


def _without_clock_times(html_text: str) -> str:
    return re.sub(r"\b\d{1,2}:\d{2}(:\d{2})?\b", "", html_text)


def test_a_pack_made_in_a_kept_kernel_is_the_pack_a_fresh_kernel_makes(national, tmp_path):
    """The second authority's pack, made in the kernel the first one's was made in (as a batch worker makes
    them), against the same pack made in a fresh kernel: the same document, but for the clock time."""
    config = load_config(national)
    jobs, _ = batch_module.prepare(config, load_processed(config), CODES[:2], tmp_path / "work", tmp_path / "reports",
                                   PERIOD, language="en", audience="public", allow_empty=False, say=lambda *_: None)
    kept = KeptKernel()
    try:
        for job in jobs:
            make_pack(job.config, PERIOD, language="en", audience="public", progress=False, say=lambda *_: None,
                      chart_workers=2, kernel=kept)
        assert kept.packs == 2  # both in the one kernel
    finally:
        kept.close()
    fresh = make_pack(jobs[1].config, PERIOD, language="en", audience="public", progress=False, say=lambda *_: None,
                      chart_workers=2, out=tmp_path / "fresh").folder
    made_in_kept = (jobs[1].folder / "pack.en.html").read_text(encoding="utf-8")
    assert NAMES[CODES[1]] in made_in_kept
    assert _without_clock_times(made_in_kept) == _without_clock_times(
        (fresh / "pack.en.html").read_text(encoding="utf-8"))
    # The record too: each cell's number and what it printed (warnings included), but for the clock time.
    records = [[(cell.get("execution_count"), _without_clock_times(json.dumps(
        [{k: v for k, v in output.items() if k != "metadata"} for output in cell.get("outputs", [])])))
        for cell in json.loads((folder / "pack.en.ipynb").read_text(encoding="utf-8"))["cells"]]
        for folder in (jobs[1].folder, fresh)]
    assert records[0] == records[1]


# --- the worker ------------------------------------------------------------------------------------


def _job(tmp_path) -> batch_module.Job:
    return batch_module.Job("W06000001", "Isle of Anglesey", tmp_path / "kpi.yml", tmp_path / PERIOD, PERIOD, "en",
                            "public", False)


def test_a_kernel_that_could_not_start_is_given_a_second_go(monkeypatch, tmp_path):
    from kpi.pack import export

    calls = []

    def kernel_busy_once(*args, **kwargs):
        calls.append(args)
        if len(calls) == 1:
            raise RuntimeError("Kernel died before replying to kernel_info")

    monkeypatch.setattr(export, "make_pack", kernel_busy_once)
    outcome = batch_module.make_one(_job(tmp_path))
    assert outcome.status == "ok" and len(calls) == 2


def test_a_pack_that_fails_is_not_tried_again_and_says_why(monkeypatch, tmp_path):
    from kpi.pack import export

    calls = []

    def failing(*args, **kwargs):
        calls.append(args)
        raise export.PackFailed("quarterly_pack.ipynb failed in cell 4 (`x`): ValueError: no")

    monkeypatch.setattr(export, "make_pack", failing)
    closed = []
    monkeypatch.setattr(batch_module.KeptKernel, "close", lambda kernel: closed.append(kernel))
    outcome = batch_module.make_one(_job(tmp_path))
    assert outcome.status == "failed" and len(calls) == 1
    assert outcome.reason == "quarterly_pack.ipynb failed in cell 4 (`x`): ValueError: no"
    assert closed == [batch_module._kept_kernel()]  # the next pack starts in a fresh kernel


def test_a_worker_makes_its_packs_in_the_one_kernel_it_keeps(monkeypatch, tmp_path):
    from kpi.pack import export

    given = []
    monkeypatch.setattr(export, "make_pack", lambda *args, **kwargs: given.append(kwargs["kernel"]))
    for _ in range(2):
        assert batch_module.make_one(_job(tmp_path)).status == "ok"
    assert isinstance(given[0], batch_module.KeptKernel) and given[1] is given[0]


def test_one_bar_counts_the_packs_and_none_is_drawn_when_quiet(tmp_path, capsys):
    jobs = [batch_module.Job(code, code, tmp_path / code / "kpi.yml", tmp_path / code / PERIOD, PERIOD, "en", "public",
                             False) for code in CODES[:2]]  # no kpi.yml: each fails at once, in its own process
    outcomes = batch_module.run_all(jobs, 2, progress=True)
    assert [o.code for o in outcomes] == CODES[:2] and {o.status for o in outcomes} == {"failed"}
    assert all("config file not found" in o.reason for o in outcomes)
    drawn = capsys.readouterr().err
    assert "Authority packs" in drawn and "2/2" in drawn
    batch_module.run_all(jobs, 2, progress=False)
    assert capsys.readouterr().err == ""
