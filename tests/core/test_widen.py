"""Growing a trained generator's widths (core.model.widen): every trained weight is kept, what it
draws barely moves, the new channels can learn, and a run started from a model can ask for it."""

import dataclasses

import pytest
import torch

from core.presets import preset
from core.model.generator import Generator
from core.model.t2f import T2F
from core.model.widen import NEW_WEIGHT_SCALE, grown_state, grown_tensor, widening_problem
from core.training.trainer import Trainer
from tests.conftest import make_toy_dataset, tiny_config


def test_a_grown_tensor_keeps_the_old_block_and_feeds_old_outputs_nothing_new():
    old = torch.randn(3, 2, 3, 3)
    grown = grown_tensor(old, (5, 4, 3, 3), torch.Generator().manual_seed(0))
    assert torch.equal(grown[:3, :2], old)
    assert torch.equal(grown[:3, 2:], torch.zeros(3, 2, 3, 3))  # from new inputs into old outputs
    new_rows = grown[3:]
    assert new_rows.abs().max() > 0 and new_rows.std() < 3 * NEW_WEIGHT_SCALE
    assert torch.equal(grown_tensor(torch.ones(2), (4,), torch.Generator()), torch.tensor([1.0, 1.0, 0.0, 0.0]))
    with pytest.raises(ValueError, match=r"cannot grow a tensor of shape \(3, 2, 3, 3\) to \(2, 4, 3, 3\)"):
        grown_tensor(old, (2, 4, 3, 3), torch.Generator())


def test_a_widened_generator_draws_what_the_narrow_one_drew_and_its_new_channels_learn():
    narrow_config = dataclasses.replace(preset("tiny", 16).model, channels=(32, 16, 8))
    wide_config = dataclasses.replace(narrow_config, channels=(48, 16, 24))  # first and last grown
    torch.manual_seed(0)
    narrow, wide = Generator(narrow_config), Generator(wide_config)
    wide.load_state_dict(grown_state(narrow.state_dict(), wide.state_dict()))
    latent = torch.randn(6, narrow_config.latent_dim)
    for depth, alpha in ((2, 1.0), (2, 0.5), (1, 1.0), (0, 1.0)):
        drawn, widened = narrow(latent, depth, alpha), wide(latent, depth, alpha)
        assert widened.shape == drawn.shape
        # Exact but for the new channels' own activations in the pixel norm's mean (~scale²).
        torch.testing.assert_close(widened, drawn, rtol=0, atol=1e-3)
    assert not torch.equal(wide(latent), narrow(latent))  # the new channels are there, not zeros

    wide(latent).square().mean().backward()
    assert wide.to_rgb[2].weight.grad[:, 8:].abs().max() > 0  # weights from the new channels learn
    # …and so do the weights into them: the pixel norm's mean couples them to the old channels.
    assert wide.blocks[1].conv2.weight.grad[8:].abs().max() > 0


def test_widening_refuses_a_narrower_or_misshapen_width_list():
    assert widening_problem((8, 4), (8, 6)) is None
    assert widening_problem((8, 4), (8, 4, 2)) == "widen_generator needs one width per resolution (2 entries), got 3"
    assert widening_problem((8, 4), (6, 4)) == "widen_generator can only grow the model's widths [8, 4], not narrow them (6 < 8)"
    with pytest.raises(ValueError, match="differ in more than widths: extra"):
        grown_state({"a": torch.zeros(1)}, {"a": torch.zeros(1), "extra": torch.zeros(1)})


def test_a_run_from_a_model_can_grow_its_generator(tiny_run, tmp_path):
    source = T2F.load(tiny_run, device="cpu")
    wider = tuple(w + 8 for w in source.config.channels)
    config = tiny_config(matching_warmup_steps=0, fresh_critic_steps=2, widen_generator=wider)
    stages = config.train.stage_images
    last = source.info.images_seen - sum(stages[:-1]) + 32
    config = config.replace(train=dataclasses.replace(config.train, stage_images=(*stages[:-1], last)))
    trainer = Trainer(tmp_path / "run", config, make_toy_dataset(40), start_from=tiny_run)
    assert trainer.config.model == dataclasses.replace(source.config, channels=wider)
    assert [layer.weight.shape[1] for layer in trainer.model.generator.to_rgb] == list(wider)
    caption = ["a smiling woman with red hair", "an old man with glasses"]
    with torch.no_grad():
        latents = source.latents(caption, [3, 4], 1.0, False)
        assert torch.equal(trainer.ema.latents(caption, [3, 4], 1.0, False), latents)  # text side unchanged
        torch.testing.assert_close(trainer.ema.synthesize(latents), source.synthesize(latents), rtol=0, atol=2e-3)
    trainer.train(max_steps=source.info.step + 2)
    exported = T2F.load(tmp_path / "run", device="cpu")
    assert exported.config.channels == wider and exported.info.step == source.info.step + 2
    # The config file that started the run resumes it: its widen_generator names the run's widths.
    resumed = Trainer(tmp_path / "run", config, make_toy_dataset(40), resume=True)
    assert resumed.config.model.channels == wider
    other = config.replace(train=dataclasses.replace(config.train, widen_generator=tuple(w + 1 for w in wider)))
    with pytest.raises(ValueError, match="a resumed run keeps its model; the new config changes channels"):
        Trainer(tmp_path / "run", other, make_toy_dataset(40), resume=True)

    narrower = tiny_config(widen_generator=tuple(max(1, w - 1) for w in source.config.channels))
    narrower = narrower.replace(train=dataclasses.replace(narrower.train, stage_images=config.train.stage_images))
    with pytest.raises(ValueError, match="can only grow the model's widths"):
        Trainer(tmp_path / "refused", narrower, make_toy_dataset(40), start_from=tiny_run)
    assert not (tmp_path / "refused").exists()


def test_widen_generator_widths_must_be_positive():
    with pytest.raises(ValueError, match=r"widen_generator widths must be positive, got \[8, 0\]"):
        tiny_config(widen_generator=(8, 0))
