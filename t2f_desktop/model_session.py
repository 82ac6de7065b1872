"""The model the app draws with: which one, on which device, and loading a new one safely.

Loading runs on the job thread. Only a successful load replaces the current model, so a corrupt
or incompatible folder leaves the previous model in place and produces one message.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from PySide6.QtCore import QObject, Signal

from t2f_desktop.settings import Settings
from t2f_desktop.workers.jobs import JobRunner

if TYPE_CHECKING:
    from core.model.t2f import T2F


def device_choices() -> list[str]:
    """``"auto"`` followed by the devices that exist here (``cuda``, ``mps``, ``cpu``...)."""
    from core.devices import available_devices

    return ["auto"] + available_devices()


def model_display_name(path: Path) -> str:
    """A short name: the folder, or the run's folder for a run's ``model/``."""
    path = Path(path)
    if path.name == "model" and (path.parent / "config.json").is_file():
        return path.parent.name
    return path.name or str(path)


class ModelSession(QObject):
    """Holds the current model; every view draws with ``session.model``."""

    #: The new model (or None). Emitted only after a load succeeded.
    changed = Signal(object)
    #: ``(path, message)`` when a load failed; the previous model is still current.
    load_failed = Signal(str, str)
    #: A load has started for this path.
    loading = Signal(str)

    def __init__(self, runner: JobRunner, settings: Settings, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.runner = runner
        self.settings = settings
        self.model: T2F | None = None
        self.path: Path | None = None
        device = settings.device
        self.device = device if device in device_choices() else "auto"
        self._loading = False

    @property
    def is_loading(self) -> bool:
        return self._loading

    @property
    def name(self) -> str:
        return model_display_name(self.path) if self.path else ""

    def load(self, path: str | Path, remember: bool = True) -> None:
        """Load ``path`` (a model or run folder) in the background on the chosen device."""
        from core.model.t2f import T2F

        path = Path(path).expanduser()
        device = self.device
        self._loading = True
        self.loading.emit(str(path))

        def done(model: T2F) -> None:
            self._loading = False
            self.model, self.path = model, path
            if remember:
                self.settings.last_model = str(path)
                self.settings.add_recent("models", str(path))
            self.changed.emit(model)

        def failed(message: str) -> None:
            self._loading = False
            self.load_failed.emit(str(path), message)

        self.runner.submit("load-model", lambda: T2F.load(path, device=device), done, failed)

    def set_device(self, device: str) -> None:
        """Draw on ``device`` from now on; the current model is reloaded there."""
        if device == self.device:
            return
        self.device = device
        self.settings.device = device
        if self.path is not None:
            self.load(self.path, remember=False)

    def describe(self) -> dict[str, Any]:
        return self.model.describe() if self.model is not None else {}
