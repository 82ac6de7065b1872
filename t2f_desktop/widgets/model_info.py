"""Facts about the loaded model: where it came from, its size and what it was trained on, and its
model card (the folder's ``README.md``: data, what it can draw, evaluation, limits, licence)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFormLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from t2f_desktop.progress import format_count

FIELDS = (("name", "Model"), ("path", "Folder"), ("resolution", "Resolution"), ("images_seen", "Images seen"),
          ("quality", "Training"), ("step", "Training step"), ("dataset", "Dataset"), ("parameters", "Parameters"),
          ("vocabulary", "Vocabulary"), ("device", "Device"))


#: Below this many images a model draws coloured noise or blobs (the tiny preset's 8,000 did).
BARELY_TRAINED_IMAGES = 20_000
#: Below this many, faces follow the big attributes at best (the demo preset's run); the bundled
#: recipe's first snapshot, 285k images, read 0.76 faithfulness, its shipped model 1.2 M images 0.89.
LIGHTLY_TRAINED_IMAGES = 200_000


def training_hint(images_seen: int, resolution: int | None = None, final_resolution: int | None = None) -> str | None:
    """What to expect of a model's faces from how much it was trained, in plain words; ``None``
    for a model trained long enough (the bundled model's recipe and beyond) to need no warning."""
    early = bool(resolution and final_resolution and resolution < final_resolution)
    if images_seen < BARELY_TRAINED_IMAGES:
        return (f"Barely trained ({images_seen:,} images seen): expect coloured noise or blurry blobs, "
                "not faces that follow the description. Train longer for faces.")
    if images_seen < LIGHTLY_TRAINED_IMAGES or early:
        stopped = f", stopped at {resolution}×{resolution}" if early else ""
        return (f"Lightly trained ({images_seen:,} images seen{stopped}): rough faces that follow the big "
                "things — background, skin tone, hair colour, gender — more than the details.")
    return None


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
        "quality": training_hint(int(description.get("images_seen", 0)), res, final) or "Well trained",
        "step": f"{description.get('step', 0):,}",
        "dataset": description.get("dataset") or "—",
        "parameters": format_count(int(description.get("parameters", 0))),
        "vocabulary": _vocabulary(description),
        "device": str(description.get("device", "—")),
    }


def card_path(path: Path | None) -> Path | None:
    """The model card of the model at ``path`` (a model or run folder), or ``None`` when it has none."""
    if path is None:
        return None
    from core.model.model_card import CARD_FILE
    from core.model.t2f import resolve_model_folder

    try:
        card = resolve_model_folder(Path(path)) / CARD_FILE
    except (OSError, ValueError):
        return None
    return card if card.is_file() else None


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
        self.card_button = QPushButton("Model card…", self)
        self.card_button.setToolTip("What this model is, what it was trained on, what it can draw, how well, "
                                    "and its licence (the model folder's README.md)")
        self.card_button.clicked.connect(self.show_card)
        layout.addWidget(self.card_button)
        layout.addStretch(1)
        self.card_window = None
        self._card_path: Path | None = None
        self.show_model(None)

    def show_card(self) -> None:
        """Open the loaded model's card, rendered from its Markdown."""
        if self._card_path is None:
            return
        from t2f_desktop.help_dialogs import HelpWindow

        if self.card_window is None:
            self.card_window = HelpWindow("Model card", "", self)
            self.card_window.resize(720, 640)
        if not self.card_window.show_file(self._card_path):
            self.card_window.set_body("<p>The model card could not be read.</p>")
        self.card_window.show()
        self.card_window.raise_()

    def show_model(self, description: dict[str, Any] | None, name: str = "", path: Path | None = None) -> None:
        facts = model_facts(description, name, path) if description else {}
        for key, label in self.values.items():
            label.setText(facts.get(key, "—") if description else ("No model loaded" if key == "name" else "—"))
        hint = training_hint(int(description.get("images_seen", 0)), description.get("resolution"),
                             description.get("final_resolution")) if description else None
        self.values["quality"].setToolTip(hint or "")
        self._card_path = card_path(path) if description else None
        self.card_button.setEnabled(self._card_path is not None)
        self.card_button.setText("Model card…" if self._card_path or not description else "No model card")
        if self.card_window is not None and self.card_window.isVisible():
            if self._card_path is not None:
                self.show_card()  # follows the model that replaced the one it showed
            else:
                self.card_window.close()


def _vocabulary(description: dict) -> str:
    """How the model reads words: its pieces, and how it reads words its captions never used."""
    vectors = description.get("word_vectors")
    pieces = f"{description.get('vocabulary', 0):,} " + (f"subword pieces ({vectors} word vectors)" if vectors
                                                          else "pieces")
    if not description.get("known_words"):
        return pieces
    others = "others by their vectors, rare ones through WordNet" if vectors else "others read through WordNet"
    return f"{pieces}, {description['known_words']:,} known words ({others})"
