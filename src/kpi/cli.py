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
