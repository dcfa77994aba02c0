"""The floor under one pack: papermill running an empty notebook in a fresh kernel, then WeasyPrint writing a
one-page PDF. No pack can be made faster than its two tools start and finish; benchmarks/run.py compares
`kpi pack` with this.

    .venv/bin/python benchmarks/pack_floor.py <folder>
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat
import papermill
import weasyprint


def main(folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    notebook = nbformat.v4.new_notebook()
    notebook.cells.append(nbformat.v4.new_code_cell("pass"))
    notebook.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nbformat.write(notebook, folder / "empty.ipynb")
    papermill.execute_notebook(str(folder / "empty.ipynb"), str(folder / "empty.out.ipynb"), progress_bar=False,
                               kernel_name="python3")
    html = "<html lang='en'><head><title>Floor</title></head><body><h1>One page</h1><p>Text.</p></body></html>"
    weasyprint.HTML(string=html).write_pdf(folder / "one_page.pdf")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
