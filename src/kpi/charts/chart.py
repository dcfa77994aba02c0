"""A chart as the notebooks and the pack hand it round: the figure, its alt text and the data behind it.

In a notebook it shows as an image with its alt text as the caption (and the alt text on the image);
`png()` renders it at the size it is drawn for, so its text prints at the size it was set in.
"""

from __future__ import annotations

import base64
import html
from dataclasses import dataclass, field

import pandas as pd
from matplotlib.figure import Figure

from kpi.charts.style import to_png


@dataclass
class Chart:
    figure: Figure
    alt_text: str
    title: str = ""
    data: pd.DataFrame = field(default_factory=pd.DataFrame)

    def png(self) -> bytes:
        """At the size the chart is drawn for (no tight bounding box, which would change its text size)."""
        return to_png(self.figure)

    def _repr_mimebundle_(self, include=None, exclude=None) -> dict[str, str]:
        encoded = base64.b64encode(self.png()).decode("ascii")
        alt = html.escape(self.alt_text, quote=True)
        figure = (f'<figure style="margin:0"><img src="data:image/png;base64,{encoded}" alt="{alt}" '
                  f'style="max-width:100%"/><figcaption>{alt}</figcaption></figure>')
        return {"text/html": figure, "image/png": encoded, "text/plain": self.alt_text}

    def __repr__(self) -> str:
        return f"Chart: {self.alt_text}"
