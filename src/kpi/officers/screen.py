"""`kpi screen`: one self-contained web page of the front door today and this week, and the open-work
traffic light, to be read across a room.

The page needs nothing else: its style is inside it, its one chart is an image inside it (with alt
text), it runs no script and fetches nothing. Type is large, and every colour comes with its word. With
`screen.refresh_minutes` in kpi.yml the page asks the browser to reload it that often. Counts only:
no person is listed. Where the page is shown is for the council to decide; kpi only writes it.
"""

from __future__ import annotations

import datetime as dt
import os
from pathlib import Path

import pandas as pd

from kpi.config import Config
from kpi.data.processed import ProcessedData
from kpi.errors import UnusableInput
from kpi.officers import front_door as fd
from kpi.officers.html_parts import escape, figure, section, table
from kpi.officers.open_work import BAND_WORDS, BANDS, OpenWork, band_limits
from kpi.officers.weeks import week_bounds, week_end_of
from kpi.words.text import Text

PAGE = "index.html"
STYLE = """
html { font-family: "DejaVu Sans", Arial, sans-serif; font-size: 20px; color: #0b0c0c; background: #ffffff;
  line-height: 1.35; }
body { margin: 0 auto; max-width: 96rem; padding: 0.5rem 1rem 2rem; }
h1 { font-size: 2.2rem; color: #12436D; margin: 0.5rem 0; }
h2 { font-size: 1.6rem; color: #12436D; border-bottom: 3px solid #12436D; margin: 1.5rem 0 0.75rem; }
p { margin: 0 0 0.5rem; }
.as-at { font-size: 1.2rem; }
.tiles { display: flex; flex-wrap: wrap; gap: 1rem; list-style: none; padding: 0; margin: 0; }
.tile { flex: 1 1 12rem; border: 3px solid #0b0c0c; border-left-width: 1.2rem; padding: 0.5rem 1rem; }
.tile .figure { display: block; font-size: 3.2rem; font-weight: bold; line-height: 1.1; }
.tile .words { display: block; font-size: 1.2rem; }
.band-green { border-left-color: #28A197; }
.band-amber { border-left-color: #F46A25; }
.band-red { border-left-color: #801650; background: #F7E8EF; }
.table-region { overflow-x: auto; }
table { border-collapse: collapse; font-size: 1.2rem; margin: 0.5rem 0; min-width: 20rem; }
caption { text-align: left; font-weight: bold; padding-bottom: 0.3rem; }
th, td { border-bottom: 1px solid #505A5F; padding: 0.3rem 0.6rem; text-align: left; }
thead th { background: #12436D; color: #ffffff; }
tbody th { font-weight: normal; }
td.number { text-align: right; }
.table-region:focus-visible { outline: 3px solid #12436D; outline-offset: 2px; }
img { max-width: 100%; height: auto; }
figure { margin: 0.5rem 0; }
"""


def screen_day(data: ProcessedData, today: dt.date | None = None) -> pd.Timestamp:
    """The day the screen shows: today, or the last day contacts were received if the data end before it."""
    day = pd.Timestamp(today or dt.date.today())
    contacts = data.tables.get("contacts")
    if contacts is not None and not contacts.empty:
        day = min(day, pd.Timestamp(contacts["received_at"].max()).normalize())
    return day.normalize()


def _tile(figure_text: str, words: str, css: str = "") -> str:
    return (f'<li class="tile {css}"><span class="figure">{escape(figure_text)}</span>'
            f'<span class="words">{escape(words)}</span></li>')


def _tiles(*tiles: str) -> str:
    return '<ul class="tiles">' + "".join(tiles) + "</ul>"


def _share(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def front_door_part(contacts: pd.DataFrame, day: pd.Timestamp, week_ending: str, t: Text) -> list[str]:
    """Today's and this week's (so far) front-door figures."""
    today = fd.received_between(contacts, day, day)
    week_end = week_end_of(pd.Series([day]), week_ending).iloc[0]
    start = week_bounds(week_end)[0]
    week = fd.received_between(contacts, start, day)
    waiting = len(fd.awaiting_decision(contacts, day, audience="restricted"))  # a count only is shown
    decided_today = fd.decisions(today, day)
    decided_week = fd.decisions(week, day)
    referrals = fd.police_share(week).loc["referrals"]
    return [
        section("today", t("Today, {day}", day=t.date(day.date())), _tiles(
            _tile(f"{len(today):,}", t("contacts received")),
            _tile(f"{int((today['contact_type'] == 'referral').sum()):,}", t("referrals")),
            _tile(f"{decided_today['same_day']:,}", t("decided today")),
            _tile(f"{waiting:,}", t("awaiting a decision now"), "band-red" if waiting else ""))),
        section("week", t("This week so far: {start} to {day}", start=t.date(start.date()), day=t.date(day.date())),
                _tiles(
            _tile(f"{len(week):,}", t("contacts received")),
            _tile(f"{int(referrals['all']):,}", t("referrals")),
            _tile(_share(*fd.share_in_time(decided_week)), t("decided within one working day")),
            _tile(_share(int(referrals["police"]), int(referrals["all"])), t("of referrals from the police")))),
    ]


def open_work_part(work: OpenWork, t: Text) -> list[str]:
    """The traffic light: counts by band (colour and word), by team, and the red count week by week."""
    limits = band_limits(work.bands, t)
    by_team = work.by_team()
    totals = by_team.loc["All teams"]
    tiles = _tiles(*[_tile(f"{int(totals[band]):,}", f"{t(BAND_WORDS[band])}: {limits[band]}", f"band-{band}")
                     for band in BANDS])
    shown = by_team.rename(columns={**{b: t(BAND_WORDS[b]) for b in BANDS}, "total": t("All")},
                           index={"All teams": t("All teams")}).map(lambda v: f"{v:,}")
    png, alt, title = work.red_trend_chart(t)
    return [section("open-work", t("Open assessments on {day}", day=t.date(work.as_at.date())), tiles,
                    table(shown, t("Open assessments by team and band"), "open-work-teams", corner=t("Team")),
                    section("red-trend", title, figure(png, alt), level=3))]


def screen_html(config: Config, data: ProcessedData, *, day: pd.Timestamp, language: str = "en",
                written: dt.datetime | None = None) -> str:
    """The whole page."""
    t = Text(language)
    if not data.has("contacts") and not data.has("assessments"):
        raise UnusableInput(f"{config.processed_dir}: no contacts or assessments; run `kpi ingest` first")
    parts = []
    if data.has("contacts"):
        parts += front_door_part(data.tables["contacts"], day, config.week_ending, t)
    if data.has("assessments"):
        parts += open_work_part(OpenWork.build(config, data, day), t)
    title = t("{authority}: front door and open work", authority=config.authority.name_in(language))
    written = written or dt.datetime.now()
    refresh = config.screen.refresh_minutes
    meta = f'<meta http-equiv="refresh" content="{refresh * 60}">\n' if refresh else ""
    return (f'<!DOCTYPE html>\n<html lang="{language}">\n<head>\n<meta charset="utf-8">\n'
            f'<meta name="viewport" content="width=device-width, initial-scale=1">\n{meta}'
            f"<title>{escape(title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n<main>\n"
            f"<h1>{escape(title)}</h1>\n"
            f'<p class="as-at">{escape(t("Figures as at {day}; page written {time}.", day=t.date(day.date()), time=written.strftime("%H:%M")))}</p>\n'
            + "\n".join(parts) + "\n</main>\n</body>\n</html>\n")


def write_screen(config: Config, data: ProcessedData, out: Path, *, as_at: dt.date | None = None,
                 language: str = "en") -> Path:
    """Write <out>/index.html in one step (a screen reloading it never sees half a page)."""
    day = screen_day(data, as_at)
    page = screen_html(config, data, day=day, language=language)
    out.mkdir(parents=True, exist_ok=True)
    target = out / PAGE
    temporary = out / f".{PAGE}.{os.getpid()}"
    temporary.write_text(page, encoding="utf-8")
    os.replace(temporary, target)
    return target
