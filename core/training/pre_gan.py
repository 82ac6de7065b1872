"""The phases a run goes through before its first GAN step, in order: the synthetic faces drawn on
worker processes, the critic's matching warm-up, the attribute reader's fit, and the fresh critic's
steps of a run that continues a trained model. Each takes the :class:`~core.training.trainer.Trainer`
(whose networks, batches and progress it advances) and returns ``False`` when a stop request ended it;
the step loop of each is :func:`core.training.phases.run_phase`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from core.devices import usable_cpu_cores
from core.training import distributed as ddp
from core.training.attribute_reader import reader_training_step
from core.training.device_data import device_data_enabled, to_device
from core.training.events import TrainingWarning
from core.training.matching import depth_for_step, matching_step
from core.training.phases import PhaseControl, run_phase

if TYPE_CHECKING:
    from core.training.trainer import Trainer


def before_the_gan(trainer: Trainer) -> bool:
    """Every phase still to run, in order; ``False`` if one was stopped."""
    return (prerender_faces(trainer) and warm_up_matching(trainer) and train_reader(trainer)
            and train_fresh_critic(trainer))


def phase_control(trainer: Trainer) -> PhaseControl:
    return PhaseControl(trainer._unpaused.wait, trainer._stop.is_set, trainer._emit, trainer.save_checkpoint,
                        trainer._checkpoint_due)


def prerender_faces(trainer: Trainer) -> bool:
    """Draw a procedural dataset's faces on all cores but one before the first step (False if
    stopped); the core left free keeps the app's window responsive meanwhile. With
    ``device_data`` the whole set is drawn and moved to the device (core.training.device_data).

    Otherwise the first epoch waits on one thread rendering them. With two cores this leaves one
    worker, so the faces are drawn on first use as before.
    """
    workers = max(1, usable_cpu_cores() // trainer.context.world_size - 1)
    if trainer.batches.device_images is not None:  # moved by an earlier train() of this trainer
        return True
    if device_data_enabled(trainer.config.train.device_data, trainer.device):
        images, why = to_device(trainer.dataset, trainer.device, workers, trainer._stop.is_set)
        if images is not None:
            trainer.batches.device_images = images
            return True
        if trainer._stop.is_set():
            return False
        if trainer.config.train.device_data == "on":
            trainer._emit(TrainingWarning(f"the training set stays on the host: {why}"))
    prerender = getattr(trainer.dataset, "prerender", None)
    if prerender is None:
        return True
    return prerender(workers, trainer._stop.is_set)


def warm_up_matching(trainer: Trainer) -> bool:
    """What is left of the matching warm-up (see :mod:`core.training.matching`); ``False`` if stopped.

    When it ends, the generator's text encoder (and its EMA copy) start from the critic's.
    """
    cfg = trainer.config.train
    if trainer.step > trainer.progress.first_step:
        return True
    disc = trainer.discriminator
    optimizer = torch.optim.Adam(disc.parameters(), lr=cfg.matching_warmup_lr, betas=cfg.betas, eps=1e-8)

    def one_step(done: int) -> torch.Tensor:
        batch = trainer.batches.take(max(2, cfg.matching_warmup_batch // trainer.context.world_size))
        ids, lengths = (t.to(trainer.device) for t in trainer.tokenizer.batch(batch.captions))
        depth = depth_for_step(done, disc.max_depth)
        # fp32: short, and no scaler
        loss = matching_step(disc, batch.images, ids, lengths, batch.captions, depth, batch.near_misses)
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        trainer.objective.step_optimizer(optimizer, disc, scaled=False)
        return loss

    def hand_on_text_encoder() -> None:
        if trainer.progress.origin is None:  # a trained model keeps its own text encoder
            for generator in (trainer.model, trainer.ema):  # same architecture: start from the critic's weights
                generator.text_encoder.load_state_dict(disc.text_encoder.state_dict())

    return run_phase("matching_warmup", trainer.progress.warmup_step, cfg.matching_warmup_steps, one_step,
                     phase_control(trainer), lambda n: setattr(trainer.progress, "warmup_step", n),
                     hand_on_text_encoder)


def train_reader(trainer: Trainer) -> bool:
    """Fit what is left of the attribute reader's steps, then freeze it (see
    :mod:`core.training.attribute_reader`); ``False`` if stopped (a resumed run continues from
    the checkpoint written on the way out, with a fresh optimizer, as the warm-up does)."""
    cfg = trainer.config.train
    reader = trainer.reader
    if reader is None:
        return True
    if trainer.progress.reader_step < cfg.reader_steps:
        reader.train().requires_grad_(True)
        optimizer = torch.optim.Adam(reader.parameters(), lr=cfg.reader_lr)

        def one_step(done: int) -> torch.Tensor:
            images, labels = trainer.batches.labelled_images(max(2, cfg.reader_batch // trainer.context.world_size))
            loss = reader_training_step(reader, images, labels, done, trainer.discriminator.max_depth, trainer.rng)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            if trainer.context.enabled:
                ddp.average_gradients(list(reader.parameters()), trainer.context.world_size)
            optimizer.step()
            return loss

        if not run_phase("reader", trainer.progress.reader_step, cfg.reader_steps, one_step, phase_control(trainer),
                         lambda n: setattr(trainer.progress, "reader_step", n)):
            return False
    reader.eval().requires_grad_(False)
    return True


def train_fresh_critic(trainer: Trainer) -> bool:
    """Critic-only GAN steps, the generator frozen, before a run started from a model trains it.

    A new critic's first judgements are noise; a trained generator following them would lose
    what it learnt before the critic learns to tell its faces from real ones. These steps do not
    move the schedule (the images are the critic's alone). Returns ``False`` when stopped.
    """
    if trainer.progress.origin is None or trainer.step > trainer.progress.first_step:
        return True

    def one_step(done: int) -> torch.Tensor | None:
        values = trainer.train_step(trainer.position, train_generator=False)
        return None if values is None else values["d_loss"]

    return run_phase("fresh_critic", trainer.progress.fresh_critic_step, trainer.config.train.fresh_critic_steps,
                     one_step, phase_control(trainer), lambda n: setattr(trainer.progress, "fresh_critic_step", n))
