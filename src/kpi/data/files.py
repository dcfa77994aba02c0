"""Files written whole or not at all, and their checksums: one home for both, so every output of kpi
(processed tables, packs, manifests, demo extracts, workbooks) is written and fingerprinted the same way.
"""

from __future__ import annotations

import hashlib
import os
import secrets
from collections.abc import Callable
from pathlib import Path


def sha256_of(path: Path) -> str:
    """The file's SHA-256 in hex (as `sha256sum` prints it), read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def write_atomically(path: Path, write: Callable[[Path], None]) -> None:
    """Write to a temporary file beside `path`, then rename: a crash never leaves half a file.

    The temporary file is made like any other (0666 less the umask, usually 0644), so the result is
    readable by colleagues as an ordinary file; mkstemp would have made it 0600."""
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.parent / f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
    os.close(os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
    try:
        write(temporary)
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def write_bytes_atomically(path: Path, data: bytes) -> None:
    """`data` into `path` by `write_atomically`."""
    write_atomically(path, lambda temporary: temporary.write_bytes(data))
