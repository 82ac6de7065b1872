"""Generated faces beside real renders of the same captions: the picture that shows the artefacts.

Each row is one caption: a real face with what it says (for held-out captions, the very face the
caption was written from), a gap, the model's faces for that caption on seeds 0, 1, …, and the words.
A person sees in a second what the numbers take a table to say.
"""

from __future__ import annotations

import textwrap
from collections.abc import Mapping, Sequence

import numpy as np
import torch
from PIL import Image, ImageDraw, ImageFont

from core.data.synthetic import ATTRIBUTES
from core.data.synthetic.attributes import sample_attributes
from core.evaluate.artefacts import render_sets

#: Rows a sheet shows by default (the issue's 16 × (real, seeds…)).
SHEET_ROWS = 16


def real_for_captions(stated: Sequence[Mapping[str, str]], resolution: int, seed: int = 0) -> torch.Tensor:
    """One real face per caption: its stated attributes, the rest drawn as the data draws them
    (a face that fits what is stated, or, after 200 tries, any face with it imposed)."""
    rng = np.random.default_rng(seed)
    sets = []
    for wanted in stated:
        for _ in range(200):
            attributes = sample_attributes(rng)
            if all(attributes[k] == v for k, v in wanted.items()):
                break
        sets.append({**attributes, **{k: v for k, v in wanted.items() if k in ATTRIBUTES}})
    return render_sets(sets, rng, resolution)


def side_by_side_sheet(real: np.ndarray, generated: np.ndarray, texts: Sequence[str], scale: int = 2,
                       text_width: int = 420) -> np.ndarray:
    """``len(texts)`` rows of (real face | generated faces… | words), with a header.

    ``real`` is ``N×H×W×3`` uint8 (one per caption), ``generated`` ``N·seeds×H×W×3`` caption-major.
    """
    rows = len(texts)
    if rows == 0 or len(real) != rows or len(generated) % rows:
        raise ValueError(f"need one real face per caption and the same number of seeds each, got "
                         f"{len(real)} real and {len(generated)} generated faces for {rows} captions")
    seeds = len(generated) // rows
    font = ImageFont.load_default()
    size, pad, gap, header = real.shape[1] * scale, 4, 12, 16
    faces_w = pad + (size + pad) + gap + seeds * (size + pad)
    sheet = Image.new("RGB", (faces_w + pad + text_width, header + rows * (size + pad) + pad), "white")
    draw = ImageDraw.Draw(sheet)
    draw.text((pad, 2), "real", fill="black", font=font)
    draw.text((pad + size + pad + gap, 2), f"generated (seeds 0 to {seeds - 1})", fill="black", font=font)

    def paste(face: np.ndarray, x: int, y: int) -> None:
        sheet.paste(Image.fromarray(face).resize((size, size), Image.Resampling.NEAREST), (x, y))

    for i, text in enumerate(texts):
        y = header + pad + i * (size + pad)
        paste(real[i], pad, y)
        for k in range(seeds):
            paste(generated[i * seeds + k], pad + size + pad + gap + k * (size + pad), y)
        lines = textwrap.wrap(text, width=max(20, text_width // 7))[: max(1, size // 13)]
        top = y + max(0, (size - 13 * len(lines)) // 2)
        for j, line in enumerate(lines):
            draw.text((faces_w + pad, top + j * 13), line, fill="black", font=font)
    return np.asarray(sheet)
