"""Checks on a model folder's ``config.json`` before anything is built from it.

A model folder may come from anyone. Its ``config.json`` decides how much memory the networks take,
so the sizes are bounded and every field's type is checked *before* a layer is allocated:
``"channels": [20000, ...]`` is refused in microseconds instead of allocating gigabytes, and a
string version or a fractional width is a one-line :class:`~core.io.ModelFileError`, not a
traceback from deep inside a layer constructor.

The bounds are far above any model this project trains (the largest preset is a few million
parameters) and well below what would exhaust a desktop's memory.
"""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path
from typing import Any

from core.config import ModelConfig
from core.io import ModelFileError

#: Largest width of any layer (channels per resolution, latent and text sizes).
MAX_WIDTH = 4096
#: Per-field bounds; an integer field not listed here is bounded by :data:`MAX_COUNT`.
FIELD_LIMITS: dict[str, int] = {
    "resolution": 1024,
    "vocab_size": 262_144,
    "max_tokens": 4096,
    "text_layers": 16,
    "mbstd_group": 1024,
}
MAX_COUNT = 1 << 20
#: Largest generator + text encoder allowed, in parameters (about 1.2 GB as float32).
MAX_PARAMETERS = 300_000_000
#: Largest ``images_seen`` / ``step`` a model can claim (well past any real run, still exact as float).
MAX_PROGRESS = 2**53


def _is_int(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_number(value: object) -> bool:
    return (_is_int(value) or isinstance(value, float)) and math.isfinite(value)


def _limit(name: str) -> int:
    return FIELD_LIMITS.get(name, MAX_WIDTH if "dim" in name or "hidden" in name else MAX_COUNT)


def _check_field(name: str, value: object, default: object, path: Path) -> None:
    """One ``model`` field against the type of its default and its bound."""
    def refuse(problem: str) -> None:
        raise ModelFileError(path, f"model field {name!r} {problem}, got {value!r:.60}")

    if isinstance(default, bool):
        if not isinstance(value, bool):
            refuse("must be true or false")
    elif isinstance(default, int):
        if not _is_int(value):
            refuse("must be a whole number")
        if not 0 <= value <= _limit(name):
            refuse(f"must be between 0 and {_limit(name)}")
    elif isinstance(default, float):
        if not _is_number(value):
            refuse("must be a finite number")
    elif isinstance(default, str):
        if not isinstance(value, str):
            refuse("must be text")
    elif isinstance(default, tuple):
        if not isinstance(value, list) or not all(_is_int(v) for v in value):
            refuse("must be a list of whole numbers")
        if len(value) > 16 or any(not 0 < v <= MAX_WIDTH for v in value):
            refuse(f"must hold at most 16 widths, each between 1 and {MAX_WIDTH}")


def check_model_fields(data: object, path: Path) -> dict[str, Any]:
    """``data`` (the ``model`` object of a model's config.json) if every known field is well typed
    and within bounds; unknown fields are left for :meth:`ModelConfig.from_dict` to name."""
    if not isinstance(data, dict):
        raise ModelFileError(path, "its \"model\" entry must be an object of architecture fields")
    defaults = {f.name: f.default if f.default is not dataclasses.MISSING else f.default_factory()  # type: ignore[misc]
                for f in dataclasses.fields(ModelConfig)}
    for name, value in data.items():
        if name in defaults:
            _check_field(name, value, defaults[name], path)
    return data


def estimated_parameters(config: ModelConfig) -> int:
    """Parameters of the generator and text encoder that :class:`~core.model.t2f.T2F` would allocate
    (weights and biases of every layer; counted, not built)."""
    widths = config.channels
    total = config.latent_dim * widths[0] * 16 + widths[0] * 16 + 9 * widths[0] ** 2 + widths[0]
    for before, after in zip(widths, widths[1:]):
        total += 9 * before * after + 9 * after * after + 2 * after
    total += sum(3 * w + 3 for w in widths)
    total += config.vocab_size * config.embedding_dim
    inputs = config.embedding_dim
    for _ in range(config.text_layers):
        total += 4 * config.text_hidden * (inputs + config.text_hidden + 2)
        inputs = config.text_hidden
    total += config.text_hidden * 2 * config.ca_dim * 2
    return total


def check_size(config: ModelConfig, path: Path) -> None:
    """Refuse an architecture whose networks would be unreasonably large for this application."""
    count = estimated_parameters(config)
    if count > MAX_PARAMETERS:
        raise ModelFileError(path, f"describes a model of about {count:,} parameters; "
                                   f"the most this application loads is {MAX_PARAMETERS:,}")


def check_version(meta: dict[str, Any], newest: int, path: Path) -> None:
    """The format version must be a whole number this code knows."""
    version = meta.get("version", 0)
    if not _is_int(version):
        raise ModelFileError(path, f"\"version\" must be a whole number, got {version!r:.40}")
    if version > newest:
        raise ModelFileError(path, f"made by a newer version (format {version})")


def check_info(info: object, config: ModelConfig, path: Path) -> dict[str, Any]:
    """The ``info`` object (where training stood): typed, and a depth the architecture has."""
    if not isinstance(info, dict):
        raise ModelFileError(path, "its \"info\" entry must be an object")
    checks = {
        "depth": lambda v: _is_int(v) and 0 <= v < config.depths,
        "alpha": lambda v: _is_number(v) and 0.0 <= v <= 1.0,
        "images_seen": lambda v: _is_int(v) and 0 <= v <= MAX_PROGRESS,
        "step": lambda v: _is_int(v) and 0 <= v <= MAX_PROGRESS,
        "dataset": lambda v: isinstance(v, str),
    }
    wanted = {
        "depth": f"a whole number from 0 to {config.depths - 1}", "alpha": "a number from 0 to 1",
        "images_seen": "a whole number ≥ 0", "step": "a whole number ≥ 0", "dataset": "text",
    }
    for name, value in info.items():
        if name in checks and not checks[name](value):
            raise ModelFileError(path, f"info field {name!r} must be {wanted[name]}, got {value!r:.60}")
    return info


def check_max_tokens(value: object, path: Path) -> int:
    if not _is_int(value) or not 1 <= value <= FIELD_LIMITS["max_tokens"]:
        raise ModelFileError(path, f"\"max_tokens\" must be a whole number from 1 to {FIELD_LIMITS['max_tokens']}, "
                                   f"got {value!r:.40}")
    return value
