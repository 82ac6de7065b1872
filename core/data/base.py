"""The one dataset interface every source of training data implements.

The trainer, the evaluation and the app only ever talk to :class:`TextFaceDataset`. An item is an
image (float tensor ``3×R×R`` in ``[-1, 1]``), one caption, and an optional attribute dict
(``{name: value}`` using the public attribute table's names, or ``None`` for real data without
labels). An image may have several captions; the trainer chooses among them with its own seeded
generator so that runs are reproducible and resumable, which is why captions are exposed as a list
rather than drawn at random inside ``__getitem__``.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
import torch
from torch.utils.data import Dataset

Item = tuple[torch.Tensor, str, "dict[str, str] | None"]


@dataclass
class LoadSummary:
    """What a loader found: shown by the app before training and printed by the CLI."""

    source: str
    images: int = 0
    captions: int = 0
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (path or id, reason)

    def skip(self, what: str, reason: str) -> None:
        """Record one file or record that was left out, and why."""
        self.skipped.append((what, reason))

    def text(self, max_reasons: int = 5) -> str:
        """One human-readable paragraph, e.g. ``loaded 10 images, 30 captions; skipped 2: ...``."""
        line = f"{self.source}: loaded {self.images} images, {self.captions} captions"
        if not self.skipped:
            return line
        reasons = Counter(reason for _, reason in self.skipped)
        parts = [f"{count}× {reason}" for reason, count in reasons.most_common(max_reasons)]
        return f"{line}; skipped {len(self.skipped)}: " + "; ".join(parts)


class TextFaceDataset(Dataset, ABC):
    """Faces with captions at a fixed square ``resolution``."""

    #: Side of the square images this dataset yields.
    resolution: int
    #: What loading found (counts and skip reasons).
    summary: LoadSummary

    @abstractmethod
    def __len__(self) -> int:
        """Number of images."""

    @abstractmethod
    def image(self, index: int) -> torch.Tensor:
        """Image ``index`` as a float32 tensor ``3×R×R`` in ``[-1, 1]``."""

    @abstractmethod
    def captions(self, index: int) -> list[str]:
        """All captions of image ``index`` (at least one)."""

    def attributes(self, index: int) -> dict[str, str] | None:
        """Known attributes of image ``index``, or ``None`` when the source has no labels."""
        return None

    def attribute_table(self) -> dict[str, tuple[str, ...]] | None:
        """Every labelled attribute and its possible values, or ``None`` when the source has no labels."""
        return None

    def mentioned_attributes(self, index: int) -> list[dict[str, str]] | None:
        """For each caption of image ``index`` (in :meth:`captions` order), the attributes it states
        and their values; ``None`` when the source does not know what its captions say."""
        return None

    def near_miss_captions(self, index: int, count: int, rng: np.random.Generator) -> list[str]:
        """Up to ``count`` captions true of image ``index`` except for one attribute each.

        The contrastive matching term ranks them below the image's own caption, which forces the
        critic to read every attribute (see :mod:`core.data.synthetic.near_miss`). Only a source
        that writes its captions from known attributes can make them in the same style as its
        captions; others return none, and training uses the batch's captions alone.
        """
        return []

    def images(self, indices: Sequence[int]) -> torch.Tensor:
        """A batch ``B×3×R×R``; cached datasets override this with one vectorised read."""
        return torch.stack([self.image(int(i)) for i in indices])

    def all_captions(self) -> list[str]:
        """Every caption of every image, e.g. to train the tokenizer (decodes no image)."""
        return [caption for i in range(len(self)) for caption in self.captions(i)]

    def __getitem__(self, index: int) -> Item:
        """``(image, first caption, attributes)``; training picks captions via :meth:`captions`."""
        return self.image(index), self.captions(index)[0], self.attributes(index)


def uint8_to_float(images: torch.Tensor | np.ndarray) -> torch.Tensor:
    """``…×H×W×3`` uint8 (numpy or torch) → ``…×3×H×W`` float32 in ``[-1, 1]``."""
    tensor = torch.as_tensor(np.asarray(images)) if isinstance(images, np.ndarray) else images
    tensor = tensor.movedim(-1, -3).to(torch.float32)
    return tensor / 127.5 - 1.0


class TensorTextFaceDataset(TextFaceDataset):
    """A dataset held in memory (or a numpy memmap): ``N×R×R×3`` uint8 images plus captions.

    Used by tests, by the preprocessing cache and anywhere images are already decoded.
    """

    def __init__(
        self,
        images: np.ndarray | torch.Tensor,
        captions: Sequence[Sequence[str]],
        attributes: Sequence[dict[str, str] | None] | None = None,
        source: str = "in-memory",
        mentioned: Sequence[Sequence[dict[str, str]]] | None = None,
    ) -> None:
        if len(images) != len(captions):
            raise ValueError(f"{len(images)} images but {len(captions)} caption lists")
        if len(images) == 0:
            raise ValueError(f"{source}: no usable samples")
        shape = tuple(images.shape)
        if len(shape) != 4 or shape[3] != 3 or shape[1] != shape[2]:
            raise ValueError(f"images must be N×R×R×3 uint8, got shape {shape}")
        self._images = images
        self._captions = [list(c) for c in captions]
        if any(not c for c in self._captions):
            raise ValueError("every image needs at least one caption")
        self._attributes = list(attributes) if attributes is not None else [None] * len(images)
        if mentioned is not None and [len(m) for m in mentioned] != [len(c) for c in self._captions]:
            raise ValueError("mentioned needs one attribute dict per caption")
        self._mentioned = [list(m) for m in mentioned] if mentioned is not None else None
        self.resolution = shape[1]
        self.summary = LoadSummary(source, len(images), sum(len(c) for c in self._captions))

    def __len__(self) -> int:
        return len(self._images)

    def image(self, index: int) -> torch.Tensor:
        return uint8_to_float(np.asarray(self._images[index]))

    def images(self, indices: Sequence[int]) -> torch.Tensor:
        idx = np.asarray(indices, dtype=np.int64)
        return uint8_to_float(np.asarray(self._images[idx] if isinstance(self._images, np.ndarray)
                                         else self._images[torch.as_tensor(idx)]))

    def captions(self, index: int) -> list[str]:
        return self._captions[index]

    def attributes(self, index: int) -> dict[str, str] | None:
        return self._attributes[index]

    def attribute_table(self) -> dict[str, tuple[str, ...]] | None:
        """The values seen per attribute (sorted), when every image is labelled."""
        if any(a is None for a in self._attributes):
            return None
        names = sorted({name for a in self._attributes for name in a})
        return {name: tuple(sorted({a[name] for a in self._attributes if name in a})) for name in names}

    def mentioned_attributes(self, index: int) -> list[dict[str, str]] | None:
        return self._mentioned[index] if self._mentioned is not None else None

    def all_captions(self) -> list[str]:
        return [c for caps in self._captions for c in caps]
