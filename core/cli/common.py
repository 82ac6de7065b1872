"""Argument checks shared by the CLI commands (one-line errors for bad values)."""

from __future__ import annotations

import argparse
import os
from collections.abc import Callable
from pathlib import Path

from core.cli.errors import CLIError

DEFAULT_MODEL = Path(__file__).resolve().parents[2] / "resources" / "models" / "default"


def seed_value(text: str) -> int:
    from core.model.t2f import MAX_SEED  # here, not at the top: building the parser must not load torch

    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"seed must be an integer, got {text!r}") from None
    if not 0 <= value <= MAX_SEED:
        raise argparse.ArgumentTypeError(f"seed must be between 0 and {MAX_SEED}, got {value}")
    return value


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a positive integer, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, got {value}")
    return value


def bounded_int(low: int, high: int) -> Callable[[str], int]:
    """An argparse type for integers in ``low..high``; the message names the range."""

    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected an integer from {low} to {high:,}, got {text!r}") from None
        if not low <= value <= high:
            raise argparse.ArgumentTypeError(f"must be from {low} to {high:,}, got {value:,}")
        return value

    parse.__name__ = f"integer {low}..{high}"
    return parse


def non_negative_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not value >= 0 or value == float("inf"):
        raise argparse.ArgumentTypeError(f"must be a finite number ≥ 0, got {text}")
    return value


def writable_output(path: Path) -> Path:
    """Fail before any work when the output file cannot be written."""
    parent = path.resolve().parent
    if path.is_dir():
        raise CLIError(f"output path {path} is a folder; give a file name")
    if not parent.is_dir():
        raise CLIError(f"output folder {parent} does not exist")
    if not os.access(parent, os.W_OK):
        raise CLIError(f"output folder {parent} is not writable")
    return path


def load_model(path: str | None, device: str):
    """The model at ``path`` or, with none, the bundled default; a clear error when neither exists."""
    from core.model.t2f import T2F

    if path is None:
        if not (DEFAULT_MODEL / "config.json").is_file():
            raise CLIError("no model given and no bundled default model in resources/models/default; "
                           "pass --model MODEL_OR_RUN_FOLDER")
        path = str(DEFAULT_MODEL)
    return T2F.load(path, device=device)


def model_folder(path: str | None) -> Path:
    """The folder :func:`load_model` reads for ``path`` (a run folder's ``model/``; the bundled model
    when ``None``)."""
    from core.model.t2f import resolve_model_folder

    return resolve_model_folder(Path(path) if path is not None else DEFAULT_MODEL)


def add_model_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", help="model folder or run folder (default: the bundled model)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps (default: auto)")
