"""A corpus of bad extracts, each rejected with the exact reason and the row as Excel shows it."""

from __future__ import annotations

import pytest

from conftest import CONTACTS_HEADER, GOOD_CONTACT, contacts_csv

EXPECTED_DATE = "(expected DD/MM/YYYY or DD/MM/YYYY HH:MM)"


def _ingest_contacts(project, text: str, encoding: str = "utf-8", **source):
    project.write_text("contacts.csv", text, encoding=encoding)
    project.write_config({"contacts": {"path": "contacts.csv", **source}})
    return project.ingest()


def _only_rejection(project):
    rejected = project.rejected("contacts")
    assert len(rejected) == 1, rejected.to_string()
    return rejected.iloc[0]


@pytest.mark.parametrize(
    ("bad_row", "column", "reason", "code"),
    [
        ("C2,P2,02/13/2017 10:00,Police,Referral,,",
         "received_at", f"'02/13/2017 10:00' is not a valid day-first date {EXPECTED_DATE}", "invalid_date"),
        ("C2,P2,31/02/2017,Police,Referral,,",
         "received_at", f"'31/02/2017' is not a valid day-first date {EXPECTED_DATE}", "invalid_date"),
        ("C2,P2,10/02/1900 10:00,Police,Referral,,",
         "received_at", "'10/02/1900 10:00' is before 01/01/2000 (an impossible year)", "date_too_early"),
        ("C2,P2,10/02/2031 10:00,Police,Referral,,",
         "received_at", "'10/02/2031 10:00' is after the extract date 31/03/2020", "date_after_extract"),
        ("C2,P2,10/02/2017 10:00,Martians,Referral,,",
         "source", "'Martians' is not a known source (expected one of: police, health, education, self_or_family, "
                   "local_authority, other_local_authority, voluntary, anonymous, other)", "unknown_category"),
        ("C2,P2,10/02/2017 10:00,Police,Referral,10/02/2017 09:00,NFA",
         "decision_at, received_at", "decision is before the contact was received", "dates_out_of_order"),
        (",P2,10/02/2017 10:00,Police,Referral,,", "contact_id", "contact_id is empty (a value is required)",
         "missing_value"),
    ],
)
def test_a_bad_cell_rejects_its_row_with_the_reason(project, bad_row, column, reason, code):
    result = _ingest_contacts(project, contacts_csv(GOOD_CONTACT, bad_row))
    row = _only_rejection(project)
    assert (row["source_row"], row["column"], row["reason"], row["reason_code"]) == ("3", column, reason, code)
    assert row["source_file"] == "contacts.csv"
    assert result.tables["contacts"].files[0].rows_accepted == 1


def test_month_first_date_is_never_read_as_another_date(project):
    _ingest_contacts(project, contacts_csv(GOOD_CONTACT, "C2,P2,02/13/2017,Police,Referral,,"))
    accepted = project.accepted("contacts")
    assert list(accepted["contact_id"]) == ["C1"]
    assert _only_rejection(project)["received_at"] == "02/13/2017"


def test_title_rows_above_the_header_are_skipped_and_rows_keep_their_numbers(project):
    text = "Contacts extract for Test Council\nProduced 01/04/2020\n\n" + contacts_csv(
        GOOD_CONTACT, "C2,P2,10/02/2017 10:00,Nowhere,Referral,,")
    result = _ingest_contacts(project, text)
    report = result.tables["contacts"].files[0]
    assert report.header_row == 4
    assert _only_rejection(project)["source_row"] == "6"


def test_blank_row_in_the_middle_is_rejected_as_blank(project):
    _ingest_contacts(project, contacts_csv(GOOD_CONTACT, ",,,,,,", "C2,P2,11/02/2017 10:00,Health,Enquiry,,"))
    row = _only_rejection(project)
    assert (row["source_row"], row["reason"], row["reason_code"]) == ("3", "blank row", "blank_row")


def test_trailing_empty_lines_are_not_records(project):
    result = _ingest_contacts(project, contacts_csv(GOOD_CONTACT) + ",,,,,,\n\n")
    assert result.tables["contacts"].files[0].rows_read == 1
    assert project.rejected("contacts").empty


def test_totals_row_at_the_bottom_is_rejected_as_a_totals_row(project):
    _ingest_contacts(project, contacts_csv(GOOD_CONTACT, "C2,P2,11/02/2017 10:00,Health,Enquiry,,",
                                           "Total,2,,,,,"))
    row = _only_rejection(project)
    assert (row["source_row"], row["reason"], row["reason_code"]) == ("4", "totals row (a sum, not a record)",
                                                                     "totals_row")


def test_exact_duplicate_keeps_the_first_and_rejects_the_repeat(project):
    _ingest_contacts(project, contacts_csv(GOOD_CONTACT, "C2,P2,11/02/2017 10:00,Health,Enquiry,,", GOOD_CONTACT))
    row = _only_rejection(project)
    assert (row["source_row"], row["reason"], row["reason_code"]) == ("4", "exact duplicate of row 2",
                                                                     "duplicate_row")
    assert sorted(project.accepted("contacts")["contact_id"]) == ["C1", "C2"]


def test_conflicting_rows_with_the_same_id_are_all_rejected(project):
    _ingest_contacts(project, contacts_csv(GOOD_CONTACT, "C2,P2,11/02/2017 10:00,Health,Enquiry,,",
                                           "C1,P1,10/02/2017 09:00,Health,Referral,10/02/2017 11:00,NFA"))
    rejected = project.rejected("contacts")
    assert list(rejected["source_row"]) == ["2", "4"]
    assert set(rejected["reason"]) == {"conflicting rows share the same contact_id C1 (rows 2, 4)"}
    assert set(rejected["reason_code"]) == {"conflicting_id"}
    assert list(project.accepted("contacts")["contact_id"]) == ["C2"]


def test_row_longer_than_the_header_is_rejected(project):
    _ingest_contacts(project, contacts_csv(GOOD_CONTACT, "C2,P2,11/02/2017 10:00,Health,Enquiry,,,surplus"))
    row = _only_rejection(project)
    assert (row["source_row"], row["reason_code"]) == ("3", "ragged_row")


def test_windows_1252_extract_loads_with_its_accents(project):
    text = contacts_csv("C1,P1,10/02/2017 09:00,Ysgol Tâf,Referral,,",
                        header=CONTACTS_HEADER)
    result = _ingest_contacts(project, text, encoding="cp1252",
                              categories={"source": {"Ysgol Tâf": "education"}})
    assert result.tables["contacts"].files[0].encoding == "cp1252"
    assert list(project.accepted("contacts")["source"]) == ["education"]


def test_utf8_with_byte_order_mark_finds_the_first_header(project):
    result = _ingest_contacts(project, "\ufeff" + contacts_csv(GOOD_CONTACT))
    assert result.tables["contacts"].files[0].encoding == "utf-8-sig"
    assert list(project.accepted("contacts")["contact_id"]) == ["C1"]


def test_headers_match_without_case_spaces_or_punctuation(project):
    header = "CONTACT  ID;person_id;Date-Received;SOURCE;contact type;Decision Date;outcome"
    text = header + "\n" + GOOD_CONTACT.replace(",", ";") + "\n"
    _ingest_contacts(project, text)
    assert list(project.accepted("contacts")["source"]) == ["police"]


def test_officer_mapping_and_category_words_in_config(project):
    header = "Ref,Client,When,Who referred,Kind"
    text = header + "\nC1,P1,10/02/2017 09:00,NWP Control Room,Referral\n"
    _ingest_contacts(project, text,
                     columns={"contact_id": "Ref", "child_id": "Client", "received_at": "When",
                              "source": "Who referred", "contact_type": "Kind"},
                     categories={"source": {"NWP Control Room": "police"}})
    accepted = project.accepted("contacts")
    assert list(accepted["source"]) == ["police"]
    assert list(accepted["about"]) == ["child"]  # the default when the column is absent


def test_every_rejected_row_keeps_its_original_cells(project):
    _ingest_contacts(project, contacts_csv(GOOD_CONTACT, "C2,P2,31/02/2017,Police,Referral,,"))
    row = _only_rejection(project)
    assert (row["contact_id"], row["received_at"], row["source"]) == ("C2", "31/02/2017", "Police")
    assert row["child_id"].startswith("C-")  # never the raw id, even in quarantine


COUNTS_HEADER = "Month,Contact Source,Contact Type,Number of contacts"


@pytest.mark.parametrize(("bad", "column", "reason", "code"), [
    ("2019-05,Police,Referral,100001", "count", "'100001' is above 100000 (the highest allowed)", "out_of_range"),
    ("2019-05,Police,Referral,1000000000000", "count", "'1000000000000' is above 100000 (the highest allowed)",
     "out_of_range"),
    ("1999-12,Police,Referral,40", "month", "'1999-12' is before 01/01/2000 (an impossible year)", "date_too_early"),
    ("2020-05,Police,Referral,40", "month", "'2020-05' is after the extract date 31/03/2020", "date_after_extract"),
])
def test_absurd_monthly_contact_counts_are_rejected_with_the_reason(project, bad, column, reason, code):
    project.write_text("counts.csv", "\n".join([COUNTS_HEADER, "2019-04,Police,Referral,100000", bad]) + "\n")
    project.write_config({"contact_counts": {"path": "counts.csv"}})
    result = project.ingest().tables["contact_counts"]
    assert list(result.accepted["count"]) == [100000]
    assert len(result.rejected) == 1
    assert tuple(result.rejected.loc[0, ["source_row", "column", "reason", "reason_code"]]) == (3, column, reason, code)
