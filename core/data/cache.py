"""Preprocessing cache: decode, crop and resize a folder once; later loads read a memmap.

Decoding 200 000 JPEGs takes minutes; reading the same faces from a uint8 ``.npy`` memmap takes
nothing, and the operating system shares its pages between data-loader workers. An entry lives in
its own folder, named after a hash of what determines its content: the dataset folder, its format
and options, every image's relative path, size and modification time, the metadata files read, and
the resolution. Change any of these and a new entry is built; nothing is ever served stale.

Both files of an entry are written to temporary names and renamed into place, ``index.json`` last,
so a crash or a concurrent build never leaves a half-written entry that looks complete.

A memmap that runs out of disk does not fail with an error: the process dies of ``SIGBUS`` when a
page is written. So the space is checked first and then reserved (``posix_fallocate``) before any
pixel is written; a disk that cannot hold the entry is a one-line :class:`~core.disk.DiskFullError`
naming the file and the space it needs, and the scratch file is removed.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import json
import os
import re
import stat
import time
import uuid
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
from tqdm import tqdm

from core.data.base import TensorTextFaceDataset
from core.data.images import ImageProblem, decode_face
from core.data.records import Sample, Scan
from core.data.summary import DataSummary
from core.disk import as_disk_full, is_disk_full, require_free_space
from core.io import atomic_write_text

CACHE_VERSION = 1
ENV_VAR = "T2F_CACHE_DIR"
IMAGES_FILE = "images.npy"
INDEX_FILE = "index.json"
_CHUNK = 256
#: Scratch files of a build killed part-way are removed by the next build once this old.
STALE_SCRATCH_SECONDS = 3600.0


def default_cache_dir() -> Path:
    return Path.home() / ".cache" / "t2f-desktop" / "datasets"


def resolve_cache_dir(cache_dir: str | os.PathLike[str] | None = None) -> Path:
    """The cache folder: the argument if given, else ``$T2F_CACHE_DIR``, else the default."""
    if cache_dir is not None:
        return Path(cache_dir).expanduser()
    from_env = os.environ.get(ENV_VAR)
    return Path(from_env).expanduser() if from_env else default_cache_dir()


class CachedFaceDataset(TensorTextFaceDataset):
    """A decoded dataset served from a memmap; knows its format and where its cache entry is."""

    def __init__(self, images: np.ndarray, captions: Sequence[Sequence[str]],
                 attributes: Sequence[dict[str, str] | None], summary: DataSummary, entry: Path) -> None:
        super().__init__(images, captions, attributes, source=summary.source)
        self.summary = summary
        self.format = summary.format
        self.cache_entry = entry

    def __getstate__(self) -> dict[str, object]:
        """Pickle the entry's path, not the pixels: data-loader workers reopen the same memmap."""
        state = self.__dict__.copy()
        state["_images"] = None
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self._images = np.load(self.cache_entry / IMAGES_FILE, mmap_mode="c")


def cache_key(scan: Scan, resolution: int) -> str:
    """Hash of everything that determines the decoded result (no file content is read)."""
    sources = []
    for path in scan.sources:
        stat = path.stat()
        sources.append([path.resolve().as_posix(), stat.st_size, stat.st_mtime_ns])
    payload = {
        "version": CACHE_VERSION, "root": scan.root.resolve().as_posix(), "format": scan.format,
        "options": scan.options, "resolution": resolution, "sources": sources,
        "files": sorted([s.name, s.size, s.mtime_ns] for s in scan.samples),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def entry_folder(scan: Scan, resolution: int, cache_dir: str | os.PathLike[str] | None = None) -> Path:
    slug = re.sub(r"[^A-Za-z0-9_.-]+", "_", scan.root.resolve().name)[:40] or "root"
    return resolve_cache_dir(cache_dir) / f"{scan.format}-{slug}-{resolution}px-{cache_key(scan, resolution)[:16]}"


def load_or_build(scan: Scan, resolution: int, cache_dir: str | os.PathLike[str] | None = None,
                  progress: bool = False, workers: int | None = None) -> CachedFaceDataset:
    """The cached dataset for ``scan`` at ``resolution``, decoding the images only if needed."""
    entry = entry_folder(scan, resolution, cache_dir)
    cached = load_entry(entry)
    if cached is not None:
        return cached
    return build_entry(scan, resolution, entry, progress, workers)


def load_entry(entry: Path) -> CachedFaceDataset | None:
    """The dataset in ``entry``, or ``None`` if it is missing, incomplete or from another version."""
    try:
        index = json.loads((entry / INDEX_FILE).read_text(encoding="utf-8"))
        if index.get("version") != CACHE_VERSION:
            return None
        images = np.load(entry / IMAGES_FILE, mmap_mode="c")  # copy-on-write: writable, never written
    except (OSError, ValueError):
        return None
    count = int(index["count"])
    if images.shape != (count, index["resolution"], index["resolution"], 3) or images.dtype != np.uint8:
        return None
    summary = DataSummary.from_dict(index["summary"])
    return CachedFaceDataset(images, index["captions"], index["attributes"], summary, entry)


def build_entry(scan: Scan, resolution: int, entry: Path, progress: bool = False,
                workers: int | None = None) -> CachedFaceDataset:
    """Decode every sample of ``scan`` into ``entry`` and return the result (see module docstring)."""
    summary = scan.summary
    samples = list(scan.samples)
    if scan.describe is not None:
        for sample in samples:
            sample.captions = scan.describe(sample)
    if not samples:
        raise ValueError(f"{scan.root}: no usable samples ({summary.text()})")
    try:
        entry.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        if is_disk_full(error):
            raise as_disk_full(error, entry) from None
        raise
    _remove_stale_scratch(entry)
    scratch = entry / f".images-{uuid.uuid4().hex}.npy.tmp"
    built = False
    try:
        kept = _decode_all(samples, resolution, scratch, summary, progress, workers)
        if not kept:
            raise ValueError(f"{scan.root}: no usable samples ({summary.text()})")
        final = _compact(scratch, len(kept), entry)
        os.replace(final, entry / IMAGES_FILE)
        built = True
    finally:
        for leftover in entry.glob(f"{scratch.name}*"):
            leftover.unlink(missing_ok=True)
        if not built:
            with contextlib.suppress(OSError):
                entry.rmdir()  # only when empty: a failed first build leaves no folder behind
    summary.images = len(kept)
    summary.captions = sum(len(s.captions) for s in kept)
    index = {
        "version": CACHE_VERSION, "resolution": resolution, "count": len(kept),
        "summary": summary.to_dict(), "names": [s.name for s in kept],
        "captions": [s.captions for s in kept], "attributes": [s.attributes for s in kept],
    }
    atomic_write_text(entry / INDEX_FILE, json.dumps(index, ensure_ascii=False))
    loaded = load_entry(entry)
    if loaded is None:  # only if another process replaced the entry with something unreadable
        raise OSError(f"{entry}: cache entry could not be read back")
    return loaded


def _decode_all(samples: list[Sample], resolution: int, path: Path, summary: DataSummary,
                progress: bool, workers: int | None) -> list[Sample]:
    """Decode into a memmap at ``path`` in sample order, packed; returns the samples that loaded."""
    images = _reserved_memmap(path, (len(samples), resolution, resolution, 3))
    kept: list[Sample] = []

    def decode(sample: Sample) -> tuple[np.ndarray | None, list[str], str]:
        try:
            pixels, notes = decode_face(sample.image, resolution, sample.crop)
            return pixels, notes, ""
        except ImageProblem as problem:
            return None, [], str(problem)

    workers = workers or min(8, os.cpu_count() or 1)
    with ThreadPoolExecutor(max_workers=workers) as pool, \
            tqdm(total=len(samples), desc="decoding images", unit="img", disable=not progress) as bar:
        for start in range(0, len(samples), _CHUNK):
            chunk = samples[start:start + _CHUNK]
            for sample, (pixels, notes, problem) in zip(chunk, pool.map(decode, chunk)):
                if pixels is None:
                    summary.skip(sample.name, problem)
                    continue
                for note in notes:
                    summary.convert(sample.name, note)
                images[len(kept)] = pixels
                kept.append(sample)
            bar.update(len(chunk))
    images.flush()
    del images
    return kept


def _compact(path: Path, count: int, entry: Path) -> Path:
    """``path`` itself if it holds exactly ``count`` images, else a copy trimmed to ``count``."""
    full = np.load(path, mmap_mode="r")
    if full.shape[0] == count:
        del full
        return path
    trimmed_path = entry / f"{path.name}.trim"
    trimmed = _reserved_memmap(trimmed_path, (count,) + full.shape[1:])
    for start in range(0, count, 4096):
        stop = min(count, start + 4096)
        trimmed[start:stop] = full[start:stop]
    trimmed.flush()
    del trimmed, full
    return trimmed_path


def _reserved_memmap(path: Path, shape: tuple[int, ...]) -> np.memmap:
    """A new uint8 ``.npy`` memmap at ``path`` whose disk blocks are allocated before it is returned.

    Without the reservation a full disk would surface as ``SIGBUS`` on some later page write.
    """
    needed = int(np.prod(shape)) + 4096  # pixels plus the .npy header
    shown = path.parent / IMAGES_FILE  # the name a user can make sense of, not the scratch name
    require_free_space(shown, needed)
    try:
        images = np.lib.format.open_memmap(path, mode="w+", dtype=np.uint8, shape=shape)
    except OSError as error:
        if is_disk_full(error):
            raise as_disk_full(error, shown, needed) from None
        raise
    if hasattr(os, "posix_fallocate"):
        fd = os.open(path, os.O_RDWR)
        try:
            os.posix_fallocate(fd, 0, os.fstat(fd).st_size)
        except OSError as error:
            if is_disk_full(error):
                raise as_disk_full(error, shown, needed) from None
            if error.errno not in (errno.EOPNOTSUPP, errno.EINVAL):  # EOPNOTSUPP: cannot reserve here
                raise
        finally:
            os.close(fd)
    return images


def _remove_stale_scratch(entry: Path) -> None:
    """Scratch files of builds killed part-way (a finished or failed build removes its own)."""
    now = time.time()
    for leftover in entry.glob(".images-*.npy.tmp*"):
        try:
            info = leftover.lstat()
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > STALE_SCRATCH_SECONDS:
                leftover.unlink()
        except OSError:
            continue
