"""Interpolate: walk from one (description, seed) to another.

All frames are drawn as one batch on the job thread; the scrubber, the player and the thumbnail
strip then only move through frames already in memory, so scrubbing is instant. A second tab
crosses the two endpoints in a four-corner grid (text across, noise down).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QSize, Qt, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import (QCheckBox, QComboBox, QDoubleSpinBox, QHBoxLayout, QLabel, QListView,
                               QListWidget, QListWidgetItem, QPushButton, QSpinBox, QStackedWidget,
                               QStyle, QTabWidget, QVBoxLayout, QWidget)

from t2f_desktop import export, image_actions
from core.explore import GRID_MAX as MAX_SIZE, GRID_MIN as MIN_SIZE, corner_grid
from t2f_desktop.history import History, HistoryEntry
from t2f_desktop.model_session import ModelSession
from t2f_desktop.qimage import to_pixmap
from t2f_desktop.settings import Settings
from t2f_desktop.views import interpolate_export
from t2f_desktop.widgets.empty_state import EmptyState
from t2f_desktop.widgets.endpoint_editor import EndpointEditor
from t2f_desktop.widgets.export_size import ExportSizeBox
from t2f_desktop.widgets.face_view import FaceView
from t2f_desktop.widgets.jump_slider import JumpSlider

MODES = (("both", "Text + noise", "Both the description and the seed move from A to B"),
         ("noise", "Noise", "Keep A's description; move the noise from A's seed to B's"),
         ("text", "Text", "Keep A's seed; move the description from A to B"))
METHODS = (("slerp", "slerp", "Spherical: follow the sphere the noise lives on, keeping faces typical midway"),
           ("lerp", "lerp", "Linear: a straight line between the two noise vectors"))
RECOMPUTE_DELAY_MS = 300


@dataclass(frozen=True)
class Interpolation:
    """Frames and the request they answer."""

    start: HistoryEntry
    end: HistoryEntry
    mode: str
    method: str
    truncation: float
    frames: np.ndarray


class InterpolateView(QWidget):
    open_model_requested = Signal()
    train_requested = Signal()
    status_message = Signal(str)
    computed = Signal(object)  # Interpolation

    def __init__(self, session: ModelSession, history: History, settings: Settings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.history = history
        self.settings = settings
        self.result: Interpolation | None = None
        self.grid_images: np.ndarray | None = None
        self.grid_request: tuple | None = None
        #: The shown frames were drawn by another model (or none yet): redraw when next visible.
        self._stale = True
        self._recompute = QTimer(self, singleShot=True, interval=RECOMPUTE_DELAY_MS)
        self._recompute.timeout.connect(self.compute)
        self._player = QTimer(self)
        self._player.timeout.connect(self._advance)

        self.pages = QStackedWidget(self)
        self.empty = EmptyState("interpolate between faces", self.pages)
        self.empty.open_model.connect(self.open_model_requested)
        self.empty.train_model.connect(self.train_requested)
        self.pages.addWidget(self.empty)
        self.main_page = self._build_main()
        self.pages.addWidget(self.main_page)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.pages)

        self._restore_settings()
        session.changed.connect(self._on_model_changed)
        self._on_model_changed(session.model)

    # ---- construction ---------------------------------------------------------------------------
    def _build_main(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 0, 0, 0)
        ends = QHBoxLayout()
        self.endpoint_a = EndpointEditor("A", self.history, page)
        self.endpoint_b = EndpointEditor("B", self.history, page)
        for editor in (self.endpoint_a, self.endpoint_b):
            editor.changed.connect(self._schedule)
            editor.changed.connect(lambda editor=editor: self._show_reading(editor))
            ends.addWidget(editor, 1)
        layout.addLayout(ends)

        options = QHBoxLayout()
        self.mode = QComboBox(page)
        for value, label, tip in MODES:
            self.mode.addItem(label, value)
            self.mode.setItemData(self.mode.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.mode.setToolTip("What moves from A to B")
        self.method = QComboBox(page)
        for value, label, tip in METHODS:
            self.method.addItem(label, value)
            self.method.setItemData(self.method.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)
        self.method.setToolTip("How the noise moves: along the sphere (slerp) or in a straight line (lerp)")
        self.frame_count = QSpinBox(page)
        self.frame_count.setRange(2, 240)
        self.frame_count.setValue(48)
        self.frame_count.setToolTip("Number of frames, A and B included (2–240)")
        self.truncation = QDoubleSpinBox(page)
        self.truncation.setRange(0.0, 2.0)
        self.truncation.setSingleStep(0.05)
        self.truncation.setValue(1.0)
        self.truncation.setToolTip("Truncation ψ: lower draws more typical faces")
        for label, widget in (("Moves", self.mode), ("Path", self.method), ("Frames", self.frame_count),
                              ("ψ", self.truncation)):
            options.addWidget(QLabel(label, page))
            options.addWidget(widget)
        self.mode.currentIndexChanged.connect(self._schedule)
        self.method.currentIndexChanged.connect(self._schedule)
        self.frame_count.valueChanged.connect(self._schedule)
        self.truncation.valueChanged.connect(self._schedule)
        options.addStretch(1)
        self.auto = QCheckBox("Auto", page)
        self.auto.setChecked(True)
        self.auto.setToolTip("Update automatically: recompute shortly after any setting changes")
        options.addWidget(self.auto)
        self.compute_button = QPushButton("Compute", page)
        self.compute_button.setToolTip("Draw every frame from A to B now")
        self.compute_button.clicked.connect(self.compute)
        options.addWidget(self.compute_button)
        layout.addLayout(options)

        self.tabs = QTabWidget(page)
        self.tabs.addTab(self._build_path_tab(), "Path A → B")
        self.tabs.addTab(self._build_grid_tab(), "Four-corner grid")
        self.tabs.currentChanged.connect(lambda _: self._schedule())
        layout.addWidget(self.tabs, 1)
        return page

    def _build_path_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        self.view = FaceView("Frames appear here", tab)
        layout.addWidget(self.view, 1)

        player = QHBoxLayout()
        self.play_button = QPushButton(tab)
        self.play_button.setCheckable(True)
        self.play_button.setIcon(self.style().standardIcon(QStyle.StandardPixmap.SP_MediaPlay))
        self.play_button.setText("Play")
        self.play_button.setToolTip("Play / pause the frames")
        self.play_button.toggled.connect(self.set_playing)
        player.addWidget(self.play_button)
        self.scrubber = JumpSlider(Qt.Orientation.Horizontal, tab)
        self.scrubber.setRange(0, 0)
        self.scrubber.setToolTip("Click or drag to go to a frame")
        self.scrubber.valueChanged.connect(self.show_frame)
        player.addWidget(self.scrubber, 1)
        self.frame_label = QLabel("–", tab)
        self.frame_label.setMinimumWidth(self.frame_label.fontMetrics().horizontalAdvance("Frame 240 / 240"))
        player.addWidget(self.frame_label)
        self.loop = QCheckBox("Loop", tab)
        self.loop.setChecked(True)
        self.loop.setToolTip("Start again at A after B (also used for exported GIFs)")
        player.addWidget(self.loop)
        self.fps = QSpinBox(tab)
        self.fps.setRange(1, 60)
        self.fps.setValue(24)
        self.fps.setSuffix(" fps")
        self.fps.setToolTip("Playback and export speed")
        self.fps.valueChanged.connect(lambda v: self._player.setInterval(round(1000 / v)))
        player.addWidget(self.fps)
        layout.addLayout(player)

        self.strip = QListWidget(tab)
        # List mode, flowing sideways: each item is only its icon, so the selection frames the face.
        self.strip.setViewMode(QListView.ViewMode.ListMode)
        self.strip.setFlow(QListView.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setMovement(QListView.Movement.Static)
        self.strip.setUniformItemSizes(True)
        self.strip.setIconSize(QSize(56, 56))
        self.strip.setSpacing(1)
        self.strip.setFixedHeight(56 + 12 + self.strip.horizontalScrollBar().sizeHint().height())
        self.strip.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOn)
        self.strip.setToolTip("Every frame; click one to jump to it")
        self.strip.currentRowChanged.connect(lambda row: row >= 0 and self.scrubber.setValue(row))
        layout.addWidget(self.strip)

        exports = QHBoxLayout()
        self.export_size = ExportSizeBox(self.settings, tab)
        exports.addWidget(self.export_size)
        exports.addStretch(1)
        self.save_frame_button = QPushButton("Save frame…", tab)
        self.save_frame_button.setToolTip("Save the frame shown as PNG")
        self.save_frame_button.clicked.connect(self.save_frame)
        self.gif_button = QPushButton("Export GIF…", tab)
        self.gif_button.setToolTip("Save every frame as an animated GIF at the playback speed")
        self.gif_button.clicked.connect(self.export_gif)
        self.png_button = QPushButton("Export PNG frames…", tab)
        self.png_button.setToolTip("Save every frame as a numbered PNG in a folder")
        self.png_button.clicked.connect(self.export_png_frames)
        self.mp4_button = QPushButton("Export MP4…", tab)
        self.mp4_button.clicked.connect(self.export_mp4)
        if export.mp4_available():
            self.mp4_button.setToolTip("Save the frames as an H.264 video")
        else:
            self.mp4_button.setEnabled(False)
            self.mp4_button.setToolTip("MP4 export needs the optional package imageio-ffmpeg")
        for button in (self.save_frame_button, self.gif_button, self.png_button, self.mp4_button):
            exports.addWidget(button)
        layout.addLayout(exports)
        return tab

    def _build_grid_tab(self) -> QWidget:
        tab = QWidget(self)
        layout = QVBoxLayout(tab)
        explain = QLabel("Across: the description moves from A to B.  Down: the noise moves from A's seed to B's.", tab)
        explain.setWordWrap(True)
        layout.addWidget(explain)
        self.grid_view = FaceView("The grid appears here", tab)
        layout.addWidget(self.grid_view, 1)
        row = QHBoxLayout()
        row.addWidget(QLabel("Grid size", tab))
        self.grid_size = QSpinBox(tab)
        self.grid_size.setRange(MIN_SIZE, MAX_SIZE)
        self.grid_size.setValue(5)
        self.grid_size.setToolTip("Faces along each side of the grid")
        self.grid_size.valueChanged.connect(self._schedule)
        row.addWidget(self.grid_size)
        row.addStretch(1)
        self.grid_export_size = ExportSizeBox(self.settings, tab)
        row.addWidget(self.grid_export_size)
        self.save_grid_button = QPushButton("Save grid…", tab)
        self.save_grid_button.setToolTip("Save the four-corner grid as PNG")
        self.save_grid_button.clicked.connect(self.save_grid)
        row.addWidget(self.save_grid_button)
        layout.addLayout(row)
        return tab

    # ---- settings -------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        a = HistoryEntry(s.get_str("interpolate/a_text", "A young woman with long blond hair and blue eyes."),
                         s.get_int("interpolate/a_seed", 1))
        b = HistoryEntry(s.get_str("interpolate/b_text", "An old man with a grey beard and glasses."),
                         s.get_int("interpolate/b_seed", 2))
        self.endpoint_a.set_entry(a)
        self.endpoint_b.set_entry(b)
        self.frame_count.setValue(min(240, max(2, s.get_int("interpolate/frames", 48))))
        self._recompute.stop()

    def save_settings(self) -> None:
        s = self.settings
        s.set("interpolate/a_text", self.endpoint_a.text()[:5000])
        s.set("interpolate/a_seed", self.endpoint_a.seed())
        s.set("interpolate/b_text", self.endpoint_b.text()[:5000])
        s.set("interpolate/b_seed", self.endpoint_b.seed())
        s.set("interpolate/frames", self.frame_count.value())

    # ---- computing ------------------------------------------------------------------------------
    def set_endpoint(self, which: str, entry: HistoryEntry) -> None:
        """Set endpoint ``"A"`` or ``"B"`` (e.g. from a face in the Generate view)."""
        (self.endpoint_a if which == "A" else self.endpoint_b).set_entry(entry)

    def _schedule(self, *_: object) -> None:
        self._stale = True
        if self.auto.isChecked() and self.session.model is not None and self.isVisible():
            self._recompute.start()

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt naming
        """Draw lazily: nothing is computed for a view nobody has looked at yet."""
        super().showEvent(event)
        if self._stale and self.session.model is not None:
            self.compute()

    def endpoints(self) -> tuple[HistoryEntry, HistoryEntry]:
        return (HistoryEntry(self.endpoint_a.text(), self.endpoint_a.seed()),
                HistoryEntry(self.endpoint_b.text(), self.endpoint_b.seed()))

    def compute(self) -> bool:
        """Draw the path (or the grid, on the grid tab) off the UI thread; newest request wins."""
        model = self.session.model
        if model is None:
            return False
        self._recompute.stop()
        self._stale = False
        from core.explore import Endpoint, interpolate

        a, b = self.endpoints()
        start, end = Endpoint(a.text, a.seed), Endpoint(b.text, b.seed)
        mode, method = self.mode.currentData(), self.method.currentData()
        psi, count = self.truncation.value(), self.frame_count.value()
        if self.tabs.currentIndex() == 1:
            size = self.grid_size.value()
            request = (a, b, method, psi)
            self.session.runner.submit("corner-grid", lambda: corner_grid(model, start, end, size, method, psi),
                                       lambda images: self._show_grid(images, request), self._failed)
            return True

        def job() -> Interpolation:
            frames = interpolate(model, start, end, count, mode=mode, method=method, truncation=psi)
            return Interpolation(a, b, mode, method, psi, frames)

        self.session.runner.submit("interpolate", job, self._show_result, self._failed)
        return True

    def _show_result(self, result: Interpolation) -> None:
        self.result = result
        frames = result.frames
        position = self.scrubber.value() / max(1, self.scrubber.maximum())
        self.scrubber.blockSignals(True)
        self.scrubber.setRange(0, len(frames) - 1)
        self.scrubber.setValue(round(position * (len(frames) - 1)))
        self.scrubber.blockSignals(False)
        self.strip.blockSignals(True)
        self.strip.clear()
        for index, frame in enumerate(frames):
            icon = to_pixmap(frame).scaled(self.strip.iconSize(), Qt.AspectRatioMode.KeepAspectRatio,
                                           Qt.TransformationMode.SmoothTransformation)
            item = QListWidgetItem(QIcon(icon), "")
            item.setToolTip(f"Frame {index + 1}")
            self.strip.addItem(item)
        self.strip.blockSignals(False)
        self.endpoint_a.preview.set_image(frames[0])
        self.endpoint_b.preview.set_image(frames[-1])
        self.show_frame(self.scrubber.value())
        self._update_enabled()
        self.computed.emit(result)

    def _show_grid(self, images: np.ndarray, request: tuple | None = None) -> None:
        from core.explore import grid_array

        self.grid_images = images
        #: (endpoint A, endpoint B, method, ψ) the grid was drawn for: its saved PNG says so.
        self.grid_request = request
        size = images.shape[0]
        self.grid_view.set_image(grid_array(images.reshape(size * size, *images.shape[2:]), size))
        self.endpoint_a.preview.set_image(images[0, 0])
        self.endpoint_b.preview.set_image(images[-1, -1])
        self._update_enabled()

    def _failed(self, message: str) -> None:
        self.status_message.emit(f"Could not interpolate: {message}")

    # ---- playing --------------------------------------------------------------------------------
    def show_frame(self, index: int) -> None:
        if self.result is None:
            return
        frames = self.result.frames
        index = max(0, min(index, len(frames) - 1))
        self.view.set_image(frames[index])
        self.frame_label.setText(f"Frame {index + 1} / {len(frames)}")
        if self.strip.currentRow() != index:
            self.strip.blockSignals(True)
            self.strip.setCurrentRow(index)
            self.strip.blockSignals(False)

    def set_playing(self, playing: bool) -> None:
        icon = QStyle.StandardPixmap.SP_MediaPause if playing else QStyle.StandardPixmap.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.setText("Pause" if playing else "Play")
        if self.play_button.isChecked() != playing:
            self.play_button.setChecked(playing)
        if playing and self.result is not None:
            if self.scrubber.value() == self.scrubber.maximum() and not self.loop.isChecked():
                self.scrubber.setValue(0)
            self._player.start(round(1000 / self.fps.value()))
        else:
            self._player.stop()

    @property
    def playing(self) -> bool:
        return self._player.isActive()

    def _advance(self) -> None:
        value = self.scrubber.value() + 1
        if value > self.scrubber.maximum():
            if not self.loop.isChecked():
                self.set_playing(False)
                return
            value = 0
        self.scrubber.setValue(value)

    # ---- exporting ------------------------------------------------------------------------------
    def _update_enabled(self) -> None:
        has_frames = self.result is not None
        for button in (self.save_frame_button, self.gif_button, self.png_button):
            button.setEnabled(has_frames)
        self.mp4_button.setEnabled(has_frames and export.mp4_available())
        self.save_grid_button.setEnabled(self.grid_images is not None)

    # Saving lives in interpolate_export: every export at the one export size, with its PNG text.
    def export_gif(self) -> None:
        interpolate_export.export_gif(self)

    def export_png_frames(self) -> None:
        interpolate_export.export_png_frames(self)

    def export_mp4(self) -> None:
        interpolate_export.export_mp4(self)

    def save_frame(self) -> None:
        interpolate_export.save_frame(self)

    def save_grid(self) -> None:
        interpolate_export.save_grid(self)

    def current_image(self) -> np.ndarray | None:
        """What File ▸ Save image and Copy use in this view."""
        return (self.grid_view if self.tabs.currentIndex() == 1 else self.view).image_array()

    def save_image(self) -> None:
        if self.tabs.currentIndex() == 1:
            self.save_grid()
        else:
            self.save_frame()

    def copy_image(self) -> None:
        image = self.current_image()
        if image is not None:
            image_actions.copy_image(image)
            self.status_message.emit("Image copied")

    # ---- model ----------------------------------------------------------------------------------
    def _show_reading(self, editor: EndpointEditor) -> None:
        """Which of an endpoint's words the model reads as others or does not know (core.text.lexicon)."""
        model = self.session.model
        editor.show_reading(model.read(editor.text()).sentence() if model is not None else "")

    def _on_model_changed(self, model: object) -> None:
        for editor in (self.endpoint_a, self.endpoint_b):
            self._show_reading(editor)
        self.pages.setCurrentWidget(self.main_page if model is not None else self.empty)
        self.set_playing(False)
        self.compute_button.setEnabled(model is not None)
        if model is not None:
            for box in (self.export_size, self.grid_export_size):
                box.set_resolution(model.info.resolution)
        self._update_enabled()
        self._stale = True
        if model is not None and self.isVisible():
            self.compute()
