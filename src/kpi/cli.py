"""The `kpi` command: demo, ingest, indicators, commentary, pack.

Tables a command produces go to standard output (or --out); messages go to standard error, so
`kpi indicators ... --format csv > q3.csv` gives a clean file. A problem with the input ends the
run with one line naming the file and the problem, and exit status 2; never a traceback. So does a
full disk, a permission denied or a read-only folder, and a second ingest or pack of the same
folder while one is running.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from kpi import __version__
from kpi.errors import UnusableInput

EXIT_REJECTED_ROWS = 1
EXIT_UNUSABLE_INPUT = 2
EXIT_PACK_FAILED = 3
EXIT_DISCLOSURE = 4  # a public output would let a reader work out a small count of children


def message(text: str) -> None:
    """A line for the person at the keyboard (standard error, never mixed into a table)."""
    print(text, file=sys.stderr, flush=True)


def _iso_date(text: str):
    import datetime as dt

    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"'{text}' is not a date like 2026-11-22") from None


def _config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default="kpi.yml", type=Path, help="the config file (default: ./kpi.yml)")


def _cmd_demo(args: argparse.Namespace) -> int:
    from kpi.demo import write_demo

    written = write_demo(out=args.out, seed=args.seed, config_path=args.config, today=args.today)
    for line in written.summary():
        message(line)
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from kpi.config import load_config
    from kpi.data.ingest import ingest, summary_lines

    config = load_config(args.config)
    result = ingest(config, progress=None if args.quiet else lambda text: message(f"  {text}"))
    for line in summary_lines(result):
        print(line)
    if args.strict and result.rows_rejected:
        message(f"--strict: {result.rows_rejected} row(s) were rejected")
        return EXIT_REJECTED_ROWS
    return 0


def _cmd_indicators(args: argparse.Namespace) -> int:
    from kpi.catalogue import catalogue
    from kpi.data.cells import write_csv
    from kpi.config import load_config
    from kpi.words.formatting import as_text_table

    config = load_config(args.config)
    if args.list:
        for indicator in catalogue(config.targets).values():
            print(f"{indicator.id:<40} {indicator.title['en']}")
        return 0
    from kpi.compare.table import indicator_table

    table = indicator_table(config, args.period, by=args.by)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_csv(table, args.out) if args.format == "csv" else args.out.write_text(
            as_text_table(table, by=args.by) + "\n", encoding="utf-8")
        message(f"wrote {len(table)} rows to {args.out}")
    elif args.format == "csv":
        write_csv(table, sys.stdout)
    else:
        print(as_text_table(table, by=args.by))
    unavailable = int(table["status"].eq("unavailable").sum())
    if unavailable:
        message(f"{unavailable} value(s) unavailable; the reason column says why")
    if args.by is None:
        _suggest_rebases(config, table)
    return 0


def _suggest_rebases(config, table) -> None:
    """Say where a sustained shift has no recorded process change (the officer decides)."""
    from kpi.catalogue import catalogue
    from kpi.time.periods import parse_period
    from kpi.data.processed import load_processed
    from kpi.spc.trends import trends

    indicators = catalogue(config.targets)
    found = trends(load_processed(config), config, indicators, parse_period(table["period"].iloc[-1]))
    for indicator_id, trend in found.items():
        if trend.suggestion is not None:
            message(f"{indicator_id}: {trend.suggestion.message} (no process change recorded; if the way the "
                    "service works changed then, add it under process_changes in kpi.yml)")


def _cmd_commentary(args: argparse.Namespace) -> int:
    from kpi.config import load_config
    from kpi.compare.table import indicator_table
    from kpi.pack.commentary import workbook_path, write_commentary_workbook
    from kpi.catalogue import catalogue
    from kpi.indicators.disclosure import Policy
    from kpi.time.periods import resolve
    from kpi.words.formatting import format_value
    from kpi.data.processed import load_processed, require_covered

    config = load_config(args.config)
    data = load_processed(config)
    require_covered(data, resolve(args.period, data.last_date).latest)
    table = indicator_table(config, args.period, data=data)
    period_code = table["period"].iloc[-1]
    table = table[table["period"].eq(period_code)]
    # The workbook sits beside the public pack and goes round by email: it shows figures as the public pack does.
    policy = Policy.from_config(config)
    table = policy.withhold(table, catalogue(config.targets))
    shown = [policy.symbol if hidden else format_value(v, u, d) for hidden, v, u, d in
             zip(table["suppressed"], table["value"], table["unit"], table["decimals"])]
    rows = table.assign(latest_value=shown, rag=table["rag"].fillna(""))[["indicator_id", "title", "latest_value", "rag"]]
    path = workbook_path(args.out or config.reports_dir, period_code)
    from kpi.data.versions import VersionedFolder

    path.parent.mkdir(parents=True, exist_ok=True)
    with VersionedFolder(path.parent).locked("kpi commentary"):  # never while a pack of the period switches
        count = write_commentary_workbook(path, rows)
    message(f"wrote {path} ({count} indicators); fill in the commentary and owner columns, then run kpi pack")
    return 0


def _cmd_pack(args: argparse.Namespace) -> int:
    from kpi.pack.disclosure_check import DisclosureRisk
    from kpi.pack.export import PackFailed, make_pack

    try:
        result = make_pack(args.config, args.period, language=args.language, audience=args.audience, out=args.out,
                           progress=not args.quiet, say=message, allow_empty=args.allow_empty)
    except DisclosureRisk as err:
        message(f"kpi pack: {err}. Nothing was written.")
        return EXIT_DISCLOSURE
    except PackFailed as err:
        message(f"kpi pack: {err}")
        return EXIT_PACK_FAILED
    print(f"Pack for {result.folder.name} written to {result.folder}:")
    for path in result.files:
        print(f"  {path}")
    print(f"  {result.folder / 'manifest.json'} (which file is which; 'publish' lists the files for the website)")
    return 0


def _cmd_check_disclosure(args: argparse.Namespace) -> int:
    from kpi.pack.disclosure_check import scan_workbook

    findings = scan_workbook(args.workbook, threshold=args.threshold, style=args.style)
    for finding in findings:
        print(finding)
    if findings:
        message(f"{args.workbook}: {len(findings)} count(s) of 1 to {args.threshold} children can be worked out; "
                "do not publish it")
        return EXIT_DISCLOSURE
    message(f"{args.workbook}: no count of 1 to {args.threshold} children can be worked out from it")
    return 0


def _cmd_translations(args: argparse.Namespace) -> int:
    """List the Welsh still to be checked, or take a translation unit's checked Welsh back."""
    from kpi.officers import translations

    if args.status:
        rows = translations.unchecked(args.catalogue, args.indicators)
        translations.write_status(translations.status_table(rows), args.out)
        from_po = sum(r.where == translations.CATALOGUE_NAME for r in rows)
        message(f"{len(rows)} Welsh string(s) need review ({from_po} in {translations.CATALOGUE_NAME}, "
                f"{len(rows) - from_po} in {translations.INDICATORS_NAME})"
                + (f"; wrote {args.out}" if args.out else ""))
        return 0
    result = translations.import_reviewed(args.import_file, args.catalogue, args.indicators)
    catalogue = args.catalogue or translations.catalogue_path()
    message(f"{len(result.applied)} reviewed Welsh string(s) written to {catalogue}, their fuzzy marks cleared; "
            f"{result.still_to_review} row(s) had no reviewed Welsh yet")
    if result.indicator_changes:
        message(f"{translations.INDICATORS_NAME} is not written by this command (its owner reviews it like code, "
                "and its comments must be kept); apply these by hand, then set welsh_reviewed: true on each "
                "indicator whose title and headlines are all checked:")
        for line in result.indicator_changes:
            print(f"  {line}")
    for line in result.unknown:
        message(f"not imported: {line}")
    for line in result.glossary_notes:
        message(f"glossary: {line} (imported as the reviewer wrote it; change the glossary if they prefer it)")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="kpi", description=__doc__.split("\n")[0])
    parser.add_argument("--version", action="version", version=f"kpi {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    demo = commands.add_parser("demo", help="write a synthetic demo authority's extracts and a kpi.yml")
    demo.add_argument("--out", default=Path("data/raw/demo"), type=Path, help="where the extracts go")
    demo.add_argument("--seed", default=2017, type=int, help="random seed (the same seed gives the same data)")
    demo.add_argument("--config", default=Path("kpi.yml"), type=Path,
                      help="where to write the demo config (never overwrites an existing file)")
    demo.add_argument("--today", type=_iso_date, help="pretend today is this date (YYYY-MM-DD): the data end with the "
                      "latest complete quarter before it")
    demo.set_defaults(run=_cmd_demo)

    ingest = commands.add_parser("ingest", help="load the extracts named in kpi.yml into canonical tables")
    _config_argument(ingest)
    ingest.add_argument("--strict", action="store_true", help="exit with status 1 if any row was rejected")
    ingest.add_argument("--quiet", action="store_true", help="no progress lines")
    ingest.set_defaults(run=_cmd_ingest)

    indicators = commands.add_parser("indicators", help="the indicator table for a period or a range of quarters")
    _config_argument(indicators)
    indicators.add_argument("--period", default="latest",
                            help="2018-19Q3, 2018-19, a range 2016-17Q4..2018-19Q3, or latest (default)")
    indicators.add_argument("--format", choices=("csv", "table"), default="table")
    indicators.add_argument("--out", type=Path, help="write to this file instead of standard output")
    indicators.add_argument("--by", choices=("team", "authority"), help="also break down by team or authority")
    indicators.add_argument("--list", action="store_true", help="list the indicators in the catalogue")
    indicators.set_defaults(run=_cmd_indicators)

    commentary = commands.add_parser("commentary", help="write the commentary workbook for service managers")
    _config_argument(commentary)
    commentary.add_argument("--period", default="latest", help="the quarter, e.g. 2018-19Q3 (default: latest)")
    commentary.add_argument("--out", type=Path, help="reports folder (default: the config's reports folder)")
    commentary.set_defaults(run=_cmd_commentary)

    pack = commands.add_parser("pack", help="run the quarterly pack notebook and export PDF, HTML and Excel")
    _config_argument(pack)
    pack.add_argument("--period", default="latest",
                      help="a quarter (2018-19Q3), a half-year (2018-19H1), a year to date (2018-19Q1-Q3, "
                      "2018-19YTD), a year (2018-19) or latest (default)")
    pack.add_argument("--language", default="en", choices=("en", "cy", "both"),
                      help="en (English), cy (Welsh) or both (Welsh and English in one run)")
    pack.add_argument("--audience", default="public", choices=("public", "restricted"),
                      help="public: for publication; restricted: a draft for officers, written to restricted/ "
                      "with RESTRICTED in every file name")
    pack.add_argument("--allow-empty", action="store_true",
                      help="make the pack even when the extracts do not cover the period")
    pack.add_argument("--out", type=Path, help="reports folder (default: the config's reports folder)")
    pack.add_argument("--quiet", action="store_true", help="no progress bar")
    pack.set_defaults(run=_cmd_pack)

    check = commands.add_parser("check-disclosure", help="check a pack workbook: can a reader work out a count of "
                                "1 to 5 children from it? (exit 4 if so)")
    check.add_argument("workbook", type=Path, help="a pack workbook, e.g. reports/2018-19Q3/pack.en.xlsx")
    check.add_argument("--threshold", type=int, default=5, help="counts of children from 1 to this must not be "
                       "recoverable (default 5)")
    check.add_argument("--style", choices=("dfe", "welsh_government"), default="dfe",
                       help="welsh_government: counts are rounded to 5, so only the counts shown are checked")
    check.set_defaults(run=_cmd_check_disclosure)

    words = commands.add_parser("translations", help="list the Welsh still to be checked by a Welsh speaker, or "
                                "import the checked Welsh")
    action = words.add_mutually_exclusive_group(required=True)
    action.add_argument("--status", action="store_true", help="list every Welsh string not yet checked (fuzzy "
                        "entries of kpi.po, indicators.yml entries with welsh_reviewed: false)")
    action.add_argument("--import", dest="import_file", type=Path, metavar="FILE",
                        help="a reviewed .xlsx or .csv from --status, or a .po: its reviewed Welsh replaces the "
                        "catalogue's and clears the fuzzy marks")
    words.add_argument("--out", type=Path, help="with --status: write status.csv (UTF-8, for Excel) or status.xlsx "
                       "instead of CSV on standard output")
    words.add_argument("--catalogue", type=Path, help="the Welsh .po catalogue (default: the one the pack uses)")
    words.add_argument("--indicators", type=Path, help="the indicator catalogue (default: the one the pack uses)")
    words.set_defaults(run=_cmd_translations)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UnusableInput as err:
        message(f"kpi {args.command}: {err}")
        return EXIT_UNUSABLE_INPUT
    except OSError as err:
        # Disk full, permission denied, a read-only folder: one line naming the path, never a traceback.
        from kpi.data.versions import refusal

        problem = refusal(err)
        if problem is None:
            raise
        message(f"kpi {args.command}: {problem}")
        return EXIT_UNUSABLE_INPUT
    except KeyboardInterrupt:
        message("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
