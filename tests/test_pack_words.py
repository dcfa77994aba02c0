"""What the pack says: headlines, commentary, small numbers and Welsh, without running papermill."""

from __future__ import annotations

import html
import re
import shutil

import numpy as np
import openpyxl
import pandas as pd
import pytest

from kpi.catalogue import catalogue
from kpi.cli import main
from kpi.pack import render
from kpi.pack.appendix import appendix, comparisons_method
from kpi.pack.build import build_pack
from kpi.pack.commentary import read_commentary
from kpi.indicators.disclosure import Policy
from kpi.pack.headlines import HeadlineFacts, headline
from kpi.pack.restatements import figures_shown
from kpi.words.text import Text
from kpi.config import load_config
from kpi.compare.table import indicator_table
from kpi.time.periods import label, parse_period
from kpi.words.formatting import format_value

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
                    "significant improvement since 2018-19 Q1. It is above the 80% target. It is below the Wales "
                    "average of 88.9%.")


def test_headline_without_special_cause_gives_the_range_of_normal_variation():
    text = headline(TIMELINESS, _facts(), Text())
    assert "improv" not in text and "deteriorat" not in text
    assert "There is no significant change: values between 70.1% and 99.3% are normal variation." in text
    assert text.endswith("It is above the 80% target. It is below the Wales average of 88.9%.")


def test_headline_clips_normal_variation_to_what_is_possible():
    text = headline(TIMELINESS, _facts(normal_low=-3.0, normal_high=104.0), Text())
    assert "between 0.0% and 100.0%" in text


def test_headline_for_lower_is_better_turns_good_and_bad_the_right_way():
    text = headline(CASELOAD, _facts(value=16.6, numerator=596, denominator=35.8, variation_icon="concern_high",
                                     since_label="2019-20 Q1", target=17.0, nation_value=17.7), Text())
    assert "This is a significant deterioration since 2019-20 Q1. It is below the 17 target. It is below the Wales " \
           "average" in text


def test_headline_says_when_the_nations_average_was_computed_not_published():
    """A batch pack of national data: the average is computed from every authority's records, and says so."""
    computed = headline(TIMELINESS, _facts(nation_period="2025-26", nation_computed=True), Text())
    assert computed.endswith("It is below the Wales average of 88.9% (2025-26), computed from every authority's "
                             "records.")
    welsh = headline(TIMELINESS, _facts(nation_name="Cymru", nation_period="2025-26", nation_computed=True),
                     Text("cy"))
    assert welsh.endswith("Mae'n is na chyfartaledd Cymru o 88.9% (2025-26), a gyfrifwyd o gofnodion pob awdurdod.")
    published = headline(TIMELINESS, _facts(nation_period="2025-26"), Text())
    assert published.endswith("It is below the Wales average of 88.9% (2025-26).")  # as before


def test_headline_for_a_suppressed_value_says_nothing_about_it():
    text = headline(TIMELINESS, _facts(value=np.nan, suppressed=True), Text())
    assert text == "This figure is withheld because it could reveal a count of 1 to 5 children."


def test_small_numbers_of_children_are_withheld_but_staff_numbers_are_not():
    ids = ["assessments_child_seen_pct", "contacts_to_strategy_pct", "workers_over_caseload_threshold",
           "assessments_child_seen_pct", "assessments_within_timescale_pct", "rereferrals_within_12m_pct",
           "assessments_overdue_avg_working_days"]
    table = pd.DataFrame({"indicator_id": ids,
                          "numerator": [3.0, 30.0, 2.0, 0.0, 40.0, 5.0, 3.0],
                          "denominator": [40.0, 4.0, 38.0, 12.0, 43.0, 80.0, 60.0]})
    table["value"] = table["numerator"] / table["denominator"] * 100
    result = Policy().withhold(table, catalogue())
    # 3 children; a denominator of 4; staff shown; 0 is no one; 40 of 43 leaves 3; exactly 5 is withheld (DfE
    # suppresses 1 to 5); a sum of 3 working days over 60 late assessments is not a count of children.
    assert result["suppressed"].tolist() == [True, True, False, False, True, True, False]
    assert result["value"].isna().tolist() == [True, True, False, False, True, True, False]


@pytest.fixture(scope="module")
def demo(ingested_demo):
    """The demo made for 2026-11-22 and ingested: this module's own copy (conftest.ingested_demo)."""
    return ingested_demo("words")


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
    # Comments that begin like a formula (openpyxl, like a manager typing '=...', makes the first one a formula).
    starts = {"=Two posts filled": "f", "-10% agency": "s", "+ improved": "s", "@home visits": "s", "\tIndented": "s"}
    others = [i for i in ids if i not in ("assessments_within_timescale_pct", "contacts_received")]
    for other, text in zip(others, starts):
        assert sheet.cell(row=ids.index(other) + 2, column=5, value=text).data_type == starts[text]
    book.save(path)
    assert main(["commentary", "--config", config, "--period", "2026-27Q2"]) == 0  # run again: kept
    found = read_commentary(path.parent)
    assert found["assessments_within_timescale_pct"].text == "Two new posts filled in August."
    assert found["assessments_within_timescale_pct"].owner == "Head of Assessment"
    assert found["contacts_received"].text is None
    assert [found[other].text for other in others[:len(starts)]] == list(starts)
    cells = [c for row in openpyxl.load_workbook(path).active.iter_rows() for c in row]
    assert not [c.coordinate for c in cells if c.data_type == "f"]  # every comment is text now


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
                render.quality_section(content), appendix(content)]
    assert content.text.missing == set(), sorted(content.text.missing)
    assert "Nid yw siaradwr Cymraeg wedi gwirio" in sections[0]
    assert "Ch2 2026-27" in sections[0] and "Crynodeb" in sections[2]
    welsh_date = content.text.date(content.created.date())
    assert welsh_date in sections[0] and welsh_date != Text("en").date(content.created.date())


# --- the pack never contradicts itself ------------------------------------------------------------------

PERIOD = "2026-27Q2"
BETTER_OR_WORSE = ("improv", "worse", "better", "deteriorat", "concern")


@pytest.fixture(scope="module")
def public_content(demo):
    return build_pack(demo / "kpi.yml", PERIOD, audience="public")


def test_change_column_says_better_or_worse_only_with_special_cause(public_content):
    judged = 0
    for view in public_content.views.values():
        if view.travel is None:
            continue
        icon = view.spc.variation_icon
        words = " ".join(view.travel.lines).lower()
        if icon == "common_cause":
            assert view.travel.signal == "within normal variation", view.indicator.id
            assert not any(word in words for word in BETTER_OR_WORSE), (view.indicator.id, words)
        else:
            judged += 1
            assert "special cause" in words, (view.indicator.id, words)
            if icon.startswith("improvement"):
                assert "improving" in words and "concern" not in words
            if icon.startswith("concern"):
                assert "concern" in words and "improv" not in words
    assert judged, "the demo has special cause somewhere; the test would not see a judgement"


def test_change_arrows_follow_the_printed_figures(public_content):
    for view in public_content.views.values():
        if view.travel is None:
            continue
        row, unit, decimals = view.row, view.indicator.unit, view.indicator.decimals
        printed_now = float(format_value(row["value"], unit, decimals).rstrip("%").split()[0].replace(",", ""))
        printed_before = float(format_value(row["previous_value"], unit, decimals).rstrip("%").split()[0]
                               .replace(",", ""))
        first_step = view.travel.steps[0][1]
        expected = "▲" if printed_now > printed_before else "▼" if printed_now < printed_before else "no change"
        assert first_step.startswith(expected), (view.indicator.id, printed_now, printed_before, first_step)
        if expected != "no change":
            assert float(first_step.split()[1].replace(",", "")) == pytest.approx(abs(printed_now - printed_before))


def test_the_summary_change_cell_gives_the_steps_and_leaves_the_verdict_to_its_variation_cell(public_content):
    """The change cell says only which way and how far; whether that is real change is the Variation cell's, so
    the two can never disagree."""
    html = render.summary(public_content)
    verdicts = ("improv", "deteriorat", "normal variation", "special cause", "concern")
    rows = re.findall(r"<tr>(.*?)</tr>", html, flags=re.S)[1:]
    assert rows
    for row in rows:
        cells = re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row, flags=re.S)
        change = re.sub("<[^>]+>", " ", cells[-1]).lower()
        assert not any(word in change for word in verdicts), row
        assert re.fullmatch(r"\s*((▲|▼) [\d,.]+( pts| days)?|no change|–)( · ((▲|▼) [\d,.]+( pts| days)?|no change|–))?\s*",
                            change) or not change.strip(), change


def _raw_comparators(demo) -> pd.DataFrame:
    return pd.read_csv(demo / "data/raw/demo/comparators.csv", dtype={"period": str})


def test_every_printed_rank_is_that_of_the_printed_figure_for_the_named_year(demo, public_content):
    raw = _raw_comparators(demo)
    checked = 0
    for view in public_content.views.values():
        row = view.row
        if not isinstance(row.get("comparator_period"), str) or pd.isna(row.get("rank")):
            continue
        cell = " ".join(render._nation(public_content, view))
        printed = re.search(r"us ([\d.,]+)%?(?: \(our data\))?: rank (\d+) of (\d+), band ([A-D])", cell)
        assert printed, cell
        ours, rank, of, band = float(printed[1]), int(printed[2]), int(printed[3]), printed[4]
        assert f"({label(parse_period(row['comparator_period']))})" in cell
        year = raw[(raw["indicator_id"] == view.indicator.comparator) & (raw["period"] == row["comparator_period"])
                   & (raw["area_type"] == "authority") & (raw["area_code"] != "W06000099")]
        others = year["value"].dropna().to_numpy()
        better = others > ours if view.indicator.polarity == "higher_is_better" else others < ours
        assert (rank, of) == (1 + int(better.sum()), len(others) + 1), (view.indicator.id, cell)
        everyone = np.append(others, ours)
        lower, median, upper = np.percentile(everyone, [25, 50, 75])
        if view.indicator.polarity == "higher_is_better":
            expected = "A" if ours >= upper else "B" if ours >= median else "C" if ours >= lower else "D"
        else:
            expected = "A" if ours <= lower else "B" if ours <= median else "C" if ours <= upper else "D"
        assert band == expected, (view.indicator.id, cell)
        checked += 1
    assert checked >= 2


def test_the_comparison_table_prints_the_ranked_figure_and_the_latest_quarter_apart(demo, public_content):
    raw = _raw_comparators(demo)
    rows = {r["title"]: r for r in render.comparison_rows(public_content)}
    view = public_content.views["rereferrals_within_12m_pct"]
    row = rows[view.indicator.title["en"]]
    published = raw[(raw["indicator_id"] == "rereferrals_within_12m_pct") & (raw["area_code"] == "W06000099")
                    & (raw["period"] == view.row["comparator_period"])]["value"].iloc[0]
    assert row["ours"] == f"{published:.1f}%"  # the demo's published 2025-26 figure, which is what is ranked
    assert row["latest"] == format_value(view.row["value"], "percent", 1)  # this quarter, beside it, unranked
    assert row["ours"] != row["latest"]


PUBLISHED_METHOD = (
    "Each indicator is compared for the latest year published for every authority: our figure for that same "
    "year (as published, or computed from our own data where the publication lacks it, marked \"our data\") "
    "is ranked against the other authorities' figures for that year. Our latest {period} figure is shown "
    "beside it for reference and is not ranked. The {nation} value is the sum of the authorities' numerators "
    "over the sum of their denominators where all are published, otherwise the published figure. Rank 1 is "
    "the best; band A is the best quarter of authorities and D the worst. Where only the {nation} value and "
    "the quartiles were published, our figure is placed against the published quartiles, without a rank. "
    "Suppressed or missing figures are left out, never counted as zero.")


@pytest.mark.parametrize("language", ["en", "cy"])
def test_a_pack_with_published_comparators_still_says_they_are_published(demo, public_content, language):
    """Only figures kpi computed from every authority's records are called computed (tests/test_pack_batch.py):
    an authority's own pack against a publication says "published" exactly as it always has."""
    content = public_content if language == "en" else build_pack(demo / "kpi.yml", PERIOD, language="cy",
                                                                  audience="public")
    t = Text(language)
    assert not content.comparisons_computed
    assert set(content.table["comparators_source"].dropna()) == {"published"}
    assert render.comparison_method(content) == t(PUBLISHED_METHOD, nation=content.nation_name,
                                                  period=content.period_label)
    comparisons = html.unescape(render.comparisons_section(content))
    assert t("Published period") in comparisons and t("Us (published period)") in comparisons
    assert comparisons_method(content) == [t(
        "Comparisons use the figures published for every authority. Quartiles are calculated from the "
        "authorities' values; rank 1 is the best and band A the best quarter, whichever way is better for the "
        "indicator. Suppressed or missing figures are left out and counted, never treated as zero.")]
    said = html.unescape("\n".join([render.summary(content), comparisons,
                                    *(view.headline for view in content.views.values())]))
    year = label(parse_period("2025-26"), language)
    for computed in (t("computed from every authority's records"), t("Period compared"),
                     t("{value} ({period}, computed)", value="", period=year).strip()):
        assert computed not in said
    timely = content.views["assessments_within_timescale_pct"]
    assert render._nation(content, timely)[0].endswith(f" ({year})")  # the nation's figure and its year only


def test_a_recorded_change_gives_the_chart_two_phases_and_the_pack_says_if_it_held(public_content):
    view = public_content.views["assessments_within_timescale_pct"]
    points = view.series
    groups = points["rebase_group"].unique()
    assert len(groups) == 2
    first = points[points["rebase_group"] == groups[0]]
    second = points[points["rebase_group"] == groups[1]]
    assert second["period_object"].iloc[0] == parse_period("2023-24Q3")  # the first quarter after 1 October 2023
    assert first["mean"].iloc[0] == pytest.approx(first["value"].mean())
    assert second["mean"].iloc[0] == pytest.approx(second["value"].mean())
    assert "Improvement board set up" in view.alt_text
    section = render.domain_section(public_content, "assessments")
    assert ("Since 2023-24 Q3 (Improvement board set up), the average has been "
            f"{second['value'].mean():.1f}% against {first['value'].mean():.1f}% before: a real improvement, "
            f"sustained for {len(second)} quarters") in " ".join(section.split())
    text = appendix(public_content)
    assert "Improvement board set up" in text and "Assessments completed within timescale (from 2023-24 Q3)" in text


def test_a_shift_with_no_recorded_change_is_suggested_to_officers_only(demo, public_content):
    restricted = build_pack(demo / "kpi.yml", PERIOD, audience="restricted")
    suggestion = restricted.views["assessments_language_recorded_pct"].trend.suggestion
    assert suggestion is not None and suggestion.side == "above"
    draft = " ".join(render.domain_section(restricted, "assessments").split())
    assert (f"For officers: limits may need recalculating from {label(suggestion.period)}: {suggestion.points} "
            "points above the mean since then") in draft
    public = render.domain_section(public_content, "assessments")
    assert "For officers" not in public and "kpi.yml" not in public


def test_public_pages_carry_no_instructions_for_officers(public_content):
    pages = [render.cover(public_content), render.contents(public_content), render.summary(public_content),
             *(render.domain_section(public_content, d) for d in public_content.domains),
             render.comparisons_section(public_content), render.quality_section(public_content),
             appendix(public_content)]
    for page in pages:
        for words in ("kpi.yml", "kpi ingest", "For officers", "Officers:", "Commentary to be added"):
            assert words not in page, words


def test_a_withheld_figure_shows_no_chart_change_or_verdict(demo, monkeypatch):
    # Raising the threshold withholds most figures about children: none may show anything that hints at them.
    monkeypatch.setattr("kpi.indicators.disclosure.Policy.from_config", classmethod(lambda cls, config: cls(500)))
    content = build_pack(demo / "kpi.yml", PERIOD, audience="public")
    withheld = [v for v in content.views.values() if v.withheld]
    assert {"assessments_open_over_timescale", "contacts_to_strategy_pct"} <= {v.indicator.id for v in withheld}
    rows = {r["id"]: r for r in render.summary_rows(content)}
    for view in withheld:
        row = rows[view.indicator.id]
        assert view.chart_png is None and view.travel is None and view.spc is None
        assert row["no_figure"] == "withheld (c): it could reveal a count of 1 to 500 children"
        assert row["travel"] == [] and row["variation_icon"] is None and row["assurance_icon"] is None
        assert row["variation"] == "–" and row["rag"] in ("–", "No target")
    section = render.domain_section(content, "assessments")
    assert "withheld (c): it could reveal a count of 1 to 500 children" in section


def test_a_source_not_supplied_keeps_its_target_and_says_so(project):
    rows = ["Snapshot,Worker,Team,Job Title,FTE,Caseload"]
    rows += [f"{day},W{i},North,Social Worker,1,18" for day in ("31/12/2018", "31/03/2019") for i in range(6)]
    project.write_text("caseloads.csv", "\n".join(rows) + "\n")
    project.write_config({"caseloads": {"path": "caseloads.csv"}})
    project.ingest()
    content = build_pack(project.config_path, "2018-19Q4", audience="public")
    rows = {r["id"]: r for r in render.summary_rows(content)}
    decided = rows["contacts_decided_within_1wd_pct"]
    assert decided["no_figure"] == "no data: not supplied"  # the summary's short words; the section names it
    assert decided["target"] == "95%"
    assert rows["contacts_received"]["no_figure"] == "no data: not supplied"
    assert content.views["contacts_received"].headline == "No data: contacts / monthly contact counts not supplied."
    section = html.unescape(render.domain_section(content, "front_door"))
    assert "No data: contacts / monthly contact counts / contacts not supplied" not in section  # each named once
    assert "No data: contacts / monthly contact counts not supplied, so this section has no figures" in section
    assert rows["caseload_per_social_worker_fte"]["no_figure"] is None


def test_a_half_year_pack_adds_up_its_quarters_and_compares_like_with_like(demo):
    config = load_config(demo / "kpi.yml")
    quarters = indicator_table(config, "2024-25Q1..2025-26Q2").set_index(["indicator_id", "period"])
    content = build_pack(demo / "kpi.yml", "2025-26H1", audience="restricted")
    assert content.period_label == "2025-26 Q1-Q2"
    received = content.views["contacts_received"].row
    assert received["value"] == (quarters.loc[("contacts_received", "2025-26Q1"), "value"]
                                 + quarters.loc[("contacts_received", "2025-26Q2"), "value"])
    assert received["previous_value"] == (quarters.loc[("contacts_received", "2024-25Q3"), "value"]
                                          + quarters.loc[("contacts_received", "2024-25Q4"), "value"])
    demand = content.views["contacts_change_on_last_year_pct"].row  # the seeds' demand change on the same half
    assert demand["denominator"] == (quarters.loc[("contacts_received", "2024-25Q1"), "value"]
                                     + quarters.loc[("contacts_received", "2024-25Q2"), "value"])
    timeliness = content.views["assessments_within_timescale_pct"].series
    assert timeliness["period_object"].iloc[-1] == parse_period("2025-26Q2")  # quarterly series inside the half
    assert "Previous half-year" in render.summary(content) or "Previous half-year" in render.domain_section(
        content, "front_door")


def test_a_restated_figure_is_listed_with_the_pack_that_published_it(demo, tmp_path):
    earlier = build_pack(demo / "kpi.yml", "2026-27Q1", audience="public", reports_dir=tmp_path)
    figures = figures_shown(earlier)
    # As if 2026-27 Q1's pack had been made before 12 late referrals were recorded.
    late = (figures["indicator_id"] == "rereferrals_within_12m_pct") & (figures["period"] == "2025-26Q4")
    figures.loc[late, "denominator"] -= 12
    figures.loc[late, "value"] = figures.loc[late, "numerator"] / figures.loc[late, "denominator"] * 100
    (tmp_path / "2026-27Q1").mkdir()
    figures.to_csv(tmp_path / "2026-27Q1" / "pack.en.figures.csv", index=False)
    content = build_pack(demo / "kpi.yml", PERIOD, audience="public", reports_dir=tmp_path)
    listed = render.restated_rows(content)
    assert [(r["period"], r["published_in"], r["reason"]) for r in listed] == [
        ("2025-26 Q4", "2026-27 Q1", "more records for that period (recorded late)")]
    assert "1 figure(s) from earlier periods have changed" in render.summary(content)


def test_commentary_in_one_language_only_is_shown_marked_never_dropped(demo, tmp_path):
    folder = tmp_path / "2026-27Q2"
    folder.mkdir()
    (folder / "commentary.yml").write_text(
        "contacts_received:\n  owner: Front door manager\n  commentary: Demand rose after the schools returned.\n"
        "contacts_from_police_pct:\n  commentary: Police contacts were steady.\n"
        "  commentary_cy: Roedd cysylltiadau gan yr heddlu yn gyson.\n", encoding="utf-8")
    welsh = build_pack(demo / "kpi.yml", PERIOD, language="cy", audience="public", reports_dir=tmp_path)
    section = html.unescape(render.domain_section(welsh, "front_door"))
    assert '<p lang="en">Demand rose after the schools returned.</p>' in section  # kept, and tagged as English
    assert welsh.text("This comment has not been translated: it is shown in the language it was written in.") \
        in section
    assert "Roedd cysylltiadau gan yr heddlu yn gyson." in section and "Police contacts were steady." not in section
    english = render.domain_section(build_pack(demo / "kpi.yml", PERIOD, audience="public", reports_dir=tmp_path),
                                    "front_door")
    assert "Demand rose after the schools returned." in english and 'lang="en"' not in english
    from kpi.pack.commentary import lacking_translation

    assert lacking_translation(folder, "cy") == ["contacts_received"] and lacking_translation(folder, "en") == []


@pytest.mark.parametrize("value, opening", [(6.5, "Bu cynnydd o 6.5%"), (-2.7, "Bu gostyngiad o 2.7%"),
                                            (0.0, "Ni newidiodd nifer y cysylltiadau")])
def test_welsh_headlines_are_whole_sentences_for_each_case(value, opening):
    change = catalogue()["contacts_change_on_last_year_pct"]
    said = headline(change, _facts(value=value, numerator=2790, denominator=2620, target=None, nation_value=None),
                    Text("cy"))
    assert said.startswith(opening), said
    assert "Newid o" not in said  # the old Welsh lost whether it rose or fell


def test_welsh_words_that_changed_the_meaning_stay_fixed():
    rereferrals = catalogue()["rereferrals_within_12m_pct"]
    assert rereferrals.title["cy"].startswith("Ail-atgyfeiriadau")
    said = headline(rereferrals, _facts(value=22.2, numerator=78, denominator=351, target=20.0, nation_value=20.7,
                                        nation_name="Cymru"), Text("cy"))
    assert "yn ail-atgyfeiriadau" in said and "uwchlaw" not in said and "sylweddol" not in said
    late = catalogue()["assessments_overdue_avg_working_days"]
    assert format_value(56.6, late.unit, 1, "cy") == "56.6 diwrnod"


def test_a_section_whose_extracts_were_not_supplied_says_so_and_never_shows_0(demo, tmp_path):
    """Issue 15: the new tables are optional. Without them their indicators have no figure, the summary says
    "no data" and the section says which extracts were not supplied, in one line; nothing reads 0."""
    project = tmp_path / "project"
    shutil.copytree(demo, project, ignore=shutil.ignore_patterns("reports"))
    for name in ("child_protection", "strategy_discussions", "looked_after"):
        (project / "data/processed" / f"{name}.parquet").unlink()
    content = build_pack(project / "kpi.yml", PERIOD, audience="public")
    section = render.domain_section(content, "child_protection")
    assert "No data: child protection registrations / strategy discussions not supplied" in html.unescape(section)
    assert "<article" not in section  # no empty chart, headline or key figures
    looked_after = html.unescape(render.domain_section(content, "looked_after"))
    assert "No data: periods of care not supplied" in looked_after
    rows = {row["id"]: row for row in render.summary_rows(content)}
    for indicator in catalogue().values():
        if indicator.domain in ("child_protection", "looked_after"):
            row = rows[indicator.id]
            assert row["no_figure"] == "no data: not supplied" and row["value"] != "0", indicator.id
            assert content.views[indicator.id].row["status"] != "ok"
    # The other new sections, whose extracts are there, still have their figures.
    assert rows["vacancy_rate_pct"]["no_figure"] is None and rows["vacancy_rate_pct"]["value"].endswith("%")
