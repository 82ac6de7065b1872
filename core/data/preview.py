"""Contact sheets: a grid of faces with a caption under each, for a person to eyeball a dataset.

Looking at the data is the cheapest bug detector there is: a wrong crop, a colour swap or a caption
that does not match its face is obvious on a sheet and invisible in a loss curve.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.data.base import TextFaceDataset
from core.data.pixels import images_uint8

_BACKGROUND = (250, 250, 248)
_TEXT = (20, 20, 24)


def sheet_indices(size: int, count: int) -> list[int]:
    """``count`` indices spread evenly over a dataset of ``size`` (all of them if it is small)."""
    if count >= size:
        return list(range(size))
    return [int(i) for i in np.linspace(0, size - 1, count).round()]


def contact_sheet(dataset: TextFaceDataset, count: int = 64, columns: int = 8, cell: int = 128,
                  caption_lines: int = 6, font_size: int = 11, caption_index: int = 0) -> Image.Image:
    """A sheet of ``count`` faces of ``dataset``, ``columns`` wide, each ``cell`` px with a caption.

    Faces smaller than ``cell`` are enlarged with nearest-neighbour so individual pixels stay
    visible (a 32 px face should look like one). ``caption_index`` picks which caption is shown.
    """
    indices = sheet_indices(len(dataset), count)
    font = ImageFont.load_default(font_size)
    line_height = font_size + 3
    text_height = caption_lines * line_height + 6
    rows = (len(indices) + columns - 1) // columns
    sheet = Image.new("RGB", (columns * (cell + 8) + 8, rows * (cell + text_height + 8) + 8), _BACKGROUND)
    draw = ImageDraw.Draw(sheet)
    faces = images_uint8(dataset, indices)
    for slot, (index, pixels) in enumerate(zip(indices, faces)):
        x = 8 + (slot % columns) * (cell + 8)
        y = 8 + (slot // columns) * (cell + text_height + 8)
        face = Image.fromarray(pixels)
        if face.size[0] != cell:
            resample = Image.Resampling.NEAREST if face.size[0] < cell else Image.Resampling.LANCZOS
            face = face.resize((cell, cell), resample)
        sheet.paste(face, (x, y))
        captions = dataset.captions(index)
        text = captions[min(caption_index, len(captions) - 1)]
        for k, line in enumerate(wrap(text, font, cell, caption_lines)):
            draw.text((x, y + cell + 3 + k * line_height), line, font=font, fill=_TEXT)
    return sheet


def wrap(text: str, font: ImageFont.ImageFont | ImageFont.FreeTypeFont, width: int, max_lines: int) -> list[str]:
    """Greedy word wrap to ``width`` pixels; the last line ends in "…" if the text did not fit."""
    lines: list[str] = []
    current = ""
    words = text.split()
    for position, word in enumerate(words):
        candidate = f"{current} {word}".strip()
        if font.getlength(candidate) <= width or not current:
            current = candidate
            continue
        lines.append(current)
        current = word
        if len(lines) == max_lines:
            return _ellipsize(lines, font, width)
    if current:
        lines.append(current)
    if len(lines) > max_lines:
        return _ellipsize(lines[:max_lines], font, width)
    return lines


def _ellipsize(lines: Sequence[str], font: ImageFont.ImageFont | ImageFont.FreeTypeFont, width: int) -> list[str]:
    out = list(lines)
    last = out[-1]
    while last and font.getlength(last + "…") > width:
        last = last[:-1]
    out[-1] = last.rstrip() + "…"
    return out
