"""kpi installed as a normal wheel, away from this source tree: the notebooks and templates ship inside
it, and `kpi demo`, `kpi ingest`, `kpi pack` and `kpi init` work in an empty folder (issue 13, point 5).

The wheel is built with pip from a copy of the repository (as `pip install .` builds it, but with this
environment's setuptools, which the test extra installs, rather than one downloaded) and installed
without its dependencies into a new virtual environment, which borrows this environment's installed
dependencies through a .pth file naming their folder: installing them afresh would take minutes. That
folder's own .pth files are not read, so this source tree's editable install (src/ on the path) is not
seen there; the tests check that every `kpi` imported, the kernel's too, is the installed one.
"""

from __future__ import annotations

import filecmp
import json
import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = sorted(path.name for path in (ROOT / "notebooks").glob("*.ipynb"))
KEY = "installed-wheel-test-key-0123456789abcdef"  # 40 characters
TODAY = "2026-11-22"


@dataclass
class Installed:
    venv: Path
    wheel: Path
    site: Path  # the new environment's site-packages, where the wheel went
    env: dict[str, str]

    def run(self, *args: str, cwd: Path, timeout: float = 240) -> subprocess.CompletedProcess:
        return subprocess.run([str(self.venv / "bin" / args[0]), *args[1:]], cwd=cwd, env=self.env, text=True,
                              capture_output=True, timeout=timeout)

    def kpi(self, *args: str, cwd: Path) -> subprocess.CompletedProcess:
        done = self.run("kpi", *args, cwd=cwd)
        assert done.returncode == 0, f"kpi {' '.join(args)} exited {done.returncode}:\n{done.stderr[-3000:]}"
        return done


def _copy_of_the_repository(target: Path) -> Path:
    """What a build reads: the top-level files (pyproject.toml, setup.py, README.md, ...), src/ and
    notebooks/; nothing that an earlier build or run left in the tree."""
    target.mkdir()
    for path in ROOT.iterdir():
        if path.is_file() and not path.name.startswith("."):
            shutil.copy2(path, target / path.name)
    leftovers = shutil.ignore_patterns("__pycache__", "*.egg-info", ".ipynb_checkpoints", "*.pyc")
    for folder in ("src", "notebooks"):
        shutil.copytree(ROOT / folder, target / folder, ignore=leftovers)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    work = tmp_path_factory.mktemp("installed")
    source = _copy_of_the_repository(work / "source")
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", str(source), "--no-deps", "--no-build-isolation",
                            "--quiet", "-w", str(work / "dist")], capture_output=True, text=True, timeout=300)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next((work / "dist").glob("kpi-*.whl"))
    venv = work / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True, timeout=120)
    subprocess.run([sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install", "--no-deps",
                    "--no-index", "--quiet", str(wheel)], check=True, capture_output=True, timeout=300)
    site = Path(subprocess.run([str(venv / "bin" / "python"), "-c",
                                "import sysconfig; print(sysconfig.get_path('purelib'))"],
                               check=True, capture_output=True, text=True).stdout.strip())
    (site / "_borrowed_dependencies.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    env = {name: value for name, value in os.environ.items()
           if name not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "JUPYTER_PATH")}
    env.update({
        "PATH": f"{venv / 'bin'}{os.pathsep}{env.get('PATH', '')}", "VIRTUAL_ENV": str(venv),
        "KPI_PSEUDONYM_KEY": KEY, "MPLBACKEND": "Agg", "PYTHONNOUSERSITE": "1",
        # nbconvert's own templates (which kpi's extend) and the python3 kernelspec are installed
        # beside the borrowed dependencies, not in the new environment
        "JUPYTER_PATH": str(Path(sys.prefix) / "share" / "jupyter"),
    })
    return Installed(venv, wheel, site, env)


def test_the_wheel_carries_the_notebooks_catalogues_and_templates_and_is_what_runs(installed, tmp_path):
    with zipfile.ZipFile(installed.wheel) as wheel:
        names = set(wheel.namelist())
    assert {f"kpi/notebooks/{name}" for name in NOTEBOOKS} <= names
    for shipped in ("kpi/catalogue/indicators.yml", "kpi/data/tables.yml", "kpi/data/categories.yml",
                    "kpi/words/locale/cy/LC_MESSAGES/kpi.po", "kpi/words/locale/glossary.yml",
                    "kpi/pack/templates/nbconvert/kpi_pack/index.html.j2", "kpi/pack/templates/pack/cover.html.j2"):
        assert shipped in names, shipped
    in_the_tree = {p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src/kpi/pack/templates").rglob("*")
                   if p.is_file() and "__pycache__" not in p.parts}
    assert in_the_tree <= names, sorted(in_the_tree - names)

    where = installed.run("python", "-c", "import kpi; print(kpi.__file__)", cwd=tmp_path)
    assert Path(where.stdout.strip()) == installed.site / "kpi" / "__init__.py", where.stderr
    package = installed.site / "kpi"
    assert sorted(p.name for p in (package / "notebooks").glob("*.ipynb")) == NOTEBOOKS
    for name in NOTEBOOKS:  # the one committed copy, unchanged
        assert filecmp.cmp(package / "notebooks" / name, ROOT / "notebooks" / name, shallow=False), name
    for template in ("pack/templates/nbconvert/kpi_pack/index.html.j2", "pack/templates/nbconvert/kpi_pack/pack.css",
                     "pack/templates/pack/cover.html.j2", "words/locale/cy/LC_MESSAGES/kpi.po",
                     "catalogue/indicators.yml"):
        assert (package / template).is_file(), template

    # The notebook kernel papermill starts imports the installed kpi too.
    probe = tmp_path / "probe.ipynb"
    probe.write_text(json.dumps({
        "cells": [{"cell_type": "code", "execution_count": None, "metadata": {}, "outputs": [],
                   "source": "import kpi\nprint(kpi.__file__)"}],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5}), encoding="utf-8")
    ran = installed.run("python", "-c", "import papermill, sys; papermill.execute_notebook(sys.argv[1], sys.argv[2], "
                        "kernel_name='python3', progress_bar=False)", str(probe), str(tmp_path / "ran.ipynb"),
                        cwd=tmp_path)
    assert ran.returncode == 0, ran.stderr[-3000:]
    printed = json.loads((tmp_path / "ran.ipynb").read_text(encoding="utf-8"))["cells"][0]["outputs"][0]["text"]
    assert Path("".join(printed).strip()) == installed.site / "kpi" / "__init__.py"


def test_demo_ingest_and_pack_in_an_empty_folder(installed, tmp_path):
    installed.kpi("demo", "--today", TODAY, cwd=tmp_path)
    installed.kpi("ingest", "--quiet", cwd=tmp_path)
    done = installed.kpi("pack", "--quiet", cwd=tmp_path)
    assert "\r" not in done.stderr and "%|" not in done.stderr, done.stderr  # --quiet: no progress bar
    packs = list(tmp_path.glob("reports/*/pack.en.pdf"))
    assert len(packs) == 1 and packs[0].read_bytes().startswith(b"%PDF")
    assert "<html" in packs[0].with_suffix(".html").read_text(encoding="utf-8")[:500].lower()
    assert zipfile.is_zipfile(packs[0].with_suffix(".xlsx"))
    assert not (tmp_path / "notebooks").exists()
    # It ran the notebook installed with kpi (there is none beside kpi.yml), not this tree's.
    executed = json.loads(packs[0].with_suffix(".ipynb").read_text(encoding="utf-8"))
    ran = Path(executed["metadata"]["papermill"]["input_path"])
    assert ran == installed.site / "kpi" / "notebooks" / "quarterly_pack.ipynb"


def test_init_in_an_empty_folder_writes_a_starter_config_and_the_notebooks(installed, tmp_path):
    done = installed.kpi("init", cwd=tmp_path)
    assert (tmp_path / "kpi.yml").is_file() and (tmp_path / "data" / "raw").is_dir()
    assert sorted(p.name for p in (tmp_path / "notebooks").glob("*.ipynb")) == NOTEBOOKS
    assert filecmp.cmp(tmp_path / "notebooks" / "quarterly_pack.ipynb", ROOT / "notebooks" / "quarterly_pack.ipynb",
                       shallow=False)
    assert "kpi.yml" in done.stderr + done.stdout

    # The starter config loads as it is: no sources yet, so nothing to ingest.
    ingest = installed.kpi("ingest", cwd=tmp_path)
    assert "No sources are configured" in ingest.stdout + ingest.stderr

    # Run again over an officer's edits: nothing is overwritten.
    (tmp_path / "kpi.yml").write_text("# mine\n" + (tmp_path / "kpi.yml").read_text(encoding="utf-8"), encoding="utf-8")
    edited = tmp_path / "notebooks" / "data_quality.ipynb"
    edited.write_text(edited.read_text(encoding="utf-8").replace("Data quality check", "Our data quality check"),
                      encoding="utf-8")
    (tmp_path / "notebooks" / "benchmarking.ipynb").unlink()
    again = installed.kpi("init", str(tmp_path), cwd=tmp_path.parent)
    assert (tmp_path / "kpi.yml").read_text(encoding="utf-8").startswith("# mine\n")
    assert "Our data quality check" in edited.read_text(encoding="utf-8")
    assert (tmp_path / "notebooks" / "benchmarking.ipynb").is_file()
    assert "kept" in again.stderr + again.stdout
