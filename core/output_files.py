"""Where an output may be written, and the leftovers of atomic writes that never finished.

Outputs are written to a temporary file and renamed over the target. A rename replaces whatever the
target is, so before writing, the target must be a regular file (or a link to one) or not exist
yet: a device such as ``/dev/null``, a FIFO, a socket or a folder is refused with one line, never
replaced by an image.

Each temporary file is named ``.<target name>.<random>.tmp`` beside its target. A process killed
mid-write leaves one behind; the next write of the same target removes those old enough that no
writer can still be working on them.
"""

from __future__ import annotations

import os
import re
import stat
import time
from pathlib import Path

#: A temporary file untouched this long belongs to a writer that is gone (a write takes seconds).
STALE_TEMP_SECONDS = 3600.0

_KINDS = (
    (stat.S_ISDIR, "a folder"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a FIFO (named pipe)"),
    (stat.S_ISSOCK, "a socket"),
)


class OutputPathError(ValueError):
    """An output path that must not be written to; the message names the path and why."""


def file_kind(mode: int) -> str:
    """What a ``st_mode`` describes, in words ("a FIFO (named pipe)", "a regular file", ...)."""
    if stat.S_ISREG(mode):
        return "a regular file"
    return next((words for test, words in _KINDS if test(mode)), "not a regular file")


def check_output_target(path: str | os.PathLike[str]) -> Path:
    """``path`` if writing it can only create or replace a regular file; else :class:`OutputPathError`.

    A symbolic link is judged by what it points to (a link to ``/dev/null`` is refused); a broken
    link or a missing file is a new path and allowed.
    """
    path = Path(path)
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return path
    except NotADirectoryError:
        raise OutputPathError(f"{path}: a part of this path is a file, not a folder") from None
    except OSError as error:
        raise OutputPathError(f"{path}: cannot check the output path ({error.strerror or error})") from None
    if not stat.S_ISREG(mode):
        raise OutputPathError(f"{path}: is {file_kind(mode)}, not a regular file; refusing to write over it")
    return path


def temp_prefix(name: str) -> str:
    """The prefix of the temporary files written on the way to a file called ``name``."""
    return f".{name}."


def remove_stale_temps(folder: Path, name: str, max_age: float = STALE_TEMP_SECONDS) -> int:
    """Delete leftovers of interrupted writes of ``folder/name`` older than ``max_age`` seconds.

    Only regular files that match the writer's own pattern (``.<name>.<random>.tmp``) are touched,
    so nothing a person saved is removed. Returns how many were removed.
    """
    pattern = re.compile(re.escape(temp_prefix(name)) + r"[A-Za-z0-9_]{6,}\.tmp")
    removed = 0
    now = time.time()
    try:
        candidates = [entry for entry in os.scandir(folder) if pattern.fullmatch(entry.name)]
    except OSError:
        return 0
    for entry in candidates:
        try:
            info = entry.stat(follow_symlinks=False)
            if stat.S_ISREG(info.st_mode) and now - info.st_mtime > max_age:
                os.unlink(entry.path)
                removed += 1
        except OSError:
            continue  # another writer's, or already gone
    return removed
