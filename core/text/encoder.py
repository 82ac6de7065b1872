"""The LSTM text encoder: token ids → one summary vector per text."""

from __future__ import annotations

import torch
from torch import nn

from core.config import ModelConfig
from core.text.tokenizer import PAD_ID


class TextEncoder(nn.Module):
    """Embedding → multi-layer LSTM → one summary per text, read from the *real* tokens only.

    ``summary="last"`` (T2F) takes the top layer's output at each text's last real token. The LSTM
    runs left to right, so its output at step ``t`` depends only on tokens ``0..t``: reading it at
    ``length − 1`` ignores any padding that follows, exactly. The original T2F code read the output
    after the padding, so a caption's meaning depended on its batch-mates' lengths. Gathering is
    cheaper on the CPU than packing and gives the same numbers.

    ``summary="mean"`` averages the outputs over the real tokens (padding masked out, so again
    exact). Why offer it: a last-token summary must carry the whole caption through every later
    step, and early in training it mostly remembers the end — in our captions the background. On
    real synthetic pairs, 1,900 steps of matching training reached a contrastive loss of about 2.6
    with "last" and about 1.9 with "mean" (``log 32`` ≈ 3.5 is chance), because every word reaches
    a mean summary directly.
    """

    def __init__(self, vocab_size: int, embedding_dim: int = 128, hidden: int = 256, layers: int = 2,
                 summary: str = "last", word_vectors: torch.Tensor | None = None) -> None:
        super().__init__()
        if summary not in ("last", "mean"):
            raise ValueError(f"summary must be 'last' or 'mean', got {summary!r}")
        if word_vectors is not None:  # pretrained and fixed: only their projection is learned
            self.embedding: nn.Module = ProjectedVectors(word_vectors, embedding_dim)
        else:
            self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=PAD_ID)
        self.lstm = nn.LSTM(embedding_dim, hidden, num_layers=layers, batch_first=True)
        self.output_dim = hidden
        self.summary = summary

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """``ids`` B×T (padded), ``lengths`` B (≥ 1) → summaries B×hidden."""
        if ids.dim() != 2:
            raise ValueError(f"ids must be B×T, got shape {tuple(ids.shape)}")
        outputs, _ = self.lstm(self.embedding(ids))
        lengths = lengths.to(outputs.device).clamp(1, ids.shape[1])
        if self.summary == "mean":
            real = torch.arange(ids.shape[1], device=outputs.device)[None, :] < lengths[:, None]
            return (outputs * real.unsqueeze(2).to(outputs.dtype)).sum(1) / lengths[:, None].to(outputs.dtype)
        last = (lengths - 1).view(-1, 1, 1)
        return outputs.gather(1, last.expand(-1, 1, outputs.shape[2])).squeeze(1)


class ProjectedVectors(nn.Module):
    """A fixed table of pretrained word vectors (``V×D``, not saved with the model: it ships with the
    package it came from, see :mod:`core.text.word_vectors`) and a learned ``D → embedding_dim``
    projection. Words that share meaning share direction in the table, so the LSTM sees a word it
    never met in training near the words it did."""

    def __init__(self, table: torch.Tensor, embedding_dim: int) -> None:
        super().__init__()
        self.register_buffer("table", table, persistent=False)
        self.project = nn.Linear(table.shape[1], embedding_dim)

    def forward(self, ids: torch.Tensor) -> torch.Tensor:
        return self.project(self.table[ids])


def text_encoder_for(config: ModelConfig) -> TextEncoder:
    """The text encoder ``config`` describes, reading its word vectors when it names any."""
    vectors = None
    if config.word_vectors:
        from core.text.word_vectors import load_word_vectors

        vectors = load_word_vectors(config.word_vectors).table
    return TextEncoder(config.vocab_size, config.embedding_dim, config.text_hidden, config.text_layers,
                       config.text_summary, vectors)
