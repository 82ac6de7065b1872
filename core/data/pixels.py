"""Getting uint8 pixels back out of any dataset (for writing files and drawing contact sheets)."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import torch

from core.data.base import TextFaceDataset


def float_to_uint8(images: torch.Tensor) -> np.ndarray:
    """``…×3×H×W`` floats in ``[-1, 1]`` → ``…×H×W×3`` uint8; exact inverse of ``uint8_to_float``."""
    scaled = ((images.detach().to("cpu", torch.float32) + 1.0) * 127.5).round().clamp(0, 255)
    return scaled.to(torch.uint8).movedim(-3, -1).numpy()


def images_uint8(dataset: TextFaceDataset, indices: Sequence[int]) -> np.ndarray:
    """Images ``indices`` of ``dataset`` as ``B×R×R×3`` uint8 (no float round trip when avoidable)."""
    direct = getattr(dataset, "image_uint8", None)
    if callable(direct):
        return np.stack([direct(int(i)) for i in indices])
    return float_to_uint8(dataset.images(list(indices)))
