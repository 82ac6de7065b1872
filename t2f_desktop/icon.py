"""The application icon: lines of text turning into a face, drawn with QPainter.

``python -m t2f_desktop.icon`` writes the PNGs in ``resources/icons/``; at run time the app loads
those files and, if they are missing, draws the same picture in memory.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QIcon, QImage, QLinearGradient, QPainter, QPainterPath, QPen, QPixmap

from t2f_desktop.resources import icon_paths, resources_dir

SIZES = (16, 32, 48, 64, 128, 256)


def draw_icon(size: int) -> QImage:
    """The icon at ``size``×``size`` pixels, on a transparent background."""
    image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.scale(size / 256.0, size / 256.0)  # draw on a 256-unit canvas

    gradient = QLinearGradient(0, 0, 256, 256)
    gradient.setColorAt(0.0, QColor("#4338ca"))
    gradient.setColorAt(1.0, QColor("#0e9488"))
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QBrush(gradient))
    painter.drawRoundedRect(QRectF(8, 8, 240, 240), 52, 52)

    # The description: three lines of "text" on the left.
    painter.setBrush(QColor(255, 255, 255, 235))
    for y, width in ((78, 70), (118, 52), (158, 62)):
        painter.drawRoundedRect(QRectF(36, y, width, 18), 9, 9)

    # The arrow from words to face.
    painter.setPen(QPen(QColor(255, 255, 255, 200), 10, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap,
                        Qt.PenJoinStyle.RoundJoin))
    painter.drawLine(QPointF(114, 128), QPointF(132, 128))

    # The face.
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(QColor("#f6d3b3"))
    painter.drawEllipse(QRectF(140, 70, 84, 104))
    hair = QPainterPath()
    hair.moveTo(138, 112)
    hair.cubicTo(136, 56, 228, 56, 226, 112)
    hair.cubicTo(214, 86, 168, 80, 138, 112)
    painter.setBrush(QColor("#3b2314"))
    painter.drawPath(hair)
    painter.setBrush(QColor("#1f2937"))
    painter.drawEllipse(QRectF(160, 116, 10, 12))
    painter.drawEllipse(QRectF(194, 116, 10, 12))
    painter.setPen(QPen(QColor("#b45309"), 6, Qt.PenStyle.SolidLine, Qt.PenCapStyle.RoundCap))
    painter.setBrush(Qt.BrushStyle.NoBrush)
    painter.drawArc(QRectF(166, 130, 32, 24), 200 * 16, 140 * 16)
    painter.end()
    return image


def app_icon() -> QIcon:
    """The icon from ``resources/icons`` when present, else drawn now."""
    icon = QIcon()
    paths = icon_paths()
    if paths:
        for path in paths:
            icon.addFile(str(path))
    else:
        for size in SIZES:
            icon.addPixmap(QPixmap.fromImage(draw_icon(size)))
    return icon


def write_icons(folder: Path | None = None) -> list[Path]:
    """Render every size to ``folder`` (default ``resources/icons``) as ``t2f-SIZE.png``."""
    folder = folder or resources_dir() / "icons"
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for size in SIZES:
        path = folder / f"t2f-{size}.png"
        if not draw_icon(size).save(str(path)):
            raise OSError(f"could not write {path}")
        written.append(path)
    return written


if __name__ == "__main__":
    from PySide6.QtGui import QGuiApplication

    app = QGuiApplication(sys.argv[:1])
    for written in write_icons(Path(sys.argv[1]) if len(sys.argv) > 1 else None):
        print(written)
