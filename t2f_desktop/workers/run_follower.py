"""Following a run folder as it grows, from this app's training or any other process.

A QTimer polls the run folder contract (``metrics.jsonl``, ``samples/``, ``log.txt``,
``config.json``) with the core's followers. The monitor is fed only from these files, so a run
trained here and a ``t2f train`` or ``torchrun`` job in a terminal look exactly the same; this
app's own trainer merely calls :meth:`RunFollower.poll` early when it knows something changed.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal

from t2f_desktop.follow import TextFollower

POLL_INTERVAL_MS = 750


class RunFollower(QObject):
    #: The run's config (a RunConfig), once ``config.json`` is readable.
    config_loaded = Signal(object)
    #: New complete ``metrics.jsonl`` records, oldest first.
    records = Signal(list)
    #: Every sample grid so far as ``[(step, path)]``, whenever the list grew.
    samples = Signal(list)
    #: The fixed sample captions, when first found.
    captions = Signal(list)
    #: New lines of ``log.txt``.
    log_lines = Signal(list)
    #: After every poll, new data or not (the monitor re-checks whether the run is still training).
    ticked = Signal()

    def __init__(self, interval_ms: int = POLL_INTERVAL_MS, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.run_dir: Path | None = None
        self.config = None
        self._timer = QTimer(self)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.poll)
        self._metrics = None
        self._log: TextFollower | None = None
        self._sample_count = 0
        self._captions: list[str] = []
        self._config_stamp: tuple[int, int] | None = None

    @property
    def following(self) -> bool:
        return self.run_dir is not None

    def follow(self, run_dir: str | Path) -> None:
        """Start over on ``run_dir``: everything already there is reported on the first poll."""
        from core.training.rundir import MetricsFollower, RunDir

        self.run_dir = Path(run_dir)
        run = RunDir(self.run_dir)
        self.config = None
        self._config_stamp = None
        self._metrics = MetricsFollower(run.metrics)
        self._log = TextFollower(run.log)
        self._sample_count = 0
        self._captions = []
        self._timer.start()
        self.poll()

    def stop(self) -> None:
        self._timer.stop()
        self.run_dir = None

    def set_interval(self, interval_ms: int) -> None:
        self._timer.setInterval(interval_ms)

    def poll(self) -> None:
        """Report whatever is new. A folder that cannot be read (yet) is simply not reported."""
        if self.run_dir is None:
            return
        # A folder that is missing or not a folder yet: nothing to show, try again on the next tick.
        with contextlib.suppress(OSError):
            self._poll()
        self.ticked.emit()

    def _poll(self) -> None:
        from core.training.rundir import RunDir, list_samples, read_sample_captions

        run = RunDir(self.run_dir)
        if run.is_run() and (self.config is None or self._stamp(run) != self._config_stamp):
            # Read again whenever it changes: a resumed run (Train longer…) rewrites its schedule.
            self._load_config(run)
        new = self._metrics.poll()
        if new:
            self.records.emit(new)
        found = list_samples(self.run_dir)
        if len(found) != self._sample_count:
            self._sample_count = len(found)
            if not self._captions:
                self._captions = read_sample_captions(self.run_dir)
                if self._captions:
                    self.captions.emit(self._captions)
            self.samples.emit(found)
        lines = self._log.poll()
        if lines:
            self.log_lines.emit(lines)

    @staticmethod
    def _stamp(run) -> tuple[int, int] | None:  # noqa: ANN001 - RunDir
        try:
            info = run.config.stat()
        except OSError:
            return None
        return info.st_mtime_ns, info.st_size

    def _load_config(self, run) -> None:  # noqa: ANN001 - RunDir
        from core.config import RunConfig

        stamp = self._stamp(run)
        try:
            config = RunConfig.load(run.config)
        except (ValueError, OSError):
            return  # being written, or not ours: try again on the next poll
        self._config_stamp = stamp
        if config == self.config:
            return
        self.config = config
        self.config_loaded.emit(self.config)
