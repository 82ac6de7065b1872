"""What a view shows when there is no model yet: what is missing and the two ways to get one."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget


class EmptyState(QWidget):
    open_model = Signal()
    train_model = Signal()

    def __init__(self, what: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        layout.addStretch(1)
        title = QLabel("No model loaded", self)
        font = title.font()
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        title.setFont(font)
        title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(title)
        self.message = QLabel(f"Open a trained model (a model folder or a training run folder) to {what}, "
                              "or train one on this computer.", self)
        self.message.setWordWrap(True)
        self.message.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout.addWidget(self.message)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        self.open_button = QPushButton("Open model…", self)
        self.open_button.setToolTip("Load a model folder, or a run folder (its latest model/)")
        self.open_button.clicked.connect(self.open_model)
        self.train_button = QPushButton("Train a model…", self)
        self.train_button.setToolTip("Go to the Train view")
        self.train_button.clicked.connect(self.train_model)
        buttons.addWidget(self.open_button)
        buttons.addWidget(self.train_button)
        buttons.addStretch(1)
        layout.addLayout(buttons)
        layout.addStretch(2)
