"""Saving faces at a chosen size, with what made them written into each PNG.

A face is drawn at the model's resolution (often 64×64): too small to look at once saved. Every
save — one face, a grid, interpolation frames, a GIF — enlarges by the same whole factor, with
hard pixel edges (nearest) or smoothed (bicubic), so frames and their GIF always match. Every PNG
carries its description, seed, truncation ψ and model name in its text chunks, so a face found
on disk months later can be drawn again (``read_png_text`` reads them back).
"""

from __future__ import annotations

import io
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, PngImagePlugin

from core import __version__
from core.io import atomic_write_bytes

FACTORS = (1, 4, 8)


@dataclass(frozen=True)
class ExportSize:
    """How much to enlarge saved faces, and whether to smooth (else keep hard pixel edges)."""

    factor: int = 4
    smooth: bool = False

    def __post_init__(self) -> None:
        if self.factor not in FACTORS:
            raise ValueError(f"export factor must be one of {', '.join(map(str, FACTORS))}, got {self.factor}")

    def describe(self, resolution: int) -> str:
        """E.g. "4× (256 px, nearest)"."""
        return f"{self.factor}× ({resolution * self.factor} px, {'smooth' if self.smooth else 'nearest'})"


def enlarge(images: np.ndarray, size: ExportSize) -> np.ndarray:
    """``H×W×3`` or ``N×H×W×3`` uint8 faces, each enlarged ``size.factor`` times."""
    images = np.asarray(images)
    if size.factor == 1:
        return images
    if images.ndim == 4:
        return np.stack([enlarge(image, size) for image in images])
    if not size.smooth:
        return images.repeat(size.factor, 0).repeat(size.factor, 1)
    height, width = images.shape[:2]
    picture = Image.fromarray(images).resize((width * size.factor, height * size.factor), Image.Resampling.BICUBIC)
    return np.asarray(picture)


def compose(faces: np.ndarray, size: ExportSize, columns: int | None = None) -> np.ndarray:
    """One face enlarged, or several as a grid of enlarged faces whose gutters grow with them."""
    from core.explore import grid_array

    faces = np.asarray(faces)
    if faces.ndim == 3:
        return enlarge(faces, size)
    if len(faces) == 1:
        return enlarge(faces[0], size)
    return grid_array(enlarge(faces, size), columns, padding=2 * size.factor)


def face_text(description: str, seeds: Sequence[int] | int, truncation: float, model: str,
              **extra: object) -> dict[str, str]:
    """The PNG text chunks for faces: description, seed(s) in grid order, ψ, model, and ``extra``
    (keyword names become chunk names: ``text_variation`` → "Text variation")."""
    seeds = [seeds] if isinstance(seeds, int) else list(seeds)
    text = {"Description": description, "Seed": ", ".join(str(s) for s in seeds), "Psi": f"{truncation:g}",
            "Model": model}
    text.update({name.replace("_", " ").capitalize(): str(value) for name, value in extra.items()})
    text["Software"] = f"T2F {__version__}"
    return text


def png_bytes(image: np.ndarray, text: Mapping[str, str] | None = None) -> bytes:
    """PNG bytes of an ``H×W×3`` uint8 image with ``text`` as UTF-8 (iTXt) chunks."""
    info = PngImagePlugin.PngInfo()
    for key, value in (text or {}).items():
        info.add_itxt(key, value)
    buffer = io.BytesIO()
    Image.fromarray(np.asarray(image)).save(buffer, format="PNG", pnginfo=info)
    return buffer.getvalue()


def save_png(image: np.ndarray, path: str | Path, text: Mapping[str, str] | None = None) -> None:
    """Write ``image`` with its text chunks, atomically."""
    atomic_write_bytes(Path(path), png_bytes(image, text))


def read_png_text(path: str | Path) -> dict[str, str]:
    """The text chunks of a PNG file."""
    with Image.open(path) as picture:
        picture.load()
        return dict(getattr(picture, "text", {}))
