"""Reading with pretrained word vectors: whole long descriptions, unseen words near their synonyms,
model folders that name their vectors (and older folders that do not)."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
import torch

from core.presets import preset
from core.io import ModelFileError
from core.model.t2f import T2F
from core.text.encoder import text_encoder_for
from core.text.word_vectors import PAD_ID, SubwordTokenizer

ROOT = Path(__file__).resolve().parents[2]
SENTENCE = "She has long curly red hair, green eyes and a wide smile, and she is wearing a grey jacket. "


@pytest.fixture(scope="module")
def tokenizer() -> SubwordTokenizer:
    return SubwordTokenizer("wordllama-256", max_tokens=384)


def _config(**changes):
    model = preset("tiny", 16).model
    return dataclasses.replace(model, word_vectors="wordllama-256", vocab_size=32000, max_tokens=384, **changes)


def test_a_1000_character_description_is_read_whole(tokenizer):
    text = SENTENCE * 11 + "The background is purple."
    other = SENTENCE * 11 + "The background is yellow."
    assert len(text) >= 1000 and tokenizer.characters_read(text) == len(text)
    ids, lengths = tokenizer.batch([text, other])
    assert max(lengths.tolist()) < 384  # nothing cut
    torch.manual_seed(0)
    encoder = text_encoder_for(_config(text_summary="last"))
    with torch.no_grad():
        first, second = encoder(ids, lengths)
    assert not torch.allclose(first, second)  # its last sentence reaches the summary


def test_a_longer_description_is_cut_and_says_how_much_was_read(tokenizer):
    text = SENTENCE * 30
    read = tokenizer.characters_read(text)
    assert 1000 < read < len(text)
    assert len(tokenizer.encode(text)) == 384


@pytest.mark.parametrize(("word", "synonym", "other"), [("female", "woman", "man"), ("elderly", "old", "young"),
                                                         ("cap", "hat", "glasses"), ("bearded", "beard", "glasses")])
def test_a_word_no_caption_uses_lands_near_its_synonym(tokenizer, word, synonym, other):
    table = tokenizer.vectors.table

    def vector(text: str) -> torch.Tensor:
        ids = tokenizer.encode(text)[1:]  # after the start token
        assert ids and PAD_ID not in ids  # real subword pieces, not <unk>
        mean = table[ids].mean(0)
        return mean / mean.norm()

    assert vector(word) @ vector(synonym) > vector(word) @ vector(other) + 0.2


def test_a_word_vector_model_saves_a_reference_not_the_table_and_loads_offline(tmp_path, tokenizer):
    model = T2F(_config(), tokenizer)
    model.save(tmp_path / "model")
    assert json.loads((tmp_path / "model" / "tokenizer.model").read_text()) == {"word_vectors": "wordllama-256"}
    assert not any("table" in k for k in model.state_dict())
    loaded = T2F.load(tmp_path / "model", device="cpu")
    assert loaded.tokenizer.max_tokens == 384
    assert (loaded.generate("a man with a beard", 3) == model.generate("a man with a beard", 3)).all()
    (tmp_path / "model" / "tokenizer.model").write_text('{"word_vectors": "glove-300"}')
    with pytest.raises(ModelFileError, match="should name the word vectors 'wordllama-256'"):
        T2F.load(tmp_path / "model", device="cpu")


def test_a_model_from_before_word_vectors_still_loads_and_reads_as_before(tiny_run):
    model = T2F.load(tiny_run, device="cpu")  # a SentencePiece model, as every model was before
    assert model.config.word_vectors == "" and model.tokenizer.vocab_size == model.config.vocab_size
    assert model.read("a zorbly hat").text == "a zorbly hat"
