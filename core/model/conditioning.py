"""Conditioning augmentation (StackGAN, used by T2F): a Gaussian around each text embedding.

Sampling ĉ = μ + σ·ε instead of using the embedding directly gives the generator many nearby
conditions per caption (smoother text space, fewer memorised captions); the KL term keeps the
Gaussians close to N(0, I) so the space stays well-populated.
"""

from __future__ import annotations

import torch
from torch import nn

from core.model.ops import leaky_relu


class ConditioningAugmentation(nn.Module):
    """Linear → (μ, log σ²); ĉ = μ + σ·ε."""

    def __init__(self, text_dim: int, ca_dim: int) -> None:
        super().__init__()
        self.linear = nn.Linear(text_dim, 2 * ca_dim)
        self.ca_dim = ca_dim

    def forward(self, embedding: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor]:
        """Return ``(μ, log σ²)``, each ``B×ca_dim``."""
        mu, logvar = self.linear(embedding).chunk(2, dim=1)
        return mu, logvar

    @staticmethod
    def sample(mu: torch.Tensor, logvar: torch.Tensor, eps: torch.Tensor) -> torch.Tensor:
        """ĉ = μ + σ·ε with σ = exp(½ log σ²); ``eps`` is passed in so callers control randomness."""
        return mu + torch.exp(0.5 * logvar) * eps


def kl_divergence(mu: torch.Tensor, logvar: torch.Tensor) -> torch.Tensor:
    """KL(N(μ, σ²) ‖ N(0, I)) summed over dimensions, averaged over the batch."""
    return (0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(dim=1)).mean()


def leaky(x: torch.Tensor) -> torch.Tensor:
    """The LeakyReLU(0.2) every ProGAN layer uses (see :mod:`core.model.ops` for its backward)."""
    return leaky_relu(x)
