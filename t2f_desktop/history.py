"""The (description, seed) pairs a person generated, shared by the Generate and Interpolate views.

Given the app's settings, the history is kept there (as JSON under one key) after every change and
read back at start, so it survives a restart; tests give it their own temporary settings file.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from typing import TYPE_CHECKING

from PySide6.QtCore import QObject, Signal

if TYPE_CHECKING:
    from t2f_desktop.settings import Settings

MAX_ENTRIES = 200
MAX_TEXT = 5000
SETTINGS_KEY = "history/entries"


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

    def __init__(self, parent: QObject | None = None, settings: Settings | None = None) -> None:
        super().__init__(parent)
        self.settings = settings
        self.entries: list[HistoryEntry] = self._load() if settings is not None else []

    def add(self, entry: HistoryEntry) -> None:
        if self.entries and self.entries[0] == entry:
            return
        self.entries.insert(0, entry)
        del self.entries[MAX_ENTRIES:]
        self._save()
        self.changed.emit()

    def clear(self) -> None:
        self.entries.clear()
        self._save()
        self.changed.emit()

    def _save(self) -> None:
        if self.settings is not None:
            rows = [asdict(e) | {"text": e.text[:MAX_TEXT]} for e in self.entries]
            self.settings.set(SETTINGS_KEY, json.dumps(rows, ensure_ascii=False))

    def _load(self) -> list[HistoryEntry]:
        """The stored entries; anything unreadable is skipped (a damaged store must not stop the app)."""
        try:
            rows = json.loads(self.settings.get_str(SETTINGS_KEY, "[]"))
        except ValueError:
            return []
        entries = []
        for row in rows if isinstance(rows, list) else []:
            try:
                entries.append(HistoryEntry(str(row["text"]), int(row["seed"]), int(row.get("count", 1)),
                                            float(row.get("truncation", 1.0))))
            except (KeyError, TypeError, ValueError):
                continue
        return entries[:MAX_ENTRIES]
