"""Following a growing text file, such as a run's ``log.txt`` (no Qt).

:class:`core.training.rundir.MetricsFollower` does this for ``metrics.jsonl``; the log needs the
same care — hand back complete lines only, start over if the file is replaced, and never
open anything but a regular file (a FIFO would block the app).
"""

from __future__ import annotations

import stat
from pathlib import Path

#: The most one poll reads, so a huge file is taken in steps rather than at once.
MAX_POLL_BYTES = 8 << 20


class TextFollower:
    """Returns the complete new lines of ``path`` on each :meth:`poll`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._offset = 0

    def poll(self) -> list[str]:
        try:
            info = self.path.stat()
        except OSError:
            return []
        if not stat.S_ISREG(info.st_mode):  # a FIFO or device named like the log is never opened
            return []
        size = info.st_size
        if size < self._offset:
            self._offset = 0
        if size == self._offset:
            return []
        try:
            with open(self.path, "rb") as handle:
                handle.seek(self._offset)
                chunk = handle.read(min(size - self._offset, MAX_POLL_BYTES))
        except OSError:
            return []
        end = chunk.rfind(b"\n")
        if end < 0:
            if len(chunk) >= MAX_POLL_BYTES:  # one enormous line: show nothing of it, move on
                self._offset += len(chunk)
            return []
        self._offset += end + 1
        return chunk[:end].decode("utf-8", errors="replace").splitlines()
