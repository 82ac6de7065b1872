"""Write any dataset to disk in the generic format: PNG images plus ``captions.jsonl``.

The generic format is the one every tool here reads, so exporting synthetic faces gives a folder
that trains, previews and inspects exactly like a real dataset (and can be edited by hand).
Rendering can be spread over processes; ``captions.jsonl`` is written last and atomically, so a
folder with that file is always complete.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from itertools import repeat
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from PIL import Image
from tqdm import tqdm

from core.data.base import TextFaceDataset
from core.data.formats.generic import JSONL
from core.data.pixels import images_uint8
from core.disk import as_disk_full, is_disk_full
from core.io import atomic_write_text
from core.output_files import check_output_target

IMAGE_FOLDER = "images"
_CHUNK = 64


def export_generic(dataset: TextFaceDataset, out: Path, *, workers: int = 1, progress: bool = False,
                   overwrite: bool = False, on_chunk: Callable[[int], None] | None = None) -> Path:
    """Write ``dataset`` under ``out`` (``images/NNNNNN.png`` + ``captions.jsonl``); returns the JSONL path.

    ``workers`` > 1 renders in that many processes (the dataset is pickled to each). Refuses to
    overwrite an existing ``captions.jsonl`` unless ``overwrite``.
    """
    out = Path(out)
    target = out / JSONL
    if target.exists() and not overwrite:
        raise FileExistsError(f"{out} already holds a dataset ({JSONL}); choose another folder or overwrite")
    (out / IMAGE_FOLDER).mkdir(parents=True, exist_ok=True)
    digits = max(6, len(str(len(dataset) - 1)))
    chunks = [list(range(s, min(s + _CHUNK, len(dataset)))) for s in range(0, len(dataset), _CHUNK)]
    records: list[str] = [""] * len(dataset)
    with tqdm(total=len(dataset), desc="writing faces", unit="img", disable=not progress) as bar:
        if workers <= 1:
            results = (_write_chunk(dataset, out, chunk, digits) for chunk in chunks)
            _collect(results, records, bar, on_chunk)
        else:
            with ProcessPoolExecutor(workers, mp_context=get_context("spawn")) as pool:
                _collect(pool.map(_write_chunk, repeat(dataset), repeat(out), chunks, repeat(digits)),
                         records, bar, on_chunk)
    atomic_write_text(target, "\n".join(records) + "\n")
    return target


def _collect(results, records: list[str], bar: tqdm, on_chunk: Callable[[int], None] | None) -> None:
    for chunk in results:
        for index, line in chunk:
            records[index] = line
        bar.update(len(chunk))
        if on_chunk is not None:
            on_chunk(len(chunk))


def _write_chunk(dataset: TextFaceDataset, out: Path, indices: Sequence[int], digits: int) -> list[tuple[int, str]]:
    """Save the images ``indices`` and return their JSONL lines (runs in a worker process)."""
    lines = []
    for index, pixels in zip(indices, images_uint8(dataset, indices)):
        relpath = f"{IMAGE_FOLDER}/{index:0{digits}d}.png"
        _save_png(pixels, out / relpath)
        record: dict[str, object] = {"image": relpath, "texts": dataset.captions(index)}
        attributes = dataset.attributes(index)
        if attributes is not None:
            record["attributes"] = attributes
        lines.append((index, json.dumps(record, ensure_ascii=False)))
    return lines


def _save_png(pixels: np.ndarray, path: Path) -> None:
    """One face as PNG: never onto a FIFO or device (opening a FIFO to write blocks forever), and a
    full disk as a one-line :class:`~core.disk.DiskFullError`. Not atomic, for speed: the dataset
    is not complete until ``captions.jsonl`` is written, last and atomically."""
    check_output_target(path)
    try:
        Image.fromarray(pixels).save(path, compress_level=3)
    except OSError as error:
        if is_disk_full(error):
            raise as_disk_full(error, path) from None
        raise


def default_workers() -> int:
    return max(1, min(8, os.cpu_count() or 1))
