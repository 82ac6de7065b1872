"""What a format parser finds before any image is decoded: samples, and reasons for what it left out.

Every format reads its own metadata (a JSON list, an attribute table, one text file per image) and
hands ``(image, captions, attributes)`` records to a :class:`SampleCollector`. The collector does
the checks all formats share: the image path stays inside the dataset folder (lexically, and after
following symbolic links: a link to a file elsewhere is skipped, never read), the file exists,
captions are not empty text, records for the same image merge. The resulting :class:`Scan` is cheap to
build (no decoding), which is what lets the cache decide whether decoding is needed at all.
"""

from __future__ import annotations

import os
import posixpath
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from core.data.images import FaceBox
from core.data.summary import DataSummary
from core.data.textfiles import clean_caption, is_text


@dataclass
class Sample:
    """One image to decode, with its captions and the file facts that key the cache."""

    image: Path
    name: str  # path relative to the dataset folder, used in messages and as a stable id
    captions: list[str]
    attributes: dict[str, str] | None = None
    crop: FaceBox | None = None
    size: int = 0
    mtime_ns: int = 0


@dataclass
class Scan:
    """Everything a format found in a folder, ready for the cache to decode."""

    format: str
    root: Path
    samples: list[Sample]
    summary: DataSummary
    #: Metadata files that were read (their sizes and times are part of the cache key).
    sources: list[Path] = field(default_factory=list)
    #: Format options that change the result (e.g. a CelebA partition); part of the cache key.
    options: dict[str, str] = field(default_factory=dict)
    #: For formats whose captions are generated from labels: fills ``sample.captions``. Called only
    #: when a cache is built, so that opening a cached dataset never pays for caption generation.
    describe: Callable[[Sample], list[str]] | None = None


class FolderBounds:
    """Whether paths resolve (after following symbolic links) to somewhere inside one folder.

    Each folder's real path is looked up once, so checking 200 000 images costs one ``lstat`` each.
    """

    def __init__(self, root: Path) -> None:
        self.root = os.path.realpath(root)
        self._folders: dict[str, str] = {}

    def holds(self, path: Path) -> bool:
        folder = os.fspath(path.parent)
        real_folder = self._folders.get(folder)
        if real_folder is None:
            real_folder = self._folders[folder] = os.path.realpath(folder)
        real = os.path.realpath(path) if os.path.islink(path) else os.path.join(real_folder, path.name)
        return real == self.root or real.startswith(self.root.rstrip(os.sep) + os.sep)


def inside_folder(path: Path, root: Path) -> bool:
    """Whether ``path`` resolves to somewhere inside ``root`` (one-off form of :class:`FolderBounds`)."""
    return FolderBounds(root).holds(path)


class SampleCollector:
    """Turns raw caption records into checked :class:`Sample` objects, recording every rejection."""

    def __init__(self, root: Path, summary: DataSummary,
                 locate: Callable[[str], Path | None] | None = None) -> None:
        self.root = root
        self.summary = summary
        self._locate = locate or self._default_locate
        self._samples: dict[str, Sample] = {}
        self._order: list[str] = []
        self._within = FolderBounds(root)

    def _default_locate(self, relpath: str) -> Path | None:
        path = self.root / relpath
        return path if path.is_file() else None

    def add(self, image: object, texts: Iterable[object], attributes: dict[str, str] | None = None,
            where: str = "", crop: FaceBox | None = None) -> None:
        """One record: ``image`` (relative path), its caption(s), optional attributes.

        ``where`` locates the record for messages ("captions.jsonl line 4").
        """
        where = where or str(image)
        if not isinstance(image, str) or not image.strip():
            self.summary.skip(where, "record has no image path")
            return
        relpath = image.strip().replace("\\", "/")
        if os.path.isabs(relpath) or not self._inside(relpath):
            self.summary.skip(where, "image path outside the dataset folder")
            return
        if not is_text(relpath):
            self.summary.skip(where, "image path holds an unpaired surrogate escape (such as \\udcff), not text")
            return
        if attributes and not all(is_text(k) and is_text(v) for k, v in attributes.items()):
            attributes = {k: v for k, v in attributes.items() if is_text(k) and is_text(v)} or None
        captions: list[str] = []
        for text in texts:
            if isinstance(text, str) and not is_text(text):
                self.summary.skip(where, "caption holds an unpaired surrogate escape (such as \\udcff), not text")
                continue
            caption = clean_caption(text)
            if caption is None:
                self.summary.skip(where, "empty caption")
            else:
                captions.append(caption)
        sample = self._samples.get(relpath)
        if sample is None:
            sample = Sample(image=Path(), name=relpath, captions=[], attributes=attributes, crop=crop)
            self._samples[relpath] = sample
            self._order.append(relpath)
        elif attributes and not sample.attributes:
            sample.attributes = attributes
        for caption in captions:  # duplicates across records of the same image are kept once
            if caption not in sample.captions:
                sample.captions.append(caption)

    @staticmethod
    def _inside(relpath: str) -> bool:
        """Lexically inside the folder (no ``..`` escape); cheap enough for 200 000 records."""
        normal = posixpath.normpath(relpath)
        return normal != ".." and not normal.startswith("../")

    def samples(self, allow_empty_captions: bool = False) -> list[Sample]:
        """The usable samples in first-seen order; missing files and caption-less images skipped.

        ``allow_empty_captions`` is for formats that generate captions later (``Scan.describe``).
        """
        out = []
        for relpath in self._order:
            sample = self._samples[relpath]
            if not sample.captions and not allow_empty_captions:
                self.summary.skip(relpath, "no non-empty caption")
                continue
            path = self._locate(relpath)
            if path is None:
                self.summary.skip(relpath, "image file not found")
                continue
            if not self._within.holds(path):
                self.summary.skip(relpath, "symbolic link to a file outside the dataset folder")
                continue
            try:
                stat = path.stat()
            except OSError:
                self.summary.skip(relpath, "image file not found")
                continue
            sample.image, sample.size, sample.mtime_ns = path, stat.st_size, stat.st_mtime_ns
            out.append(sample)
        return out
