"""The run's fixed-caption sample grids: the latest one, its captions, and a timeline of all of them.

Every grid shows the same captions and noise, so sliding back in time shows how the same faces
formed. The panel follows the newest grid unless the person has moved the slider back.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QImage
from PySide6.QtWidgets import (QHBoxLayout, QLabel, QListWidget, QPushButton, QSlider, QSplitter,
                               QVBoxLayout, QWidget)

from t2f_desktop.qimage import from_qimage
from t2f_desktop.widgets.face_view import FaceView


class SamplePanel(QWidget):
    export_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.samples: list[tuple[int, Path]] = []
        self._shown: Path | None = None

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        self.view = FaceView("Sample grids appear here as the run saves them", splitter)
        self.view.setToolTip("The fixed-caption samples: same captions and noise at every step")
        splitter.addWidget(self.view)
        self.caption_list = QListWidget(splitter)
        self.caption_list.setWordWrap(True)
        self.caption_list.setToolTip("The caption of each face in the grid, left to right, top to bottom")
        self.caption_list.setMinimumWidth(100)
        splitter.addWidget(self.caption_list)
        splitter.setStretchFactor(0, 3)
        splitter.setStretchFactor(1, 2)
        layout.addWidget(splitter, 1)

        row = QHBoxLayout()
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setRange(0, 0)
        self.slider.setEnabled(False)
        self.slider.setToolTip("Go back through every sample grid the run saved")
        self.slider.valueChanged.connect(self.show_index)
        row.addWidget(self.slider, 1)
        self.step_label = QLabel("no samples yet", self)
        row.addWidget(self.step_label)
        self.export_button = QPushButton("Time-lapse GIF…", self)
        self.export_button.setToolTip("Export every sample grid, oldest first, as one animated GIF")
        self.export_button.setEnabled(False)
        self.export_button.clicked.connect(self.export_requested)
        row.addWidget(self.export_button)
        layout.addLayout(row)

    def clear(self) -> None:
        self.samples = []
        self._shown = None
        self.view.set_image(None)
        self.caption_list.clear()
        self.slider.setRange(0, 0)
        self.slider.setEnabled(False)
        self.step_label.setText("no samples yet")
        self.export_button.setEnabled(False)

    def set_captions(self, captions: list[str]) -> None:
        self.caption_list.clear()
        for index, caption in enumerate(captions, 1):
            self.caption_list.addItem(f"{index}. {caption or '(no description)'}")

    def set_samples(self, samples: list[tuple[int, Path]]) -> None:
        """All grids so far; jumps to the newest if the slider was at the newest (or unset)."""
        at_end = not self.samples or self.slider.value() >= len(self.samples) - 1
        self.samples = list(samples)
        self.slider.blockSignals(True)
        self.slider.setRange(0, max(0, len(self.samples) - 1))
        if at_end:
            self.slider.setValue(self.slider.maximum())
        self.slider.blockSignals(False)
        self.slider.setEnabled(len(self.samples) > 1)
        self.export_button.setEnabled(bool(self.samples))
        self.show_index(self.slider.value())

    def show_index(self, index: int) -> None:
        if not self.samples:
            return
        step, path = self.samples[max(0, min(index, len(self.samples) - 1))]
        self.step_label.setText(f"step {step}")
        self.step_label.setToolTip(f"Sample grid {index + 1} of {len(self.samples)}")
        if path == self._shown:
            return
        image = QImage(str(path))
        if image.isNull():  # being written by another process: the next poll will retry
            return
        self._shown = path
        self.view.set_image(from_qimage(image))

    def sample_paths(self) -> list[Path]:
        return [path for _, path in self.samples]
