"""Live training curves with pyqtgraph: D and G losses, gradient penalty, KL and drift.

Like TensorBoard, each series is drawn faintly as logged and boldly smoothed. The log scale
plots magnitudes (the WGAN losses are signed). Points arrive in batches from the run follower;
the curves are redrawn at most a few times per second however fast they arrive.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from t2f_desktop.progress import ema_smooth

#: Metric key, legend name, colour (plots are the one place colours are fixed: they must be told apart).
SERIES = (
    ("d_loss", "D loss", "#1f77b4"),
    ("g_loss", "G loss", "#ff7f0e"),
    ("gp", "Gradient penalty", "#2ca02c"),
    ("kl", "KL", "#d62728"),
    ("drift", "Drift", "#9467bd"),
)
REDRAW_MS = 250


class LossPlot(QWidget):
    """The curves plus their smoothing and log-scale controls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.x: list[float] = []
        self.values: dict[str, list[float]] = {key: [] for key, _, _ in SERIES}
        self._dirty = False
        self._redraw = QTimer(self, singleShot=True, interval=REDRAW_MS)
        self._redraw.timeout.connect(self.redraw)

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        self.plot = pg.PlotWidget(self)
        self.plot.setMinimumHeight(160)
        item = self.plot.getPlotItem()
        item.showGrid(x=True, y=True, alpha=0.25)
        item.setLabel("bottom", "images seen")
        item.setLabel("left", "value")
        item.setClipToView(True)
        item.setDownsampling(auto=True, mode="peak")
        self.legend = item.addLegend(offset=(-8, 8), colCount=3)
        self.raw: dict[str, pg.PlotDataItem] = {}
        self.smooth: dict[str, pg.PlotDataItem] = {}
        for key, name, color in SERIES:
            faint = QColor(color)
            faint.setAlpha(70)
            self.raw[key] = item.plot([], [], pen=pg.mkPen(faint, width=1))
            self.smooth[key] = item.plot([], [], pen=pg.mkPen(color, width=2), name=name)
            self.smooth[key].visibleChanged.connect(lambda key=key: self._follow_visibility(key))
        layout.addWidget(self.plot, 1)

        controls = QHBoxLayout()
        controls.addWidget(QLabel("Smoothing", self))
        self.smoothing = QSlider(Qt.Orientation.Horizontal, self)
        self.smoothing.setRange(0, 99)
        self.smoothing.setValue(60)
        self.smoothing.setMaximumWidth(160)
        self.smoothing.setToolTip("Exponential moving average of the curves (0 = as logged)")
        self.smoothing.valueChanged.connect(self._on_smoothing)
        controls.addWidget(self.smoothing)
        self.smoothing_label = QLabel("0.60", self)
        controls.addWidget(self.smoothing_label)
        self.log_scale = QCheckBox("Log scale", self)
        self.log_scale.setToolTip("Logarithmic y axis; plots magnitudes because the WGAN losses change sign")
        self.log_scale.toggled.connect(self._on_log_scale)
        controls.addWidget(self.log_scale)
        controls.addStretch(1)
        layout.addLayout(controls)
        self.plot.setToolTip("Click a legend entry to hide or show its curve; drag to pan, wheel to zoom,\n"
                             "right-click for more (the A button restores the automatic range)")
        self.setMinimumWidth(280)
        self.apply_palette()

    # ---- data -----------------------------------------------------------------------------------
    def add_records(self, records: Iterable[dict[str, Any]]) -> None:
        """Append metrics records; the redraw happens shortly after."""
        added = False
        for record in records:
            if "images_seen" not in record:
                continue
            self.x.append(float(record["images_seen"]))
            for key in self.values:
                value = record.get(key)
                self.values[key].append(float(value) if isinstance(value, (int, float)) else math.nan)
            added = True
        if added and not self._redraw.isActive():
            self._redraw.start()

    def _follow_visibility(self, key: str) -> None:
        """Hiding a curve from the legend hides its faint raw line too."""
        self.raw[key].setVisible(self.smooth[key].isVisible() and self.smoothing_weight() > 0)

    def clear(self) -> None:
        self.x.clear()
        for values in self.values.values():
            values.clear()
        self.redraw()

    def point_count(self) -> int:
        return len(self.x)

    def smoothing_weight(self) -> float:
        return self.smoothing.value() / 100.0

    def redraw(self) -> None:
        self._redraw.stop()
        x = np.asarray(self.x, dtype=np.float64)
        log = self.log_scale.isChecked()
        weight = self.smoothing_weight()
        for key, _, _ in SERIES:
            y = np.asarray(self.values[key], dtype=np.float64)
            if log:
                y = np.abs(y)
                y[y <= 0] = np.nan
            keep = np.isfinite(y)
            xs, ys = x[keep], y[keep]
            self.raw[key].setData(xs, ys)
            self.smooth[key].setData(xs, ema_smooth(ys, weight) if weight > 0 else ys)
            self.raw[key].setVisible(weight > 0 and self.smooth[key].isVisible())

    # ---- controls -------------------------------------------------------------------------------
    def _on_smoothing(self, value: int) -> None:
        self.smoothing_label.setText(f"{value / 100:.2f}")
        self.redraw()

    def _on_log_scale(self, on: bool) -> None:
        self.plot.getPlotItem().setLogMode(y=on)
        self.redraw()
        self.plot.getPlotItem().enableAutoRange()

    def apply_palette(self) -> None:
        """Plot background and axes from the window palette, so the plot follows light/dark mode."""
        palette = self.palette()
        self.plot.setBackground(palette.color(QPalette.ColorRole.Base))
        text = palette.color(QPalette.ColorRole.Text)
        item = self.plot.getPlotItem()
        for name in ("left", "bottom"):
            axis = item.getAxis(name)
            axis.setPen(pg.mkPen(text))
            axis.setTextPen(pg.mkPen(text))
        self.legend.setLabelTextColor(text)

    def changeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt naming
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self.apply_palette()
