"""Named configurations a user picks (``t2f train --preset NAME``; ``configs/NAME.json`` holds each
written out whole), and the rule that fits a preset to data without attribute labels.
"""

from __future__ import annotations

import dataclasses
import math

from core.config import DataConfig, ModelConfig, RunConfig, TrainConfig, default_channels


def preset(name: str, resolution: int | None = None) -> RunConfig:
    """Named configurations: ``tiny`` (a CPU demo in minutes), ``default`` (64×64), ``bundled`` (the
    recipe of the bundled model, 64×64) and ``t2f-paper`` (T2F as published)."""
    if name == "tiny":
        res = resolution or 32
        depths = int(math.log2(res)) - 1
        model = ModelConfig(resolution=res, channels=default_channels(res, base=64, minimum=16),
                            ca_dim=32, noise_dim=32, embedding_dim=32,
                            text_hidden=64, text_layers=1, d_text_dim=32)
        train = TrainConfig(stage_images=(2_000,) * depths, batch_sizes=(16,) * depths,
                            fade_fraction=0.5, log_every=5, sample_every=50, checkpoint_every=200,
                            sample_count=8, gp_every=4)
        return RunConfig(model, train, DataConfig(synthetic_count=1000))
    if name == "default":
        res = resolution or 64
        depths = int(math.log2(res)) - 1
        model = ModelConfig(resolution=res, channels=default_channels(res, base=256, minimum=32))
        stage = tuple([60_000] + [120_000] * (depths - 1))
        train = TrainConfig(stage_images=stage, batch_sizes=(32,) * depths, gp_every=4)
        return RunConfig(model, train, DataConfig())
    if name == "bundled":
        return _bundled_recipe(resolution)
    if name == "t2f-paper":
        return _t2f_paper(resolution)
    raise ValueError(f"unknown preset {name!r}; choose {', '.join(PRESETS)}")


def _t2f_paper(resolution: int | None) -> RunConfig:
    """T2F as its published code trains it (akanimax/T2F, ``configs/1.conf`` with the ProGAN it
    vendored), at 64×64 unless asked otherwise; docs/t2f-paper.md maps every element to our code.

    Kept from this project, each a correction of a bug: the gradient penalty's norm per sample (the
    original took one per pixel), the LSTM read at the last real token (the original read it after
    the padding), a derangement for wrong captions (the original's permutation could keep a caption
    on its own face), σ from a log-variance (the original's ReLU could stick at zero), and an EMA
    kept apart from the trained generator (the original's overwrote it).
    """
    res = resolution or 64
    depths = int(math.log2(res)) - 1
    # T2F's widths: the latent size (512) up to 32×32, halving above.
    channels = tuple(512 if 4 << d <= 32 else 512 >> (d - 3) for d in range(depths))
    model = ModelConfig(resolution=res, channels=channels, ca_dim=256, noise_dim=256, max_tokens=100,
                        embedding_dim=128, text_hidden=512, text_layers=3, d_text_dim=128, text_summary="last",
                        critic_text="generator")
    # 1,237 captions: 20 epochs at 4×4, 40 at each later depth; batch 16; half of each depth fading in.
    train = TrainConfig(stage_images=(24_740,) + (49_480,) * (depths - 1), batch_sizes=(16,) * depths,
                        fade_fraction=0.5, lr=0.001, betas=(0.0, 0.99), gp_weight=10.0, gp_every=1,
                        drift_weight=0.001, kl_weight=1.0, ca_noise=1.0, mismatch_loss="sum", mismatch_weight=1.0,
                        empty_caption_prob=0.0, generator_fresh_noise=True, ema_beta=0.999)
    return RunConfig(model, train, DataConfig())


def _bundled_recipe(resolution: int | None) -> RunConfig:
    """The recipe of the bundled default model (``configs/bundled.json``; its model card,
    resources/models/default/README.md).

    T2F's networks at small widths plus the three changes this project measured to make a CPU-sized
    model follow its captions: a matching warm-up of the critic, the contrastive matching term and
    an attribute reader with the CA noise scaled down. The reader needs attribute labels, which only
    the synthetic faces have: for other data, :func:`fit_to_data` turns it off.
    """
    if resolution not in (None, 64):
        raise ValueError(f"the bundled recipe is measured at 64×64 only, not {resolution}×{resolution}")
    model = ModelConfig(resolution=64, channels=default_channels(64, base=128, minimum=16),
                        embedding_dim=64, text_hidden=128, text_layers=1, d_text_dim=64, text_summary="mean")
    train = TrainConfig(stage_images=(20_000, 25_000, 40_000, 70_000, 130_000), batch_sizes=(64, 64, 32, 32, 32),
                        ca_noise=0.1, mismatch_weight=3.0, mismatch_loss="contrastive",
                        matching_warmup_steps=4000, reader_steps=800, reader_weight=5.0, gp_every=4,
                        log_every=25, sample_every=250, checkpoint_every=500)
    return RunConfig(model, train, DataConfig())


def without_attribute_reader(config: RunConfig) -> RunConfig:
    """``config`` with the attribute reader off, for data whose faces carry no attribute labels:
    every term that needs the reader (as each term declares) off with it."""
    from core.training.terms import READER_WEIGHTS

    off = {name: 0.0 for name in READER_WEIGHTS}
    return config.replace(train=dataclasses.replace(config.train, reader_steps=0, **off))


def reader_lacks_labels(config: RunConfig) -> bool:
    """Whether ``config`` asks for an attribute reader its data cannot teach.

    Only the embedded synthetic faces carry attribute labels; a folder of photos and captions has
    captions alone, so a reader trained on it would learn nothing.
    """
    return config.train.reader_steps > 0 and config.data.source != "synthetic"


def fit_to_data(config: RunConfig) -> RunConfig:
    """``config`` with its attribute reader off when its data has no attribute labels, else unchanged.

    The one place that rule lives: the CLI's presets and the app's Train view both use it.
    """
    return without_attribute_reader(config) if reader_lacks_labels(config) else config


PRESETS = ("tiny", "default", "bundled", "t2f-paper")
