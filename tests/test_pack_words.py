"""What the pack says: headlines, commentary, small numbers and Welsh, without running papermill."""

from __future__ import annotations

import datetime as dt

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kpi.catalogue import catalogue
from kpi.cli import main
from kpi.demo import write_demo
from kpi.pack import render
from kpi.pack.build import build_pack
from kpi.pack.commentary import read_commentary
from kpi.pack.disclosure import withhold_small_numbers
from kpi.pack.headlines import HeadlineFacts, headline
from kpi.pack.text import Text

TIMELINESS = catalogue()["assessments_within_timescale_pct"]
CASELOAD = catalogue()["caseload_per_social_worker_fte"]


def _facts(**changes) -> HeadlineFacts:
    facts = dict(value=86.0, numerator=137, denominator=159, period_label="2018-19 Q3", variation_icon="common_cause",
                 since_label=None, normal_low=70.1, normal_high=99.3, target=80.0, nation_value=88.9,
                 nation_name="Wales", timescale=42, threshold=20)
    facts.update(changes)
    return HeadlineFacts(**facts)


def test_headline_says_improving_only_with_special_cause():
    text = headline(TIMELINESS, _facts(variation_icon="improvement_high", since_label="2018-19 Q1"), Text())
    assert text == ("86.0% of assessments were completed within 42 working days (137 of 159). This is a "
                    "significant improvement since 2018-19 Q1 and above the 80% target, but below the Wales "
                    "average of 88.9%.")


def test_headline_without_special_cause_gives_the_range_of_normal_variation():
    text = headline(TIMELINESS, _facts(), Text())
    assert "improv" not in text and "deteriorat" not in text
    assert "There is no significant change: values between 70.1% and 99.3% are normal variation." in text
    assert text.endswith("It is above the 80% target, but below the Wales average of 88.9%.")


def test_headline_clips_normal_variation_to_what_is_possible():
    text = headline(TIMELINESS, _facts(normal_low=-3.0, normal_high=104.0), Text())
    assert "between 0.0% and 100.0%" in text


def test_headline_for_lower_is_better_turns_good_and_bad_the_right_way():
    text = headline(CASELOAD, _facts(value=16.6, numerator=596, denominator=35.8, variation_icon="concern_high",
                                     since_label="2019-20 Q1", target=17.0, nation_value=17.7), Text())
    assert "significant deterioration since 2019-20 Q1, but below the 17 target and below the Wales average" in text


def test_headline_for_a_suppressed_value_says_nothing_about_it():
    text = headline(TIMELINESS, _facts(value=np.nan, suppressed=True), Text())
    assert text == "This figure is not shown because it is based on fewer than 5 children."


def test_small_numbers_of_children_are_withheld_but_staff_numbers_are_not():
    table = pd.DataFrame({"numerator": [3.0, 30.0, 2.0, 0.0], "denominator": [40.0, 4.0, 38.0, 12.0],
                          "value": [7.5, 750.0, 2.0, 0.0]})
    domains = pd.Series(["assessments", "front_door", "workforce", "assessments"])
    result = withhold_small_numbers(table, domains)
    assert result["suppressed"].tolist() == [True, True, False, False]
    assert result["value"].isna().tolist() == [True, True, False, False]


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    root = tmp_path_factory.mktemp("words")
    write_demo(out=root / "data/raw/demo", config_path=root / "kpi.yml", today=dt.date(2026, 11, 22))
    assert main(["ingest", "--config", str(root / "kpi.yml"), "--quiet"]) == 0
    return root


def test_commentary_round_trip_keeps_what_managers_wrote(demo):
    config = str(demo / "kpi.yml")
    assert main(["commentary", "--config", config, "--period", "2026-27Q2"]) == 0
    path = demo / "reports/2026-27Q2/commentary.xlsx"
    book = openpyxl.load_workbook(path)
    sheet = book.active
    ids = [row[0].value for row in sheet.iter_rows(min_row=2)]
    assert set(ids) == set(catalogue())
    row = ids.index("assessments_within_timescale_pct") + 2
    sheet.cell(row=row, column=5, value="Two new posts filled in August.")
    sheet.cell(row=row, column=7, value="Head of Assessment")
    book.save(path)
    assert main(["commentary", "--config", config, "--period", "2026-27Q2"]) == 0  # run again: kept
    found = read_commentary(path.parent)
    assert found["assessments_within_timescale_pct"].text == "Two new posts filled in August."
    assert found["assessments_within_timescale_pct"].owner == "Head of Assessment"
    assert found["contacts_received"].text is None


def test_commentary_beside_its_indicator_and_placeholders_only_in_a_draft(demo):
    (demo / "reports/2026-27Q1").mkdir(parents=True, exist_ok=True)
    (demo / "reports/2026-27Q1/commentary.yml").write_text(
        "contacts_received:\n  owner: Front door manager\n  commentary: Demand rose after the schools returned.\n",
        encoding="utf-8")
    draft = render.domain_section(build_pack(demo / "kpi.yml", "2026-27Q1", audience="restricted"), "front_door")
    assert "Demand rose after the schools returned." in draft
    assert "[Commentary to be added by the service manager.]" in draft
    public = render.domain_section(build_pack(demo / "kpi.yml", "2026-27Q1", audience="public"), "front_door")
    assert "Demand rose after the schools returned." in public
    assert "Commentary to be added" not in public


def test_welsh_pack_has_every_word_translated_and_says_it_needs_review(demo):
    content = build_pack(demo / "kpi.yml", "2026-27Q2", language="cy", audience="public")
    sections = [render.cover(content), render.contents(content), render.summary(content),
                *(render.domain_section(content, d) for d in content.domains), render.comparisons_section(content),
                render.quality_section(content), render.appendix(content)]
    assert content.text.missing == set(), sorted(content.text.missing)
    assert "Nid yw siaradwr Cymraeg wedi gwirio" in sections[0]
    assert "Ch2 2026-27" in sections[0] and "Crynodeb" in sections[2]
    welsh_date = content.text.date(content.created.date())
    assert welsh_date in sections[0] and welsh_date != Text("en").date(content.created.date())
