"""Multi-Modal CelebA-HQ: ``CelebA-HQ-img/{id}.jpg`` with ``celeba-caption/{id}.txt`` (a caption a line).

The 1024×1024 images are already aligned squares, so they are only resized (JPEG decoding uses DCT
scaling, which makes this fast). Caption lines that are not UTF-8 are decoded as Windows-1252.
"""

from __future__ import annotations

from pathlib import Path

from core.data.formats.format import DatasetFormat
from core.data.records import SampleCollector, Scan, inside_folder
from core.data.summary import DataSummary
from core.data.textfiles import read_text

IMAGES = "CelebA-HQ-img"
CAPTIONS = "celeba-caption"
_EXTENSIONS = (".jpg", ".png", ".jpeg")


def _numeric_first(path: Path) -> tuple[int, int | str]:
    return (0, int(path.stem)) if path.stem.isdigit() else (1, path.stem)


class MMCelebAHQFormat(DatasetFormat):
    name = "mm-celeba-hq"
    expects = f"{IMAGES}/{{id}}.jpg with {CAPTIONS}/{{id}}.txt (one caption per line)"

    def detect(self, root: Path) -> bool:
        return (root / IMAGES).is_dir() and (root / CAPTIONS).is_dir()

    def scan(self, root: Path, options: dict[str, str]) -> Scan:
        self._no_options(options)
        summary = DataSummary(source=str(root), format=self.name)
        collector = SampleCollector(root, summary, locate=lambda rel: _locate(root, rel))
        caption_files = sorted((root / CAPTIONS).glob("*.txt"), key=_numeric_first)
        for path in caption_files:
            where = f"{CAPTIONS}/{path.name}"
            if not inside_folder(path, root):
                summary.skip(where, "symbolic link to a file outside the dataset folder")
                continue
            text = read_text(path, summary, where)
            if text is None:
                continue
            lines = text.splitlines() or [""]
            collector.add(f"{IMAGES}/{path.stem}.jpg", lines, where=where)
        return Scan(self.name, root, collector.samples(), summary, caption_files)


def _locate(root: Path, relpath: str) -> Path | None:
    path = root / relpath
    for candidate in [path] + [path.with_suffix(e) for e in _EXTENSIONS]:
        if candidate.is_file():
            return candidate
    return None
