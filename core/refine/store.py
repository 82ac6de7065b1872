"""Where a model's directions live: beside the model, else in the user's cache; computed once.

Lookup order for a model folder ``M`` (see :func:`directions_for`):

1. ``M/directions.safetensors`` — shipped with the bundled model, or written on first use when ``M``
   is writable;
2. ``$T2F_CACHE_DIR/directions/<model id>.safetensors`` (default ``~/.cache/t2f-desktop``) when the
   model folder is read-only.

A file is used only if its recorded model id is this model's (the weights' hash), so directions of
a retrained model are never applied to another.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable
from pathlib import Path

import torch

from core.io import ModelFileError
from core.refine.directions import DEFAULT_SAMPLES, Directions, Progress, compute_directions

DIRECTIONS_FILE = "directions.safetensors"


def model_id(model) -> str:  # noqa: ANN001 - a core.model.t2f.T2F
    """A short, stable id of a model's weights (sha256 of its state, in key order): 16 hex digits."""
    digest = hashlib.sha256()
    for name, tensor in sorted(model.state_dict().items()):
        digest.update(name.encode())
        digest.update(str(tuple(tensor.shape)).encode())
        digest.update(tensor.detach().to("cpu", torch.float32).contiguous().numpy().tobytes())
    return digest.hexdigest()[:16]


def cache_folder() -> Path:
    """The user cache for directions of read-only models."""
    from core.data.cache import resolve_cache_dir

    return resolve_cache_dir() / "directions"


def candidate_paths(model_folder: Path | None, ident: str) -> list[Path]:
    paths = [Path(model_folder) / DIRECTIONS_FILE] if model_folder is not None else []
    return paths + [cache_folder() / f"{ident}.safetensors"]


def find_directions(model, model_folder: Path | None) -> Directions | None:  # noqa: ANN001
    """Stored directions for this model, or None (a damaged or foreign file is skipped)."""
    ident = model_id(model)
    for path in candidate_paths(model_folder, ident):
        if not path.is_file():
            continue
        try:
            directions = Directions.load(path)
        except ModelFileError:
            continue
        if directions.meta.get("model_id") == ident:
            return directions
    return None


def _writable(folder: Path) -> bool:
    return folder.is_dir() and os.access(folder, os.W_OK)


def store_directions(directions: Directions, model_folder: Path | None) -> Path:
    """Save beside the model if its folder is writable, else in :func:`cache_folder`."""
    ident = directions.meta["model_id"]
    if model_folder is not None and _writable(Path(model_folder)):
        try:
            path = Path(model_folder) / DIRECTIONS_FILE
            directions.save(path)
            return path
        except OSError:
            pass
    path = cache_folder() / f"{ident}.safetensors"
    directions.save(path)
    return path


def directions_for(model, model_folder: Path | None, progress: Progress | None = None,  # noqa: ANN001
                   should_stop: Callable[[], bool] | None = None, samples: int = DEFAULT_SAMPLES,
                   seed: int = 0, judge=None) -> Directions:  # noqa: ANN001
    """The model's directions: stored ones, or computed now (with ``progress``) and stored."""
    found = find_directions(model, model_folder)
    if found is not None:
        return found
    directions = compute_directions(model, judge, samples, seed, progress, should_stop)
    directions.meta["model_id"] = model_id(model)
    try:
        store_directions(directions, model_folder)
    except OSError:
        pass  # computing them again next time is slower, never wrong
    return directions
