"""Following a growing text file, such as a run's ``log.txt`` (no Qt).

:class:`core.training.rundir.MetricsFollower` does this for ``metrics.jsonl``; the log needs the
same care — hand back complete lines only, and start over if the file is replaced.
"""

from __future__ import annotations

from pathlib import Path


class TextFollower:
    """Returns the complete new lines of ``path`` on each :meth:`poll`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self._offset = 0

    def poll(self) -> list[str]:
        try:
            size = self.path.stat().st_size
        except OSError:
            return []
        if size < self._offset:
            self._offset = 0
        if size == self._offset:
            return []
        with open(self.path, "rb") as handle:
            handle.seek(self._offset)
            chunk = handle.read(size - self._offset)
        end = chunk.rfind(b"\n")
        if end < 0:
            return []
        self._offset += end + 1
        return chunk[:end].decode("utf-8", errors="replace").splitlines()
