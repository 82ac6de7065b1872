"""One trainer per run folder: an operating-system lock held while a trainer works in it.

Two trainers in one folder — the app continuing a run the command line is still training, say —
would overwrite each other's checkpoints and config. The lock is an exclusive ``flock`` (POSIX) or
``msvcrt.locking`` (Windows) on ``train.lock``, which the operating system releases when the process
ends however it ends, so a crash never leaves a stale lock. The file names the holder, for the
message the next trainer gets.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import IO


class RunInUseError(PermissionError):
    """Another process is training this run folder."""


class RunLock:
    """Exclusive, non-blocking lock on ``root/train.lock``; :meth:`release` (or process exit) frees it."""

    def __init__(self, root: Path) -> None:
        self.path = Path(root) / "train.lock"
        self._file: IO[str] | None = None

    @property
    def held(self) -> bool:
        return self._file is not None

    def acquire(self) -> None:
        """Take the lock, or raise :class:`RunInUseError` naming who holds it."""
        if self._file is not None:
            return
        handle = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until release()
        try:
            _lock(handle)
        except OSError:
            try:
                handle.seek(0)
                holder = handle.read().strip() or "another process"
            except OSError:  # Windows: the holder's locked byte cannot be read
                holder = "another process"
            handle.close()
            raise RunInUseError(f"{self.path.parent} is being trained by {holder}; stop that first, "
                                "or open the run to watch it") from None
        handle.seek(0)
        handle.truncate()
        handle.write(f"process {os.getpid()} since {time.strftime('%Y-%m-%d %H:%M')}\n")
        handle.flush()
        self._file = handle

    def release(self) -> None:
        if self._file is None:
            return
        try:
            self._file.seek(0)
            self._file.truncate()
            _unlock(self._file)
        finally:
            self._file.close()
            self._file = None


if sys.platform == "win32":  # pragma: no cover - exercised on Windows only
    import msvcrt

    def _lock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_NBLCK, 1)

    def _unlock(handle: IO[str]) -> None:
        handle.seek(0)
        msvcrt.locking(handle.fileno(), msvcrt.LK_UNLCK, 1)
else:
    import fcntl

    def _lock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)

    def _unlock(handle: IO[str]) -> None:
        fcntl.flock(handle.fileno(), fcntl.LOCK_UN)
