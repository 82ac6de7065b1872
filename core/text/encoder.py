"""The LSTM text encoder: token ids → one summary vector per text."""

from __future__ import annotations

import torch
from torch import nn

from core.text.tokenizer import PAD_ID


class TextEncoder(nn.Module):
    """Embedding → multi-layer LSTM → the top layer's output at each text's last *real* token.

    The LSTM runs left to right, so its output at step ``t`` depends only on tokens ``0..t``. Reading
    it at ``length − 1`` therefore ignores any padding that follows, exactly; the original T2F code
    read the output after the padding, so a caption's meaning depended on its batch-mates' lengths.
    Gathering is cheaper on the CPU than packing and gives the same numbers.
    """

    def __init__(self, vocab_size: int, embedding_dim: int = 128, hidden: int = 256, layers: int = 2) -> None:
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim, padding_idx=PAD_ID)
        self.lstm = nn.LSTM(embedding_dim, hidden, num_layers=layers, batch_first=True)
        self.output_dim = hidden

    def forward(self, ids: torch.Tensor, lengths: torch.Tensor) -> torch.Tensor:
        """``ids`` B×T (padded), ``lengths`` B (≥ 1) → summaries B×hidden."""
        if ids.dim() != 2:
            raise ValueError(f"ids must be B×T, got shape {tuple(ids.shape)}")
        outputs, _ = self.lstm(self.embedding(ids))
        last = (lengths.to(outputs.device).clamp(1, ids.shape[1]) - 1).view(-1, 1, 1)
        return outputs.gather(1, last.expand(-1, 1, outputs.shape[2])).squeeze(1)
