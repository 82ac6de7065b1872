"""Captions: enough templates, synonyms, exact mention records, and a held-out paraphrase set."""

from __future__ import annotations

import re

import pytest

from core.data.synthetic import SyntheticFaces, templates
from core.data.synthetic import vocabulary as vocab
from core.data.synthetic.vocabulary import Words, longest_literal

IMAGES = 300


@pytest.fixture(scope="module")
def train() -> SyntheticFaces:
    return SyntheticFaces(IMAGES, resolution=32, split="train")


@pytest.fixture(scope="module")
def paraphrase() -> SyntheticFaces:
    return SyntheticFaces(IMAGES, resolution=32, split="paraphrase")


def texts(data: SyntheticFaces) -> list[str]:
    return [c for i in range(len(data)) for c in data.captions(i)]


def _all(words: Words | dict[str, Words], value: str | None = None) -> list[str]:
    if isinstance(words, dict):
        if value not in words:
            return []
        words = words[value]
    return list(words.train + words.held_out)


def wordings(name: str, value: str) -> list[str]:
    """Every way the vocabulary can say ``name = value`` (colour placeholders cut away)."""
    tables = {
        "gender": [vocab.NOUN], "age": [vocab.AGE], "skin_tone": [vocab.SKIN, vocab.SKIN_ADJECTIVE],
        "hair_color": [vocab.HAIR_COLOR, vocab.HAIR_COLOR_ADJECTIVE],
        "hair_style": [vocab.HAIR_STYLE, vocab.HAIR_STYLE_ADJECTIVE],
        "eye_color": [vocab.EYE_COLOR, vocab.EYE_ADJECTIVE], "eyewear": [vocab.EYEWEAR, vocab.EYEWEAR_ADJECTIVE],
        "facial_hair": [vocab.FACIAL_HAIR, vocab.FACIAL_HAIR_ADJECTIVE],
        "expression": [vocab.EXPRESSION, vocab.EXPRESSION_ADJECTIVE],
        "face_shape": [vocab.FACE_SHAPE, vocab.FACE_SHAPE_ADJECTIVE], "accessories": [vocab.ACCESSORIES],
        "background": [vocab.BACKGROUND],
    }[name]
    found = [longest_literal(w) for table in tables for w in _all(table, value)]
    if name == "hair_style" and value == "curly":
        found.append("curls")
    if name == "hair_style" and value == "bald":
        found += [longest_literal(w) for w in _all(vocab.BALD) + _all(vocab.BALD_WITH_COLOR)]
    return found


def test_there_are_at_least_thirty_templates() -> None:
    assert len(templates.TRAIN_FEATURES) >= 30
    assert templates.TEMPLATE_COUNT >= 30
    assert len(set(templates.TRAIN_FEATURES)) == len(templates.TRAIN_FEATURES)


def test_at_least_three_distinct_captions_each(train: SyntheticFaces) -> None:
    for i in range(50):
        captions = train.captions(i)
        assert len(captions) >= 3 and len(set(captions)) == len(captions)


def test_recorded_mentions_are_true_and_actually_worded(train: SyntheticFaces, paraphrase: SyntheticFaces) -> None:
    for data in (train, paraphrase):
        for i in range(120):
            attrs = data.attributes(i)
            for record in data.caption_records(i):
                assert len(record.mentioned) >= 2, record
                text = record.text.lower()
                for name, value in record.mentioned.items():
                    assert attrs[name] == value
                    assert any(w.lower() in text for w in wordings(name, value)), (name, value, record.text)


def test_unmentioned_gender_and_background_are_not_worded(train: SyntheticFaces) -> None:
    gendered = re.compile(r"\b(he|she|his|her|man|woman|lady|guy|gentleman|female)\b", re.IGNORECASE)
    background = re.compile(r"\b(background|backdrop|wall)\b", re.IGNORECASE)
    for i in range(IMAGES):
        for record in train.caption_records(i):
            if "gender" not in record.mentioned:
                assert not gendered.search(record.text), record.text
            if "background" not in record.mentioned:
                assert not background.search(record.text), record.text


def test_synonyms_are_used(train: SyntheticFaces) -> None:
    corpus = " ".join(texts(train)).lower()
    for pair in (("glasses", "spectacles"), ("a beard", "bearded"), ("blonde", "fair")):
        for word in pair:
            assert word in corpus, word


def test_held_out_wording_never_appears_in_training_or_test_captions(train: SyntheticFaces) -> None:
    test = SyntheticFaces(IMAGES, resolution=32, split="test")
    corpus = "\n".join(texts(train) + texts(test)).lower()
    held_out = vocab.held_out_wordings()
    held_out += [longest_literal(t) for t in templates.PARAPHRASE_FEATURES + templates.PARAPHRASE_SUBJECT_ONLY]
    assert len(held_out) >= 40
    for wording in held_out:
        assert wording.lower() not in corpus, wording
    for i in range(len(train)):
        assert all(r.template.startswith("train") for r in train.caption_records(i))


def test_paraphrase_split_uses_the_held_out_set(paraphrase: SyntheticFaces) -> None:
    records = [r for i in range(len(paraphrase)) for r in paraphrase.caption_records(i)]
    assert all(r.template.startswith("paraphrase") for r in records)
    corpus = "\n".join(r.text for r in records).lower()
    used = [w for w in vocab.held_out_wordings() if w.lower() in corpus]
    assert len(used) >= 0.8 * len(vocab.held_out_wordings())
    for template in templates.PARAPHRASE_FEATURES:
        assert longest_literal(template).lower() in corpus


def test_captions_are_deterministic_per_seed_index_and_split() -> None:
    a = SyntheticFaces(5, resolution=32, seed=2).caption_records(3)
    b = SyntheticFaces(5, resolution=32, seed=2).caption_records(3)
    assert a == b
    assert SyntheticFaces(5, resolution=32, seed=2, split="test").captions(3) != [c.text for c in a]
    assert SyntheticFaces(5, resolution=32, seed=3).captions(3) != [c.text for c in a]


def test_partial_attributes_and_extras() -> None:
    import numpy as np

    from core.data.synthetic import make_captions

    extras = {"Bangs": Words(("bangs",))}
    captions = make_captions({"gender": "woman", "eyewear": "glasses"}, np.random.default_rng(1), 4, extras=extras)
    assert len(captions) >= 3
    for caption in captions:
        assert set(caption.mentioned) <= {"gender", "eyewear"}
        assert ("bangs" in caption.text) == ("Bangs" in caption.extras)


def test_labels_outside_the_table_are_never_mentioned() -> None:
    import numpy as np

    from core.data.synthetic import make_captions

    labels = {"gender": "nonbinary", "hat_size": "large", "eye_color": "blue", "age": "old"}
    for caption in make_captions(labels, np.random.default_rng(0), 4):
        assert set(caption.mentioned) <= {"eye_color", "age"}
        assert "large" not in caption.text and "nonbinary" not in caption.text
