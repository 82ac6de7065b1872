"""Every modal question and message the app asks, in one module.

Views never call :class:`QMessageBox` or :class:`QFileDialog` directly; they call these functions
through the module (``dialogs.error(...)``), so tests can replace them with recorders and never
block on a modal dialog, and so messages share one look.
"""

from __future__ import annotations

from PySide6.QtWidgets import QFileDialog, QInputDialog, QMessageBox, QWidget


def error(parent: QWidget | None, title: str, message: str) -> None:
    """Something failed; the app carries on."""
    QMessageBox.critical(parent, title, message)


def warning(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.warning(parent, title, message)


def information(parent: QWidget | None, title: str, message: str) -> None:
    QMessageBox.information(parent, title, message)


def confirm(parent: QWidget | None, title: str, question: str, yes: str = "Yes", no: str = "Cancel") -> bool:
    """Ask a yes/no question; True when the person chose ``yes``."""
    box = QMessageBox(QMessageBox.Icon.Question, title, question, QMessageBox.StandardButton.NoButton, parent)
    yes_button = box.addButton(yes, QMessageBox.ButtonRole.AcceptRole)
    box.addButton(no, QMessageBox.ButtonRole.RejectRole)
    box.setDefaultButton(yes_button)
    box.exec()
    return box.clickedButton() is yes_button


def about(parent: QWidget | None, title: str, html: str) -> None:
    QMessageBox.about(parent, title, html)


def open_folder(parent: QWidget | None, caption: str, start: str = "") -> str | None:
    """A folder chosen by the person, or None when cancelled."""
    path = QFileDialog.getExistingDirectory(parent, caption, start)
    return path or None


def open_file(parent: QWidget | None, caption: str, start: str = "", filters: str = "") -> str | None:
    path, _ = QFileDialog.getOpenFileName(parent, caption, start, filters)
    return path or None


def save_file(parent: QWidget | None, caption: str, start: str = "", filters: str = "") -> str | None:
    """A file name to write, or None when cancelled (the dialog already asked about overwriting)."""
    path, _ = QFileDialog.getSaveFileName(parent, caption, start, filters)
    return path or None


def ask_int(parent: QWidget | None, title: str, label: str, value: int, minimum: int, maximum: int,
            step: int = 1) -> int | None:
    """A whole number from ``minimum`` to ``maximum`` chosen by the person, or None when cancelled."""
    number, accepted = QInputDialog.getInt(parent, title, label, value, minimum, maximum, step)
    return number if accepted else None
