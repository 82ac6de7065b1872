"""A splitter that lays its two panes side by side when they fit, and one above the other when not.

A side-by-side splitter is at least as wide as both panes' minimum widths together, which would
hold the whole window that wide. This one asks only for the wider pane's minimum and turns
vertical whenever its width is less than both panes need side by side.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QResizeEvent
from PySide6.QtWidgets import QSplitter, QWidget


class AdaptiveSplitter(QSplitter):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(Qt.Orientation.Horizontal, parent)

    def side_by_side_width(self) -> int:
        """The least width at which the panes fit next to each other."""
        panes = [self.widget(i) for i in range(self.count())]
        return sum(p.minimumSizeHint().width() for p in panes) + self.handleWidth() * max(0, len(panes) - 1)

    def minimumSizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        panes = [self.widget(i).minimumSizeHint() for i in range(self.count())]
        if not panes:
            return super().minimumSizeHint()
        return QSize(max(p.width() for p in panes), max(p.height() for p in panes))

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 - Qt naming
        wanted = (Qt.Orientation.Horizontal if event.size().width() >= self.side_by_side_width()
                  else Qt.Orientation.Vertical)
        if wanted != self.orientation():
            self.setOrientation(wanted)
        super().resizeEvent(event)
