"""The `kpi` command: init, demo, check, ingest, indicators, commentary, pack, check-disclosure, translations,
front-door, screen.

Tables a command produces go to standard output (or --out); messages go to standard error, so
`kpi indicators ... --format csv > q3.csv` gives a clean file. A problem with the input ends the
run with one line naming the file and the problem, and exit status 2; never a traceback. So does a
full disk, a permission denied or a read-only folder, and a second ingest or pack of the same
folder while one is running. EXIT_CODES says what every exit status means; `kpi --help` and the
README list them.

To add a command: write `_cmd_<name>(args) -> int`, then in `build_parser` make its parser with
`_command(commands, "<name>", "<one line>", examples=[...], exits=(...))`, add its options and
`set_defaults(run=_cmd_<name>)`. Any new exit status goes in EXIT_CODES (and so in the help and the README).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterable, Sequence
from pathlib import Path

from kpi.errors import UnusableInput

EXIT_OK = 0
EXIT_REJECTED_ROWS = 1
EXIT_UNUSABLE_INPUT = 2
EXIT_PACK_FAILED = 3
EXIT_DISCLOSURE = 4  # a public output would let a reader work out a small count of children
EXIT_INTERRUPTED = 130  # Ctrl+C, as a shell reports it (128 + SIGINT)

# Every status `kpi` can end with, in the words `kpi --help` and the README use.
EXIT_CODES = {
    EXIT_OK: "success",
    EXIT_REJECTED_ROWS: "kpi ingest --strict: at least one row was rejected (the tables are written all the same; "
                        "the reasons are in data/processed/rejected/); kpi check: rows would be rejected",
    EXIT_UNUSABLE_INPUT: "unusable input: a file missing, empty or damaged, a mistake in kpi.yml or on the command "
                         "line, a period the extracts do not cover, a full disk or a folder that cannot be written, "
                         "or another run of the same folder; one line says which",
    EXIT_PACK_FAILED: "kpi pack: the pack failed (the notebook cell and its error are named); the previous pack "
                      "of the period is kept",
    EXIT_DISCLOSURE: "disclosure risk: a count of 1 to 5 children (the threshold) could be worked out from a public "
                     "output (kpi pack writes nothing; kpi check-disclosure lists the figures)",
    EXIT_INTERRUPTED: "interrupted (Ctrl+C)",
}


def exit_codes_text(codes: Iterable[int] = EXIT_CODES) -> str:
    """The exit statuses as a help epilog lists them."""
    import textwrap

    lines = ["exit status:"]
    for code in codes:
        lines += textwrap.wrap(EXIT_CODES[code], width=88, initial_indent=f"  {code:<4}", subsequent_indent=" " * 6)
    return "\n".join(lines)


def progress_wanted(quiet: bool) -> bool:
    """Progress bars only for a person watching: not with --quiet, and not into a log, a pipe or CI."""
    return not quiet and sys.stderr.isatty()


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
    if args.authorities is None:
        national_only = [f"--{name}" for name in ("years", "format", "nation") if getattr(args, name) is not None]
        if national_only:
            raise UnusableInput(f"{', '.join(national_only)}: only with --authorities N (national data)")
        from kpi.demo import write_demo

        written = write_demo(out=args.out or Path("data/raw/demo"), seed=args.seed, config_path=args.config,
                             today=args.today)
    else:
        from kpi.demo.national import DEFAULT_OUT, DEFAULT_YEARS, write_national

        written = write_national(out=args.out or DEFAULT_OUT, authority_count=args.authorities,
                                 years=DEFAULT_YEARS if args.years is None else args.years, seed=args.seed,
                                 today=args.today,
                                 file_format=args.format or "csv", nation=args.nation, config_path=args.config)
    for line in written.summary():
        message(line)
    return EXIT_OK


def _cmd_ingest(args: argparse.Namespace) -> int:
    from kpi.config import load_config
    from kpi.data.ingest import ingest
    from kpi.data.ingest_outputs import summary_lines
    from kpi.data.progress import ProgressBars

    config = load_config(args.config)
    # Bars on standard error while files are read and large tables checked (none in a log or a pipe).
    result = ingest(config, progress=None if args.quiet else ProgressBars())
    for line in summary_lines(result):
        print(line)
    if args.strict and result.rows_rejected:
        message(f"--strict: {result.rows_rejected} row(s) were rejected")
        return EXIT_REJECTED_ROWS
    return EXIT_OK


def _cmd_check(args: argparse.Namespace) -> int:
    from kpi.data.progress import ProgressBars
    from kpi.officers.check import run_check

    return run_check(args.config, say=message, progress=None if args.quiet else ProgressBars())


def _cmd_init(args: argparse.Namespace) -> int:
    from kpi.officers.init import init_project

    for line in init_project(args.folder).summary():
        message(line)
    return EXIT_OK


def _cmd_indicators(args: argparse.Namespace) -> int:
    from kpi.catalogue import catalogue
    from kpi.data.cells import write_csv
    from kpi.config import load_config
    from kpi.words.formatting import as_text_table

    config = load_config(args.config)
    if args.list:
        for indicator in catalogue(config.targets).values():
            print(f"{indicator.id:<40} {indicator.title['en']}")
        return EXIT_OK
    from kpi.compare.table import indicator_table

    period = args.period
    if args.as_at:
        from kpi.time import periods as fp

        if period != "latest":
            raise UnusableInput("give --period or --as-at, not both (--as-at 2018-12-17 is the period of that day)")
        period = fp.code(fp.as_at(args.as_at))
    table = indicator_table(config, period, by=args.by, authority=args.authority)
    by = args.by or ("authority" if args.authority else None)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        write_csv(table, args.out) if args.format == "csv" else args.out.write_text(
            as_text_table(table, by=by) + "\n", encoding="utf-8")
        message(f"wrote {len(table)} rows to {args.out}")
    elif args.format == "csv":
        write_csv(table, sys.stdout)
    else:
        print(as_text_table(table, by=by))
    unavailable = int(table["status"].eq("unavailable").sum())
    if unavailable:
        message(f"{unavailable} value(s) unavailable; the reason column says why")
    if by is None and _charted_quarterly(table["period"].iloc[-1]):
        _suggest_rebases(config, table)
    return EXIT_OK


def _charted_quarterly(period_code: str) -> bool:
    """Whether the pack's quarterly SPC charts speak of this period (not of a month, week or day)."""
    from kpi.time import periods as fp

    return fp.kind(fp.parse_period(period_code)) in ("quarter", "half", "year_to_date", "year")


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
    require_covered(data, resolve(args.period, data.last_date, config.week_ending).latest)
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
    return EXIT_OK


def _cmd_pack(args: argparse.Namespace) -> int:
    from kpi.pack.disclosure_check import DisclosureRisk
    from kpi.pack.export import PackFailed, make_pack

    if args.authority is not None:  # a pack per authority of national data (kpi.pack.batch)
        from kpi.pack.batch import make_authority_packs

        if args.jobs is not None and args.jobs < 1:
            raise UnusableInput(f"--jobs {args.jobs}: give 1 or more")
        batch = make_authority_packs(args.config, args.period, args.authority, jobs=args.jobs, language=args.language,
                                     audience=args.audience, out=args.out, progress=progress_wanted(args.quiet),
                                     say=message, allow_empty=args.allow_empty)
        for line in batch.lines():
            print(line)
        for line in batch.failure_lines():
            message(line)
        return EXIT_PACK_FAILED if batch.failed else EXIT_OK
    if args.jobs is not None:
        raise UnusableInput("--jobs: only with --authority (a pack for each authority of national data)")
    try:
        result = make_pack(args.config, args.period, language=args.language, audience=args.audience, out=args.out,
                           progress=progress_wanted(args.quiet), say=message, allow_empty=args.allow_empty)
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
    return EXIT_OK


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
    return EXIT_OK


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
        return EXIT_OK
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
    return EXIT_OK


def _cmd_front_door(args: argparse.Namespace) -> int:
    from kpi.officers.front_door_export import make_front_door
    from kpi.pack.export import PackFailed

    try:
        written = make_front_door(args.config, args.week, language=args.language, audience=args.audience,
                                  out=args.out, progress=progress_wanted(args.quiet), say=message)
    except PackFailed as err:
        message(f"kpi front-door: {err}")
        return EXIT_PACK_FAILED
    print(f"Front-door report for {written.folder.name} written to {written.folder}:")
    for path in written.files:
        print(f"  {path}")
    return EXIT_OK


def _cmd_screen(args: argparse.Namespace) -> int:
    from kpi.config import load_config
    from kpi.data.processed import load_processed
    from kpi.officers.screen import write_screen

    config = load_config(args.config)

    def rebuild_page() -> None:
        page = write_screen(config, load_processed(config), args.out, as_at=args.as_at, language=args.language)
        message(f"wrote {page}")

    if not args.watch:
        rebuild_page()
        return EXIT_OK
    from kpi.data.ingest import ingest
    from kpi.officers.screen_watch import watch

    if config.screen.watch is None:
        message("kpi screen: --watch needs the folder to watch: set screen: watch: <folder> in kpi.yml")
        return EXIT_UNUSABLE_INPUT

    def ingest_and_rebuild() -> None:
        ingest(config)
        rebuild_page()

    try:
        watch(config.resolve(config.screen.watch), ingest_and_rebuild, every=args.every, say=message)
    except KeyboardInterrupt:
        message("stopped watching")
    return EXIT_OK


def _command(commands, name: str, summary: str, *, examples: Sequence[str], exits: Sequence[int] = (0, 2),
             more: str = "") -> argparse.ArgumentParser:
    """A subcommand's parser: `summary` (one line) in `kpi --help` and atop `kpi <name> --help`, then
    `more` (a paragraph), and after the options its examples and the exit statuses it can end with."""
    import textwrap

    epilog = "example" + ("s" if len(examples) > 1 else "") + ":\n" + "\n".join(f"  {e}" for e in examples)
    description = summary + (f"\n\n{textwrap.fill(more, width=88)}" if more else "")
    return commands.add_parser(name, help=summary, description=description,
                               epilog=f"{epilog}\n\n{exit_codes_text(exits)}",
                               formatter_class=argparse.RawDescriptionHelpFormatter)


MAIN_EPILOG = """\
the quarterly round (README.md says more):
  kpi demo                         a made-up authority to try it on, or
  kpi init                         a folder of your own: a starter kpi.yml and the notebooks
  kpi check                        check kpi.yml, the catalogues and the extracts, writing nothing
  kpi ingest                       check and load the extracts named in kpi.yml
  kpi commentary                   the workbook that service managers fill in
  kpi pack --language both         the committee's PDF, HTML and Excel workbook, Welsh and English

Each command has its own help, with examples: kpi pack --help.
Tables go to standard output and messages to standard error. CSV files are UTF-8 with a
byte-order mark, so that Excel shows Welsh letters as they are.
"""


class _ShowVersion(argparse.Action):
    """`kpi --version`: the version is looked up only when asked for (see kpi.__getattr__)."""

    def __init__(self, option_strings, dest=argparse.SUPPRESS, default=argparse.SUPPRESS,
                 help="show program's version number and exit"):
        super().__init__(option_strings, dest=dest, default=default, nargs=0, help=help)

    def __call__(self, parser, namespace, values, option_string=None):
        from kpi import __version__

        print(f"kpi {__version__}")
        parser.exit()


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="kpi", description="Quarterly performance packs for a children's services scrutiny committee.",
        epilog=f"{MAIN_EPILOG}\n{exit_codes_text()}", formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--version", action=_ShowVersion)
    commands = parser.add_subparsers(dest="command", required=True, metavar="command")

    init = _command(commands, "init", "start a project folder: a starter kpi.yml and the notebooks beside it",
                    examples=["kpi init", "kpi init council-kpis"],
                    more="Writes <folder>/kpi.yml (the authority to fill in, every source commented out with a "
                         "placeholder path under data/raw/), makes data/raw/ for the extracts and copies the "
                         "notebooks kpi came with into <folder>/notebooks/, where kpi pack runs them from. "
                         "Nothing already there is overwritten: an existing kpi.yml or notebook is kept as it is.")
    init.add_argument("folder", nargs="?", default=Path("."), type=Path,
                      help="the project folder (default: this one; made if it does not exist)")
    init.set_defaults(run=_cmd_init)

    demo = _command(commands, "demo", "write a synthetic demo authority's extracts and a kpi.yml",
                    examples=["kpi demo", "kpi demo --today 2026-11-22 --out data/raw/demo",
                              "kpi demo --authorities 22 --years 10 --config national.yml",
                              "kpi demo --authorities 153 --years 10 --format parquet"],
                    more="Every record is made up (no real person is in it); the same seed gives the same data. "
                         "An existing kpi.yml is never overwritten. With --authorities N: national data instead, "
                         "a national analyst's records of N authorities (Wales for up to 22, else England; real "
                         "codes and names), one contacts, assessments and caseloads file each, with an authority "
                         "column; ids are unique only within an authority.")
    demo.add_argument("--out", type=Path,
                      help="where the extracts go (default: data/raw/demo; data/raw/national with --authorities)")
    demo.add_argument("--authorities", type=int, metavar="N",
                      help="national data for N authorities instead of the single demo authority")
    demo.add_argument("--years", type=int, metavar="Y",
                      help="with --authorities: Y whole financial years and the current one's complete quarters "
                           "(default: 10)")
    demo.add_argument("--format", choices=("csv", "parquet"),
                      help="with --authorities: csv (default) or parquet (a warehouse export); kpi ingest reads either")
    demo.add_argument("--nation", choices=("wales", "england"),
                      help="with --authorities: wales or england (default: wales for up to 22 authorities)")
    demo.add_argument("--seed", default=2017, type=int, help="random seed (the same seed gives the same data)")
    demo.add_argument("--config", default=Path("kpi.yml"), type=Path,
                      help="where to write the demo config (never overwrites an existing file)")
    demo.add_argument("--today", type=_iso_date, help="pretend today is this date (YYYY-MM-DD): the data end with the "
                      "latest complete quarter before it")
    demo.set_defaults(run=_cmd_demo)

    check = _command(commands, "check", "check kpi.yml, the catalogues and every extract without writing anything",
                     examples=["kpi check", "kpi check --config council.yml --quiet"], exits=(0, 1, 2),
                     more="A dry run of kpi ingest: kpi.yml, indicators.yml, tables.yml and categories.yml are "
                          "checked, every extract is read and judged as kpi ingest would, and its summary is "
                          "printed, but nothing is written (no tables, no rejected rows, no report, no pseudonym "
                          "key). Exit 1 if rows would be rejected, 2 if something cannot be used.")
    _config_argument(check)
    check.add_argument("--quiet", action="store_true",
                       help="no progress bars (there are none either when standard error is not a terminal)")
    check.set_defaults(run=_cmd_check)

    ingest = _command(commands, "ingest", "check and load the extracts named in kpi.yml into canonical tables",
                      examples=["kpi ingest", "kpi ingest --config council.yml --strict"], exits=(0, 1, 2),
                      more="Accepted rows go to data/processed/<table>.parquet, rejected rows with their reasons to "
                           "data/processed/rejected/<table>.csv, a line per file to data/processed/ingest_report.csv "
                           "(CSVs in UTF-8 with a byte-order mark, for Excel). Progress bars are drawn on standard "
                           "error when it is a terminal; the summary goes to standard output.")
    _config_argument(ingest)
    ingest.add_argument("--strict", action="store_true", help="exit with status 1 if any row was rejected")
    ingest.add_argument("--quiet", action="store_true",
                        help="no progress bars (there are none either when standard error is not a terminal)")
    ingest.set_defaults(run=_cmd_ingest)

    indicators = _command(commands, "indicators", "the indicator table for any period, or a range of periods",
                          examples=["kpi indicators --period 2018-19Q3",
                                    "kpi indicators --period 2016-17Q4..2018-19Q3 --format csv > quarters.csv",
                                    "kpi indicators --period we2017-02-10",
                                    "kpi indicators --as-at 2018-12-17",
                                    "kpi indicators --list"],
                          more="CSV is UTF-8 with a byte-order mark when it goes to a file (--out, or > file.csv), "
                               "so Excel shows Welsh letters; to a terminal or a pipe it has no mark.")
    _config_argument(indicators)
    indicators.add_argument("--period", default="latest",
                            help="a quarter 2018-19Q3, half-year 2018-19H1 or year 2018-19; a month 2017-02, an ISO "
                                 "week 2017-W06, a reporting week we2017-02-10 (ending on kpi.yml's week_ending "
                                 "day), dates 2017-02-04/2017-02-10 or a day 2018-12-17; a range A..B; or latest "
                                 "(default: the latest complete quarter)")
    indicators.add_argument("--as-at", metavar="DATE",
                            help="the figures for that day, e.g. 2018-12-17: the open assessments and those past "
                                 "the timescale on that day (instead of --period)")
    indicators.add_argument("--format", choices=("csv", "table"), default="table",
                            help="table (default): aligned text; csv: for Excel or another program")
    indicators.add_argument("--out", type=Path, help="write to this file instead of standard output")
    indicators.add_argument("--by", choices=("team", "authority"),
                            help="also break down by team or authority (data holding several authorities' records: "
                                 "each authority and the nation, in one pass)")
    indicators.add_argument("--authority", metavar="CODE",
                            help="only this authority's figures (with --by team, its teams), from data holding "
                                 "several authorities' records")
    indicators.add_argument("--list", action="store_true", help="list the indicators in the catalogue")
    indicators.set_defaults(run=_cmd_indicators)

    commentary = _command(commands, "commentary", "write the commentary workbook for service managers",
                          examples=["kpi commentary --period 2018-19Q3"],
                          more="reports/<period>/commentary.xlsx: a row per indicator with its latest value and "
                               "RAG; running it again keeps what the managers wrote.")
    _config_argument(commentary)
    commentary.add_argument("--period", default="latest", help="the quarter, e.g. 2018-19Q3 (default: latest)")
    commentary.add_argument("--out", type=Path, help="reports folder (default: the config's reports folder)")
    commentary.set_defaults(run=_cmd_commentary)

    pack = _command(commands, "pack", "run the quarterly pack notebook and export PDF, HTML and Excel",
                    examples=["kpi pack --period 2018-19Q3 --language both",
                              "kpi pack --period 2018-19H1 --audience restricted --quiet",
                              "kpi pack --config national.yml --period 2026-27Q2 --authority all --jobs 2"],
                    exits=(0, 2, 3, 4),
                    more="Writes reports/<period>/pack.<language>.{pdf,html,xlsx,ipynb,figures.csv} and "
                         "manifest.json; a restricted draft goes to reports/<period>/restricted/. A public pack "
                         "from which a small count of children could be worked out is never written (status 4). "
                         "With --authority, data holding several authorities' records give a pack per authority "
                         "in reports/<code>/<period>/, ranked among all of them, and reports/<period>.authorities."
                         "csv says which were made and why any failed (status 3 if any did).")
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
    pack.add_argument("--quiet", action="store_true",
                      help="no progress bar (there is none either when standard error is not a terminal)")
    pack.add_argument("--authority", metavar="CODE",
                      help="data holding several authorities' records: all (a pack for each authority) or one "
                           "authority's code; each pack goes to reports/<code>/<period>/")
    pack.add_argument("--jobs", type=int, metavar="N",
                      help="with --authority: make N packs at a time (default: the number of processors)")
    pack.set_defaults(run=_cmd_pack)

    disclosure = _command(commands, "check-disclosure", "check a pack workbook: can a reader work out a count of "
                     "1 to 5 children from it? (exit 4 if so)",
                     examples=["kpi check-disclosure reports/2018-19Q3/pack.en.xlsx",
                               "kpi check-disclosure pack.cy.xlsx --style welsh_government"], exits=(0, 2, 4),
                     more="Re-derives every count a reader could compute from the workbook (totals minus parts, "
                          "percentages times denominators, earlier periods) and prints each one found.")
    disclosure.add_argument("workbook", type=Path, help="a pack workbook, e.g. reports/2018-19Q3/pack.en.xlsx")
    disclosure.add_argument("--threshold", type=int, default=5, help="counts of children from 1 to this must not be "
                       "recoverable (default 5)")
    disclosure.add_argument("--style", choices=("dfe", "welsh_government"), default="dfe",
                       help="welsh_government: counts are rounded to 5, so only the counts shown are checked")
    disclosure.set_defaults(run=_cmd_check_disclosure)

    words = _command(commands, "translations", "list the Welsh still to be checked by a Welsh speaker, or "
                     "import the checked Welsh",
                     examples=["kpi translations --status --out status.xlsx",
                               "kpi translations --import status.xlsx"],
                     more="--status lists every Welsh string not yet checked, for the council's translation unit; "
                          "--import takes their reviewed file back into the Welsh catalogue.")
    action = words.add_mutually_exclusive_group(required=True)
    action.add_argument("--status", action="store_true", help="list every Welsh string not yet checked (fuzzy "
                        "entries of kpi.po, indicators.yml entries with welsh_reviewed: false)")
    action.add_argument("--import", dest="import_file", type=Path, metavar="FILE",
                        help="a reviewed .xlsx or .csv from --status, or a .po: its reviewed Welsh replaces the "
                        "catalogue's and clears the fuzzy marks")
    words.add_argument("--out", type=Path, help="with --status: write status.csv (UTF-8 with a byte-order mark, for "
                       "Excel) or status.xlsx instead of CSV on standard output")
    words.add_argument("--catalogue", type=Path, help="the Welsh .po catalogue (default: the one the pack uses)")
    words.add_argument("--indicators", type=Path, help="the indicator catalogue (default: the one the pack uses)")
    words.set_defaults(run=_cmd_translations)

    front_door = _command(commands, "front-door", "the weekly front-door report: contacts, decisions, outcomes, "
                          "the police's share and 52 weeks of SPC",
                          examples=["kpi front-door", "kpi front-door --week we2017-02-10 --audience public"],
                          exits=(0, 2, 3),
                          more="Runs notebooks/front_door_weekly.ipynb and writes reports/front-door/<week>/"
                               "front_door.<language>.{pdf,html,ipynb}. The restricted report (the default, for "
                               "managers) lists the contacts awaiting a decision by pseudonym and goes to "
                               "restricted/ with RESTRICTED in its names; a public one shows counts only, small "
                               "numbers withheld.")
    _config_argument(front_door)
    front_door.add_argument("--week", default="latest", help="we2017-02-10 (the week's last day), 2017-W06, a date "
                            "in the week, or latest (default: the latest complete week in the contacts)")
    front_door.add_argument("--audience", default="restricted", choices=("restricted", "public"),
                            help="restricted (default): for managers; public: counts only, small numbers withheld")
    front_door.add_argument("--language", default="en", choices=("en", "cy"), help="en (English) or cy (Welsh)")
    front_door.add_argument("--out", type=Path, help="reports folder (default: the config's reports folder)")
    front_door.add_argument("--quiet", action="store_true",
                            help="no progress bar (there is none either when standard error is not a terminal)")
    front_door.set_defaults(run=_cmd_front_door)

    screen = _command(commands, "screen", "write the front-door screen: one self-contained web page of today's and "
                      "this week's contacts and the open-work traffic light",
                      examples=["kpi screen --out screen/", "kpi screen --out screen/ --watch --every 60"],
                      more="Writes <out>/index.html: no scripts and nothing fetched from elsewhere, large type, "
                           "colours with words; it reloads itself every screen: refresh_minutes (kpi.yml) if set. "
                           "--watch runs kpi ingest and rewrites the page whenever a new extract lands in the "
                           "folder screen: watch names in kpi.yml; Ctrl+C stops it.")
    _config_argument(screen)
    screen.add_argument("--out", default=Path("screen"), type=Path, help="the folder for index.html (default: screen)")
    screen.add_argument("--as-at", type=_iso_date, help="the day to show (default: today, or the last day with "
                        "contacts if the data end before it)")
    screen.add_argument("--language", default="en", choices=("en", "cy"), help="en (English) or cy (Welsh)")
    screen.add_argument("--watch", action="store_true", help="keep watching for new extracts (until Ctrl+C)")
    screen.add_argument("--every", type=float, default=30.0, metavar="SECONDS",
                        help="with --watch: look for new extracts this often (default: 30 seconds)")
    screen.set_defaults(run=_cmd_screen)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UnusableInput as err:
        message(f"kpi {args.command}: {err}")
        return EXIT_UNUSABLE_INPUT
    except BrokenPipeError:
        # The reader of standard output stopped early (`kpi indicators --format csv | head`): that is its
        # choice, not a fault. Nothing more can be written there; Python's flush at exit must not fail either.
        import os

        try:
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        except (OSError, ValueError):  # standard output is not a file descriptor: nothing to quieten
            pass
        return EXIT_OK
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
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    sys.exit(main())
