"""Save and copy an image the same way from every view."""

from __future__ import annotations

from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QApplication, QWidget

from t2f_desktop import dialogs
from t2f_desktop.errors import describe_error
from t2f_desktop.qimage import to_qimage
from t2f_desktop.settings import Settings

PNG_FILTER = "PNG images (*.png)"


def last_folder(settings: Settings, key: str = "paths/export") -> str:
    folder = settings.get_str(key)
    return folder if folder and Path(folder).is_dir() else str(Path.home())


def ask_save_path(parent: QWidget, settings: Settings, caption: str, name: str, filters: str,
                  suffix: str) -> Path | None:
    """Ask where to save; adds ``suffix`` when the name has none and remembers the folder."""
    chosen = dialogs.save_file(parent, caption, str(Path(last_folder(settings)) / name), filters)
    if not chosen:
        return None
    path = Path(chosen)
    if not path.suffix:
        path = path.with_suffix(suffix)
    settings.set("paths/export", str(path.parent))
    return path


def save_image(parent: QWidget, settings: Settings, image: np.ndarray, name: str) -> Path | None:
    """Ask for a file name and write ``image`` as PNG; errors become a message."""
    from core.explore import save_png

    path = ask_save_path(parent, settings, "Save image", name, PNG_FILTER, ".png")
    if path is None:
        return None
    try:
        save_png(image, path)
    except (OSError, ValueError) as error:
        dialogs.error(parent, "Could not save the image", describe_error(error))
        return None
    return path


def copy_image(image: np.ndarray) -> None:
    QApplication.clipboard().setImage(to_qimage(image))
