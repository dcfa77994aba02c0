"""Put the pack's charts into the PDF as they are, not decoded and compressed again.

A PDF image can hold a PNG's compressed rows unchanged (FlateDecode with PNG predictors), and WeasyPrint
(70) writes them so, but first decodes every PNG and compresses its pixels again: for the pack's charts
(opaque, 8 bits a channel, drawn by kpi.charts.style.to_png) that is most of the time it spends on images,
to make the same rows. While `charts_as_they_are` is in force, such a PNG's own compressed rows go into the
PDF; any other image (transparent, palette, 16-bit, interlaced, not a PNG) is handled by WeasyPrint as before.
"""

from __future__ import annotations

import struct
from collections.abc import Iterator
from contextlib import contextmanager

SIGNATURE = b"\x89PNG\r\n\x1a\n"
COLOUR_TYPES = {0: "L", 2: "RGB"}  # grey and RGB, without alpha: the PDF declares as many colours as these have


@contextmanager
def charts_as_they_are() -> Iterator[None]:
    """While WeasyPrint writes a PDF in this block, an opaque 8-bit PNG keeps its own compressed rows.
    A WeasyPrint without the function this relies on is left as it is."""
    from weasyprint.images import RasterImage

    encode = RasterImage.__dict__.get("_get_png_data")
    if not isinstance(encode, staticmethod):
        yield
        return

    def rows(pillow_image) -> bytes:
        found = compressed_rows(_source(pillow_image), pillow_image.mode)
        return found if found is not None else encode.__func__(pillow_image)

    RasterImage._get_png_data = staticmethod(rows)
    try:
        yield
    finally:
        RasterImage._get_png_data = encode


def _source(pillow_image) -> bytes | None:
    """The bytes an image was opened from, if it was opened from bytes and is still as it was read."""
    if getattr(pillow_image, "format", None) != "PNG":
        return None
    source = getattr(pillow_image, "fp", None)
    return source.getvalue() if hasattr(source, "getvalue") else None


def compressed_rows(png: bytes | None, mode: str) -> bytes | None:
    """The IDAT data of an 8-bit, non-interlaced grey or RGB PNG without transparency whose pixels are in
    `mode`; None for any other image."""
    if not png or not png.startswith(SIGNATURE):
        return None
    chunks, position = [], len(SIGNATURE)
    header = None
    while position + 8 <= len(png):
        length, kind = struct.unpack("!I4s", png[position:position + 8])
        data = png[position + 8:position + 8 + length]
        if kind == b"IHDR":
            header = struct.unpack("!IIBBBBB", data)
        elif kind == b"tRNS":
            return None  # a transparent colour: WeasyPrint makes the image RGBA
        elif kind == b"IDAT":
            chunks.append(data)
        elif kind == b"IEND":
            break
        position += 12 + length
    if header is None or not chunks:
        return None
    _, _, depth, colour, compression, filtering, interlace = header
    if depth != 8 or COLOUR_TYPES.get(colour) != mode or (compression, filtering, interlace) != (0, 0, 0):
        return None
    return b"".join(chunks)
