"""The contract every on-disk dataset format fulfils: recognise a folder, and scan it."""

from __future__ import annotations

from abc import ABC, abstractmethod
from pathlib import Path

from core.data.records import Scan


class DatasetFormat(ABC):
    """One folder layout (generic captions file, Face2Text, CelebA, ...)."""

    #: Short identifier, shown by ``t2f data info`` and used in cache folder names.
    name: str
    #: One line saying what the folder must contain; listed when no format matches.
    expects: str

    @abstractmethod
    def detect(self, root: Path) -> bool:
        """Whether ``root`` looks like this format (cheap: no image is opened)."""

    @abstractmethod
    def scan(self, root: Path, options: dict[str, str]) -> Scan:
        """Read the metadata under ``root`` into samples; decodes no image.

        ``options`` are format-specific settings (e.g. ``{"partition": "train"}`` for CelebA);
        a format rejects options it does not understand with ``ValueError``.
        """

    def _no_options(self, options: dict[str, str]) -> None:
        if options:
            raise ValueError(f"the {self.name} format has no option(s) {', '.join(sorted(options))}")
