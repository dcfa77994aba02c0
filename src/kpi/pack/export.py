"""`kpi pack`: run the pack notebook top to bottom in a fresh kernel, then export it.

papermill executes notebooks/quarterly_pack.ipynb with the period's parameters; nbconvert turns
the executed notebook into HTML with our template (no code, no prompts); WeasyPrint prints that
HTML to a tagged PDF/UA file. Everything is made in work folders first; only when all of it has
worked is a new version of reports/<period>/ put together (the run's files, the updated manifest,
and everything else already there: other variants, restricted/, commentary) and switched to in one
step (kpi.data.versions), so a reader sees the previous pack or the new one, never a mix, and a failed or
killed run leaves the previous pack. Each variant (audience and language) has its own names
(kpi.pack.outputs), so none replaces another. One run at a time per period (kpi.data.locks).
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import threading
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kpi.config import Config, load_config
from kpi.pack.disclosure_check import require_safe
from kpi.pack.drawing import processors
from kpi.pack.kernels import KeptKernel
from kpi.pack.notebooks import parameters_of
from kpi.errors import UnusableInput
from kpi.data.locks import Busy
from kpi.pack.outputs import Variant, WrongMarking, check_marking, update_manifest
from kpi.pack.periods import pack_period
from kpi.time.periods import code
from kpi.data.processed import load_processed, require_covered
from kpi.data.versions import STORE, VersionedFolder, refusal, refusals_as_one_line

PACK_NOTEBOOK = "quarterly_pack.ipynb"
# What the notebook run leaves in its temporary folder, by kind of output (see kpi.pack.outputs.KINDS).
WORK_FILES = {"pdf": "pack.pdf", "html": "pack.html", "xlsx": "pack.xlsx", "ipynb": "pack.ipynb",
              "figures.csv": "figures.csv"}
RESTRICTED_KEYWORDS = "RESTRICTED, draft, not for publication"
LEGACY_NAMES = ("pack.pdf", "pack.html", "pack.xlsx", "pack.ipynb")  # before variants had their own names


class PackFailed(Exception):
    """The notebook stopped with an error; the message names the cell and the error."""


@dataclass
class PackFiles:
    folder: Path
    files: list[Path]


def find_notebook(config: Config, name: str = PACK_NOTEBOOK) -> Path:
    """The notebook in notebooks/ beside the config (an officer's own copy, as `kpi init` makes), else
    the one installed with kpi (kpi.pack.notebooks)."""
    from kpi.pack.notebooks import find_notebook as find

    return find(config.base_dir, name)


def _templates() -> Path:
    return Path(str(resources.files("kpi.pack").joinpath("templates/nbconvert")))


def execute(notebook: Path, output: Path, parameters: dict, progress: bool = True,
            kernel: KeptKernel | None = None) -> None:
    """Run every cell in a fresh kernel (or in `kernel`, made as good as fresh: see kpi.pack.kernels); on an
    error, say which cell and what went wrong."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    os.environ.setdefault("MPLBACKEND", "Agg")
    kept = kernel.papermill_options(notebook.parent) if kernel is not None else {}
    try:
        papermill.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name="python3",
                                   cwd=str(notebook.parent), progress_bar=progress, log_output=False,
                                   # written once, when it has run (or failed): not again after every cell
                                   request_save_on_cell_execute=False,
                                   # the kernel's own start-up and shutdown chatter is not for the user
                                   extra_arguments=["--IPKernelApp.log_level=CRITICAL"], **kept)
    except PapermillExecutionError as err:
        problem = _refusal_in_notebook(err.ename, err.evalue)
        if problem is not None:
            raise problem from None
        first_line = next((line for line in str(err.source).splitlines() if line.strip()), "")
        raise PackFailed(f"{notebook.name} failed in cell {err.exec_count} (`{first_line.strip()}`): "
                         f"{err.ename}: {err.evalue}. The previous pack, if any, is unchanged.") from None


_OS_ERROR = re.compile(r"^\[Errno (?P<number>\d+)\] (?P<reason>.*?)(?:: '(?P<path>.*)')?$")


def _refusal_in_notebook(name: str, text: str):
    """A full disk or a folder the kernel may not write gives the same one line as anywhere else."""
    found = _OS_ERROR.match(str(text)) if name in ("OSError", "PermissionError", "IOError") else None
    if found is None:
        return None
    return refusal(OSError(int(found["number"]), found["reason"], found["path"]), unchanged=UNCHANGED)


UNCHANGED = "the previous pack, if any, is unchanged"


def audience_declared(html: str) -> str | None:
    """The audience the pack's own cover declares (its marking), read from the exported HTML."""
    found = re.search(r'class="marking marking-(?P<audience>public|restricted)"', html)
    return found["audience"] if found else None


def to_html(executed: Path, *, language: str, title: str) -> str:
    """The executed notebook as one self-contained HTML document, outputs only.

    The audience printed on the pack's cover goes into the page's metadata (and so the PDF's), so a
    restricted draft says what it is in its properties as well as on every page."""
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config as Settings

    notebook = nbformat.read(executed, as_version=4)
    cover = "".join(str(output.get("data", {}).get("text/html", "")) for cell in notebook.cells
                    for output in cell.get("outputs", []))
    audience = audience_declared(cover)
    notebook.metadata["title"] = title
    notebook.metadata["kpi_audience"] = audience or "unknown"
    notebook.metadata["keywords"] = RESTRICTED_KEYWORDS if audience != "public" else "public"
    settings = Settings()
    settings.HTMLExporter.exclude_input = True
    settings.HTMLExporter.exclude_input_prompt = True
    settings.HTMLExporter.exclude_output_prompt = True
    settings.TagRemovePreprocessor.enabled = True
    settings.TagRemovePreprocessor.remove_cell_tags = {"remove_cell", "parameters", "injected-parameters"}
    exporter = HTMLExporter(config=settings, template_name="kpi_pack",
                            extra_template_basedirs=[str(_templates())])
    exporter.language_code = language
    css = (_templates() / "kpi_pack" / "pack.css").read_text(encoding="utf-8")
    body, _ = exporter.from_notebook_node(notebook, resources={"pack_css": css, "metadata": {"name": title}})
    return body


def to_pdf(html: str, target: Path, base: Path) -> None:
    """A tagged PDF/UA-1 document: title, language, structure tree, alt text, table headers.

    WeasyPrint tags it page by page; kpi.pack.pdf_structure then joins what a page break split,
    makes running headers, page numbers and repeated header rows artifacts, scopes the header cells
    and names each link in words. The charts' PNG rows go in as they are (kpi.pack.pdf_images)."""
    from weasyprint import HTML

    from kpi.pack.pdf_images import charts_as_they_are
    from kpi.pack.pdf_structure import fragments_marked, link_descriptions, repair

    with fragments_marked(), charts_as_they_are():
        HTML(string=html, base_url=str(base)).write_pdf(str(target), pdf_variant="pdf/ua-1")
    repair(target, link_descriptions(html))


def pack_title(config: Config, period_label: str, language: str, audience: str = "public") -> str:
    from kpi.words.text import Text

    text = Text(language)
    name = config.authority.welsh_name if language == "cy" and config.authority.welsh_name else config.authority.name
    report = text("Children's Services Performance Report")
    title = f"{name}: {report}, {period_label}"
    if audience == "restricted":
        title += f" ({text('Restricted: draft, not for publication')})"
    return title


@dataclass
class _Run:
    """One variant made in a temporary folder, waiting to be moved into place."""

    variant: Variant
    work: Path
    audience_in_content: str | None


def _run_variant(config: Config, config_path: Path, chosen, variant: Variant, work: Path, out: Path,
                 progress: bool, say, chart_workers: int = 1, kernel: KeptKernel | None = None) -> _Run:
    """Run the notebook for one variant into `work`; `out` is the reports folder (commentary, earlier packs)."""
    from kpi.time.periods import label

    say(f"Running the pack notebook for {code(chosen)} ({variant.language}, {variant.audience}) ...")
    import papermill  # noqa: F401 (before the exporters are loaded beside it: see below)

    loading = threading.Thread(target=_load_exporters, name="load exporters", daemon=True)
    loading.start()  # while the notebook runs in its kernel (another process), this one would only wait
    notebook = find_notebook(config)
    parameters = {
        "config": str(Path(config_path).resolve()), "period": code(chosen), "language": variant.language,
        "audience": variant.audience, "workbook": str(work / "pack.xlsx"), "figures": str(work / "figures.csv"),
        "reports": str(out)}
    if "chart_workers" in parameters_of(notebook):  # an officer's older copy draws its charts one at a time
        parameters["chart_workers"] = chart_workers
    execute(notebook, work / "pack.ipynb", parameters, progress=progress, kernel=kernel)
    loading.join()
    say("Writing HTML and PDF ...")
    html = to_html(work / "pack.ipynb", language=variant.language,
                   title=pack_title(config, label(chosen, variant.language), variant.language, variant.audience))
    (work / "pack.html").write_text(html, encoding="utf-8")
    to_pdf(html, work / "pack.pdf", work)
    missing = [name for name in WORK_FILES.values() if not (work / name).exists()]
    if missing:
        raise PackFailed(f"the notebook did not write {', '.join(missing)}; the previous pack is unchanged")
    declared = audience_declared(html)
    if "public" in (declared, variant.audience):
        # The independent check: nothing public is written if a reader could work out a small count.
        require_safe(work / "pack.xlsx", config.disclosure.threshold, config.disclosure.style)
    return _Run(variant, work, declared)


def _load_exporters() -> None:
    """Import nbconvert, WeasyPrint and pikepdf (a second or two) while the kernel works. Modules papermill
    uses are loaded before this starts, so the two threads never load the same module at once. One that fails
    to load fails again where it is used, and says so there."""
    try:
        import nbconvert.exporters.html  # noqa: F401
        import pikepdf  # noqa: F401
        import weasyprint.pdf.tags  # noqa: F401 (and weasyprint itself)
    except Exception:  # noqa: BLE001
        return


def _warn_untranslated_commentary(folder: Path, languages: tuple[str, ...], say) -> None:
    """Commentary written in one language only is shown in the other pack as it is, marked: say which."""
    from kpi.pack.commentary import lacking_translation

    names = {"en": "English", "cy": "Welsh"}
    for language in languages:
        try:
            lacking = lacking_translation(folder, language)
        except UnusableInput:
            return  # a damaged commentary workbook: the pack itself says so when it reads it
        if lacking:
            say(f"Note: commentary on {', '.join(lacking)} has no {names[language]} text; the {names[language]} "
                "pack shows it in the language it was written in, marked as untranslated.")


def make_pack(config_path: Path, period: str = "latest", *, language: str = "en", audience: str = "public",
              out: Path | None = None, progress: bool = True, say=print, allow_empty: bool = False,
              chart_workers: int | None = None, kernel: KeptKernel | None = None) -> PackFiles:
    """Run and export one period's pack into <out>/<period>/ (out defaults to the config's reports folder).
    Its charts are drawn `chart_workers` at a time (default: one per processor; see kpi.pack.drawing).
    `kernel`: a kernel kept from an earlier pack to run the notebook in (a batch's; see kpi.pack.kernels). With
    both languages and no such kernel, the second language's notebook runs in the first one's kernel.

    `language="both"` makes the Welsh and the English pack in one run. Every file is made in a temporary
    folder first; only when all of them have worked are they moved into place, each under its own
    variant's name (see kpi.pack.outputs), and the period's manifest.json is updated."""
    from kpi.pack.outputs import AUDIENCES
    from kpi.words.text import LANGUAGES

    config = load_config(config_path)  # a broken config stops here, before anything is written
    if audience not in AUDIENCES:
        raise UnusableInput(f"--audience {audience}: choose from {', '.join(AUDIENCES)}")
    if language not in (*LANGUAGES, "both"):
        raise UnusableInput(f"--language {language}: choose from {', '.join(LANGUAGES)} or both")
    data = load_processed(config)
    if not data.tables:
        raise UnusableInput(f"{config.processed_dir}: no processed tables; run `kpi ingest` first")
    chosen = pack_period(period, data, config)  # a week or a day is refused here, before anything runs
    if not allow_empty:
        require_covered(data, chosen, hint="or add --allow-empty for an empty pack")
    out = (out or config.reports_dir).resolve()
    languages = ("cy", "en") if language == "both" else (language,)  # Welsh first (Welsh Language Standards)
    folder = out / code(chosen)
    _warn_untranslated_commentary(folder, languages, say)
    period = VersionedFolder(folder)
    with refusals_as_one_line(unchanged=UNCHANGED):
        out.mkdir(parents=True, exist_ok=True)
        with period.locked("kpi pack"):
            period.sweep()
            _sweep_other_periods(out, folder.name)
            runs: list[_Run] = []
            works: list[Path] = []
            # Both languages: the Welsh pack's kernel is kept for the English one (see kpi.pack.kernels).
            own_kernel = kernel is None and len(languages) > 1
            kernel = KeptKernel() if own_kernel else kernel
            try:
                for each in languages:
                    works.append(period.work_folder(f"work-{each}"))
                    runs.append(_run_variant(config, config_path, chosen, Variant(audience, each), works[-1], out,
                                             progress, say, chart_workers or processors(), kernel))
                written = _move_into_place(runs, folder, _now())
            finally:
                if own_kernel:
                    kernel.close()
                for work in works:
                    shutil.rmtree(work, ignore_errors=True)
    older = sorted(p.name for p in folder.glob("pack.*") if p.name in LEGACY_NAMES)
    if older:
        say(f"Note: {', '.join(older)} in {folder} come from an older version of kpi and do not say whether "
            "they are public or restricted; check them before publishing anything, or delete them.")
    return PackFiles(folder, [path for files in written.values() for path in files.values()])


def _now() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


_OLD_WORK = re.compile(r"^\.(?P<period>.+)\.[a-z0-9_]{8}$")


def _is_period(name: str) -> bool:
    from kpi.time.periods import PeriodError, parse_period

    try:
        parse_period(name)
        return True
    except PeriodError:
        return False


def _sweep_other_periods(out: Path, own: str) -> None:
    """Tidy what killed runs left for other periods too, unless a run of that period holds it now.
    A period with nothing to tidy is not locked even for a moment, so its own runs are never held up."""
    names = {entry.name for entry in (out / STORE).iterdir()} if (out / STORE).is_dir() else set()
    names |= {found["period"] for found in map(_OLD_WORK.match, os.listdir(out))
              if found and _is_period(found["period"])}
    for name in sorted(names - {own}):
        other = VersionedFolder(out / name)
        if not other.has_leftovers():
            continue
        try:
            with other.locked("kpi pack (tidying up)"):
                other.sweep()
        except Busy:
            continue


def _move_into_place(runs: list[_Run], folder: Path, created: dt.datetime | None = None
                     ) -> dict[Variant, dict[str, Path]]:
    """Check every file's marking against its name first; then make the period folder's new version
    (everything already there, this run's files, the updated manifest) and switch to it in one step."""
    moves = []
    for run in runs:
        declared = run.audience_in_content
        if declared is None:
            raise PackFailed("the pack's cover does not say whether it is public or restricted; nothing was written")
        for kind, target in run.variant.paths(folder).items():
            try:
                check_marking(target, declared)
            except WrongMarking as err:
                raise PackFailed(f"{err}; nothing was written") from None
            moves.append((run.work / WORK_FILES[kind], target.relative_to(folder)))
    period = VersionedFolder(folder)
    made = {target.as_posix() for _, target in moves}
    with period.building() as version:
        period.carry_over(version, leave=made.__contains__)
        for source, target in moves:
            (version / target).parent.mkdir(exist_ok=True)
            os.replace(source, version / target)
        update_manifest(version, {run.variant: run.variant.paths(version) for run in runs}, created or _now())
        period.switch(version)
    return {run.variant: run.variant.paths(folder) for run in runs}
