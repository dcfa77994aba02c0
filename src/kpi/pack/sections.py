"""The pack as the notebook shows it: `Pack.build(...)`, then one method per cell, each returning a section as HTML.

The numbers are worked out once by kpi.pack.build; each section is laid out by kpi.pack.render (or appendix).
"""

from __future__ import annotations

from pathlib import Path

from IPython.display import HTML

from kpi.pack import render
from kpi.pack.appendix import appendix
from kpi.pack.build import PackContent, build_pack


class Pack:
    """One quarter's pack; each method returns a section ready to display in a notebook cell."""

    def __init__(self, content: PackContent):
        self.content = content

    @classmethod
    def build(cls, config: str | Path, period: str = "latest", *, language: str = "en",
              audience: str = "restricted", reports: str | Path | None = None, chart_workers: int = 1) -> Pack:
        return cls(build_pack(config, period, language=language, audience=audience,
                              reports_dir=Path(reports) if reports else None, chart_workers=chart_workers))

    def cover(self) -> HTML:
        return HTML(render.cover(self.content))

    def contents(self) -> HTML:
        return HTML(render.contents(self.content))

    def summary(self) -> HTML:
        return HTML(render.summary(self.content))

    def section(self, domain: str) -> HTML:
        return HTML(render.domain_section(self.content, domain))

    def comparisons(self) -> HTML:
        return HTML(render.comparisons_section(self.content))

    def data_quality(self) -> HTML:
        return HTML(render.quality_section(self.content))

    def appendix(self) -> HTML:
        return HTML(appendix(self.content))

    def write_workbook(self, path: str | Path | None) -> None:
        """The data behind every chart and table, as Excel (skipped when no path is given)."""
        if path:
            from kpi.pack.workbook import write_workbook

            write_workbook(self.content, Path(path))

    def write_figures(self, path: str | Path | None) -> None:
        """The figures as this pack shows them, kept beside it so that a later pack can list any
        figure that has since been restated (skipped when no path is given)."""
        if path:
            from kpi.data.cells import write_csv
            from kpi.pack.restatements import figures_shown

            write_csv(figures_shown(self.content), Path(path))
