"""Colours, sizes and contrast shared by every chart.

Charts are drawn at the size the pack places them (figure width in inches = placed width in mm / 25.4), so a
font size in points is the size it prints at on A4: no chart text is below `TEXT_PT`. The pack's CSS sets the
same widths (`figure.chart img`), and tests check that they agree.

Colours are the Analysis Function palette, kept only where they meet WCAG 2.2 against the backgrounds they are
drawn on: 3:1 for lines, markers and bars (1.4.11), 4.5:1 for text (1.4.3). The palette's light grey
(#BFBFBF, 1.8:1 on white) and turquoise and purple on a shaded band (under 3:1) are replaced; gridlines, axis
lines and tick marks stay light, as the style guide asks: they are not needed to read a value (every value is
labelled, and in the data table beside the chart).
"""

from __future__ import annotations

import io

import matplotlib
from afcharts.af_colours import get_af_colours
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.colors import to_rgb
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox
from PIL import Image
from PIL.PngImagePlugin import PngInfo

STYLE = "afcharts.afcharts"
DARK_BLUE, TURQUOISE, DARK_PINK, ORANGE, DARK_GREY, PURPLE = get_af_colours("categorical")
MID_BLUE = get_af_colours("sequential")[2]  # #2073BC: 4.4:1 on BAND_FILL, where turquoise is 2.8:1
MID_GREY = "#808080"  # 3.9:1 on white and 3.5:1 on BAND_FILL: the series line and "other" bars
BAND_FILL = "#F2F2F2"  # shaded quartile bands: a background, never information on its own
TEXT = "#0B0C0C"
WHITE = "#FFFFFF"

# Placed sizes (mm) in the pack, and the text sizes (pt) that follow from drawing at that size.
SPC_SIZE_MM = (110.0, 64.0)
COMPARISON_WIDTH_MM = 140.0
TITLE_PT = 11.0
TEXT_PT = 9.0  # the smallest text on any chart, as printed
MARGIN_PT = 4.0  # clear space round the edge of a figure
PNG_DPI = 200  # sharp when printed at the placed size


def new_figure(width_mm: float, height_mm: float) -> Figure:
    """A figure exactly as big as it is placed, with an Agg canvas (no pyplot)."""
    figure = Figure(figsize=(width_mm / 25.4, height_mm / 25.4), dpi=100)
    FigureCanvasAgg(figure)
    return figure


def to_png(figure: Figure, dpi: int = PNG_DPI, transparent: bool = False) -> bytes:
    """The figure as PNG at its own size (no tight bounding box: that would change the printed text size).

    An opaque figure is saved without an alpha channel: the same pixels, in fewer bytes, and an image a PDF can
    hold as it is (no mask of 255s to split off: see kpi.pack.pdf_images)."""
    raw = io.BytesIO()
    figure.savefig(raw, format="rgba", dpi=dpi, transparent=transparent)
    pixels = raw.getbuffer()
    width, height = int(figure.get_figwidth() * dpi), int(figure.get_figheight() * dpi)  # as Agg sizes its canvas
    if len(pixels) != 4 * width * height:  # not the figure's own size (a matplotlibrc asking for a tight box)
        png = io.BytesIO()
        figure.savefig(png, format="png", dpi=dpi, transparent=transparent)
        return png.getvalue()
    image = Image.frombuffer("RGBA", (width, height), pixels, "raw", "RGBA", 0, 1)
    if not transparent and image.getextrema()[3] == (255, 255):
        image = image.convert("RGB")
    info = PngInfo()
    info.add_text("Software", f"Matplotlib version{matplotlib.__version__}, https://matplotlib.org/")  # as savefig
    buffer = io.BytesIO()
    # zlib level 3 rather than PIL's 6: a third less time, and for these flat-coloured charts slightly smaller
    # files too (the demo pack's 79 images: 2.28 MB against 2.32 MB)
    image.save(buffer, format="png", dpi=(dpi, dpi), pnginfo=info, compress_level=3)
    return buffer.getvalue()


def size_pt(figure: Figure) -> tuple[float, float]:
    width, height = figure.get_size_inches()
    return float(width * 72), float(height * 72)


def in_points(figure: Figure, box: Bbox) -> Bbox:
    """A display-space box (pixels) in points from the figure's lower left corner."""
    return Bbox(box.get_points() * 72 / figure.dpi)


def renderer_of(figure: Figure):
    canvas = figure.canvas
    return canvas.get_renderer() if hasattr(canvas, "get_renderer") else figure._get_renderer()


# ---------------------------------------------------------------------------------------------- contrast


def relative_luminance(colour) -> float:
    """WCAG 2.2 relative luminance of any matplotlib colour (alpha ignored)."""
    channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(colour)]
    return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]


def contrast_ratio(first, second) -> float:
    """WCAG contrast ratio of two colours, from 1 to 21."""
    high, low = sorted((relative_luminance(first), relative_luminance(second)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def text_colour_on(fill) -> str:
    """Near-black or white, whichever contrasts more with the fill."""
    return TEXT if contrast_ratio(TEXT, fill) >= contrast_ratio(WHITE, fill) else WHITE
