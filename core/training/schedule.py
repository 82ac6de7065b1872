"""Where a progressive run stands, derived from one number: the images shown so far.

Keeping the position a pure function of ``images_seen`` means a resumed run recovers its stage,
fade-in α and batch size exactly, with nothing else to store or get out of step.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import torch
import torch.nn.functional as F

from core.config import TrainConfig


@dataclass(frozen=True)
class Position:
    """Stage (= depth), progress inside it, fade-in α and the batch size to use."""

    stage: int
    stages: int
    images_in_stage: int
    stage_length: int
    alpha: float
    batch_size: int
    images_seen: int
    total_images: int

    @property
    def resolution(self) -> int:
        return 4 * 2**self.stage

    @property
    def finished(self) -> bool:
        return self.images_seen >= self.total_images

    @property
    def stage_progress(self) -> float:
        return min(1.0, self.images_in_stage / self.stage_length)

    @property
    def progress(self) -> float:
        return min(1.0, self.images_seen / self.total_images)


def position(config: TrainConfig, images_seen: int) -> Position:
    """The schedule position after ``images_seen`` images.

    α rises linearly from 0 to 1 over the first ``fade_fraction`` of every stage except the
    first (which has nothing to fade from), then stays at 1.
    """
    total = config.total_images
    remaining = min(images_seen, total)
    stage = 0
    while stage < len(config.stage_images) - 1 and remaining >= config.stage_images[stage]:
        remaining -= config.stage_images[stage]
        stage += 1
    length = config.stage_images[stage]
    fade_images = config.fade_fraction * length
    if stage == 0 or fade_images <= 0:
        alpha = 1.0
    else:
        alpha = min(1.0, remaining / fade_images)
    return Position(stage, len(config.stage_images), remaining, length, alpha,
                    config.batch_sizes[stage], images_seen, total)


def schedule_moves_back(old: TrainConfig, new: TrainConfig, images_seen: int) -> str | None:
    """Why resuming at ``images_seen`` under ``new`` instead of ``old`` would undo progress, or ``None``.

    The position is a pure function of the schedule, so a new schedule can put a resumed run in an
    earlier stage, or re-open a fade-in that had finished: a last stage lengthened from 130k to 290k
    images fades for 145k, and a run 130k into it would drop from α 1 back to 0.9, blending the
    previous resolution in again. Lengthening is safe up to ``images done / fade_fraction``.
    """
    before, after = position(old, images_seen), position(new, images_seen)
    if after.stage < before.stage:
        return (f"at {images_seen:,} images the new schedule would put the run back in stage {after.stage + 1} "
                f"({after.resolution}×{after.resolution}) from stage {before.stage + 1}: a finished stage cannot "
                f"be lengthened")
    if after.stage == before.stage and after.alpha < before.alpha:
        res = after.resolution
        if before.alpha < 1.0:
            advice = "change that stage's length once its fade-in is over"
        else:
            limit = _longest_with_fade_over(after.images_in_stage, new.fade_fraction)
            advice = (f"lengthen it to at most {limit:,} images in one resume (a fade-in lasts "
                      f"{new.fade_fraction:.0%} of its stage), then resume again to go further")
        return (f"the new schedule would re-open the {res}×{res} fade-in at {images_seen:,} images "
                f"(α {before.alpha:.2f} → {after.alpha:.2f}); {advice}")
    return None


def schedule_misfits_model(config: TrainConfig, depth: int, alpha: float, images_seen: int) -> str | None:
    """Why a run continuing a trained model under ``config`` would not start where the model stands.

    A run started from a model (``t2f train --from-model``) carries on the model's image count, so
    the schedule must put that count in the stage the model draws at, with its fade-in no further
    back than the model's α, and must still have images left to train.
    """
    pos = position(config, images_seen)
    model_res = 4 * 2**depth
    if pos.finished:
        earlier = sum(config.stage_images[:-1])
        return (f"the schedule ends at {pos.total_images:,} images and the model has seen {images_seen:,}: "
                f"make the last stage longer than {images_seen - earlier:,} images")
    if pos.stage != depth:
        return (f"at the model's {images_seen:,} images the schedule is in stage {pos.stage + 1} "
                f"({pos.resolution}×{pos.resolution}), but the model draws at {model_res}×{model_res} "
                f"(stage {depth + 1}): the schedule must reach that stage by then")
    if pos.alpha < alpha:
        return (f"at the model's {images_seen:,} images the schedule would be fading in {model_res}×{model_res} "
                f"(α {pos.alpha:.2f}), which the model has finished (α {alpha:.2f}): shorten the stages before "
                f"it or its fade-in")
    return None


def schedule_after_model(train: TrainConfig, depth: int, images_seen: int, more_images: int) -> TrainConfig:
    """``train`` with a schedule that continues a model at stage ``depth`` for ``more_images`` images.

    The model's own stages are history: they are written as equal shares of its ``images_seen``
    with no fade-in (its growth is over), so the run starts in the model's stage at α = 1 and its
    last stage ends ``more_images`` later. Batch sizes are ``train``'s when it has as many stages,
    else its last one throughout.
    """
    if more_images <= 0:
        raise ValueError(f"the number of images to train for must be positive, got {more_images}")
    stages = depth + 1
    earlier = images_seen // stages if depth else 0
    lengths = (max(1, earlier),) * depth + (images_seen - earlier * depth + more_images,)
    batches = train.batch_sizes if len(train.batch_sizes) == stages else (train.batch_sizes[-1],) * stages
    return dataclasses.replace(train, stage_images=lengths, batch_sizes=batches, fade_fraction=0.0)


def longest_last_stage(config: TrainConfig, images_seen: int) -> int | None:
    """The longest the last stage can be made by one resume at ``images_seen``; ``None``: no limit.

    Once a run is in its last stage, a longer stage means a longer fade-in, which must still be over
    at ``images_seen`` (see :func:`schedule_moves_back`): at most ``images done / fade_fraction``. A
    run still fading in cannot lengthen it at all; a run before its last stage, or without fades,
    can lengthen it as much as it likes.
    """
    now = position(config, images_seen)
    if now.stage < now.stages - 1 or now.stage == 0 or config.fade_fraction <= 0:
        return None
    if now.alpha < 1.0:
        return now.stage_length
    return _longest_with_fade_over(now.images_in_stage, config.fade_fraction)


def _longest_with_fade_over(images_in_stage: int, fade_fraction: float) -> int:
    """The longest stage whose fade-in (``fade_fraction`` of it) is over ``images_in_stage`` in."""
    return int(images_in_stage / fade_fraction)


def with_last_stage(config: TrainConfig, images: int) -> TrainConfig:
    """``config`` with its last stage ``images`` long, everything else unchanged."""
    return dataclasses.replace(config, stage_images=config.stage_images[:-1] + (images,))


def real_images_at(images: torch.Tensor, depth: int, alpha: float) -> torch.Tensor:
    """Real images as the networks see them at ``depth`` with fade-in ``alpha``.

    Downsampled by average pooling to the stage resolution and, during a fade-in, blended with the
    upsampled previous resolution exactly as the generator blends its two outputs, so that real
    and generated images the critic compares are made the same way.
    """
    target = 4 * 2**depth
    size = images.shape[-1]
    if size % target:
        raise ValueError(f"images of size {size} cannot be pooled to {target}")
    x = F.avg_pool2d(images, size // target) if size != target else images
    if depth == 0 or alpha >= 1.0:
        return x
    previous = F.interpolate(F.avg_pool2d(x, 2), scale_factor=2.0, mode="nearest")
    return torch.lerp(previous, x, float(alpha))
