"""A face (or any image) drawn as large as fits, keeping its square shape.

With integer scaling on, the image is drawn at the largest whole multiple of its size that fits,
pixel for pixel (no smoothing): a 64 px face becomes 256 px of crisp 4×4 blocks instead of a
blurred 300 px. Where even 1× does not fit, it is scaled down smoothly as usual.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QRect, QSize, Qt, Signal
from PySide6.QtGui import QImage, QMouseEvent, QPainter, QPaintEvent, QPalette
from PySide6.QtWidgets import QSizePolicy, QWidget

from t2f_desktop.qimage import to_qimage


class FaceView(QWidget):
    """Shows one image scaled to fit; keeps the array so it can be saved or copied exactly."""

    clicked = Signal()

    def __init__(self, placeholder: str = "", parent: QWidget | None = None, clickable: bool = False) -> None:
        super().__init__(parent)
        self._array: np.ndarray | None = None
        self._image: QImage | None = None
        self._placeholder = placeholder
        self._clickable = clickable
        self._hover = False
        self._selected = False
        self._integer = False
        self.setMinimumSize(48, 48)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        if clickable:
            self.setCursor(Qt.CursorShape.PointingHandCursor)
            self.setAttribute(Qt.WidgetAttribute.WA_Hover)

    def set_image(self, array: np.ndarray | None) -> None:
        self._array = None if array is None else np.asarray(array)
        self._image = None if array is None else to_qimage(self._array)
        self.update()

    def image_array(self) -> np.ndarray | None:
        """The exact pixels shown (not the scaled rendering)."""
        return self._array

    def qimage(self) -> QImage | None:
        return self._image

    def set_placeholder(self, text: str) -> None:
        self._placeholder = text
        self.update()

    def set_integer_scaling(self, on: bool) -> None:
        self._integer = on
        self.update()

    def integer_factor(self) -> int:
        """The whole-number zoom drawn now; 0 when the image is smoothly scaled (integer scaling off,
        no image, or not even 1× fits)."""
        if not self._integer or self._image is None:
            return 0
        area = self.rect().adjusted(2, 2, -2, -2)
        return max(0, min(area.width() // self._image.width(), area.height() // self._image.height()))

    def set_selected(self, selected: bool) -> None:
        self._selected = selected
        self.update()

    def sizeHint(self) -> QSize:  # noqa: N802 - Qt naming
        return QSize(256, 256)

    def target_rect(self) -> QRect:
        """Where the image is drawn: the largest centred rectangle with the image's aspect."""
        if self._image is None:
            return self.rect()
        area = self.rect().adjusted(2, 2, -2, -2)
        factor = self.integer_factor()
        if factor:
            scaled = self._image.size() * factor
        else:
            scaled = self._image.size().scaled(area.size(), Qt.AspectRatioMode.KeepAspectRatio)
        x = area.x() + (area.width() - scaled.width()) // 2
        y = area.y() + (area.height() - scaled.height()) // 2
        return QRect(x, y, scaled.width(), scaled.height())

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 - Qt naming
        painter = QPainter(self)
        palette = self.palette()
        if self._image is None:
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            painter.drawText(self.rect().adjusted(8, 8, -8, -8),
                             Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self._placeholder)
            return
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform, not self.integer_factor())
        target = self.target_rect()
        painter.drawImage(target, self._image)
        if self._selected or (self._clickable and self._hover):
            pen = painter.pen()
            pen.setColor(palette.color(QPalette.ColorRole.Highlight))
            pen.setWidth(3 if self._selected else 2)
            painter.setPen(pen)
            painter.drawRect(target.adjusted(1, 1, -2, -2))

    def enterEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt naming
        self._hover = True
        self.update()
        super().enterEvent(event)

    def leaveEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt naming
        self._hover = False
        self.update()
        super().leaveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        inside = self.rect().contains(event.position().toPoint())
        if self._clickable and event.button() == Qt.MouseButton.LeftButton and inside:
            self.clicked.emit()
        super().mouseReleaseEvent(event)
