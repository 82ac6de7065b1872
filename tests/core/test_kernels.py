"""Fewer, bigger kernels (core.training.kernels): compiled stages and channels-last keep the math,
compile only at stage or α-phase changes, and the batch-size learning-rate rule."""

from __future__ import annotations

import dataclasses
import os

import pytest
import torch

from core.model.discriminator import Discriminator
from core.model.generator import Generator
from core.training import kernels
from core.training.trainer import Trainer
from tests.conftest import make_toy_dataset, tiny_config
from tests.core.test_sync_free import _state


def _networks():  # noqa: ANN202
    config = dataclasses.replace(tiny_config().model, vocab_size=50)
    torch.manual_seed(0)
    return config, Generator(config), Discriminator(config)


def test_a_stage_compiles_only_when_its_depth_or_alpha_phase_changes():
    config, generator, critic = _networks()
    graphs = []

    def counting(graph, inputs):  # noqa: ANN001, ANN202 - a torch.compile backend that runs the graph as traced
        graphs.append(graph)
        return graph.forward

    stages = kernels.StageKernels(generator, critic, "on", backend=counting)
    latent = torch.randn(4, config.latent_dim)
    schedule = [(0, 1.0), (0, 1.0), (1, 0.3), (1, 0.5), (1, 0.7), (1, 0.9), (1, 1.0), (1, 1.0), (2, 0.25), (2, 0.5),
                (2, 0.75)]
    seen = []
    for depth, alpha in schedule:
        faces = stages.generator(depth, alpha)(latent)
        assert torch.equal(faces, generator(latent, depth, alpha))
        assert torch.equal(stages.features(depth, alpha)(faces), critic.features(faces, depth, alpha))
        seen.append(len(graphs))
    assert stages.compiles == 4  # (0, stable), (1, fading), (1, stable), (2, fading)
    # Two functions; a fade-in compiles with its first α, then once with α as an input: never per step.
    assert seen == [2, 2, 4, 6, 6, 6, 8, 8, 10, 12, 12]


def _trained(tmp_path, name: str, **train):  # noqa: ANN001, ANN003, ANN202
    config = tiny_config(gp_every=2, **train)
    config = config.replace(train=dataclasses.replace(config.train, stage_images=(16, 32, 400)))
    trainer = Trainer(tmp_path / name, config, make_toy_dataset(24))
    trainer.train(max_steps=6)  # through a fade-in and into the next stage
    return trainer


def _assert_close(a: Trainer, b: Trainer, **tolerance: float) -> None:
    for x, y in zip(_state(a), _state(b)):
        torch.testing.assert_close(x, y, **tolerance)


def test_compiled_training_keeps_the_math(tmp_path, monkeypatch):
    monkeypatch.setattr(kernels, "DEFAULT_BACKEND", "aot_eager")  # the graphs inductor would get, run as traced
    compiled = _trained(tmp_path, "compiled", compile="on")
    assert compiled.objective.kernels.compiles >= 3
    _assert_close(compiled, _trained(tmp_path, "eager"), rtol=1e-4, atol=1e-5)


def test_channels_last_keeps_the_math(tmp_path):
    nhwc = _trained(tmp_path, "nhwc", channels_last=True)
    weight = next(p for p in nhwc.discriminator.parameters() if p.dim() == 4 and p.shape[-1] > 1)
    assert weight.is_contiguous(memory_format=torch.channels_last) and not weight.is_contiguous()
    _assert_close(nhwc, _trained(tmp_path, "nchw"), rtol=1e-3, atol=1e-4)


@pytest.mark.skipif(os.environ.get("T2F_COMPILE_TESTS") != "1",
                    reason="inductor compiles C++ for tens of seconds a stage on the CPU; T2F_COMPILE_TESTS=1 runs it")
def test_inductor_compiled_training_keeps_the_math(tmp_path):
    _assert_close(_trained(tmp_path, "inductor", compile="on"), _trained(tmp_path, "eager"), rtol=1e-3, atol=1e-4)


def test_learning_rate_grows_with_the_square_root_of_the_batch():
    assert kernels.scaled_lr(0.001, 32) == 0.001
    assert kernels.scaled_lr(0.001, 128) == pytest.approx(0.002)
    assert kernels.scaled_lr(0.001, 512) == pytest.approx(0.004)
    assert kernels.scaled_lr(0.001, 2048) == pytest.approx(0.004)  # capped
    assert kernels.scaled_lr(0.002, 8) == pytest.approx(0.001)
    with pytest.raises(ValueError):
        kernels.scaled_lr(0.001, 0)
