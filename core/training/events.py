"""Events a :class:`~core.training.trainer.Trainer` emits to its callbacks.

The CLI prints them; the desktop app turns them into Qt signals. They are plain frozen dataclasses
so they can cross threads safely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any


@dataclass(frozen=True)
class TrainingStarted:
    run_dir: Path
    resumed: bool
    step: int
    images_seen: int
    total_images: int
    dataset_summary: str
    device: str
    #: The model folder a run started from (``t2f train --from-model``), or None.
    origin: str | None = None


@dataclass(frozen=True)
class StepMetrics:
    """One logged line of ``metrics.jsonl`` (averaged over the steps since the last one)."""

    values: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class MatchingWarmup:
    """Progress of the matching warm-up that runs before the GAN (see core.training.matching)."""

    step: int
    steps: int
    loss: float


@dataclass(frozen=True)
class ReaderTraining:
    """Progress of fitting the attribute reader before the GAN (see core.training.attribute_reader)."""

    step: int
    steps: int
    loss: float


@dataclass(frozen=True)
class FreshCriticTraining:
    """Progress of the critic-only steps that let a new critic catch up with a trained generator
    before it trains (a run started from a model)."""

    step: int
    steps: int
    loss: float


@dataclass(frozen=True)
class StageChanged:
    stage: int
    stages: int
    resolution: int
    batch_size: int


@dataclass(frozen=True)
class SamplesSaved:
    path: Path
    step: int
    images_seen: int


@dataclass(frozen=True)
class CheckpointSaved:
    path: Path
    step: int
    images_seen: int


@dataclass(frozen=True)
class TrainingWarning:
    message: str


@dataclass(frozen=True)
class TrainingFinished:
    """``reason`` is ``"completed"``, ``"stopped"``, ``"max_steps"`` or ``"failed"``."""

    reason: str
    step: int
    images_seen: int
    message: str = ""


Event = TrainingStarted | MatchingWarmup | ReaderTraining | StepMetrics | StageChanged | SamplesSaved | CheckpointSaved | TrainingWarning | TrainingFinished
