"""National-scale benchmark (`make bench`; not part of `make test`): each piece of work beside its reference,
measured in the same run, interleaved, on synthetic data made here with `kpi demo --authorities N`.

    ingest        `kpi ingest` of the CSV extracts   vs  pyarrow.csv.read_csv of the same files
    indicators    `kpi indicators --by authority` for every quarter
                                                     vs  plain DuckDB SQL computing the same numerators and
                                                         denominators (benchmarks/reference.py), checked equal first
    pack          `kpi pack` of the demo authority   vs  papermill running an empty notebook + WeasyPrint
                                                         rendering one page (benchmarks/pack_floor.py)
    batch         `kpi pack --authority all --jobs 2`
                  for 22 Welsh authorities           vs  the same with --jobs 1 (one after another)

Each command runs in its own process; its wall time and peak memory (the process's maximum resident set,
from wait4) are taken, and the median of the runs is printed with rows per second and the ratio to the
reference. The table goes to benchmarks/results/<date>.md with the machine it ran on.

    .venv/bin/python benchmarks/run.py                        # one authority, Wales (22) and England (153)
    .venv/bin/python benchmarks/run.py --sizes 1x10 22x10 --runs 3 --skip pack batch
    .venv/bin/python benchmarks/run.py --sizes --skip pack             # the 22 authority packs alone
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

HERE = Path(__file__).resolve().parent
BIN = Path(sys.executable).parent
KPI = str(BIN / "kpi")
TODAY = "2026-11-22"
SIZES = ("1x10", "22x10", "153x10")  # authorities x years: one authority, Wales, England
BATCH_SIZE = "22x3"  # a quarter's packs for every Welsh authority, from three years of records


@dataclass
class Run:
    seconds: float
    peak_mb: float
    cpu: float = 0.0  # user + system seconds of the process and of every process it waited for


@dataclass
class Line:
    work: str
    size: str
    rows: int
    ours: Run
    reference: Run
    reference_name: str
    note: str = ""

    @property
    def ratio(self) -> float:
        return self.ours.seconds / self.reference.seconds


def timed(command: list[str], cwd: Path | None = None) -> Run:
    """Wall time and peak resident memory of one command run in its own process."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        error = process.stderr.read().decode(errors="replace")[-2000:]
        raise SystemExit(f"failed: {' '.join(command)}\n{error}")
    return Run(seconds, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime)


def interleaved(ours: list[str], reference: list[str], runs: int, before=None, cwd: Path | None = None
                ) -> tuple[Run, Run]:
    """Medians of `runs` runs of each, taken alternately so that the machine's state affects both alike."""
    mine, theirs = [], []
    for _ in range(runs):
        if before:
            before()
        mine.append(timed(ours, cwd))
        theirs.append(timed(reference, cwd))
    return _median(mine), _median(theirs)


def _median(runs: list[Run]) -> Run:
    return Run(statistics.median(r.seconds for r in runs), statistics.median(r.peak_mb for r in runs),
               statistics.median(r.cpu for r in runs))


# ------------------------------------------------------------------------------------------- the work


def make_national(folder: Path, size: str) -> Path:
    """Synthetic CSV extracts for `size` ("22x10": 22 authorities, 10 years) and their kpi.yml."""
    authorities, years = size.split("x")
    config = folder / "kpi.yml"
    subprocess.run([KPI, "demo", "--authorities", authorities, "--years", years, "--format", "csv",
                    "--out", str(folder / "raw"), "--config", str(config), "--today", TODAY],
                   check=True, stdout=subprocess.DEVNULL)
    return config


def bench_ingest(config: Path, size: str, runs: int) -> Line:
    raw = config.parent / "raw"
    files = sorted(str(p) for p in raw.glob("*.csv"))
    parse = [sys.executable, "-c", "import sys, pyarrow.csv as c\nfor f in sys.argv[1:]: c.read_csv(f)", *files]
    processed = config.parent / "data"

    def fresh():
        shutil.rmtree(processed, ignore_errors=True)

    ours, reference = interleaved([KPI, "ingest", "--config", str(config), "--quiet"], parse, runs, before=fresh)
    fresh()
    timed([KPI, "ingest", "--config", str(config), "--quiet"])  # leave the processed tables for what follows
    folder = processed_folder(config)
    arrow_mb = sum(arrow_bytes(p) for p in folder.glob("*.parquet")) / 2**20
    rows = sum(pq.read_metadata(p).num_rows for p in folder.glob("*.parquet"))
    note = f"peak {ours.peak_mb / arrow_mb:.1f}x the Arrow size of the tables loaded ({arrow_mb:,.0f} MB)"
    return Line("ingest", size, rows, ours, reference, "pyarrow.csv.read_csv", note)


def arrow_bytes(file: Path) -> int:
    """The size of a table in Arrow memory, worked out in a process of its own: this one must stay small,
    because a child process starts with its parent's resident memory as its peak."""
    code = "import sys, pyarrow.parquet as pq; print(pq.read_table(sys.argv[1]).nbytes)"
    return int(subprocess.run([sys.executable, "-c", code, str(file)], check=True, capture_output=True,
                              text=True).stdout)


def processed_folder(config: Path) -> Path:
    return (config.parent / "data" / "processed").resolve()


def quarters_of(config: Path) -> tuple[str, str]:
    """The first quarter a year after the data begin (so re-referrals and the change on last year have their
    year before) and the last quarter the data cover."""
    from kpi.time import periods as fp

    from kpi.data.processed import TablesOnDisk

    dates = TablesOnDisk({"contacts": processed_folder(config) / "contacts.parquet"}).dates("contacts")
    first, last = pd.Timestamp(dates["received_at"].min()), pd.Timestamp(dates["received_at"].max())
    year_on = pd.Period(first + pd.DateOffset(years=1), freq="Q-MAR") + 1
    final = pd.Period(last, freq="Q-MAR")
    final = final if last.normalize() == final.end_time.normalize() else final - 1
    return fp.code(year_on), fp.code(final)


def bench_indicators(config: Path, size: str, runs: int) -> Line:
    first, last = quarters_of(config)
    out = config.parent / "indicators.csv"
    ours = [KPI, "indicators", "--config", str(config), "--by", "authority", "--period", f"{first}..{last}",
            "--format", "csv", "--out", str(out)]
    reference_out = config.parent / "reference.csv"
    reference = [sys.executable, str(HERE / "reference.py"), str(processed_folder(config)), f"{first}..{last}",
                 "--out", str(reference_out), *timescale_of(config)]
    timed(ours), timed(reference)
    compared = check_equal(out, reference_out)
    mine, theirs = interleaved(ours, reference, runs)
    rows = pq.read_metadata(processed_folder(config) / "contacts.parquet").num_rows
    return Line("indicators", size, rows, mine, theirs, "DuckDB SQL (reference.py)",
                f"{compared:,} figures checked equal first")


def timescale_of(config: Path) -> list[str]:
    """The reference's options for the assessment timescale the national kpi.yml sets: 45 working days from
    the assessment's start in England, 42 from the referral in Wales."""
    from kpi.config import load_config

    settings = load_config(config)
    return ["--timescale", str(settings.timescale), "--timescale-from", settings.timescale_anchor]


def check_equal(ours: Path, reference: Path) -> int:
    """Every numerator and denominator of the reference equals ours; how many were compared."""
    mine = pd.read_csv(ours, dtype={"authority": "string"})
    theirs = pd.read_csv(reference, dtype={"authority": "string"})
    both = theirs.merge(mine, on=["authority", "period", "indicator_id"], how="left", suffixes=("_ref", ""))
    for column in ("numerator", "denominator"):
        a, b = both[f"{column}_ref"], both[column]
        same = ((a - b).abs() <= 1e-9 * a.abs().clip(lower=1)) | (a.isna() & b.isna())
        if not same.all():
            raise SystemExit(f"the figures differ from the reference:\n"
                             f"{both.loc[~same, ['authority', 'period', 'indicator_id', column + '_ref', column]].head(20)}")
    return len(both) * 2


def bench_pack(folder: Path, runs: int) -> Line:
    demo = folder / "pack"
    shutil.rmtree(demo, ignore_errors=True)
    demo.mkdir(parents=True)
    subprocess.run([KPI, "demo", "--today", TODAY], cwd=demo, check=True, stdout=subprocess.DEVNULL)
    subprocess.run([KPI, "ingest", "--quiet"], cwd=demo, check=True, stdout=subprocess.DEVNULL)
    ours = [KPI, "pack", "--period", "2026-27Q2", "--quiet"]
    floor = [sys.executable, str(HERE / "pack_floor.py"), str(demo / "floor")]
    mine, theirs = interleaved(ours, floor, runs, cwd=demo)
    pages = _pages(next((demo / "reports" / "2026-27Q2").glob("*.pdf")))
    return Line("one pack", "demo", pages, mine, theirs, "papermill empty notebook + WeasyPrint one page",
                f"{pages} pages")


def bench_batch(folder: Path, runs: int) -> Line:
    """Every authority's pack for the latest quarter (`kpi pack --authority all`), two at a time (`--jobs 2`)
    against one after another (`--jobs 1`), on Wales's 22 authorities over three years."""
    batch = folder / "batch"
    shutil.rmtree(batch, ignore_errors=True)
    batch.mkdir(parents=True)
    config = make_national(batch, BATCH_SIZE)
    timed([KPI, "ingest", "--config", str(config), "--quiet"])
    _, last = quarters_of(config)
    command = [KPI, "pack", "--config", str(config), "--authority", "all", "--period", last, "--quiet"]
    reports = batch / "reports"
    two, one = [], []
    for _ in range(runs):  # each run starts from no packs at all, as the other did
        for jobs, into in (("2", two), ("1", one)):
            shutil.rmtree(reports, ignore_errors=True)
            into.append(timed([*command, "--jobs", jobs]))
    summary = pd.read_csv(reports / f"{last}.authorities.csv", dtype=str, encoding="utf-8-sig")
    made = int(summary["status"].eq("ok").sum())
    if made != len(summary):
        raise SystemExit(f"only {made} of {len(summary)} authority packs were made:\n{summary}")
    mine, theirs = _median(two), _median(one)
    return Line("authority packs", BATCH_SIZE, made, mine, theirs, "the same one after another (--jobs 1)",
                f"--jobs 2 is {theirs.seconds / mine.seconds:.2f}x faster than --jobs 1 (rows: packs made)")


def _pages(pdf: Path) -> int:
    import pypdf

    return len(pypdf.PdfReader(pdf).pages)


# ------------------------------------------------------------------------------------------ the report


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return f"{os.cpu_count()} cores, {memory:.0f} GB, {platform.system()} {platform.release()}, Python " \
           f"{platform.python_version()}"


def _rate(per_second: float) -> str:
    return f"{per_second:,.0f}" if per_second >= 10 else f"{per_second:.2f}"  # packs a second are few


def table(lines: list[Line]) -> str:
    head = ("| work | size | rows | kpi wall | kpi peak | rows/s | reference | ref wall | ref peak | ratio | note |\n"
            "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---|")
    body = [f"| {x.work} | {x.size} | {x.rows:,} | {x.ours.seconds:.1f} s | {x.ours.peak_mb:,.0f} MB | "
            f"{_rate(x.rows / x.ours.seconds)} | {x.reference_name} | {x.reference.seconds:.1f} s | "
            f"{x.reference.peak_mb:,.0f} MB | {x.ratio:.1f}x | {x.note} |" for x in lines]
    return "\n".join([head, *body])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="*", default=list(SIZES), help="authorities x years, e.g. 22x10")
    parser.add_argument("--runs", type=int, default=3, help="runs of each, interleaved (the median is shown)")
    parser.add_argument("--skip", nargs="*", default=[], choices=["ingest", "indicators", "pack", "batch"])
    parser.add_argument("--batch-runs", type=int, default=1, help="runs of each batch (each is minutes long)")
    parser.add_argument("--keep", type=Path, help="make the data here and keep them (default: a temporary folder)")
    args = parser.parse_args()
    lines = []
    work = args.keep or Path(tempfile.mkdtemp(prefix="kpi-bench-"))
    try:
        for size in args.sizes:
            folder = work / size
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir(parents=True)
            started = time.perf_counter()
            config = make_national(folder, size)
            print(f"{size}: data made in {time.perf_counter() - started:.1f} s", flush=True)
            if "ingest" not in args.skip:
                lines.append(bench_ingest(config, size, args.runs))
                print(table(lines[-1:]).splitlines()[-1], flush=True)
            else:
                timed([KPI, "ingest", "--config", str(config), "--quiet"])
            if "indicators" not in args.skip:
                lines.append(bench_indicators(config, size, args.runs))
                print(table(lines[-1:]).splitlines()[-1], flush=True)
        if "pack" not in args.skip:
            lines.append(bench_pack(work, args.runs))
            print(table(lines[-1:]).splitlines()[-1], flush=True)
        if "batch" not in args.skip:
            lines.append(bench_batch(work, args.batch_runs))
    finally:
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
    report = f"# Benchmark {dt.date.today():%Y-%m-%d}\n\nMachine: {machine()}\n\n{table(lines)}\n"
    print("\n" + report)
    results = HERE / "results"
    results.mkdir(exist_ok=True)
    (results / f"{dt.date.today():%Y-%m-%d}.md").write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
