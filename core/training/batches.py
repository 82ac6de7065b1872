"""Real batches for training: faces at the model's resolution, the caption each is trained with, its
near-miss captions, and what each caption states.

Every random choice (which caption, whether it is emptied, the near misses' randomness) is drawn
from the trainer's generator and the epoch sampler, so a resumed run draws exactly the batches an
uninterrupted one would.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

import numpy as np
import torch
import torch.nn.functional as F

from core.config import RunConfig
from core.data.base import TextFaceDataset, uint8_to_float
from core.text.tokenizer import Tokenizer
from core.training.matching import NearMisses
from core.training.sampler import EpochSampler


class RealBatch(NamedTuple):
    """Real faces at full resolution, the caption each is trained with, their near misses, and what
    each caption states (attribute → value; empty when the caption is empty, the data cannot say, or
    no attribute reader needs it)."""

    images: torch.Tensor
    captions: list[str]
    near_misses: NearMisses | None
    mentioned: list[dict[str, str]]


class RealBatches:
    """Draws :class:`RealBatch` es from a dataset for one run (one process of it)."""

    def __init__(self, config: RunConfig, dataset: TextFaceDataset, sampler: EpochSampler,
                 rng: torch.Generator, tokenizer: Tokenizer, device: torch.device, wants_mentions: bool) -> None:
        self.config = config
        self.dataset = dataset
        self.sampler = sampler
        self.rng = rng
        self.tokenizer = tokenizer
        self.device = device
        #: Whether each batch carries what its captions state (only an attribute reader reads it).
        self.wants_mentions = wants_mentions
        #: Every face as ``N×R×R×3`` uint8 on the device (core.training.device_data), or None:
        #: batches are then gathered there instead of stacked on the host.
        self.device_images: torch.Tensor | None = None

    def take(self, count: int, with_near_misses: bool = True) -> RealBatch:
        """``count`` real images at the model's full resolution, one caption each (some empty)."""
        indices = self.sampler.take(count)
        images = self.images(indices)
        choice = torch.rand(count, generator=self.rng)
        empty = torch.rand(count, generator=self.rng) < self.config.train.empty_caption_prob
        captions, mentioned = [], []
        for i, index in enumerate(indices):
            options = self.dataset.captions(index)
            pick = min(int(choice[i] * len(options)), len(options) - 1)
            captions.append("" if empty[i] else options[pick])
            stated = None if empty[i] or not self.wants_mentions else self.dataset.mentioned_attributes(index)
            mentioned.append(dict(stated[pick]) if stated else {})
        near_misses = self.near_misses(indices, captions) if with_near_misses else None
        return RealBatch(images, captions, near_misses, mentioned)

    def labelled_images(self, count: int) -> tuple[torch.Tensor, list[dict[str, str]]]:
        """``count`` real images at full resolution with their attribute labels (for the reader)."""
        indices = self.sampler.take(count)
        return self.images(indices), [self.dataset.attributes(int(i)) or {} for i in indices]

    def images(self, indices: Sequence[int]) -> torch.Tensor:
        """Faces ``indices`` at full resolution on the device: gathered there from
        :attr:`device_images`, or read from the dataset on the host and copied."""
        if self.device_images is None:
            return self.full_resolution(self.dataset.images(indices)).to(self.device, non_blocking=True)
        rows = torch.as_tensor(indices, dtype=torch.long).to(self.device, non_blocking=True)
        return self.full_resolution(uint8_to_float(self.device_images.index_select(0, rows)))

    def full_resolution(self, images: torch.Tensor) -> torch.Tensor:
        """Dataset images resized to the model's resolution (area down, bilinear up)."""
        size = self.config.model.resolution
        if images.shape[-1] == size:
            return images
        return F.interpolate(images, size=(size, size), mode="area" if images.shape[-1] > size else "bilinear",
                             align_corners=None if images.shape[-1] > size else False)

    def near_misses(self, indices: Sequence[int], captions: Sequence[str]) -> NearMisses | None:
        """``near_miss_captions`` wrong-in-one-attribute captions per image, when the dataset can
        write them (see :mod:`core.data.synthetic.near_miss`); ``None`` when off or none came back.

        Their randomness is seeded from the trainer's generator, so a resumed run draws the same."""
        per_image = self.config.train.near_miss_captions
        if per_image <= 0:
            return None
        rng = np.random.default_rng(int(torch.randint(2**62, (1,), generator=self.rng)))
        texts: list[str] = []
        allowed = torch.zeros(len(captions), per_image, dtype=torch.bool)
        for row, (index, caption) in enumerate(zip(indices, captions)):
            found = self.dataset.near_miss_captions(int(index), per_image, rng)[:per_image] if caption else []
            allowed[row, :len(found)] = True
            texts += found + [""] * (per_image - len(found))
        if not bool(allowed.any()):
            return None
        ids, lengths = self.tokenizer.batch(texts)
        # ``allowed`` stays on the host: the matching loss finds its rows there (core.losses).
        return NearMisses(ids.to(self.device, non_blocking=True), lengths.to(self.device, non_blocking=True), allowed)
