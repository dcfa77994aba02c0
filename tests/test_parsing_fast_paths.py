"""The fast ways of reading a column give exactly what the general ways give.

Dates in the common layouts are read from the text's bytes (kpi.data.date_layouts), words and ids are
worked out once per distinct value, and pseudonyms come from HMAC-SHA256 with the key's blocks hashed
once: each is checked against the general reader, per-row mapping or hmac itself.
"""

from __future__ import annotations

import hashlib
import hmac

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from kpi.data import parsing
from kpi.data.pseudonym import pseudonymise
from kpi.data.tables import table

TRICKY = ["10/02/2017", "10/02/2017 14:35", "10/02/2017 14:35:07", "2017-02-10", "2017-02-10 14:35:07",
          "31/02/2017", "29/02/2020", "29/02/2021", "29/02/2000", "29/02/1900", "00/01/2020", "01/00/2020",
          "32/01/2020", "01/13/2020", "01/01/2020 24:00", "01/01/2020 23:60", "01/01/2020 23:59:60",
          "1/2/2017", "01/02/17", "01/01/0999", "01/01/0050", "01/01/3000", "31/12/2999 23:59:59",
          "01/01/1000 00:00", "2017-02-10T14:35:07", "2017-02-10 14:35", "10.02.2017", "10 Feb 2017",
          "10/02/2017  14:35", " 10/02/2017 ", "١٠/٠٢/٢٠١٧", "10/02/2017 14:35:07.5", "", None, "not a date"]


def _without_fast_path(monkeypatch, raw: pd.Series, with_time: bool):
    with monkeypatch.context() as patched:
        patched.setattr(parsing, "read_common_layouts",
                        lambda text: (np.zeros(len(text), dtype=bool),
                                      np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")))
        return parsing.parse_day_first(raw, with_time=with_time)


@pytest.mark.parametrize("with_time", [True, False])
def test_dates_read_from_bytes_are_the_dates_the_general_reader_gives(monkeypatch, with_time):
    raw = pd.Series(TRICKY * 3, dtype="string")
    fast, fast_reason = parsing.parse_day_first(raw, with_time=with_time)
    slow, slow_reason = _without_fast_path(monkeypatch, raw, with_time)
    pd.testing.assert_series_equal(fast, slow)
    pd.testing.assert_series_equal(fast_reason, slow_reason)


LAYOUT_CHARACTERS = st.sampled_from(list("0123456789/-: 12"))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(
    st.text(LAYOUT_CHARACTERS, min_size=10, max_size=10),
    st.text(LAYOUT_CHARACTERS, min_size=16, max_size=16),
    st.text(LAYOUT_CHARACTERS, min_size=19, max_size=19),
    st.builds(lambda d, m, y, h, mi: f"{d:02d}/{m:02d}/{y:04d} {h:02d}:{mi:02d}",
              st.integers(0, 35), st.integers(0, 14), st.integers(900, 3100), st.integers(0, 25), st.integers(0, 61)),
    st.builds(lambda y, m, d: f"{y:04d}-{m:02d}-{d:02d}", st.integers(900, 3100), st.integers(0, 14),
              st.integers(0, 35)),
), min_size=1, max_size=30))
def test_any_text_of_a_layout_s_length_reads_as_the_general_reader_reads_it(texts):
    raw = pd.Series(texts, dtype="string")
    fast, fast_reason = parsing.parse_day_first(raw, with_time=True)
    with pytest.MonkeyPatch.context() as patched:
        patched.setattr(parsing, "read_common_layouts",
                        lambda text: (np.zeros(len(text), dtype=bool),
                                      np.full(len(text), np.datetime64("NaT"), dtype="datetime64[us]")))
        slow, slow_reason = parsing.parse_day_first(raw, with_time=True)
    pd.testing.assert_series_equal(fast, slow)
    pd.testing.assert_series_equal(fast_reason, slow_reason)


def test_categories_and_answers_are_worked_out_once_per_word_with_the_same_result():
    words = pd.Series(["Police", " police ", "Heddlu", "Martians", None, "", "POLICE"] * 50, dtype="string")
    source = table("contacts").columns["source"]
    values, reasons = parsing.parse_category(words, source, {"Heddlu": "police"})
    assert values.tolist()[:7] == ["police", "police", "police", pd.NA, pd.NA, pd.NA, "police"]
    assert reasons.notna().tolist()[:7] == [False, False, False, True, False, False, False]
    answers, why = parsing.parse_bool(pd.Series(["Yes", "n", "Ie", "maybe", None] * 3, dtype="string"))
    assert answers.tolist()[:5] == [True, False, True, pd.NA, pd.NA]
    assert answers.dtype == "boolean" and why.notna().tolist()[:5] == [False, False, False, True, False]


@pytest.mark.parametrize("key", [b"k1", b"x" * 32, b"y" * 64, b"z" * 65, bytes(range(200))])
def test_pseudonyms_are_hmac_sha256_of_the_prefixed_id(key):
    ids = pd.Series([" P1", "P2", None, "Ŵ3", "", "P1", "P2"], dtype=object)
    stripped = ids.astype("string").str.strip()
    expected = stripped.map(lambda v: "C-" + hmac.new(key, f"C-{v}".encode(), hashlib.sha256).hexdigest()[:20],
                            na_action="ignore").astype("string")
    pd.testing.assert_series_equal(pseudonymise(ids, key, prefix="C-"), expected)


def test_pseudonyms_remembered_from_batch_to_batch_stay_right_and_memory_stays_bounded(monkeypatch):
    """Ids met again in a later batch (or with the other prefix) come from memory; past the limit the memory
    is emptied and begun again, and every pseudonym is still the HMAC of its own prefixed id."""
    from kpi.data import pseudonym

    monkeypatch.setattr(pseudonym._Keyed, "REMEMBERED", 5)
    key = b"batch-key-" * 4

    def hmac_of(v, prefix):
        return prefix + hmac.new(key, f"{prefix}{v}".encode(), hashlib.sha256).hexdigest()[:20]

    batches = [[f"P{i}" for i in range(start, start + 8)] for start in (0, 4, 0, 20)]
    for batch in batches:
        for prefix in ("C-", "W-"):
            got = pseudonymise(pd.Series(batch, dtype="string"), key, prefix=prefix)
            assert got.tolist() == [hmac_of(v, prefix) for v in batch]
    assert len(pseudonym._keyed(key).made) <= 5 + 8
