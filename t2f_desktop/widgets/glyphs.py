"""Small tool-button icons drawn in the palette's text colour, so they follow light and dark themes."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QApplication

_SIZE = 64


def _canvas() -> tuple[QPixmap, QPainter, QColor]:
    pixmap = QPixmap(_SIZE, _SIZE)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    color = QApplication.palette().color(QPalette.ColorRole.ButtonText)
    return pixmap, painter, color


def dice_icon() -> QIcon:
    """A die showing five: "pick a random seed"."""
    pixmap, painter, color = _canvas()
    painter.setPen(QPen(color, 5))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawRoundedRect(QRectF(8, 8, 48, 48), 10, 10)
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    for x, y in ((21, 21), (43, 21), (32, 32), (21, 43), (43, 43)):
        painter.drawEllipse(QPointF(x, y), 4.5, 4.5)
    painter.end()
    return QIcon(pixmap)


def lock_icon() -> QIcon:
    """A padlock, closed when the button is checked and open otherwise."""
    icon = QIcon()
    for locked in (False, True):
        pixmap, painter, color = _canvas()
        painter.setPen(QPen(color, 5))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        shackle = QRectF(18, 6, 28, 34) if locked else QRectF(30, 2, 28, 34)
        painter.drawArc(shackle, 0, 180 * 16)
        painter.drawLine(QPointF(shackle.left(), 23), QPointF(shackle.left(), 30))
        if locked:
            painter.drawLine(QPointF(shackle.right(), 23), QPointF(shackle.right(), 30))
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.drawRoundedRect(QRectF(10, 30, 44, 30), 5, 5)
        painter.end()
        icon.addPixmap(pixmap, QIcon.Mode.Normal, QIcon.State.On if locked else QIcon.State.Off)
    return icon
