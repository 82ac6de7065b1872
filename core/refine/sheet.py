"""The composite sheet: the final face large, the description, the steps taken and the faces
passed on the way — one PNG to hand over, as a sketch artist hands over a drawing."""

from __future__ import annotations

import textwrap
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFont

from core.image_export import save_png
from core.refine.session import Refinement

WIDTH = 760
LARGE = 320
THUMB = 80
MAX_THUMBS = 32
INK, PAPER, MUTED = (20, 20, 20), (250, 250, 247), (110, 110, 110)


def _font(size: int) -> ImageFont.ImageFont:
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow < 10.1 has one bitmap size
        return ImageFont.load_default()


def _plain(text: str) -> str:
    """Pillow's built-in font lacks arrows and dashes."""
    return text.replace("→", "->").replace("—", "-").replace("…", "...")


def _enlarge(face: np.ndarray, side: int) -> Image.Image:
    image = Image.fromarray(face)
    factor = max(1, side // image.width)
    return image.resize((image.width * factor, image.height * factor), Image.Resampling.NEAREST)


def sheet_image(final: np.ndarray, description: str, labels: Sequence[str], faces: Sequence[np.ndarray],
                title: str = "T2F Desktop - refined face", current: int | None = None) -> np.ndarray:
    """Draw the sheet: ``final`` (``R×R×3``) large beside the description and numbered steps,
    then a strip of the faces of every step (the last :data:`MAX_THUMBS`), ``current`` framed."""
    big, body, small = _font(22), _font(15), _font(12)
    large = _enlarge(final, LARGE)
    lines = textwrap.wrap(_plain(" ".join(description.split())) or "(no description)", 44)[:12]
    steps = [f"{i + 1}. {_plain(label)}" for i, label in enumerate(labels)]
    shown = list(range(len(faces)))[-MAX_THUMBS:]
    columns = max(1, (WIDTH - 24) // (THUMB + 8))
    rows = -(-len(shown) // columns)
    text_height = 40 + 20 * len(lines) + 24 + 17 * min(len(steps), 18)
    height = 60 + max(large.height, text_height) + 40 + rows * (THUMB + 26) + 16
    sheet = Image.new("RGB", (WIDTH, height), PAPER)
    draw = ImageDraw.Draw(sheet)
    draw.text((16, 16), title, fill=INK, font=big)
    sheet.paste(large, (16, 60))
    x, y = 32 + large.width, 60
    draw.text((x, y), "Description", fill=MUTED, font=small)
    y += 18
    for line in lines:
        draw.text((x, y), line, fill=INK, font=body)
        y += 20
    y += 12
    draw.text((x, y), f"Steps taken ({len(steps)})", fill=MUTED, font=small)
    y += 18
    visible = steps if len(steps) <= 18 else steps[:8] + ["..."] + steps[-9:]
    for line in visible:
        draw.text((x, y), line[:60], fill=INK, font=small)
        y += 17
    y = 60 + max(large.height, text_height) + 16
    draw.text((16, y), "Faces passed on the way", fill=MUTED, font=small)
    y += 20
    for n, index in enumerate(shown):
        r, c = divmod(n, columns)
        px, py = 16 + c * (THUMB + 8), y + r * (THUMB + 26)
        sheet.paste(_enlarge(faces[index], THUMB).resize((THUMB, THUMB), Image.Resampling.NEAREST), (px, py))
        if index == current:
            draw.rectangle((px - 3, py - 3, px + THUMB + 2, py + THUMB + 2), outline=(40, 110, 220), width=3)
        draw.text((px, py + THUMB + 4), str(index + 1), fill=MUTED, font=small)
    return np.asarray(sheet)


def refinement_sheet(session: Refinement) -> np.ndarray:
    """The sheet of a refinement: its current face, description, step labels and step faces."""
    import torch

    latents = torch.stack([session.step_latent(step) for step in session.steps])
    faces = session.render(latents)
    return sheet_image(session.image(), session.text, [s.label for s in session.steps], list(faces),
                       current=session.index)


def save_sheet(session: Refinement, path: str | Path) -> Path:
    """Write the refinement's sheet as PNG (atomically), with the description in its text chunk."""
    path = Path(path)
    save_png(refinement_sheet(session), path, {"Description": session.text, "Software": "T2F Desktop"})
    return path
