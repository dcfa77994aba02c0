"""Where each variant of a pack goes, and the manifest that says which file to publish.

One period folder holds every variant side by side, and no variant can ever replace another:

    reports/2026-27Q2/
        pack.en.pdf  pack.en.html  pack.en.xlsx  pack.en.ipynb  pack.en.figures.csv     public, English
        pack.cy.pdf  pack.cy.html  ...                                                   public, Welsh
        manifest.json                                                                    what is here
        restricted/
            pack.en.RESTRICTED.pdf  pack.en.RESTRICTED.html  ...                         officers' draft

A restricted file is always in `restricted/` AND has RESTRICTED in its name; a public name never has
either. Before a file is moved into place, the marking the pack itself carries (`kpi-audience` in the
HTML) is checked against the name it is about to get, so a restricted draft can never be written
where the public file belongs, whatever went wrong upstream.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from kpi.data.files import sha256_of, write_atomically

AUDIENCES = ("public", "restricted")
LANGUAGES = ("en", "cy")
# (file ending, what it is) for every file of one variant, in the order they are listed.
KINDS = {
    "pdf": "the pack for the committee",
    "html": "the same pack as a web page",
    "xlsx": "the data behind every chart and table",
    "ipynb": "the executed notebook, for audit",
    "figures.csv": "the figures as published, for spotting restated figures in later packs",
}
PUBLISHED_KINDS = ("pdf", "html", "xlsx")  # what a council puts on its website
RESTRICTED_FOLDER = "restricted"
RESTRICTED_MARK = "RESTRICTED"
MANIFEST = "manifest.json"
AUDIENCE_META = re.compile(r'<meta\b(?=[^>]*\bname="kpi-audience")[^>]*\bcontent="(?P<audience>[a-z]+)"')


class WrongMarking(Exception):
    """A file's content and the name it was about to get disagree about its audience."""


@dataclass(frozen=True)
class Variant:
    """One pack variant: its audience and language."""

    audience: str
    language: str

    def __post_init__(self):
        if self.audience not in AUDIENCES:
            raise ValueError(f"audience must be one of {AUDIENCES}, not {self.audience!r}")
        if self.language not in LANGUAGES:
            raise ValueError(f"language must be one of {LANGUAGES}, not {self.language!r}")

    @property
    def restricted(self) -> bool:
        return self.audience == "restricted"

    @property
    def stem(self) -> str:
        """pack.en, or pack.en.RESTRICTED."""
        return f"pack.{self.language}" + (f".{RESTRICTED_MARK}" if self.restricted else "")

    def folder(self, period_folder: Path) -> Path:
        return period_folder / RESTRICTED_FOLDER if self.restricted else period_folder

    def path(self, period_folder: Path, kind: str) -> Path:
        if kind not in KINDS:
            raise ValueError(f"no output of kind {kind!r}")
        return self.folder(period_folder) / f"{self.stem}.{kind}"

    def paths(self, period_folder: Path) -> dict[str, Path]:
        return {kind: self.path(period_folder, kind) for kind in KINDS}


def audience_of_name(path: Path) -> str:
    """The audience a file's name and folder declare (both must agree, or it is refused)."""
    in_folder = path.parent.name == RESTRICTED_FOLDER
    in_name = RESTRICTED_MARK in path.name.split(".")
    if in_folder != in_name:
        raise WrongMarking(f"{path}: a restricted file must be in {RESTRICTED_FOLDER}/ and have "
                           f"{RESTRICTED_MARK} in its name; a public file neither")
    return "restricted" if in_name else "public"


def audience_of_html(html: str) -> str | None:
    """The audience the pack itself declares (its <meta name="kpi-audience">), if any."""
    found = AUDIENCE_META.search(html)
    return found["audience"] if found else None


def check_marking(target: Path, declared: str) -> None:
    """Refuse to write content for one audience under a name for another."""
    named = audience_of_name(target)
    if named != declared:
        raise WrongMarking(f"refusing to write a {declared} pack as {target} (a {named} name)")


def _entry(period_folder: Path, variant: Variant, kind: str, path: Path, created: dt.datetime) -> dict:
    return {"file": path.relative_to(period_folder).as_posix(), "audience": variant.audience,
            "language": variant.language, "kind": kind, "what": KINDS[kind],
            "publish": variant.audience == "public" and kind in PUBLISHED_KINDS,
            "sha256": sha256_of(path), "bytes": path.stat().st_size,
            "created_utc": created.isoformat(timespec="seconds")}


def update_manifest(period_folder: Path, written: dict[Variant, dict[str, Path]], created: dt.datetime) -> Path:
    """Add (or replace) the entries of the files just written; drop entries of files that are gone."""
    path = period_folder / MANIFEST
    entries = []
    if path.exists():
        try:
            entries = json.loads(path.read_text(encoding="utf-8")).get("files", [])
        except (json.JSONDecodeError, AttributeError):
            entries = []  # a damaged manifest is rebuilt from what is written now
    fresh = [_entry(period_folder, variant, kind, file, created)
             for variant, files in written.items() for kind, file in files.items()]
    replaced = {e["file"] for e in fresh}
    kept = [e for e in entries if e.get("file") not in replaced and (period_folder / str(e.get("file"))).exists()]
    files = sorted(kept + fresh, key=lambda e: (e["audience"] != "public", e["language"] != "cy", e["file"]))
    manifest = {
        "period": period_folder.name,
        "publish": [e["file"] for e in files if e["publish"]],
        "not_for_publication": [e["file"] for e in files if e["audience"] == "restricted"],
        "files": files,
    }
    text = json.dumps(manifest, indent=2, ensure_ascii=False) + "\n"
    write_atomically(path, lambda temporary: temporary.write_text(text, encoding="utf-8"))
    return path
