"""Attribute sliders: which ones there are, and how their positions become a latent.

A face being refined is a *base* latent plus slider positions. The drawn latent is always computed
afresh as ``base + Σ amount·step`` (in a fixed order), never accumulated move by move, so moving a
slider and moving it back returns the starting latent exactly, bit for bit.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import torch

from core.data.synthetic import ATTRIBUTES
from core.refine.directions import Directions, parse_key

#: The slider range, in units of :data:`core.refine.directions.UNIT` score spreads.
MIN_AMOUNT, MAX_AMOUNT = -3.0, 3.0


@dataclass(frozen=True)
class Slider:
    """One row of the attribute panel: ``attribute`` pushed toward ``value`` (a choice when
    ``choices`` has several; the first is the default)."""

    label: str
    attribute: str
    choices: tuple[str, ...]

    @property
    def default_key(self) -> str:
        return f"{self.attribute}={self.choices[0]}"


#: Every attribute the judge reads, in the order a witness would reach for them.
SLIDERS: tuple[Slider, ...] = (
    Slider("Age (older)", "age", ("old", "young", "middle-aged")),
    Slider("Smile", "expression", ("smiling", "surprised", "neutral")),
    Slider("Glasses", "eyewear", ("glasses", "sunglasses", "none")),
    Slider("Beard", "facial_hair", ("beard",)),
    Slider("Moustache", "facial_hair", ("moustache",)),
    Slider("Hair colour", "hair_color", ("grey", "black", "brown", "blonde", "red")),
    Slider("Hair style", "hair_style", ("curly", "long", "short", "bald")),
    Slider("Skin tone (darker)", "skin_tone", ("dark", "brown", "tan", "pale")),
    Slider("Face shape", "face_shape", ("round", "oval", "long", "square")),
    Slider("Hat", "accessories", ("hat",)),
    Slider("Earrings", "accessories", ("earrings",)),
    Slider("Background", "background", ("blue", "white", "grey", "green", "yellow", "purple")),
    Slider("Gender (woman)", "gender", ("woman", "man")),
    Slider("Eye colour", "eye_color", ("blue", "green", "brown")),
)
assert {s.attribute for s in SLIDERS} == set(ATTRIBUTES), "every attribute the judge reads has a slider"


def check_sliders(sliders: Mapping[str, float]) -> dict[str, float]:
    """Slider positions ``{"age=old": 1.5}``, checked and normalised; zeros dropped."""
    out = {}
    for key, amount in sliders.items():
        name, value = parse_key(key)
        if isinstance(amount, bool) or not isinstance(amount, (int, float)):
            raise ValueError(f"slider {key} must be a number, got {amount!r}")
        amount = float(amount)
        if not MIN_AMOUNT <= amount <= MAX_AMOUNT:
            raise ValueError(f"slider {key} must be between {MIN_AMOUNT:g} and {MAX_AMOUNT:g}, got {amount:g}")
        if amount != 0.0:
            out[f"{name}={value}"] = amount
    return dict(sorted(out.items()))


def apply_sliders(base: torch.Tensor, sliders: Mapping[str, float], directions: Directions | None,
                  parts: tuple[str, ...] = ("condition",)) -> torch.Tensor:
    """The latent drawn for ``base`` with ``sliders`` set: ``base + Σ amount·step(key)``.

    Works on one latent or an ``N×D`` stack (the same moves for every row). With every slider at
    zero the result equals ``base`` exactly.
    """
    sliders = check_sliders(sliders)
    if not sliders:
        return base.clone()
    if directions is None:
        raise ValueError("attribute sliders need the model's directions (not computed yet)")
    total = torch.zeros(base.shape[-1], dtype=torch.float64)
    for key, amount in sliders.items():  # sorted: the same sum in the same order every time
        total += amount * directions.step(key, parts).double()
    return base + total.to(base)
