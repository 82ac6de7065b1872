"""Facts about the loaded model: where it came from, its size and what it was trained on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QVBoxLayout, QWidget

from t2f_desktop.progress import format_count

FIELDS = (("name", "Model"), ("path", "Folder"), ("resolution", "Resolution"), ("images_seen", "Images seen"),
          ("step", "Training step"), ("dataset", "Dataset"), ("parameters", "Parameters"),
          ("vocabulary", "Vocabulary"), ("device", "Device"))


def model_facts(description: dict[str, Any], name: str, path: Path | None) -> dict[str, str]:
    """Display strings for :meth:`core.model.t2f.T2F.describe` output."""
    res, final = description.get("resolution"), description.get("final_resolution")
    resolution = f"{res}×{res}" if res else "—"
    if res and final and final != res:
        resolution += f" (of {final}×{final}: training stopped early)"
    return {
        "name": name or "—",
        "path": str(path) if path else "—",
        "resolution": resolution,
        "images_seen": f"{description.get('images_seen', 0):,}",
        "step": f"{description.get('step', 0):,}",
        "dataset": description.get("dataset") or "—",
        "parameters": format_count(int(description.get("parameters", 0))),
        "vocabulary": f"{description.get('vocabulary', 0):,} pieces" + (
            f", {description['known_words']:,} known words (others read through WordNet)"
            if description.get("known_words") else ""),
        "device": str(description.get("device", "—")),
    }


class ModelInfo(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        layout = QVBoxLayout(self)
        form = QFormLayout()
        form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)
        self.values: dict[str, QLabel] = {}
        for key, title in FIELDS:
            value = QLabel("—", self)
            value.setWordWrap(True)
            value.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
            form.addRow(title, value)
            self.values[key] = value
        layout.addLayout(form)
        layout.addStretch(1)
        self.show_model(None)

    def show_model(self, description: dict[str, Any] | None, name: str = "", path: Path | None = None) -> None:
        facts = model_facts(description, name, path) if description else {}
        for key, label in self.values.items():
            label.setText(facts.get(key, "—") if description else ("No model loaded" if key == "name" else "—"))
