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
