"""A sentencepiece tokenizer trained on a run's own captions and saved beside its model.

Every string encodes to valid ids: case is folded, characters never seen become ``<unk>``, long
texts are cut to ``max_tokens``, and an empty or whitespace-only text becomes the single
``<nodesc>`` token, whose embedding the model learns from captions dropped during training. That
gives "no description" an explicit meaning instead of an accidental one.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Sequence
from pathlib import Path

import sentencepiece as spm
import torch

from core.io import ModelFileError, atomic_write_bytes, read_regular_bytes

PAD_ID = 0
UNK_ID = 1
NO_DESCRIPTION_ID = 2
NO_DESCRIPTION_TOKEN = "<nodesc>"
#: A sentencepiece model of the largest vocabulary allowed is a few MiB; anything far larger is not one.
MAX_TOKENIZER_BYTES = 64 * 2**20


def default_vocab_size(captions: Sequence[str]) -> int:
    """A vocabulary that suits the corpus: small corpora get small vocabularies.

    Roughly a quarter of the distinct words, between 64 and 4000; sentencepiece may still settle on
    fewer pieces (``hard_vocab_limit`` is off), and the model adopts the size it actually got.
    """
    words = {w for caption in captions for w in caption.lower().split()}
    return max(64, min(4000, len(words) // 4 + 64))


class Tokenizer:
    """Wraps a trained sentencepiece model with T2F's conventions (pad 0, unk 1, no-description 2)."""

    def __init__(self, model_proto: bytes, max_tokens: int = 64) -> None:
        self._proto = bytes(model_proto)
        self._sp = spm.SentencePieceProcessor(model_proto=self._proto)
        if self._sp.piece_to_id(NO_DESCRIPTION_TOKEN) != NO_DESCRIPTION_ID or self._sp.pad_id() != PAD_ID:
            raise ValueError("tokenizer model does not follow T2F's id conventions")
        self.max_tokens = max_tokens

    @classmethod
    def train(cls, captions: Iterable[str], vocab_size: int | None = None, max_tokens: int = 64) -> Tokenizer:
        """Train a unigram model on ``captions`` (single-threaded so the result is reproducible)."""
        corpus = [c.strip() for c in captions if c and c.strip()]
        if not corpus:
            raise ValueError("cannot train a tokenizer: no non-empty captions")
        size = vocab_size or default_vocab_size(corpus)
        model = io.BytesIO()
        spm.SentencePieceTrainer.train(
            sentence_iterator=iter(corpus),
            model_writer=model,
            vocab_size=size,
            hard_vocab_limit=False,
            model_type="unigram",
            normalization_rule_name="nmt_nfkc_cf",
            pad_id=PAD_ID,
            unk_id=UNK_ID,
            bos_id=-1,
            eos_id=-1,
            user_defined_symbols=[NO_DESCRIPTION_TOKEN],
            character_coverage=1.0,
            num_threads=1,
            input_sentence_size=200_000,
            shuffle_input_sentence=False,
            minloglevel=2,
        )
        return cls(model.getvalue(), max_tokens=max_tokens)

    @classmethod
    def load(cls, path: str | Path, max_tokens: int = 64) -> Tokenizer:
        path = Path(path)
        proto = read_regular_bytes(path, MAX_TOKENIZER_BYTES)
        try:
            return cls(proto, max_tokens=max_tokens)
        except (RuntimeError, OSError, ValueError) as error:
            raise ModelFileError(path, f"not a valid T2F tokenizer ({error})") from None

    def save(self, path: str | Path) -> None:
        atomic_write_bytes(Path(path), self._proto)

    @property
    def vocab_size(self) -> int:
        return self._sp.get_piece_size()

    @staticmethod
    def is_empty(text: str) -> bool:
        """True when ``text`` has no visible content and will use the no-description embedding."""
        return not text or not text.strip()

    def encode(self, text: str) -> list[int]:
        """Ids for one text: never empty, never longer than ``max_tokens``."""
        if self.is_empty(text):
            return [NO_DESCRIPTION_ID]
        ids = self._sp.encode(text.strip())[: self.max_tokens]
        return ids or [UNK_ID]

    def decode(self, ids: Sequence[int]) -> str:
        return self._sp.decode([i for i in ids if i not in (PAD_ID, NO_DESCRIPTION_ID)])

    def batch(self, texts: Sequence[str]) -> tuple[torch.Tensor, torch.Tensor]:
        """``(ids B×T, lengths B)`` padded with ``PAD_ID`` to the longest text in the batch."""
        return padded_batch([self.encode(t) for t in texts], PAD_ID)


def padded_batch(encoded: Sequence[Sequence[int]], pad_id: int) -> tuple[torch.Tensor, torch.Tensor]:
    """``(ids B×T, lengths B)``: token id lists padded with ``pad_id`` to the longest."""
    lengths = torch.tensor([len(e) for e in encoded], dtype=torch.long)
    ids = torch.full((len(encoded), int(lengths.max()) if encoded else 1), pad_id, dtype=torch.long)
    for row, seq in enumerate(encoded):
        ids[row, : len(seq)] = torch.tensor(seq, dtype=torch.long)
    return ids, lengths
