"""Near-miss captions: true of a face except for exactly one mentioned attribute."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest

from core.data.base import TensorTextFaceDataset
from core.data.synthetic import ATTRIBUTES, SyntheticFaces, make_caption
from core.data.synthetic.near_miss import changeable, near_miss_caption
from tests.data.test_data_captions import wordings


@pytest.fixture(scope="module")
def faces() -> SyntheticFaces:
    return SyntheticFaces(200, resolution=16)


def test_exactly_one_mentioned_attribute_is_wrong_and_it_is_worded(faces: SyntheticFaces) -> None:
    rng = np.random.default_rng(0)
    changed = Counter()
    for index in range(len(faces)):
        attributes = faces.attributes(index)
        for _ in range(3):
            caption, name = near_miss_caption(attributes, rng)
            wrong = {n for n, value in caption.mentioned.items() if attributes[n] != value}
            assert wrong == {name}, (attributes, caption)
            value = caption.mentioned[name]
            assert any(w.lower() in caption.text.lower() for w in wordings(name, value)), caption.text
            changed[name] += 1
    # Drawn uniformly over the attributes the face allows: every one of them turns up often.
    assert set(changed) == set(ATTRIBUTES)
    assert min(changed.values()) > 0.4 * len(faces) * 3 / len(ATTRIBUTES), changed


def test_never_an_unsayable_change(faces: SyntheticFaces) -> None:
    woman = next(faces.attributes(i) for i in range(len(faces)) if faces.attributes(i)["gender"] == "woman")
    options = changeable(woman)
    assert "facial_hair" not in options  # a woman's facial hair is never worded
    no_accessories = dict(woman, accessories="hat")
    assert changeable(no_accessories)["accessories"] == ["earrings"]  # "none" is never worded either


def test_must_mention_forces_the_attribute_in() -> None:
    attributes = SyntheticFaces(1).attributes(0)
    for name in ("eye_color", "background", "expression"):
        for seed in range(20):
            assert name in make_caption(attributes, np.random.default_rng(seed), must_mention=name).mentioned


def test_near_misses_are_seeded_and_follow_the_split(faces: SyntheticFaces) -> None:
    first = faces.near_miss_captions(3, 4, np.random.default_rng(7))
    assert first == faces.near_miss_captions(3, 4, np.random.default_rng(7))
    assert len(first) == 4 and all(text not in faces.captions(3) for text in first)
    paraphrase = SyntheticFaces(5, resolution=16, split="paraphrase")
    held_out = paraphrase.near_miss_captions(0, 2, np.random.default_rng(7))
    same_seed_train = SyntheticFaces(5, resolution=16).near_miss_captions(0, 2, np.random.default_rng(7))
    assert held_out != same_seed_train


def test_datasets_that_do_not_write_their_captions_offer_none() -> None:
    images = np.zeros((2, 8, 8, 3), dtype=np.uint8)
    data = TensorTextFaceDataset(images, [["a red square"], ["a blue circle"]], [{"gender": "man"}, None])
    assert data.near_miss_captions(0, 3, np.random.default_rng(0)) == []
