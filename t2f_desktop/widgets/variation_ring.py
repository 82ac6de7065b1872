"""The current face large in the middle, its variations in a ring around it.

A click on a variation picks it; Ctrl+click (Cmd+click on macOS) adds it to a selection whose
spherical mean the view can move to. The ring is the smallest square border that holds the
variations (8 → 3×3, 12 → 4×4, 15 → 5×5 with one cell empty).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QGridLayout, QWidget

from t2f_desktop.widgets.face_view import FaceView


def ring_side(count: int) -> int:
    """Cells along a side of the smallest square ring with at least ``count`` border cells."""
    return max(3, math.ceil(count / 4) + 1)


def ring_cells(side: int) -> list[tuple[int, int]]:
    """Border cells clockwise from the top-left corner."""
    top = [(0, c) for c in range(side)]
    right = [(r, side - 1) for r in range(1, side)]
    bottom = [(side - 1, c) for c in range(side - 2, -1, -1)]
    left = [(r, 0) for r in range(side - 2, 0, -1)]
    return top + right + bottom + left


class PickTile(FaceView):
    """A variation: ``picked(index, extend)``; ``extend`` is True with Ctrl (Cmd) held."""

    picked = Signal(int, bool)

    def __init__(self, index: int, parent: QWidget | None = None) -> None:
        super().__init__(parent=parent, clickable=True)
        self.index = index

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            extend = bool(event.modifiers() & (Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.MetaModifier))
            self.picked.emit(self.index, extend)
        super().mouseReleaseEvent(event)


class VariationRing(QWidget):
    """The large current face and ``count`` variation tiles around it."""

    picked = Signal(int, bool)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(4)
        self.current = FaceView("The face being refined appears here", self)
        self.current.setToolTip("The current face")
        self.tiles: list[PickTile] = []
        self.set_count(12)

    def set_count(self, count: int) -> None:
        if count == len(self.tiles):
            return
        for tile in self.tiles:
            self._layout.removeWidget(tile)
            tile.deleteLater()
        self._layout.removeWidget(self.current)
        side = ring_side(count)
        self.tiles = []
        for index, (row, column) in enumerate(ring_cells(side)[:count]):
            tile = PickTile(index, self)
            tile.setToolTip("Click: make this the current face. Ctrl+click: select several, then "
                            "“Move to their mean”")
            tile.picked.connect(self.picked)
            self._layout.addWidget(tile, row, column)
            self.tiles.append(tile)
        self._layout.addWidget(self.current, 1, 1, side - 2, side - 2)
        for i in range(self._layout.columnCount()):
            self._layout.setColumnStretch(i, 1 if i < side else 0)
            self._layout.setRowStretch(i, 1 if i < side else 0)

    def set_faces(self, current: np.ndarray, variations: np.ndarray) -> None:
        self.current.set_image(current)
        self.set_count(len(variations))
        for tile, image in zip(self.tiles, variations):
            tile.set_image(image)

    def set_selected(self, indices: set[int]) -> None:
        for tile in self.tiles:
            tile.set_selected(tile.index in indices)

    def set_integer_scaling(self, on: bool) -> None:
        for view in (self.current, *self.tiles):
            view.set_integer_scaling(on)
