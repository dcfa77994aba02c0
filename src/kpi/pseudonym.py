"""Replace a child's (or worker's) id with a keyed pseudonym as soon as it is read.

HMAC-SHA256 with a secret key: the same child gets the same pseudonym in every file and every run,
so re-referrals can still be found, but nobody without the key can turn a pseudonym back into
a case management system id (a plain hash could be reversed by hashing every possible id).

The key comes from the environment variable KPI_PSEUDONYM_KEY or, failing that, a key file that
is created on first use, readable by its owner only, and never committed.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from pathlib import Path

import pandas as pd

from kpi.errors import UnusableInput

KEY_VARIABLE = "KPI_PSEUDONYM_KEY"


def load_key(key_file: Path) -> bytes:
    """The secret key: from the environment, else from the key file (created when missing)."""
    from_env = os.environ.get(KEY_VARIABLE)
    if from_env:
        return from_env.encode("utf-8")
    if key_file.exists():
        key = key_file.read_text(encoding="ascii").strip()
        if not key:
            raise UnusableInput(f"{key_file}: the pseudonym key file is empty; delete it to make a new key")
        return key.encode("ascii")
    key_file.parent.mkdir(parents=True, exist_ok=True)
    descriptor = os.open(key_file, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        handle.write(secrets.token_hex(32) + "\n")
    return load_key(key_file)


def pseudonymise(ids: pd.Series, key: bytes, *, prefix: str) -> pd.Series:
    """Keyed pseudonyms for a column of ids; empty stays empty.

    Each distinct id is hashed once, so the cost grows with the number of children, not rows.
    `prefix` keeps children and workers apart ('C-', 'W-').
    """
    text = ids.astype("string").str.strip()
    distinct = text.dropna().unique()
    lookup = {
        value: prefix + hmac.new(key, f"{prefix}{value}".encode("utf-8"), hashlib.sha256).hexdigest()[:20]
        for value in distinct
    }
    return text.map(lookup, na_action="ignore").astype("string")
