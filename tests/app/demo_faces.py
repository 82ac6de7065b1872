"""A handful of simple drawn faces with captions, for the app tests (no Qt).

The real training data comes from :mod:`core.data` (its synthetic renderer or a folder). This
stand-in only needs to be quick, deterministic and obviously face-like, so the tests
do not depend on a particular data loader.
"""

from __future__ import annotations

import numpy as np
from PIL import Image, ImageDraw

HAIR = {"black": (30, 25, 25), "brown": (100, 60, 30), "blond": (225, 195, 110), "red": (170, 60, 30),
        "grey": (150, 150, 150)}
SKIN = {"light": (245, 215, 190), "tan": (205, 160, 120), "dark": (120, 80, 55)}
EYES = {"blue": (60, 110, 200), "green": (60, 150, 80), "brown": (90, 55, 30)}
BACKGROUNDS = ((200, 220, 240), (235, 225, 200), (210, 235, 210), (230, 210, 230))


def draw_face(hair: str, skin: str, eyes: str, smiling: bool, glasses: bool, background: int,
              size: int = 64) -> np.ndarray:
    """One face as ``size×size×3`` uint8, drawn at 4× and reduced for smooth edges."""
    big = size * 4
    s = big / 64.0
    image = Image.new("RGB", (big, big), BACKGROUNDS[background % len(BACKGROUNDS)])
    draw = ImageDraw.Draw(image)
    box = lambda x0, y0, x1, y1: [x0 * s, y0 * s, x1 * s, y1 * s]  # noqa: E731 - a tiny local helper
    draw.ellipse(box(12, 6, 52, 40), fill=HAIR[hair])
    draw.rectangle(box(12, 22, 52, 46), fill=HAIR[hair])
    draw.ellipse(box(17, 12, 47, 52), fill=SKIN[skin])
    draw.rectangle(box(26, 50, 38, 64), fill=SKIN[skin])
    draw.ellipse(box(14, 6, 50, 24), fill=HAIR[hair])
    for x in (24, 36):
        draw.ellipse(box(x, 26, x + 5, 31), fill=(255, 255, 255))
        draw.ellipse(box(x + 1, 27, x + 4, 30), fill=EYES[eyes])
        if glasses:
            draw.ellipse(box(x - 2, 24, x + 7, 33), outline=(20, 20, 20), width=max(1, int(s)))
    if smiling:
        draw.arc(box(25, 36, 39, 46), 20, 160, fill=(150, 40, 40), width=max(1, int(1.5 * s)))
    else:
        draw.line(box(27, 42, 37, 42), fill=(150, 40, 40), width=max(1, int(1.5 * s)))
    return np.asarray(image.resize((size, size), Image.LANCZOS))


def caption(hair: str, eyes: str, smiling: bool, glasses: bool) -> str:
    parts = [f"a person with {hair} hair and {eyes} eyes"]
    if glasses:
        parts.append("wearing glasses")
    parts.append("who is smiling" if smiling else "with a neutral expression")
    return " ".join(parts)


def demo_faces(count: int, size: int = 64, seed: int = 0) -> tuple[np.ndarray, list[list[str]]]:
    """``count`` faces (``N×size×size×3`` uint8) and one caption list each."""
    rng = np.random.default_rng(seed)
    images, captions = [], []
    for _ in range(count):
        hair, skin, eyes = rng.choice(list(HAIR)), rng.choice(list(SKIN)), rng.choice(list(EYES))
        smiling, glasses = bool(rng.random() < 0.5), bool(rng.random() < 0.3)
        images.append(draw_face(hair, skin, eyes, smiling, glasses, int(rng.integers(4)), size))
        captions.append([caption(hair, eyes, smiling, glasses)])
    return np.stack(images), captions


def demo_dataset(count: int, size: int = 64, seed: int = 0):  # noqa: ANN201 - TensorTextFaceDataset
    """The faces as a :class:`core.data.base.TensorTextFaceDataset`."""
    from core.data.base import TensorTextFaceDataset

    images, captions = demo_faces(count, size, seed)
    return TensorTextFaceDataset(images, captions, source=f"{count} drawn demo faces")
