"""A run's state between processes: its counters, its checkpoints, its exported model, and the rules
for resuming it under new settings.

A checkpoint holds everything an uninterrupted run would still have in memory — every network and
optimizer, the counters of :class:`RunProgress`, the data order and both random generators — so a
resumed run continues bit for bit.
"""

from __future__ import annotations

import dataclasses
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from core.config import RunConfig
from core.io import ModelFileError
from core.model.model_card import write_export_card
from core.model.t2f import T2F, ModelInfo, load_state_strict
from core.training.checkpoint import flatten_optimizer, load_checkpoint, sub_state, unflatten_optimizer
from core.training.sampler import EpochSampler
from core.training.schedule import Position, schedule_moves_back


@dataclass
class RunProgress:
    """How far a run has got: GAN steps and images, each pre-GAN phase's steps, and bookkeeping."""

    step: int = 0
    images_seen: int = 0
    warmup_step: int = 0
    reader_step: int = 0
    fresh_critic_step: int = 0
    #: Consecutive non-finite steps (training stops at ``max_bad_steps``).
    bad_steps: int = 0
    #: Seconds spent training (pauses excluded), over every process lifetime of the run.
    wall_time: float = 0.0
    #: The model a run started from (``t2f train --from-model``): folder, step and images; or None.
    origin: dict[str, Any] | None = None

    @property
    def first_step(self) -> int:
        """The step this run's GAN training began at: 0, or the step of the model it started from."""
        return 0 if self.origin is None else int(self.origin["step"])

    def to_meta(self) -> dict[str, Any]:
        return dataclasses.asdict(self)

    def restore(self, meta: dict[str, Any], warmup_steps: int) -> None:
        """Read the counters back; ``warmup_steps``: what a checkpoint written before the warm-up
        was counted means (it had run whole)."""
        self.step, self.images_seen = int(meta["step"]), int(meta["images_seen"])
        self.bad_steps, self.wall_time = int(meta["bad_steps"]), float(meta["wall_time"])
        self.warmup_step = int(meta.get("warmup_step", warmup_steps))
        self.reader_step = int(meta.get("reader_step", 0))
        self.fresh_critic_step = int(meta.get("fresh_critic_step", 0))
        self.origin = meta.get("origin")


@dataclass
class TrainingState:
    """The networks, optimizers and random state a checkpoint saves and restores."""

    model: torch.nn.Module
    ema: torch.nn.Module
    critic: torch.nn.Module
    reader: torch.nn.Module | None
    optimizers: dict[str, torch.optim.Optimizer]
    scaler: torch.amp.GradScaler
    rng: torch.Generator
    sampler: EpochSampler

    def modules(self) -> list[tuple[str, torch.nn.Module]]:
        modules = [("model", self.model), ("ema", self.ema), ("disc", self.critic)]
        if self.reader is not None:
            modules.append(("reader", self.reader))
        return modules

    def checkpoint(self, progress: RunProgress, world_size: int) -> tuple[dict[str, torch.Tensor], dict[str, Any]]:
        """``(tensors, meta)`` of a checkpoint at ``progress``."""
        tensors: dict[str, torch.Tensor] = {}
        for prefix, module in self.modules():
            tensors.update({f"{prefix}.{k}": v for k, v in module.state_dict().items()})
        meta: dict[str, Any] = {**progress.to_meta(), "sampler": self.sampler.state(), "world_size": world_size}
        for name, optimizer in self.optimizers.items():
            meta[name] = flatten_optimizer(name, optimizer.state_dict(), tensors)
        tensors["rng.trainer"] = self.rng.get_state()
        tensors["rng.torch"] = torch.get_rng_state()
        if self.scaler.is_enabled():
            meta["scaler"] = self.scaler.state_dict()
        return tensors, meta

    def restore(self, path: Path, progress: RunProgress, warmup_steps: int) -> dict[str, Any]:
        """Read the checkpoint at ``path`` into these networks and ``progress``; returns its meta.

        Any mismatch with this run's networks is a :class:`ModelFileError` naming the file.
        """
        tensors, meta = load_checkpoint(path)
        try:
            load_state_strict(self.model, sub_state(tensors, "model"), path)
            load_state_strict(self.ema, sub_state(tensors, "ema"), path)
            load_state_strict(self.critic, sub_state(tensors, "disc"), path)
            for name, optimizer in self.optimizers.items():
                optimizer.load_state_dict(unflatten_optimizer(name, meta[name], tensors))
            self.rng.set_state(tensors["rng.trainer"])
            torch.set_rng_state(tensors["rng.torch"])
            progress.restore(meta, warmup_steps)
            self.sampler.load_state(meta["sampler"])
            if self.reader is not None and progress.reader_step > 0:
                load_state_strict(self.reader, sub_state(tensors, "reader"), path)
            if "scaler" in meta and self.scaler.is_enabled():
                self.scaler.load_state_dict(meta["scaler"])
        except (KeyError, ValueError, RuntimeError) as error:
            if isinstance(error, ModelFileError):
                raise
            raise ModelFileError(path, f"checkpoint does not fit this run ({error})") from None
        return meta


def apply_optimizer_settings(optimizers: Sequence[torch.optim.Optimizer], lr: float,
                             betas: tuple[float, float]) -> None:
    """Give the optimizers this run's ``lr`` and ``betas`` after their state was read back.

    ``Optimizer.load_state_dict`` restores the hyperparameters saved with the moments, so without
    this a resume under a config with a new learning rate would log the change and go on training
    at the old one.
    """
    for optimizer in optimizers:
        for group in optimizer.param_groups:
            group["lr"] = lr
            group["betas"] = tuple(betas)


def export_model(ema: T2F, folder: Path, pos: Position, progress: RunProgress, dataset: str) -> None:
    """Save the EMA model at ``pos``, replacing ``folder`` in one rename."""
    ema.info = ModelInfo(depth=pos.stage, alpha=pos.alpha, images_seen=progress.images_seen,
                         dataset=dataset, step=progress.step)

    def write(staging: Path) -> None:
        ema.save(staging)
        write_export_card(staging, folder.parent)

    replace_model_folder(folder, write)


def replace_model_folder(folder: Path, write: Callable[[Path], None]) -> None:
    """Have ``write`` fill ``folder.new``, then swap it for ``folder`` (via ``folder.old``), so a
    reader finds the old model or the new one, never half of one (see
    :data:`core.model.t2f.EXPORT_LEFTOVERS` for a kill between the renames)."""
    staging = folder.with_name(folder.name + ".new")
    shutil.rmtree(staging, ignore_errors=True)
    write(staging)
    previous = folder.with_name(folder.name + ".old")
    shutil.rmtree(previous, ignore_errors=True)
    if folder.exists():
        folder.rename(previous)
    staging.rename(folder)
    shutil.rmtree(previous, ignore_errors=True)


def changed_training_settings(saved: RunConfig, new: RunConfig, images_seen: int) -> list[str]:
    """The training fields a resume under ``new`` changes (none when equal).

    Raises ``ValueError`` when the new schedule would undo progress already made.
    """
    if new == saved:
        return []
    moved_back = schedule_moves_back(saved.train, new.train, images_seen)
    if moved_back:
        raise ValueError(moved_back)
    return sorted(k for k, v in new.train.to_dict().items() if saved.train.to_dict()[k] != v)


def continued_config(saved: RunConfig, new: RunConfig) -> RunConfig:
    """The config of a run resumed under ``new`` training settings (a longer schedule, another loss).

    The networks and the data must stay what the checkpoint was trained with; a ``vocab_size`` of 0
    in ``new`` means "the run's tokenizer", as it does for a new run, and a ``widen_generator`` in
    ``new`` names the generator widths its run holds (it grew them from a model), so the config file
    that started such a run can resume it.
    """
    model = dataclasses.replace(new.model, vocab_size=new.model.vocab_size or saved.model.vocab_size)
    if new.train.widen_generator:
        model = dataclasses.replace(model, channels=new.train.widen_generator)
    if model != saved.model:
        diff = sorted(k for k, v in model.to_dict().items() if saved.model.to_dict()[k] != v)
        raise ValueError(f"a resumed run keeps its model; the new config changes {', '.join(diff)}")
    if new.data != saved.data:
        raise ValueError("a resumed run keeps its data; the new config names other data")
    return saved.replace(train=new.train)


def ema_beta(target: float, step: int) -> float:
    """EMA decay with a ramp-up: ``min(target, (1 + step) / (10 + step))``.

    With a fixed 0.999 a short run's averaged generator would still be mostly its random
    initialisation (0.999^750 ≈ 0.47); the ramp lets it follow the trained weights early and
    settle on the target decay after a few thousand steps, as ProGAN's implementation does.
    """
    return min(target, (1.0 + step) / (10.0 + step))
