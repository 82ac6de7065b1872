"""Refine: steer one face the way a sketch artist does — pick the closest, then adjust.

The current face is large in the middle; variations of it (same description, noise moved at the
chosen strength) ring it. A click makes a variation current, Ctrl+click selects several to move to
their spherical mean. Attribute sliders move the face live. Every step is kept: undo, redo, or
click one in the history strip. All drawing happens on the shared job thread (newest request
only); the logic lives in :mod:`core.refine`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import torch
from PySide6.QtCore import QObject, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QKeySequence, QShortcut
from PySide6.QtWidgets import (QFormLayout, QGroupBox, QHBoxLayout, QLabel, QListView, QListWidget,
                               QListWidgetItem, QPlainTextEdit, QProgressBar, QPushButton, QScrollArea, QSlider,
                               QSpinBox, QSplitter, QVBoxLayout, QWidget)

from t2f_desktop import dialogs
from t2f_desktop.model_session import ModelSession
from t2f_desktop.qimage import to_pixmap
from t2f_desktop.settings import Settings
from t2f_desktop.widgets.attribute_sliders import AttributeSliders
from t2f_desktop.widgets.variation_ring import VariationRing

FACE_FILTER = "T2F faces (*.t2fface)"
PNG_FILTER = "PNG images (*.png)"


class _Progress(QObject):
    """Carries progress from the job thread to the UI thread (a queued signal)."""

    changed = Signal(int, int)


class RefineView(QWidget):
    status_message = Signal(str)
    #: Emitted after every redraw of the current face (tests and screenshots wait on it).
    drawn = Signal()
    #: How many faces directions are found from, for a model that has none stored (tests lower it).
    direction_samples: int | None = None

    def __init__(self, session: ModelSession, settings: Settings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.settings = settings
        self.refinement = None  # core.refine.Refinement
        self.directions = None
        self.model_id = ""
        self.grid_bases: torch.Tensor | None = None
        self.selected: set[int] = set()
        self.current_image: np.ndarray | None = None
        self._stop = False
        self._asked_directions = False
        self._progress = _Progress(self)
        self._progress.changed.connect(self._on_progress)

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_controls())
        splitter.addWidget(self._build_faces())
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([380, 760])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)
        for keys, slot in ((QKeySequence.StandardKey.Undo, self.undo), (QKeySequence.StandardKey.Redo, self.redo)):
            QShortcut(QKeySequence(keys), self, activated=slot).setContext(
                Qt.ShortcutContext.WidgetWithChildrenShortcut)
        session.changed.connect(self._on_model_changed)
        self._update_enabled()

    # ---- construction ---------------------------------------------------------------------------
    def _build_controls(self) -> QWidget:
        panel = QWidget(self)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 6, 0)
        layout.addWidget(QLabel("<b>Description</b>", panel))
        self.prompt = QPlainTextEdit(panel)
        self.prompt.setPlaceholderText("Start from a face in Generate (right-click ▸ Refine this face), "
                                       "or type a description and press Apply")
        self.prompt.setMaximumHeight(80)
        layout.addWidget(self.prompt)
        row = QHBoxLayout()
        self.apply_button = QPushButton("Apply description", panel)
        self.apply_button.setToolTip("Redraw with this description, keeping this face's noise (its likeness)")
        self.apply_button.clicked.connect(self.apply_description)
        row.addWidget(self.apply_button)
        self.undo_button = QPushButton("Undo", panel)
        self.undo_button.setToolTip("Back one step (Ctrl+Z)")
        self.undo_button.clicked.connect(self.undo)
        self.redo_button = QPushButton("Redo", panel)
        self.redo_button.setToolTip("Forward one step (Ctrl+Shift+Z)")
        self.redo_button.clicked.connect(self.redo)
        row.addWidget(self.undo_button)
        row.addWidget(self.redo_button)
        layout.addLayout(row)

        box = QGroupBox("Variations", panel)
        form = QFormLayout(box)
        self.count = QSpinBox(box)
        self.count.setRange(8, 15)
        self.count.setValue(12)
        self.count.setToolTip("How many variations ring the current face")
        self.count.valueChanged.connect(lambda _: self.redraw())
        form.addRow("Faces", self.count)
        strength_row = QHBoxLayout()
        strength_row.addWidget(QLabel("fine-tune", box))
        self.strength = QSlider(Qt.Orientation.Horizontal, box)
        self.strength.setRange(2, 100)
        self.strength.setValue(35)
        self.strength.setToolTip("How far the variations stray: left stays close (fine-tune), right explores widely")
        self.strength.sliderReleased.connect(self.redraw)
        self.strength.valueChanged.connect(lambda _: self.strength.isSliderDown() or self.redraw())
        strength_row.addWidget(self.strength, 1)
        strength_row.addWidget(QLabel("explore", box))
        form.addRow("Strength", strength_row)
        buttons = QHBoxLayout()
        self.more_button = QPushButton("New variations", box)
        self.more_button.setToolTip("Another ring of variations around the same face")
        self.more_button.clicked.connect(self.new_variations)
        self.mean_button = QPushButton("Move to their mean", box)
        self.mean_button.setToolTip("Ctrl+click two or more faces, then move to their spherical mean")
        self.mean_button.clicked.connect(self.move_to_mean)
        buttons.addWidget(self.more_button)
        buttons.addWidget(self.mean_button)
        form.addRow(buttons)
        layout.addWidget(box)

        sliders_box = QGroupBox("Attributes", panel)
        sliders_layout = QVBoxLayout(sliders_box)
        self.directions_label = QLabel("", sliders_box)
        self.directions_label.setWordWrap(True)
        self.directions_progress = QProgressBar(sliders_box)
        self.directions_progress.hide()
        sliders_layout.addWidget(self.directions_label)
        sliders_layout.addWidget(self.directions_progress)
        self.sliders = AttributeSliders(sliders_box)
        self.sliders.moved.connect(self.preview_sliders)
        self.sliders.committed.connect(self.commit_sliders)
        scroll = QScrollArea(sliders_box)
        scroll.setWidgetResizable(True)
        scroll.setWidget(self.sliders)
        sliders_layout.addWidget(scroll, 1)
        layout.addWidget(sliders_box, 1)

        files = QHBoxLayout()
        self.open_button = QPushButton("Open face…", panel)
        self.open_button.clicked.connect(lambda: self.open_face())
        self.save_button = QPushButton("Save face…", panel)
        self.save_button.clicked.connect(lambda: self.save_face())
        self.sheet_button = QPushButton("Export sheet…", panel)
        self.sheet_button.setToolTip("A PNG with the final face large, the description, the steps and the faces "
                                     "passed on the way")
        self.sheet_button.clicked.connect(lambda: self.export_sheet())
        for button in (self.open_button, self.save_button, self.sheet_button):
            files.addWidget(button)
        layout.addLayout(files)
        return panel

    def _build_faces(self) -> QWidget:
        page = QWidget(self)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(6, 0, 0, 0)
        self.info = QLabel("", page)
        layout.addWidget(self.info)
        self.ring = VariationRing(page)
        self.ring.picked.connect(self.pick)
        layout.addWidget(self.ring, 1)
        self.strip = QListWidget(page)
        self.strip.setViewMode(QListView.ViewMode.ListMode)
        self.strip.setFlow(QListView.Flow.LeftToRight)
        self.strip.setWrapping(False)
        self.strip.setIconSize(QSize(48, 48))
        self.strip.setFixedHeight(48 + 14 + self.strip.horizontalScrollBar().sizeHint().height())
        self.strip.setToolTip("Every step taken; click one to go back to it")
        self.strip.currentRowChanged.connect(self._on_strip_row)
        layout.addWidget(self.strip)
        return page

    # ---- model and directions -------------------------------------------------------------------
    def _on_model_changed(self, model: object) -> None:
        self.directions = None
        self.refinement = None
        self.grid_bases = None
        if model is None:
            self._update_enabled()
            return
        from core.refine import model_id

        self.model_id = model_id(model)
        self._asked_directions = False
        if self.isVisible():
            self.ensure_directions()
        self._update_enabled()

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt naming
        super().showEvent(event)
        self.ensure_directions()

    def ensure_directions(self) -> None:
        """Load (or, once per model, compute) the attribute directions: only when Refine is used, so
        a person who never opens it never waits for them."""
        model = self.session.model
        if model is None or self.directions is not None or self._asked_directions:
            return
        self._asked_directions = True
        self.directions_label.setText("Finding attribute directions for this model…")
        self._load_directions(model)

    def _load_directions(self, model) -> None:  # noqa: ANN001
        from core.refine import directions_for
        from core.refine.directions import DEFAULT_SAMPLES

        folder, samples = self.session.path, self.direction_samples or DEFAULT_SAMPLES
        progress = self._progress.changed.emit

        def job():  # noqa: ANN202
            return directions_for(model, folder, progress, lambda: self._stop, samples=samples)

        def done(directions) -> None:  # noqa: ANN001
            if model is not self.session.model:
                return
            self.directions = directions
            if self.refinement is not None:
                self.refinement.directions = directions
            self.directions_progress.hide()
            self.directions_label.setText("Drag a slider to move the face toward (right) or away from (left) "
                                          "an attribute; the others are held still where they are entangled.")
            self._update_enabled()

        def failed(message: str) -> None:
            self._asked_directions = False  # try again next time
            self.directions_progress.hide()
            self.directions_label.setText(f"No attribute sliders: {message}")

        self.session.runner.submit("refine-directions", job, done, failed)

    def _on_progress(self, done: int, total: int) -> None:
        self.directions_progress.show()
        self.directions_progress.setRange(0, total)
        self.directions_progress.setValue(done)
        self.directions_progress.setFormat(f"Reading %v of %m sampled faces (once per model)")
        if done >= total:
            self.directions_progress.hide()

    def stop(self) -> None:
        """Stop a directions computation at its next batch (the window is closing)."""
        self._stop = True

    # ---- starting -------------------------------------------------------------------------------
    def start_from(self, text: str, seed: int, truncation: float = 1.0) -> bool:
        """Refine the face Generate draws for ``text`` and ``seed``."""
        from core.refine import Refinement

        model = self.session.model
        if model is None:
            return False
        self._begin(Refinement.start(model, text, seed, truncation, self.directions))
        return True

    def start_from_latent(self, text: str, latent: torch.Tensor, label: str, seed: int = 0) -> bool:
        """Refine any drawn latent (an interpolation frame), under ``text`` for later rewording."""
        from core.refine import Refinement

        model = self.session.model
        if model is None:
            return False
        self._begin(Refinement(model, text, latent.detach().float().cpu(), seed=seed, directions=self.directions,
                               label=label))
        return True

    def _begin(self, refinement) -> None:  # noqa: ANN001
        self.refinement = refinement
        self.ensure_directions()
        self._after_step()

    def _after_step(self) -> None:
        r = self.refinement
        self.selected.clear()
        self.grid_bases = None
        self.prompt.blockSignals(True)
        if self.prompt.toPlainText() != r.text:
            self.prompt.setPlainText(r.text)
        self.prompt.blockSignals(False)
        self.sliders.set_positions(r.sliders)
        self.redraw()  # the faces first, then the history strip's thumbnails
        self._refresh_strip()
        self._update_enabled()

    # ---- drawing --------------------------------------------------------------------------------
    def redraw(self) -> None:
        """Draw the current face and a ring of variations (one batch, off the UI thread)."""
        r = self.refinement
        if r is None:
            return
        from core.refine import apply_sliders

        count, strength = self.count.value(), self.strength.value() / 100
        sliders = r.sliders
        bases = r.variation_bases(count, strength)
        directions = self.directions

        def job() -> tuple[torch.Tensor, np.ndarray]:
            latents = apply_sliders(torch.cat([r.base[None], bases]), sliders, directions)
            return bases, r.render(latents)

        self.session.runner.submit("refine-grid", job, self._show_grid, self._failed)

    def _show_grid(self, result: tuple[torch.Tensor, np.ndarray]) -> None:
        bases, images = result
        self.grid_bases = bases
        self.current_image = images[0]
        self.ring.set_faces(images[0], images[1:])
        self.ring.set_selected(self.selected)
        self._update_info()
        self.drawn.emit()

    def preview_sliders(self, positions: dict) -> None:
        """While a slider is dragged: redraw only the current face (newest request wins)."""
        r = self.refinement
        if r is None or self.directions is None:
            return
        latent = r.latent(positions)

        def done(image: np.ndarray) -> None:
            self.current_image = image
            self.ring.current.set_image(image)
            self.drawn.emit()

        self.session.runner.submit("refine-face", lambda: r.render(latent), done, self._failed)

    def _failed(self, message: str) -> None:
        self.status_message.emit(f"Could not draw: {message}")

    # ---- steps ----------------------------------------------------------------------------------
    def pick(self, index: int, extend: bool = False) -> None:
        """A click makes variation ``index`` current; with ``extend`` it toggles its selection."""
        if self.refinement is None or self.grid_bases is None or index >= len(self.grid_bases):
            return
        if extend:
            self.selected ^= {index}
            self.ring.set_selected(self.selected)
            self._update_enabled()
            return
        self.refinement.pick(self.grid_bases[index], f"picked variation {index + 1}")
        self._after_step()

    def move_to_mean(self) -> None:
        if self.refinement is None or self.grid_bases is None or len(self.selected) < 2:
            return
        picks = sorted(self.selected)
        self.refinement.mean(self.grid_bases[picks], f"mean of {len(picks)} faces")
        self._after_step()

    def new_variations(self) -> None:
        if self.refinement is not None:
            self.refinement.next_round()
            self.selected.clear()
            self.redraw()

    def apply_description(self) -> None:
        text = self.prompt.toPlainText()
        if self.refinement is None:
            self.start_from(text, 0)
        elif text != self.refinement.text:
            self.refinement.set_text(text)
            self._after_step()

    def commit_sliders(self, positions: dict) -> None:
        if self.refinement is None or self.directions is None:
            return
        if self.refinement.set_sliders(positions) is not None:
            self._after_step()

    def undo(self) -> None:
        if self.refinement is not None and self.refinement.undo():
            self._after_step()

    def redo(self) -> None:
        if self.refinement is not None and self.refinement.redo():
            self._after_step()

    def _on_strip_row(self, row: int) -> None:
        r = self.refinement
        if r is not None and 0 <= row < len(r.steps) and row != r.index:
            r.go_to(row)
            self._after_step()

    def _refresh_strip(self) -> None:
        r = self.refinement
        steps = list(r.steps)
        latents = torch.stack([r.step_latent(s) if self.directions or not s.sliders else s.base for s in steps])
        index = r.index

        def done(images: np.ndarray) -> None:
            self.strip.blockSignals(True)
            self.strip.clear()
            for i, (step, image) in enumerate(zip(steps, images)):
                icon = to_pixmap(image).scaled(self.strip.iconSize(), Qt.AspectRatioMode.KeepAspectRatio,
                                               Qt.TransformationMode.SmoothTransformation)
                item = QListWidgetItem(QIcon(icon), "")
                item.setToolTip(f"{i + 1}. {step.label}")
                self.strip.addItem(item)
            self.strip.setCurrentRow(index)
            self.strip.blockSignals(False)

        self.session.runner.submit("refine-history", lambda: r.render(latents), done, self._failed)

    # ---- files ----------------------------------------------------------------------------------
    def _start_folder(self) -> str:
        folder = self.settings.get_str("paths/faces")
        return folder if folder and Path(folder).is_dir() else str(Path.home())

    def save_face(self, path: str | Path | None = None) -> Path | None:
        from core.refine import save_face

        if self.refinement is None:
            return None
        path = path or dialogs.save_file(self, "Save face", str(Path(self._start_folder()) / "face.t2fface"),
                                         FACE_FILTER)
        if not path:
            return None
        try:
            saved = save_face(path, self.refinement, self.model_id, self.session.name)
        except (OSError, ValueError) as error:
            dialogs.error(self, "Could not save the face", str(error))
            return None
        self.settings.set("paths/faces", str(saved.parent))
        self.status_message.emit(f"Saved {saved}")
        return saved

    def open_face(self, path: str | Path | None = None) -> bool:
        """Open a face file (File ▸ Open face, a drop on the window, or a test)."""
        from core.io import ModelFileError
        from core.refine import load_face

        path = path or dialogs.open_file(self, "Open face", self._start_folder(), FACE_FILTER)
        if not path:
            return False
        model = self.session.model
        if model is None:
            dialogs.error(self, "Could not open the face", "Load a model first (File ▸ Open model…).")
            return False
        try:
            face = load_face(path)
            warning = face.check_model(model, self.model_id)
            refinement = face.refinement(model, self.directions)
        except (ModelFileError, ValueError) as error:
            dialogs.error(self, "Could not open the face", str(error))
            return False
        if warning:
            self.status_message.emit(warning[0].upper() + warning[1:])
        self.settings.set("paths/faces", str(Path(path).parent))
        self._begin(refinement)
        return True

    def export_sheet(self, path: str | Path | None = None) -> Path | None:
        from core.refine import save_sheet

        if self.refinement is None:
            return None
        path = path or dialogs.save_file(self, "Export composite sheet",
                                         str(Path(self._start_folder()) / "face-sheet.png"), PNG_FILTER)
        if not path:
            return None
        try:
            saved = save_sheet(self.refinement, Path(path))
        except (OSError, ValueError) as error:
            dialogs.error(self, "Could not export the sheet", str(error))
            return None
        self.status_message.emit(f"Saved {saved}")
        return saved

    # ---- state ----------------------------------------------------------------------------------
    def _update_info(self) -> None:
        r = self.refinement
        if r is None:
            self.info.setText("")
            return
        text = " ".join(r.text.split()) or "(no description)"
        text = text if len(text) <= 70 else text[:69] + "…"
        self.info.setText(f"Step {r.index + 1} of {len(r.steps)} · {r.current.label} · “{text}”")

    def _update_enabled(self) -> None:
        has_model, r = self.session.model is not None, self.refinement
        self.apply_button.setEnabled(has_model)
        for widget in (self.more_button, self.save_button, self.sheet_button):
            widget.setEnabled(r is not None)
        self.open_button.setEnabled(has_model)
        self.undo_button.setEnabled(r is not None and r.can_undo)
        self.redo_button.setEnabled(r is not None and r.can_redo)
        self.mean_button.setEnabled(r is not None and len(self.selected) >= 2)
        self.mean_button.setText(f"Move to their mean ({len(self.selected)})" if self.selected else
                                 "Move to their mean")
        self.sliders.setEnabled(r is not None and self.directions is not None)
        self._update_info()
