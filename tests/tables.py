"""Tiny canonical tables for hand-checkable indicator tests (built directly, not through ingest)."""

from __future__ import annotations

import pandas as pd

from kpi.data.schemas import DTYPES
from kpi.data.tables import table


def canonical(name: str, rows: list[dict]) -> pd.DataFrame:
    """A canonical table with the right dtypes; columns not given are empty (or their default)."""
    spec = table(name)
    frame = pd.DataFrame(rows)
    for column in spec.columns.values():
        default = column.default if column.default not in (None, "from_outcome") else pd.NA
        if column.name not in frame:
            frame[column.name] = default
        frame[column.name] = frame[column.name].fillna(default)
        if column.type in ("datetime", "date", "month"):
            frame[column.name] = pd.to_datetime(frame[column.name])
        if DTYPES[column.type] == "float64":  # a number not given (an empty agency FTE) is NaN
            frame[column.name] = pd.to_numeric(frame[column.name])
        frame[column.name] = frame[column.name].astype(DTYPES[column.type])
    if name == "contacts":
        frame["strategy_discussion"] = frame["strategy_discussion"].fillna(False)
    return frame[list(spec.columns)]


def contact(cid, child, received, source="health", kind="enquiry", decided=None, **extra):
    return {"contact_id": cid, "child_id": child, "received_at": received, "source": source,
            "contact_type": kind, "decision_at": decided, **extra}


def assessment(aid, referral, completed=None, **extra):
    return {"assessment_id": aid, "child_id": "K" + aid, "referral_date": referral,
            "completion_date": completed, "team": extra.pop("team", "North"), **extra}


def worker(snapshot, wid, role, fte, cases, **extra):
    return {"snapshot_date": snapshot, "worker_id": wid, "team": extra.pop("team", "North"), "role": role,
            "fte": fte, "open_cases": cases, **extra}


def registration(rid, child, registered, ended=None, **extra):
    return {"registration_id": rid, "child_id": child, "registration_date": registered, "end_date": ended, **extra}


def discussion(did, child, concern, held=None, s47=None, **extra):
    return {"discussion_id": did, "child_id": child, "concern_date": concern, "discussion_date": held,
            "section_47": s47, **extra}


def episode(eid, child, start, end=None, **extra):
    return {"episode_id": eid, "child_id": child, "start_date": start, "end_date": end, **extra}


def case(cid, opened, allocated=None, closed=None, **extra):
    return {"case_id": cid, "child_id": "K" + cid, "opened_date": opened, "allocated_date": allocated,
            "closed_date": closed, **extra}


def establishment(snapshot, team, funded, vacant, agency=None, sickness=None, **extra):
    return {"snapshot_date": snapshot, "team": team, "funded_fte": funded, "vacant_fte": vacant,
            "agency_fte": agency, "sickness_days": sickness, **extra}
