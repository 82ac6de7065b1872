"""Train: set up a run, start, pause, resume or stop it, and watch it — or watch any run folder.

The set-up form is on the left, the monitor on the right. Training runs on its own thread
(:class:`~t2f_desktop.workers.training.TrainingController`); its events update the buttons and
prompt the monitor to read the run folder right away. Every failure — an unwritable folder, a
full disk, running out of GPU memory — becomes a message, and the app carries on.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (QHBoxLayout, QPushButton, QScrollArea, QVBoxLayout,
                               QWidget)

from t2f_desktop import dialogs
from t2f_desktop.progress import RunState
from t2f_desktop.settings import Settings
from t2f_desktop.views.train_monitor import TrainMonitor
from t2f_desktop.views.train_setup import TrainSetup
from t2f_desktop.widgets.adaptive_splitter import AdaptiveSplitter
from t2f_desktop.workers.jobs import JobRunner
from t2f_desktop.workers.training import TrainingController, TrainingJob

if TYPE_CHECKING:
    from core.data.base import TextFaceDataset

#: How each way a run of this window ends leaves it.
FINISHED_STATE = {"completed": RunState.FINISHED, "stopped": RunState.STOPPED, "max_steps": RunState.STOPPED,
                  "failed": RunState.FAILED}

FINISHED_TEXT = {
    "completed": "Finished: the schedule is complete — Train longer… gives its last stage more images",
    "stopped": "Stopped — a checkpoint was saved; Continue a run… picks up from it",
    "max_steps": "Stopped at the step limit — checkpoint saved",
    "failed": "Failed",
}


def is_run_folder(path: Path) -> bool:
    return (path / "config.json").is_file() or (path / "metrics.jsonl").is_file()


class TrainView(QWidget):
    #: Load this run's latest ``model/`` into Generate and Interpolate.
    use_model_requested = Signal(object)  # Path
    status_message = Signal(str)
    #: A run was started or opened here (for the recent-runs menu).
    run_opened = Signal(object)  # Path
    running_changed = Signal(bool)

    def __init__(self, settings: Settings, runner: JobRunner, io_runner: JobRunner,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.controller = TrainingController(self)
        self.last_finished = None
        self._stopping = False

        self.setup = TrainSetup(settings, io_runner, self)
        self.monitor = TrainMonitor(settings, runner, self)
        self.monitor.status_message.connect(self.status_message)
        self.monitor.progress_changed.connect(lambda _: self._update_buttons())
        self.monitor.follower.samples.connect(lambda _: self._update_buttons())

        left = QWidget(self)
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(0, 0, 0, 0)
        scroll = QScrollArea(left)
        scroll.setWidgetResizable(True)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setWidget(self.setup)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        left_layout.addWidget(scroll, 1)
        left_layout.addLayout(self._build_buttons(left))
        # Wide enough for the form and its scroll bar: nothing in the form is ever cut off.
        left.setMinimumWidth(self.setup.minimumSizeHint().width() + scroll.verticalScrollBar().sizeHint().width() + 4)

        # Side by side when wide enough, the form above the monitor when not: the window can be narrow.
        splitter = AdaptiveSplitter(self)
        splitter.addWidget(left)
        splitter.addWidget(self.monitor)
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([360, 900])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        c = self.controller
        c.status.connect(self._on_status)
        c.started.connect(self._on_started)
        c.stage_changed.connect(self._on_stage_changed)
        c.metrics.connect(lambda _: self.monitor.poll_now())
        c.samples_saved.connect(lambda _: self.monitor.poll_now())
        c.checkpoint_saved.connect(self._on_checkpoint)
        c.warning.connect(lambda _: self.monitor.poll_now())
        c.finished.connect(self._on_finished)
        c.failed.connect(self._on_failed)
        c.stopped.connect(self._on_stopped)
        c.paused_changed.connect(self._on_paused)
        self._update_buttons()

    def _build_buttons(self, parent: QWidget) -> QVBoxLayout:
        column = QVBoxLayout()
        row = QHBoxLayout()
        self.start_button = QPushButton("Start", parent)
        self.start_button.setToolTip("Start a new run with these settings")
        self.start_button.clicked.connect(self.start)
        self.pause_button = QPushButton("Pause", parent)
        self.pause_button.setToolTip("Hold training after the current step (nothing is lost); press again to resume")
        self.pause_button.clicked.connect(self.toggle_pause)
        self.stop_button = QPushButton("Stop", parent)
        self.stop_button.setToolTip("Stop after the current step and save a checkpoint to continue from later")
        self.stop_button.clicked.connect(self.stop)
        for button in (self.start_button, self.pause_button, self.stop_button):
            row.addWidget(button)
        column.addLayout(row)
        row = QHBoxLayout()
        self.continue_button = QPushButton("Continue a run…", parent)
        self.continue_button.setToolTip("Resume a stopped run from its latest checkpoint")
        self.continue_button.clicked.connect(self.choose_run_to_continue)
        self.longer_button = QPushButton("Train longer…", parent)
        self.longer_button.setToolTip("Resume the watched run with its last (full-size) stage lengthened: "
                                      "faces often keep improving with more training there")
        self.longer_button.clicked.connect(self.train_longer)
        self.use_button = QPushButton("Use this model", parent)
        self.use_button.setToolTip("Load the run's latest model into Generate and Interpolate (also while training)")
        self.use_button.clicked.connect(self.use_model)
        row.addWidget(self.continue_button)
        row.addWidget(self.longer_button)
        row.addWidget(self.use_button)
        column.addLayout(row)
        return column

    # ---- state ----------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self.controller.running

    def _update_buttons(self) -> None:
        running = self.controller.running
        self.start_button.setEnabled(not running)
        self.continue_button.setEnabled(not running)
        self.longer_button.setEnabled(not running and self.monitor.run_dir is not None)
        self.pause_button.setEnabled(running and not self._stopping)
        self.stop_button.setEnabled(running and not self._stopping)
        self.pause_button.setText("Resume" if self.controller.paused else "Pause")
        run_dir = self.monitor.run_dir
        self.use_button.setEnabled(run_dir is not None and (run_dir / "model" / "config.json").is_file())
        self.setup.set_enabled_for_run(running)

    # ---- starting -------------------------------------------------------------------------------
    def start(self) -> bool:
        """Start a new run from the form (or offer to continue the run already in its folder)."""
        try:
            config = self.setup.config()
            run_dir = self.setup.run_folder()
        except ValueError as error:
            dialogs.warning(self, "Cannot start training", str(error))
            return False
        from core.training.rundir import RunDir

        run = RunDir(run_dir)
        if run.is_run() and run.latest_checkpoint() is not None:
            if dialogs.confirm(self, "Run folder in use", f"{run_dir} already holds a run.\n\nContinue that run?",
                               yes="Continue it"):
                return self.resume_run(run_dir)
            return False
        dataset = self.setup.ready_dataset(config.model.resolution)
        return self.start_job(TrainingJob(run_dir, config=config, dataset=dataset, source=self.setup.source(),
                                          start_from=self.setup.start_model()))

    def resume_run(self, run_dir: str | Path, dataset: TextFaceDataset | None = None) -> bool:
        """Continue a stopped run from its latest checkpoint."""
        return self.start_job(TrainingJob(Path(run_dir), dataset=dataset, resume=True))

    def choose_run_to_continue(self) -> None:
        start = self.settings.last_run or str(Path.home())
        folder = dialogs.open_folder(self, "Continue which run?", start)
        if folder:
            self.resume_run(folder)

    def train_longer(self) -> bool:
        """Resume the watched run with its last stage as long as the person chooses (within one
        resume's limit: the stage's fade-in must stay over); a message says when it cannot be."""
        from core.training.longer import plan_longer_training

        run_dir = self.monitor.run_dir
        if run_dir is None:
            return False
        try:
            plan = plan_longer_training(run_dir)
        except (OSError, ValueError) as error:
            dialogs.warning(self, "Cannot train this run longer", str(error))
            return False
        res = plan.resolution
        step = 1000 if plan.current >= 10_000 else 1
        images = dialogs.ask_int(
            self, "Train longer",
            f"The {res}×{res} stage is {plan.current:,} images long. Lengthen it to\n"
            f"(at most {plan.longest:,} in one go: its fade-in, a fraction of the stage, must stay over)",
            plan.longest, plan.current + 1, plan.longest, step)
        if images is None:
            return False
        return self.start_job(TrainingJob(plan.run_dir, config=plan.config_for(images), resume=True))

    def start_job(self, job: TrainingJob) -> bool:
        if self.controller.running:
            dialogs.warning(self, "Training in progress", "Stop the current run first.")
            return False
        self.last_finished = None
        self._stopping = False
        self.monitor.follow(job.run_dir, own=True)
        self.monitor.set_run_state(RunState.WAITING, "Starting…")
        what = "continuing" if job.resume else "starting"
        origin = f" from the model in {job.start_from}" if job.start_from and not job.resume else ""
        self.monitor.append_log(f"{what} run in {job.run_dir}{origin}")
        self.controller.start(job)
        self.settings.last_run = str(job.run_dir)
        self.settings.add_recent("runs", str(job.run_dir))
        self.run_opened.emit(job.run_dir)
        self._update_buttons()
        self.running_changed.emit(True)
        return True

    # ---- controls -------------------------------------------------------------------------------
    def toggle_pause(self) -> None:
        if self.controller.paused:
            self.controller.resume()
        else:
            self.controller.pause()

    def pause(self) -> None:
        self.controller.pause()

    def resume(self) -> None:
        self.controller.resume()

    def stop(self) -> None:
        if not self.controller.running:
            return
        self._stopping = True
        self.monitor.set_run_state(RunState.STOPPING, "Stopping — saving a checkpoint…")
        self.controller.request_stop()
        self._update_buttons()

    def stop_and_wait(self) -> bool:
        """Stop with a checkpoint and wait for it (the window is closing)."""
        self._stopping = True
        return self.controller.stop_and_wait()

    def reopen_last_run(self) -> None:
        """Show the run watched last time (quietly: nothing is said if it is gone)."""
        last = self.settings.last_run
        if last and is_run_folder(Path(last)):
            self.monitor.follow(last)  # its headline says whether it trains elsewhere, stopped or finished
            self._update_buttons()

    def open_run(self, run_dir: str | Path) -> bool:
        """Attach the monitor to any run folder and follow it as it grows."""
        run_dir = Path(run_dir)
        if self.controller.running:
            dialogs.warning(self, "Training in progress",
                            "This window is training a run. Stop it before opening another run folder.")
            return False
        if not run_dir.is_dir():
            dialogs.error(self, "Cannot open run", f"{run_dir} is not a folder.")
            return False
        if not is_run_folder(run_dir) and not dialogs.confirm(
                self, "Not a run folder yet", f"{run_dir} has no config.json or metrics.jsonl yet.\n\n"
                "Watch it anyway (for a run that is about to start)?", yes="Watch it"):
            return False
        self.monitor.follow(run_dir)  # its headline says whether it trains elsewhere, stopped or finished
        self.settings.last_run = str(run_dir)
        self.settings.add_recent("runs", str(run_dir))
        self.run_opened.emit(run_dir)
        self._update_buttons()
        return True

    def use_model(self) -> None:
        run_dir = self.monitor.run_dir
        if run_dir is not None and (run_dir / "model" / "config.json").is_file():
            self.use_model_requested.emit(run_dir)

    # ---- controller events ----------------------------------------------------------------------
    def _on_status(self, text: str) -> None:
        self.monitor.set_run_state(RunState.PAUSED if self.controller.paused else RunState.RUNNING, text)
        self.monitor.append_log(text.rstrip("…").lower())

    def _on_started(self, event) -> None:  # noqa: ANN001 - TrainingStarted
        self._show_running()
        self.monitor.append_log(f"{'resumed at step ' + str(event.step) if event.resumed else 'started'} "
                                f"on {event.device}; data: {event.dataset_summary}")
        self.setup.summary.setText(event.dataset_summary)
        self.monitor.poll_now()

    def _on_stage_changed(self, event) -> None:  # noqa: ANN001 - StageChanged
        """The GAN steps have begun (or moved on a stage): the set-up phases' last line is over."""
        self._show_running()
        self.monitor.append_log(f"stage {event.stage + 1} of {event.stages}: {event.resolution}×{event.resolution}, "
                                f"batch {event.batch_size}")

    def _on_checkpoint(self, event) -> None:  # noqa: ANN001 - CheckpointSaved
        self.monitor.append_log(f"checkpoint saved at step {event.step} ({Path(event.path).name})")
        self.monitor.poll_now()
        self._update_buttons()

    def _on_paused(self, paused: bool) -> None:
        if not self._stopping:
            self._show_running()
            self.monitor.append_log("paused" if paused else "resumed")
        self._update_buttons()

    def _on_finished(self, event) -> None:  # noqa: ANN001 - TrainingFinished
        self.last_finished = event
        self.monitor.poll_now()
        self.monitor.note_position(event.step, event.images_seen)
        text = FINISHED_TEXT.get(event.reason, event.reason)
        if event.message:
            text = f"{text}: {event.message}"
        self.monitor.set_run_state(FINISHED_STATE.get(event.reason, RunState.STOPPED), text)
        detail = f": {event.message}" if event.message else ""
        self.monitor.append_log(f"{event.reason} at step {event.step}{detail}")
        if event.reason == "failed":
            dialogs.error(self, "Training failed", event.message or "Training stopped with an error.")
        self.status_message.emit(text)

    def _show_running(self) -> None:
        paused = self.controller.paused
        self.monitor.set_run_state(RunState.PAUSED if paused else RunState.RUNNING, "Paused" if paused else "Training")

    def _on_failed(self, message: str) -> None:
        self.monitor.set_run_state(RunState.FAILED, f"Could not train: {message}")
        self.monitor.append_log(f"error: {message}")
        dialogs.error(self, "Training could not continue", message)

    def _on_stopped(self) -> None:
        self._stopping = False
        self.monitor.poll_now()
        if self.setup.run_dir.text() and Path(self.setup.run_dir.text()).expanduser() == self.monitor.run_dir:
            self.setup.new_run_folder()
        self._update_buttons()
        self.running_changed.emit(False)

    def save_settings(self) -> None:
        self.setup.save_settings()
