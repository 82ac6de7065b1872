"""The run folder: the contract between a training run and anyone watching it.

``config.json`` (resolved config), ``tokenizer.model``, ``metrics.jsonl`` (append-only, one JSON
object per logged step), ``samples/NNNNNNNN.png`` + ``samples/captions.txt``, ``checkpoints/``,
``model/`` (the latest inference model), ``log.txt`` (events and warnings, one time-stamped line
each) and ``train.lock`` (held by the one trainer working in the folder, see
:mod:`core.training.runlock`). A monitor in another process follows the folder with
:class:`MetricsFollower` and :func:`list_samples`; it never needs the training process.
"""

from __future__ import annotations

import contextlib
import errno
import json
import math
import os
import re
import stat
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from core.disk import as_disk_full, is_disk_full
from core.io import ModelFileError, atomic_write_bytes, read_regular_bytes
from core.output_files import OutputPathError, file_kind
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

    def set_aside_unfinished(self) -> Path | None:
        """Move what a run left here before its first checkpoint (its config, tokenizer, metrics,
        samples, log) into ``abandoned-DATE-TIME/``, so a new run in this folder starts clean — it
        would otherwise reuse that run's tokenizer and append to its metrics. Returns the folder the
        files went to, or None when there was nothing to move."""
        if not any(p.exists() for p in (self.config, self.tokenizer, self.metrics)):
            return None
        leftovers = [p for p in (self.config, self.tokenizer, self.metrics, self.samples, self.log, self.model)
                     if p.exists() or p.is_symlink()]
        aside = self.root / time.strftime("abandoned-%Y%m%d-%H%M%S")
        aside.mkdir(exist_ok=True)
        for path in leftovers:
            path.rename(aside / path.name)
        self.create()
        return aside

    def latest_checkpoint(self) -> Path | None:
        found = list_checkpoints(self.checkpoints)
        return found[-1] if found else None

    def is_run(self) -> bool:
        return self.config.is_file()

    def append_metrics(self, values: dict[str, Any]) -> None:
        """Append one line, whole or not at all, and flush it to disk so followers see whole lines.

        The line goes out in a single ``O_APPEND`` write; if that fails or is cut short (a full
        disk), the file is truncated back to where it was and a one-line
        :class:`~core.disk.DiskFullError` is raised. A torn last line left by an earlier crash is
        cut off first, so it can never swallow the line written after it.
        """
        line = (json.dumps(values, separators=(",", ":")) + "\n").encode("utf-8")
        fd = _open_append(self.metrics)
        try:
            before = _cut_torn_tail(fd)
            try:
                written = os.write(fd, line)
                if written != len(line):
                    raise OSError(errno.ENOSPC, "short write")
                os.fsync(fd)
            except OSError as error:
                with contextlib.suppress(OSError):
                    os.ftruncate(fd, before)
                if is_disk_full(error):
                    raise as_disk_full(error, self.metrics, len(line)) from None
                raise
        finally:
            os.close(fd)

    def trim_metrics(self, after_step: int) -> int:
        """Drop the ``metrics.jsonl`` lines of steps after ``after_step``, atomically.

        A run resumed from a checkpoint replays the steps after it; trimming first means no step is
        ever logged twice and time never runs backwards in a plot. Lines without a numeric
        ``"step"`` are kept as they are; a torn last line is dropped. Returns how many lines went.
        """
        try:
            data = read_regular_bytes(self.metrics, MAX_METRICS_BYTES)
        except ModelFileError:
            if not self.metrics.exists():
                return 0
            raise
        lines = data.split(b"\n")
        complete, torn = lines[:-1], lines[-1]
        kept = [line for line in complete if not _step_after(line, after_step)]
        dropped = len(complete) - len(kept) + (1 if torn else 0)
        if dropped:
            atomic_write_bytes(self.metrics, b"".join(line + b"\n" for line in kept))
        return dropped

    def append_log(self, message: str) -> None:
        """Add one line, stamped with the time, so a monitor opened later shows when it happened."""
        line = f"{time.strftime(LOG_TIME_FORMAT)}  {message.rstrip()}\n".encode("utf-8", errors="replace")
        fd = _open_append(self.log)
        try:
            os.write(fd, line)
        except OSError as error:
            if is_disk_full(error):
                raise as_disk_full(error, self.log, len(line)) from None
            raise
        finally:
            os.close(fd)


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
    """The fixed captions of the sample grids; none when the file is missing or unreadable."""
    path = RunDir(Path(run_dir)).sample_captions
    try:
        return read_regular_bytes(path).decode("utf-8", errors="replace").splitlines()
    except ModelFileError:
        return []


def _open_append(path: Path) -> int:
    """A read-write descriptor appending to the regular file ``path`` (created if missing).

    Non-blocking, so a FIFO put in a run folder is refused at once rather than leaving a trainer
    waiting forever for a reader; anything but a regular file is refused.
    """
    flags = os.O_RDWR | os.O_APPEND | os.O_CREAT | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
    try:
        fd = os.open(path, flags, 0o666)
    except OSError as error:
        if is_disk_full(error):
            raise as_disk_full(error, path) from None
        raise
    mode = os.fstat(fd).st_mode
    if not stat.S_ISREG(mode):
        os.close(fd)
        raise OutputPathError(f"{path}: is {file_kind(mode)}, not a regular file; refusing to write to it")
    return fd


def _step_after(line: bytes, after_step: int) -> bool:
    """Whether a metrics line records a step after ``after_step``."""
    try:
        record = json.loads(line)
    except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
        return False
    step = record.get("step") if isinstance(record, dict) else None
    return _is_number(step) and step > after_step


def _cut_torn_tail(fd: int) -> int:
    """Truncate a last line that has no newline (a write cut short by a crash); the new size."""
    size = os.fstat(fd).st_size
    if size == 0 or os.pread(fd, 1, size - 1) == b"\n":
        return size
    tail_start = max(0, size - _TAIL_SEARCH)
    tail = os.pread(fd, size - tail_start, tail_start)
    end = tail.rfind(b"\n")
    keep = tail_start + end + 1 if end >= 0 else (0 if tail_start == 0 else size)
    if keep != size:
        os.ftruncate(fd, keep)
    return keep


#: A metrics record is a few hundred bytes; a torn line is looked for this far back.
_TAIL_SEARCH = 1 << 20
#: The most ``metrics.jsonl`` one poll reads (the rest comes on the next polls).
MAX_POLL_BYTES = 8 << 20
#: The largest ``metrics.jsonl`` :meth:`RunDir.trim_metrics` reads (a year of logging).
MAX_METRICS_BYTES = 1 << 30
#: Fields a monitor computes with: they must be numbers (whole ones for the ``_INTEGERS``).
_INTEGERS = ("step", "images_seen", "stage", "stages", "resolution", "batch_size", "total_images")
_NUMBERS = ("alpha", "images_per_s", "wall_time", "time")
_LARGEST = 2**53
_LARGEST_STAGE = 16


def _is_number(value: object) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def well_formed_record(record: object) -> bool:
    """Whether ``record`` is a metrics object a monitor can compute with: the known fields are
    numbers in range (``"step": "x"`` or ``"stage": 1e9`` would make it raise or stall)."""
    if not isinstance(record, dict):
        return False
    for key in _INTEGERS:
        if key in record:
            value = record[key]
            if not _is_number(value) or not math.isfinite(value) or value != int(value):
                return False
            if not 0 <= value <= (_LARGEST_STAGE if key in ("stage", "stages") else _LARGEST):
                return False
    return all(_is_number(record[key]) for key in _NUMBERS if key in record)


class MetricsFollower:
    """Reads ``metrics.jsonl`` incrementally, returning only complete new lines on each poll.

    A line still being written (no newline yet) is left for the next poll. A line that is not
    valid JSON, or is JSON with wrong value types (see :func:`well_formed_record`), is skipped and
    counted in ``bad_lines`` rather than stopping the monitor. Records come out in step order: a
    step at or before the last one returned (a step replayed after a crash, or the start of a file
    that was rewritten by :meth:`RunDir.trim_metrics`) is skipped and counted in ``replayed``, so
    a plot never runs backwards.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._offset = 0
        self._inode: int | None = None
        self._last_step: float | None = None
        self.bad_lines = 0
        self.replayed = 0

    def poll(self) -> list[dict[str, Any]]:
        try:
            info = self.path.stat()
        except OSError:  # not there (yet), or a path through a file: nothing to read
            return []
        if not stat.S_ISREG(info.st_mode):  # never open a FIFO or device named metrics.jsonl
            return []
        if info.st_size < self._offset or (self._inode is not None and info.st_ino != self._inode):
            self._offset = 0  # the file was replaced or cut: read it again, skipping steps seen
        self._inode = info.st_ino
        if info.st_size == self._offset:
            return []
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._offset)
                chunk = handle.read(min(info.st_size - self._offset, MAX_POLL_BYTES))
        except OSError:
            return []
        end = chunk.rfind(b"\n")
        if end < 0:
            if len(chunk) >= MAX_POLL_BYTES:  # one enormous line: not a record, step over it
                self._offset += len(chunk)
                self.bad_lines += 1
            return []
        self._offset += end + 1
        return self._parse(chunk[: end + 1])

    def _parse(self, chunk: bytes) -> list[dict[str, Any]]:
        records = []
        for line in chunk.splitlines():
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, UnicodeDecodeError, RecursionError):
                self.bad_lines += 1
                continue
            if not well_formed_record(record):
                self.bad_lines += 1
                continue
            step = record.get("step")
            if step is not None:
                if self._last_step is not None and step <= self._last_step:
                    self.replayed += 1
                    continue
                self._last_step = step
            records.append(record)
        return records
