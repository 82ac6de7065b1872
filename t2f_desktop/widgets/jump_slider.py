"""A slider that jumps to where it is clicked, as a media scrub bar does.

A plain QSlider moves one page towards a click on its groove; scrubbing through frames wants the
frame under the pointer. The handle then sits under the pointer, so the same press drags on.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QSlider, QStyle, QStyleOptionSlider


class JumpSlider(QSlider):
    def value_at(self, x: float, y: float) -> int:
        """The value whose handle position is nearest the point ``(x, y)`` in widget coordinates."""
        option = QStyleOptionSlider()
        self.initStyleOption(option)
        style = self.style()
        groove = style.subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderGroove, self)
        handle = style.subControlRect(QStyle.ComplexControl.CC_Slider, option, QStyle.SubControl.SC_SliderHandle, self)
        if self.orientation() == Qt.Orientation.Horizontal:
            position, span = x - groove.x() - handle.width() / 2, groove.width() - handle.width()
        else:
            position, span = y - groove.y() - handle.height() / 2, groove.height() - handle.height()
        return QStyle.sliderValueFromPosition(self.minimum(), self.maximum(), round(position), max(1, span),
                                              option.upsideDown)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 - Qt naming
        if event.button() == Qt.MouseButton.LeftButton:
            point = event.position()
            self.setValue(self.value_at(point.x(), point.y()))
        super().mousePressEvent(event)
