"""Training checkpoints: everything needed to continue a run exactly, in one safetensors file.

Tensors (weights, optimizer moments, RNG states) go in the file body; the rest (schedule position,
optimizer hyper-parameters, sampler cursor) goes in the header's metadata as JSON. The file is
written atomically, so a crash while saving leaves the previous checkpoint untouched, and reading
it can never execute code.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import torch

from core.io import ModelFileError, load_tensors, read_metadata, save_tensors

CHECKPOINT_FORMAT = "t2f-desktop-checkpoint"
_NAME = re.compile(r"^step_(\d{8,})\.safetensors$")


def flatten_optimizer(prefix: str, state: dict[str, Any], tensors: dict[str, torch.Tensor]) -> dict[str, Any]:
    """Move an optimizer state dict's tensors into ``tensors``; return the JSON-able remainder."""
    entries: dict[str, list[str]] = {}
    for index, values in state["state"].items():
        names = []
        for name, value in values.items():
            tensor = value if isinstance(value, torch.Tensor) else torch.tensor(value)
            tensors[f"{prefix}.state.{index}.{name}"] = tensor
            names.append(name)
        entries[str(index)] = names
    return {"param_groups": state["param_groups"], "entries": entries}


def unflatten_optimizer(prefix: str, meta: dict[str, Any], tensors: dict[str, torch.Tensor]) -> dict[str, Any]:
    """Inverse of :func:`flatten_optimizer`."""
    state = {int(index): {name: tensors[f"{prefix}.state.{index}.{name}"] for name in names}
             for index, names in meta["entries"].items()}
    return {"state": state, "param_groups": meta["param_groups"]}


def checkpoint_name(step: int) -> str:
    return f"step_{step:08d}.safetensors"


def list_checkpoints(folder: Path) -> list[Path]:
    """Checkpoints in ``folder``, oldest first (by step number)."""
    if not folder.is_dir():
        return []
    found = [(int(m.group(1)), p) for p in folder.iterdir() if (m := _NAME.match(p.name))]
    return [p for _, p in sorted(found)]


def save_checkpoint(path: Path, tensors: dict[str, torch.Tensor], meta: dict[str, Any]) -> None:
    """Write one checkpoint atomically (temp file, fsync, rename)."""
    save_tensors(path, tensors, metadata={"format": CHECKPOINT_FORMAT, "meta": json.dumps(meta)})


def load_checkpoint(path: Path) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
    """Read a checkpoint; a file that is not one gives a one-line :class:`ModelFileError`."""
    tensors, metadata = load_tensors(path)
    if metadata.get("format") != CHECKPOINT_FORMAT or "meta" not in metadata:
        raise ModelFileError(path, "not a T2F Desktop training checkpoint")
    try:
        meta = json.loads(metadata["meta"])
    except json.JSONDecodeError as error:
        raise ModelFileError(path, f"checkpoint metadata is corrupt ({error})") from None
    return tensors, meta


def checkpoint_images_seen(path: Path) -> int:
    """How many images the run had seen at this checkpoint, from its header alone (no tensors read)."""
    metadata = read_metadata(path)
    try:
        if metadata.get("format") != CHECKPOINT_FORMAT:
            raise ValueError("not a training checkpoint")
        return int(json.loads(metadata["meta"])["images_seen"])
    except (KeyError, TypeError, ValueError) as error:
        raise ModelFileError(path, f"checkpoint metadata is unreadable ({error})") from None


def prune_checkpoints(folder: Path, keep: int) -> None:
    """Delete all but the newest ``keep`` checkpoints."""
    for old in list_checkpoints(folder)[: max(0, len(list_checkpoints(folder)) - keep)]:
        old.unlink(missing_ok=True)


def sub_state(tensors: dict[str, torch.Tensor], prefix: str) -> dict[str, torch.Tensor]:
    """The entries of ``tensors`` under ``prefix.`` with the prefix removed."""
    start = len(prefix) + 1
    return {k[start:]: v for k, v in tensors.items() if k.startswith(prefix + ".")}
