"""Where the app finds what ships beside the code: the bundled model and the icons.

The ``resources/`` folder sits next to the package in a source checkout (and an editable
install); ``T2F_DESKTOP_RESOURCES`` points elsewhere for packaged builds.
"""

from __future__ import annotations

import os
from pathlib import Path

RESOURCES_ENV = "T2F_DESKTOP_RESOURCES"


def resources_dir() -> Path:
    override = os.environ.get(RESOURCES_ENV)
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "resources"


def default_model_dir() -> Path | None:
    """The bundled model folder, when this build ships one."""
    folder = resources_dir() / "models" / "default"
    return folder if (folder / "config.json").is_file() else None


def icon_paths() -> list[Path]:
    """The app icon PNGs that exist, smallest first."""
    folder = resources_dir() / "icons"
    return sorted(folder.glob("t2f-*.png"), key=lambda p: int(p.stem.split("-")[-1])) if folder.is_dir() else []
