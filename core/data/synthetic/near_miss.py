"""Near-miss captions: describe a face correctly except for exactly one attribute.

Why. The critic learns which caption belongs to which face by ranking each face's own caption
above the other captions of its batch (:func:`core.losses.contrastive_matching_loss`). Random
captions differ from the right one in many attributes at once, so the batch can be ranked from the
easy, large cues alone — background, skin tone, hair colour — and nothing asks the critic to look at
the eyes, the mouth or the age lines. ``python -m core.evaluate.critic_probe`` measured exactly
that after the matching warm-up and a whole 64×64 run: gender, age, eye colour, facial hair and
expression at chance, and the generator drew them at chance too. A near miss of a face is a caption
that agrees with it on everything it mentions except one attribute, so ranking the true caption
above it *requires* reading that attribute. The changed attribute is drawn uniformly over the
attributes, so the small ones get as much pressure as the large ones.

The near miss is a fresh caption (its own wording and choice of what else to mention), not an edit
of the positive one: the critic must check every attribute a caption mentions against the face,
rather than spot the one word in which two strings differ.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from core.data.synthetic.attributes import ATTRIBUTES
from core.data.synthetic.captions import Caption, can_mention, make_caption


def changeable(attributes: Mapping[str, str]) -> dict[str, list[str]]:
    """Attribute name → the other values it can take such that a caption can still word it."""
    options: dict[str, list[str]] = {}
    for name, values in ATTRIBUTES.items():
        if name not in attributes:
            continue
        others = [value for value in values
                  if value != attributes[name] and can_mention({**attributes, name: value}, name)]
        if others:
            options[name] = others
    return options


def near_miss_caption(attributes: Mapping[str, str], rng: np.random.Generator,
                      paraphrase: bool = False) -> tuple[Caption, str] | None:
    """A caption that is true of ``attributes`` except for one mentioned attribute, and that name.

    ``None`` when no attribute can be changed (too few known attributes).
    """
    options = changeable(attributes)
    if not options:
        return None
    names = sorted(options)
    name = names[int(rng.integers(len(names)))]
    value = options[name][int(rng.integers(len(options[name])))]
    caption = make_caption({**attributes, name: value}, rng, paraphrase, must_mention=name)
    return caption, name


def near_miss_captions(attributes: Mapping[str, str], count: int, rng: np.random.Generator,
                       paraphrase: bool = False) -> list[str]:
    """``count`` near-miss caption texts for one face (fewer only if none can be made)."""
    texts = []
    for _ in range(count):
        made = near_miss_caption(attributes, rng, paraphrase)
        if made is not None:
            texts.append(made[0].text)
    return texts
