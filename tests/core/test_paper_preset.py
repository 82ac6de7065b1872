"""``t2f-paper``: T2F as its code trains it, and the parts of its objective, checked one by one."""

import dataclasses
import json
from pathlib import Path

import pytest
import torch

from core.config import RunConfig
from core.presets import preset
from core.losses import discriminator_loss
from core.model.discriminator import Discriminator
from core.training.trainer import Trainer
from tests.conftest import make_toy_dataset

CONFIGS = Path(__file__).resolve().parents[2] / "configs"


def _small_paper_config(**train):
    """The paper preset with the tiny preset's widths and schedule: the same objective, CI-sized."""
    paper, tiny = preset("t2f-paper", 16), preset("tiny", 16)
    model = dataclasses.replace(paper.model, channels=tiny.model.channels, ca_dim=16, noise_dim=16, embedding_dim=16,
                                text_hidden=32, d_text_dim=8)
    stages = model.depths
    return paper.replace(model=model, train=dataclasses.replace(
        paper.train, stage_images=(64,) * stages, batch_sizes=(8,) * stages, log_every=1, sample_every=100,
        checkpoint_every=100, **train))


def test_the_preset_file_is_the_preset_and_says_what_t2f_used():
    paper = preset("t2f-paper")
    assert RunConfig.load(CONFIGS / "t2f-paper.json") == paper
    model, train = paper.model, paper.train
    assert (model.text_layers, model.text_hidden, model.embedding_dim, model.ca_dim, model.noise_dim) == (3, 512, 128,
                                                                                                         256, 256)
    assert (model.critic_text, model.d_text_dim, model.channels) == ("generator", 128, (512, 512, 512, 512, 256))
    assert (train.kl_weight, train.empty_caption_prob, train.mismatch_loss, train.mismatch_weight) == (1.0, 0.0, "sum",
                                                                                                       1.0)
    assert (train.gp_weight, train.gp_every, train.drift_weight, train.lr, train.betas) == (10.0, 1, 0.001, 0.001,
                                                                                            (0.0, 0.99))
    assert train.generator_fresh_noise and train.fade_fraction == 0.5 and set(train.batch_sizes) == {16}
    assert (train.reader_steps, train.matching_warmup_steps, train.ca_noise) == (0, 0, 1.0)


def test_the_matching_forms_add_or_average_the_mismatched_scores_exactly():
    real, fake, wrong = torch.tensor([1.0, 3.0]), torch.tensor([0.0, 2.0]), torch.tensor([-1.0, 0.0])
    # T2F: mean D(fake) − mean D(real) + w·mean D(x, t̃)
    assert discriminator_loss(real, fake, wrong, 2.0, "sum").item() == (1.0 - 2.0) + 2.0 * -0.5
    # GAN-CLS: (mean D(fake) + w·mean D(x, t̃)) / (1 + w) − mean D(real)
    assert discriminator_loss(real, fake, wrong, 1.0, "average").item() == (1.0 + -0.5) / 2 - 2.0
    assert discriminator_loss(real, fake, wrong, 1.0, "linear").item() == (1.0 + -0.5) / 2 - 2.0  # the old name


def test_the_critic_reads_the_generators_embedding_through_a_compressed_concatenation():
    config = _small_paper_config().model
    critic = Discriminator(dataclasses.replace(config, vocab_size=50))
    assert critic.text_encoder is None and not any("text_encoder" in k for k in critic.state_dict())
    images, text = torch.randn(3, 3, 16, 16), torch.randn(3, config.text_hidden)
    scores = critic(images, text)
    pairs = critic.pair_scores(critic.features(images), text)
    assert scores.shape == (3,) and pairs.shape == (3, 3)
    assert torch.allclose(pairs.diagonal(), scores, atol=1e-5)
    other = critic(images, text.roll(1, 0))  # the text changes the score (it is not ignored)
    assert not torch.allclose(scores, other)
    with pytest.raises(ValueError, match="reads the generator's text embedding"):
        critic.encode_text(torch.zeros(3, 4, dtype=torch.long), torch.full((3,), 4))


def test_t2f_paper_trains_with_its_own_objective(tmp_path, monkeypatch):
    trainer = Trainer(tmp_path / "run", _small_paper_config(), make_toy_dataset(32))
    noise_draws, texts_seen = [], []
    draw, head = trainer.objective.host_noise, trainer.discriminator.head  # every draw of (z, ε)
    monkeypatch.setattr(trainer.objective, "host_noise", lambda n: noise_draws.append(n) or draw(n))
    monkeypatch.setattr(trainer.discriminator, "head",
                        lambda h, text: texts_seen.append(text.requires_grad) or head(h, text))
    encoder_before = [p.detach().clone() for p in trainer.model.text_encoder.parameters()]
    assert trainer.train(max_steps=3).reason == "max_steps"
    assert noise_draws == [8, 8] * 3  # fresh noise for each generator step
    # Per step, scored from features: real and mismatched faces (the critic's step: the embedding
    # detached), then the generator's faces, whose score reaches the generator's text encoder.
    assert texts_seen == [False, False, True] * 3
    assert not all(torch.equal(a, b) for a, b in zip(encoder_before, trainer.model.text_encoder.parameters()))
    records = [json.loads(line) for line in (tmp_path / "run" / "metrics.jsonl").read_text().splitlines()]
    assert len(records) == 3
    for r in records:
        assert {"d_loss", "g_loss", "gp", "kl", "drift", "mismatch_score"} <= set(r)
        assert not {"reader_loss", "mode_seeking", "g_matching"} & set(r)
        # The critic's loss is T2F's sum: fake − real + mismatched (weight 1), nothing else.
        assert r["d_loss"] == pytest.approx(r["fake_score"] - r["real_score"] + r["mismatch_score"], abs=2e-6)
