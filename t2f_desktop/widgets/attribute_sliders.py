"""One slider per attribute the judge reads (core.refine.moves.SLIDERS), −3…+3.

``moved(positions)`` while dragging (the view redraws the face, newest request only);
``committed(positions)`` on release (the view records a history step). Positions are
``{"age=old": 1.5}``, zeros left out.
"""

from __future__ import annotations

from collections.abc import Mapping

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QGridLayout, QLabel, QSlider, QToolButton, QWidget

from core.refine.moves import MAX_AMOUNT, SLIDERS, Slider

STEPS_PER_UNIT = 10


class AttributeSliders(QWidget):
    moved = Signal(dict)
    committed = Signal(dict)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setHorizontalSpacing(6)
        grid.setVerticalSpacing(2)
        self.rows: list[tuple[Slider, QComboBox | None, QSlider, QLabel]] = []
        for row, spec in enumerate(SLIDERS):
            grid.addWidget(QLabel(spec.label, self), row, 0)
            combo = None
            if len(spec.choices) > 1:
                combo = QComboBox(self)
                combo.addItems(spec.choices)
                combo.setToolTip(f"Which {spec.attribute.replace('_', ' ')} the slider moves toward")
                combo.currentIndexChanged.connect(lambda _=0: self._emit(commit=True))
                grid.addWidget(combo, row, 1)
            slider = QSlider(Qt.Orientation.Horizontal, self)
            slider.setRange(round(-MAX_AMOUNT * STEPS_PER_UNIT), round(MAX_AMOUNT * STEPS_PER_UNIT))
            slider.setPageStep(STEPS_PER_UNIT)
            slider.setToolTip(f"Toward {spec.attribute.replace('_', ' ')} = chosen value (right) or away (left)")
            slider.valueChanged.connect(lambda _=0: self._emit(commit=not self._dragging()))
            slider.sliderReleased.connect(lambda: self._emit(commit=True))
            grid.addWidget(slider, row, 2)
            value = QLabel("0.0", self)
            value.setMinimumWidth(value.fontMetrics().horizontalAdvance("+3.0 "))
            grid.addWidget(value, row, 3)
            reset = QToolButton(self)
            reset.setText("↺")
            reset.setToolTip("Back to 0")
            reset.clicked.connect(lambda _=False, s=slider: s.setValue(0))
            grid.addWidget(reset, row, 4)
            self.rows.append((spec, combo, slider, value))
        grid.setColumnStretch(2, 1)
        self._quiet = False

    def _dragging(self) -> bool:
        return any(slider.isSliderDown() for _, _, slider, _ in self.rows)

    def key(self, row: int) -> str:
        spec, combo, _, _ = self.rows[row]
        value = combo.currentText() if combo is not None else spec.choices[0]
        return f"{spec.attribute}={value}"

    def positions(self) -> dict[str, float]:
        out: dict[str, float] = {}
        for row, (_, _, slider, label) in enumerate(self.rows):
            amount = slider.value() / STEPS_PER_UNIT
            label.setText(f"{amount:+.1f}" if amount else "0.0")
            if amount:
                out[self.key(row)] = out.get(self.key(row), 0.0) + amount
        return {k: max(-MAX_AMOUNT, min(MAX_AMOUNT, v)) for k, v in out.items()}

    def _emit(self, commit: bool) -> None:
        if self._quiet:
            return
        positions = self.positions()
        (self.committed if commit else self.moved).emit(positions)

    def set_positions(self, positions: Mapping[str, float]) -> None:
        """Show ``positions`` without emitting (after undo, redo or opening a face)."""
        self._quiet = True
        try:
            left = dict(positions)
            for spec, combo, slider, _ in self.rows:
                keys = [f"{spec.attribute}={v}" for v in spec.choices]
                found = next((k for k in keys if k in left), None)
                if found is not None and combo is not None:
                    combo.setCurrentText(found.split("=")[1])
                slider.setValue(round(left.pop(found, 0.0) * STEPS_PER_UNIT) if found else 0)
            self.positions()
        finally:
            self._quiet = False

    def set_value(self, key: str, amount: float) -> None:
        """Set one slider by key (emits as a release would: a committed step)."""
        for row, (spec, combo, slider, _) in enumerate(self.rows):
            attribute, value = key.split("=")
            if spec.attribute == attribute and value in spec.choices:
                if combo is not None:
                    self._quiet = True
                    combo.setCurrentText(value)
                    self._quiet = False
                slider.setValue(round(amount * STEPS_PER_UNIT))
                return
        raise KeyError(key)
