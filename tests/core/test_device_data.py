"""The training set on the device (core.training.device_data): the same batches as from the host,
drawn in parallel, and gathered without reading anything back."""

from __future__ import annotations

import dataclasses

import numpy as np
import torch

from core.training import device_data
from core.training.trainer import Trainer
from tests.conftest import make_toy_dataset, tiny_config
from tests.core.test_sync_free import DeviceReads, _quiet, _state, count_reads


def test_device_data_trains_exactly_like_host_batches(tmp_path):
    runs = {}
    for mode in ("off", "on"):
        config = tiny_config(device_data=mode, resolution=16)
        config = config.replace(train=dataclasses.replace(config.train, stage_images=(24, 24, 400)))
        trainer = Trainer(tmp_path / mode, config, make_toy_dataset(24, resolution=32))  # resized on the device
        trainer.train(max_steps=7)
        runs[mode] = trainer
    assert runs["off"].batches.device_images is None
    images = runs["on"].batches.device_images
    assert images.dtype == torch.uint8 and images.shape == (24, 32, 32, 3)
    assert all(torch.equal(a, b) for a, b in zip(_state(runs["on"]), _state(runs["off"])))


def test_synthetic_faces_are_drawn_in_parallel_exactly_as_one_by_one(monkeypatch):
    from core.data.synthetic.dataset import SyntheticFaces

    monkeypatch.setattr(device_data, "RENDER_CHUNK", 12)
    faces = SyntheticFaces(30, resolution=16, seed=5)
    faces.image_uint8(7)  # one already in the memory cache
    drawn = device_data.render_synthetic(faces, workers=2)
    expected = np.stack([SyntheticFaces(30, resolution=16, seed=5).image_uint8(i) for i in range(30)])
    assert drawn.dtype == np.uint8 and np.array_equal(drawn, expected)
    assert device_data.render_synthetic(faces, workers=1, should_stop=lambda: True) is None


def test_gathering_on_the_device_reads_nothing_back(tmp_path):
    trainer = Trainer(tmp_path / "run", _quiet(tiny_config(), sync_free="on", device_data="on"), make_toy_dataset(32))
    trainer.train(max_steps=1)
    DeviceReads.mark(trainer.batches.device_images)
    assert count_reads(trainer, 20) == []


def test_device_data_is_on_by_default_only_on_cuda():
    assert device_data.device_data_enabled("auto", torch.device("cuda"))
    assert not device_data.device_data_enabled("auto", torch.device("cpu"))
    assert device_data.device_data_enabled("on", torch.device("cpu"))
    assert not device_data.device_data_enabled("off", torch.device("cuda"))
