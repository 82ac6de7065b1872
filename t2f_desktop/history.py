"""The (description, seed) pairs a person generated, shared by the Generate and Interpolate views."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QObject, Signal

MAX_ENTRIES = 200


@dataclass(frozen=True)
class HistoryEntry:
    text: str
    seed: int
    count: int = 1
    truncation: float = 1.0

    def label(self, width: int = 60) -> str:
        """One line for lists and menus: the seed and the start of the description."""
        text = " ".join(self.text.split()) or "(no description)"
        if len(text) > width:
            text = text[: width - 1] + "…"
        return f"#{self.seed}  {text}"


class History(QObject):
    """Newest first; adding an entry equal to the newest one does nothing."""

    changed = Signal()

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.entries: list[HistoryEntry] = []

    def add(self, entry: HistoryEntry) -> None:
        if self.entries and self.entries[0] == entry:
            return
        self.entries.insert(0, entry)
        del self.entries[MAX_ENTRIES:]
        self.changed.emit()

    def clear(self) -> None:
        self.entries.clear()
        self.changed.emit()
