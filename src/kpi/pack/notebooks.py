"""Where the notebooks are: an officer's own copy beside kpi.yml first, else the one kpi came with.

The repository keeps one copy of each notebook, in notebooks/ at its top (where `make lab` opens
them and the tests read them). Building the wheel copies them into the package as kpi/notebooks/
(setup.py), so a normal install has them; an editable install or a source checkout uses the
repository's notebooks/ itself. `kpi init` copies them into a project folder for an officer who
wants to edit them; from then on `kpi pack` runs the officer's copy (delete it to go back).
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from kpi.errors import UnusableInput

FOLDER = "notebooks"  # beside kpi.yml in a project, in the installed package, and in the repository


def installed_folder() -> Path | None:
    """The notebooks kpi came with: kpi/notebooks/ in an installed package, else notebooks/ of the
    source checkout this package is imported from (an editable install); None if neither exists."""
    package = _package()
    if (package / FOLDER).is_dir():
        return package / FOLDER
    checkout = package.parents[1]  # <checkout>/src/kpi
    if (checkout / "pyproject.toml").is_file() and (checkout / FOLDER).is_dir():
        return checkout / FOLDER
    return None


def _package() -> Path:
    return Path(str(resources.files("kpi")))


def installed_notebooks() -> list[Path]:
    """Every notebook kpi came with, by name."""
    folder = installed_folder()
    return sorted(folder.glob("*.ipynb")) if folder else []


def find_notebook(project: Path, name: str) -> Path:
    """`name` in <project>/notebooks/ (an officer's edited copy), else the one kpi came with."""
    for folder in (Path(project) / FOLDER, installed_folder()):
        if folder is not None and (folder / name).is_file():
            return folder / name
    raise UnusableInput(f"{FOLDER}/{name} is neither in {Path(project) / FOLDER} nor installed with kpi "
                        f"(in {_package() / FOLDER}); reinstall kpi")


def parameters_of(notebook: Path) -> set[str]:
    """The names its cell tagged `parameters` sets (what papermill may be given without a warning): an
    officer's copy made by an older kpi may lack a parameter kpi's own notebook has since gained."""
    cells = json.loads(Path(notebook).read_text(encoding="utf-8")).get("cells", [])
    found: set[str] = set()
    for cell in cells:
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get("tags", []):
            source = cell.get("source", "")
            found |= set(re.findall(r"^([A-Za-z_]\w*)\s*=", "".join(source) if isinstance(source, list) else source,
                                    re.MULTILINE))
    return found


@dataclass
class Copied:
    """What copy_notebooks did: the notebooks it copied, and those it left because a copy was there."""

    copied: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def copy_notebooks(project: Path) -> Copied:
    """Copy the notebooks kpi came with into <project>/notebooks/, never over a notebook already there
    (it may be an officer's edited copy: it is kept as it is, even if kpi's own has changed since)."""
    sources = installed_notebooks()
    if not sources:
        raise UnusableInput(f"no notebooks were installed with kpi (in {_package() / FOLDER}); "
                            "reinstall kpi")
    target = Path(project) / FOLDER
    target.mkdir(parents=True, exist_ok=True)
    result = Copied()
    for source in sources:
        (result.copied if write_new(target / source.name, source.read_bytes()) else result.kept).append(
            target / source.name)
    return result


def write_new(path: Path, data: bytes) -> bool:
    """Create `path` with `data`; False, and nothing written, if it exists already (even if it appeared a
    moment ago). A write that fails half way removes its half-made file rather than leave it to be kept."""
    try:
        handle = path.open("xb")
    except FileExistsError:
        return False
    try:
        with handle:
            handle.write(data)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
    return True

