"""Save and copy an image the same way from every view.

Saved faces are enlarged to the export size the person chose (one setting for every view, see
:class:`~t2f_desktop.widgets.export_size.ExportSizeBox`) and carry their description, seed, ψ and
model in the PNG's text chunks (:mod:`core.image_export`).
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
from PySide6.QtWidgets import QApplication, QWidget

from t2f_desktop import dialogs
from t2f_desktop.errors import describe_error
from t2f_desktop.qimage import to_qimage
from t2f_desktop.settings import Settings

PNG_FILTER = "PNG images (*.png)"
FACTOR_KEY, SMOOTH_KEY = "export/factor", "export/smooth"


def export_size(settings: Settings):  # -> core.image_export.ExportSize
    """The chosen export size (4×, nearest until changed)."""
    from core.image_export import FACTORS, ExportSize

    factor = settings.get_int(FACTOR_KEY, 4)
    return ExportSize(factor if factor in FACTORS else 4, settings.get_bool(SMOOTH_KEY, False))


def set_export_size(settings: Settings, size) -> None:  # noqa: ANN001 - an ExportSize
    settings.set(FACTOR_KEY, size.factor)
    settings.set(SMOOTH_KEY, size.smooth)


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


def save_faces(parent: QWidget, settings: Settings, faces: np.ndarray, name: str, text: Mapping[str, str],
               columns: int | None = None) -> Path | None:
    """Ask for a file name and write one face (``H×W×3``) or a grid of faces (``N×H×W×3``,
    ``columns`` wide) as PNG at the export size, with ``text`` in its chunks; errors become a message."""
    from core.image_export import compose, save_png

    path = ask_save_path(parent, settings, "Save image", name, PNG_FILTER, ".png")
    if path is None:
        return None
    try:
        save_png(compose(faces, export_size(settings), columns), path, text)
    except (OSError, ValueError) as error:
        dialogs.error(parent, "Could not save the image", describe_error(error))
        return None
    return path


def copy_image(image: np.ndarray) -> None:
    QApplication.clipboard().setImage(to_qimage(image))
