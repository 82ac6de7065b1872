"""The matching-aware progressive discriminator: (image, text embedding) → realism-and-match score.

Text enters the final 4×4 block as a *projection* (Miyato & Koyama, 2018): the score is
``ψ(h) + ⟨φ(t), h⟩`` where ``h`` is the image feature vector and ``φ(t)`` a learned projection of
the text embedding. We chose projection over T2F's concatenation because it makes "does this image
fit this text" an explicit inner product — the form a conditional density ratio takes — which
gives the mismatched-text term a direct lever, costs one small linear layer, and leaves the
convolutional trunk identical to an unconditional ProGAN discriminator.
"""

from __future__ import annotations

import torch
from torch import nn

from core.config import ModelConfig
from core.model.conditioning import leaky
from core.model.layers import EqualizedConv2d, EqualizedLinear, MinibatchStdDev, downsample2x


class _DownBlock(nn.Module):
    """Two 3×3 convolutions with LeakyReLU, then 2×2 average pooling."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv1 = EqualizedConv2d(in_channels, in_channels, 3, padding=1)
        self.conv2 = EqualizedConv2d(in_channels, out_channels, 3, padding=1)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return downsample2x(leaky(self.conv2(leaky(self.conv1(x)))))


class _FinalBlock(nn.Module):
    """4×4 features + text → score: minibatch std, 3×3 conv, 4×4 conv, then projection."""

    def __init__(self, channels: int, text_dim: int, projected_text_dim: int, mbstd_group: int) -> None:
        super().__init__()
        self.mbstd = MinibatchStdDev(mbstd_group)
        self.conv = EqualizedConv2d(channels + 1, channels, 3, padding=1)
        self.conv4 = EqualizedConv2d(channels, channels, 4)
        self.score = EqualizedLinear(channels, 1, gain=1.0)
        self.text_compress = EqualizedLinear(text_dim, projected_text_dim)
        self.text_project = EqualizedLinear(projected_text_dim, channels, gain=1.0)

    def forward(self, x: torch.Tensor, text: torch.Tensor) -> torch.Tensor:
        h = leaky(self.conv4(leaky(self.conv(self.mbstd(x))))).flatten(1)
        projected = self.text_project(leaky(self.text_compress(text)))
        return self.score(h).squeeze(1) + (projected * h).sum(dim=1)


class Discriminator(nn.Module):
    """ProGAN discriminator mirrored from the generator, with text projection at 4×4."""

    def __init__(self, config: ModelConfig, text_dim: int) -> None:
        super().__init__()
        widths = config.channels
        self.from_rgb = nn.ModuleList(EqualizedConv2d(3, w, 1) for w in widths)
        # blocks[d - 1] takes depth d's resolution down to depth d − 1's.
        self.blocks = nn.ModuleList(_DownBlock(widths[d], widths[d - 1]) for d in range(1, len(widths)))
        self.final = _FinalBlock(widths[0], text_dim, config.d_text_dim, config.mbstd_group)
        self.max_depth = len(widths) - 1

    def forward(self, images: torch.Tensor, text: torch.Tensor, depth: int | None = None,
                alpha: float = 1.0) -> torch.Tensor:
        """Scores ``B`` for images at depth ``depth``; fade-in mirrors the generator's."""
        depth = self.max_depth if depth is None else depth
        if not 0 <= depth <= self.max_depth:
            raise ValueError(f"depth must be in 0..{self.max_depth}, got {depth}")
        x = leaky(self.from_rgb[depth](images))
        if depth > 0:
            x = self.blocks[depth - 1](x)
            if alpha < 1.0:
                old = leaky(self.from_rgb[depth - 1](downsample2x(images)))
                x = torch.lerp(old, x, float(alpha))
            for d in range(depth - 1, 0, -1):
                x = self.blocks[d - 1](x)
        return self.final(x, text)
