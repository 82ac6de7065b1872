"""On-disk dataset formats and detection of which one a folder holds.

Detection tries the formats in :data:`FORMATS` order: an explicit generic captions file wins, so a
user can always override how a folder is read by writing ``captions.jsonl`` into it.
"""

from __future__ import annotations

from pathlib import Path

from core.data.formats.celeba import CelebAFormat
from core.data.formats.face2text import Face2TextFormat
from core.data.formats.format import DatasetFormat
from core.data.formats.generic import GenericFormat
from core.data.formats.mm_celeba_hq import MMCelebAHQFormat

FORMATS: tuple[DatasetFormat, ...] = (GenericFormat(), MMCelebAHQFormat(), CelebAFormat(), Face2TextFormat())


def detect_format(root: Path) -> DatasetFormat:
    """The format of the folder ``root``; ``ValueError`` (one line, listing every format) if none fits."""
    root = Path(root)
    if not root.exists():
        raise FileNotFoundError(f"{root}: no such folder")
    if not root.is_dir():
        raise ValueError(f"{root}: not a folder")
    for candidate in FORMATS:
        if candidate.detect(root):
            return candidate
    expected = "; ".join(f"{f.name}: {f.expects}" for f in FORMATS)
    raise ValueError(f"{root}: not a recognised dataset folder. Expected one of — {expected}; "
                     "or use 'synthetic' / 'synthetic:N' for generated faces")


def format_named(name: str) -> DatasetFormat:
    for candidate in FORMATS:
        if candidate.name == name:
            return candidate
    raise ValueError(f"unknown dataset format {name!r}; known: {', '.join(f.name for f in FORMATS)}")


__all__ = ["FORMATS", "DatasetFormat", "detect_format", "format_named"]
