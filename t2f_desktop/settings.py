"""What the app remembers between sessions: window geometry, last model and run, recent lists.

One small wrapper over :class:`QSettings` so keys and types live in a single place. Settings go
to the platform's usual location (organisation "T2F", application "T2F Desktop"); setting the
environment variable ``T2F_DESKTOP_SETTINGS`` to an ``.ini`` path redirects them there, which is
how tests and screenshot runs keep away from a person's real settings.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from PySide6.QtCore import QByteArray, QSettings

ORGANIZATION = "T2F"
APPLICATION = "T2F Desktop"
SETTINGS_ENV = "T2F_DESKTOP_SETTINGS"
MAX_RECENT = 8


def open_qsettings() -> QSettings:
    """The settings store: the ``T2F_DESKTOP_SETTINGS`` file when set, else the platform default."""
    override = os.environ.get(SETTINGS_ENV)
    if override:
        return QSettings(override, QSettings.Format.IniFormat)
    return QSettings(ORGANIZATION, APPLICATION)


class Settings:
    """Typed access to the app's settings."""

    def __init__(self, store: QSettings | None = None) -> None:
        self.store = store or open_qsettings()

    # ---- plain values ---------------------------------------------------------------------------
    def get_str(self, key: str, default: str = "") -> str:
        value = self.store.value(key, default)
        return value if isinstance(value, str) else default

    def get_int(self, key: str, default: int = 0) -> int:
        try:
            return int(self.store.value(key, default))
        except (TypeError, ValueError):
            return default

    def get_float(self, key: str, default: float = 0.0) -> float:
        try:
            return float(self.store.value(key, default))
        except (TypeError, ValueError):
            return default

    def get_bool(self, key: str, default: bool = False) -> bool:
        value = self.store.value(key, default)
        if isinstance(value, str):  # ini files store booleans as "true"/"false"
            return value.lower() in ("1", "true", "yes")
        return bool(value)

    def set(self, key: str, value: Any) -> None:
        self.store.setValue(key, value)

    # ---- window ---------------------------------------------------------------------------------
    def geometry(self) -> QByteArray | None:
        value = self.store.value("window/geometry")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def window_state(self) -> QByteArray | None:
        value = self.store.value("window/state")
        return value if isinstance(value, QByteArray) and not value.isEmpty() else None

    def save_window(self, geometry: QByteArray, state: QByteArray) -> None:
        self.store.setValue("window/geometry", geometry)
        self.store.setValue("window/state", state)

    # ---- models and runs ------------------------------------------------------------------------
    @property
    def last_model(self) -> str:
        return self.get_str("models/last")

    @last_model.setter
    def last_model(self, path: str) -> None:
        self.set("models/last", path)

    @property
    def last_run(self) -> str:
        return self.get_str("runs/last")

    @last_run.setter
    def last_run(self, path: str) -> None:
        self.set("runs/last", path)

    @property
    def device(self) -> str:
        return self.get_str("models/device", "auto")

    @device.setter
    def device(self, name: str) -> None:
        self.set("models/device", name)

    def recent(self, kind: str) -> list[str]:
        """Recent ``"models"`` or ``"runs"``, newest first, only those that still exist."""
        value = self.store.value(f"{kind}/recent", [])
        if isinstance(value, str):  # QSettings returns a lone string for a one-element list
            value = [value]
        return [p for p in (value or []) if isinstance(p, str) and Path(p).exists()]

    def add_recent(self, kind: str, path: str) -> None:
        entries = [path] + [p for p in self.recent(kind) if p != path]
        self.set(f"{kind}/recent", entries[:MAX_RECENT])

    def clear_recent(self, kind: str) -> None:
        self.set(f"{kind}/recent", [])

    def sync(self) -> None:
        self.store.sync()
