"""`kpi --version` and kpi.__version__ say the installed version, though it is looked up only when asked for."""

from __future__ import annotations

import subprocess
import sys
from importlib.metadata import version

import kpi


def test_kpi_version_says_the_installed_version():
    shown = subprocess.run([sys.executable, "-c", "from kpi.cli import main; main(['--version'])"],
                           capture_output=True, text=True)
    assert shown.returncode == 0, shown.stderr
    assert shown.stdout.strip() == f"kpi {version('kpi')}"
    assert kpi.__version__ == version("kpi")


def test_no_other_attribute_is_made_up():
    import pytest

    with pytest.raises(AttributeError, match="no attribute 'versoin'"):
        kpi.versoin  # noqa: B018
