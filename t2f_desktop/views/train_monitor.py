"""The training monitor: progress, loss curves, sample grids and the log of one run folder.

It is fed by a :class:`~t2f_desktop.workers.run_follower.RunFollower` reading the run folder, so
it shows a run trained in this window, a finished run, or a job running in a terminal the same
way.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFontDatabase
from PySide6.QtWidgets import QLabel, QPlainTextEdit, QSplitter, QVBoxLayout, QWidget

from t2f_desktop import dialogs, export, image_actions
from t2f_desktop.progress import (RateMeter, RunProgress, RunState, followed_state, followed_state_text,
                                  progress_from_record, quiet_after, shown_progress)
from t2f_desktop.settings import Settings
from t2f_desktop.widgets.loss_plot import LossPlot
from t2f_desktop.widgets.run_status import RunStatus
from t2f_desktop.widgets.sample_timeline import SamplePanel
from t2f_desktop.workers.jobs import JobRunner
from t2f_desktop.workers.run_follower import RunFollower

MAX_LOG_LINES = 5000


class TrainMonitor(QWidget):
    progress_changed = Signal(object)  # RunProgress
    status_message = Signal(str)

    def __init__(self, settings: Settings, runner: JobRunner, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.runner = runner
        self.progress: RunProgress | None = None
        self.last_record: dict | None = None
        self._rate = RateMeter()
        self._last_stage: int | None = None
        self._eta = None  # core.training.eta.EtaEstimator, once the run's config is known
        self._records: list[dict] = []  # every record so far, for the ETA when the config comes later
        #: What the run is doing. A run this window trains is told (set_run_state); a followed one is
        #: judged from its folder on every poll (its lock, its last record, its schedule).
        self.state = RunState.WAITING
        self.own_run = False
        #: Unix time now; replaced by tests.
        self.clock = time.time
        self.follower = RunFollower(parent=self)
        self.follower.config_loaded.connect(self._on_config)
        self.follower.records.connect(self._on_records)
        self.follower.samples.connect(self._on_samples)
        self.follower.captions.connect(lambda captions: self.samples.set_captions(captions))
        self.follower.log_lines.connect(self._on_log_lines)
        self.follower.ticked.connect(self.check_followed_state)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.run_label = QLabel("No run open — start one on the left, or File ▸ Open run… to watch any run folder.",
                                self)
        self.run_label.setWordWrap(True)
        self.run_label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout.addWidget(self.run_label)
        self.status = RunStatus(self)
        layout.addWidget(self.status)

        vertical = QSplitter(Qt.Orientation.Vertical, self)
        top = QSplitter(Qt.Orientation.Horizontal, vertical)
        self.plot = LossPlot(top)
        top.addWidget(self.plot)
        self.samples = SamplePanel(top)
        self.samples.export_requested.connect(self.export_timelapse)
        top.addWidget(self.samples)
        top.setStretchFactor(0, 3)
        top.setStretchFactor(1, 2)
        vertical.addWidget(top)
        self.log = QPlainTextEdit(vertical)
        self.log.setReadOnly(True)
        self.log.setMaximumBlockCount(MAX_LOG_LINES)
        self.log.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.log.setPlaceholderText("Run events and warnings appear here")
        self.log.setToolTip("What the run did: stages, checkpoints, warnings (warnings are also in the run's log.txt)")
        vertical.addWidget(self.log)
        vertical.setStretchFactor(0, 4)
        vertical.setStretchFactor(1, 1)
        layout.addWidget(vertical, 1)

    @property
    def run_dir(self) -> Path | None:
        return self.follower.run_dir

    def follow(self, run_dir: str | Path, own: bool = False) -> None:
        """Show ``run_dir`` from its beginning and keep following it; ``own``: this window trains it
        (and says what it is doing with :meth:`set_run_state`), else its state is read from the folder."""
        run_dir = Path(run_dir)
        self.clear()
        self.own_run = own
        self.run_label.setText(f"<b>Run</b> {run_dir}")
        self.follower.follow(run_dir)

    def stop_following(self) -> None:
        self.follower.stop()

    def poll_now(self) -> None:
        self.follower.poll()

    def set_run_state(self, state: RunState, text: str | None = None) -> None:
        """Say what this window's run is doing; every field is redrawn to match (``text``: the headline)."""
        self.state = state
        if text is not None:
            self.status.set_state(text)
        if self.last_record is not None:
            self._show_progress(self.last_record)

    def check_followed_state(self) -> None:
        """Judge a followed run's state from its folder: is its lock held, when did it last log, is
        its schedule complete. Runs after every poll; a run this window trains is left alone."""
        run_dir = self.follower.run_dir
        if self.own_run or run_dir is None:
            return
        from core.training.liveness import run_is_training

        training = run_is_training(run_dir)
        quiet_for = None
        if self.last_record is not None and "time" in self.last_record:
            quiet_for = max(0.0, self.clock() - float(self.last_record["time"]))
        limit = quiet_after([float(r["time"]) for r in self._records[-21:] if "time" in r])
        state = followed_state(self.progress, training, quiet_for, limit)
        text = followed_state_text(state, self.progress, quiet_for)
        if state is not self.state or (state is RunState.QUIET and text != self.status.state.text()):
            self.set_run_state(state, text)

    def clear(self) -> None:
        self.progress, self.last_record, self._last_stage = None, None, None
        self.state, self.own_run = RunState.WAITING, False
        self._records = []
        if self._eta is not None:
            self._eta.reset()
        self._rate.reset()
        self.plot.clear()
        self.samples.clear()
        self.log.clear()
        self.status.clear()
        self.status.set_state("Waiting for the run…")

    def append_log(self, line: str, when: float | None = None) -> None:
        """Add a line stamped with ``when`` (Unix time; now by default)."""
        stamp = time.strftime("%H:%M:%S", time.localtime(when)) if when else time.strftime("%H:%M:%S")
        self.log.appendPlainText(f"{stamp}  {line}")

    # ---- follower -------------------------------------------------------------------------------
    def _on_log_lines(self, lines: list[str]) -> None:
        """Lines of the run's log.txt, shown with the time they were written (when they say it)."""
        from core.training.rundir import parse_log_line

        for line in lines:
            when, message = parse_log_line(line)
            self.append_log(message, when)

    def _on_config(self, config) -> None:  # noqa: ANN001 - RunConfig
        from core.training.eta import EtaEstimator

        self._eta = EtaEstimator(config.model, config.train)
        for record in self._records[-self._eta.window:]:
            self._eta.add(record)
        res = config.model.resolution
        data = config.data
        source = f"{data.synthetic_count} synthetic faces" if data.source == "synthetic" else data.source
        self.run_label.setText(f"<b>Run</b> {self.follower.run_dir} — {res}×{res}, "
                               f"{len(config.train.stage_images)} stages, data: {source}")
        if self.last_record is not None:
            self._show_progress(self.last_record)

    def _on_records(self, records: list[dict]) -> None:
        self.plot.add_records(records)
        self._records.extend(records)
        for record in records:
            self._rate.add(float(record.get("images_per_s", 0.0)))
            if self._eta is not None:
                self._eta.add(record)
            stage = record.get("stage")
            if stage is not None and stage != self._last_stage:
                if self._last_stage is not None:
                    res = 4 * 2 ** int(stage)
                    self.append_log(f"stage {int(stage) + 1} of {record.get('stages', '?')}: growing to {res}×{res}",
                                    record.get("time"))
                self._last_stage = stage
        self.last_record = records[-1]
        self._show_progress(records[-1])

    def _show_progress(self, record: dict) -> None:
        config = self.follower.config
        if config is not None and int(record.get("total_images", 0) or 0) not in (0, config.train.total_images):
            config = None  # a schedule changed since config.json was read: its stages would mislead
        eta = self._eta.remaining(int(record.get("images_seen", 0))) if self._eta is not None and config else None
        self.progress = progress_from_record(record, config.train if config else None, self._rate.value, eta)
        self.status.show_progress(shown_progress(self.progress, self.state), self.state)
        self.progress_changed.emit(self.progress)

    def _on_samples(self, samples: list) -> None:
        self.samples.set_samples(samples)
        self._catch_up_with_model()

    def note_position(self, step: int, images_seen: int) -> None:
        """Move the progress to a position known from elsewhere than ``metrics.jsonl``.

        The trainer logs every ``log_every`` steps, so the last line can lag behind the end of the
        run; its final sample grid, checkpoint and ``model/`` carry the true final position.
        """
        if self.last_record is None or images_seen <= int(self.last_record.get("images_seen", 0)):
            return
        self.last_record = dict(self.last_record, step=step, images_seen=images_seen)
        self._show_progress(self.last_record)

    def _catch_up_with_model(self) -> None:
        run_dir = self.follower.run_dir
        if run_dir is None:
            return
        try:
            info = json.loads((run_dir / "model" / "config.json").read_text(encoding="utf-8")).get("info", {})
            self.note_position(int(info.get("step", 0)), int(info.get("images_seen", 0)))
        except (OSError, ValueError, AttributeError):
            return  # no model yet, or being replaced

    # ---- export ---------------------------------------------------------------------------------
    def export_timelapse(self) -> None:
        paths = self.samples.sample_paths()
        if not paths:
            return
        name = f"{self.run_dir.name if self.run_dir else 'run'}-timelapse.gif"
        path = image_actions.ask_save_path(self, self.settings, "Export time-lapse GIF", name,
                                           "GIF animations (*.gif)", ".gif")
        if path is None:
            return

        def failed(message: str) -> None:
            dialogs.error(self, "Could not export the time-lapse", message)

        self.runner.submit("export-timelapse", lambda: export.save_timelapse(paths, path),
                           lambda count: self.status_message.emit(f"Saved a {count}-frame time-lapse to {path}"),
                           failed)
