"""``open_dataset``: one call from a path (or ``"synthetic:N"``) to a ready ``TextFaceDataset``.

The trainer, the CLI and the app use this and nothing else, so every source of faces behaves the
same: detected automatically, decoded once into the preprocessing cache, summarised.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from core.data.base import TensorTextFaceDataset, TextFaceDataset
from core.data.cache import load_or_build
from core.data.formats import DatasetFormat, detect_format
from core.data.images import ImageProblem, decode_face
from core.data.records import Scan
from core.data.synthetic.dataset import SyntheticFaces

SYNTHETIC = "synthetic"
DEFAULT_SYNTHETIC_COUNT = 20_000


def parse_synthetic(spec: str) -> int | None:
    """``"synthetic"`` → the default count, ``"synthetic:N"`` → N; ``None`` if ``spec`` is a path."""
    if spec == SYNTHETIC:
        return DEFAULT_SYNTHETIC_COUNT
    if spec.startswith(f"{SYNTHETIC}:"):
        count = spec.split(":", 1)[1].replace("_", "")
        if not count.isdigit() or int(count) <= 0:
            raise ValueError(f"expected 'synthetic:N' with a positive whole number N, got {spec!r}")
        return int(count)
    return None


def open_dataset(path: str | os.PathLike[str], resolution: int, cache_dir: str | os.PathLike[str] | None = None,
                 *, seed: int = 0, split: str = "train", partition: str | None = None,
                 progress: bool = False) -> TextFaceDataset:
    """The dataset at ``path`` with images at ``resolution``.

    ``path`` is a dataset folder (format detected, see :mod:`core.data.formats`), a file inside
    one (its folder is used), or ``"synthetic"`` / ``"synthetic:N"`` for N generated faces (``seed``
    and ``split`` apply to those only). ``partition`` selects CelebA's train/val/test list.
    ``cache_dir`` overrides where decoded folders are cached (else ``$T2F_CACHE_DIR``, else
    ``~/.cache/t2f-desktop/datasets``). ``progress`` shows a progress bar while decoding.

    Raises ``FileNotFoundError`` for a missing path and ``ValueError`` (one line, naming the folder)
    for a folder in no known format or without a single usable sample.
    """
    count = parse_synthetic(str(path))
    if count is not None:
        return SyntheticFaces(count, resolution=resolution, seed=seed, split=split)
    root = Path(path).expanduser()
    if root.is_file():
        root = root.parent
    fmt = detect_format(root)
    return open_folder(root, fmt, resolution, cache_dir, partition=partition, progress=progress)


def peek_dataset(path: str | os.PathLike[str], resolution: int, count: int,
                 cache_dir: str | os.PathLike[str] | None = None, *, seed: int = 0, split: str = "train",
                 partition: str | None = None) -> TextFaceDataset:
    """A quick look: about ``count`` images of the dataset at ``path``, evenly spread over it.

    Reuses the preprocessing cache when it already holds the folder at this resolution; otherwise
    decodes only the chosen images (a preview of CelebA should not decode 200,000 photos). The
    summary's counts then describe the preview, not the whole folder.
    """
    from core.data.cache import entry_folder, load_entry

    if parse_synthetic(str(path)) is not None:
        return open_dataset(path, resolution, cache_dir, seed=seed, split=split)
    root = Path(path).expanduser()
    root = root.parent if root.is_file() else root
    fmt = detect_format(root)
    scan = fmt.scan(root, {"partition": partition} if partition else {})
    if not scan.samples:
        raise ValueError(f"{root}: no usable samples ({scan.summary.text()})")
    cached = load_entry(entry_folder(scan, resolution, cache_dir))
    if cached is not None:
        return cached
    return _decode_preview(scan, resolution, count)


def _decode_preview(scan: Scan, resolution: int, count: int) -> TextFaceDataset:
    summary = scan.summary
    step = max(1, len(scan.samples) // count)
    images, captions, attributes = [], [], []
    for sample in scan.samples[::step][:count]:
        try:
            pixels, notes = decode_face(sample.image, resolution, sample.crop)
        except ImageProblem as problem:
            summary.skip(sample.name, str(problem))
            continue
        for note in notes:
            summary.convert(sample.name, note)
        images.append(pixels)
        captions.append(scan.describe(sample) if scan.describe else sample.captions)
        attributes.append(sample.attributes)
    if not images:
        raise ValueError(f"{scan.root}: no usable samples among those previewed ({summary.text()})")
    dataset = TensorTextFaceDataset(np.stack(images), captions, attributes, source=summary.source)
    summary.source = f"{summary.source} (preview of {len(images)} of {len(scan.samples)} images)"
    summary.images, summary.captions = len(images), sum(len(c) for c in captions)
    dataset.summary = summary
    return dataset


def open_folder(root: Path, fmt: DatasetFormat, resolution: int, cache_dir: str | os.PathLike[str] | None = None,
                *, partition: str | None = None, progress: bool = False) -> TextFaceDataset:
    """Scan ``root`` as ``fmt`` and load it through the cache."""
    options = {"partition": partition} if partition else {}
    scan = fmt.scan(root, options)
    return load_or_build(scan, resolution, cache_dir, progress=progress)
