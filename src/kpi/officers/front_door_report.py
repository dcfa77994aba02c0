"""The weekly front-door report, section by section, for notebooks/front_door_weekly.ipynb.

    report = FrontDoorReport.build(config, week, language=language, audience=audience)
    report.cover()
    report.contacts()
    ...

A restricted report (the default: it is for managers) shows every count and lists the contacts still
awaiting a decision (pseudonyms only). A public one shows counts only: each breakdown beside its total,
small numbers withheld (kpi.officers.small_numbers), no list. Every word goes through the pack's `Text`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from IPython.display import HTML

from kpi.charts.style import to_png
from kpi.charts.xmr import spc_chart
from kpi.config import Config, load_config
from kpi.data.processed import load_processed
from kpi.errors import UnusableInput
from kpi.indicators.disclosure import Policy
from kpi.officers import front_door as fd
from kpi.officers.html_parts import figure, paragraph, section, table
from kpi.officers.open_work import ALL_TEAMS, BAND_WORDS, BANDS, OpenWork, band_limits
from kpi.officers.records import check_audience
from kpi.officers.small_numbers import shown_counts, shown_share
from kpi.officers.weeks import latest_complete_week, parse_week, week_bounds, weeks_ending
from kpi.words.text import Text

CHART_WEEKS = 52
DECISIONS_AFTER_WEEK = pd.Timedelta(days=7)  # decisions counted up to a week after the week ends
TYPE_WORDS = {"referral": "Referrals", "enquiry": "Enquiries", "information_only": "Information only",
              "awaiting_information": "Awaiting information", "all": "All contacts"}
ABOUT_WORDS = {"child": "Children", "adult": "Adults", "all": "All"}
SOURCE_WORDS = {"police": "Police", "health": "Health", "education": "Education", "self_or_family": "Self or family",
                "local_authority": "Local authority", "other_local_authority": "Other local authority",
                "voluntary": "Voluntary sector", "anonymous": "Anonymous", "other": "Other"}
OUTCOME_WORDS = {"advice": "Advice", "signposted": "Signposted", "no_further_action": "No further action",
                 "assessment": "To assessment", "early_help": "Early help", "strategy": "Strategy discussion or meeting",
                 "other": "Other", fd.AWAITING: "Awaiting a decision"}
COUNT_WORDS = {"contacts": "Contacts", "referrals": "Referrals", "police_contacts": "Contacts from the police",
               "strategy_discussions": "Strategy discussions or meetings"}


def last_contact_day(contacts: pd.DataFrame) -> pd.Timestamp:
    """The last day the contacts table has a contact or a decision on (the extract's real end)."""
    days = pd.concat([contacts["received_at"], contacts["decision_at"]]).dropna()
    if days.empty:
        raise UnusableInput("the contacts table is empty: the front-door report needs contacts")
    return pd.Timestamp(days.max()).normalize()


def choose_week(text: str, contacts: pd.DataFrame, week_ending: str) -> pd.Timestamp:
    """The last day of the week asked for; `latest`: the latest week that ends by the last contact received."""
    last = pd.Timestamp(contacts["received_at"].max()).normalize()
    if text == "latest":
        return latest_complete_week(last, week_ending)
    week_end = parse_week(text, week_ending)
    first = pd.Timestamp(contacts["received_at"].min()).normalize()
    if week_end > last or week_end < first:
        raise UnusableInput(f"week {text}: the contacts run from {first:%d %B %Y} to {last:%d %B %Y}; choose a "
                            "week ending between them")
    return week_end


@dataclass
class FrontDoorReport:
    config: Config
    week_end: pd.Timestamp
    as_at: pd.Timestamp
    contacts: pd.DataFrame
    language: str
    audience: str
    open_work: OpenWork | None = None  # the traffic light at the end of the week (None: no assessments loaded)

    @classmethod
    def build(cls, config: str | Path | Config, week: str = "latest", *, language: str = "en",
              audience: str = "restricted") -> FrontDoorReport:
        check_audience(audience)
        config = config if isinstance(config, Config) else load_config(config)
        data = load_processed(config)
        if not data.has("contacts"):
            raise UnusableInput("the front-door report needs record-level contacts: add a contacts source to "
                                "kpi.yml and run `kpi ingest`")
        contacts = data.tables["contacts"]
        week_end = choose_week(week, contacts, config.week_ending)
        as_at = min(last_contact_day(contacts), week_end + DECISIONS_AFTER_WEEK)
        work = OpenWork.build(config, data, week_end) if data.has("assessments") else None
        return cls(config, week_end, as_at, contacts, language, audience, work)

    # --- what every section shares --------------------------------------------------------------

    @property
    def text(self) -> Text:
        return Text(self.language)

    @property
    def public(self) -> bool:
        return self.audience == "public"

    @property
    def policy(self) -> Policy:
        return Policy.from_config(self.config)

    @property
    def week(self) -> pd.DataFrame:
        return fd.received_between(self.contacts, *week_bounds(self.week_end))

    def week_label(self) -> str:
        return self.text("week ending {day}", day=self.text.date(self.week_end.date()))

    def _counts(self, counts: pd.Series, words: dict[str, str], total: str) -> pd.Series:
        """A breakdown with its total, as this audience sees it."""
        t = self.text
        if self.public:
            shown = shown_counts(counts, self.policy, total="total")
        else:
            shown = pd.concat([counts, pd.Series({"total": counts.sum()})]).map(lambda v: f"{v:,.0f}")
        return shown.rename(index={**{k: t(v) for k, v in words.items()}, "total": t(total)})

    # --- the sections -------------------------------------------------------------------------

    def cover(self) -> HTML:
        t, authority = self.text, self.config.authority
        marking = t("Public") if self.public else t("Restricted: for managers, not for publication")
        title = t("Front door: {week}", week=self.week_label())
        parts = [f'<p class="marking marking-{self.audience}">{marking}</p>',
                 paragraph(authority.name_in(self.language), "authority"), f"<h1>{title}</h1>",
                 paragraph(t("Contacts received from {start} to {end}; decisions as recorded by {as_at}.",
                             start=t.date(week_bounds(self.week_end)[0].date()), end=t.date(self.week_end.date()),
                             as_at=t.date(self.as_at.date())))]
        if self.public:
            parts.append(paragraph(t("Counts from 1 to {n} are shown as {symbol}, with as many others as it takes "
                                     "for none of them to be worked out from the total.",
                                     n=self.policy.threshold, symbol=self.policy.symbol)))
        return HTML('<section class="cover fd-cover" id="cover" aria-label="' + t("Cover") + '">'
                    + "\n".join(parts) + "</section>")

    def contacts_received(self) -> HTML:
        t, week = self.text, self.week
        start, end = week_bounds(self.week_end)
        heading = t("Contacts received")
        if self.public:
            by_type = self._counts(fd.by_type(week)["all"], TYPE_WORDS, "All contacts").to_frame(t("Contacts"))
            days = fd.by_day_and_type(week, start, end)[("all", "child")] + \
                fd.by_day_and_type(week, start, end)[("all", "adult")]
            days = days.drop("total")
            days.index = [t.date(day.date()) for day in days.index]
            by_day = self._counts(days, {}, "All contacts").to_frame(t("Contacts"))
            return HTML(section("contacts", heading,
                                table(by_type, t("Contacts by type, {week}", week=self.week_label()), "contacts-type",
                                      corner=t("Type")),
                                table(by_day, t("Contacts by day, {week}", week=self.week_label()), "contacts-day",
                                      corner=t("Day"))))
        # Types down the side and the seven days across, so that the table fits a page (and a phone).
        grid = fd.by_day_and_type(week, start, end).T
        grid.index = [f"{t(TYPE_WORDS[kind])}: {t(ABOUT_WORDS[about]).lower()}" for kind, about in grid.index]
        grid.columns = [t.short_day(day.date()) if isinstance(day, pd.Timestamp) else t("Total")
                        for day in grid.columns]
        return HTML(section("contacts", heading,
                            table(grid.map(lambda v: f"{v:,}"),
                                  t("Contacts by day, type and whether about a child or an adult, {week}",
                                    week=self.week_label()), "contacts-day", corner=t("Type"))))

    def sources(self) -> HTML:
        t, counts = self.text, fd.by_source(self.week)
        frame = pd.DataFrame({t("Contacts"): self._counts(counts["contacts"], SOURCE_WORDS, "All sources"),
                              t("Referrals"): self._counts(counts["referrals"], SOURCE_WORDS, "All sources")})
        return HTML(section("sources", t("Where contacts came from"),
                            table(frame, t("Contacts and referrals by source, {week}", week=self.week_label()),
                                  "sources-table", corner=t("Source"))))

    def decisions(self) -> HTML:
        t, counts = self.text, fd.decisions(self.week, self.as_at)
        words = {"within_one": "Decided within one working day", "later": "Decided later",
                 "awaiting": "Awaiting a decision"}
        shown = self._counts(counts[["within_one", "later", "awaiting"]], words, "All contacts")
        if not self.public:
            shown = pd.concat([shown.iloc[:1], pd.Series({t("of which decided the same day"):
                                                          f"{counts['same_day']:,}"}), shown.iloc[1:]])
        in_time, due = fd.share_in_time(counts)  # contacts still within their working day are not yet late
        share = shown_share(in_time, due, self.policy) if self.public else (f"{in_time / due:.0%}" if due else "–")
        if share == self.policy.symbol:  # a share whose rest is a small count: say so, not "c of the contacts"
            said = t("The share of the week's contacts decided within one working day is withheld ({symbol}): the "
                     "rest of it is a small number.", symbol=share)
        else:
            said = t("{share} of the week's contacts were decided within one working day of coming in (a contact at "
                     "the weekend decided on Monday counts as within one).", share=share)
        return HTML(section("decisions", t("Decisions within one working day"), paragraph(said),
                            table(shown.to_frame(t("Contacts")), t("Decisions on the week's contacts, as recorded "
                                  "by {as_at}", as_at=t.date(self.as_at.date())), "decisions-table",
                                  corner=t("Decision"))))

    def awaiting(self) -> HTML:
        t = self.text
        heading = t("Contacts awaiting a decision")
        if self.public:
            return HTML(section("awaiting", heading, paragraph(t("Listed for managers in the restricted report "
                                                                 "only."))))
        listed = fd.awaiting_decision(self.contacts, self.as_at, audience=self.audience)
        if listed.empty:
            return HTML(section("awaiting", heading, paragraph(t("No contact was awaiting a decision at the end of "
                                                                 "{as_at}.", as_at=t.date(self.as_at.date())))))
        shown = pd.DataFrame({
            t("Received"): listed["received_at"].dt.strftime("%d/%m/%Y %H:%M"),
            t("Source"): listed["source"].map(lambda s: t(SOURCE_WORDS.get(s, s))),
            t("Type"): listed["contact_type"].map(lambda s: t(TYPE_WORDS.get(s, s))),
            t("About"): listed["about"].map(lambda s: t(ABOUT_WORDS.get(s, s))),
            t("Working days waiting"): listed["working_days_waiting"].astype("string"),
            t("Extract row"): listed["source_row"].astype("string"),
        })
        shown.index = listed["child_id"]
        return HTML(section("awaiting", heading,
                            paragraph(t("Oldest first. People are shown by pseudonym only; the extract row finds "
                                        "the contact in the extract.")),
                            table(shown, t("Contacts awaiting a decision at the end of {as_at}",
                                           as_at=t.date(self.as_at.date())), "awaiting-table", corner=t("Pseudonym"))))

    def outcomes(self) -> HTML:
        t = self.text
        shown = self._counts(fd.outcomes(self.week, self.as_at), OUTCOME_WORDS, "All contacts")
        return HTML(section("outcomes", t("Outcomes"),
                            table(shown.to_frame(t("Contacts")), t("Outcomes of the week's contacts, {week}",
                                                                   week=self.week_label()), "outcomes-table",
                                  corner=t("Outcome"))))

    def strategy(self) -> HTML:
        t, held = self.text, fd.strategy_discussions(self.week)
        words = {"all": "Strategy discussions or meetings", "from_referrals": "of which from referrals",
                 "from_police": "of which from police contacts"}
        if self.public:
            shown = pd.Series({t(words["all"]): shown_counts(held[["all"]], self.policy).iloc[0]})
        else:
            shown = held.rename(index={k: t(v) for k, v in words.items()}).map(lambda v: f"{v:,}")
        return HTML(section("strategy", t("Strategy discussions"),
                            table(shown.to_frame(t("Number")), t("Strategy discussions or meetings, {week}",
                                                                  week=self.week_label()), "strategy-table",
                                  corner=t("Count"))))

    def police(self) -> HTML:
        t, share = self.text, fd.police_share(self.week)
        rows = {"contacts": t("Contacts"), "referrals": t("Referrals")}
        shown = pd.DataFrame({
            t("From the police"): [self._one(share.loc[r, "police"]) for r in rows],
            t("All"): [self._one(share.loc[r, "all"]) for r in rows],
            t("Police share"): [shown_share(share.loc[r, "police"], share.loc[r, "all"], self.policy) if self.public
                                else ("–" if pd.isna(share.loc[r, "share"]) else f"{share.loc[r, 'share']:.0f}%")
                                for r in rows]}, index=list(rows.values()))
        return HTML(section("police", t("Contacts and referrals from the police"),
                            table(shown, t("The police's share of contacts and of referrals, {week}",
                                           week=self.week_label()), "police-table", corner=t("Of"))))

    def open_work_section(self) -> HTML:
        """The open-work traffic light at the end of the week: counts by band (public: only those, small
        numbers withheld); for managers also by team, the red count week by week and every open
        assessment, oldest first, by pseudonym."""
        t, work = self.text, self.open_work
        heading = t("Open assessments on {day}", day=t.date(self.week_end.date()))
        if work is None:
            return HTML(section("open-work", heading, paragraph(t("No assessments are loaded: add an assessments "
                                                                  "source to kpi.yml and run kpi ingest."))))
        limits = band_limits(work.bands, t)
        words = {band: f"{t(BAND_WORDS[band])}: {limits[band]}" for band in BANDS}
        if self.public:
            shown = work.public().rename(index={**words, "total": t("All")})
            return HTML(section("open-work", heading, table(shown.to_frame(t("Number")), t(
                "Open assessments by band, {day}", day=t.date(self.week_end.date())), "open-work-bands",
                corner=t("Band"))))
        by_team = work.by_team().rename(columns={**{b: t(BAND_WORDS[b]) for b in BANDS}, "total": t("All")},
                                        index={ALL_TEAMS: t("All teams")}).map(lambda v: f"{v:,}")
        png, alt, title = work.red_trend_chart(t)
        oldest = work.oldest(audience=self.audience)
        listed = pd.DataFrame({
            t("Team"): oldest["team"].astype("string"),
            t("Referred"): oldest["referral_date"].dt.strftime("%d/%m/%Y"),
            t("Working days since referral"): oldest["working_days"].astype("string"),
            t("Band"): oldest["band"].map(lambda b: t(BAND_WORDS[b])).astype("string"),
            t("Extract row"): oldest["source_row"].astype("string")})
        listed.index = oldest["child_id"]
        return HTML(section("open-work", heading,
                            paragraph("; ".join(words.values()) + "."),
                            table(by_team, t("Open assessments by team and band"), "open-work-teams",
                                  corner=t("Team")),
                            section("red-trend", title, figure(png, alt), level=3, css="fd-chart"),
                            table(listed, t("Every open assessment, oldest first"), "open-work-list",
                                  corner=t("Pseudonym"))))

    def _one(self, count: int) -> str:
        if self.public and self.policy.is_small(count):
            return self.policy.symbol
        return f"{count:,}"

    def weekly_series(self, weeks: int = CHART_WEEKS) -> pd.DataFrame:
        """The main counts for each of the last `weeks` weeks (small ones blanked in a public report)."""
        counts = fd.weekly_counts(self.contacts, weeks_ending(self.week_end, weeks, self.config.week_ending),
                                  self.config.week_ending).astype("float64")
        return counts.mask(self.policy.small(counts.stack()).unstack()) if self.public else counts

    def trends(self) -> HTML:
        t, counts = self.text, self.weekly_series()
        charts = []
        for name in fd.WEEKLY_COUNTS:  # four charts
            title = t("{count} each week", count=t(COUNT_WORDS[name]))
            picture, alt = spc_chart(fd.weekly_spc(counts[name]), title=title, unit="count", decimals=0, text=t)
            charts.append(section(f"trend-{name.replace('_', '-')}", title, figure(to_png(picture), alt), level=3,
                                  css="fd-chart"))
        return HTML(section("trends", t("The last {n} weeks", n=len(counts)),
                            paragraph(t("Statistical process control: a point outside the limits, or a run of seven "
                                        "on one side of the mean, is a real change in demand, not noise.")),
                            *charts))
