"""Writing frames and time-lapses to disk (no Qt): PNG sequences, MP4 when possible, GIFs via core.

GIF and single PNG writing belong to :mod:`core.explore`; this module adds what only the app
offers: numbered PNG frames, MP4 through the optional ``imageio-ffmpeg`` package, and the
training time-lapse assembled from a run's sample grids.
"""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from PIL import Image

if TYPE_CHECKING:
    from core.image_export import ExportSize


def mp4_available() -> bool:
    """True when ``imageio-ffmpeg`` (which ships its own ffmpeg) is installed."""
    return importlib.util.find_spec("imageio_ffmpeg") is not None


def save_png_frames(frames: np.ndarray, folder: str | Path, stem: str = "frame", size: ExportSize | None = None,
                    texts: Sequence[Mapping[str, str]] | None = None) -> list[Path]:
    """Write ``frames`` as ``stem_0000.png``… in ``folder`` (created if needed), enlarged to
    ``size`` (as they are by default), frame ``i`` carrying ``texts[i]`` in its text chunks."""
    from core.image_export import enlarge, save_png

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    digits = max(4, len(str(len(frames) - 1)))
    paths = []
    for index, frame in enumerate(frames):
        path = folder / f"{stem}_{index:0{digits}d}.png"
        save_png(enlarge(frame, size) if size else frame, path, texts[index] if texts else None)
        paths.append(path)
    return paths


def save_mp4(frames: np.ndarray, path: str | Path, fps: float = 24.0, scale: int = 1) -> None:
    """Write an H.264 MP4 with ``imageio-ffmpeg``; frames are enlarged to an even size codecs accept."""
    import imageio_ffmpeg

    pictures = [Image.fromarray(np.asarray(f)) for f in frames]
    width, height = pictures[0].size
    width, height = width * scale, height * scale
    width, height = width + width % 2, height + height % 2
    writer = imageio_ffmpeg.write_frames(str(path), (width, height), fps=fps, codec="libx264",
                                         pix_fmt_out="yuv420p", macro_block_size=1)
    writer.send(None)
    try:
        for picture in pictures:
            writer.send(np.ascontiguousarray(picture.resize((width, height), Image.NEAREST)))
    finally:
        writer.close()


def load_grids(paths: Sequence[str | Path]) -> np.ndarray:
    """Sample grids as one ``N×H×W×3`` array, each resized to the newest grid's size if needed."""
    if not paths:
        raise ValueError("no sample grids to put in a time-lapse")
    pictures = []
    for path in paths:
        with Image.open(path) as picture:
            pictures.append(picture.convert("RGB"))
    size = pictures[-1].size
    return np.stack([np.asarray(p if p.size == size else p.resize(size, Image.NEAREST)) for p in pictures])


def save_timelapse(paths: Sequence[str | Path], gif_path: str | Path, fps: float = 8.0) -> int:
    """A GIF of a run's sample grids, oldest first; returns the number of frames."""
    from core.explore import save_gif

    frames = load_grids(paths)
    save_gif(frames, gif_path, fps=fps, loop=True)
    return len(frames)
