"""The officers' data-quality check before the quarterly pack, one notebook cell a method.

The numbers are kpi.indicators.quality's (the pack's data-quality page uses the same); this module only
picks the quarters and lays the tables out for notebooks/data_quality.ipynb:

    quality = DataQuality.build(config, period, history=history)
    quality.completeness_by_team("language")
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd

from kpi.config import Config, load_config
from kpi.data.processed import ProcessedData, load_processed
from kpi.errors import UnusableInput
from kpi.data import provenance
from kpi.indicators import quality
from kpi.indicators.measures import Settings
from kpi.indicators.table import settings_from
from kpi.time.periods import label

if TYPE_CHECKING:
    from pandas.io.formats.style import Styler

DATA_QUALITY_QUARTERS = 8  # a single quarter as the period: it and the 7 before it


def _percent_style(table: pd.DataFrame, caption: str) -> Styler:
    return (table.style.format("{:.1f}%", na_rep="-").background_gradient(cmap="Blues", vmin=50, vmax=100, axis=None)
            .set_caption(caption))


@dataclass
class DataQuality:
    """The officers' data-quality check for a run of quarters; each method is one notebook cell."""

    config: Config
    data: ProcessedData
    quarters: list[pd.Period]

    @classmethod
    def build(cls, config: str | Path | Config, period: str = "latest", *, history: int = DATA_QUALITY_QUARTERS
              ) -> DataQuality:
        config = config if isinstance(config, Config) else load_config(Path(config))
        data = load_processed(config)
        if not data.tables:
            raise UnusableInput(f"{config.processed_dir}: no processed tables; run `kpi ingest` first")
        return cls(config, data, quality.quarters(period, data.last_date, history))

    @property
    def latest(self) -> pd.Period:
        return self.quarters[-1]

    @property
    def settings(self) -> Settings:
        return settings_from(self.config)

    def heading(self):
        from IPython.display import Markdown

        first, last = label(self.quarters[0]), label(self.latest)
        return Markdown(f"**{self.config.authority.name}**: data quality from {first} to {last}, "
                        f"read from `{self.config.processed_dir}`.")

    def files(self) -> pd.DataFrame:
        return quality.ingest_by_table(self.config.processed_dir)

    def rejections(self) -> pd.DataFrame:
        return quality.rejections_by_file(self.config.processed_dir)

    def rejected_rows(self) -> pd.DataFrame:
        return provenance.rejected_rows(self.config.processed_dir)

    def completeness(self) -> Styler:
        start, end = self.latest.start_time.normalize(), self.latest.end_time.normalize()
        table = quality.completeness(self.data, start, end, self.settings)
        return (table.style.format({"percent": "{:.1f}%", "records": "{:,}", "recorded": "{:,}"}, na_rep="-")
                .hide(axis="index").set_caption(f"Key fields recorded, {label(self.latest)}"))

    def completeness_over_time(self) -> Styler:
        table = quality.completeness_over_time(self.data, self.quarters, self.settings).droplevel(["table", "field"])
        return _percent_style(table, "Key fields recorded (%), by quarter")

    def completeness_by_team(self, field: str = "language") -> Styler:
        table = quality.completeness_by_team(self.data, field, self.quarters, self.settings)
        description = next((k.description for k in quality.KEY_FIELDS if k.field == field), field)
        return _percent_style(table, f"{description} (%), by team and quarter")

    def decisions_without_time(self) -> pd.DataFrame:
        return quality.decisions_without_time(self.data, self.quarters)

    def assessments_left_open(self) -> pd.DataFrame:
        return quality.assessments_left_open(self.data, self.config.timescale, self.quarters)

    def duplicates(self) -> pd.DataFrame:
        return quality.duplicate_summary(self.config.processed_dir, self.data)

    def possible_duplicates(self) -> pd.DataFrame:
        return quality.possible_duplicates(self.data)
