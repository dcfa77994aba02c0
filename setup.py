"""The one build step pyproject.toml cannot say: the notebooks ship inside the package.

The notebooks are kept once, at the top of the repository in notebooks/ (where a newcomer finds
them, `make lab` opens them and the tests read them). Building a wheel (or an sdist, and a wheel
from it) copies notebooks/*.ipynb into the package as kpi/notebooks/, so that `kpi pack` and
`kpi init` find them in a normal install (see kpi.pack.notebooks). There is no second copy to
keep in step, and no symbolic link (git on Windows checks a link out as a small text file by
default). An editable install (`pip install -e .`) copies nothing: kpi uses notebooks/ itself.

Everything else about the package and its build is in pyproject.toml.
"""

import glob
import os

from setuptools import setup
from setuptools.command.build_py import build_py
from setuptools.errors import FileError

NOTEBOOKS = "notebooks"  # in the repository and in the sdist, beside this file
INSTALLED_AS = ("kpi", "notebooks")  # in the wheel: kpi/notebooks/*.ipynb


class BuildPyWithNotebooks(build_py):
    """setuptools' build_py, with notebooks/*.ipynb as data files of the kpi package.

    Adding them to `data_files` (rather than copying them in `run`) means the wheel, the sdist's
    file list and an editable install's map of outputs all see them, as they see package data."""

    def _notebooks(self):
        names = sorted(os.path.basename(path) for path in glob.glob(os.path.join(NOTEBOOKS, "*.ipynb")))
        if not names:
            raise FileError(f"no {NOTEBOOKS}/*.ipynb beside setup.py: kpi pack would have no notebook to run")
        return ("kpi", NOTEBOOKS, os.path.join(self.build_lib, *INSTALLED_AS), names)

    def _get_data_files(self):
        return [*super()._get_data_files(), self._notebooks()]

    def get_data_files_without_manifest(self):
        return [*super().get_data_files_without_manifest(), self._notebooks()]


setup(cmdclass={"build_py": BuildPyWithNotebooks})
