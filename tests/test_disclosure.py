"""No count of 1 to 5 children can be worked out from a public pack, by any route (issue 10).

The oracle is kpi.pack.disclosure_check, which reads a workbook as a reader would. The planted authority
(tests/planted.py) has a small cell for each route; the officers' draft must show every one of them to
the scanner (so the corpus and the scanner are real), and the public pack none.
"""

from __future__ import annotations

import re

import pandas as pd
import pytest

import planted
from kpi.config import load_config
from kpi.indicators.disclosure import Policy
from kpi.pack.disclosure_check import DisclosureRisk, require_safe, scan_sheets, scan_workbook
from kpi.pack import render
from kpi.pack.build import build_pack
from kpi.pack.workbook import write_workbook
from kpi.data.processed import ProcessedData


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("planted")
    (root / "kpi.yml").write_text(planted.CONFIG, encoding="utf-8")
    return root


def _data() -> ProcessedData:
    extract = {"contacts": planted.EXTRACT_DATE, "assessments": planted.EXTRACT_DATE}
    return ProcessedData.from_tables({"contacts": planted.contacts(), "assessments": planted.assessments()}, extract)


def _pack(root, audience: str, config_text: str | None = None):
    config = root / f"kpi-{audience}.yml"
    config.write_text(config_text or planted.CONFIG, encoding="utf-8")
    content = build_pack(config, planted.PACK_PERIOD, audience=audience, data=_data(), reports_dir=root / "reports")
    path = root / f"pack-{audience}.xlsx"
    write_workbook(content, path)
    return content, path


@pytest.fixture(scope="module")
def draft(project):
    return _pack(project, "restricted")


@pytest.fixture(scope="module")
def public(project):
    return _pack(project, "public")


def test_a_reader_of_the_draft_could_work_out_every_planted_count(draft):
    _, path = draft
    found = {(f.indicator, f.period, f.count) for f in scan_workbook(path)}
    for indicator, period, count, route in planted.PLANTED:
        assert (indicator, period, count) in found, (route, sorted(f for f in found if f[0] == indicator))


def test_no_planted_count_can_be_worked_out_from_the_public_workbook(public):
    _, path = public
    assert scan_workbook(path) == []
    require_safe(path)  # what kpi pack runs before it publishes


def test_the_pack_refuses_to_publish_what_the_draft_would_reveal(draft):
    _, path = draft
    with pytest.raises(DisclosureRisk, match=r"refusing to publish: a count of 1 to 5 children could be worked out"):
        require_safe(path)


def test_every_planted_figure_is_withheld_wherever_it_is_printed(public):
    content, _ = public
    table = content.table.set_index("indicator_id")
    for indicator in ("contacts_to_strategy_pct", "contacts_decided_within_1wd_pct", "rereferrals_within_12m_pct",
                      "assessments_child_seen_pct", "assessments_within_timescale_pct",
                      "assessments_open_over_timescale", "assessments_language_recorded_pct"):
        assert table.at[indicator, "suppressed"], indicator
    # The previous quarter's 4 completed assessments, and the rates built on them, are withheld too,
    # although this quarter's figures are large.
    assert table.at["assessments_completed", "previous_suppressed"]
    assert not table.at["assessments_completed", "suppressed"]
    assert table.at["assessments_child_seen_pct", "last_year_suppressed"]  # 39 of 40, a year earlier
    rows = {r["id"]: r for r in render.summary_rows(content)}
    assert rows["contacts_to_strategy_pct"]["no_figure"].startswith("withheld (c)")
    section = render.domain_section(content, "assessments")
    facts = re.search(r"Key figures: Assessments completed<.*?</table>", section, flags=re.S).group(0)
    assert re.findall(r"<td>([^<]*)</td>", facts)[3:5] == ["c", "40"]  # previous quarter withheld; a year earlier


def test_secondary_suppression_hides_the_smallest_other_month_and_no_more(public):
    content, _ = public
    series = content.views["contacts_received"].series.set_index(
        content.views["contacts_received"].series["period_object"].astype(str))
    assert series.loc["2024-01", "suppressed"] and series.loc["2024-02", "suppressed"]  # 2 + 70 > 5
    assert not series.loc["2024-03", "suppressed"] and series.loc["2024-03", "value"] == 70
    assert series["suppressed"].sum() == 2
    assert content.views["contacts_received"].row["value"] == 142  # the quarter is still published


def test_data_quality_counts_of_children_are_withheld_like_the_figures(public):
    content, _ = public
    language = content.completeness[content.completeness["field"] == "language"].iloc[0]
    assert language["suppressed"] and pd.isna(language["records"]) and pd.isna(language["recorded"])
    page = render.quality_section(content)
    assert "3 / " not in page


def test_welsh_government_style_rounds_counts_to_five_and_marks_withheld_with_a_star(project):
    content, path = _pack(project, "public", planted.CONFIG + "disclosure: {style: welsh_government}\n")
    shown = content.table[~content.table["suppressed"] & content.table["domain"].isin(["front_door", "assessments"])]
    counts = pd.concat([shown["numerator"], shown["denominator"]]).dropna()
    assert (counts % 5 == 0).all() and len(counts) > 5
    assert content.policy.symbol == "*"
    assert rows_symbol(content) == "*"
    assert scan_workbook(path, style="welsh_government") == []


def rows_symbol(content) -> str:
    row = {r["id"]: r for r in render.summary_rows(content)}["contacts_to_strategy_pct"]
    return row["no_figure"].split("(")[1][0]


def test_a_higher_threshold_withholds_more(project):
    content, path = _pack(project, "public", planted.CONFIG + "disclosure: {threshold: 10}\n")
    assert content.policy == Policy(10, "dfe")
    assert scan_workbook(path, threshold=10) == []
    assert load_config(project / "kpi-public.yml").disclosure.threshold == 10


# --- the scanner, route by route, on hand-made sheets ------------------------------------------------------

def _summary(**columns) -> pd.DataFrame:
    row = {"indicator_id": "x", "period": "2023-24Q4", "unit": "percent", "about_children": True, "share": True,
           "numerator_counts_children": True, "suppressed": False, "value": None, "numerator": None,
           "denominator": None}
    row.update(columns)
    return pd.DataFrame([row])


@pytest.mark.parametrize("columns, route, count", [
    ({"numerator": 3, "denominator": 60, "value": 5.0}, "the numerator shown", 3),
    ({"numerator": 57, "denominator": 60, "value": 95.0}, "the rest of the share", 3),
    ({"denominator": 40, "value": 5.0}, "the rate times its denominator", 2),
    ({"denominator": 43, "value": 93.0}, "the rest of the share (from the rate)", 3),
    ({"unit": "count", "share": False, "value": 5.0}, "the count shown", 5),
])
def test_the_scanner_tries_every_route_a_reader_has(columns, route, count):
    found = scan_sheets({"summary": _summary(**columns)})
    assert [(f.route.startswith(route), f.count) for f in found][:1] == [(True, count)], found


def test_the_scanner_leaves_staff_and_large_counts_alone():
    assert scan_sheets({"summary": _summary(numerator=3, denominator=60, value=5.0, about_children=False)}) == []
    assert scan_sheets({"summary": _summary(numerator=30, denominator=60, value=50.0)}) == []


def test_the_scanner_subtracts_the_months_shown_from_the_quarter_total():
    summary = _summary(unit="count", share=False, value=142.0, numerator=142.0, indicator_id="contacts_received")
    months = pd.DataFrame({"indicator_id": "contacts_received", "period": ["2024-01", "2024-02", "2024-03"],
                           "value": [None, 70.0, 67.0], "numerator": [None, 70.0, 67.0], "denominator": None,
                           "unit": "count", "about_children": True, "share": False,
                           "numerator_counts_children": True})
    found = scan_sheets({"summary": summary, "front_door": months})
    assert [(f.period, f.count) for f in found] == [("2024-01", 5.0)]


def test_the_scanner_reads_restated_changes_and_data_quality():
    restated = pd.DataFrame({"indicator_id": ["x"], "period": ["2023-24Q1"], "published_numerator": [70],
                             "numerator": [72], "published_denominator": [348], "denominator": [360]})
    quality = pd.DataFrame({"about_children": [True, False], "field": ["language", "agency"],
                            "records": [45, 4], "recorded": [43, 4]})
    found = scan_sheets({"restated": restated, "completeness": quality})
    assert {(f.route, f.count) for f in found} == {("the change in a restated numerator", 2.0),
                                                  ("records without the field recorded", 2.0)}
