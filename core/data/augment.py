"""Image jitter for the networks that learn from rendered faces (the judge, the caption matcher)."""

from __future__ import annotations

import torch


def jitter(images: torch.Tensor, gen: torch.Generator) -> torch.Tensor:
    """Small shifts, brightness changes and noise, so a network keys on shapes, not exact pixels —
    generated faces are never pixel-perfect renderings."""
    shift = torch.randint(-3, 4, (2,), generator=gen).tolist()
    images = torch.roll(images, shifts=(shift[0], shift[1]), dims=(2, 3))
    gain = 1.0 + 0.1 * (torch.rand(images.shape[0], 1, 1, 1, generator=gen) - 0.5)
    noise = 0.04 * torch.randn(images.shape, generator=gen)
    return (images * gain + noise).clamp(-1, 1)
