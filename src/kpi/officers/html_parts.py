"""The few HTML pieces the weekly report and the screen are made of: a section with its heading, a table
with real header cells and a caption, a chart with its alt text. No scripts, nothing from elsewhere."""

from __future__ import annotations

import base64
import html
import re

import pandas as pd

NUMBER = re.compile(r"[\d,.%–c*\s-]+")


def escape(text: object) -> str:
    return html.escape(str(text), quote=True)


def anchor_of(text: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")


def section(anchor: str, heading: str, *parts: str, level: int = 2, css: str = "fd-section") -> str:
    """A section labelled by its heading."""
    body = "\n".join(part for part in parts if part)
    return (f'<section class="{css}" id="{anchor}" aria-labelledby="{anchor}-heading">\n'
            f'<h{level} id="{anchor}-heading">{escape(heading)}</h{level}>\n{body}\n</section>')


def paragraph(text: str, css: str = "") -> str:
    return f'<p{f" class={chr(34)}{css}{chr(34)}" if css else ""}>{escape(text)}</p>'


def table(frame: pd.DataFrame, caption: str, anchor: str, *, corner: str = "", css: str = "fd-table") -> str:
    """The table in a scrollable region named by its caption: the index as row headers, the columns as
    column headers."""
    caption_id = f"{anchor}-caption"
    head = []
    labels = frame.columns
    head.append(f'<tr><th scope="col">{escape(corner)}</th>' +
                "".join(f'<th scope="col">{escape(label)}</th>' for label in labels) + "</tr>")
    rows = []
    for label, values in zip(frame.index, frame.itertuples(index=False)):  # rows of a printed table, not data
        cells = "".join(f'<td class="number">{escape(v)}</td>' if NUMBER.fullmatch(str(v)) else
                        f"<td>{escape(v)}</td>" for v in values)
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{cells}</tr>')
    return (f'<div class="table-region" role="region" aria-labelledby="{caption_id}" tabindex="0">\n'
            f'<table class="{css}"><caption id="{caption_id}">{escape(caption)}</caption>\n'
            f'<thead>{"".join(head)}</thead>\n<tbody>{"".join(rows)}</tbody></table>\n</div>')


def data_uri(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


def figure(png: bytes, alt: str, css: str = "chart") -> str:
    """A chart as an image in the page itself, described in its alt text."""
    return f'<figure class="{css}"><img src="{data_uri(png)}" alt="{escape(alt)}"></figure>'
