"""Image and animation files whose bytes match their names, written atomically.

A file called ``face.jpg`` must hold a JPEG: other programs pick a decoder from the extension, and a
PNG in disguise is a bug report waiting to happen. So the format comes from the extension, and an
extension this module cannot write is refused with one line before any work is done.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from pathlib import Path

import numpy as np
from PIL import Image

#: Still images: extension → PIL format.
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
#: Animations: extension → PIL format (PNG and WebP are written animated: APNG, animated WebP).
ANIMATION_FORMATS = {".gif": "GIF", ".png": "PNG", ".webp": "WEBP"}
#: The longest side of a still picture written (a 256-face grid of 256 px faces, enlarged ×2).
MAX_IMAGE_SIDE = 8192
#: The longest side of one animation frame, and the most pixel bytes all frames may hold.
MAX_FRAME_SIDE = 2048
MAX_ANIMATION_BYTES = 2**30


def _names(formats: dict[str, str]) -> str:
    suffixes = list(formats)
    return ", ".join(suffixes[:-1]) + f" or {suffixes[-1]}"


def image_format(path: str | Path) -> str:
    """The PIL format a still image called ``path`` is written in; ``ValueError`` if none fits."""
    suffix = Path(path).suffix.lower()
    if suffix not in IMAGE_FORMATS:
        shown = f"'{suffix}'" if suffix else "no"
        raise ValueError(f"{path}: cannot write an image with {shown} extension; use {_names(IMAGE_FORMATS)}")
    return IMAGE_FORMATS[suffix]


def animation_format(path: str | Path) -> str | None:
    """The PIL format of an animation called ``path``, or ``None`` if its extension is not one."""
    return ANIMATION_FORMATS.get(Path(path).suffix.lower())


def encode_image(image: np.ndarray | Image.Image, fmt: str) -> bytes:
    """``image`` (``H×W×3`` uint8 or a PIL image) as the bytes of a ``fmt`` file."""
    picture = image if isinstance(image, Image.Image) else Image.fromarray(np.asarray(image))
    options: dict[str, object] = {"JPEG": {"quality": 95}, "WEBP": {"lossless": True}}.get(fmt, {})
    buffer = io.BytesIO()
    picture.convert("RGB").save(buffer, format=fmt, **options)
    return buffer.getvalue()


def save_image(image: np.ndarray | Image.Image, path: str | Path) -> None:
    """Save ``image`` atomically in the format its extension names (see :func:`image_format`)."""
    from core.io import atomic_write_bytes  # here, so that checking a name never loads torch

    atomic_write_bytes(Path(path), encode_image(image, image_format(path)))


def encode_animation(frames: Sequence[np.ndarray] | np.ndarray, fmt: str, fps: float = 24.0,
                     loop: bool = True, scale: int = 1) -> bytes:
    """Frames as an animated GIF, PNG (APNG) or WebP file's bytes (every frame kept)."""
    if len(frames) == 0:
        raise ValueError("no frames to save")
    pictures = [Image.fromarray(np.asarray(f)) for f in frames]
    if scale > 1:
        pictures = [p.resize((p.width * scale, p.height * scale), Image.Resampling.NEAREST) for p in pictures]
    duration = max(20, round(1000 / fps))
    options: dict[str, object] = {
        "GIF": {"loop": 0 if loop else 1, "disposal": 1, "optimize": False},
        "PNG": {"loop": 0 if loop else 1, "disposal": 0},
        "WEBP": {"loop": 0 if loop else 1, "lossless": True},
    }[fmt]
    buffer = io.BytesIO()
    pictures[0].save(buffer, format=fmt, save_all=True, append_images=pictures[1:], duration=duration, **options)
    return buffer.getvalue()


def check_picture_size(width: int, height: int, what: str = "the image") -> None:
    """Refuse a still picture too large to hold in memory and open elsewhere."""
    if max(width, height) > MAX_IMAGE_SIDE:
        raise ValueError(f"{what} would be {width}×{height} px; the largest written is "
                         f"{MAX_IMAGE_SIDE} px a side (lower --scale or --n)")


def check_animation_size(frames: int, side: int, what: str = "the animation") -> None:
    """Refuse an animation whose frames would be too large, one by one or all together."""
    if side > MAX_FRAME_SIDE:
        raise ValueError(f"{what}'s frames would be {side}×{side} px; the largest is {MAX_FRAME_SIDE} px "
                         "a side (lower --scale)")
    if frames * side * side * 3 > MAX_ANIMATION_BYTES:
        raise ValueError(f"{what} would hold {frames} frames of {side}×{side} px, more than "
                         f"{MAX_ANIMATION_BYTES >> 20} MiB of pixels (lower --scale or --frames)")
