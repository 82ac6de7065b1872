"""The help's vocabulary and examples: taken from the training words, and they really draw."""

from pathlib import Path

import pytest

from core.data.synthetic import ATTRIBUTES
from core.describing import EXAMPLES, attribute_words, unknown_words, words_of

BUNDLED = Path(__file__).resolve().parents[2] / "resources" / "models" / "default"


def test_every_attribute_value_has_words_except_the_unsayable_none():
    table = attribute_words()
    assert list(table) == list(ATTRIBUTES)
    for attribute, values in table.items():
        assert list(values) == list(ATTRIBUTES[attribute])
        for value, wordings in values.items():
            assert wordings or (attribute, value) == ("accessories", "none"), (attribute, value)
    assert "blue-eyed" in table["eye_color"]["blue"] and "jet-black" in table["hair_color"]["black"]


def test_words_are_counted_as_the_models_word_list_counts_them():
    assert words_of("A Blue-eyed man, smiling!") == ["a", "blue-eyed", "man", "smiling"]
    assert unknown_words("a zorbly man with zorbly hair", {"a", "man", "with", "hair"}) == ["zorbly"]


@pytest.fixture(scope="module")
def bundled():
    from core.model.t2f import T2F

    return T2F.load(BUNDLED, device="cpu")


def test_the_examples_use_only_words_the_bundled_model_knows(bundled):
    for example in EXAMPLES:
        assert unknown_words(example.text, bundled.known_words) == [], example.text


def test_the_bundled_model_draws_what_each_example_asks(bundled):
    """The judge reads each example's attributes on 8 seeds: the guide's promise, measured."""
    from core.evaluate.captions import EvalCaption
    from core.evaluate.judge import DEFAULT_JUDGE, AttributeJudge
    from core.evaluate.report import generate_faces, score_faithfulness

    judge = AttributeJudge.load(DEFAULT_JUDGE)
    for example in EXAMPLES:
        faces = generate_faces(bundled, [example.text], 8)
        result = score_faithfulness(judge.predict(faces), [EvalCaption(example.text, example.attributes)], 8)
        assert result.mean >= 0.85 and min(result.per_attribute.values()) >= 0.6, (example.text, result.per_attribute)


def test_emoji_symbols_and_unseen_digits_are_named_once_letters_and_punctuation_are_not(bundled):
    from core.describing import unread_characters, unread_note
    from core.text.tokenizer import Tokenizer

    # A SentencePiece model trained on words alone cannot read them …
    tokenizer = Tokenizer.train(["a man with blue hair", "a café in paris", "a blue-eyed woman smiling"] * 20)
    text = "a man 😀 with ☃ hair, café! (blue-eyed) 100% 😀"
    assert unread_characters(tokenizer, text) == ["😀", "☃", "1", "0"]
    assert unread_note(tokenizer, text) == "Left out (characters this model cannot read): “😀” “☃” “1” “0”"
    assert unread_note(tokenizer, "A young woman, with long blonde hair; blue eyes.") == ""
    # … the bundled model's subword vocabulary reads every character (as bytes at worst).
    assert unread_characters(bundled.tokenizer, text) == []
