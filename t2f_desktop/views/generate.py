"""Generate: type a description, see faces.

The person edits a description and a seed; the view asks the job thread for faces and shows the
newest answer only, so typing or dragging the ψ slider never queues up stale drawings. Explicit
generations (the button or Ctrl+Enter) are remembered in the shared history.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import Qt, QTimer, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QCheckBox, QFormLayout, QGroupBox, QHBoxLayout, QLabel, QListWidget,
                               QListWidgetItem, QMenu, QPushButton, QSlider, QSpinBox,
                               QSplitter, QStackedWidget, QToolButton, QVBoxLayout, QWidget)

from t2f_desktop import image_actions
from t2f_desktop.history import History, HistoryEntry
from t2f_desktop.model_session import ModelSession
from t2f_desktop.settings import Settings
from t2f_desktop.widgets.elided_label import ElidedLabel
from t2f_desktop.widgets.empty_state import EmptyState
from t2f_desktop.widgets.export_size import ExportSizeBox
from t2f_desktop.widgets.face_grid import FaceGrid, grid_columns
from t2f_desktop.widgets.face_view import FaceView
from t2f_desktop.widgets.prompt_edit import PromptEdit
from t2f_desktop.widgets.seed_box import SeedBox

EXAMPLE_PROMPTS = (
    "A young woman with long blond hair, blue eyes and a wide smile.",
    "An old man with a grey beard, short white hair and glasses.",
    "A man with short black hair, brown eyes and a serious expression.",
    "A woman with curly red hair, green eyes and freckles.",
    "A bald man with a moustache and a round face.",
    "",
)
NO_DESCRIPTION_NOTE = "No description: drawing from the learned no-description embedding."
TEXT_DEBOUNCE_MS = 350


@dataclass(frozen=True)
class Generation:
    """One drawn batch and everything needed to reproduce it."""

    text: str
    seeds: tuple[int, ...]
    truncation: float
    text_variation: bool
    images: np.ndarray


def seeds_from(seed: int, count: int) -> tuple[int, ...]:
    """``count`` consecutive seeds from ``seed``, wrapping at 2³²."""
    from core.model.t2f import MAX_SEED

    return tuple((seed + k) % (MAX_SEED + 1) for k in range(count))


class GenerateView(QWidget):
    """The description, seed and ψ controls on the left; faces on the right."""

    open_model_requested = Signal()
    train_requested = Signal()
    #: ``("A" | "B", entry)``: use a face as an interpolation endpoint.
    endpoint_chosen = Signal(str, object)
    generated = Signal(object)  # Generation
    status_message = Signal(str)

    def __init__(self, session: ModelSession, history: History, settings: Settings,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.history = history
        self.settings = settings
        self.result: Generation | None = None
        self.enlarged: int | None = None
        self._pending_history: HistoryEntry | None = None
        self._debounce = QTimer(self, singleShot=True, interval=TEXT_DEBOUNCE_MS)
        self._debounce.timeout.connect(lambda: self.generate(explicit=False))

        splitter = QSplitter(Qt.Orientation.Horizontal, self)
        splitter.addWidget(self._build_controls())
        splitter.addWidget(self._build_results())
        splitter.setStretchFactor(0, 0)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([340, 760])
        splitter.setChildrenCollapsible(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(splitter)

        shortcut = QShortcut(QKeySequence("Ctrl+Return"), self, activated=lambda: self.generate())
        shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        QShortcut(QKeySequence(Qt.Key.Key_Escape), self, activated=self.show_grid).setContext(
            Qt.ShortcutContext.WidgetWithChildrenShortcut)

        session.changed.connect(self._on_model_changed)
        history.changed.connect(self._refresh_history)
        self._refresh_history()  # a history kept from an earlier session
        self._restore_settings()
        self._on_model_changed(session.model)

    # ---- construction ---------------------------------------------------------------------------
    def _build_controls(self) -> QWidget:
        panel = QWidget(self)
        panel.setMinimumWidth(280)
        layout = QVBoxLayout(panel)
        layout.setContentsMargins(0, 0, 6, 0)

        header = QHBoxLayout()
        header.addWidget(QLabel("<b>Description</b>", panel))
        header.addStretch(1)
        examples = QToolButton(panel)
        examples.setText("Examples")
        examples.setToolTip("Fill in an example description")
        examples.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(examples)
        for prompt in EXAMPLE_PROMPTS:
            menu.addAction(prompt or "(no description)", lambda prompt=prompt: self._use_example(prompt))
        examples.setMenu(menu)
        header.addWidget(examples)
        layout.addLayout(header)

        self.prompt = PromptEdit("Describe a face, e.g. “a young woman with long blond hair and blue eyes”", panel)
        self.prompt.setToolTip("Describe the face to draw. Ctrl+Enter generates.")
        self.prompt.setMinimumHeight(90)
        self.prompt.setMaximumHeight(180)
        self.prompt.textChanged.connect(self._on_text_changed)
        self.prompt.submitted.connect(lambda: self.generate())
        layout.addWidget(self.prompt)

        self.note = QLabel(panel)
        self.note.setWordWrap(True)
        layout.addWidget(self.note)

        form = QFormLayout()
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.count = QSpinBox(panel)
        self.count.setRange(1, 16)
        self.count.setValue(9)
        self.count.setToolTip("How many faces to draw (1–16); face k uses seed + k")
        self.count.valueChanged.connect(self._on_setting_changed)
        form.addRow("Faces", self.count)
        self.seed_box = SeedBox(lockable=True, parent=panel)
        self.seed_box.seed_changed.connect(self._on_setting_changed)
        self.seed_box.lock_toggled.connect(lambda on: self.settings.set("generate/lock_seed", on))
        self.seed_box.lock_toggled.connect(self._update_generate_label)
        form.addRow("Seed", self.seed_box)
        psi_row = QHBoxLayout()
        self.truncation = QSlider(Qt.Orientation.Horizontal, panel)
        self.truncation.setRange(0, 200)
        self.truncation.setValue(100)
        self.truncation.setToolTip("Truncation ψ scales the random noise: lower gives more typical, cleaner faces;\n"
                                   "higher gives more varied, wilder ones. 1.0 is what the model was trained on.")
        self.truncation.valueChanged.connect(self._on_truncation_changed)
        self.truncation_label = QLabel("1.00", panel)
        self.truncation_label.setMinimumWidth(self.truncation_label.fontMetrics().horizontalAdvance("0.000"))
        psi_row.addWidget(self.truncation, 1)
        psi_row.addWidget(self.truncation_label)
        form.addRow("Truncation ψ", psi_row)
        self.variation = QCheckBox("Vary the text reading", panel)
        self.variation.setToolTip("Also sample the conditioning augmentation (scaled by ψ): the same description\n"
                                  "is read slightly differently for each face.")
        self.variation.toggled.connect(self._on_setting_changed)
        form.addRow("", self.variation)
        self.live = QCheckBox("Update while typing", panel)
        self.live.setChecked(True)
        self.live.setToolTip("Redraw the faces shortly after the description changes (keeps the seed)")
        form.addRow("", self.live)
        layout.addLayout(form)

        self.generate_button = QPushButton("Generate", panel)
        self.generate_button.setDefault(True)
        self.generate_button.setToolTip("Draw faces for the description (Ctrl+Enter).\n"
                                        "The lock beside the seed chooses: new seeds each time, or the same seeds.")
        self.generate_button.clicked.connect(lambda: self.generate())
        layout.addWidget(self.generate_button)

        box = QGroupBox("History", panel)
        box_layout = QVBoxLayout(box)
        self.history_list = QListWidget(box)
        self.history_list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.history_list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.history_list.setToolTip("Double-click to return to a description and seed.\n"
                                     "Right-click to use one as an interpolation endpoint.")
        self.history_list.itemActivated.connect(self._restore_history_item)
        self.history_list.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.history_list.customContextMenuRequested.connect(self._history_menu)
        box_layout.addWidget(self.history_list)
        layout.addWidget(box, 1)
        return panel

    def _build_results(self) -> QWidget:
        self.pages = QStackedWidget(self)
        self.empty = EmptyState("draw faces", self.pages)
        self.empty.open_model.connect(self.open_model_requested)
        self.empty.train_model.connect(self.train_requested)
        self.pages.addWidget(self.empty)

        results = QWidget(self.pages)
        layout = QVBoxLayout(results)
        layout.setContentsMargins(6, 0, 0, 0)
        bar = QHBoxLayout()
        self.back_button = QPushButton("◀ All faces", results)
        self.back_button.setToolTip("Back to the grid (Esc)")
        self.back_button.clicked.connect(self.show_grid)
        self.back_button.hide()
        bar.addWidget(self.back_button)
        self.info = ElidedLabel(parent=results)
        bar.addWidget(self.info, 1)
        self.save_button = QPushButton("Save image…", results)
        self.save_button.setToolTip("Save the enlarged face, or the whole grid, as PNG (Ctrl+S)")
        self.save_button.clicked.connect(self.save_image)
        self.copy_button = QPushButton("Copy", results)
        self.copy_button.setToolTip("Copy the enlarged face, or the whole grid, to the clipboard")
        self.copy_button.clicked.connect(self.copy_image)
        self.export_size = ExportSizeBox(self.settings, results)
        bar.addWidget(self.export_size)
        bar.addWidget(self.save_button)
        bar.addWidget(self.copy_button)
        layout.addLayout(bar)
        # Above the faces, where they are judged: a model too little trained to draw faces says so.
        self.training_note = QLabel(results)
        self.training_note.setWordWrap(True)
        self.training_note.setToolTip("From the number of images the model has seen (Model panel: Images seen)")
        self.training_note.hide()
        layout.addWidget(self.training_note)

        self.faces = QStackedWidget(results)
        self.grid = FaceGrid(self.faces)
        self.grid.face_clicked.connect(self.enlarge)
        self.grid.face_action.connect(self._on_face_action)
        self.faces.addWidget(self.grid)
        self.large = FaceView(parent=self.faces, clickable=True)
        self.large.setToolTip("Click to go back to all faces")
        self.large.clicked.connect(self.show_grid)
        self.faces.addWidget(self.large)
        layout.addWidget(self.faces, 1)
        self.pages.addWidget(results)
        self.results_page = results
        return self.pages

    # ---- settings -------------------------------------------------------------------------------
    def _restore_settings(self) -> None:
        s = self.settings
        self.seed_box.set_locked(s.get_bool("generate/lock_seed", False))
        self._update_generate_label()
        self.count.setValue(min(16, max(1, s.get_int("generate/count", 9))))
        self.truncation.setValue(round(100 * s.get_float("generate/truncation", 1.0)))
        self.seed_box.set_seed(s.get_int("generate/seed", 0))
        self.prompt.set_text(s.get_str("generate/text", EXAMPLE_PROMPTS[0]))

    def save_settings(self) -> None:
        s = self.settings
        s.set("generate/count", self.count.value())
        s.set("generate/truncation", self.truncation_value())
        s.set("generate/seed", self.seed_box.seed())
        s.set("generate/text", self.prompt.text()[:5000])

    def _update_generate_label(self, *_: object) -> None:
        """The button (and Ctrl+Enter) says which seeds it will use: the lock decides."""
        self.generate_button.setText("Generate · same seeds" if self.seed_box.locked else "Generate · new seeds")

    # ---- generating -----------------------------------------------------------------------------
    def truncation_value(self) -> float:
        return self.truncation.value() / 100.0

    def generate(self, explicit: bool = True) -> bool:
        """Ask for faces. ``explicit`` (button, Ctrl+Enter) rolls a new seed unless locked.

        Returns False when there is no model to draw with.
        """
        model = self.session.model
        if model is None:
            return False
        self._debounce.stop()
        if explicit and not self.seed_box.locked and self.result is not None:
            self.seed_box.blockSignals(True)
            self.seed_box.roll()
            self.seed_box.blockSignals(False)
        text = self.prompt.text()
        seeds = seeds_from(self.seed_box.seed(), self.count.value())
        psi = self.truncation_value()
        variation = self.variation.isChecked()
        self._pending_history = HistoryEntry(text, seeds[0], len(seeds), psi) if explicit else None

        def job() -> Generation:
            images = model.generate(text, list(seeds), truncation=psi, text_variation=variation)
            return Generation(text, seeds, psi, variation, images)

        self.session.runner.submit("generate", job, self._show, self._failed)
        return True

    def _show(self, result: Generation) -> None:
        self.result = result
        n = len(result.seeds)
        self.grid.set_faces(result.images, [f"seed {s}" for s in result.seeds],
                            [f"Seed {s} — click to enlarge, right-click for more" for s in result.seeds])
        if self._pending_history is not None:
            self.history.add(self._pending_history)
            self._pending_history = None
        if self.enlarged is not None and self.enlarged < n:
            self.enlarge(self.enlarged)
        else:
            self.show_grid()
        self.generated.emit(result)

    def _failed(self, message: str) -> None:
        self._pending_history = None
        self.status_message.emit(f"Could not draw: {message}")
        self.info.setText(f"Could not draw: {message}")

    def _describe_result(self) -> str:
        r = self.result
        if r is None:
            return ""
        size = r.images.shape[1]
        text = " ".join(r.text.split()) or "(no description)"
        if len(text) > 80:
            text = text[:79] + "…"
        if self.enlarged is not None:
            head = f"Face {self.enlarged + 1} of {len(r.seeds)} · seed {r.seeds[self.enlarged]}"
        else:
            seeds = f"seed {r.seeds[0]}" if len(r.seeds) == 1 else f"seeds {r.seeds[0]}…{r.seeds[-1]}"
            head = f"{len(r.seeds)} faces · {seeds}"
        return f"{head} · ψ {r.truncation:.2f} · {size}×{size} · “{text}”"

    # ---- showing --------------------------------------------------------------------------------
    def enlarge(self, index: int) -> None:
        if self.result is None or not 0 <= index < len(self.result.images):
            return
        self.enlarged = index
        self.large.set_image(self.result.images[index])
        self.faces.setCurrentWidget(self.large)
        self.back_button.show()
        self.info.setText(self._describe_result())

    def show_grid(self) -> None:
        self.enlarged = None
        self.faces.setCurrentWidget(self.grid)
        self.back_button.hide()
        self.info.setText(self._describe_result())

    def current_image(self) -> np.ndarray | None:
        """What Save and Copy use: the enlarged face, or the grid as one image."""
        from core.explore import grid_array

        if self.result is None:
            return None
        if self.enlarged is not None:
            return self.result.images[self.enlarged]
        images = self.result.images
        return images[0] if len(images) == 1 else grid_array(images, grid_columns(len(images)))

    def save_image(self) -> None:
        """Save the enlarged face, or the whole grid, at the export size with its PNG text."""
        r = self.result
        if r is None:
            return
        if self.enlarged is not None:
            self._save_faces([self.enlarged])
        else:
            self._save_faces(list(range(len(r.seeds))))

    def _save_faces(self, indices: list[int]) -> None:
        from core.image_export import face_text

        r = self.result
        seeds = [r.seeds[i] for i in indices]
        name = f"t2f-seed{seeds[0]}.png" if len(seeds) == 1 else f"t2f-seed{seeds[0]}-x{len(seeds)}.png"
        text = face_text(r.text, seeds, r.truncation, self.session.name,
                         **({"text_variation": "on"} if r.text_variation else {}))
        faces = r.images[indices[0]] if len(indices) == 1 else r.images[indices]
        path = image_actions.save_faces(self, self.settings, faces, name, text, grid_columns(len(indices)))
        if path:
            self.status_message.emit(f"Saved {path}")

    def copy_image(self) -> None:
        image = self.current_image()
        if image is not None:
            image_actions.copy_image(image)
            self.status_message.emit("Image copied")

    def _on_face_action(self, index: int, action: str) -> None:
        r = self.result
        if r is None:
            return
        if action == "enlarge":
            self.enlarge(index)
        elif action == "save":
            self._save_faces([index])
        elif action == "copy":
            image_actions.copy_image(r.images[index])
        elif action in ("endpoint-a", "endpoint-b"):
            entry = HistoryEntry(r.text, r.seeds[index], 1, r.truncation)
            self.endpoint_chosen.emit(action[-1].upper(), entry)

    # ---- reacting -------------------------------------------------------------------------------
    def _on_model_changed(self, model: object) -> None:
        has_model = model is not None
        self.pages.setCurrentWidget(self.results_page if has_model else self.empty)
        for widget in (self.generate_button, self.save_button, self.copy_button):
            widget.setEnabled(has_model)
        self._update_note()
        self._update_training_note(model)
        if has_model:
            self.export_size.set_resolution(model.info.resolution)
            self.generate(explicit=False)

    def _update_training_note(self, model: object) -> None:
        from t2f_desktop.widgets.model_info import training_hint

        hint = None
        if model is not None:
            hint = training_hint(model.info.images_seen, model.info.resolution, model.config.resolution)
        self.training_note.setText(f"⚠ {hint}" if hint else "")
        self.training_note.setVisible(bool(hint))

    def _use_example(self, prompt: str) -> None:
        self.prompt.set_text(prompt)
        self.generate(explicit=False)

    def _on_text_changed(self) -> None:
        self._update_note()
        if self.live.isChecked() and self.result is not None:
            self._debounce.start()

    def _on_setting_changed(self, *_: object) -> None:
        if self.result is not None:
            self.generate(explicit=False)

    def _on_truncation_changed(self, value: int) -> None:
        self.truncation_label.setText(f"{value / 100:.2f}")
        self._on_setting_changed()

    def _update_note(self) -> None:
        """Say what an empty or over-long description does, and which words the model reads as
        others or does not know (core.text.lexicon)."""
        text = self.prompt.text()
        model = self.session.model
        empty = model.tokenizer.is_empty(text) if model is not None else not text.strip()
        lines = []
        if empty:
            lines.append(NO_DESCRIPTION_NOTE)
        elif model is not None:
            from core.describing import unread_note

            lines += [line for line in (model.read(text).sentence(), unread_note(model.tokenizer, text)) if line]
            cut_note_given = bool(model.config.word_vectors)  # its reading says how much it reads
            if (not cut_note_given and len(text) > 200
                    and len(model.tokenizer.encode(text)) >= model.tokenizer.max_tokens):
                lines.append(f"Long description: the model reads its first {model.tokenizer.max_tokens} tokens.")
        self.note.setText("\n".join(lines))
        self.note.setVisible(bool(lines))

    # ---- history --------------------------------------------------------------------------------
    def _refresh_history(self) -> None:
        self.history_list.clear()
        for entry in self.history.entries:
            item = QListWidgetItem(entry.label(48))
            item.setToolTip(f"Seed {entry.seed}, {entry.count} face(s), ψ {entry.truncation:.2f}\n"
                            f"{entry.text[:500] or '(no description)'}")
            item.setData(Qt.ItemDataRole.UserRole, entry)
            self.history_list.addItem(item)

    def restore(self, entry: HistoryEntry) -> None:
        """Go back to a history entry: same description, seed, count and ψ (seed locked)."""
        for widget in (self.prompt, self.seed_box, self.count, self.truncation):
            widget.blockSignals(True)
        self.prompt.set_text(entry.text)
        self.seed_box.set_seed(entry.seed)
        self.count.setValue(entry.count)
        self.truncation.setValue(round(entry.truncation * 100))
        self.truncation_label.setText(f"{entry.truncation:.2f}")
        for widget in (self.prompt, self.seed_box, self.count, self.truncation):
            widget.blockSignals(False)
        self.seed_box.set_locked(True)
        self._update_note()
        self.generate(explicit=False)

    def _restore_history_item(self, item: QListWidgetItem) -> None:
        self.restore(item.data(Qt.ItemDataRole.UserRole))

    def _history_menu(self, pos) -> None:  # noqa: ANN001 - QPoint
        item = self.history_list.itemAt(pos)
        if item is None:
            return
        entry = item.data(Qt.ItemDataRole.UserRole)
        menu = QMenu(self)
        menu.addAction("Return to this", lambda: self.restore(entry))
        menu.addAction("Use as interpolation start (A)", lambda: self.endpoint_chosen.emit("A", entry))
        menu.addAction("Use as interpolation end (B)", lambda: self.endpoint_chosen.emit("B", entry))
        menu.addSeparator()
        menu.addAction("Clear history", self.history.clear)
        menu.popup(self.history_list.viewport().mapToGlobal(pos))
