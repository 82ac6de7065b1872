"""Opening training data for the Train view (no Qt): a thin layer over ``core.data.open_dataset``."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from core.config import DataConfig
    from core.data.base import TextFaceDataset

SYNTHETIC = "synthetic"


def synthetic_source(count: int) -> str:
    return f"{SYNTHETIC}:{int(count)}"


def is_synthetic(source: str) -> bool:
    return source == SYNTHETIC or source.startswith(SYNTHETIC + ":")


def source_from_config(data: DataConfig) -> str:
    """The ``open_dataset`` source string a run config names."""
    return synthetic_source(data.synthetic_count) if data.source == SYNTHETIC else data.source


def open_source(source: str, resolution: int, cache_dir: str | None = None, seed: int = 0) -> TextFaceDataset:
    """A dataset for ``source`` (``"synthetic:N"`` or a folder) at ``resolution``; slow, call off the UI thread."""
    from core.data import open_dataset

    return open_dataset(source, resolution=resolution, cache_dir=cache_dir, seed=seed)
