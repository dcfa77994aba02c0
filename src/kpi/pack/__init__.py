"""The quarterly scrutiny pack.

In the notebook (notebooks/quarterly_pack.ipynb) each cell shows one section:

    pack = Pack.build(config, period, language=language, audience=audience)
    pack.cover()
    pack.summary()
    pack.section("assessments")
    ...

`kpi pack` runs that notebook with papermill and turns it into PDF, HTML and Excel (kpi.pack.export).
`Pack` (kpi.pack.sections) is imported when first asked for: `kpi pack` itself only runs and exports the
notebook, and need not load the charts and the layout (matplotlib) that the notebook's kernel uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from kpi.pack.sections import Pack

__all__ = ["Pack"]


def __getattr__(name: str):
    if name == "Pack":
        from kpi.pack.sections import Pack

        return Pack
    raise AttributeError(f"module 'kpi.pack' has no attribute {name!r}")
