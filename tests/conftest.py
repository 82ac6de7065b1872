"""Shared fixtures: tiny in-test datasets and a tiny trained model (built once per session)."""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import numpy as np
import pytest
import torch

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
torch.set_num_threads(min(2, os.cpu_count() or 1))

COLOURS = {"red": (220, 40, 40), "green": (40, 200, 60), "blue": (40, 60, 220), "yellow": (230, 220, 40)}
SHAPES = ("square", "stripe")


def make_toy_dataset(count: int = 64, resolution: int = 16, seed: int = 0):
    """Coloured squares or stripes on grey, captioned with their colour and shape: text that matters."""
    from core.data import TensorTextFaceDataset

    rng = np.random.default_rng(seed)
    images = np.full((count, resolution, resolution, 3), 128, dtype=np.uint8)
    captions, attributes = [], []
    names = list(COLOURS)
    for i in range(count):
        colour, shape = names[i % len(names)], SHAPES[(i // len(names)) % 2]
        lo, hi = resolution // 4, 3 * resolution // 4
        if shape == "square":
            images[i, lo:hi, lo:hi] = COLOURS[colour]
        else:
            images[i, :, lo:hi] = COLOURS[colour]
        images[i] = np.clip(images[i].astype(int) + rng.integers(-10, 10, images[i].shape), 0, 255)
        captions.append([f"a {colour} {shape}", f"{shape} coloured {colour}"])
        attributes.append({"colour": colour, "shape": shape})
    mentioned = [[labels, labels] for labels in attributes]  # both captions state both attributes
    return TensorTextFaceDataset(images, captions, attributes, source="toy", mentioned=mentioned)


def tiny_config(resolution: int = 16, stage_images: int = 160, batch: int = 8, **train_overrides):
    from core.presets import preset

    config = preset("tiny", resolution)
    stages = config.model.depths
    train = dataclasses.replace(config.train, stage_images=(stage_images,) * stages, batch_sizes=(batch,) * stages,
                                log_every=2, sample_every=10, checkpoint_every=10, **train_overrides)
    return config.replace(train=train)


@pytest.fixture(scope="session")
def toy_dataset():
    return make_toy_dataset()


@pytest.fixture(scope="session")
def tiny_run(tmp_path_factory, toy_dataset) -> Path:
    """A finished tiny training run (16×16): its folder holds metrics, samples and ``model/``."""
    from core.training.trainer import Trainer

    run_dir = tmp_path_factory.mktemp("tiny-run")
    Trainer(run_dir, tiny_config(), toy_dataset).train()
    return run_dir


@pytest.fixture(scope="session")
def tiny_model(tiny_run):
    from core.model.t2f import T2F

    return T2F.load(tiny_run, device="cpu")
