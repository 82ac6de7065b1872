"""The text must steer the picture: a short run on coloured shapes draws the colour it is asked for."""

import dataclasses

import numpy as np

from core.model.t2f import T2F
from core.training.trainer import Trainer
from tests.conftest import COLOURS, make_toy_dataset, tiny_config


def test_generated_colour_follows_the_caption(tmp_path):
    config = tiny_config(resolution=16, stage_images=2500, batch=16)
    config = config.replace(train=dataclasses.replace(config.train, sample_every=10**6, checkpoint_every=10**6))
    Trainer(tmp_path / "run", config, make_toy_dataset(256)).train()
    model = T2F.load(tmp_path / "run", device="cpu")
    names = list(COLOURS)
    hits = total = 0
    for colour in names:
        for shape in ("square", "stripe"):
            centres = model.generate(f"a {colour} {shape}", list(range(6)))[:, 6:10, 6:10].reshape(6, -1, 3)
            for mean in centres.astype(float).mean(axis=1):
                nearest = min(names, key=lambda n: float(((np.array(COLOURS[n]) - mean) ** 2).sum()))
                hits += nearest == colour
                total += 1
    assert hits / total >= 0.6, f"colour followed the caption in {hits}/{total} faces (chance 25 %)"
