"""What holds back the two ratios that benchmarks/run.py still finds above their goals: the ingest (goal: 4x
the pyarrow parse) and one pack (goal: 2x papermill running an empty notebook + WeasyPrint writing one page).

Each is timed beside its floor and beside the least of its own work, interleaved as run.py does:

    ingest     `kpi ingest` of 22 authorities x 10 years
               vs  pyarrow.csv.read_csv of the same files (the floor)
               and the least ingest: parse, pseudonymise the ids, write parquet, nothing checked
                   (benchmarks/least_ingest.py)
    one pack   `kpi pack` of the demo authority
               vs  benchmarks/pack_floor.py (the floor)
               and WeasyPrint alone writing the pack's own HTML to its tagged PDF, as the pack does
                   (kpi.pack.export.to_pdf in a process of its own: importing it, WeasyPrint's layout and
                   writing, and the repairs to the PDF's tags)

For each it prints the wall time, the CPU time (user + system, of the process and of every process it waited
for: the kernel and the chart workers of a pack) and the least wall time that CPU time allows on this
machine's cores (CPU / cores, were every second of it spread perfectly), each as a multiple of the floor's
wall time. A goal below the least wall time cannot be reached without doing less work. The table is added
to benchmarks/results/<date>.md.

    .venv/bin/python benchmarks/limits.py [--runs 3] [--keep FOLDER]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from run import HERE, KPI, TODAY, Run, _median, machine, make_national, timed

INGEST_SIZE = "22x10"


def alternately(commands: dict[str, list[str]], runs: int, before=None, cwd: Path | None = None
                ) -> dict[str, Run]:
    """The median run of each command, the commands taken in turn (A B C A B C ...)."""
    found: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(runs):
        for name, command in commands.items():
            if before:
                before()
            found[name].append(timed(command, cwd))
    return {name: _median(taken) for name, taken in found.items()}


def ingest_limits(folder: Path, runs: int) -> tuple[str, dict[str, Run]]:
    config = make_national(folder, INGEST_SIZE)
    files = sorted(str(p) for p in (folder / "raw").glob("*.csv"))
    processed, least = folder / "data", folder / "least"

    def fresh():
        shutil.rmtree(processed, ignore_errors=True)
        shutil.rmtree(least, ignore_errors=True)

    parse = [sys.executable, "-c", "import sys, pyarrow.csv as c\nfor f in sys.argv[1:]: c.read_csv(f)", *files]
    return "pyarrow.csv.read_csv", alternately({
        "`kpi ingest`": [KPI, "ingest", "--config", str(config), "--quiet"],
        "pyarrow.csv.read_csv": parse,
        "least ingest (least_ingest.py)": [sys.executable, str(HERE / "least_ingest.py"), str(least), *files],
    }, runs, before=fresh)


def pack_limits(folder: Path, runs: int) -> tuple[str, dict[str, Run]]:
    subprocess.run([KPI, "demo", "--today", TODAY], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([KPI, "ingest", "--quiet"], cwd=folder, check=True, stdout=subprocess.DEVNULL)
    pack = [KPI, "pack", "--period", "2026-27Q2", "--quiet"]
    timed(pack, folder)  # the HTML that WeasyPrint is given alone
    html = folder / "reports" / "2026-27Q2" / "pack.en.html"
    alone = folder / "weasyprint-alone"
    alone.mkdir()
    shutil.copy(html, alone / "pack.en.html")
    pdf = ("import sys; from pathlib import Path; from kpi.pack.export import to_pdf\n"
           "page = Path(sys.argv[1]); to_pdf(page.read_text(encoding='utf-8'), page.with_suffix('.pdf'), page.parent)")
    return "pack_floor.py", alternately({
        "`kpi pack`": pack,
        "pack_floor.py": [sys.executable, str(HERE / "pack_floor.py"), str(folder / "floor")],
        "WeasyPrint alone, the pack's HTML": [sys.executable, "-c", pdf, str(alone / "pack.en.html")],
    }, runs, cwd=folder)


def table(work: str, floor: str, runs: dict[str, Run]) -> str:
    cores = os.cpu_count() or 1
    base = runs[floor].seconds
    lines = [f"| {work}: {name} | {run.seconds:.2f} s | {run.seconds / base:.1f}x | {run.cpu:.2f} s | "
             f"{run.cpu / cores:.2f} s | {run.cpu / cores / base:.1f}x |" for name, run in runs.items()]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs of each, in turn (the median is shown)")
    parser.add_argument("--keep", type=Path, help="make the data here and keep them (default: a temporary folder)")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="kpi-limits-"))
    cores = os.cpu_count() or 1
    head = (f"| work | wall | x floor | CPU | CPU / {cores} cores | x floor |\n"
            "|---|---:|---:|---:|---:|---:|")
    rows = []
    try:
        for name, place, measure in (("ingest " + INGEST_SIZE, "ingest", ingest_limits),
                                     ("one pack, demo", "pack", pack_limits)):
            folder = work / place
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            floor, runs = measure(folder, args.runs)
            rows.append(table(name, floor, runs))
            print(rows[-1], flush=True)
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report = (f"\n## What limits the ratios ({dt.datetime.now():%Y-%m-%d %H:%M}, benchmarks/limits.py, "
              f"median of {args.runs})\n\nMachine: {machine()}\n\n{head}\n" + "\n".join(rows) + "\n")
    print(report)
    results = HERE / "results" / f"{dt.date.today():%Y-%m-%d}.md"
    results.parent.mkdir(exist_ok=True)
    with results.open("a", encoding="utf-8") as handle:
        handle.write(report)


if __name__ == "__main__":
    main()
