"""A synthetic authority with small cells planted on purpose, for the disclosure tests.

Two years of contacts and assessments (April 2022 to March 2024) at ordinary sizes, except for the cells
below, each a route by which a public pack could reveal a count of 1 to 5 children. The pack's period is
2023-24 Q4 (January to March 2024).
"""

from __future__ import annotations

import pandas as pd

from tables import canonical

PACK_PERIOD = "2023-24Q4"

# (indicator, period, the small count, the route) for every planted cell.
PLANTED = [
    ("contacts_received", "2024-01", 2, "a month of 2 contacts inside a quarter of 142"),
    ("contacts_to_strategy_pct", "2023-24Q4", 2, "2 strategy discussions"),
    ("contacts_decided_within_1wd_pct", "2023-24Q4", 1, "complement: 141 of 142 decided in time"),
    ("contacts_from_police_pct", "2023-24Q3", 3, "complement: 147 of 150 from the police, the previous quarter"),
    ("rereferrals_within_12m_pct", "2023-24Q4", 4, "a denominator of 4 referrals"),
    ("assessments_completed", "2023-24Q3", 4, "4 assessments completed, the previous quarter"),
    ("assessments_child_seen_pct", "2023-24Q4", 3, "complement: 42 of 45 seen"),
    ("assessments_within_timescale_pct", "2023-24Q4", 1, "complement: 44 of 45 in time"),
    ("assessments_child_seen_pct", "2022-23Q4", 1, "complement: 39 of 40 seen, a year earlier"),
    ("assessments_open_over_timescale", "2023-24Q4", 5, "exactly 5 open past the timescale"),
    ("assessments_language_recorded_pct", "2023-24Q4", 3, "complement: 3 referred with no language recorded"),
]


def _working_day(day: pd.Timestamp) -> pd.Timestamp:
    return day + pd.offsets.BDay(0)


def contacts() -> pd.DataFrame:
    rows = []
    for month in pd.period_range("2022-04", "2024-03", freq="M"):
        quarter = month.asfreq("Q-MAR")
        size = {"2024-01": 2, "2024-02": 70, "2024-03": 70}.get(str(month), 50 if str(quarter) == "2024Q3" else 60)
        for k in range(size):
            received = _working_day(month.start_time + pd.Timedelta(days=k % 26)) + pd.Timedelta(hours=9)
            rows.append({"contact_id": f"C{month:%Y%m}{k:03d}", "child_id": f"P{month:%Y%m}{k:03d}",
                         "received_at": received, "source": "health", "contact_type": "enquiry",
                         "decision_at": received + pd.Timedelta(hours=2), "outcome": "advice", "_quarter": quarter,
                         "_k": k, "_month": str(month)})
    frame = pd.DataFrame(rows)
    q3, q4 = pd.Period("2024Q3", freq="Q-MAR"), pd.Period("2024Q4", freq="Q-MAR")
    in_q3, in_q4 = frame["_quarter"].eq(q3), frame["_quarter"].eq(q4)
    # The previous quarter: 147 of its 150 contacts from the police.
    police = in_q3 & ~(frame["_month"].eq("2023-12") & frame["_k"].lt(3))
    frame.loc[police, "source"] = "police"
    frame.loc[~in_q3 & frame["_k"].lt(20), "source"] = "police"
    # Strategy discussions: 10 a quarter, but 2 in the pack's quarter.
    strategy = frame["_k"].isin([30, 31, 32]) & ~in_q4
    strategy |= in_q4 & frame["_month"].eq("2024-02") & frame["_k"].isin([30, 31])
    frame.loc[strategy, "outcome"] = "strategy"
    frame["strategy_discussion"] = frame["outcome"].eq("strategy")
    # One contact of the pack's quarter decided a week late.
    late = in_q4 & frame["_month"].eq("2024-03") & frame["_k"].eq(5)
    frame.loc[late, "decision_at"] = frame.loc[late, "received_at"] + pd.Timedelta(days=7)
    # Referrals about children: 20 a quarter (the same children each year: re-referrals), 4 in the pack's quarter.
    referral = frame["_k"].between(40, 46) & ~in_q4
    referral |= in_q4 & frame["_month"].eq("2024-02") & frame["_k"].between(40, 43)
    frame.loc[referral, "contact_type"] = "referral"
    frame.loc[referral, "child_id"] = "R" + frame.loc[referral, "_k"].astype(str)
    return canonical("contacts", frame.drop(columns=["_quarter", "_k", "_month"]).to_dict("records"))


def assessments() -> pd.DataFrame:
    rows = []
    completed = {"2023-24Q4": 45, "2023-24Q3": 4, "2022-23Q4": 40}
    for quarter in pd.period_range("2022Q1", "2024Q4", freq="Q-MAR"):
        code = f"{quarter.qyear - 1}-{quarter.qyear % 100:02d}Q{quarter.quarter}"
        for k in range(completed.get(code, 30)):
            done = _working_day(quarter.start_time + pd.Timedelta(days=35 + k % 40))
            rows.append({"assessment_id": f"A{code}{k:03d}", "child_id": f"K{code}{k:03d}", "team": "North",
                         "referral_date": done - pd.Timedelta(days=21),
                         "completion_date": done, "child_seen": True, "language": "english", "_code": code, "_k": k})
    frame = pd.DataFrame(rows)
    pack, last_year = frame["_code"].eq("2023-24Q4"), frame["_code"].eq("2022-23Q4")
    frame.loc[pack & frame["_k"].lt(3), "child_seen"] = False          # 42 of 45 seen
    frame.loc[last_year & frame["_k"].eq(0), "child_seen"] = False     # 39 of 40 seen
    slow = pack & frame["_k"].eq(10)                                   # 44 of 45 in time
    frame.loc[slow, "referral_date"] = frame.loc[slow, "completion_date"] - pd.Timedelta(days=120)
    # Open at the end of the quarter: 25, of which exactly 5 past 42 working days.
    # Three of them (referred in the quarter) with no language preference recorded.
    open_rows = [{"assessment_id": f"OPEN{k:03d}", "child_id": f"KOPEN{k:03d}", "team": "North",
                  "completion_date": None, "child_seen": None, "language": "not_recorded" if 5 <= k < 8 else "english",
                  "referral_date": pd.Timestamp("2023-11-01") if k < 5 else pd.Timestamp("2024-03-01")}
                 for k in range(25)]
    frame = pd.concat([frame.drop(columns=["_code", "_k"]), pd.DataFrame(open_rows)], ignore_index=True)
    return canonical("assessments", frame.to_dict("records"))


EXTRACT_DATE = "2024-04-20"
CONFIG = f"""\
authority: {{name: Planted County Council, code: W06000098, nation: wales}}
extract_date: {EXTRACT_DATE}
"""
