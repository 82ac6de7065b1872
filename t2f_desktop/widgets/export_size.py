"""The "Save at 1× / 4× / 8×, smooth" choice shown beside every save button.

One setting for the whole app (:func:`t2f_desktop.image_actions.export_size`): each box writes it
when changed and reads it again when shown, so Generate and Interpolate always agree, and frames,
GIF and MP4 of one interpolation come out the same size.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QComboBox, QHBoxLayout, QLabel, QWidget

from t2f_desktop import image_actions
from t2f_desktop.settings import Settings


class ExportSizeBox(QWidget):
    """A factor combo box and a Smooth check box bound to the app's export size."""

    def __init__(self, settings: Settings, parent: QWidget | None = None) -> None:
        from core.image_export import FACTORS

        super().__init__(parent)
        self.settings = settings
        self.resolution = 64
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(4)
        layout.addWidget(QLabel("Save at", self))
        self.factor = QComboBox(self)
        for factor in FACTORS:
            self.factor.addItem(f"{factor}×", factor)
        self.factor.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        self.factor.setToolTip("How much saved images are enlarged (PNG, grids, frames, GIF and MP4 alike)")
        layout.addWidget(self.factor)
        self.smooth = QCheckBox("Smooth", self)
        self.smooth.setToolTip("Smooth enlargement (bicubic); off keeps hard pixel edges (nearest neighbour)")
        layout.addWidget(self.smooth)
        self.refresh()
        self.factor.currentIndexChanged.connect(self._store)
        self.smooth.toggled.connect(self._store)

    def size(self):  # noqa: A003 - reads as "the export size"; -> core.image_export.ExportSize
        from core.image_export import ExportSize

        return ExportSize(self.factor.currentData(), self.smooth.isChecked())

    def set_resolution(self, resolution: int) -> None:
        """Label each factor with the pixel size it gives for this model's faces."""
        self.resolution = resolution
        for index in range(self.factor.count()):
            factor = self.factor.itemData(index)
            self.factor.setItemText(index, f"{factor}× ({factor * resolution} px)")

    def refresh(self) -> None:
        """Show the stored choice (another view may have changed it)."""
        size = image_actions.export_size(self.settings)
        for widget in (self.factor, self.smooth):
            widget.blockSignals(True)
        self.factor.setCurrentIndex(max(0, self.factor.findData(size.factor)))
        self.smooth.setChecked(size.smooth)
        for widget in (self.factor, self.smooth):
            widget.blockSignals(False)

    def showEvent(self, event) -> None:  # noqa: N802, ANN001 - Qt naming
        self.refresh()
        super().showEvent(event)

    def _store(self, *_: object) -> None:
        image_actions.set_export_size(self.settings, self.size())
