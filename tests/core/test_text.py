import pytest
import torch

from core.text.encoder import TextEncoder
from core.text.tokenizer import NO_DESCRIPTION_ID, PAD_ID, Tokenizer

CAPTIONS = ["a young man with short black hair", "an old woman with long grey hair smiling",
            "she wears glasses and has blue eyes", "a bearded man with a hat"] * 10


@pytest.fixture(scope="module")
def tokenizer():
    return Tokenizer.train(CAPTIONS, vocab_size=200, max_tokens=64)


@pytest.mark.parametrize("text", ["", "   \n\t", "😀🙃🎉", "日本語のテキスト", "Привет мир", "x" * 10_000,
                                  "word " * 5000, "A YOUNG MAN", "\x00\x01 control"])
def test_any_string_encodes_to_valid_ids(tokenizer, text):
    ids = tokenizer.encode(text)
    assert 1 <= len(ids) <= 64
    assert all(0 < i < tokenizer.vocab_size for i in ids)


def test_empty_text_uses_the_no_description_token(tokenizer):
    assert tokenizer.encode("") == [NO_DESCRIPTION_ID]
    assert tokenizer.encode("  \n ") == [NO_DESCRIPTION_ID]
    assert tokenizer.is_empty(" ") and not tokenizer.is_empty("a man")


def test_case_is_folded_and_truncation_is_configurable(tokenizer):
    assert tokenizer.encode("A YOUNG MAN") == tokenizer.encode("a young man")
    short = Tokenizer(tokenizer._proto, max_tokens=5)
    assert len(short.encode("a young man with short black hair and glasses")) == 5


def test_save_load_round_trip(tokenizer, tmp_path):
    tokenizer.save(tmp_path / "tok.model")
    loaded = Tokenizer.load(tmp_path / "tok.model")
    assert loaded.vocab_size == tokenizer.vocab_size
    assert loaded.encode(CAPTIONS[1]) == tokenizer.encode(CAPTIONS[1])


def test_batch_pads_with_pad_id(tokenizer):
    ids, lengths = tokenizer.batch(["a man", "an old woman with long grey hair smiling"])
    assert ids.shape == (2, int(lengths.max()))
    assert (ids[0, lengths[0]:] == PAD_ID).all()


def test_tokenizer_training_is_reproducible():
    a = Tokenizer.train(CAPTIONS, vocab_size=100)
    b = Tokenizer.train(CAPTIONS, vocab_size=100)
    assert a._proto == b._proto


@pytest.mark.parametrize("summary", ["last", "mean"])
def test_summary_does_not_depend_on_padding(tokenizer, summary):
    torch.manual_seed(0)
    encoder = TextEncoder(tokenizer.vocab_size, 16, 24, 2, summary).eval()
    ids, lengths = tokenizer.batch(["a young man"])
    alone = encoder(ids, lengths)
    for extra in (1, 7, 60):
        padded = torch.cat([ids, torch.full((1, extra), PAD_ID)], dim=1)
        torch.testing.assert_close(encoder(padded, lengths), alone, rtol=0, atol=1e-7)
    # Also inside a batch with a much longer caption.
    batch_ids, batch_lengths = tokenizer.batch(["a young man", "an old woman with long grey hair smiling " * 3])
    torch.testing.assert_close(encoder(batch_ids, batch_lengths)[0], alone[0], rtol=0, atol=1e-6)


@pytest.mark.parametrize("summary", ["last", "mean"])
def test_summary_depends_on_every_real_token(tokenizer, summary):
    torch.manual_seed(0)
    encoder = TextEncoder(tokenizer.vocab_size, 16, 24, 1, summary)
    ids, lengths = tokenizer.batch(["a young man", "a young woman"])
    out = encoder(ids, lengths)
    assert out.shape == (2, 24)
    assert not torch.allclose(out[0], out[1])


def test_mean_summary_averages_the_outputs_at_the_real_tokens(tokenizer):
    torch.manual_seed(0)
    encoder = TextEncoder(tokenizer.vocab_size, 16, 24, 1, "mean").eval()
    ids, lengths = tokenizer.batch(["a young man", "an old woman with long grey hair"])
    outputs, _ = encoder.lstm(encoder.embedding(ids))
    expected = torch.stack([outputs[i, :n].mean(0) for i, n in enumerate(lengths.tolist())])
    torch.testing.assert_close(encoder(ids, lengths), expected, rtol=0, atol=1e-6)


def test_unknown_summary_is_refused_by_name():
    with pytest.raises(ValueError, match="'last' or 'mean', got 'max'"):
        TextEncoder(10, 4, 4, 1, "max")


def test_untrainable_corpus_is_refused():
    with pytest.raises(ValueError, match="no non-empty captions"):
        Tokenizer.train(["", "  "])
