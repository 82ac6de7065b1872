"""Where a run stands at a glance: overall and stage progress, α, speed, elapsed time and ETA.

Every field shows what is true in the run's state: a stopped run has no time left and no current
speed, a finished one is done (see :func:`t2f_desktop.progress.eta_text`)."""

from __future__ import annotations

from PySide6.QtWidgets import QGridLayout, QLabel, QProgressBar, QWidget

from t2f_desktop.progress import RunProgress, RunState, eta_text, format_count, format_duration, speed_text


class RunStatus(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        self.state = QLabel("No run", self)
        font = self.state.font()
        font.setBold(True)
        self.state.setFont(font)
        grid.addWidget(self.state, 0, 0, 1, 4)

        self.overall = QProgressBar(self)
        self.overall.setRange(0, 1000)
        self.overall.setFormat("—")
        self.overall.setToolTip("Images shown so far out of the whole schedule")
        grid.addWidget(QLabel("Overall", self), 1, 0)
        grid.addWidget(self.overall, 1, 1, 1, 3)
        self.stage = QProgressBar(self)
        self.stage.setRange(0, 1000)
        self.stage.setFormat("—")
        self.stage.setToolTip("Progress through the current resolution; the new layers fade in (α → 1) first")
        self.stage_title = QLabel("Stage", self)
        grid.addWidget(self.stage_title, 2, 0)
        grid.addWidget(self.stage, 2, 1, 1, 3)

        self.fields: dict[str, QLabel] = {}
        names = (("resolution", "Resolution"), ("alpha", "Fade-in α"), ("speed", "Speed"),
                 ("step", "Step"), ("elapsed", "Elapsed"), ("eta", "Remaining"))
        for index, (key, title) in enumerate(names):
            row, column = 3 + index // 2, (index % 2) * 2
            caption = QLabel(title, self)
            caption.setEnabled(False)  # the disabled text role: a quieter caption in any theme
            value = QLabel("—", self)
            grid.addWidget(caption, row, column)
            grid.addWidget(value, row, column + 1)
            self.fields[key] = value
        grid.setColumnStretch(1, 1)
        grid.setColumnStretch(3, 1)
        self.fields["eta"].setToolTip("The schedule's remaining work, each stage priced by the cost of its resolution, "
                                      "batch and fade-in, at the pace this run has measured")

    def set_state(self, text: str) -> None:
        self.state.setText(text)

    def clear(self) -> None:
        for bar in (self.overall, self.stage):
            bar.setValue(0)
            bar.setFormat("—")
        self.stage_title.setText("Stage")
        for label in self.fields.values():
            label.setText("—")

    def show_progress(self, p: RunProgress, state: RunState = RunState.RUNNING) -> None:
        self.overall.setValue(round(1000 * p.progress))
        self.overall.setFormat(f"{100 * p.progress:.1f} %  ·  {format_count(p.images_seen)} of "
                               f"{format_count(p.total_images)} images")
        self.stage_title.setText(f"Stage {p.stage + 1} of {p.stages}" if p.stages else "Stage")
        if p.stage_progress is None:
            self.stage.setValue(0)
            self.stage.setFormat("—")
        else:
            self.stage.setValue(round(1000 * p.stage_progress))
            self.stage.setFormat(f"{100 * p.stage_progress:.0f} %")
        self.fields["resolution"].setText(f"{p.resolution}×{p.resolution}")
        self.fields["alpha"].setText(f"{p.alpha:.2f}" + ("  (fading in)" if p.alpha < 1 else ""))
        self.fields["speed"].setText(speed_text(p, state))
        self.fields["step"].setText(f"{p.step:,}")
        self.fields["elapsed"].setText(format_duration(p.elapsed))
        self.fields["eta"].setText(eta_text(p, state))
