"""The pack's appendix: definitions, methods in plain words, restated figures, process changes, the files
read and the parameters of the run (what a reader needs to check or remake any figure)."""

from __future__ import annotations



from kpi.time import periods as fp
from kpi.pack.build import PackContent, direct_dependencies, package_versions
from kpi.data.provenance import provenance_by_source

from kpi.pack.render import POLARITY_WORDS, TABLE_WORDS, _render, _target, restated_rows

# Where the comparisons were computed from every authority's records, not published: one whole sentence per nation.
COMPUTED_COMPARISONS = {
    "wales": "Comparisons use figures this tool computed from every authority's own records, in the national data "
             "this pack was made from, for the period compared; Welsh Government did not publish them.",
    "england": "Comparisons use figures this tool computed from every authority's own records, in the national "
               "data this pack was made from, for the period compared; the Department for Education did not "
               "publish them.",
}
PARAMETER_LABELS = {"period": "Period", "language": "Language", "audience": "Audience",
                    "timescale_working_days": "Assessment timescale (working days)",
                    "caseload_threshold": "Caseload threshold", "spc_preset": "SPC preset",
                    "configuration_sha256": "Configuration file SHA-256", "kpi_version": "Software version",
                    "python": "Python version"}


def methods(content: PackContent) -> list[tuple[str, list[str]]]:
    """The methods appendix in plain words (the code's docstrings say the same for developers)."""
    t = content.text
    spc = content.spc_settings
    spc_text = t(
        "Statistical process control follows NHS England's Making Data Count method (XmR chart): the mean and "
        "process limits at the mean plus or minus 2.66 times the mean moving range. Special cause is a point "
        "outside the limits; a run of {run} points on one side of the mean; a trend of {trend} points rising or "
        "falling; or two of three points beyond two sigma on the same side. Preset: {preset}; outlier screening: "
        "{screening}; two-in-three rule: {two}. Fewer than {short} points give trial limits.",
        run=spc.get("run_length", 7), trend=spc.get("trend_length", 7), preset=spc.get("preset", "mdc"),
        screening=t("on") if spc.get("screen_outliers") else t("off"), two=spc.get("two_in_three", "mdc"),
        short=spc.get("short_group_points", 13))
    return [
        (t("Working days"), [
            t("Working days are counted from the day after the referral up to and including the day the "
              "assessment was completed: a referral on a Friday completed on the Monday took 1 working day, and "
              "one completed on the day of referral took 0. An assessment is within timescale when that count is "
              "at most {days} working days.", days=content.config.timescale)
            if content.config.timescale_anchor == "referral" else
            t("Working days are counted from the day after the assessment started up to and including the day "
              "it was completed, as the children in need census counts them. An assessment is within timescale "
              "when that count is at most {days} working days.", days=content.config.timescale),
            t("Working days are Monday to Friday, excluding England and Wales bank holidays."),
        ]),
        (t("Caseloads and workforce"), [
            t("Caseload per FTE is as DfE's children's social work workforce statistics define it: the open cases "
              "held by every registered social worker (team managers and agency workers included) divided by the "
              "full-time equivalent (FTE) of those holding at least one case. The agency rate is the FTE of agency "
              "social workers divided by the FTE of all social workers.")
            if content.config.workforce_definition == "dfe" else
            t("Caseload per FTE and the agency rate follow the local definitions set in the configuration: social "
              "workers and senior practitioners only, the FTE of every one of them, and the agency rate by head."),
            t("A social worker is over the caseload threshold when their open cases divided by their FTE are more "
              "than {threshold}.", threshold=f"{content.config.caseload_threshold:g}")
            if content.config.caseload_threshold_per == "fte" else
            t("A social worker is over the caseload threshold when they hold more than {threshold} open cases.",
              threshold=f"{content.config.caseload_threshold:g}"),
            t("Where the teams' establishment is supplied, the agency rate and the vacancy rate come from its last "
              "snapshot in the period, as DfE defines them: agency FTE divided by agency FTE plus the FTE of social "
              "workers in post (funded posts less vacancies); vacant FTE divided by funded FTE. A post covered by an "
              "agency worker is still vacant."),
        ]),
        (t("Child protection and children looked after"), [
            t("A re-registration is a registration of a child whose previous registration on the child protection "
              "register ended in the 12 months before it (Wales PM27). The average time on the register is of the "
              "registrations that ended in the period, in days (PM28)."),
            t("A strategy discussion is in time when it is held within {days} working days of the concern, counted "
              "as assessments are; one not yet held is not in time.",
              days=content.config.strategy_discussion_working_days),
            t("Children looked after are counted once each at the end of the last day of the period; children "
              "other authorities have placed here are counted separately, never as ours. A placement is a row of "
              "the looked-after extract; three or more placements counts those a child had in the 12 months up to "
              "the end of the period, the one they were in when the 12 months began included."),
        ]),
        (t("Statistical process control"), [
            spc_text,
            t("A point that one rule flags as an improvement and another as a concern is shown as an improvement, "
              "as the Making Data Count tool does.") if spc.get("conflicts") == "improvement" else
            t("A point flagged by several rules takes the label of the first of: outside the limits, trend, "
              "two of three, run (as NHSRplotthedots does)."),
            t("When the way the service works changes (a new team, an improvement board), the limits are "
              "recalculated from the first period after the change, and the chart shows each phase with its own "
              "limits. A change is real when, after it, at least one point falls outside the old limits or "
              "{run} in a row sit on the same side of the old average; it is sustained while the newest point is "
              "still on that side.", run=spc.get("run_length", 7)),
        ]),
        (t("Targets and RAG"), [t("Green meets the target; amber misses it by no more than the tolerance; red "
                                  "is worse, judged on the value as printed."),
                                t("The change column gives how far the printed figure went up or down since the "
                                  "previous period and the same period a year earlier. It does not say better or "
                                  "worse: that is said only where statistical process control finds special "
                                  "cause.")]),
        (t("Comparisons"), comparisons_method(content)),
        (t("Small numbers"), _disclosure_method(content)),
        (t("Confidence intervals"), [t("Each proportion has a 95% Wilson score interval in the workbook, so "
                                       "that a change within it can be read as possibly chance.")]),
    ]


def comparisons_method(content: PackContent) -> list[str]:
    """Where the figures compared come from (published, or computed by this tool from every authority's
    records) and how ranks and bands are found."""
    t = content.text
    if not content.comparisons_computed:
        return [t("Comparisons use the figures published for every authority. Quartiles are calculated from the "
                  "authorities' values; rank 1 is the best and band A the best quarter, whichever way is better for "
                  "the indicator. Suppressed or missing figures are left out and counted, never treated as zero.")]
    return [t(COMPUTED_COMPARISONS[content.config.authority.nation]),
            t("Quartiles are calculated from the authorities' values; rank 1 is the best and band A the best "
              "quarter, whichever way is better for the indicator. Withheld or missing figures are left out and "
              "counted, never treated as zero.")]


def process_change_rows(content: PackContent) -> list[dict]:
    """The officers' recorded process changes, with the indicators whose limits restart at each."""
    t = content.text
    rows = []
    for change in content.config.process_changes:
        restarts = []
        for view in content.views.values():
            for point in view.trend.changes if view.trend else []:
                if change.date in point.dates:
                    restarts.append(f"{view.indicator.title_in(content.language)} "
                                    f"({t('from')} {fp.label(point.period, content.language)})")
        rows.append({"date": t.date(change.date), "description": change.description_in(content.language),
                     "indicators": restarts or [t("none of the charts in this pack (the change is outside them)")]})
    return rows


def _disclosure_method(content: PackContent) -> list[str]:
    """The disclosure policy and its parameters, as the appendix states them."""
    t, policy = content.text, content.policy
    if not content.public:
        return [t("This restricted draft shows every number; the public pack withholds small numbers of "
                  "children (threshold {threshold}).", threshold=policy.threshold)]
    paragraphs = [
        t("So that no child can be identified, a figure about children is withheld ({symbol}) when a count of "
          "children in it is from 1 to {threshold}; when the rest of a share is (40 of 43 would reveal 3); and, "
          "for monthly counts, when a month could be worked out from its quarter's total and the other months, "
          "in which case the smallest other months of that quarter are withheld too. A rate built on a withheld "
          "count is withheld with it, as are its change, RAG, chart point and comparison. Figures about staff are "
          "shown as they are.", symbol=policy.symbol, threshold=policy.threshold),
        t("Before it was published, every count a reader could work out from this pack (the counts shown, a rate "
          "times its denominator, the rest of a share, a quarter's total less its months, and changes in "
          "restated figures) was checked again by a separate routine; none is from 1 to {threshold}.",
          threshold=policy.threshold),
    ]
    if policy.style == "welsh_government":
        paragraphs.append(t("As in Welsh Government tables, the counts of children shown are rounded to the nearest "
                            "5; rates are worked out before rounding."))
    paragraphs.append(t("Symbols: {symbol} withheld; – no figure (not available or not applicable). Symbols in "
                        "published tables (x, z, :, c, *) are kept as published.", symbol=policy.symbol))
    return paragraphs


def parameter_rows(content: PackContent) -> list[tuple[str, str]]:
    """The appendix's parameters table: the settings, then the versions of the packages kpi depends on
    directly (a package's name is a name in any language), then when the pack was made. The workbook's
    parameters sheet lists every installed package; a page of them would tell a committee nothing."""
    t = content.text
    # Settings that are words (the audience, the language) are said in the pack's language.
    values = {"public": t("Public"), "restricted": t("Restricted"), "en": t("English"), "cy": t("Welsh")}
    packages = set(package_versions())
    left_out = packages - set(direct_dependencies())
    rows = [(name if name in packages else t(PARAMETER_LABELS.get(name, name)),
             values.get(value, value) if name in ("audience", "language") else value)
            for name, value in content.parameters.items() if name not in left_out]
    rows.append((t("Run at (UTC)"), content.created.isoformat()))
    return rows


def appendix(content: PackContent) -> str:
    t = content.text
    definitions = [{"title": v.indicator.title_in(content.language), "numerator": t(v.indicator.numerator),
                    "denominator": t(v.indicator.denominator) if v.indicator.denominator else "–",
                    "polarity": t(POLARITY_WORDS[v.indicator.polarity]), "target": _target(v) or "–"}
                   for v in content.views.values()]
    files = [{"table": t(TABLE_WORDS.get(r.table, r.table)), "files": f"{r.files:,}", "first": r.first_file,
              "last": r.last_file if r.files > 1 else "", "sha256": r.sha256, "read": f"{r.rows_read:,}",
              "accepted": f"{r.rows_accepted:,}", "rejected": f"{r.rows_rejected:,}"}
             for r in provenance_by_source(content.ingest).itertuples()]
    return _render("appendix.html.j2", content, definitions=definitions, methods=methods(content), files=files,
                   parameters=parameter_rows(content), restated=restated_rows(content),
                   process_changes=process_change_rows(content))
