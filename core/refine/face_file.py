"""Faces as small files: ``*.t2fface``, JSON with the latents as base64 float32.

A face file holds what is needed to draw the face again and to go on refining it: the model's id
and name, the description, the drawn latent, the slider positions and the history of steps (each
with its base latent). It is plain JSON — opening one never executes anything — and every field is
checked for type and size before use, with one-line errors (:class:`core.io.ModelFileError`).
"""

from __future__ import annotations

import base64
import binascii
import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from core.io import ModelFileError, atomic_write_text, read_json
from core.refine.moves import check_sliders
from core.refine.session import KINDS, MAX_HISTORY, Refinement, Step

FACE_FORMAT = "t2f-desktop-face"
FACE_VERSION = 1
FACE_SUFFIX = ".t2fface"
MAX_FACE_BYTES = 8 * 2**20
MAX_DIM = 4096
MAX_TEXT = 20_000


def encode_latent(latent: torch.Tensor) -> str:
    return base64.b64encode(latent.detach().float().cpu().numpy().astype("<f4").tobytes()).decode("ascii")


def decode_latent(text: Any, dim: int, where: Path, what: str) -> torch.Tensor:
    if not isinstance(text, str) or len(text) > 4 * MAX_DIM * 2:
        raise ModelFileError(where, f"{what} is not a base64 latent")
    try:
        raw = base64.b64decode(text.encode("ascii"), validate=True)
    except (binascii.Error, UnicodeEncodeError, ValueError):
        raise ModelFileError(where, f"{what} is not valid base64") from None
    if len(raw) != 4 * dim:
        raise ModelFileError(where, f"{what} holds {len(raw) // 4} numbers, expected {dim}")
    values = np.frombuffer(raw, dtype="<f4").astype(np.float32)
    if not np.isfinite(values).all():
        raise ModelFileError(where, f"{what} holds non-finite numbers")
    return torch.from_numpy(values.copy())


@dataclass
class FaceFile:
    """A face file's content, checked (no model needed to read it)."""

    model_id: str
    model_name: str
    ca_dim: int
    noise_dim: int
    description: str
    seed: int
    truncation: float
    latent: torch.Tensor
    sliders: dict[str, float]
    steps: list[Step]
    current: int

    def check_model(self, model, ident: str | None = None) -> str:  # noqa: ANN001
        """Raise if ``model`` cannot draw this face; return a warning ("" if none) when it is
        another model of the same shape (the face will look different)."""
        if (model.config.ca_dim, model.config.noise_dim) != (self.ca_dim, self.noise_dim):
            raise ValueError(f"this face was made with a model whose latent is {self.ca_dim}+{self.noise_dim} "
                             f"numbers; the loaded model's is {model.config.ca_dim}+{model.config.noise_dim}")
        if ident is not None and ident != self.model_id:
            name = f" ({self.model_name})" if self.model_name else ""
            return f"this face was made with another model{name}; it will look different"
        return ""

    def refinement(self, model, directions=None) -> Refinement:  # noqa: ANN001
        """Go on refining: the steps, the position in them and the slider positions restored."""
        self.check_model(model)
        first = self.steps[0]
        session = Refinement(model, first.text, first.base, seed=self.seed, truncation=self.truncation,
                             directions=directions, kind=first.kind, label=first.label)
        session.steps = list(self.steps)
        session.index = self.current
        return session


def face_dict(session: Refinement, model_id: str, model_name: str = "") -> dict[str, Any]:
    """The JSON object of a face file for ``session`` (its drawn latent computed now)."""
    config = session.model.config
    return {
        "format": FACE_FORMAT, "version": FACE_VERSION,
        "model": {"id": model_id, "name": model_name, "ca_dim": config.ca_dim, "noise_dim": config.noise_dim},
        "description": session.text, "seed": session.seed, "truncation": session.truncation,
        "latent": encode_latent(session.latent()), "sliders": session.sliders,
        "history": [{"kind": s.kind, "label": s.label, "text": s.text, "base": encode_latent(s.base),
                     "sliders": dict(s.sliders)} for s in session.steps],
        "current": session.index,
    }


def save_face(path: str | Path, session: Refinement, model_id: str, model_name: str = "") -> Path:
    """Write ``session`` as a face file (atomically); adds ``.t2fface`` when the name has no suffix."""
    path = Path(path)
    if not path.suffix:
        path = path.with_suffix(FACE_SUFFIX)
    atomic_write_text(path, json.dumps(face_dict(session, model_id, model_name), indent=1) + "\n")
    return path


def _get(obj: dict, key: str, kind: type | tuple[type, ...], where: Path, what: str | None = None) -> Any:
    value = obj.get(key)
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ModelFileError(where, f"{what or key} is missing or of the wrong type")
    return value


def _text(value: Any, where: Path, what: str) -> str:
    if not isinstance(value, str) or len(value) > MAX_TEXT:
        raise ModelFileError(where, f"{what} must be text of at most {MAX_TEXT} characters")
    return value


def _sliders(value: Any, where: Path) -> dict[str, float]:
    if not isinstance(value, dict) or len(value) > 64:
        raise ModelFileError(where, "sliders must be an object of ATTRIBUTE=VALUE: number")
    try:
        return check_sliders(value)
    except ValueError as error:
        raise ModelFileError(where, f"sliders: {error}") from None


def load_face(path: str | Path) -> FaceFile:
    """Read and check a face file (size, format, version, every field's type and size)."""
    where = Path(path)
    data = read_json(where, MAX_FACE_BYTES)
    if not isinstance(data, dict) or data.get("format") != FACE_FORMAT:
        raise ModelFileError(where, "not a T2F Desktop face file")
    if data.get("version") != FACE_VERSION:
        raise ModelFileError(where, f"face file version {data.get('version')!r} is not supported (expected {FACE_VERSION})")
    model = _get(data, "model", dict, where)
    ca_dim, noise_dim = _get(model, "ca_dim", int, where, "model.ca_dim"), _get(model, "noise_dim", int, where,
                                                                                 "model.noise_dim")
    if not (1 <= ca_dim <= MAX_DIM and 1 <= noise_dim <= MAX_DIM):
        raise ModelFileError(where, f"implausible latent size {ca_dim}+{noise_dim}")
    dim = ca_dim + noise_dim
    seed = _get(data, "seed", int, where)
    truncation = float(_get(data, "truncation", (int, float), where))
    if not 0 <= seed < 2**32 or not math.isfinite(truncation) or truncation < 0:
        raise ModelFileError(where, "seed or truncation out of range")
    history = _get(data, "history", list, where)
    if not 1 <= len(history) <= MAX_HISTORY:
        raise ModelFileError(where, f"history must hold 1 to {MAX_HISTORY} steps")
    steps = []
    for i, entry in enumerate(history):
        if not isinstance(entry, dict) or entry.get("kind") not in KINDS:
            raise ModelFileError(where, f"history step {i} is not a step")
        steps.append(Step(entry["kind"], _text(entry.get("label", ""), where, f"step {i} label"),
                          _text(entry.get("text"), where, f"step {i} text"),
                          decode_latent(entry.get("base"), dim, where, f"step {i} latent"),
                          _sliders(entry.get("sliders", {}), where)))
    current = _get(data, "current", int, where)
    if not 0 <= current < len(steps):
        raise ModelFileError(where, f"current step {current} is not in the history")
    return FaceFile(_text(model.get("id", ""), where, "model.id"), _text(model.get("name", ""), where, "model.name"),
                    ca_dim, noise_dim, _text(data.get("description"), where, "description"), seed, truncation,
                    decode_latent(data.get("latent"), dim, where, "latent"), _sliders(data.get("sliders", {}), where),
                    steps, current)
