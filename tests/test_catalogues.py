"""The catalogues are checked when read (issue 13): a slip in indicators.yml, tables.yml or categories.yml, or
an unknown indicator id in kpi.yml, is one line naming the file, the entry and the key, and exit status 2;
the catalogues as shipped pass, and agree with the measures that compute the indicators."""

from __future__ import annotations

from typing import get_args

import pytest

import kpi.catalogue as indicator_catalogue
import kpi.data.tables as dictionary
from conftest import GOOD_CONTACT, contacts_csv
from kpi.catalogue import CATALOGUE_FILE, DOMAINS, Domain, catalogue, read_catalogue
from kpi.cli import main
from kpi.config import load_config
from kpi.data.tables import CATEGORIES_FILE, TABLE_NAMES, TABLES_FILE, read_categories, read_tables
from kpi.errors import ConfigError
from kpi.indicators.measures import MEASURES
from kpi.officers.check import catalogue_problems


def _edited(source, old: str, new: str, folder):
    """A copy of a shipped catalogue in `folder` with one slip in it, as a person might make it."""
    text = source.read_text(encoding="utf-8")
    assert old in text, old
    folder.mkdir(exist_ok=True)
    copy = folder / source.name
    copy.write_text(text.replace(old, new, 1), encoding="utf-8")
    return copy


def _one_line(read, copy) -> str:
    with pytest.raises(ConfigError) as caught:
        read(copy)
    line = str(caught.value)
    assert "\n" not in line and line.startswith(f"{copy}:"), line
    return line


# --- indicators.yml ----------------------------------------------------------------------------


def test_a_misspelt_key_names_the_file_the_indicator_and_the_key(tmp_path):
    copy = _edited(CATALOGUE_FILE, "  polarity: neutral", "  polarty: neutral", tmp_path)
    line = _one_line(read_catalogue, copy)
    assert "indicators.yml: contacts_received: unknown key 'polarty' (did you mean 'polarity'?)" in line


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("  polarity: neutral", "  polarity: higher_better", "contacts_received: polarity: 'higher_better' is not one of"),
    ("  unit: count", "  unit: counts", "contacts_received: unit: 'counts' is not one of"),
    ("  domain: front_door", "  domain: frontdoor", "contacts_received: domain: 'frontdoor' is not one of"),
    ("  chart: monthly", "  chart: weekly", "contacts_received: chart: 'weekly' is not one of"),
    ("  decimals: 0", "  decimals: none", "contacts_received: decimals: Input should be a valid integer"),
])
def test_an_unknown_value_names_the_key_and_the_value(tmp_path, old, new, expected):
    assert expected in _one_line(read_catalogue, _edited(CATALOGUE_FILE, old, new, tmp_path))


def test_a_headline_placeholder_nothing_fills_in_is_refused(tmp_path):
    copy = _edited(CATALOGUE_FILE, "{numerator} contacts were received", "{numerater} contacts were received", tmp_path)
    assert "contacts_received.headline: en: unknown placeholder {numerater}" in _one_line(read_catalogue, copy)


def test_a_change_needs_a_sentence_for_each_way(tmp_path):
    copy = _edited(CATALOGUE_FILE, "    rose:\n", "    rise:\n", tmp_path)
    line = _one_line(read_catalogue, copy)
    assert "contacts_change_on_last_year_pct.headline: a change has a sentence for each of rose:" in line


def test_a_title_without_its_welsh_is_refused(tmp_path):
    copy = _edited(CATALOGUE_FILE, "title: {en: Contacts received, cy: Cysylltiadau a dderbyniwyd}",
                   "title: {en: Contacts received}", tmp_path)
    assert "contacts_received.title: missing key 'cy'" in _one_line(read_catalogue, copy)


def test_a_key_given_twice_is_refused_not_overwritten(tmp_path):
    copy = _edited(CATALOGUE_FILE, "  decimals: 0\n", "  decimals: 0\n  decimals: 1\n", tmp_path)
    assert "contacts_received: key 'decimals' appears twice" in _one_line(read_catalogue, copy)


def test_frequency_is_no_longer_a_key(tmp_path):
    """Nothing read it: every indicator is computed for the period a pack asks for; `chart` says how it is drawn."""
    copy = _edited(CATALOGUE_FILE, "  decimals: 0\n", "  decimals: 0\n  frequency: quarterly\n", tmp_path)
    assert "contacts_received: unknown key 'frequency'" in _one_line(read_catalogue, copy)


def test_an_indicator_id_must_be_able_to_name_its_measure(tmp_path):
    copy = _edited(CATALOGUE_FILE, "contacts_received:", "Contacts Received:", tmp_path)
    assert "'Contacts Received': an indicator id is lower-case letters" in _one_line(read_catalogue, copy)


# --- tables.yml --------------------------------------------------------------------------------


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("      values: [police,", "      vales: [police,",
     "contacts.columns.source: unknown key 'vales' (did you mean 'values'?)"),
    ("      type: datetime", "      type: datetme", "contacts.columns.received_at: type: 'datetme' is not one of"),
    ("      type: category\n      required: true\n      values: [police,",
     "      type: category\n      required: true\n      valeus: [police,",
     "contacts.columns.source: unknown key 'valeus'"),
])
def test_a_slip_in_a_column_names_the_table_the_column_and_the_key(tmp_path, old, new, expected):
    assert expected in _one_line(read_tables, _edited(TABLES_FILE, old, new, tmp_path))


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("      default: child", "      default: kid", "contacts.columns.about: default: 'kid' is not one of: child, adult"),
    ("      max: 1.5\n", "      max: 1.5\n      values: [a]\n",
     "caseloads.columns.fte: values: only a category column has values (this one is number)"),
    ("      type: date\n      required: true\n      headers: [snapshot",
     "      type: date\n      required: true\n      max: 3\n      headers: [snapshot",
     "caseloads.columns.snapshot_date: max: only a number or count column has limits"),
    ("      values: [advice, signposted,", "      values: [no, advice, signposted,",
     "contacts.columns.outcome.values[0]: Input should be a valid string (found False: YAML reads an unquoted"),
    ("  id: contact_id", "  id: contact_ref", "contacts: id: 'contact_ref' is not a column of contacts"),
    ("  key: [snapshot_date, worker_id]", "  key: [snapshot_date, worker]",
     "caseloads: key: 'worker' is not a column of caseloads"),
    ("{check: not_before,", "{check: not_befor,", "contacts.checks[0]: check: 'not_befor' is not one of 'not_before'"),
    ("contacts:\n  description", "contcts:\n  description", "'contcts': unknown table (the tables are: contacts,"),
])
def test_a_slip_in_tables_yml_is_one_line(tmp_path, old, new, expected):
    assert expected in _one_line(read_tables, _edited(TABLES_FILE, old, new, tmp_path))


def test_a_category_column_lists_its_values(tmp_path):
    copy = _edited(TABLES_FILE, "      values: [child, adult]\n", "", tmp_path)
    assert "contacts.columns.about: values: a category column lists the values it allows" in _one_line(
        read_tables, copy)


# --- categories.yml, against tables.yml ---------------------------------------------------------


def test_a_renamed_value_is_refused_not_thousands_of_rows_rejected(tmp_path):
    """Issue 13: renaming `police` here rejected 11,926 of 69,939 demo contacts, with exit 0."""
    copy = _edited(CATEGORIES_FILE, "  police: [police,", "  polis: [police,", tmp_path)
    line = _one_line(read_categories, copy)
    assert "categories.yml: source: 'polis' is not a value tables.yml allows for contacts.source" in line


def test_every_value_tables_yml_allows_has_its_entry(tmp_path):
    copy = _edited(CATEGORIES_FILE, "  anonymous: [anonymous, anon, unknown referrer]\n", "", tmp_path)
    line = _one_line(read_categories, copy)
    assert "categories.yml: source: no entry for 'anonymous', which tables.yml allows for contacts.source" in line


def test_a_value_renamed_in_tables_yml_only_is_refused(tmp_path):
    tables = read_tables(_edited(TABLES_FILE, "values: [english, welsh, other, not_recorded]",
                                 "values: [english, cymraeg, other, not_recorded]", tmp_path))
    with pytest.raises(ConfigError, match="categories.yml: language: 'welsh' is not a value tables.yml allows for "
                                          "assessments.language"):
        read_categories(CATEGORIES_FILE, tables)


def test_a_word_means_one_value_only(tmp_path):
    copy = _edited(CATEGORIES_FILE, "  anonymous: [anonymous, anon,", "  anonymous: [anonymous, NWP, anon,", tmp_path)
    assert "source.anonymous: 'NWP' is also a word for 'police'" in _one_line(read_categories, copy)


@pytest.mark.parametrize(("old", "new", "expected"), [
    ("contact_type:\n", "contact_typ:\n", "'contact_typ': not a category column in tables.yml"),
    ("  adult: [adult, adults,", "  adult: [no, adult, adults,", "about.adult[0]: Input should be a valid string"),
    ("  referral: [referral, ref, referrals]", "  referral: referral", "contact_type: referral: Input should be a "
                                                                       "valid list"),
])
def test_a_slip_in_categories_yml_is_one_line(tmp_path, old, new, expected):
    assert expected in _one_line(read_categories, _edited(CATEGORIES_FILE, old, new, tmp_path))


# --- the catalogues as shipped -----------------------------------------------------------------


def test_the_shipped_catalogues_pass():
    indicators = read_catalogue(CATALOGUE_FILE)
    tables = read_tables(TABLES_FILE)
    synonyms = read_categories(CATEGORIES_FILE, tables)
    assert len(indicators) == len(MEASURES) and set(tables) == set(TABLE_NAMES)
    assert synonyms["source"]["northwalespolice"] == "police"
    assert set(get_args(Domain)) == set(DOMAINS)


def test_every_indicator_has_a_measure_and_every_measure_an_indicator():
    assert sorted(set(catalogue()) ^ set(MEASURES)) == []
    assert catalogue_problems(catalogue(), read_tables(TABLES_FILE), MEASURES) == []


def test_the_cross_check_names_what_disagrees():
    indicators = catalogue()
    measures = {**{i: MEASURES[i] for i in indicators if i != "contacts_received"}, "contacts_recieved": None}
    problems = catalogue_problems(indicators, read_tables(TABLES_FILE), measures)
    assert problems[:2] == [
        "indicators.yml: contacts_received: no measure computes it (add a function named contacts_received, "
        "decorated with @measure, to kpi/indicators/measures/)",
        "kpi/indicators/measures: contacts_recieved: a measure with no entry in indicators.yml"]
    tables = {name: t for name, t in read_tables(TABLES_FILE).items() if name != "contact_counts"}
    assert "indicators.yml: contacts_received: tables: 'contact_counts' is not a table of tables.yml" in \
        catalogue_problems(indicators, tables, MEASURES)[0]


# --- end to end: one line, exit 2 --------------------------------------------------------------


@pytest.fixture
def shipped_with(monkeypatch, tmp_path):
    """Make the package read an edited catalogue; the shipped ones again after the test."""
    def use(module, attribute: str, copy) -> None:
        monkeypatch.setattr(module, attribute, copy)
        indicator_catalogue._builtin.cache_clear()
        dictionary._dictionary.cache_clear()

    yield use
    monkeypatch.undo()
    indicator_catalogue._builtin.cache_clear()
    dictionary._dictionary.cache_clear()


def _one_line_exit_2(capsys, argv) -> str:
    assert main(argv) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "Traceback" not in err[0], err
    return err[0]


def test_a_typo_in_indicators_yml_is_exit_2_not_a_traceback(project, capsys, shipped_with, tmp_path):
    project.write_config({})
    shipped_with(indicator_catalogue, "CATALOGUE_FILE",
                 _edited(CATALOGUE_FILE, "  polarity: neutral", "  polarty: neutral", tmp_path / "catalogue"))
    line = _one_line_exit_2(capsys, ["indicators", "--list", "--config", str(project.config_path)])
    assert "indicators.yml: contacts_received: unknown key 'polarty'" in line


def test_a_renamed_police_stops_the_ingest_rather_than_rejecting_rows(project, capsys, shipped_with, tmp_path):
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    shipped_with(dictionary, "CATEGORIES_FILE",
                 _edited(CATEGORIES_FILE, "  police: [police,", "  polis: [police,", tmp_path / "catalogue"))
    line = _one_line_exit_2(capsys, ["ingest", "--quiet", "--config", str(project.config_path)])
    assert "categories.yml: source: 'polis' is not a value tables.yml allows for contacts.source" in line
    assert not (project.root / "data/processed/rejected").exists()


def test_a_typo_in_tables_yml_stops_the_ingest(project, capsys, shipped_with, tmp_path):
    project.write_text("contacts.csv", contacts_csv(GOOD_CONTACT))
    project.write_config({"contacts": {"path": "contacts.csv"}})
    shipped_with(dictionary, "TABLES_FILE", _edited(TABLES_FILE, "      type: datetime", "      type: datetme",
                                                    tmp_path / "catalogue"))
    line = _one_line_exit_2(capsys, ["ingest", "--quiet", "--config", str(project.config_path)])
    assert "tables.yml: contacts.columns.received_at: type: 'datetme' is not one of" in line


# --- unknown indicator ids in kpi.yml ----------------------------------------------------------


@pytest.mark.parametrize(("extra", "expected"), [
    ({"targets": {"contacts_recieved": {"target": 3}}}, "targets.contacts_recieved: unknown indicator"),
    ({"spc": {"rebase": {"contacts_recieved": ["2019-20Q1"]}}}, "spc.rebase.contacts_recieved: unknown indicator"),
    ({"process_changes": [{"date": "2019-04-01", "description": "New front door",
                           "indicators": ["contacts_received", "contacts_recieved"]}]},
     "process_changes[0].indicators: unknown indicator 'contacts_recieved'"),
])
def test_an_unknown_indicator_id_in_kpi_yml_is_one_line(project, capsys, extra, expected):
    project.write_config({}, **extra)
    with pytest.raises(ConfigError, match=expected.replace("[", r"\[").replace("]", r"\]")):
        load_config(project.config_path)
    line = _one_line_exit_2(capsys, ["indicators", "--list", "--config", str(project.config_path)])
    assert f"kpi.yml: {expected}" in line


def test_known_ids_in_kpi_yml_are_accepted(project):
    project.write_config({}, targets={"contacts_received": {"target": 3}},
                         spc={"rebase": {"contacts_received": ["2019-20Q1"]}},
                         process_changes=[{"date": "2019-04-01", "description": "New front door",
                                           "indicators": ["contacts_received"]}])
    config = load_config(project.config_path)
    assert catalogue(config.targets)["contacts_received"].target == 3
