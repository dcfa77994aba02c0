"""A kernel kept from pack to pack (kpi.pack.kernels) runs each notebook as a fresh kernel would."""

from __future__ import annotations

import json
import os
import signal
import textwrap
import time
from pathlib import Path

import nbformat
import pytest

from kpi.pack.export import execute
from kpi.pack.kernels import KeptKernel

HELPER = """
import warnings


def warn():
    warnings.warn("said once per place in the code", UserWarning)
"""


def _notebook(folder: Path) -> Path:
    """A notebook that reports what a fresh kernel would not have: names left by an earlier run, a warning
    already shown from a module, a working folder elsewhere; and which kernel process ran it."""
    folder.mkdir(parents=True)
    (folder / "kept_kernel_helper.py").write_text(HELPER, encoding="utf-8")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    parameters = nbformat.v4.new_code_cell('run = "first"')
    parameters.metadata["tags"] = ["parameters"]
    notebook.cells = [
        parameters,
        nbformat.v4.new_code_cell(textwrap.dedent("""\
            import json, os, sys
            sys.path.insert(0, os.getcwd())
            import kept_kernel_helper
            kept_kernel_helper.warn()""")),
        nbformat.v4.new_code_cell(textwrap.dedent("""\
            print(json.dumps({"left": sorted(k for k in globals() if k.startswith("left_by_")),
                              "folder": os.getcwd(), "pid": os.getpid()}))
            left_by_run = run""")),
    ]
    path = folder / "probe.ipynb"
    nbformat.write(notebook, path)
    return path


def _run(notebook: Path, run: str, kernel: KeptKernel | None) -> dict:
    executed = notebook.with_name(f"{run}.ipynb")
    execute(notebook, executed, {"run": run}, progress=False, kernel=kernel)
    cells = [c for c in nbformat.read(executed, as_version=4).cells if c.cell_type == "code"]
    stderr = "".join(o.get("text", "") for c in cells for o in c.outputs if o.get("name") == "stderr")
    report = json.loads(next(o["text"] for o in cells[-1].outputs if o.get("name") == "stdout"))
    return {**report, "counts": [c.execution_count for c in cells], "warned": "said once per place" in stderr}


@pytest.fixture
def kept():
    kernel = KeptKernel()
    yield kernel
    kernel.close()


def test_a_kept_kernel_runs_the_next_notebook_as_a_fresh_kernel_would(kept, tmp_path):
    first = _run(_notebook(tmp_path / "one"), "first", kept)
    second = _run(_notebook(tmp_path / "two"), "second", kept)
    assert second["pid"] == first["pid"]  # the same kernel process: it was kept
    for report, folder in ((first, tmp_path / "one"), (second, tmp_path / "two")):
        assert report["left"] == []  # nothing the first run made is there in the second
        assert report["warned"]  # a warning shown in the first run is shown again in the second
        assert Path(report["folder"]).resolve() == folder.resolve()  # in its own notebook's folder
    assert second["counts"] == first["counts"] == sorted(first["counts"])  # cells numbered from the start again
    fresh = _run(_notebook(tmp_path / "three"), "fresh", None)
    assert fresh["counts"] == second["counts"] and fresh["pid"] != second["pid"]


def test_a_kernel_that_died_is_replaced_by_a_fresh_one(kept, tmp_path):
    first = _run(_notebook(tmp_path / "one"), "first", kept)
    os.kill(first["pid"], signal.SIGKILL)
    second = _run(_notebook(tmp_path / "two"), "second", kept)
    assert second["pid"] != first["pid"] and second["left"] == []


def test_a_closed_kernel_is_gone_and_the_next_notebook_starts_another(kept, tmp_path):
    first = _run(_notebook(tmp_path / "one"), "first", kept)
    kept.close()
    with pytest.raises(ProcessLookupError):
        for _ in range(50):  # shut down at once, but give the process a moment to be reaped
            os.kill(first["pid"], 0)
            time.sleep(0.1)
    assert _run(_notebook(tmp_path / "two"), "second", kept)["pid"] != first["pid"]
