"""Exploring a trained model: interpolation between (text, seed) endpoints, grids and GIFs.

Interpolation builds all frames' latents first and draws them as one batch: the app's scrubber
then moves through precomputed frames instantly.
"""

from __future__ import annotations

import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import torch
from PIL import Image

from core.explore_options import MAX_FRAMES, METHODS, MODES  # noqa: F401 - re-exported
from core.io import atomic_write_bytes


@dataclass(frozen=True)
class Endpoint:
    """One end of an interpolation: a description and a seed."""

    text: str
    seed: int


def lerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Row-wise linear interpolation; ``t`` is ``N`` fractions, ``a``/``b`` are ``D`` vectors."""
    return a.unsqueeze(0) + t.unsqueeze(1) * (b - a).unsqueeze(0)


def slerp(a: torch.Tensor, b: torch.Tensor, t: torch.Tensor) -> torch.Tensor:
    """Spherical interpolation (keeps a Gaussian vector's typical norm along the path).

    Interpolates the direction on the great circle and the norm linearly; falls back to lerp when
    the two vectors are (anti)parallel and the great circle is undefined.
    """
    na, nb = a.norm(), b.norm()
    if na == 0 or nb == 0:
        return lerp(a, b, t)
    ua, ub = a / na, b / nb
    omega = torch.arccos((ua * ub).sum().clamp(-1.0, 1.0))
    if omega.abs() < 1e-6 or (math.pi - omega.abs()) < 1e-6:
        return lerp(a, b, t)
    so = torch.sin(omega)
    wa = torch.sin((1.0 - t) * omega) / so
    wb = torch.sin(t * omega) / so
    direction = wa.unsqueeze(1) * ua.unsqueeze(0) + wb.unsqueeze(1) * ub.unsqueeze(0)
    norm = na + t * (nb - na)
    path = direction * norm.unsqueeze(1)
    # Pin the ends exactly: rounding in sin/arccos would otherwise move a face's first or last
    # frame by a grey level from what generate() draws for that seed.
    path[t == 0] = a
    path[t == 1] = b
    return path


def interpolation_latents(model, start: Endpoint, end: Endpoint, frames: int, mode: str = "both",
                          method: str = "slerp", truncation: float = 1.0) -> torch.Tensor:
    """Latents ``frames×latent_dim`` from ``start`` to ``end`` (both included).

    ``noise`` moves only z (the text stays ``start``'s), ``text`` moves only the text condition
    (the noise stays ``start``'s), ``both`` moves both. ``method`` applies to the noise; the text
    condition is always interpolated linearly (it is a mean, not a Gaussian sample).
    """
    if mode not in MODES:
        raise ValueError(f"mode must be one of {', '.join(MODES)}, got {mode!r}")
    if method not in METHODS:
        raise ValueError(f"method must be slerp or lerp, got {method!r}")
    if not 2 <= frames <= MAX_FRAMES:
        raise ValueError(f"frames must be between 2 and {MAX_FRAMES}, got {frames}")
    ends = model.latents([start.text, end.text], [start.seed, end.seed], truncation)
    ca = model.config.ca_dim
    (c0, z0), (c1, z1) = (ends[0, :ca], ends[0, ca:]), (ends[1, :ca], ends[1, ca:])
    t = torch.linspace(0.0, 1.0, frames, device=ends.device)
    c = lerp(c0, c1 if mode in ("text", "both") else c0, t)
    z_end = z1 if mode in ("noise", "both") else z0
    z = (slerp if method == "slerp" else lerp)(z0, z_end, t)
    return torch.cat([c, z], dim=1)


@torch.inference_mode()
def interpolate(model, start: Endpoint, end: Endpoint, frames: int, mode: str = "both",
                method: str = "slerp", truncation: float = 1.0) -> np.ndarray:
    """Frames as uint8 ``frames×R×R×3``, drawn in one batch."""
    from core.model.t2f import to_uint8

    latents = interpolation_latents(model, start, end, frames, mode, method, truncation)
    return to_uint8(model.synthesize(latents))


GRID_MIN, GRID_MAX = 2, 10


@torch.inference_mode()
def corner_grid(model, start: Endpoint, end: Endpoint, size: int = 5, method: str = "slerp",
                truncation: float = 1.0) -> np.ndarray:
    """Faces ``size×size×R×R×3`` (uint8): text changes across the columns, noise down the rows.

    Top-left is A's text with A's seed, top-right B's text with A's seed, bottom-left A's text
    with B's seed, bottom-right B's text with B's seed: a row shows what the words do to one face,
    a column what the noise does to one description. Drawn as one batch.
    """
    from core.model.t2f import to_uint8

    if not GRID_MIN <= size <= GRID_MAX:
        raise ValueError(f"grid size must be between {GRID_MIN} and {GRID_MAX}, got {size}")
    ends = model.latents([start.text, end.text], [start.seed, end.seed], truncation)
    ca = model.config.ca_dim
    t = torch.linspace(0.0, 1.0, size, device=ends.device)
    texts = lerp(ends[0, :ca], ends[1, :ca], t)  # columns
    noises = (slerp if method == "slerp" else lerp)(ends[0, ca:], ends[1, ca:], t)  # rows
    latents = torch.cat([texts.unsqueeze(0).expand(size, -1, -1), noises.unsqueeze(1).expand(-1, size, -1)], dim=2)
    images = to_uint8(model.synthesize(latents.reshape(size * size, -1)))
    return images.reshape(size, size, *images.shape[1:])


def grid_array(images: np.ndarray, columns: int | None = None, padding: int = 2,
               background: int = 255) -> np.ndarray:
    """Tile ``N×H×W×3`` uint8 images into one array, ``columns`` wide (default: near-square)."""
    count, height, width, _ = images.shape
    columns = columns or math.ceil(math.sqrt(count))
    rows = math.ceil(count / columns)
    out = np.full((rows * height + (rows + 1) * padding, columns * width + (columns + 1) * padding, 3),
                  background, dtype=np.uint8)
    for i, image in enumerate(images):
        r, c = divmod(i, columns)
        y, x = padding + r * (height + padding), padding + c * (width + padding)
        out[y : y + height, x : x + width] = image
    return out


def png_bytes(image: np.ndarray) -> bytes:
    buffer = io.BytesIO()
    Image.fromarray(image).save(buffer, format="PNG")
    return buffer.getvalue()


def save_png(image: np.ndarray, path: str | Path) -> None:
    """Save one ``H×W×3`` uint8 image as PNG, atomically."""
    atomic_write_bytes(Path(path), png_bytes(image))


def save_grid(images: torch.Tensor | np.ndarray, path: str | Path, columns: int | None = None) -> None:
    """Save a grid PNG of float images in [−1, 1] (``B×3×H×W``) or uint8 ``B×H×W×3``."""
    if isinstance(images, torch.Tensor):
        from core.model.t2f import to_uint8

        images = to_uint8(images)
    save_png(grid_array(images, columns), path)


def save_gif(frames: Sequence[np.ndarray] | np.ndarray, path: str | Path, fps: float = 24.0,
             loop: bool = True, scale: int = 1) -> None:
    """Save frames as an animated GIF (every frame kept, even identical neighbours)."""
    from core.image_files import encode_animation

    atomic_write_bytes(Path(path), encode_animation(frames, "GIF", fps=fps, loop=loop, scale=scale))
