"""One end of an interpolation: a description and a seed, typed or taken from the history."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QGroupBox, QHBoxLayout, QMenu, QToolButton, QVBoxLayout, QWidget

from t2f_desktop.history import History, HistoryEntry
from t2f_desktop.widgets.face_view import FaceView
from t2f_desktop.widgets.prompt_edit import PromptEdit
from t2f_desktop.widgets.seed_box import SeedBox


class EndpointEditor(QGroupBox):
    """``changed`` fires whenever the description or the seed changes."""

    changed = Signal()

    def __init__(self, name: str, history: History, parent: QWidget | None = None) -> None:
        super().__init__(f"Endpoint {name}", parent)
        self.history = history
        layout = QHBoxLayout(self)
        column = QVBoxLayout()
        self.prompt = PromptEdit(f"Description {name}", self)
        self.prompt.setMaximumHeight(64)
        self.prompt.textChanged.connect(self.changed)
        column.addWidget(self.prompt)
        row = QHBoxLayout()
        self.seed_box = SeedBox(parent=self)
        self.seed_box.seed_changed.connect(lambda _: self.changed.emit())
        row.addWidget(self.seed_box, 1)
        self.from_history = QToolButton(self)
        self.from_history.setText("History")
        self.from_history.setToolTip("Take a description and seed from the Generate history")
        self.from_history.setPopupMode(QToolButton.ToolButtonPopupMode.InstantPopup)
        menu = QMenu(self.from_history)
        menu.aboutToShow.connect(lambda: self._fill_history_menu(menu))
        self.from_history.setMenu(menu)
        row.addWidget(self.from_history)
        column.addLayout(row)
        layout.addLayout(column, 1)
        self.preview = FaceView(parent=self)
        self.preview.setFixedSize(76, 76)
        layout.addWidget(self.preview)
        self.name = name
        self.show_reading("")

    def show_reading(self, reading: str) -> None:
        """Say how the model reads the description (``Reading.sentence()``; empty: as written) in
        the tooltips, and mark the title while some words were replaced or are unknown."""
        extra = f"\n{reading}" if reading else ""
        self.prompt.setToolTip(f"Description at endpoint {self.name} (empty: the no-description embedding){extra}")
        self.preview.setToolTip(f"The face at endpoint {self.name}{extra}")
        self.setTitle(f"Endpoint {self.name}" + (" — some words unknown or read as others (hover)" if reading else ""))

    def text(self) -> str:
        return self.prompt.text()

    def seed(self) -> int:
        return self.seed_box.seed()

    def set_entry(self, entry: HistoryEntry) -> None:
        """Set description and seed at once (one ``changed``)."""
        self.blockSignals(True)
        self.prompt.set_text(entry.text)
        self.seed_box.set_seed(entry.seed)
        self.blockSignals(False)
        self.changed.emit()

    def _fill_history_menu(self, menu: QMenu) -> None:
        menu.clear()
        if not self.history.entries:
            menu.addAction("(nothing generated yet)").setEnabled(False)
        for entry in self.history.entries[:25]:
            menu.addAction(entry.label(60), lambda entry=entry: self.set_entry(entry))
