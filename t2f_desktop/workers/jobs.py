"""A background thread that runs one job at a time, where a newer job makes older ones stale.

Drawing faces, computing an interpolation or loading a model must never block the window, and
while a person drags a slider only the newest request matters. Each job has a *kind*
(``"generate"``, ``"interpolate"``, ...): submitting a job of a kind makes every queued or
running job of that kind stale. A stale job that has not started is skipped; one that finishes
late has its result dropped. So the view only ever renders its newest request.

All jobs share one thread on purpose: torch models are not meant to be driven from several
threads at once, and a model swap then simply happens between two jobs.
"""

from __future__ import annotations

import enum
import itertools
import threading
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from t2f_desktop.errors import describe_error


class Outcome(enum.IntEnum):
    DONE = 0
    FAILED = 1
    SKIPPED = 2


class _Worker(QObject):
    """Lives in the job thread; runs what it receives unless it went stale in the queue."""

    done = Signal(str, int, int, object)  # kind, job id, Outcome, result or message

    def __init__(self, is_current: Callable[[str, int], bool]) -> None:
        super().__init__()
        self._is_current = is_current

    @Slot(str, int, object)
    def run(self, kind: str, job_id: int, job: Callable[[], Any]) -> None:
        if not self._is_current(kind, job_id):
            self.done.emit(kind, job_id, int(Outcome.SKIPPED), None)
            return
        try:
            result = job()
        except Exception as error:  # noqa: BLE001 - every failure becomes a message, never a crash
            self.done.emit(kind, job_id, int(Outcome.FAILED), describe_error(error))
            return
        self.done.emit(kind, job_id, int(Outcome.DONE), result)


class JobRunner(QObject):
    """Submit callables from the UI thread; get ``finished``/``failed`` for the newest of each kind."""

    finished = Signal(str, int, object)  # kind, job id, result
    failed = Signal(str, int, str)  # kind, job id, message
    busy_changed = Signal(bool)
    _dispatch = Signal(str, int, object)

    def __init__(self, name: str = "t2f-jobs", parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._ids = itertools.count(1)
        self._latest: dict[str, int] = {}
        self._lock = threading.Lock()
        self._pending = 0
        self._callbacks: dict[int, tuple[Callable[[Any], None] | None, Callable[[str], None] | None]] = {}
        self._thread = QThread()
        self._thread.setObjectName(name)
        self._worker = _Worker(self.is_current)
        self._worker.moveToThread(self._thread)
        self._dispatch.connect(self._worker.run)
        self._worker.done.connect(self._on_done)
        self._thread.start()

    def submit(self, kind: str, job: Callable[[], Any], on_done: Callable[[Any], None] | None = None,
               on_error: Callable[[str], None] | None = None) -> int:
        """Queue ``job``; every earlier job of ``kind`` becomes stale. Returns the job id.

        ``on_done(result)`` or ``on_error(message)`` is called in the UI thread, only if this job
        is still the newest of its kind when it ends.
        """
        job_id = next(self._ids)
        with self._lock:
            self._latest[kind] = job_id
        if on_done is not None or on_error is not None:
            self._callbacks[job_id] = (on_done, on_error)
        self._pending += 1
        if self._pending == 1:
            self.busy_changed.emit(True)
        self._dispatch.emit(kind, job_id, job)
        return job_id

    def cancel(self, kind: str) -> None:
        """Make every job of ``kind`` stale (their results will be dropped)."""
        with self._lock:
            self._latest[kind] = next(self._ids)

    def is_current(self, kind: str, job_id: int) -> bool:
        with self._lock:
            return self._latest.get(kind) == job_id

    @property
    def busy(self) -> bool:
        return self._pending > 0

    @Slot(str, int, int, object)
    def _on_done(self, kind: str, job_id: int, outcome: int, value: object) -> None:
        self._pending -= 1
        on_done, on_error = self._callbacks.pop(job_id, (None, None))
        if self._pending == 0:
            self.busy_changed.emit(False)
        if outcome == Outcome.SKIPPED or not self.is_current(kind, job_id):
            return
        if outcome == Outcome.FAILED:
            if on_error is not None:
                on_error(str(value))
            self.failed.emit(kind, job_id, str(value))
        else:
            if on_done is not None:
                on_done(value)
            self.finished.emit(kind, job_id, value)

    def shutdown(self, timeout_ms: int = 30_000) -> None:
        """Drop queued jobs, let the running one end and stop the thread."""
        with self._lock:
            for kind in list(self._latest):
                self._latest[kind] = -1
        self._thread.quit()
        self._thread.wait(timeout_ms)
