"""Replace a child's (or worker's) id with a keyed pseudonym as soon as it is read.

HMAC-SHA256 with a secret key: the same child gets the same pseudonym in every file and every run,
so re-referrals can still be found, but nobody without the key can turn a pseudonym back into
a case management system id (a plain hash could be reversed by hashing every possible id).

The key comes from the environment variable KPI_PSEUDONYM_KEY or, failing that, a key file that
is created on first use (64 random hex characters, mode 0600) and never committed. A key that
would not keep the pseudonyms secret is refused with one line, never used:
- shorter than 32 bytes (HMAC-SHA256's own size; a short key can be guessed by trying them all);
- a key file that other users can read or change (any group or other permission bit), that belongs
  to another user, that is not a regular file, or that is a system file (under /etc, /usr, /dev,
  /proc...): such a file is not a secret of this project, even when read as root;
- a key file inside the reports or processed folder (symlinks resolved): those folders are shared,
  published or sent on, and a key beside the pseudonyms it protects protects nothing.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import stat
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

import pandas as pd

from kpi.data.parsing import by_distinct
from kpi.errors import ConfigError, UnusableInput

KEY_VARIABLE = "KPI_PSEUDONYM_KEY"
MINIMUM_KEY_BYTES = 32
LARGEST_KEY_FILE = 4096  # bytes: anything bigger is not a key file
SYSTEM_FOLDERS = tuple(Path(p) for p in ("/etc", "/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/boot",
                                         "/dev", "/proc", "/sys"))
_MAKE_A_KEY = "python -c \"import secrets; print(secrets.token_hex(32))\""


def key_for(config) -> bytes:
    """The key for a project: its key file kept out of the reports and processed folders."""
    return load_key(config.resolve(config.pseudonym_key_file), keep_out_of=(config.reports_dir, config.processed_dir))


def load_key(key_file: Path, *, keep_out_of: Iterable[Path] = ()) -> bytes:
    """The secret key: from the environment, else from the key file (created when missing).

    `keep_out_of`: folders the key file must not be in (the reports and processed folders)."""
    from_env = os.environ.get(KEY_VARIABLE)
    if from_env:
        return _long_enough(from_env.encode("utf-8"), f"{KEY_VARIABLE} is")
    key_file = Path(key_file).expanduser()
    _keep_out_of(key_file, keep_out_of)
    if not key_file.exists() and not key_file.is_symlink():
        _create(key_file)
    return _long_enough(_read(key_file), f"{key_file}: the pseudonym key is")


def _long_enough(key: bytes, what: str) -> bytes:
    if len(key) < MINIMUM_KEY_BYTES:
        size = f"{len(key)} byte" + ("" if len(key) == 1 else "s")
        raise UnusableInput(f"{what} {size} long; a pseudonym key needs at least {MINIMUM_KEY_BYTES} "
                            f"random bytes (make one with {_MAKE_A_KEY})")
    return key


def _inside(path: Path, folder: Path) -> bool:
    return path == folder or folder in path.parents


def _keep_out_of(key_file: Path, folders: Iterable[Path]) -> None:
    """Refuse a key file in a shared or published folder, as written and with symlinks resolved."""
    as_written = Path(os.path.abspath(key_file))
    candidates = {as_written, key_file.resolve()}
    for folder in folders:
        folder = Path(folder).expanduser()
        for place in {Path(os.path.abspath(folder)), folder.resolve()}:
            if any(_inside(candidate, place) for candidate in candidates):
                raise ConfigError(f"pseudonym_key_file: {key_file} is inside {folder}, whose files are shared or "
                                  "published; keep the key outside it (the default is data/.pseudonym_key)")


def _create(key_file: Path) -> None:
    """A new key: 32 random bytes as 64 hex characters, readable and writable by the owner only."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0)
    try:
        key_file.parent.mkdir(parents=True, exist_ok=True)
        try:
            descriptor = os.open(key_file, flags, 0o600)
        except FileExistsError:
            return  # another run made it first: read that one
    except OSError as err:
        raise UnusableInput(f"{key_file}: cannot create the pseudonym key ({err.strerror or err})") from None
    with os.fdopen(descriptor, "w", encoding="ascii") as handle:
        if hasattr(os, "fchmod"):
            os.fchmod(handle.fileno(), 0o600)  # exactly 0600, whatever the umask
        handle.write(secrets.token_hex(MINIMUM_KEY_BYTES) + "\n")


def _read(key_file: Path) -> bytes:
    """The key file's contents, once it is shown to be the owner's own secret."""
    try:
        real = key_file.resolve(strict=True)
        status = real.stat()
    except OSError as err:
        raise UnusableInput(f"{key_file}: cannot read the pseudonym key ({err.strerror})") from None
    if not stat.S_ISREG(status.st_mode):
        raise UnusableInput(f"{key_file}: the pseudonym key must be a regular file, not a device, folder or pipe")
    if any(_inside(real, folder) for folder in SYSTEM_FOLDERS):
        raise UnusableInput(f"{key_file}: {real} is a system file, not a secret; use a key file of your own")
    if os.name == "posix":
        if status.st_uid != os.geteuid():
            raise UnusableInput(f"{key_file}: the pseudonym key file belongs to another user (uid {status.st_uid}); "
                                "use a key file of your own")
        if status.st_mode & 0o077:
            raise UnusableInput(f"{key_file}: other users can read or change the pseudonym key "
                                f"(mode {stat.S_IMODE(status.st_mode):04o}); run chmod 600 {key_file}")
    if status.st_size > LARGEST_KEY_FILE:
        raise UnusableInput(f"{key_file}: {status.st_size} bytes is not a pseudonym key file")
    try:
        key = real.read_bytes().strip()
    except OSError as err:
        raise UnusableInput(f"{key_file}: cannot read the pseudonym key ({err.strerror})") from None
    if not key:
        raise UnusableInput(f"{key_file}: the pseudonym key file is empty; delete it to make a new key")
    return key


def pseudonymise(ids: pd.Series, key: bytes, *, prefix: str) -> pd.Series:
    """Keyed pseudonyms for a column of ids; empty stays empty.

    Each distinct id is hashed once, so the cost grows with the number of children, not rows.
    `prefix` keeps children and workers apart ('C-', 'W-').
    """
    text = ids.astype("string").str.strip()
    return by_distinct(text, _keyed(key).pseudonyms(prefix))


@lru_cache(maxsize=4)
def _keyed(key: bytes) -> _Keyed:
    """One hasher per key for the whole run, so that an id met in batch after batch (and table after table:
    a child in the contacts and the assessments) is hashed once."""
    return _Keyed(key)


class _Keyed:
    """HMAC-SHA256 under one key, its two padded key blocks hashed once (RFC 2104) rather than for every id:
    the same digests as hmac.new(key, message, sha256), at a fraction of the cost for a million ids.
    The pseudonyms already made are remembered (up to REMEMBERED ids, then forgotten and begun again, so that
    memory stays bounded at national scale): a dictionary look-up is a tenth of the cost of a hash."""

    BLOCK = 64  # SHA-256's block size in bytes
    REMEMBERED = 4_000_000

    def __init__(self, key: bytes):
        key = hashlib.sha256(key).digest() if len(key) > self.BLOCK else key
        key = key.ljust(self.BLOCK, b"\0")
        self.inner = hashlib.sha256(bytes(b ^ 0x36 for b in key))
        self.outer = hashlib.sha256(bytes(b ^ 0x5C for b in key))
        self.made: dict[str, str] = {}

    def pseudonyms(self, prefix: str):
        """The work for by_distinct: distinct ids -> their pseudonyms, `prefix` before each."""
        def work(values: list[str]) -> list[str]:
            if len(self.made) > self.REMEMBERED:
                self.made.clear()
            made, out = self.made, []
            for value in values:
                message = prefix + value
                pseudonym = made.get(message)
                if pseudonym is None:
                    pseudonym = made[message] = prefix + self.hexdigest(message)
                out.append(pseudonym)
            return out
        return work

    def hexdigest(self, message: str) -> str:
        """The first 20 hex digits of the HMAC of the message (UTF-8)."""
        inner = self.inner.copy()
        inner.update(message.encode("utf-8"))
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()[:20]
