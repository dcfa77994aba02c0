"""`kpi front-door`: run the weekly notebook in a fresh kernel and export it as the pack is exported.

notebooks/front_door_weekly.ipynb is run by papermill (kpi.pack.export.execute), turned into HTML with
the pack's accessible template and printed to a tagged PDF. The files go to
reports/front-door/<week>/front_door.<language>.{pdf,html,ipynb}; a restricted report (the default: it
lists contacts awaiting a decision) to reports/front-door/<week>/restricted/ with RESTRICTED in its
names, checked against the marking on its own cover before it is moved there, as the pack's files are.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from kpi.config import load_config
from kpi.data.processed import load_processed
from kpi.errors import UnusableInput
from kpi.officers.front_door_report import choose_week
from kpi.officers.weeks import week_code
from kpi.pack.export import PackFailed, audience_declared, execute, find_notebook, to_html, to_pdf
from kpi.pack.outputs import RESTRICTED_FOLDER, RESTRICTED_MARK, WrongMarking, check_marking
from kpi.words.text import LANGUAGES, Text

NOTEBOOK = "front_door_weekly.ipynb"
FOLDER = "front-door"
KINDS = ("pdf", "html", "ipynb")


@dataclass
class Written:
    folder: Path
    files: list[Path]


def report_paths(week_folder: Path, language: str, audience: str) -> dict[str, Path]:
    """Where each file of one report goes (restricted: in restricted/ and named RESTRICTED)."""
    restricted = audience == "restricted"
    folder = week_folder / RESTRICTED_FOLDER if restricted else week_folder
    stem = f"front_door.{language}" + (f".{RESTRICTED_MARK}" if restricted else "")
    return {kind: folder / f"{stem}.{kind}" for kind in KINDS}


def report_title(config, week_end, language: str, audience: str) -> str:
    t = Text(language)
    title = (f"{config.authority.name_in(language)}: "
             f"{t('Front door: {week}', week=t('week ending {day}', day=t.date(week_end.date())))}")
    return title + (f" ({t('Restricted: for managers, not for publication')})" if audience == "restricted" else "")


def make_front_door(config_path: Path, week: str = "latest", *, language: str = "en", audience: str = "restricted",
                    out: Path | None = None, progress: bool = False, say=print) -> Written:
    """Run and export one week's front-door report into <out>/front-door/<week>/."""
    config = load_config(config_path)
    if audience not in ("public", "restricted"):
        raise UnusableInput(f"--audience {audience}: choose from public, restricted")
    if language not in LANGUAGES:
        raise UnusableInput(f"--language {language}: choose from {', '.join(LANGUAGES)}")
    data = load_processed(config)
    if not data.has("contacts"):
        raise UnusableInput(f"{config.processed_dir}: no contacts table; run `kpi ingest` first")
    week_end = choose_week(week, data.tables["contacts"], config.week_ending)
    folder = (out or config.reports_dir).resolve() / FOLDER / week_code(week_end)
    targets = report_paths(folder, language, audience)
    folder.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=".work-", dir=folder))
    try:
        say(f"Running the front-door notebook for {week_code(week_end)} ({language}, {audience}) ...")
        execute(find_notebook(config, NOTEBOOK), work / "report.ipynb", {
            "config": str(Path(config_path).resolve()), "week": week_code(week_end), "language": language,
            "audience": audience}, progress=progress)
        say("Writing HTML and PDF ...")
        html = to_html(work / "report.ipynb", language=language,
                       title=report_title(config, week_end, language, audience))
        (work / "report.html").write_text(html, encoding="utf-8")
        to_pdf(html, work / "report.pdf", work)
        declared = audience_declared(html)
        if declared is None:
            raise PackFailed("the report's cover does not say whether it is public or restricted; nothing was written")
        for target in targets.values():
            try:
                check_marking(target, declared)
            except WrongMarking as err:
                raise PackFailed(f"{err}; nothing was written") from None
        for kind, target in targets.items():
            target.parent.mkdir(exist_ok=True)
            os.replace(work / f"report.{kind}", target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return Written(folder, list(targets.values()))
