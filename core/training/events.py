"""Events a :class:`~core.training.trainer.Trainer` emits to its callbacks.

The CLI prints them; the desktop app turns them into Qt signals. They are plain frozen dataclasses
so they can cross threads safely. An event worth a line of its own says it in ``describe()``, so
the terminal and the app's status line word it the same way.
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

    def describe(self) -> str:
        verb = "resuming" if self.resumed else "training"
        origin = f", continuing the model in {self.origin}" if self.origin else ""
        return f"{verb} in {self.run_dir} on {self.device}{origin}\n{self.dataset_summary}"


@dataclass(frozen=True)
class StepMetrics:
    """One logged line of ``metrics.jsonl`` (averaged over the steps since the last one)."""

    values: dict[str, Any] = field(default_factory=dict)


#: The phases that may run before the GAN, in order, with what each does in plain words.
PHASES = {
    "matching_warmup": "Matching warm-up (the critic learns which caption fits which face)",
    "reader": "Attribute reader (learns to read the real faces' labels before the GAN)",
    "fresh_critic": "New critic (learns to tell the model's faces from real ones before the model trains)",
}


@dataclass(frozen=True)
class PhaseProgress:
    """Progress of a phase that runs before the GAN (see :mod:`core.training.phases`): the matching
    warm-up, the attribute reader's fitting, or a new critic catching up with a trained generator.

    ``phase`` is a key of :data:`PHASES`; ``loss`` is the mean since the last report."""

    phase: str
    step: int
    steps: int
    loss: float

    @property
    def title(self) -> str:
        return PHASES[self.phase]

    def describe(self) -> str:
        """One line for a status bar or a terminal."""
        return f"{self.title}: {self.step:,}/{self.steps:,}, loss {self.loss:.3f}"


@dataclass(frozen=True)
class StageChanged:
    stage: int
    stages: int
    resolution: int
    batch_size: int

    def describe(self) -> str:
        return f"stage {self.stage + 1}/{self.stages}: {self.resolution}×{self.resolution}, batch {self.batch_size}"


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

    def describe(self) -> str:
        return f"checkpoint: {self.path.name}"


@dataclass(frozen=True)
class TrainingWarning:
    message: str

    def describe(self) -> str:
        return f"warning: {self.message}"


@dataclass(frozen=True)
class TrainingFinished:
    """``reason`` is ``"completed"``, ``"stopped"``, ``"max_steps"`` or ``"failed"``."""

    reason: str
    step: int
    images_seen: int
    message: str = ""


Event = TrainingStarted | PhaseProgress | StepMetrics | StageChanged | SamplesSaved | CheckpointSaved | TrainingWarning | TrainingFinished


def describe(event: Event) -> str | None:
    """The event's line for a person, or None for events shown another way (metrics, samples, the end)."""
    method = getattr(event, "describe", None)
    return method() if method is not None else None
