"""Property: however an extract is corrupted, rows read = accepted + rejected, and no raw id leaks,
nor any value of an identifying column, even when a lost or extra delimiter moves a row's values."""

from __future__ import annotations

import csv
import io
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import Project

# An NHS number and an address between the ids and the dates: a row whose values move either way
# would carry them into a column that is loaded.
HEADER = "Contact ID,Person ID,NHS Number,Address,Date Received,Contact Source,Contact Type,Decision Date,Outcome"
WIDTH = HEADER.count(",") + 1

SOURCES = ["Police", "Health", "School", "Self", "Other LA", "Voluntary"]
TYPES = ["Referral", "Enquiry", "Information only", "Awaiting information"]


@st.composite
def contact_rows(draw):
    count = draw(st.integers(min_value=1, max_value=25))
    rows = []
    for n in range(count):
        day = draw(st.integers(1, 28))
        month = draw(st.integers(1, 12))
        rows.append([f"C{n}", f"RAWKID{draw(st.integers(0, 9)):04d}", f"RAWNHS{n:04d}", f"{n} RAWADDRESS Street",
                     f"{day:02d}/{month:02d}/2018 10:00",
                     draw(st.sampled_from(SOURCES)), draw(st.sampled_from(TYPES)),
                     f"{day:02d}/{month:02d}/2018 12:00", "NFA"])
    return rows


CORRUPTIONS = st.sampled_from(["garble", "blank_cell", "duplicate", "blank_line", "extra_field",
                               "short_row", "month_first", "total", "same_id", "lost_delimiter", "split_cell"])


# Operations that change a row's number of values. Two of them on one row could bring it back to the
# header's length with its values moved, which no reader can tell from a good row: one per extract.
SHIFTS = {"extra_field", "short_row", "lost_delimiter", "split_cell"}


def _corrupt(rows, operations, data):
    first_id = rows[0][0]  # "same_id" repeats a real contact id, never a value a lost delimiter has merged into
    rows = [list(r) for r in rows]
    shifts = [n for n, operation in enumerate(operations) if operation in SHIFTS]
    operations = [o for n, o in enumerate(operations) if o not in SHIFTS or n == (shifts or [None])[0]]
    for operation in operations:
        i = data.draw(st.integers(0, len(rows) - 1))
        column = data.draw(st.integers(0, len(rows[i]) - 1)) if rows[i] else 0
        if operation == "garble" and column not in (1, 2, 3) and rows[i]:
            rows[i][column] = data.draw(st.text(max_size=12))
        elif operation == "blank_cell" and rows[i]:
            rows[i][column] = ""
        elif operation == "duplicate":
            rows.insert(i, list(rows[i]))
        elif operation == "blank_line":
            rows.insert(i, [""] * WIDTH)
        elif operation == "extra_field":
            rows[i] = rows[i] + ["surplus"]
        elif operation == "short_row":
            rows[i] = rows[i][:3]
        elif operation == "month_first" and len(rows[i]) > 4:
            rows[i][4] = "02/13/2018"
        elif operation == "total":
            rows.append(["Total", str(len(rows))] + [""] * (WIDTH - 2))
        elif operation == "same_id" and rows[i]:
            rows[i][0] = first_id
        elif operation == "lost_delimiter" and len(rows[i]) > column + 1:
            rows[i][column:column + 2] = [rows[i][column] + " " + rows[i][column + 1]]
        elif operation == "split_cell" and rows[i]:
            rows[i][column:column + 1] = [rows[i][column][:3], rows[i][column][3:]]
    return rows


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=contact_rows(), operations=st.lists(CORRUPTIONS, max_size=6), data=st.data(),
       encoding=st.sampled_from(["utf-8", "utf-8-sig", "cp1252"]))
def test_rows_in_equal_rows_accepted_plus_rejected(rows, operations, data, encoding):
    rows = _corrupt(rows, operations, data)
    buffer = io.StringIO()
    buffer.write(HEADER + "\n")
    csv.writer(buffer, lineterminator="\n").writerows(rows)
    with tempfile.TemporaryDirectory() as folder:
        project = Project(Path(folder))
        (project.root / "contacts.csv").write_bytes(buffer.getvalue().encode(encoding, errors="replace"))
        project.write_config({"contacts": {"path": "contacts.csv"}})
        result = project.ingest()
        for report in result.tables["contacts"].files:
            assert report.rows_read == report.rows_accepted + report.rows_rejected
        accepted, rejected = project.accepted("contacts"), project.rejected("contacts")
        assert len(accepted) + len(rejected) == result.tables["contacts"].files[0].rows_read
        assert accepted["contact_id"].is_unique
        assert (rejected["reason"] != "").all()
        for path in (project.root / "data/processed").rglob("*"):
            if path.is_file():
                for planted in (b"RAWKID", b"KID0", b"RAWNHS", b"NHS0", b"ADDRESS"):
                    assert planted not in path.read_bytes(), (planted, path.name)
