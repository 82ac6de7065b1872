"""The generic format: a folder of images plus ``captions.jsonl`` and/or ``captions.csv``.

``captions.jsonl`` has one JSON object per line: ``{"image": "relative/path.jpg", "text": "..."}``
or ``{"image": ..., "texts": ["...", "..."]}``, optionally with ``"attributes": {name: value}``.
``captions.csv`` has the columns ``image,text`` (a header row is optional); several rows may name
the same image. Both files may exist; their captions are merged per image.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from core.data.formats.format import DatasetFormat
from core.data.records import SampleCollector, Scan, inside_folder
from core.data.summary import DataSummary
from core.data.textfiles import read_lines

JSONL = "captions.jsonl"
CSV = "captions.csv"


class GenericFormat(DatasetFormat):
    name = "generic"
    expects = (f"{JSONL} (lines of {{\"image\": path, \"text\" or \"texts\": ...}}) or {CSV} "
               "(columns image,text) beside the images")

    def detect(self, root: Path) -> bool:
        return (root / JSONL).is_file() or (root / CSV).is_file()

    def scan(self, root: Path, options: dict[str, str]) -> Scan:
        self._no_options(options)
        summary = DataSummary(source=str(root), format=self.name)
        collector = SampleCollector(root, summary)
        sources = []
        for name, reader in ((JSONL, _read_jsonl), (CSV, _read_csv)):
            path = root / name
            if path.is_file():
                if not inside_folder(path, root):
                    raise ValueError(f"{path}: a symbolic link to a file outside the dataset folder; "
                                     "copy the file into the folder instead")
                sources.append(path)
                lines = read_lines(path, summary, name)
                if lines is not None:
                    reader(lines, name, collector)
        return Scan(self.name, root, collector.samples(), summary, sources)


def _read_jsonl(lines: list[str], name: str, collector: SampleCollector) -> None:
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        where = f"{name} line {number}"
        try:
            record = json.loads(line)
        except (json.JSONDecodeError, RecursionError):
            collector.summary.skip(where, "not valid JSON")
            continue
        if not isinstance(record, dict):
            collector.summary.skip(where, "not a JSON object")
            continue
        texts = []
        if "text" in record:
            texts.append(record["text"])
        if isinstance(record.get("texts"), list):
            texts.extend(record["texts"])
        if not texts:
            collector.summary.skip(where, 'no "text" or "texts" field')
            continue
        collector.add(record.get("image"), texts, _attributes(record.get("attributes")), where)


def _attributes(value: object) -> dict[str, str] | None:
    """String-valued attributes only; anything else in the field is ignored."""
    if not isinstance(value, dict):
        return None
    clean = {str(k): v for k, v in value.items() if isinstance(v, str)}
    return clean or None


def _csv_rows(lines: list[str], name: str, collector: SampleCollector) -> Iterator[tuple[int, list[str]]]:
    """``(line number, row)`` of each row that parses; a row that does not (such as a field over
    the csv module's 128 KiB limit) is skipped with its line named, and reading goes on."""
    reader = csv.reader(io.StringIO("\n".join(lines)))
    while True:
        start = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            collector.summary.skip(f"{name} line {start}", f"not valid CSV ({error})")
            continue
        yield start, row


def _read_csv(lines: list[str], name: str, collector: SampleCollector) -> None:
    for number, row in _csv_rows(lines, name, collector):
        if not row or not any(cell.strip() for cell in row):
            continue
        if number == 1 and [c.strip().lower() for c in row[:2]] == ["image", "text"]:
            continue  # header
        where = f"{name} line {number}"
        if len(row) < 2:
            collector.summary.skip(where, "row needs two columns: image,text")
            continue
        collector.add(row[0], [",".join(row[1:]) if len(row) > 2 else row[1]], where=where)
