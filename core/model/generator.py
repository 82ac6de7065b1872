"""The progressively grown generator: latent [ĉ ; z] → image at depth d with fade-in α."""

from __future__ import annotations

import torch
from torch import nn

from core.config import ModelConfig
from core.model.conditioning import leaky
from core.model.layers import EqualizedConv2d, EqualizedLinear, PixelNorm, fade, upsample2x


class _InitialBlock(nn.Module):
    """Latent → 4×4 features (a dense layer, then a 3×3 convolution), pixel-normalised."""

    def __init__(self, latent_dim: int, channels: int) -> None:
        super().__init__()
        self.norm = PixelNorm()
        self.dense = EqualizedLinear(latent_dim, channels * 16, gain=2 ** 0.5 / 4)
        self.conv = EqualizedConv2d(channels, channels, 3, padding=1)
        self.channels = channels

    def forward(self, latent: torch.Tensor) -> torch.Tensor:
        x = self.dense(self.norm(latent)).view(-1, self.channels, 4, 4)
        x = self.norm(leaky(x))
        return self.norm(leaky(self.conv(x)))


class _UpBlock(nn.Module):
    """Nearest ×2 upsampling, then two 3×3 convolutions with LeakyReLU and pixel norm."""

    def __init__(self, in_channels: int, out_channels: int) -> None:
        super().__init__()
        self.conv1 = EqualizedConv2d(in_channels, out_channels, 3, padding=1)
        self.conv2 = EqualizedConv2d(out_channels, out_channels, 3, padding=1)
        self.norm = PixelNorm()

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        x = self.norm(leaky(self.conv1(upsample2x(x))))
        return self.norm(leaky(self.conv2(x)))


class Generator(nn.Module):
    """ProGAN generator. Depth 0 draws 4×4; depth ``d`` draws ``4·2^d`` pixels square."""

    def __init__(self, config: ModelConfig) -> None:
        super().__init__()
        widths = config.channels
        self.initial = _InitialBlock(config.latent_dim, widths[0])
        self.blocks = nn.ModuleList(_UpBlock(widths[d - 1], widths[d]) for d in range(1, len(widths)))
        self.to_rgb = nn.ModuleList(EqualizedConv2d(w, 3, 1, gain=1.0) for w in widths)
        self.max_depth = len(widths) - 1

    def forward(self, latent: torch.Tensor, depth: int | None = None, alpha: float = 1.0) -> torch.Tensor:
        """Images ``B×3×R×R`` (roughly in [−1, 1]).

        During a fade-in (``alpha < 1``) the output is ``α·toRGB(new block) +
        (1−α)·upsample(toRGB(previous))``; at ``alpha == 1`` the previous toRGB is not evaluated.
        """
        depth = self.max_depth if depth is None else depth
        if not 0 <= depth <= self.max_depth:
            raise ValueError(f"depth must be in 0..{self.max_depth}, got {depth}")
        x = self.initial(latent)
        for block in self.blocks[: max(depth - 1, 0)]:
            x = block(x)
        if depth == 0:
            return self.to_rgb[0](x)
        new = self.to_rgb[depth](self.blocks[depth - 1](x))
        if alpha >= 1.0:
            return new
        old = upsample2x(self.to_rgb[depth - 1](x))
        return fade(old, new, alpha)
