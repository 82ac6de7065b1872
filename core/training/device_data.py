"""The training set on the training device: one ``N×R×R×3`` uint8 tensor, gathered there each step.

Why. On a GPU the host assembling each batch (stacking faces, converting them to float, copying
them over) takes longer than the step itself at batch 32 (issue 29). With every face already on
the device as uint8 (a 20,000-face set at 64×64 is 246 MB) a batch is one ``index_select`` of
indices copied without waiting, converted and resized there. The synthetic faces are all drawn
first, on worker processes (:func:`render_synthetic`), so rendering never gates the device.

On the CPU the "device" is the host: nothing is gained and the faces would all be drawn before the
first step instead of on first use, so ``TrainConfig.device_data`` "auto" is on only on CUDA. The
gathered batch equals the host's (:meth:`core.training.batches.RealBatches.take`) bit for bit on the
CPU; the GAN's data is not augmented, so nothing else moves to the device.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

import numpy as np
import torch

from core.data.base import TensorTextFaceDataset, TextFaceDataset

#: ``TrainConfig.device_data`` values.
DEVICE_DATA_MODES = ("auto", "on", "off")
#: At most this share of a GPU's memory holds the training set ("auto"); the rest trains.
MAX_DEVICE_SHARE = 0.25
#: Faces per job handed to a rendering worker.
RENDER_CHUNK = 256


def device_data_enabled(mode: str, device: torch.device) -> bool:
    """``"on"``, or ``"auto"`` on CUDA (see the module docstring)."""
    return mode == "on" or (mode == "auto" and device.type == "cuda")


def render_synthetic(dataset: TextFaceDataset, workers: int,
                     should_stop: Callable[[], bool] = lambda: False) -> np.ndarray | None:
    """Every face of a :class:`~core.data.synthetic.dataset.SyntheticFaces` set as ``N×R×R×3`` uint8,
    drawn on ``workers`` processes (in this one with a single worker, or if processes cannot start);
    ``None`` if stopped. Faces already in the dataset's memory cache are not drawn again."""
    from core.data.synthetic.dataset import _render_many

    count, size = len(dataset), dataset.resolution
    images = np.empty((count, size, size, 3), dtype=np.uint8)
    cached = dataset._images  # noqa: SLF001 - the dataset's own memory cache, read only
    todo = [i for i in range(count) if i not in cached]
    for index in set(range(count)) - set(todo):
        images[index] = cached[index]
    chunks = [todo[start:start + RENDER_CHUNK] for start in range(0, len(todo), RENDER_CHUNK)]
    args = (dataset.seed, dataset.split)
    if workers > 1 and len(chunks) > 1:
        try:
            # spawn, not fork: the app trains from a thread of a Qt process, which must not be forked.
            with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn")) as pool:
                jobs = [pool.submit(_render_many, *args, chunk, size) for chunk in chunks]
                for chunk, job in zip(chunks, jobs):
                    if should_stop():
                        pool.shutdown(cancel_futures=True)
                        return None
                    images[chunk] = job.result()
                return images
        except (BrokenProcessPool, OSError):
            pass  # no worker processes here: draw them in this one
    for chunk in chunks:
        if should_stop():
            return None
        images[chunk] = _render_many(*args, chunk, size)
    return images


def host_images(dataset: TextFaceDataset, workers: int, should_stop: Callable[[], bool]) -> np.ndarray | None:
    """The dataset's faces as one uint8 array, when it has them so (in memory, a cache file, or
    drawn procedurally); ``None`` for any other dataset, or if stopped."""
    from core.data.synthetic.dataset import SyntheticFaces

    if isinstance(dataset, SyntheticFaces):
        return render_synthetic(dataset, workers, should_stop)
    if isinstance(dataset, TensorTextFaceDataset):
        images = dataset._images  # noqa: SLF001 - N×R×R×3 uint8, checked by the dataset
        return images.numpy() if isinstance(images, torch.Tensor) else np.asarray(images)
    return None


def fits(nbytes: int, device: torch.device) -> bool:
    """Whether a training set of ``nbytes`` may live on ``device`` (a share of a GPU's memory)."""
    if device.type != "cuda":
        return True
    return nbytes <= MAX_DEVICE_SHARE * torch.cuda.get_device_properties(device).total_memory


def to_device(dataset: TextFaceDataset, device: torch.device, workers: int,
              should_stop: Callable[[], bool] = lambda: False) -> tuple[torch.Tensor | None, str]:
    """``(images, why)``: the dataset's faces as a uint8 tensor on ``device``, or ``None`` and why not."""
    images = host_images(dataset, workers, should_stop)
    if images is None:
        return None, "stopped" if should_stop() else f"{dataset.summary.source} has no uint8 faces to move"
    if not fits(images.nbytes, device):
        return None, f"the training set ({images.nbytes / 2**20:.0f} MB) would take over a quarter of the GPU"
    return torch.from_numpy(np.ascontiguousarray(images)).to(device), ""
