"""Welsh of equal standing: every catalogue key in both languages, one Welsh word per term (the
glossary), and the translation unit's round trip: `kpi translations --status`, then `--import`."""

from __future__ import annotations

import csv
import io

import pytest
import yaml
from babel.messages.pofile import read_po
from openpyxl import Workbook, load_workbook

from kpi.cli import main
from kpi.words.glossary import Glossary, glossary_path
from kpi.officers.translations import (
    COLUMNS,
    SHEET,
    catalogue_path,
    indicator_texts,
    indicators_path,
    placeholders,
    read_catalogue,
    unchecked,
)

GLOSSARY = Glossary.load()


def _catalogue_entries() -> list:
    return [m for m in read_catalogue(catalogue_path()) if m.id]


def _indicator_spec() -> dict:
    return yaml.safe_load(indicators_path().read_text(encoding="utf-8"))


# --- every key in both languages (issue 11, point 6) ------------------------------------------------


def test_every_catalogue_entry_has_welsh_with_the_same_placeholders():
    entries = _catalogue_entries()
    assert len(entries) > 300
    untranslated = [m.id for m in entries if not isinstance(m.string, str) or not m.string.strip()]
    assert untranslated == [], f"{len(untranslated)} catalogue entries have no Welsh: {untranslated[:5]}"
    mismatched = [(m.id, m.string) for m in entries if placeholders(m.id) != placeholders(m.string)]
    assert mismatched == [], mismatched


def test_every_indicator_has_titles_and_headlines_in_both_languages():
    spec = _indicator_spec()
    texts = list(indicator_texts(spec))
    for indicator_id in spec:
        assert f"indicators.yml: {indicator_id} title" in {where for where, *_ in texts}
        assert any(where.startswith(f"indicators.yml: {indicator_id} headline") for where, *_ in texts), indicator_id
    for where, english, welsh, _ in texts:
        assert english.strip() and welsh.strip(), where
        assert placeholders(english) == placeholders(welsh), (where, english, welsh)


# --- the glossary -------------------------------------------------------------------------------------


def test_glossary_has_the_product_briefs_terms_and_no_term_twice():
    spec = yaml.safe_load(glossary_path().read_text(encoding="utf-8"))
    terms = {t["en"]: t["cy"] for t in spec["terms"]}
    assert len(terms) == len(spec["terms"])
    brief = {"assessment": "asesiad", "referral": "atgyfeiriad", "contact": "cyswllt", "caseload": "llwyth achosion",
             "social worker": "gweithiwr cymdeithasol", "children's services": "gwasanaethau plant",
             "scrutiny committee": "pwyllgor craffu", "quarter": "chwarter", "target": "targed",
             "Wales average": "cyfartaledd Cymru", "looked after children": "plant sy'n derbyn gofal",
             "child protection register": "cofrestr amddiffyn plant"}
    assert {en: terms.get(en) for en in brief} == brief
    assert terms["re-referral"] == "ail-atgyfeiriad" and terms["significant"] == "arwyddocaol"
    assert terms["percentage point"] == "pwynt canran" and terms["day"] == "diwrnod"
    assert terms["public"] == "cyhoeddus" and terms["restricted"] == "cyfyngedig"
    for entry in spec["terms"]:
        assert set(entry) <= {"en", "en_forms", "cy", "cy_forms", "mutations", "notes"}, entry


@pytest.mark.parametrize("english, welsh, expected", [
    ("Re-referrals within 12 months", "Atgyfeiriadau o fewn 12 mis", ["'re-referral'", "not 'Atgyfeiriadau'"]),
    ("{value} of referrals were re-referrals", "Roedd {value} o'r atgyfeiriadau yn atgyfeiriadau", ["'re-referral'"]),
    ("{value} of referrals were re-referrals", "Roedd {value} o'r atgyfeiriadau yn ail-atgyfeiriadau", []),
    ("Re-referrals within 12 months", "Ail-atgyfeiriadau o fewn 12 mis", []),  # no 'referral' inside 're-referral'
    ("No significant change", "Dim newid sylweddol", ["'significant'", "not 'sylweddol'"]),
    ("It is above the {target} target.", "Mae'n uwchlaw'r targed o {target}.", ["not 'uwchlaw'"]),
    ("It is below the {target} target.", "Mae'n is na'r targed o {target}.", []),
    ("against its target", "yn erbyn ei darged", []),  # soft mutation, listed in the glossary
    ("Audience: public", "Cynulleidfa: public", ["'public'", "not 'public'"]),
    ("{amount} pts", "{amount} pwynt", ["'percentage point'"]),
    ("{amount} days", "{amount} days", ["'day'", "not 'days'"]),
    ("Targets and RAG", "Targedau a RAG", ["'RAG'", "not 'RAG'"]),
    ("SPC preset", "Rhagosodiad SPC", ["'statistical process control'", "not 'SPC'"]),
    ("No figure is available for {period}.", "Nid oes ffigur ar gael ar gyfer {period}.", []),  # {period} is no period
])
def test_glossary_check_finds_what_strays_from_it(english, welsh, expected):
    problems = GLOSSARY.problems(english, welsh)
    assert len(problems) == len(expected), problems
    for start, problem in zip(expected, problems):
        assert problem.startswith(start), problems


def test_catalogue_follows_the_glossary():
    strays = {m.id: GLOSSARY.problems(m.id, m.string) for m in _catalogue_entries()}
    strays = {k: v for k, v in strays.items() if v}
    assert strays == {}, "\n".join(f"{k[:70]!r}: {v}" for k, v in strays.items())


def test_indicator_titles_and_headlines_follow_the_glossary():
    strays = {where: GLOSSARY.problems(english, welsh)
              for where, english, welsh, _ in indicator_texts(_indicator_spec())}
    strays = {k: v for k, v in strays.items() if v}
    assert strays == {}, strays


@pytest.mark.parametrize("msgid, welsh", [
    ("{amount} pts", "{amount} pwynt canran"),
    ("{amount} days", "{amount} diwrnod"),
    ("RAG", "Coch/ambr/gwyrdd"),
    ("SPC preset", "Rhagosodiad rheoli prosesau ystadegol"),
    ("public", "cyhoeddus"),
    ("restricted", "cyfyngedig"),
    ("Public", "Cyhoeddus"),
    ("No significant change", "Dim newid arwyddocaol"),
    ("It is above the {target} target.", "Mae'n uwch na'r targed o {target}."),
    ("It is below the {target} target.", "Mae'n is na'r targed o {target}."),
])
def test_known_errors_stay_fixed(msgid, welsh):
    message = read_catalogue(catalogue_path()).get(msgid)
    assert message is not None and message.string == welsh


# --- kpi translations --status / --import -----------------------------------------------------------

PO = """\
# A small catalogue for the tests.
#, fuzzy
msgid ""
msgstr ""
"Language: cy\\n"
"Content-Type: text/plain; charset=utf-8\\n"

# Section comment kept
#, fuzzy
msgid "Summary"
msgstr "Crynodeb"

#, fuzzy, python-brace-format
msgid "{amount} pts"
msgstr "{amount} pwynt"

#, fuzzy
msgid "- no figure"
msgstr "- dim ffigur"

msgid "Contents"
msgstr "Cynnwys"

#, python-brace-format
msgid "Key figures: {title}"
msgstr "Ffigurau allweddol: {title}"
"""

INDICATORS = """\
# A comment the import must never lose.
contacts_change:
  title: {en: Change in contacts, cy: Newid mewn cysylltiadau}
  headline:
    rose: {en: "Contacts rose by {abs_value}.", cy: "Bu cynnydd o {abs_value} yn nifer y cysylltiadau."}
    fell: {en: "Contacts fell by {abs_value}.", cy: "Bu gostyngiad o {abs_value} yn nifer y cysylltiadau."}
  welsh_reviewed: false
assessments_completed:
  title: {en: Assessments completed, cy: Asesiadau a gwblhawyd}
  headline: {en: "{numerator} assessments were completed.", cy: "Cwblhawyd {numerator} o asesiadau."}
  welsh_reviewed: true
"""


@pytest.fixture
def files(tmp_path):
    po, indicators = tmp_path / "kpi.po", tmp_path / "indicators.yml"
    po.write_text(PO, encoding="utf-8")
    indicators.write_text(INDICATORS, encoding="utf-8")
    return po, indicators


def _kpi(files, *args: str) -> int:
    po, indicators = files
    return main(["translations", *args, "--catalogue", str(po), "--indicators", str(indicators)])


def test_status_lists_fuzzy_entries_and_unreviewed_indicators_in_a_csv_for_excel(files, tmp_path, capsys):
    out = tmp_path / "status.csv"
    assert _kpi(files, "--status", "--out", str(out)) == 0
    raw = out.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM: Excel shows Welsh letters as they are
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert tuple(rows[0]) == COLUMNS
    listed = {(r[0], r[1]): r for r in rows[1:]}
    assert set(listed) == {("kpi.po", "Summary"), ("kpi.po", "{amount} pts"), ("kpi.po", "'- no figure"),
                           ("indicators.yml: contacts_change title", "Change in contacts"),
                           ("indicators.yml: contacts_change headline (rose)", "Contacts rose by {abs_value}."),
                           ("indicators.yml: contacts_change headline (fell)", "Contacts fell by {abs_value}.")}
    assert listed[("kpi.po", "Summary")][2:5] == ["Crynodeb", "", ""]
    assert listed[("kpi.po", "{amount} pts")][5].startswith("'percentage point'")  # the glossary's note
    assert "6 Welsh string(s) need review (3 in kpi.po, 3 in indicators.yml)" in capsys.readouterr().err


def test_status_workbook_keeps_text_as_text_and_carries_the_glossary(files, tmp_path):
    out = tmp_path / "status.xlsx"
    assert _kpi(files, "--status", "--out", str(out)) == 0
    book = load_workbook(out)
    sheet = book[SHEET]
    assert tuple(c.value for c in sheet[1]) == COLUMNS
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[1].value == "- no figure")
    assert cell.data_type == "s" and cell.quotePrefix
    assert {"Glossary", "How to"} <= set(book.sheetnames)
    assert ("assessment", "asesiad") in {(r[0], r[1]) for r in book["Glossary"].iter_rows(values_only=True)}


def _fill(path, reviewed: dict[str, tuple[str, str]]) -> None:
    """What the translation unit does: a reviewed Welsh and a name on the rows they checked."""
    book = load_workbook(path)
    sheet = book[SHEET]
    for row in sheet.iter_rows(min_row=2):
        if row[1].value in reviewed:
            row[3].value, row[4].value = reviewed[row[1].value]
    book.save(path)


def test_import_of_a_reviewed_workbook_clears_the_marks_and_keeps_the_layout(files, tmp_path, capsys):
    po, indicators = files
    out = tmp_path / "status.xlsx"
    _kpi(files, "--status", "--out", str(out))
    _fill(out, {"Summary": ("Crynodeb", "Nia"), "{amount} pts": ("{amount} pwynt canran", "Nia"),
                "Contacts rose by {abs_value}.": ("Cododd nifer y cysylltiadau {abs_value}.", "Nia")})
    before = po.read_text(encoding="utf-8")
    assert _kpi(files, "--import", str(out)) == 0
    output = capsys.readouterr()
    catalogue = read_po(po.open("rb"))
    assert not catalogue.get("Summary").fuzzy and not catalogue.get("{amount} pts").fuzzy
    assert catalogue.get("{amount} pts").string == "{amount} pwynt canran"
    assert catalogue.get("- no figure").fuzzy  # not reviewed yet: still marked
    assert "checked by Nia" in catalogue.get("Summary").user_comments
    assert "Section comment kept" in catalogue.get("Summary").user_comments
    after = po.read_text(encoding="utf-8")
    for untouched in ('#, fuzzy\nmsgid "- no figure"\nmsgstr "- dim ffigur"\n', 'msgid "Contents"\nmsgstr "Cynnwys"\n',
                      "# A small catalogue for the tests.\n"):
        assert untouched in before and untouched in after
    assert [r.english for r in unchecked(po, indicators)] == [
        "- no figure", "Change in contacts", "Contacts rose by {abs_value}.", "Contacts fell by {abs_value}."]
    # indicators.yml is printed for its owner, never written
    assert indicators.read_text(encoding="utf-8") == INDICATORS
    assert ("indicators.yml: contacts_change headline (rose): cy 'Bu cynnydd o {abs_value} yn nifer y cysylltiadau.' "
            "-> 'Cododd nifer y cysylltiadau {abs_value}.' (checked by Nia)") in output.out
    assert "is not written by this command" in output.err
    assert "2 reviewed Welsh string(s) written" in output.err


def test_import_refuses_a_reviewed_welsh_that_drops_or_adds_a_placeholder(files, tmp_path, capsys):
    po, _ = files
    out = tmp_path / "status.xlsx"
    _kpi(files, "--status", "--out", str(out))
    _fill(out, {"Summary": ("Crynodeb", "Nia"), "{amount} pts": ("{swm} pwynt canran", "Nia")})
    before = po.read_bytes()
    assert _kpi(files, "--import", str(out)) == 2
    err = capsys.readouterr().err
    assert "status.xlsx row 3 (kpi.po): the reviewed Welsh drops {amount} and adds {swm}" in err
    assert "nothing imported" in err and "Traceback" not in err
    assert po.read_bytes() == before


def test_import_reports_english_the_catalogue_does_not_have(files, tmp_path, capsys):
    po, _ = files
    reviewed = tmp_path / "reviewed.csv"
    with reviewed.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerow(["kpi.po", "Sumary", "Crynodeb", "Crynodeb", "Nia", ""])
        writer.writerow(["kpi.po", "'- no figure", "'- dim ffigur", "'- dim ffigur \n", "Nia", ""])  # a stray line end
        writer.writerow(["kpi.po", "Summary", "Crynodeb", "", "", ""])  # not reviewed yet
    assert _kpi(files, "--import", str(reviewed)) == 0
    err = capsys.readouterr().err
    assert "not imported: reviewed.csv row 2: the English is not in kpi.po" in err and "'Sumary'" in err
    assert "1 row(s) had no reviewed Welsh yet" in err
    catalogue = read_po(po.open("rb"))
    assert not catalogue.get("- no figure").fuzzy and catalogue.get("- no figure").string == "- dim ffigur"
    assert catalogue.get("Summary").fuzzy


def test_import_of_a_po_from_a_translation_tool_takes_its_checked_entries(files, tmp_path):
    po, _ = files
    edited = tmp_path / "from_poedit.po"
    edited.write_text(PO.replace('#, fuzzy\nmsgid "Summary"\nmsgstr "Crynodeb"',
                                 'msgid "Summary"\nmsgstr "Crynodeb y pecyn"'), encoding="utf-8")
    assert _kpi(files, "--import", str(edited)) == 0
    catalogue = read_po(po.open("rb"))
    assert catalogue.get("Summary").string == "Crynodeb y pecyn" and not catalogue.get("Summary").fuzzy
    assert catalogue.get("{amount} pts").fuzzy  # still fuzzy in the edited file: not taken


def test_a_csv_excel_saved_in_windows_1252_is_refused_with_one_line(files, tmp_path, capsys):
    reviewed = tmp_path / "reviewed.csv"
    reviewed.write_bytes(",".join(COLUMNS).encode() + b"\r\nkpi.po,Summary,Crynodeb,Crynodeb \xe2 ni,Nia,\r\n")
    before = files[0].read_bytes()
    assert _kpi(files, "--import", str(reviewed)) == 2
    err = capsys.readouterr().err
    assert "not UTF-8" in err and "CSV UTF-8" in err and len(err.strip().splitlines()) == 1
    assert files[0].read_bytes() == before


def test_a_file_without_the_status_columns_is_refused(files, tmp_path, capsys):
    book = Workbook()
    book.active.append(["English", "Welsh"])
    book.save(tmp_path / "other.xlsx")
    assert _kpi(files, "--import", str(tmp_path / "other.xlsx")) == 2
    assert "no 'Where', 'Reviewed Welsh' column" in capsys.readouterr().err


def test_status_of_the_real_catalogue_lists_every_fuzzy_entry(capsys):
    assert main(["translations", "--status"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out, newline="")))
    fuzzy = [m for m in _catalogue_entries() if m.fuzzy]
    unreviewed = [t for t in indicator_texts(_indicator_spec()) if not t[3]]
    assert len(rows) - 1 == len(fuzzy) + len(unreviewed)
