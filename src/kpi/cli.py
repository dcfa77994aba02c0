"""The `kpi` command: demo, ingest, indicators, commentary, pack.

Tables a command produces go to standard output (or --out); messages go to standard error, so
`kpi indicators ... --format csv > q3.csv` gives a clean file. A problem with the input ends the
run with one line naming the file and the problem, and exit status 2; never a traceback.
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


def message(text: str) -> None:
    """A line for the person at the keyboard (standard error, never mixed into a table)."""
    print(text, file=sys.stderr, flush=True)


def _config_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", default="kpi.yml", type=Path, help="the config file (default: ./kpi.yml)")


def _cmd_demo(args: argparse.Namespace) -> int:
    from kpi.demo import write_demo

    written = write_demo(out=args.out, seed=args.seed, config_path=args.config)
    for line in written.summary():
        message(line)
    return 0


def _cmd_ingest(args: argparse.Namespace) -> int:
    from kpi.config import load_config
    from kpi.ingest import ingest, summary_lines

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
    from kpi.config import load_config
    from kpi.presentation import as_text_table

    config = load_config(args.config)
    if args.list:
        for indicator in catalogue(config.targets).values():
            print(f"{indicator.id:<40} {indicator.title['en']}")
        return 0
    from kpi.indicator_table import indicator_table

    table = indicator_table(config, args.period, by=args.by)
    if args.out:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        table.to_csv(args.out, index=False) if args.format == "csv" else args.out.write_text(
            as_text_table(table, by=args.by) + "\n", encoding="utf-8")
        message(f"wrote {len(table)} rows to {args.out}")
    elif args.format == "csv":
        table.to_csv(sys.stdout, index=False)
    else:
        print(as_text_table(table, by=args.by))
    unavailable = int(table["status"].eq("unavailable").sum())
    if unavailable:
        message(f"{unavailable} value(s) unavailable; the reason column says why")
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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    try:
        return args.run(args)
    except UnusableInput as err:
        message(f"kpi {args.command}: {err}")
        return EXIT_UNUSABLE_INPUT
    except KeyboardInterrupt:
        message("interrupted")
        return 130


if __name__ == "__main__":
    sys.exit(main())
