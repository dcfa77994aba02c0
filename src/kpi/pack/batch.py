"""`kpi pack --authority all`: a pack for every authority in data that hold several authorities' records.

Each authority's pack is an ordinary single-authority pack (kpi.pack.export.make_pack, untouched), made
from its own processed tables and its own kpi.yml, so it is the pack that authority would make itself:

1. The processed tables are split by authority once (kpi.data.by_authority) into a work folder under
   <reports>/versions/, removed when the run ends: pseudonymised records are not left lying about, and
   what a killed run leaves is swept by the next (kpi.data.versions).
2. How each authority compares comes from the data themselves (kpi.compare.national: every authority and
   the nation in one engine pass), unless the national kpi.yml loads published comparators, which are
   then used as they are.
3. Each authority gets a kpi.yml: the national one with the authority's name and code, its own processed
   folder, and <reports>/<code> for its packs (the usual <period>/pack.en.pdf ... inside).
4. The packs are made in worker processes, `jobs` at a time, started with "spawn" (a forked copy of this
   process would inherit DuckDB's and matplotlib's threads mid-flight); one progress bar counts them.
   One authority's failure is written down and the others go on; a pack whose Jupyter kernel could not
   start (kernels pick their own ports, and two can collide) is tried once more.
5. Each worker keeps its Jupyter kernel from one pack to the next, made as good as fresh in between
   (kpi.pack.kernels): about two seconds of starting and importing saved on every pack after a worker's
   first. A pack that fails costs its worker the kernel.

<reports>/<period>.authorities.csv lists every authority: ok or failed, its folder, seconds, and why.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.util
import os
import re
import shutil
import sys
import time
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd
import yaml

from kpi.compare.national import covered_years, national_comparators
from kpi.config import Config, load_config
from kpi.data.by_authority import authorities_in, split_processed
from kpi.data.cells import from_csv_text, write_csv
from kpi.data.files import write_atomically
from kpi.data.processed import ProcessedData, load_processed, require_covered
from kpi.data.versions import VersionedFolder, refusals_as_one_line
from kpi.errors import UnusableInput
from kpi.pack.drawing import processors
from kpi.pack.kernels import KeptKernel
from kpi.pack.notebooks import FOLDER as NOTEBOOKS
from kpi.pack.periods import pack_period
from kpi.time import periods as fp

ALL_AUTHORITIES = "all"
OK, FAILED = "ok", "failed"
SUMMARY_COLUMNS = ["authority", "name", "status", "folder", "seconds", "reason"]
COMPARATORS_FILE = "comparators.parquet"
# What a Jupyter kernel that could not start says (a port taken by another kernel between choosing and binding).
KERNEL_TROUBLE = re.compile(r"Address already in use|Kernel died|Kernel didn't respond|DeadKernelError|"
                            r"kernel_info|Kernel not responding", re.IGNORECASE)


@dataclass(frozen=True)
class Job:
    """One authority's pack, as a worker process makes it (plain values: it is sent to another process)."""

    code: str
    name: str
    config: Path
    folder: Path  # where its pack goes: <reports>/<code>/<period>
    period: str
    language: str
    audience: str
    allow_empty: bool
    chart_workers: int = 1  # processes drawing its charts (the processors the other packs leave free)


@dataclass(frozen=True)
class Outcome:
    """What became of one authority's pack."""

    code: str
    name: str
    status: str  # ok | failed
    folder: Path
    seconds: float
    reason: str = ""
    notes: tuple[str, ...] = ()


@dataclass
class Batch:
    """What `make_authority_packs` did, for the console and the summary file."""

    period: str
    outcomes: list[Outcome]
    summary: Path
    seconds: float = 0.0
    comparisons: str = ""

    @property
    def failed(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status != OK]

    def lines(self) -> list[str]:
        """A line per pack made, then where the summary is."""
        made = [f"  {o.code} {o.name}: {o.folder}" for o in self.outcomes if o.status == OK]
        return [f"{len(made)} of {len(self.outcomes)} authority packs for {self.period} made in {self.seconds:.0f} s:",
                *made, f"  summary: {self.summary}"]

    def failure_lines(self) -> list[str]:
        """The authorities whose pack failed, each with its one-line reason."""
        if not self.failed:
            return []
        return [f"{len(self.failed)} pack(s) failed:", *(f"  {o.code} {o.name}: {o.reason}" for o in self.failed)]


# ------------------------------------------------------------------------------------------ the run


def make_authority_packs(config_path: Path, period: str = "latest", authority: str = ALL_AUTHORITIES, *,
                         jobs: int | None = None, language: str = "en", audience: str = "public",
                         out: Path | None = None, progress: bool = True, say=print,
                         allow_empty: bool = False) -> Batch:
    """One pack per authority (or just `authority`, a code) of the national config's processed data, each in
    <reports>/<code>/<period>/, `jobs` at a time (default: one per processor)."""
    began = time.perf_counter()
    _check_choices(language, audience)
    national = load_config(config_path)
    data = load_processed(national)
    if not data.tables:
        raise UnusableInput(f"{national.processed_dir}: no processed tables; run `kpi ingest` first")
    codes = chosen_authorities(authorities_in(national.processed_dir), authority)
    chosen = pack_period(period, data, national)  # one period for every pack, even where an authority's data end sooner
    if not allow_empty:
        require_covered(data, chosen, hint="or add --allow-empty for empty packs")
    period_code, reports = fp.code(chosen), (out or national.reports_dir).resolve()
    batch = VersionedFolder(reports / f"{period_code}.authorities")
    with refusals_as_one_line(unchanged="the packs already made are unchanged"):
        reports.mkdir(parents=True, exist_ok=True)
        with batch.locked("kpi pack --authority"):
            batch.sweep()  # the split records a killed run left
            work = batch.work_folder("split")
            try:
                jobs_to_run, comparisons = prepare(national, data, codes, work, reports, period_code,
                                                   language=language, audience=audience, allow_empty=allow_empty,
                                                   say=say)
                workers = max(1, min(jobs or processors(), len(jobs_to_run)))
                say(f"Making {len(jobs_to_run)} pack(s) for {period_code}, {workers} at a time ...")
                spare = max(1, processors() // workers)
                jobs_to_run = [replace(job, chart_workers=spare) for job in jobs_to_run]
                outcomes = run_all(jobs_to_run, workers, progress)
            finally:
                shutil.rmtree(work, ignore_errors=True)
        summary = write_summary(outcomes, reports / f"{period_code}.authorities.csv",
                                replace=authority == ALL_AUTHORITIES)
    for outcome in outcomes:
        for note in outcome.notes:
            say(f"{outcome.code}: {note}")
    return Batch(period_code, outcomes, summary, time.perf_counter() - began, comparisons)


def _check_choices(language: str, audience: str) -> None:
    """A language or audience no pack can have stops the run before it starts, not once per authority."""
    from kpi.pack.outputs import AUDIENCES, LANGUAGES

    if audience not in AUDIENCES:
        raise UnusableInput(f"--audience {audience}: choose from {', '.join(AUDIENCES)}")
    if language not in (*LANGUAGES, "both"):
        raise UnusableInput(f"--language {language}: choose from {', '.join(LANGUAGES)} or both")


def chosen_authorities(known: list[str], authority: str) -> list[str]:
    """Every authority for `all`, else the one named: refused with one line when the data do not have it."""
    if not known:
        raise UnusableInput(f"--authority {authority}: the data name no authority (no `authority` column): they "
                            "are one authority's; run kpi pack without --authority")
    if authority == ALL_AUTHORITIES:
        return known
    if authority not in known:
        listed = ", ".join(known[:10]) + (f" and {len(known) - 10} more" if len(known) > 10 else "")
        raise UnusableInput(f"--authority {authority}: not in the data (the authorities are {listed}, or all)")
    return [authority]


def prepare(national: Config, data: ProcessedData, codes: list[str], work: Path, reports: Path, period: str, *,
            language: str, audience: str, allow_empty: bool, say) -> tuple[list[Job], str]:
    """Each authority's processed folder, comparators and kpi.yml under `work`; the jobs that make their packs,
    and a line saying where the comparisons come from."""
    say(f"Splitting the processed tables by authority ({len(codes)}) ...")
    folders = {code: work / code / "processed" for code in codes}
    split_processed(national.processed_dir, folders)
    comparisons = share_comparators(national, data, list(folders.values()), work)
    say(comparisons)
    jobs = []
    for code in codes:
        name = national.authorities.get(code, code)
        config = write_authority_config(national, code, name, folders[code], reports / code)
        jobs.append(Job(code, name, config, reports / code / period, period, language, audience, allow_empty))
    return jobs, comparisons


def share_comparators(national: Config, data: ProcessedData, folders: list[Path], work: Path) -> str:
    """Put the same comparators table in every authority's folder: the published one the national kpi.yml loads,
    else every authority's figures worked out from the data. Says which."""
    published = national.processed_dir / COMPARATORS_FILE
    if national.sources.comparators is not None and published.is_file():
        source = published
        words = f"Comparisons: the published comparators in {national.config_path} (sources: comparators)."
    else:
        source = work / COMPARATORS_FILE
        national_comparators(data, national, national.authorities).to_parquet(source, index=False)
        years = ", ".join(fp.code(year) for year in covered_years(data)) or "none: no whole financial year"
        words = f"Comparisons: every authority's figures worked out from the data, for the financial years {years}."
    for folder in folders:
        _link_or_copy(source, folder / COMPARATORS_FILE)
    return words


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)
    except OSError:
        shutil.copy2(source, target)


# ------------------------------------------------------------------------------------------ kpi.yml


def authority_settings(national: Config, code: str, name: str, processed: Path, reports: Path) -> dict:
    """The national config as one authority's: its name and code, the nation's, its own processed and reports
    folders, and every other path made absolute (the file is written elsewhere). The nation's child population
    is left out: it is not the authority's."""
    settings = national.model_dump(mode="json", exclude_defaults=True, exclude={
        "authority", "authorities", "processed", "reports", "child_population", "sources"})
    authority = {"name": name, "code": code, "nation": national.authority.nation,
                 "committee": national.authority.model_dump(mode="json")["committee"]}
    if national.authority.neighbours_file:  # the DfE model gives each authority its own neighbours and region
        authority["neighbours_file"] = str(national.resolve(national.authority.neighbours_file))
    sources = national.sources.model_dump(mode="json", exclude_defaults=True)
    for table, source in sources.items():
        for each in source if isinstance(source, list) else [source]:
            each["path"] = str(national.resolve(each["path"]))
    settings["pseudonym_key_file"] = str(national.resolve(national.pseudonym_key_file))
    if national.screen.watch:
        settings["screen"]["watch"] = str(national.resolve(national.screen.watch))
    return {"authority": authority, "sources": sources, "processed": str(processed), "reports": str(reports),
            **settings}


def write_authority_config(national: Config, code: str, name: str, processed: Path, reports: Path) -> Path:
    """Write the authority's kpi.yml beside its processed folder, and check it reads back as a config. An
    officer's own pack notebook beside the national kpi.yml is used for every authority's pack."""
    folder = processed.parent
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "kpi.yml"
    text = (f"# {name} ({code}): written by `kpi pack --authority` from {national.config_path.resolve()}; removed "
            "when the run ends.\n" + yaml.safe_dump(authority_settings(national, code, name, processed, reports),
                                                    sort_keys=False, allow_unicode=True))
    path.write_text(text, encoding="utf-8")
    own_notebooks = national.base_dir / NOTEBOOKS
    if own_notebooks.is_dir():
        try:
            os.symlink(own_notebooks, folder / NOTEBOOKS, target_is_directory=True)
        except OSError:
            shutil.copytree(own_notebooks, folder / NOTEBOOKS)
    load_config(path)  # a config the packs could not read stops the run here, once, not once per authority
    return path


# ------------------------------------------------------------------------------------------ the workers


def run_all(jobs: list[Job], workers: int, progress: bool) -> list[Outcome]:
    """Every job in `workers` processes; one bar advancing as packs finish. Outcomes in the jobs' order."""
    from tqdm import tqdm

    outcomes = []
    with tqdm(total=len(jobs), unit="pack", desc="Authority packs", file=sys.stderr, disable=not progress) as bar, \
            ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn")) as pool:
        pending = {pool.submit(make_one, job): job for job in jobs}
        try:
            for done in as_completed(pending):
                outcome = _outcome(done, pending[done])
                outcomes.append(outcome)
                bar.set_postfix_str(f"{outcome.code} {outcome.status}", refresh=False)
                bar.update()
        except BaseException:  # Ctrl+C: the packs not started are not started
            pool.shutdown(wait=True, cancel_futures=True)
            raise
    order = {job.code: n for n, job in enumerate(jobs)}
    return sorted(outcomes, key=lambda o: order[o.code])


def _outcome(done: Future, job: Job) -> Outcome:
    """The worker's outcome; a worker process that died (out of memory, killed) fails its pack, not the run."""
    try:
        return done.result()
    except Exception as err:  # noqa: BLE001
        return Outcome(job.code, job.name, FAILED, job.folder, 0.0, f"its worker process stopped: {one_line(err)}")


def make_one(job: Job) -> Outcome:
    """One authority's pack, in a worker process. Never raises: a failure is the outcome, with its reason.
    The worker's kernel is kept for its next pack (kpi.pack.kernels), unless this pack failed; a kernel that
    could not start is given a second go."""
    from kpi.pack.export import make_pack

    began, notes = time.perf_counter(), []
    kernel = _kept_kernel()
    for attempt in (1, 2):
        try:
            make_pack(job.config, job.period, language=job.language, audience=job.audience, progress=False,
                      say=notes.append, allow_empty=job.allow_empty, chart_workers=job.chart_workers,
                      kernel=kernel)
            status, reason = OK, ""
            break
        except Exception as err:  # noqa: BLE001 (PackFailed, DisclosureRisk, UnusableInput, anything else)
            kernel.close()  # whatever went wrong, the next pack starts in a fresh kernel
            status, reason = FAILED, one_line(err)
            if attempt == 2 or not KERNEL_TROUBLE.search(f"{type(err).__name__}: {err}"):
                break
    return Outcome(job.code, job.name, status, job.folder, round(time.perf_counter() - began, 1), reason,
                   tuple(n for n in notes if n.startswith("Note:")))


_KERNEL: KeptKernel | None = None  # the worker process's kernel, kept from pack to pack


def _kept_kernel() -> KeptKernel:
    """This worker's kernel, shut down when the worker process ends."""
    global _KERNEL
    if _KERNEL is None:
        _KERNEL = KeptKernel()
        multiprocessing.util.Finalize(_KERNEL, _KERNEL.close, exitpriority=10)
    return _KERNEL


def one_line(err: BaseException, most: int = 400) -> str:
    """An error as one line of the summary: kpi's own errors as they say it, others with their type."""
    from kpi.pack.disclosure_check import DisclosureRisk
    from kpi.pack.export import PackFailed

    text = str(err) if isinstance(err, (PackFailed, UnusableInput)) else f"{type(err).__name__}: {err}"
    if isinstance(err, DisclosureRisk):
        text = f"disclosure risk, nothing was written: {err}"
    text = " ".join(text.split())
    return text if len(text) <= most else text[:most - 3] + "..."


# ------------------------------------------------------------------------------------------ the summary


def write_summary(outcomes: list[Outcome], path: Path, replace: bool) -> Path:
    """<reports>/<period>.authorities.csv: a row per authority. A run for one authority updates its row and
    keeps the others'; a run for all replaces the file."""
    table = pd.DataFrame([{"authority": o.code, "name": o.name, "status": o.status, "folder": str(o.folder),
                           "seconds": o.seconds, "reason": o.reason} for o in outcomes], columns=SUMMARY_COLUMNS)
    if not replace and path.is_file():
        earlier = from_csv_text(pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8-sig"))
        earlier = earlier[~earlier["authority"].isin(table["authority"])]
        table = pd.concat([earlier, table.astype({"seconds": str})], ignore_index=True).sort_values("authority")
    write_atomically(path, lambda temporary: write_csv(table, temporary))
    return path
