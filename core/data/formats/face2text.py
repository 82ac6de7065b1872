"""Face2Text: a JSON list of LFW images with free-text descriptions, plus the LFW images.

The JSON (v0.1 ``raw.json`` or v1.0) is a list of ``{"img_id", "image": "Name/Name_0001.bmp",
"descriptions": [{"desc_id", "text"}]}``. The annotation tool used ``.bmp`` names, but LFW ships
``lfw/Name/Name_0001.jpg``: the extension is looked up, not trusted. LFW images are 250×250 with the
face in the middle; the 160 px square centred on (125, 130) is used so the face fills the frame.
"""

from __future__ import annotations

import json
from pathlib import Path

from core.data.formats.format import DatasetFormat
from core.data.images import FaceBox
from core.data.records import SampleCollector, Scan, inside_folder
from core.data.summary import DataSummary
from core.data.textfiles import read_text

#: Folder names LFW is known under, tried in order (the dataset folder itself comes last).
LFW_FOLDERS = ("lfw", "lfw-deepfunneled", "lfw_funneled", "lfw-funneled", "images")
LFW_FACE = FaceBox((250, 250), (45, 50, 205, 210))
_EXTENSIONS = (".jpg", ".jpeg", ".png", ".bmp")


def _looks_like_face2text(path: Path) -> bool:
    """A JSON file that starts as a list of objects with ``descriptions`` (reads 4 kB, not the file)."""
    try:
        with path.open("rb") as handle:
            head = handle.read(4096).decode("utf-8", errors="replace").lstrip()
    except OSError:
        return False
    return head.startswith("[") and '"descriptions"' in head


def find_annotation(root: Path) -> Path | None:
    candidates = sorted(root.glob("*.json")) + sorted(root.glob("*/*.json"))
    return next((p for p in candidates if _looks_like_face2text(p)), None)


class Face2TextFormat(DatasetFormat):
    name = "face2text"
    expects = ("a Face2Text JSON file (a list of {\"image\": \"Name/Name_0001.bmp\", \"descriptions\": [...]}) "
               "and the LFW images in lfw/Name/Name_0001.jpg")

    def detect(self, root: Path) -> bool:
        return find_annotation(root) is not None

    def scan(self, root: Path, options: dict[str, str]) -> Scan:
        self._no_options(options)
        summary = DataSummary(source=str(root), format=self.name)
        annotation = find_annotation(root)
        if annotation is None:
            raise ValueError(f"{root}: no Face2Text JSON file found")
        if not inside_folder(annotation, root):
            raise ValueError(f"{annotation}: a symbolic link to a file outside the dataset folder; "
                             "copy the file into the folder instead")
        text = read_text(annotation, summary, annotation.name)
        try:
            records = json.loads(text) if text is not None else []
        except json.JSONDecodeError as error:
            raise ValueError(f"{annotation}: not valid JSON ({error})") from None
        except RecursionError:
            raise ValueError(f"{annotation}: not valid JSON (nested too deeply)") from None
        if not isinstance(records, list):
            raise ValueError(f"{annotation}: expected a JSON list of image records")
        lfw = _lfw_root(root, records)
        collector = SampleCollector(root, summary, locate=lambda rel: _locate(lfw, rel))
        for number, record in enumerate(records):
            where = f"{annotation.name} record {number}"
            if not isinstance(record, dict):
                summary.skip(where, "not a JSON object")
                continue
            collector.add(record.get("image"), _descriptions(record), where=where, crop=LFW_FACE)
        return Scan(self.name, root, collector.samples(), summary, [annotation])


def _descriptions(record: dict) -> list[object]:
    found: list[object] = []
    descriptions = record.get("descriptions")
    if isinstance(descriptions, list):
        for item in descriptions:
            found.append(item.get("text") if isinstance(item, dict) else item)
    if "description" in record:
        found.append(record["description"])
    return found


def _lfw_root(root: Path, records: list) -> Path:
    """The folder holding LFW's ``Name/`` directories: the first candidate containing a sample's person."""
    people = [Path(r["image"]).parts[0] for r in records[:50]
              if isinstance(r, dict) and isinstance(r.get("image"), str) and len(Path(r["image"]).parts) > 1]
    candidates = [root / name for name in LFW_FOLDERS] + [root / n / n for n in LFW_FOLDERS] + [root]
    for candidate in candidates:
        if candidate.is_dir() and any((candidate / person).is_dir() for person in people):
            return candidate
    return next((c for c in candidates if c.is_dir()), root)


def _locate(lfw: Path, relpath: str) -> Path | None:
    path = lfw / relpath
    if path.is_file():
        return path
    for extension in _EXTENSIONS:
        candidate = path.with_suffix(extension)
        if candidate.is_file():
            return candidate
    return None
