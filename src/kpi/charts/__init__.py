"""Charts for the pack and the notebooks: SPC (XmR) charts with their icons and alt text, and the comparison
charts of `kpi.compare.benchmarking`.

Every word a chart shows comes from a translation function (`words`), every chart is drawn at the size it is
placed at in the pack with no text below 9 pt (`style`), and every line, marker, bar and text meets WCAG
contrast against its background (`style.contrast_ratio`). Modules:

* `xmr`: the SPC chart; `icons`: variation and assurance icons; `describe`: the SPC chart's alt text;
* `comparison`: the ranked, quartile and time-series charts of how we compare;
* `words`, `style`, `layout`: what they share.
"""

from kpi.charts.chart import Chart
from kpi.charts.describe import alt_text, shown_limits, special_cause_runs
from kpi.charts.icons import ASSURANCE_ICON_STYLE, VARIATION_ICON_STYLE, icon_png
from kpi.charts.style import COMPARISON_WIDTH_MM, PNG_DPI, SPC_SIZE_MM, STYLE, TEXT_PT, contrast_ratio, to_png
from kpi.charts.words import ChartWords, Translate, chart_words, english
from kpi.charts.ranking import ranked_chart
from kpi.charts.xmr import POINT_STYLE, spc_chart
from kpi.charts.years import time_series_chart
from kpi.spc.icons import ASSURANCE_LABELS, VARIATION_LABELS

__all__ = [
    "ASSURANCE_ICON_STYLE",
    "ASSURANCE_LABELS",
    "COMPARISON_WIDTH_MM",
    "PNG_DPI",
    "POINT_STYLE",
    "SPC_SIZE_MM",
    "STYLE",
    "TEXT_PT",
    "VARIATION_ICON_STYLE",
    "VARIATION_LABELS",
    "Chart",
    "ChartWords",
    "Translate",
    "alt_text",
    "chart_words",
    "contrast_ratio",
    "english",
    "icon_png",
    "ranked_chart",
    "shown_limits",
    "spc_chart",
    "special_cause_runs",
    "time_series_chart",
    "to_png",
]
