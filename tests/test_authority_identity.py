"""In data from several authorities an id is unique within its authority, not across the file.

Every canonical table but the published comparators may carry an `authority` column. Where it does, a
repeated row and a clash of ids are judged within an authority (Table.identity_in_authority): two
councils may both have a contact C1. Rows without an authority are judged together, as before.
"""

from __future__ import annotations

import pytest

from kpi.data.tables import TABLE_NAMES, table

HEADER = "Contact ID,Person ID,Date Received,Contact Source,Contact Type,Decision Date,Outcome,Local Authority"


def _contacts(project, *rows: str):
    project.write_text("contacts.csv", "\n".join([HEADER, *rows]) + "\n")
    project.write_config({"contacts": {"path": "contacts.csv"}})
    project.ingest()
    return project.accepted("contacts"), project.rejected("contacts")


@pytest.mark.parametrize("name", TABLE_NAMES)
def test_the_authority_comes_first_in_every_identity_but_the_published_figures(name):
    canonical = table(name)
    if "authority" not in canonical.columns:
        assert name == "comparators"
        assert canonical.identity_in_authority == canonical.identity
    elif "authority" in canonical.identity:  # contact_counts: the authority is part of its key already
        assert canonical.identity_in_authority == canonical.identity
    else:
        assert canonical.identity_in_authority == ("authority", *canonical.identity)


def test_the_same_id_in_two_authorities_is_two_records(project):
    accepted, rejected = _contacts(
        project,
        "C1,P1,10/02/2017 09:00,Police,Referral,,NFA,W06000001",
        "C1,P9,11/02/2017 10:00,Health,Enquiry,,NFA,W06000002",
    )
    assert rejected.empty
    assert sorted(accepted["authority"]) == ["W06000001", "W06000002"]


def test_the_same_id_twice_in_one_authority_still_clashes_and_says_where(project):
    _, rejected = _contacts(
        project,
        "C1,P1,10/02/2017 09:00,Police,Referral,,NFA,W06000001",
        "C1,P9,11/02/2017 10:00,Health,Enquiry,,NFA,W06000001",
        "C1,P5,12/02/2017 10:00,Health,Enquiry,,NFA,W06000002",
    )
    assert list(rejected["source_row"]) == ["2", "3"]
    assert set(rejected["reason"]) == {
        "conflicting rows share the same contact_id C1 in authority W06000001 (rows 2, 3)"}
    assert set(rejected["reason_code"]) == {"conflicting_id"}
    assert set(rejected["column"]) == {"contact_id"}


def test_a_repeat_is_a_repeat_only_within_its_authority(project):
    accepted, rejected = _contacts(
        project,
        "C1,P1,10/02/2017 09:00,Police,Referral,,NFA,W06000001",
        "C1,P1,10/02/2017 09:00,Police,Referral,,NFA,W06000002",
        "C1,P1,10/02/2017 09:00,Police,Referral,,NFA,W06000002",
    )
    assert len(accepted) == 2
    assert (rejected.loc[0, "source_row"], rejected.loc[0, "reason"]) == ("4", "exact duplicate of row 3")


def test_rows_without_an_authority_are_judged_together_as_before(project):
    _, rejected = _contacts(
        project,
        "C1,P1,10/02/2017 09:00,Police,Referral,,NFA,",
        "C1,P9,11/02/2017 10:00,Health,Enquiry,,NFA,",
        "C1,P5,12/02/2017 10:00,Health,Enquiry,,NFA,W06000002",
    )
    assert list(rejected["source_row"]) == ["2", "3"]
    assert set(rejected["reason"]) == {"conflicting rows share the same contact_id C1 (rows 2, 3)"}


def test_a_key_is_judged_within_an_authority_too(project):
    header = "Snapshot,Worker,Team,Job Title,FTE,Caseload,Local Authority"
    rows = ["31/03/2019,W1,North,Social Worker,1,10,W06000001",
            "31/03/2019,W1,South,Social Worker,1,12,W06000002",
            "31/03/2019,W1,East,Social Worker,1,14,W06000002"]
    project.write_text("caseloads.csv", "\n".join([header, *rows]) + "\n")
    project.write_config({"caseloads": {"path": "caseloads.csv"}})
    project.ingest()
    rejected = project.rejected("caseloads")
    assert list(rejected["source_row"]) == ["3", "4"]
    assert all(" in authority W06000002 (rows 3, 4)" in reason for reason in rejected["reason"])
    assert project.accepted("caseloads")["team"].tolist() == ["North"]
