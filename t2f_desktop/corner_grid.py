"""The four-corner grid: text changes across the columns, noise changes down the rows (no Qt).

The corners are the two endpoints' descriptions crossed with their seeds: top-left is A's text
with A's seed, top-right B's text with A's seed, bottom-left A's text with B's seed, bottom-right
B's text with B's seed. Reading a row shows what the words do to one face; a column shows what
the noise does to one description. Built on the same latents and interpolation as
:func:`core.explore.interpolate`, drawn as one batch.
"""

from __future__ import annotations

import numpy as np
import torch

MIN_SIZE, MAX_SIZE = 2, 10


@torch.inference_mode()
def corner_grid(model, start, end, size: int = 5, method: str = "slerp", truncation: float = 1.0) -> np.ndarray:
    """Faces ``size×size×R×R×3`` (uint8) between ``start`` and ``end`` (:class:`core.explore.Endpoint`)."""
    from core.explore import lerp, slerp
    from core.model.t2f import to_uint8

    if not MIN_SIZE <= size <= MAX_SIZE:
        raise ValueError(f"grid size must be between {MIN_SIZE} and {MAX_SIZE}, got {size}")
    ends = model.latents([start.text, end.text], [start.seed, end.seed], truncation)
    ca = model.config.ca_dim
    t = torch.linspace(0.0, 1.0, size, device=ends.device)
    texts = lerp(ends[0, :ca], ends[1, :ca], t)  # columns
    noises = (slerp if method == "slerp" else lerp)(ends[0, ca:], ends[1, ca:], t)  # rows
    latents = torch.cat([texts.unsqueeze(0).expand(size, -1, -1), noises.unsqueeze(1).expand(-1, size, -1)], dim=2)
    images = to_uint8(model.synthesize(latents.reshape(size * size, -1)))
    return images.reshape(size, size, *images.shape[1:])
