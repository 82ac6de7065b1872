"""A load summary that also records files that were *converted* rather than skipped.

Real folders are messy. A grayscale, CMYK or 16-bit image is still a usable face once converted, and
the user should know that happened (a folder of CMYK scans may look odd after conversion), but it is
not a reason to leave the file out. :class:`DataSummary` keeps those notes beside the skips and
round-trips through JSON so a cached dataset reports what its first load found.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from core.data.base import LoadSummary


@dataclass
class DataSummary(LoadSummary):
    """:class:`LoadSummary` plus ``converted``: ``(path or id, what was done)`` for kept files."""

    converted: list[tuple[str, str]] = field(default_factory=list)
    #: Name of the detected format (``"generic"``, ``"celeba"``, ...), for ``t2f data info``.
    format: str = ""

    def convert(self, what: str, note: str) -> None:
        """Record that ``what`` was kept after a conversion described by ``note``."""
        self.converted.append((what, note))

    def text(self, max_reasons: int = 5) -> str:
        line = super().text(max_reasons)
        if not self.converted:
            return line
        notes = Counter(note for _, note in self.converted)
        parts = [f"{count}× {note}" for note, count in notes.most_common(max_reasons)]
        return f"{line}; converted {len(self.converted)}: " + "; ".join(parts)

    def details(self) -> list[str]:
        """One line per skipped or converted item, for a full report."""
        return ([f"skipped {what}: {reason}" for what, reason in self.skipped]
                + [f"converted {what}: {note}" for what, note in self.converted])

    def to_dict(self) -> dict[str, Any]:
        return {"source": self.source, "format": self.format, "images": self.images, "captions": self.captions,
                "skipped": [list(s) for s in self.skipped], "converted": [list(c) for c in self.converted]}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> DataSummary:
        return cls(source=str(data["source"]), images=int(data["images"]), captions=int(data["captions"]),
                   skipped=[(str(a), str(b)) for a, b in data.get("skipped", [])],
                   converted=[(str(a), str(b)) for a, b in data.get("converted", [])],
                   format=str(data.get("format", "")))
