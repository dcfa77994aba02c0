"""Independent checks of a drawn chart: its words (every one translated), its text sizes, its contrast.

The contrast check reads the colours of the chart's own artists and measures them with the WCAG 2.2 formula
written out here (not the package's), against every background they may sit on: the figure, the plot, and
the plot's shaded bands (artists with gid "band"). Lines, markers, bars and icons need 3:1 (a patch passes on
its face or its drawn edge), text 4.5:1 (against its own box where it has one, an icon's symbol against the
icon). Gridlines, axis lines and tick marks are left out: the style keeps them light on purpose, and no value
is read from them alone.
"""

from __future__ import annotations

import re
import string
from collections.abc import Iterable
from pathlib import Path

from matplotlib.colors import to_rgb, to_rgba
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Circle, Patch
from matplotlib.text import Text

CSS = Path(__file__).resolve().parents[1] / "src/kpi/pack/templates/nbconvert/kpi_pack/pack.css"
NO_MARKER = (None, "None", "none", "", " ")


# ---------------------------------------------------------------------------------------------- words


class WelshStub:
    """A translate function that marks every translated piece: msgid "{n} points" -> "12⟨ points⟩". Whatever
    is left outside the marks was not translated. It remembers the msgids it was asked for."""

    language = "cy"

    def __init__(self):
        self.msgids: set[str] = set()

    def __call__(self, message: str, **values) -> str:
        self.msgids.add(message)
        out = []
        for literal, field, spec, _ in string.Formatter().parse(message):
            if literal:
                out.append(f"⟨{literal}⟩")
            if field is not None:
                out.append(format(values[field], spec or ""))
        return "".join(out)


def untranslated(text: str, allowed: Iterable[str] = ()) -> list[str]:
    """Words left outside the stub's marks that are not in `allowed` (proper names, period labels...)."""
    allowed = set(allowed)
    bare = re.sub(r"⟨[^⟩]*⟩", " ", text, flags=re.DOTALL)
    return [word for word in re.findall(r"[^\W\d_]+", bare) if word not in allowed]


def words_of(*texts: str) -> set[str]:
    return {word for text in texts for word in re.findall(r"[^\W\d_]+", str(text))}


def texts_of(figure: Figure) -> list[Text]:
    """Every text artist that is drawn and has something in it: titles, labels, ticks, legends, annotations
    (a tick outside the axis's view is not drawn)."""
    hidden = set()
    for ax in figure.axes:
        for axis in (ax.xaxis, ax.yaxis):
            low, high = sorted(axis.get_view_interval())
            span = (high - low) * 1e-9
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                if not low - span <= tick.get_loc() <= high + span:
                    hidden |= {id(tick.label1), id(tick.label2)}
    found = figure.findobj(lambda o: isinstance(o, Text) and o.get_visible() and o.get_text().strip())
    return [t for t in found if id(t) not in hidden and (t.axes is None or t.axes.get_visible())]


# ---------------------------------------------------------------------------------------------- size


def css_width_mm(selector: str) -> float:
    """The width the pack's CSS gives `selector` (e.g. 'figure.chart img')."""
    css = CSS.read_text(encoding="utf-8")
    match = re.search(r"(?m)^" + re.escape(selector) + r"\s*\{\s*width:\s*([\d.]+)mm;\s*\}", css)
    assert match, f"no width for {selector} in {CSS}"
    return float(match.group(1))


def small_texts(figure: Figure, minimum: float = 9.0) -> list[tuple[str, float]]:
    return [(t.get_text(), t.get_fontsize()) for t in texts_of(figure) if t.get_fontsize() < minimum - 1e-6]


def texts_outside(figure: Figure) -> list[str]:
    """Texts that stick out of the figure (the PNG is saved at the figure's size, so they would be cut)."""
    figure.canvas.draw()
    frame = figure.bbox
    outside = []
    for t in texts_of(figure):
        box = t.get_window_extent()
        if box.x0 < frame.x0 - 1 or box.x1 > frame.x1 + 1 or box.y0 < frame.y0 - 1 or box.y1 > frame.y1 + 1:
            outside.append(t.get_text())
    return outside


# ---------------------------------------------------------------------------------------------- contrast


def luminance(colour) -> float:
    def linear(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in to_rgb(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(first, second) -> float:
    a, b = sorted((luminance(first), luminance(second)), reverse=True)
    return (a + 0.05) / (b + 0.05)


def _visible(colour) -> bool:
    return colour is not None and not (isinstance(colour, str) and colour == "none") and to_rgba(colour)[3] > 0


def _backgrounds(figure: Figure, ax) -> list:
    found = [figure.get_facecolor()]
    if ax is not None and ax.axison:
        found.append(ax.get_facecolor())
    if ax is not None:
        found += [a.get_facecolor() for a in [*ax.patches, *ax.collections] if a.get_gid() == "band"]
    return [c[0] if hasattr(c, "ndim") and c.ndim == 2 else c for c in found]


def _graphics(figure: Figure):
    """(what, colours that may carry it, axes) for every line, marker, patch and legend handle."""
    for ax in figure.axes:
        for line in ax.lines:
            if line.get_gid() == "point_marks":
                continue  # tick marks (kpi.charts.layout), light like the axis's own: not needed to read a value
            if line.get_linestyle() not in NO_MARKER and line.get_linewidth() > 0:
                yield f"line {line.get_gid()}", [line.get_color()], ax
            if line.get_marker() not in NO_MARKER:
                yield f"marker {line.get_gid()}", [line.get_markerfacecolor()], ax
        for patch in ax.patches:
            if patch.get_gid() == "band":
                continue
            colours = [patch.get_facecolor()] + ([patch.get_edgecolor()] if patch.get_linewidth() > 0 else [])
            yield f"patch {patch.get_gid()}", [c for c in colours if _visible(c)], ax
    for legend in figure.legends + [ax.get_legend() for ax in figure.axes if ax.get_legend()]:
        for handle in legend.legend_handles:
            if isinstance(handle, Line2D):
                colours = ([handle.get_color()] if handle.get_linestyle() not in NO_MARKER else []) + (
                    [handle.get_markerfacecolor()] if handle.get_marker() not in NO_MARKER else [])
            elif isinstance(handle, Patch):
                colours = [handle.get_facecolor()] + ([handle.get_edgecolor()] if handle.get_linewidth() > 0 else [])
            else:
                continue
            yield f"legend {handle.get_label()}", [c for c in colours if _visible(c)], None


def contrast_failures(figure: Figure) -> list[str]:
    """Everything below 3:1 (graphics) or 4.5:1 (text) against a background it may sit on."""
    figure.canvas.draw()
    failures = []
    for what, colours, ax in _graphics(figure):
        for background in _backgrounds(figure, ax):
            if not colours or max(ratio(c, background) for c in colours) < 3:
                failures.append(f"{what}: {colours} on {background}")
    for text in texts_of(figure):
        ax = text.axes
        box = text.get_bbox_patch()
        if box is not None and _visible(box.get_facecolor()):
            backgrounds = [box.get_facecolor()]
        elif text.get_gid() == "icon_symbol":
            backgrounds = [p.get_facecolor() for p in ax.patches if isinstance(p, Circle)
                           and p.contains_point(ax.transData.transform(text.get_position()))]
        elif ax is not None and text in (*ax.get_xticklabels(), *ax.get_yticklabels(), ax.xaxis.label,
                                         ax.yaxis.label, ax.title, ax._left_title, ax._right_title):
            backgrounds = [figure.get_facecolor()]
        else:
            backgrounds = _backgrounds(figure, ax)
        for background in backgrounds:
            if ratio(text.get_color(), background) < 4.5:
                failures.append(f"text {text.get_text()!r}: {text.get_color()} on {background}")
    return failures
