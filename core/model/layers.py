"""ProGAN building blocks: equalized learning rate, pixel norm, minibatch standard deviation.

Equalized learning rate (Karras et al., 2018): weights are stored as N(0, 1) and multiplied at run
time by He's constant ``√(2 / fan_in)``, so Adam's per-parameter step sizes mean the same for every
layer whatever its fan-in.
"""

from __future__ import annotations

import math

import torch
import torch.nn.functional as F
from torch import nn

from core.model.layout import cpu_channels_last
from core.model.ops import average_pool_2x


class EqualizedConv2d(nn.Module):
    """A 2-D convolution whose weight is scaled by ``gain / √fan_in`` at every forward pass."""

    def __init__(self, in_channels: int, out_channels: int, kernel_size: int, padding: int = 0,
                 gain: float = math.sqrt(2.0)) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_channels, in_channels, kernel_size, kernel_size))
        self.bias = nn.Parameter(torch.zeros(out_channels))
        self.scale = gain / math.sqrt(in_channels * kernel_size * kernel_size)
        self.padding = padding

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.conv2d(cpu_channels_last(x), self.weight * self.scale, self.bias, padding=self.padding)


class EqualizedLinear(nn.Module):
    """A linear layer whose weight is scaled by ``gain / √fan_in`` at every forward pass."""

    def __init__(self, in_features: int, out_features: int, gain: float = math.sqrt(2.0)) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(out_features, in_features))
        self.bias = nn.Parameter(torch.zeros(out_features))
        self.scale = gain / math.sqrt(in_features)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return F.linear(x, self.weight * self.scale, self.bias)


class PixelNorm(nn.Module):
    """Normalise each pixel's feature vector to unit average square (ProGAN's generator norm)."""

    def __init__(self, eps: float = 1e-8) -> None:
        super().__init__()
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x * torch.rsqrt(x.pow(2).mean(dim=1, keepdim=True) + self.eps)


class MinibatchStdDev(nn.Module):
    """Append the average feature standard deviation over groups of samples as one extra channel.

    It lets the discriminator see a batch's variety, which discourages mode collapse. Groups are of
    ``group_size`` samples (or the largest divisor of the batch size not above it).
    """

    def __init__(self, group_size: int = 4, eps: float = 1e-8) -> None:
        super().__init__()
        self.group_size = group_size
        self.eps = eps

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        batch, channels, height, width = x.shape
        group = min(self.group_size, batch)
        while batch % group:
            group -= 1
        y = x.view(group, -1, channels, height, width)
        y = torch.sqrt(y.var(dim=0, unbiased=False) + self.eps)  # M×C×H×W
        y = y.mean(dim=(1, 2, 3)).view(-1, 1, 1, 1)  # M×1×1×1
        y = y.repeat(group, 1, height, width)
        return torch.cat([x, y], dim=1)


def upsample2x(x: torch.Tensor) -> torch.Tensor:
    """Nearest-neighbour ×2 upsampling (each pixel becomes a 2×2 block)."""
    return F.interpolate(x, scale_factor=2.0, mode="nearest")


def fade(old: torch.Tensor, new: torch.Tensor, alpha: float) -> torch.Tensor:
    """``old + alpha·(new − old)``: the fade-in blend of a newly added resolution.

    Under autocast the two branches can come out in different precisions (the upsampled or
    downsampled path in float32, the new convolution in bf16), and ``torch.lerp`` refuses mixed
    dtypes, so both are taken to the wider one first (a no-op when they already agree).
    """
    dtype = torch.promote_types(old.dtype, new.dtype)
    return torch.lerp(old.to(dtype), new.to(dtype), float(alpha))


def downsample2x(x: torch.Tensor) -> torch.Tensor:
    """2×2 average pooling (see :mod:`core.model.ops` for its backward)."""
    return average_pool_2x(x)
