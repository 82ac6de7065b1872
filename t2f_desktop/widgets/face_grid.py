"""A near-square grid of faces; a click enlarges one, a right-click offers what to do with it."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
from PySide6.QtCore import QPoint, Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QMenu, QVBoxLayout, QWidget

from t2f_desktop.widgets.face_view import FaceView


def grid_columns(count: int) -> int:
    """Columns for ``count`` tiles: the same near-square layout :func:`core.explore.grid_array` uses."""
    return max(1, math.ceil(math.sqrt(count)))


class FaceGrid(QWidget):
    """Tiles of :class:`FaceView` with a caption each (the seed)."""

    face_clicked = Signal(int)
    #: ``(index, action)`` from a tile's context menu: "save", "copy", "endpoint-a", "endpoint-b", "refine".
    face_action = Signal(int, str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._layout = QGridLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self.tiles: list[FaceView] = []
        self._cells: list[QWidget] = []
        self._images: np.ndarray | None = None
        self._integer = False

    def set_integer_scaling(self, on: bool) -> None:
        """Draw every tile at a whole-number zoom (see :class:`FaceView`)."""
        self._integer = on
        for tile in self.tiles:
            tile.set_integer_scaling(on)

    def images(self) -> np.ndarray | None:
        return self._images

    def set_faces(self, images: np.ndarray, captions: Sequence[str] = (), tooltips: Sequence[str] = ()) -> None:
        """Show ``images`` (``N×R×R×3``); tiles are reused when the count is unchanged."""
        self._images = images
        count = len(images)
        if count != len(self.tiles):
            self._rebuild(count)
        for i, tile in enumerate(self.tiles):
            tile.set_image(images[i])
            tile.setToolTip(tooltips[i] if i < len(tooltips) else "")
            label = self._cells[i].findChild(QLabel)
            label.setText(captions[i] if i < len(captions) else "")

    def clear(self) -> None:
        self._images = None
        self._rebuild(0)

    def _rebuild(self, count: int) -> None:
        for cell in self._cells:
            self._layout.removeWidget(cell)
            cell.deleteLater()
        self.tiles, self._cells = [], []
        columns = grid_columns(count)
        for i in range(count):
            cell = QWidget(self)
            box = QVBoxLayout(cell)
            box.setContentsMargins(0, 0, 0, 0)
            box.setSpacing(2)
            tile = FaceView(parent=cell, clickable=True)
            tile.set_integer_scaling(self._integer)
            tile.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
            tile.clicked.connect(lambda i=i: self.face_clicked.emit(i))
            tile.customContextMenuRequested.connect(lambda pos, i=i: self._menu(i, pos))
            caption = QLabel(cell)
            caption.setAlignment(Qt.AlignmentFlag.AlignCenter)
            font = caption.font()
            font.setPointSizeF(font.pointSizeF() * 0.85)
            caption.setFont(font)
            box.addWidget(tile, 1)
            box.addWidget(caption)
            row, column = divmod(i, columns)
            self._layout.addWidget(cell, row, column)
            self.tiles.append(tile)
            self._cells.append(cell)
        for column in range(self._layout.columnCount()):
            self._layout.setColumnStretch(column, 1 if column < columns else 0)
        for row in range(self._layout.rowCount()):
            self._layout.setRowStretch(row, 1 if row < math.ceil(count / columns) else 0)

    def _menu(self, index: int, pos: QPoint) -> None:
        menu = QMenu(self)
        for label, action in (("Enlarge", "enlarge"), ("Save face…", "save"), ("Copy face", "copy"), (None, None),
                              ("Use as interpolation start (A)", "endpoint-a"),
                              ("Use as interpolation end (B)", "endpoint-b"), (None, None),
                              ("Refine this face", "refine")):
            if label is None:
                menu.addSeparator()
                continue
            menu.addAction(label, lambda action=action: self.face_action.emit(index, action))
        menu.popup(self.tiles[index].mapToGlobal(pos))
