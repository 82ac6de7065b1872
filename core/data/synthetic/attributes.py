"""The public attribute table of the synthetic faces, and how attributes are sampled.

:data:`ATTRIBUTES` is the single source of truth for attribute names and their ordered values: the
renderer draws them, the caption generator words them, the evaluation's attribute classifier
predicts them and the app lists them. Value order is stable so that a value's position can serve as
a class index.

Sampling is not independent: real faces have correlations (beards on men, grey hair with age) and
captions that contradict common sense would teach the text encoder odd associations. Every value
still occurs in at least 5 % of images (``docs/data.md`` lists measured frequencies) so that a
classifier sees enough of each.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

#: Attribute name → its values, in a fixed order (the class index of a value is its position).
ATTRIBUTES: dict[str, tuple[str, ...]] = {
    "gender": ("man", "woman"),
    "age": ("young", "middle-aged", "old"),
    "skin_tone": ("pale", "tan", "brown", "dark"),
    "hair_color": ("black", "brown", "blonde", "red", "grey"),
    "hair_style": ("bald", "short", "long", "curly"),
    "eye_color": ("brown", "blue", "green"),
    "eyewear": ("none", "glasses", "sunglasses"),
    "facial_hair": ("none", "moustache", "beard"),
    "expression": ("smiling", "neutral", "surprised"),
    "face_shape": ("round", "oval", "long", "square"),
    "accessories": ("none", "hat", "earrings"),
    "background": ("white", "grey", "blue", "green", "yellow", "purple"),
}

Attributes = dict[str, str]

# Conditional weights.  Written as plain tables so the distribution can be read (and documented)
# without running anything; ``docs/data.md`` has the frequencies these produce.
_AGE = {"young": 0.40, "middle-aged": 0.33, "old": 0.27}
_GREY_BY_AGE = {"young": 0.03, "middle-aged": 0.15, "old": 0.60}
_HAIR_COLOR_NOT_GREY = {"black": 0.30, "brown": 0.30, "blonde": 0.25, "red": 0.15}
#: Darker skin makes black hair more likely (and blonde/red less), as in the real population.
_HAIR_COLOR_DARK_SKIN = {"black": 0.50, "brown": 0.30, "blonde": 0.12, "red": 0.08}
_BALD_BY_AGE = {"young": 0.08, "middle-aged": 0.22, "old": 0.40}
_MEN_HAIR_STYLE = {"short": 0.55, "long": 0.17, "curly": 0.28}
_WOMEN_HAIR_STYLE = {"short": 0.22, "long": 0.48, "curly": 0.30}
_EYE = {"brown": 0.45, "blue": 0.30, "green": 0.25}
_EYEWEAR_BY_AGE = {
    "young": {"none": 0.62, "glasses": 0.20, "sunglasses": 0.18},
    "middle-aged": {"none": 0.52, "glasses": 0.32, "sunglasses": 0.16},
    "old": {"none": 0.42, "glasses": 0.46, "sunglasses": 0.12},
}
_MEN_FACIAL_HAIR = {"none": 0.45, "moustache": 0.25, "beard": 0.30}
_EXPRESSION = {"smiling": 0.40, "neutral": 0.35, "surprised": 0.25}
_FACE_SHAPE = {"round": 0.25, "oval": 0.25, "long": 0.25, "square": 0.25}
_MEN_ACCESSORIES = {"none": 0.68, "hat": 0.27, "earrings": 0.05}
_WOMEN_ACCESSORIES = {"none": 0.40, "hat": 0.20, "earrings": 0.40}


def _pick(rng: np.random.Generator, weights: Mapping[str, float]) -> str:
    """One key of ``weights`` with probability proportional to its weight (one uniform draw)."""
    r = rng.random() * sum(weights.values())
    for value, weight in weights.items():
        r -= weight
        if r < 0:
            return value
    return next(reversed(weights))  # only reachable through rounding


def _uniform(rng: np.random.Generator, name: str) -> str:
    values = ATTRIBUTES[name]
    return values[int(rng.integers(len(values)))]


def sample_attributes(rng: np.random.Generator) -> Attributes:
    """Draw one face's attributes (every name in :data:`ATTRIBUTES`), with plausible correlations.

    * beards and moustaches only on men; women are never bald;
    * grey hair mostly when old, bald mostly older men, glasses more often with age;
    * earrings mostly on women;
    * hats never on bald heads: under a hat, bald and short hair would look the same, and every
      label must stay visible in the picture.
    """
    gender = _uniform(rng, "gender")
    age = _pick(rng, _AGE)
    skin = _uniform(rng, "skin_tone")
    if rng.random() < _GREY_BY_AGE[age]:
        hair_color = "grey"
    else:
        hair_color = _pick(rng, _HAIR_COLOR_DARK_SKIN if skin in ("brown", "dark") else _HAIR_COLOR_NOT_GREY)
    if gender == "man":
        hair_style = "bald" if rng.random() < _BALD_BY_AGE[age] else _pick(rng, _MEN_HAIR_STYLE)
        facial_hair = _pick(rng, _MEN_FACIAL_HAIR)
        accessories = _pick(rng, _MEN_ACCESSORIES)
    else:
        hair_style = _pick(rng, _WOMEN_HAIR_STYLE)
        facial_hair = "none"
        accessories = _pick(rng, _WOMEN_ACCESSORIES)
    if hair_style == "bald" and accessories == "hat":
        accessories = "none"
    return {
        "gender": gender,
        "age": age,
        "skin_tone": skin,
        "hair_color": hair_color,
        "hair_style": hair_style,
        "eye_color": _pick(rng, _EYE),
        "eyewear": _pick(rng, _EYEWEAR_BY_AGE[age]),
        "facial_hair": facial_hair,
        "expression": _pick(rng, _EXPRESSION),
        "face_shape": _pick(rng, _FACE_SHAPE),
        "accessories": accessories,
        "background": _uniform(rng, "background"),
    }


def validate_attributes(attributes: Mapping[str, str]) -> None:
    """Raise ``ValueError`` if a name or value is not in :data:`ATTRIBUTES` (partial dicts are fine)."""
    for name, value in attributes.items():
        if name not in ATTRIBUTES:
            raise ValueError(f"unknown attribute {name!r}; known: {', '.join(ATTRIBUTES)}")
        if value not in ATTRIBUTES[name]:
            raise ValueError(f"{name} must be one of {', '.join(ATTRIBUTES[name])}, got {value!r}")
