"""``SyntheticFaces``: an endless supply of labelled, captioned cartoon faces, rendered on demand.

Image ``i`` of a split is a pure function of ``(seed, split, i)``: three independent generators
seeded ``[seed, split_id, i, stream]`` give its attributes, its drawing and its captions. The split
id is part of every seed, so train, test and paraphrase images come from disjoint random streams
(no image of one split appears in another), and attributes can be read without rendering.

Rendering runs at a few hundred faces per second per core, so images are kept in an in-memory LRU
after first use: from the second epoch on, a dataset that fits the memory budget costs nothing.
:meth:`SyntheticFaces.prerender` fills that cache ahead of training on several cores (a GPU otherwise
waits on one CPU thread drawing faces for the whole first epoch).
"""

from __future__ import annotations

import multiprocessing
from collections import OrderedDict
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import torch
from PIL import Image

from core.data.base import LoadSummary, TextFaceDataset, uint8_to_float
from core.data.synthetic.attributes import ATTRIBUTES, Attributes, sample_attributes
from core.data.synthetic.captions import Caption, make_captions
from core.data.synthetic.near_miss import near_miss_captions
from core.data.synthetic.render import BASE_SIZE, render_face

#: Split name → the id mixed into every seed of that split.
SPLITS: dict[str, int] = {"train": 0, "test": 1, "paraphrase": 2}
_ATTRIBUTE_STREAM, _RENDER_STREAM, _CAPTION_STREAM = 0, 1, 2
#: Fewer faces than this are left to render on first use: starting worker processes (each imports
#: numpy, PIL and torch) would cost more than it saves.
PRERENDER_FROM = 2000
#: Faces one worker draws per task, and tasks submitted at a time (a stop request is honoured
#: between such rounds).
PRERENDER_BATCH = 64
PRERENDER_ROUND = 16


def face_rng(seed: int, split: str, index: int, stream: int) -> np.random.Generator:
    """The generator for one aspect (attributes, drawing, captions) of one face."""
    return np.random.default_rng([seed, SPLITS[split], index, stream])


def render_at(attrs: Attributes, rng: np.random.Generator, resolution: int) -> np.ndarray:
    """Render at the native 128 px (or larger) and box-reduce to ``resolution``: ``R×R×3`` uint8."""
    if resolution >= BASE_SIZE:
        return render_face(attrs, rng, resolution)
    image = Image.fromarray(render_face(attrs, rng, BASE_SIZE))
    if BASE_SIZE % resolution == 0:
        image = image.reduce(BASE_SIZE // resolution)
    else:
        image = image.resize((resolution, resolution), Image.Resampling.BOX)
    return np.array(image)  # a writable copy: torch warns about read-only arrays


def render_face_at(seed: int, split: str, index: int, resolution: int) -> np.ndarray:
    """Face ``index`` of a split, exactly as :meth:`SyntheticFaces.image_uint8` draws it (a plain
    function of its arguments, so worker processes can run it)."""
    attrs = sample_attributes(face_rng(seed, split, index, _ATTRIBUTE_STREAM))
    return render_at(attrs, face_rng(seed, split, index, _RENDER_STREAM), resolution)


def _render_many(seed: int, split: str, indices: Sequence[int], resolution: int) -> np.ndarray:
    return np.stack([render_face_at(seed, split, i, resolution) for i in indices])


class SyntheticFaces(TextFaceDataset):
    """``n`` procedural faces of one split, with attributes and several captions each.

    ``split`` is ``"train"``, ``"test"`` (other images, training wording) or ``"paraphrase"``
    (other images again, with held-out templates and synonyms).
    """

    def __init__(self, n: int, resolution: int = 64, seed: int = 0, split: str = "train",
                 captions_per_image: int = 5, memory_cache_mb: float = 512) -> None:
        if split not in SPLITS:
            raise ValueError(f"split must be one of {', '.join(SPLITS)}, got {split!r}")
        if n <= 0:
            raise ValueError(f"need at least one image, got n={n}")
        if not 8 <= resolution <= 1024:
            raise ValueError(f"resolution must be between 8 and 1024, got {resolution}")
        if captions_per_image < 1:
            raise ValueError("captions_per_image must be at least 1")
        self.n, self.resolution, self.seed, self.split = int(n), int(resolution), int(seed), split
        self.captions_per_image = captions_per_image
        self.summary = LoadSummary(f"synthetic faces ({split}, seed {seed}, {resolution}px)", self.n,
                                   self.n * captions_per_image)
        self._image_bytes = resolution * resolution * 3
        self._max_cached = int(memory_cache_mb * 2**20) // self._image_bytes
        self._images: OrderedDict[int, np.ndarray] = OrderedDict()
        self._captions: dict[int, list[Caption]] = {}

    def __len__(self) -> int:
        return self.n

    def __getstate__(self) -> dict[str, object]:
        """Pickle without the caches: a worker process re-renders what it needs, cheaply."""
        state = self.__dict__.copy()
        state["_images"] = OrderedDict()
        state["_captions"] = {}
        return state

    def _check(self, index: int) -> int:
        index = int(index)
        if not 0 <= index < self.n:
            raise IndexError(f"index {index} out of range for {self.n} synthetic faces")
        return index

    def attributes(self, index: int) -> Attributes:
        """The full attribute dict of face ``index`` (cheap: nothing is rendered)."""
        return sample_attributes(face_rng(self.seed, self.split, self._check(index), _ATTRIBUTE_STREAM))

    def caption_records(self, index: int) -> list[Caption]:
        """The captions of face ``index`` with the attributes each one mentions."""
        index = self._check(index)
        records = self._captions.get(index)
        if records is None:
            rng = face_rng(self.seed, self.split, index, _CAPTION_STREAM)
            records = make_captions(self.attributes(index), rng, self.captions_per_image,
                                    paraphrase=self.split == "paraphrase")
            self._captions[index] = records
        return records

    def captions(self, index: int) -> list[str]:
        return [record.text for record in self.caption_records(index)]

    def attribute_table(self) -> dict[str, tuple[str, ...]]:
        return {name: tuple(values) for name, values in ATTRIBUTES.items()}

    def mentioned_attributes(self, index: int) -> list[dict[str, str]]:
        return [dict(record.mentioned) for record in self.caption_records(index)]

    def near_miss_captions(self, index: int, count: int, rng: np.random.Generator) -> list[str]:
        """Fresh captions of face ``index`` with one attribute each made wrong, worded like its split's."""
        return near_miss_captions(self.attributes(index), count, rng, paraphrase=self.split == "paraphrase")

    def image_uint8(self, index: int) -> np.ndarray:
        """Face ``index`` as an ``R×R×3`` uint8 array (rendered once, then served from memory)."""
        index = self._check(index)
        cached = self._images.get(index)
        if cached is not None:
            self._images.move_to_end(index)
            return cached
        pixels = render_face_at(self.seed, self.split, index, self.resolution)
        self._remember(index, pixels)
        return pixels

    def _remember(self, index: int, pixels: np.ndarray) -> None:
        if self._max_cached > 0:
            self._images[index] = pixels
            while len(self._images) > self._max_cached:
                self._images.popitem(last=False)

    def prerender(self, workers: int, should_stop: Callable[[], bool] = lambda: False) -> bool:
        """Render, on ``workers`` processes, every face the memory cache can hold and does not yet.

        Returns False if ``should_stop`` said so between chunks (what was rendered is kept). With
        one worker, or fewer than :data:`PRERENDER_FROM` faces to draw, nothing is done here: they
        are rendered on first use as before; likewise if the worker processes cannot run (the
        faces are the same either way, only later).
        """
        todo = [i for i in range(min(self.n, self._max_cached)) if i not in self._images]
        if workers <= 1 or len(todo) < PRERENDER_FROM:
            return True
        batches = [todo[start : start + PRERENDER_BATCH] for start in range(0, len(todo), PRERENDER_BATCH)]
        try:
            # spawn, not fork: the app trains from a thread of a Qt process, which must not be forked.
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                for first in range(0, len(batches), PRERENDER_ROUND):
                    if should_stop():
                        pool.shutdown(cancel_futures=True)
                        return False
                    round_ = batches[first : first + PRERENDER_ROUND]
                    jobs = [pool.submit(_render_many, self.seed, self.split, batch, self.resolution) for batch in round_]
                    for batch, job in zip(round_, jobs):
                        for index, face in zip(batch, job.result()):
                            self._remember(index, face)
        except (BrokenProcessPool, OSError):
            pass  # no worker processes here: render on first use
        return True

    def image(self, index: int) -> torch.Tensor:
        return uint8_to_float(self.image_uint8(index))

    def images(self, indices: Sequence[int]) -> torch.Tensor:
        """A batch ``B×3×R×R``: uint8 faces stacked first, converted to float in one operation."""
        return uint8_to_float(np.stack([self.image_uint8(int(i)) for i in indices]))
