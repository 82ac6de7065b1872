"""Free-style descriptions: they state exactly what they are asked to, colour words go to their
noun, and held-out wordings never reach the train split."""

from __future__ import annotations

import re

import numpy as np
import pytest

from core.data.synthetic import free_style_words as words
from core.data.synthetic.attributes import ATTRIBUTES, sample_attributes
from core.data.synthetic.free_style import choose_stated, describe


def _faces(count: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    for _ in range(count):
        face = sample_attributes(rng)
        stated = choose_stated(face, rng)
        yield face, stated, describe(face, stated, rng)


def test_descriptions_are_deterministic_for_a_seed():
    first = [text for _, _, text in _faces(50, seed=3)]
    assert first == [text for _, _, text in _faces(50, seed=3)]
    assert len(set(first)) == 50


def test_an_independent_reader_finds_gender_hats_and_backgrounds_exactly_where_stated():
    woman = re.compile(r"\b(woman|lady|female|gal|girl|granny|she|her)\b", re.I)
    man = re.compile(r"\b(man|guy|gentleman|male|fellow|dude|boy|grandpa|he|his|him)\b", re.I)
    for face, stated, text in _faces(1500):
        if "gender" in stated:
            expected, other = (woman, man) if face["gender"] == "woman" else (man, woman)
            assert expected.search(text) and not other.search(text), text
        else:
            assert not woman.search(text) and not man.search(text), text
        said_background = re.search(r"background|backdrop|against an? [\w -]+? wall", text, re.I)
        assert bool(said_background) == ("background" in stated), text
        if "accessories" not in stated:
            assert not re.search(r"\b(hat|cap|beanie|beret|fedora|earrings)\b", text, re.I), text
        if "facial_hair" in stated and face.get("gender") == "woman":
            pytest.fail(f"a woman's facial hair stated: {text}")


def test_colour_words_go_to_their_noun():
    rng = np.random.default_rng(0)
    skin_only = {"gender": "woman", "skin_tone": "dark", "hair_style": "curly", "hair_color": "red"}
    seen_black_woman = False
    for _ in range(400):
        text = describe(skin_only, ["gender", "skin_tone", "hair_style"], rng)
        assert not re.search(r"\bred\b.*\bhair\b|\bhair\b.*\bred\b", text.split(".")[0]) or "lipstick" in text
        seen_black_woman |= bool(re.search(r"\b(black|dark-skinned)\b [a-z ]*?\b(woman|lady|gal|female|girl)\b", text))
    assert seen_black_woman  # "a black woman with curly hair" states skin, not hair colour
    for _ in range(200):  # hair colour stated, skin not: "black" is always the hair's
        text = describe({"gender": "woman", "hair_color": "black", "skin_tone": "pale"}, ["gender", "hair_color"], rng)
        assert "skin" not in text and "complexion" not in text and not re.search(r"\bblack (woman|lady|gal)", text)


def test_descriptions_talk_about_what_is_not_drawn_with_colours_of_other_things():
    texts = [text for _, _, text in _faces(800)]
    assert sum("lipstick" in t or "nail polish" in t or "collar" in t for t in texts) > 40
    assert sum(len(t.split()) > 40 for t in texts) > 80 and max(len(t.split()) for t in texts) <= 130


def test_every_value_is_worded_in_both_splits_and_held_out_words_stay_out_of_training():
    rng = np.random.default_rng(1)
    train_text = " ".join(describe(f, list(f), rng) for f in (sample_attributes(rng) for _ in range(3000))).lower()
    held = " ".join(describe(f, list(f), rng, "held_out") for f in (sample_attributes(rng) for _ in range(3000)))
    for table in (words.HAIR_COLOUR, words.EYE, words.BACKGROUND, words.SKIN_PHRASE, words.HAIR_STYLE):
        for value, choice in table.items():
            for word in choice.held_out:
                assert not re.search(rf"\b{re.escape(word)}\b", train_text), word
                assert word in held.lower(), word
    for value in ATTRIBUTES["hair_color"]:
        assert any(w in train_text for w in words.HAIR_COLOUR[value].train)
