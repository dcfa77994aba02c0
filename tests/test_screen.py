"""`kpi screen` (issue 14): one self-contained page, readable across a room, and --watch rebuilding it."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

from kpi.cli import main
from kpi.officers.screen_watch import WatchState, watch, watch_step


@pytest.fixture(scope="module")
def demo(ingested_demo) -> Path:
    root = ingested_demo("screen")  # the demo made for 2026-11-22 and ingested: this module's own copy
    settings = yaml.safe_load((root / "kpi.yml").read_text(encoding="utf-8"))
    settings["screen"] = {"refresh_minutes": 5, "watch": "data/raw/demo"}
    (root / "refreshing.yml").write_text(yaml.safe_dump(settings), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def page(demo) -> str:
    assert main(["screen", "--config", str(demo / "kpi.yml"), "--out", str(demo / "screen")]) == 0
    return (demo / "screen/index.html").read_text(encoding="utf-8")


def test_the_page_has_a_language_headings_and_the_figures(page):
    assert re.search(r'<html lang="en">', page) and page.count("<h1") == 1 and page.count("<h2") >= 3
    assert "Today, 30 September 2026" in page and "Open assessments on 30 September 2026" in page
    for band in ("Green: up to 30 working days", "Amber: 31 to 42 working days", "Red: over 42 working days"):
        assert band in page  # colour and words together


def test_every_image_has_alt_text_and_nothing_comes_from_elsewhere(page):
    images = re.findall(r"<img\b[^>]*>", page)
    assert images and all(re.search(r'\balt="[^"]{20,}"', image) for image in images)
    sources = re.findall(r'\b(?:src|href)="([^"]*)"', page)
    assert all(source.startswith("data:image/png;base64,") for source in sources)
    assert "<script" not in page and "url(" not in page and "@import" not in page and "http" not in page
    assert "<link" not in page


def test_refresh_only_when_set(demo, page, tmp_path):
    assert "http-equiv" not in page
    assert main(["screen", "--config", str(demo / "refreshing.yml"), "--out", str(tmp_path)]) == 0
    assert '<meta http-equiv="refresh" content="300">' in (tmp_path / "index.html").read_text(encoding="utf-8")


def test_no_person_is_listed(page):
    assert not re.search(r"[A-Z]-[0-9a-f]{20}", page)


def test_a_watch_step_rebuilds_once_a_new_file_has_landed_and_settled(tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    (folder / "contacts.csv").write_text("old")
    built = []
    state = WatchState()
    assert watch_step(folder, state, lambda: built.append(1)) is False  # first look: nothing settled yet
    assert watch_step(folder, state, lambda: built.append(1)) is True and built == [1]
    assert watch_step(folder, state, lambda: built.append(1)) is False  # nothing new
    (folder / "contacts_2.csv").write_text("new extract")
    assert watch_step(folder, state, lambda: built.append(1)) is False  # still landing
    assert watch_step(folder, state, lambda: built.append(1)) is True and built == [1, 1]
    (folder / ".partial.tmp").write_text("hidden files are not extracts")
    assert watch_step(folder, state, lambda: built.append(1)) is False


def test_the_watch_loop_ingests_and_rewrites_the_page_when_an_extract_lands(demo, tmp_path):
    """The real rebuild (ingest then page) through the loop, with a new extract dropped between looks."""
    from kpi.config import load_config
    from kpi.data.ingest import ingest
    from kpi.data.processed import load_processed
    from kpi.officers.screen import write_screen

    config = load_config(demo / "refreshing.yml")
    out = tmp_path / "screen"
    written = []

    def rebuild():
        ingest(config)
        written.append(write_screen(config, load_processed(config), out).stat().st_mtime_ns)

    looks = iter(range(3))

    def sleep(_seconds):
        if next(looks) == 0:
            (demo / "data/raw/demo/notes.txt").write_text("a new file lands")

    state = watch(demo / "data/raw/demo", rebuild, every=0, sleep=sleep, looks=3, say=lambda _: None)
    assert state.rebuilds == 1 and len(written) == 2 and (out / "index.html").is_file()
