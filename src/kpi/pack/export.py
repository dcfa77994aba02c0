"""`kpi pack`: run the pack notebook top to bottom in a fresh kernel, then export it.

papermill executes notebooks/quarterly_pack.ipynb with the period's parameters; nbconvert turns
the executed notebook into HTML with our template (no code, no prompts); WeasyPrint prints that
HTML to a tagged PDF/UA file. Everything is written to a temporary folder first and moved into
reports/<period>/ only when all of it has worked, so a failure never spoils the previous pack.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from kpi.config import Config, load_config
from kpi.errors import UnusableInput
from kpi.periods import code, resolve
from kpi.processed import load_processed

PACK_NOTEBOOK = "quarterly_pack.ipynb"
OUTPUTS = ("pack.pdf", "pack.html", "pack.xlsx", "pack.ipynb")


class PackFailed(Exception):
    """The notebook stopped with an error; the message names the cell and the error."""


@dataclass
class PackFiles:
    folder: Path
    files: list[Path]


def find_notebook(config: Config, name: str = PACK_NOTEBOOK) -> Path:
    """The notebook beside the config (a project folder), else the one in this source tree."""
    for folder in (config.base_dir / "notebooks", Path(__file__).resolve().parents[3] / "notebooks"):
        if (folder / name).is_file():
            return folder / name
    raise UnusableInput(f"notebooks/{name} not found beside {config.config_path} or in the kpi source tree")


def _templates() -> Path:
    return Path(str(resources.files("kpi").joinpath("templates/nbconvert")))


def execute(notebook: Path, output: Path, parameters: dict, progress: bool = True) -> None:
    """Run every cell in a fresh kernel; on an error, say which cell and what went wrong."""
    import papermill
    from papermill.exceptions import PapermillExecutionError

    os.environ.setdefault("MPLBACKEND", "Agg")
    try:
        papermill.execute_notebook(str(notebook), str(output), parameters=parameters, kernel_name="python3",
                                   cwd=str(notebook.parent), progress_bar=progress, log_output=False,
                                   # the kernel's own start-up and shutdown chatter is not for the user
                                   extra_arguments=["--IPKernelApp.log_level=CRITICAL"])
    except PapermillExecutionError as err:
        first_line = next((line for line in str(err.source).splitlines() if line.strip()), "")
        raise PackFailed(f"{notebook.name} failed in cell {err.exec_count} (`{first_line.strip()}`): "
                         f"{err.ename}: {err.evalue}. The previous pack, if any, is unchanged.") from None


def to_html(executed: Path, *, language: str, title: str) -> str:
    """The executed notebook as one self-contained HTML document, outputs only."""
    import nbformat
    from nbconvert import HTMLExporter
    from traitlets.config import Config as Settings

    notebook = nbformat.read(executed, as_version=4)
    notebook.metadata["title"] = title
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
    """A tagged PDF/UA-1 document: title, language, structure tree, alt text, table headers."""
    from weasyprint import HTML

    HTML(string=html, base_url=str(base)).write_pdf(str(target), pdf_variant="pdf/ua-1")


def pack_title(config: Config, period_label: str, language: str) -> str:
    from kpi.pack.text import Text

    text = Text(language)
    name = config.authority.welsh_name if language == "cy" and config.authority.welsh_name else config.authority.name
    report = text("Children's Services Performance Report")
    return f"{name}: {report}, {period_label}"


def make_pack(config_path: Path, period: str = "latest", *, language: str = "en", audience: str = "public",
              out: Path | None = None, progress: bool = True, say=print) -> PackFiles:
    """Run and export one quarter's pack into <out>/<period>/ (out defaults to the config's reports folder)."""
    from kpi.pack.build import AUDIENCES
    from kpi.pack.text import LANGUAGES
    from kpi.periods import label

    config = load_config(config_path)  # a broken config stops here, before anything is written
    if audience not in AUDIENCES:
        raise UnusableInput(f"--audience {audience}: choose from {', '.join(AUDIENCES)}")
    if language not in LANGUAGES:
        raise UnusableInput(f"--language {language}: choose from {', '.join(LANGUAGES)}")
    data = load_processed(config)
    if not data.tables:
        raise UnusableInput(f"{config.processed_dir}: no processed tables; run `kpi ingest` first")
    chosen = resolve(period, data.last_date).latest
    period_code = code(chosen)
    out = (out or config.reports_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{period_code}.", dir=out))
    try:
        say(f"Running the pack notebook for {period_code} ({language}, {audience}) ...")
        execute(find_notebook(config), work / "pack.ipynb", {
            "config": str(Path(config_path).resolve()), "period": period_code, "language": language,
            "audience": audience, "workbook": str(work / "pack.xlsx")}, progress=progress)
        say("Writing HTML and PDF ...")
        html = to_html(work / "pack.ipynb", language=language, title=pack_title(config, label(chosen, language),
                                                                                  language))
        (work / "pack.html").write_text(html, encoding="utf-8")
        to_pdf(html, work / "pack.pdf", work)
        missing = [name for name in OUTPUTS if not (work / name).exists()]
        if missing:
            raise PackFailed(f"the notebook did not write {', '.join(missing)}; the previous pack is unchanged")
        target = out / period_code
        target.mkdir(exist_ok=True)
        for name in OUTPUTS:
            os.replace(work / name, target / name)
        return PackFiles(target, [target / name for name in OUTPUTS])
    finally:
        shutil.rmtree(work, ignore_errors=True)
