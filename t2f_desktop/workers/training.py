"""Training on a background QThread: :class:`core.training.trainer.Trainer` events become Qt signals.

The trainer calls its callbacks on the training thread; the worker re-emits each event as a Qt
signal, and because the receivers live in the UI thread Qt delivers them queued. Everything the
trainer needs — loading the dataset, training the tokenizer, building networks — happens on the
training thread too, so the window never waits. Pause, resume and stop go straight to the
trainer, whose controls are thread-safe.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, QThread, Signal, Slot

from core.training.memory import keep_freed_memory

from t2f_desktop.errors import describe_error

if TYPE_CHECKING:
    from core.config import RunConfig
    from core.data.base import TextFaceDataset
    from core.training.trainer import Trainer


@dataclass(frozen=True)
class TrainingJob:
    """A new run (``config`` set; from new networks or ``start_from`` a trained model) or the
    continuation of one (``resume=True``; with ``config``, under those new training settings — the
    trainer refuses any that would undo progress)."""

    run_dir: Path
    config: RunConfig | None = None
    #: A dataset already loaded (e.g. by "Check dataset"); None loads ``source`` on the thread.
    dataset: TextFaceDataset | None = None
    #: ``"synthetic:N"`` or a folder; None takes it from the run's config.
    source: str | None = None
    resume: bool = False
    max_steps: int | None = None
    #: A new run that continues this trained model (a model or run folder) instead of new networks.
    start_from: Path | None = None


class TrainingWorker(QObject):
    """Runs one :class:`TrainingJob` on the thread it was moved to."""

    status = Signal(str)  # what set-up is doing ("loading data…")
    started = Signal(object)  # TrainingStarted
    metrics = Signal(dict)  # StepMetrics.values
    stage_changed = Signal(object)  # StageChanged
    samples_saved = Signal(object)  # SamplesSaved
    checkpoint_saved = Signal(object)  # CheckpointSaved
    warning = Signal(str)  # TrainingWarning.message
    finished = Signal(object)  # TrainingFinished
    #: The run could not start or broke off with an error; the message says why.
    failed = Signal(str)

    def __init__(self, job: TrainingJob) -> None:
        super().__init__()
        self.job = job
        self.trainer: Trainer | None = None
        self.dataset_summary = ""
        self._lock = threading.Lock()
        self._stop = False
        self._pause = False

    # ---- control, from the UI thread ------------------------------------------------------------
    def request_stop(self) -> None:
        with self._lock:
            self._stop = True
            if self.trainer is not None:
                self.trainer.request_stop()

    def pause(self) -> None:
        with self._lock:
            self._pause = True
            if self.trainer is not None:
                self.trainer.pause()

    def resume(self) -> None:
        with self._lock:
            self._pause = False
            if self.trainer is not None:
                self.trainer.resume()

    # ---- the thread -----------------------------------------------------------------------------
    @Slot()
    def run(self) -> None:
        try:
            self._run()
        finally:
            # Quit from this thread: the UI thread may be blocked waiting for it (window closing).
            self.thread().quit()

    def _run(self) -> None:
        try:
            trainer = self._make_trainer()
        except Exception as error:  # noqa: BLE001 - shown to the person, the app carries on
            self.failed.emit(describe_error(error))
            return
        with self._lock:
            self.trainer = trainer
            if self._pause:
                trainer.pause()
            if self._stop:
                trainer.request_stop()
        try:
            trainer.train(max_steps=self.job.max_steps)
        except Exception as error:  # noqa: BLE001 - disk full, out of memory, a bug: report, survive
            self.failed.emit(describe_error(error))

    def _make_trainer(self) -> Trainer:
        from core.config import RunConfig
        from core.training.rundir import RunDir
        from core.training.trainer import Trainer

        from t2f_desktop.datasets import open_source, source_from_config

        job = self.job
        config = job.config
        if job.resume:
            run = RunDir(Path(job.run_dir))
            if not run.is_run():
                raise FileNotFoundError(f"{job.run_dir} is not a run folder (no config.json)")
            if run.latest_checkpoint() is None:
                raise FileNotFoundError(f"{run.checkpoints} holds no checkpoint to resume from")
            config = RunConfig.load(run.config)
        dataset = job.dataset
        if dataset is None:
            source = job.source or source_from_config(config.data)
            self.status.emit(f"Loading {source}…")
            dataset = open_source(source, config.model.resolution, config.data.cache_dir, config.data.synthetic_seed)
        self.dataset_summary = dataset.summary.text()
        self.status.emit("Preparing the networks…")
        # Resuming, ``job.config`` (when given) is the run's new training settings: a longer schedule.
        return Trainer(job.run_dir, config=job.config if job.resume else config, dataset=dataset,
                       callbacks=[self._dispatch], resume=job.resume,
                       start_from=None if job.resume else job.start_from)

    def _dispatch(self, event: Any) -> None:
        """Trainer callback (training thread): one Qt signal per event type (see :data:`SIGNALS`)."""
        from core.training import events

        if isinstance(event, events.PhaseProgress):
            self.status.emit(event.describe())
        elif isinstance(event, events.StepMetrics):
            self.metrics.emit(dict(event.values))
        elif isinstance(event, events.TrainingWarning):
            self.warning.emit(event.message)
        else:
            getattr(self, SIGNALS[type(event).__name__]).emit(event)


#: The worker's signal for each event passed on as it is.
SIGNALS = {"SamplesSaved": "samples_saved", "CheckpointSaved": "checkpoint_saved", "StageChanged": "stage_changed",
           "TrainingStarted": "started", "TrainingFinished": "finished"}


class TrainingController(QObject):
    """Starts a :class:`TrainingWorker` on its own QThread and forwards its signals."""

    status = Signal(str)
    started = Signal(object)
    metrics = Signal(dict)
    stage_changed = Signal(object)
    samples_saved = Signal(object)
    checkpoint_saved = Signal(object)
    warning = Signal(str)
    finished = Signal(object)
    failed = Signal(str)
    #: The thread has ended (after ``finished`` or ``failed``); controls may be reset.
    stopped = Signal()
    paused_changed = Signal(bool)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._thread: QThread | None = None
        self._worker: TrainingWorker | None = None
        self.job: TrainingJob | None = None
        self._paused = False

    @property
    def running(self) -> bool:
        return self._thread is not None

    @property
    def paused(self) -> bool:
        return self._paused

    @property
    def trainer(self) -> Trainer | None:
        return self._worker.trainer if self._worker else None

    def start(self, job: TrainingJob) -> None:
        if self.running:
            raise RuntimeError("a training run is already in progress")
        self.job = job
        self._paused = False
        thread = QThread()
        thread.setObjectName("t2f-training")
        worker = TrainingWorker(job)
        worker.moveToThread(thread)
        for name in ("status", "started", "metrics", "stage_changed", "samples_saved", "checkpoint_saved",
                     "warning", "finished", "failed"):
            getattr(worker, name).connect(getattr(self, name))
        thread.started.connect(worker.run)
        thread.finished.connect(self._on_thread_finished)
        self._thread, self._worker = thread, worker
        # Before the thread's first allocation, so it shares the main heap whose freed blocks a CPU
        # run reuses (see core.training.memory); a GPU run's few host tensors do not mind.
        keep_freed_memory()
        thread.start()

    def pause(self) -> None:
        if self._worker is not None and not self._paused:
            self._worker.pause()
            self._paused = True
            self.paused_changed.emit(True)

    def resume(self) -> None:
        if self._worker is not None and self._paused:
            self._worker.resume()
            self._paused = False
            self.paused_changed.emit(False)

    def request_stop(self) -> None:
        """Ask the run to stop; it saves a checkpoint, then ``finished`` and ``stopped`` follow."""
        if self._worker is not None:
            self._worker.request_stop()

    def stop_and_wait(self, timeout_ms: int = 120_000) -> bool:
        """Stop, and block until the run has saved its checkpoint (used when the window closes)."""
        thread = self._thread
        if thread is None:
            return True
        self.request_stop()
        if not thread.wait(timeout_ms):
            return False
        self._on_thread_finished()
        return True

    @Slot()
    def _on_thread_finished(self) -> None:
        if self._thread is None:
            return
        thread, worker = self._thread, self._worker
        thread.wait()
        self._thread, self._worker = None, None
        self._paused = False
        worker.deleteLater()
        thread.deleteLater()
        self.stopped.emit()
