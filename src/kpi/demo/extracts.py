"""Turn the canonical demo tables into extracts as a case management system would export them.

Headers are the system's, not ours ("Date Received", "Person ID"); dates are UK day-first text in
the CSV files and real date cells in the workbook; categories are the words the system uses. A few
deliberately bad rows (fixed by the seed) give the quarantine and the data-quality page something
to show; each is recorded with the reason code `kpi ingest` is expected to give it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

CONTACT_HEADERS = {
    "contact_id": "Contact ID", "child_id": "Person ID", "received_at": "Date Received",
    "source_label": "Contact Source", "type_label": "Contact Type", "decision_at": "Decision Date",
    "outcome_label": "Outcome", "strategy_word": "Strategy Discussion Held", "about_word": "Child or Adult",
    "locality": "Locality",
}
ASSESSMENT_HEADERS = {
    "assessment_id": "Assessment Ref", "child_id": "Person ID", "referral_date": "Date of Referral",
    "start_date": "Assessment Start", "completion_date": "Assessment Completed", "team": "Team",
    "child_seen": "Child Seen", "language_label": "Language Preference", "outcome": "Outcome",
}
CASELOAD_HEADERS = {
    "snapshot_date": "As At Date", "worker_id": "Staff ID", "team": "Team Name", "role_label": "Job Title",
    "fte": "FTE", "open_cases": "Open Allocated Cases", "agency_word": "Agency Worker",
}
CHILD_PROTECTION_HEADERS = {
    "registration_id": "Registration Ref", "child_id": "Person ID", "registration_date": "Date Registered",
    "end_date": "Deregistration Date", "category_label": "Category of Abuse", "team": "Team Name",
}
STRATEGY_HEADERS = {
    "discussion_id": "Strategy Discussion ID", "child_id": "Person ID", "contact_id": "Contact Ref",
    "concern_date": "Date of Concern", "discussion_date": "Strategy Discussion Date",
    "kind_label": "Discussion or Meeting", "section_47_word": "S47 Enquiry", "team": "Team Name",
}
LOOKED_AFTER_HEADERS = {
    "episode_id": "Episode Ref", "child_id": "Person ID", "start_date": "Placement Start Date",
    "end_date": "Placement End Date", "legal_status_label": "Legal Status", "placement_label": "Placement Type",
    "outside_word": "Out of County", "other_authority_word": "Placed by Other LA", "team": "Team Name",
}
ALLOCATION_HEADERS = {
    "case_id": "Case Ref", "child_id": "Person ID", "opened_date": "Date Opened", "allocated_date": "Date Allocated",
    "closed_date": "Date Closed", "team": "Team Name",
}
ESTABLISHMENT_HEADERS = {
    "snapshot_date": "As At Date", "team": "Team Name", "funded_fte": "Funded Posts FTE",
    "vacant_fte": "Vacancies FTE", "agency_fte": "Agency FTE", "sickness_days": "Working Days Lost",
}
ASSESSMENT_HEADER_ROW = 3  # a title row and a blank row stand above the header

SOURCE_LABELS = {"police": "Police", "health": "Health", "education": "Education", "self_or_family": "Self or family",
                 "local_authority": "Local authority", "other_local_authority": "Other local authority",
                 "voluntary": "Voluntary", "anonymous": "Anonymous", "other": "Other"}
TYPE_LABELS = {"referral": "Referral", "enquiry": "Enquiry", "information_only": "Information only",
               "awaiting_information": "Awaiting information"}


@dataclass(frozen=True)
class BadRow:
    """A row written wrong on purpose, and what `kpi ingest` should say about it."""

    table: str
    file: str  # as written under the output folder
    source_row: int  # as Excel or a text editor numbers it (header included)
    reason_code: str
    what: str


def _uk(values: pd.Series, with_time: bool) -> pd.Series:
    text = values.dt.strftime("%d/%m/%Y %H:%M" if with_time else "%d/%m/%Y")
    return text.astype(object).where(values.notna(), "")


def _insert(frame: pd.DataFrame, after: np.ndarray, rows: pd.DataFrame) -> pd.DataFrame:
    """Put each new row straight after the row it was made from (as an export glitch would)."""
    position = np.concatenate([np.arange(len(frame), dtype=float), after.astype(float) + 0.5])
    combined = pd.concat([frame, rows], ignore_index=True)
    return combined.iloc[np.argsort(position, kind="stable")].reset_index(drop=True)


def _pick(rng: np.random.Generator, mask: pd.Series, count: int) -> np.ndarray:
    """Distinct positions from the middle of the file, where a bad row is hardest to spot."""
    positions = np.flatnonzero(mask.to_numpy())
    middle = positions[(positions > len(mask) * 0.2) & (positions < len(mask) * 0.8)]
    return np.sort(rng.choice(middle, size=count, replace=False))


def contacts_extract(contacts: pd.DataFrame, rng: np.random.Generator, first_new_id: int
                     ) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """The contacts CSV as text cells, with four bad rows; returns the rows and (position, code, what)."""
    out = pd.DataFrame({
        "contact_id": contacts["contact_id"],
        "child_id": contacts["child_id"],
        "received_at": _uk(contacts["received_at"], True),
        "source_label": contacts["source_label"],
        "type_label": contacts["type_label"],
        "decision_at": _uk(contacts["decision_at"], True),
        "outcome_label": contacts["outcome_label"].fillna(""),
        "strategy_word": np.where(contacts["strategy_discussion"], "Yes", "No"),
        "about_word": np.where(contacts["about"] == "child", "Child", "Adult"),
        "locality": contacts["locality"],
    })
    received, decided = contacts["received_at"], contacts["decision_at"]
    both_late_in_month = (received.dt.day > 12) & (decided.dt.day > 12) & (received.dt.month == decided.dt.month)
    month_first, unknown, out_of_order = _pick(rng, both_late_in_month, 3)
    duplicate = _pick(rng, pd.Series(True, index=out.index), 1)[0]
    after = np.array([month_first, unknown, out_of_order, duplicate])
    bad = out.iloc[after].copy().reset_index(drop=True)
    bad.loc[:2, "contact_id"] = [f"CT{first_new_id + i}" for i in range(3)]
    bad.loc[0, "received_at"] = received.iloc[month_first].strftime("%m/%d/%Y %H:%M")
    bad.loc[0, "decision_at"] = decided.iloc[month_first].strftime("%m/%d/%Y %H:%M")
    bad.loc[1, "source_label"] = "Fire and Rescue Service"
    bad.loc[2, "decision_at"] = (received.iloc[out_of_order] - pd.Timedelta(days=1, hours=2)).strftime(
        "%d/%m/%Y %H:%M")
    reasons = [
        ("invalid_date", "a date written month first (MM/DD/YYYY), which is not a valid day-first date"),
        ("unknown_category", "a contact source that no synonym knows ('Fire and Rescue Service')"),
        ("dates_out_of_order", "a decision dated the day before the contact was received"),
        ("duplicate_row", "an exact copy of the row above it"),
    ]
    return _insert(out, after, bad), _with_rows(after, reasons)


def _renumbered_copies(out: pd.DataFrame, after: np.ndarray, id_column: str, prefix: str, first_new_id: int
                       ) -> pd.DataFrame:
    """Copies of the rows at `after`, each with a new id (prefix and a number after every real one), to be
    spoilt and planted after the row they copy."""
    bad = out.iloc[after].copy().reset_index(drop=True)
    bad[id_column] = [f"{prefix}{first_new_id + i}" for i in range(len(bad))]
    return bad


def _with_rows(after: np.ndarray, reasons) -> list[tuple[int, str, str]]:
    """The position each inserted row ends up at (0-based among data rows), with its reason."""
    order = np.argsort(after, kind="stable")
    placed = np.empty(len(after), dtype=np.int64)
    placed[order] = after[order] + 1 + np.arange(len(after))
    return [(int(p), code, what) for p, (code, what) in zip(placed, reasons)]


def assessments_extract(assessments: pd.DataFrame, rng: np.random.Generator, first_new_id: int
                        ) -> tuple[pd.DataFrame, dict[str, pd.Series], list[tuple[int, str, str]]]:
    """The assessments sheet (dates as dates), with three bad rows.

    Returns the rows, the cells that hold text instead of a date ({column: text by row}), and
    (position, reason code, what) for each bad row.
    """
    out = pd.DataFrame({
        "assessment_id": assessments["assessment_id"],
        "child_id": assessments["child_id"],
        "referral_date": assessments["referral_date"],
        "start_date": assessments["start_date"],
        "completion_date": assessments["completion_date"],
        "team": assessments["team"],
        "child_seen": assessments["child_seen"],
        "language_label": assessments["language_label"],
        "outcome": assessments["outcome"],
        "completion_text": pd.Series(pd.NA, index=assessments.index, dtype="string"),
    })
    completed = out["completion_date"].notna()
    before, impossible, duplicate = _pick(rng, completed, 3)
    after = np.array([before, impossible, duplicate])
    bad = out.iloc[after].copy().reset_index(drop=True)
    bad.loc[:1, "assessment_id"] = [f"AS{first_new_id + i}" for i in range(2)]
    bad.loc[0, "completion_date"] = out["referral_date"].iloc[before] - pd.Timedelta(days=3)
    bad.loc[1, "completion_date"] = pd.NaT
    bad.loc[1, "completion_text"] = "31/02/" + str(out["completion_date"].iloc[impossible].year)
    reasons = [
        ("dates_out_of_order", "an assessment completed three days before its referral date"),
        ("invalid_date", "a completion date typed as text that does not exist (31 February)"),
        ("duplicate_row", "an exact copy of the row above it"),
    ]
    rows = _insert(out, after, bad)
    text = rows.pop("completion_text")
    return rows, {"completion_date": text[text.notna()]}, _with_rows(after, reasons)


def caseloads_extract(caseloads: pd.DataFrame, rng: np.random.Generator
                      ) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """The caseloads CSV as text, with a fractional case count and a totals row at the bottom."""
    out = pd.DataFrame({
        "snapshot_date": _uk(caseloads["snapshot_date"], False),
        "worker_id": caseloads["worker_id"],
        "team": caseloads["team"],
        "role_label": caseloads["role_label"],
        "fte": caseloads["fte"].map("{:.1f}".format),
        "open_cases": caseloads["open_cases"].astype(str),
        "agency_word": np.where(caseloads["agency"], "Yes", "No"),
    })
    fractional = _pick(rng, caseloads["role"].eq("social_worker"), 1)[0]
    bad = out.iloc[[fractional]].copy().reset_index(drop=True)
    bad.loc[0, "worker_id"] = "EMP99001"
    bad.loc[0, "role_label"] = "Student Social Worker"
    bad.loc[0, "open_cases"] = "4.5"
    out = _insert(out, np.array([fractional]), bad)
    last = caseloads["snapshot_date"] == caseloads["snapshot_date"].max()
    total = pd.DataFrame([{"snapshot_date": "Total", "worker_id": "", "team": "", "role_label": "",
                           "fte": f"{caseloads.loc[last, 'fte'].sum():.1f}",
                           "open_cases": str(int(caseloads.loc[last, "open_cases"].sum())), "agency_word": ""}])
    rows = _with_rows(np.array([fractional]),
                      [("invalid_count", "an open case count of 4.5 (cases are whole numbers)")])
    rows.append((len(out), "totals_row", "a totals row at the bottom (a sum, not a worker)"))
    return pd.concat([out, total], ignore_index=True), rows


def _yes_no(values: pd.Series) -> np.ndarray:
    """Yes, No, or empty where not recorded."""
    known = values.notna().to_numpy()
    answer = values.fillna(False).astype(bool).to_numpy()
    return np.where(known, np.where(answer, "Yes", "No"), "").astype(object)


def child_protection_extract(register: pd.DataFrame, rng: np.random.Generator, first_new_id: int
                             ) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """The child protection register as text, with a deregistration before its registration and a
    category no synonym knows."""
    out = pd.DataFrame({
        "registration_id": register["registration_id"],
        "child_id": register["child_id"],
        "registration_date": _uk(register["registration_date"], False),
        "end_date": _uk(register["end_date"], False),
        "category_label": register["category_label"],
        "team": register["team"],
    })
    reversed_dates, unknown = _pick(rng, register["end_date"].notna(), 2)
    after = np.array([reversed_dates, unknown])
    bad = _renumbered_copies(out, after, "registration_id", "CP", first_new_id)
    bad.loc[0, "end_date"] = (register["registration_date"].iloc[reversed_dates] - pd.Timedelta(days=28)).strftime(
        "%d/%m/%Y")
    bad.loc[1, "category_label"] = "Domestic Abuse"
    reasons = [
        ("dates_out_of_order", "a deregistration dated four weeks before the registration"),
        ("unknown_category", "a category of abuse that no synonym knows ('Domestic Abuse')"),
    ]
    return _insert(out, after, bad), _with_rows(after, reasons)


def strategy_discussions_extract(discussions: pd.DataFrame, rng: np.random.Generator, first_new_id: int
                                 ) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """The strategy discussions as text, with a discussion date typed as the 31st of a 30-day month and
    a row exported twice."""
    out = pd.DataFrame({
        "discussion_id": discussions["discussion_id"],
        "child_id": discussions["child_id"],
        "contact_id": discussions["contact_id"].fillna(""),
        "concern_date": _uk(discussions["concern_date"], False),
        "discussion_date": _uk(discussions["discussion_date"], False),
        "kind_label": discussions["kind_label"],
        "section_47_word": _yes_no(discussions["section_47"]),
        "team": discussions["team"],
    })
    held = discussions["discussion_date"]
    thirtieth = held.dt.month.isin([4, 6, 9, 11]) & held.dt.day.eq(30)
    impossible = _pick(rng, thirtieth, 1)[0]
    duplicate = _pick(rng, held.notna(), 1)[0]
    after = np.array([impossible, duplicate])
    order = np.argsort(after, kind="stable")
    after = after[order]
    bad = out.iloc[after].copy().reset_index(drop=True)
    typo = int(np.flatnonzero(order == 0)[0])
    bad.loc[typo, "discussion_id"] = f"SD{first_new_id}"
    bad.loc[typo, "discussion_date"] = "31" + bad.loc[typo, "discussion_date"][2:]
    reasons = [("invalid_date", "a discussion date typed as the 31st of a month with 30 days"),
               ("duplicate_row", "an exact copy of the row above it")]
    return _insert(out, after, bad), _with_rows(after, [reasons[i] for i in order])


def looked_after_extract(episodes: pd.DataFrame, rng: np.random.Generator, first_new_id: int
                         ) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """The looked-after episodes as text, with an order that means the child has left care and an episode
    with no person id."""
    out = pd.DataFrame({
        "episode_id": episodes["episode_id"],
        "child_id": episodes["child_id"],
        "start_date": _uk(episodes["start_date"], False),
        "end_date": _uk(episodes["end_date"], False),
        "legal_status_label": episodes["legal_status_label"],
        "placement_label": episodes["placement_label"],
        "outside_word": _yes_no(episodes["placed_outside"]),
        "other_authority_word": np.where(episodes["placed_by_other_authority"], "Yes", "No"),
        "team": episodes["team"].fillna(""),
    })
    special_guardianship, no_person = _pick(rng, ~episodes["placed_by_other_authority"], 2)
    after = np.array([special_guardianship, no_person])
    bad = _renumbered_copies(out, after, "episode_id", "EP", first_new_id)
    bad.loc[0, "legal_status_label"] = "Special Guardianship Order"
    bad.loc[1, "child_id"] = ""
    reasons = [
        ("unknown_category", "a legal status that no synonym knows ('Special Guardianship Order', which ends care)"),
        ("missing_value", "an episode with no Person ID"),
    ]
    return _insert(out, after, bad), _with_rows(after, reasons)


def allocations_extract(cases: pd.DataFrame, rng: np.random.Generator, first_new_id: int
                        ) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """The cases as text, with an allocation dated before the case opened and one typed as 'TBC'."""
    out = pd.DataFrame({
        "case_id": cases["case_id"],
        "child_id": cases["child_id"],
        "opened_date": _uk(cases["opened_date"], False),
        "allocated_date": _uk(cases["allocated_date"], False),
        "closed_date": _uk(cases["closed_date"], False),
        "team": cases["team"],
    })
    before_opened, to_be_confirmed = _pick(rng, cases["allocated_date"].notna(), 2)
    after = np.array([before_opened, to_be_confirmed])
    bad = _renumbered_copies(out, after, "case_id", "CS", first_new_id)
    bad.loc[0, "allocated_date"] = (cases["opened_date"].iloc[before_opened] - pd.Timedelta(days=7)).strftime(
        "%d/%m/%Y")
    bad.loc[1, "allocated_date"] = "TBC"
    reasons = [
        ("dates_out_of_order", "a case allocated a week before it was opened"),
        ("invalid_date", "an allocation date typed as 'TBC'"),
    ]
    return _insert(out, after, bad), _with_rows(after, reasons)


def establishment_extract(establishment: pd.DataFrame, rng: np.random.Generator
                          ) -> tuple[pd.DataFrame, list[tuple[int, str, str]]]:
    """The establishment as text (FTE to one decimal), with a new team's row whose funded posts were not
    yet entered and a totals row at the bottom."""
    out = pd.DataFrame({
        "snapshot_date": _uk(establishment["snapshot_date"], False),
        "team": establishment["team"],
        "funded_fte": establishment["funded_fte"].map("{:.1f}".format),
        "vacant_fte": establishment["vacant_fte"].map("{:.1f}".format),
        "agency_fte": establishment["agency_fte"].map("{:.1f}".format),
        "sickness_days": establishment["sickness_days"].map("{:.1f}".format),
    })
    last_team = establishment["team"].eq(establishment["team"].iloc[-1])
    new_team = _pick(rng, last_team, 1)[0]
    bad = out.iloc[[new_team]].copy().reset_index(drop=True)
    bad.loc[0, ["team", "funded_fte", "vacant_fte", "agency_fte", "sickness_days"]] = [
        "Leaving Care Team", "0.0", "2.0", "0.0", "0.0"]
    out = _insert(out, np.array([new_team]), bad)
    last = establishment["snapshot_date"] == establishment["snapshot_date"].max()
    total = pd.DataFrame([{"snapshot_date": "Total", "team": "",
                           **{c: f"{establishment.loc[last, c].sum():.1f}"
                              for c in ("funded_fte", "vacant_fte", "agency_fte", "sickness_days")}}])
    rows = _with_rows(np.array([new_team]),
                      [("out_of_range", "a new team with 2.0 FTE vacant and its funded posts not yet entered (0.0)")])
    rows.append((len(out), "totals_row", "a totals row at the bottom (a sum, not a team)"))
    return pd.concat([out, total], ignore_index=True), rows


def contact_counts(contacts: pd.DataFrame) -> pd.DataFrame:
    """Monthly totals by source and type, from the same contacts (the aggregate variant)."""
    month = contacts["received_at"].dt.to_period("M")
    counts = contacts.groupby([month.rename("month"), "source", "contact_type"], sort=True).size()
    counts = counts.rename("count").reset_index()
    counts["source"] = counts["source"].map(SOURCE_LABELS)
    counts["contact_type"] = counts["contact_type"].map(TYPE_LABELS)
    return counts
