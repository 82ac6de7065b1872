"""Reading caption text from files written by strangers: any encoding, any whitespace.

Caption files are usually UTF-8, but older datasets and spreadsheets export Windows-1252, and a
file edited by several tools can mix the two. Each line is decoded on its own: UTF-8 first, and a
line that is not valid UTF-8 is decoded as Windows-1252 (every byte maps to a character, so nothing
is lost) with a note naming the file and line. One stray line therefore never changes how the rest
of the file reads ("café" stays "café").

Only regular files are read, up to :data:`MAX_TEXT_FILE_BYTES` (a FIFO or device named like a
caption file is refused, never opened).
"""

from __future__ import annotations

from pathlib import Path

from core.data.summary import DataSummary
from core.io import ModelFileError, read_regular_bytes

#: The largest metadata file read (CelebA's attribute table is about 26 MB).
MAX_TEXT_FILE_BYTES = 2**30
CP1252_NOTE = "not UTF-8; decoded as Windows-1252"


def read_lines(path: Path, summary: DataSummary, name: str | None = None) -> list[str] | None:
    """The lines of ``path`` (split on ``\\n`` only; ``\\r`` is left for the caller's whitespace
    handling), each decoded on its own; ``None`` with a skip if the file cannot be read."""
    name = name or path.name
    try:
        raw = read_regular_bytes(path, MAX_TEXT_FILE_BYTES)
    except ModelFileError as error:
        summary.skip(name, error.problem)
        return None
    raw = raw.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 byte-order mark
    lines = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        try:
            lines.append(line.decode("utf-8"))
        except UnicodeDecodeError:
            summary.convert(f"{name} line {number}", CP1252_NOTE)
            lines.append(line.decode("cp1252", errors="replace"))
    return lines


def read_text(path: Path, summary: DataSummary, name: str | None = None) -> str | None:
    """The text of ``path`` decoded line by line as :func:`read_lines` does; ``None`` if unreadable."""
    lines = read_lines(path, summary, name)
    return None if lines is None else "\n".join(lines)


def is_text(value: str) -> bool:
    """Whether ``value`` can be written as UTF-8: a JSON escape such as ``"\\udcff"`` decodes to a
    lone surrogate, which is not text and would fail later, far from the file it came from."""
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def clean_caption(text: object) -> str | None:
    """A caption with whitespace collapsed, or ``None`` if it is empty or not text."""
    if not isinstance(text, str):
        return None
    cleaned = " ".join(text.split())
    return cleaned or None
