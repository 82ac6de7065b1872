"""The run folder: the contract between a training run and anyone watching it.

``config.json`` (resolved config), ``tokenizer.model``, ``metrics.jsonl`` (append-only, one JSON
object per logged step), ``samples/NNNNNNNN.png`` + ``samples/captions.txt``, ``checkpoints/``,
``model/`` (the latest inference model), ``log.txt`` (events and warnings, one time-stamped line
each) and ``train.lock`` (held by the one trainer working in the folder, see
:mod:`core.training.runlock`). A monitor in another process follows the folder with
:class:`MetricsFollower` and :func:`list_samples`; it never needs the training process.
"""

from __future__ import annotations

import json
import os
import re
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.training.checkpoint import list_checkpoints

_SAMPLE = re.compile(r"^(\d{8,})\.png$")
#: ``log.txt`` lines begin with local time in this form, then two spaces.
LOG_TIME_FORMAT = "%Y-%m-%d %H:%M:%S"
_LOG_STAMP = re.compile(r"^(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)  (.*)$")


@dataclass(frozen=True)
class RunDir:
    """Paths inside one run folder."""

    root: Path

    @property
    def config(self) -> Path:
        return self.root / "config.json"

    @property
    def tokenizer(self) -> Path:
        return self.root / "tokenizer.model"

    @property
    def metrics(self) -> Path:
        return self.root / "metrics.jsonl"

    @property
    def samples(self) -> Path:
        return self.root / "samples"

    @property
    def sample_captions(self) -> Path:
        return self.samples / "captions.txt"

    @property
    def checkpoints(self) -> Path:
        return self.root / "checkpoints"

    @property
    def model(self) -> Path:
        return self.root / "model"

    @property
    def log(self) -> Path:
        return self.root / "log.txt"

    def create(self) -> None:
        """Make the folder tree; a clear error when the location cannot be written."""
        try:
            for folder in (self.root, self.samples, self.checkpoints):
                folder.mkdir(parents=True, exist_ok=True)
            probe = self.root / ".write-test"
            probe.write_bytes(b"")
            probe.unlink()
        except OSError as error:
            raise PermissionError(f"run folder {self.root} is not writable ({error.strerror or error})") from None

    def latest_checkpoint(self) -> Path | None:
        found = list_checkpoints(self.checkpoints)
        return found[-1] if found else None

    def is_run(self) -> bool:
        return self.config.is_file()

    def append_metrics(self, values: dict[str, Any]) -> None:
        """Append one line and flush it to disk so followers see whole lines only."""
        with open(self.metrics, "a", encoding="utf-8") as handle:
            handle.write(json.dumps(values, separators=(",", ":")) + "\n")
            handle.flush()
            os.fsync(handle.fileno())

    def append_log(self, message: str) -> None:
        """Add one line, stamped with the time, so a monitor opened later shows when it happened."""
        with open(self.log, "a", encoding="utf-8") as handle:
            handle.write(f"{time.strftime(LOG_TIME_FORMAT)}  {message.rstrip()}\n")


def parse_log_line(line: str) -> tuple[float | None, str]:
    """``(Unix time, message)`` of a ``log.txt`` line; the time is ``None`` for an unstamped line
    (written by hand, or by a version before lines were stamped)."""
    match = _LOG_STAMP.match(line)
    if match is None:
        return None, line
    try:
        return time.mktime(time.strptime(match.group(1), LOG_TIME_FORMAT)), match.group(2)
    except ValueError:
        return None, line


def list_samples(run_dir: Path) -> list[tuple[int, Path]]:
    """``(step, path)`` of every sample grid, oldest first."""
    folder = RunDir(Path(run_dir)).samples
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _SAMPLE.match(p.name))]
    return sorted(found)


def read_sample_captions(run_dir: Path) -> list[str]:
    path = RunDir(Path(run_dir)).sample_captions
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


class MetricsFollower:
    """Reads ``metrics.jsonl`` incrementally, returning only complete new lines on each poll.

    A line still being written (no newline yet) is left for the next poll; a line that is not
    valid JSON is skipped and counted in ``bad_lines`` rather than stopping the monitor.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._offset = 0
        self.bad_lines = 0

    def poll(self) -> list[dict[str, Any]]:
        try:
            size = self.path.stat().st_size
        except OSError:  # not there (yet), or a path through a file: nothing to read
            return []
        if size < self._offset:  # the file was replaced: start again
            self._offset = 0
        if size == self._offset:
            return []
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._offset)
                chunk = handle.read(size - self._offset)
        except OSError:
            return []
        end = chunk.rfind(b"\n")
        if end < 0:
            return []
        self._offset += end + 1
        records = []
        for line in chunk[: end + 1].splitlines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError):
                self.bad_lines += 1
                continue
            if isinstance(record, dict):
                records.append(record)
        return records
