"""Live training curves with pyqtgraph: D and G losses, gradient penalty, KL and drift, plus the
optional terms a run uses (attribute reader, mode seeking, the unsaid-attribute terms) once it logs them;
the list comes from the objective's terms (core.training.terms), never a second hand-kept table.

Like TensorBoard, each series is drawn faintly as logged and boldly smoothed. The log scale
plots magnitudes (the WGAN losses are signed). Points arrive in batches from the run follower;
the curves are redrawn at most a few times per second however fast they arrive.

The legend is a grid of check boxes above the plot rather than pyqtgraph's legend inside it: with
eight entries that legend covered the curves and clipped its first column in a narrow monitor.
Drift starts unchecked: it is logged before its 0.001 weight and, at 50–200, would flatten every
other curve against zero (the y axis fits the checked curves only).
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtGui import QColor, QIcon, QPalette, QPixmap
from PySide6.QtWidgets import QCheckBox, QGridLayout, QHBoxLayout, QLabel, QSlider, QVBoxLayout, QWidget

from t2f_desktop.progress import ema_smooth

#: Curve colours in legend order (plots are the one place colours are fixed: they must be told apart).
PALETTE = ("#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#bcbd22",
           "#7f7f7f", "#aec7e8", "#ffbb78")


def _legend() -> tuple[tuple[tuple[str, str, str, str], ...], tuple[tuple[str, str, str, str], ...]]:
    """(key, legend name, colour, tooltip) of every curve, from the objective's own term list
    (core.training.terms): the always-shown curves and the optional ones, coloured in order."""
    from core.training.terms import plot_series

    always, optional = plot_series()
    rows = [(s.metric, s.label, PALETTE[i % len(PALETTE)], s.tooltip) for i, s in enumerate([*always, *optional])]
    return tuple(rows[:len(always)]), tuple(rows[len(always):])


#: Legend names stay within 13 characters (12 in the middle column): three columns of them fit the
#: monitor's plot at the window's default size without clipping; the tooltips say the rest.
#: Terms only some runs log appear with the first record that carries their key, so a run without
#: them shows no empty entries.
SERIES, OPTIONAL_SERIES = _legend()
HIDDEN_AT_FIRST = {"drift"}
LEGEND_COLUMNS = 3
REDRAW_MS = 250


class LossPlot(QWidget):
    """The curves plus their smoothing and log-scale controls."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.x: list[float] = []
        self.values: dict[str, list[float]] = {}
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
        self.legend = QGridLayout()
        self.legend.setContentsMargins(4, 0, 4, 0)
        self.legend.setHorizontalSpacing(12)
        self.legend.setVerticalSpacing(0)
        for column in range(LEGEND_COLUMNS):
            self.legend.setColumnStretch(column, 1)
        self.shown: dict[str, QCheckBox] = {}
        self.raw: dict[str, pg.PlotDataItem] = {}
        self.smooth: dict[str, pg.PlotDataItem] = {}
        layout.addLayout(self.legend)
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
        for series in SERIES:  # after the smoothing slider: a curve's faint line depends on it
            self._add_series(*series)
        self.plot.setToolTip("Drag to pan, wheel to zoom, right-click for more (the A button restores the\n"
                             "automatic range); the boxes above choose the curves")
        self.setMinimumWidth(280)
        self.apply_palette()

    def _add_series(self, key: str, name: str, color: str, tooltip: str) -> None:
        """A faint as-logged line, a bold smoothed one and a check box for ``key``; a series added
        after points arrived starts with gaps for them."""
        faint = QColor(color)
        faint.setAlpha(70)
        item = self.plot.getPlotItem()
        self.values[key] = [math.nan] * len(self.x)
        self.raw[key] = item.plot([], [], pen=pg.mkPen(faint, width=1))
        self.smooth[key] = item.plot([], [], pen=pg.mkPen(color, width=2))
        swatch = QPixmap(12, 12)
        swatch.fill(QColor(color))
        box = QCheckBox(name, self)
        box.setIcon(QIcon(swatch))
        box.setToolTip(tooltip)
        box.setChecked(key not in HIDDEN_AT_FIRST)
        box.toggled.connect(lambda _on, key=key: self._show_series(key))
        index = len(self.shown)
        self.legend.addWidget(box, index // LEGEND_COLUMNS, index % LEGEND_COLUMNS)
        self.shown[key] = box
        self._show_series(key)

    def _show_series(self, key: str) -> None:
        """A series' curves follow its check box (its faint line only while smoothing is on)."""
        on = self.shown[key].isChecked()
        self.smooth[key].setVisible(on)
        self.raw[key].setVisible(on and self.smoothing_weight() > 0)

    # ---- data -----------------------------------------------------------------------------------
    def add_records(self, records: Iterable[dict[str, Any]]) -> None:
        """Append metrics records; the redraw happens shortly after."""
        added = False
        for record in records:
            if "images_seen" not in record:
                continue
            for series in OPTIONAL_SERIES:
                if series[0] not in self.values and isinstance(record.get(series[0]), (int, float)):
                    self._add_series(*series)
            self.x.append(float(record["images_seen"]))
            for key in self.values:
                value = record.get(key)
                self.values[key].append(float(value) if isinstance(value, (int, float)) else math.nan)
            added = True
        if added and not self._redraw.isActive():
            self._redraw.start()

    def clear(self) -> None:
        """Forget every point; the optional curves go too, so the next run shows only its own terms."""
        self.x.clear()
        always = {series[0] for series in SERIES}
        for key in [k for k in self.values if k not in always]:
            for line in (self.raw.pop(key), self.smooth.pop(key)):
                self.plot.getPlotItem().removeItem(line)
            box = self.shown.pop(key)
            self.legend.removeWidget(box)
            box.deleteLater()
            del self.values[key]
        for values in self.values.values():
            values.clear()
        self.redraw()

    def series_names(self) -> list[str]:
        """The legend's entries, in order."""
        return [box.text() for box in self.shown.values()]

    def point_count(self) -> int:
        return len(self.x)

    def smoothing_weight(self) -> float:
        return self.smoothing.value() / 100.0

    def redraw(self) -> None:
        self._redraw.stop()
        x = np.asarray(self.x, dtype=np.float64)
        log = self.log_scale.isChecked()
        weight = self.smoothing_weight()
        for key in self.values:
            y = np.asarray(self.values[key], dtype=np.float64)
            if log:
                y = np.abs(y)
                y[y <= 0] = np.nan
            keep = np.isfinite(y)
            xs, ys = x[keep], y[keep]
            self.raw[key].setData(xs, ys)
            self.smooth[key].setData(xs, ema_smooth(ys, weight) if weight > 0 else ys)
            self._show_series(key)

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

    def changeEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt naming
        super().changeEvent(event)
        if event.type() == event.Type.PaletteChange:
            self.apply_palette()
