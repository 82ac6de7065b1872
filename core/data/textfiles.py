"""Reading caption text from files written by strangers: any encoding, any whitespace.

Caption files are usually UTF-8, but older datasets and spreadsheets export Windows-1252. A file
that is not valid UTF-8 is decoded as Windows-1252 (every byte maps to a character, so nothing is
lost) and the conversion is reported, rather than dropping all of its captions.
"""

from __future__ import annotations

from pathlib import Path

from core.data.summary import DataSummary


def read_text(path: Path, summary: DataSummary, name: str | None = None) -> str | None:
    """The text of ``path`` (UTF-8, else Windows-1252 with a note); ``None`` with a skip if unreadable."""
    name = name or path.name
    try:
        raw = path.read_bytes()
    except OSError as error:
        summary.skip(name, f"cannot read file ({error.strerror or error})")
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        summary.convert(name, "not UTF-8; decoded as Windows-1252")
        return raw.decode("cp1252", errors="replace")


def clean_caption(text: object) -> str | None:
    """A caption with whitespace collapsed, or ``None`` if it is empty or not text."""
    if not isinstance(text, str):
        return None
    cleaned = " ".join(text.split())
    return cleaned or None
