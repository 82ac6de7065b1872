"""Checks on the files the CLI writes, made before any work so a mistake costs nothing.

An output is refused at once, with one line, when it could never be written as asked: a device,
FIFO or folder where a file was meant, an extension whose format is not written (``face.jpg`` gets
JPEG bytes, ``face.gif`` from ``generate`` is refused), or a ``--scale`` that would need gigabytes.
"""

from __future__ import annotations

import argparse
import os
from pathlib import Path

from core.cli.errors import CLIError
from core.image_files import ANIMATION_FORMATS, animation_format, image_format
from core.output_files import OutputPathError, check_output_target

#: The largest enlargement accepted; the picture's own size is checked once the model is known.
MAX_SCALE = 32


def scale_factor(text: str) -> int:
    """``--scale``: a whole number from 1 to :data:`MAX_SCALE`."""
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if not 1 <= value <= MAX_SCALE:
        raise argparse.ArgumentTypeError(f"must be between 1 and {MAX_SCALE}, got {value}")
    return value


def _check_folder(path: Path) -> None:
    parent = path.resolve().parent
    if not parent.is_dir():
        raise CLIError(f"output folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise CLIError(f"output folder {parent} is not writable")


def _check_target(path: Path) -> None:
    try:
        check_output_target(path)
    except OutputPathError as error:
        raise CLIError(str(error)) from None


def image_output(path: Path, make_folder: bool = False) -> Path:
    """``path`` if a still image can be written there in the format its extension names;
    ``make_folder`` creates its folder once the rest is known to be fine."""
    _check_target(path)
    try:
        image_format(path)
    except ValueError as error:
        raise CLIError(str(error)) from None
    if make_folder:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise CLIError(f"cannot create the output folder {path.parent} ({error.strerror or error})") from None
    _check_folder(path)
    return path


def animation_output(path: Path) -> str | None:
    """How ``interpolate -o path`` is written: a PIL animation format, or ``None`` for a folder of
    PNG frames (an existing folder, or a name without an extension)."""
    if path.is_dir():
        return None
    fmt = animation_format(path)
    if fmt is None and path.suffix == "":
        if path.exists():
            raise CLIError(f"{path}: exists and is not a folder; give a folder for frames, or a file "
                           f"name ending in {', '.join(ANIMATION_FORMATS)}")
        _check_folder(path)
        return None
    if fmt is None:
        raise CLIError(f"{path}: cannot write a '{path.suffix}' animation; use .gif, .png (animated PNG) or "
                       ".webp (animated WebP), or a folder name without an extension for one PNG per frame")
    _check_target(path)
    _check_folder(path)
    return fmt
