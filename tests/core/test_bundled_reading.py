"""How the shipped model reads people's words: colour words go to their noun, a cap is a hat, and a
description's own words are read through pretrained word vectors (issue 23's text-path cases)."""

from __future__ import annotations

from pathlib import Path

import pytest
import torch

from core.model.t2f import T2F

BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "models" / "default"


@pytest.fixture(scope="module")
def model() -> T2F:
    return T2F.load(BUNDLED, device="cpu")


def _condition(model: T2F, text: str) -> torch.Tensor:
    with torch.no_grad():
        return model.text_condition([text])[0][0]


@pytest.mark.parametrize(("text", "same_as", "not_as"), [
    # "black" about a person is skin; about hair it is the hair's colour.
    ("a young black woman with curly hair", "a young dark-skinned woman with curly hair",
     "a young woman with curly black hair"),
    ("a woman with black hair", "a woman with jet-black hair", "a dark-skinned woman"),
    # A colour that belongs to something else says nothing about the face.
    ("a woman with brown hair wearing red lipstick", "a woman with brown hair", "a woman with red hair"),
    ("a man in a blue shirt", "a man", "a man on a blue background"),
    # A cap is a hat.
    ("a man wearing a cap", "a man with a hat", "a man"),
])
def test_words_are_read_by_the_noun_they_belong_to(model, text, same_as, not_as):
    reading = _condition(model, text)
    assert (reading - _condition(model, same_as)).norm() < (reading - _condition(model, not_as)).norm()


def test_the_shipped_model_reads_through_word_vectors_and_reads_long_text_whole(model):
    assert model.config.word_vectors == "wordllama-256" and model.tokenizer.max_tokens >= 256
    long = ("She is a tall woman who seems tired, with thick eyebrows, a small chin and a long neck. " * 9
            + "Her hair is long and curly and red.")
    assert len(long) > 800 and model.read(long).characters_read is None
    assert not torch.allclose(_condition(model, long), _condition(model, long.replace("red.", "black.")))
