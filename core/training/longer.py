"""Training a run longer: lengthening its last stage by a resume, as the bundled model was made.

The faces of a finished run often keep improving with more training at full size, so a run can be
resumed with its last stage lengthened. How far one resume may go is limited by the fade-in, whose
length is a fraction of its stage: it must still be over where the run stands
(:func:`core.training.schedule.longest_last_stage`); further needs another resume later.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from core.config import RunConfig
from core.training.checkpoint import checkpoint_images_seen
from core.training.rundir import RunDir
from core.training.schedule import longest_last_stage, position, with_last_stage

#: With fades off nothing limits a longer stage; offer at most this many times its length at once.
UNLIMITED_FACTOR = 4


@dataclass(frozen=True)
class LongerTraining:
    """What lengthening a run's last stage can do right now."""

    run_dir: Path
    config: RunConfig
    images_seen: int
    #: The last stage's length now, and the most one resume may make it.
    current: int
    longest: int

    @property
    def resolution(self) -> int:
        return self.config.model.resolution

    def config_for(self, last_stage: int) -> RunConfig:
        """The run's config with its last stage ``last_stage`` images long (within the limits)."""
        if not self.current < last_stage <= self.longest:
            raise ValueError(f"the last stage can grow from {self.current:,} to at most {self.longest:,} images "
                             f"in one resume, not to {last_stage:,}")
        return self.config.replace(train=with_last_stage(self.config.train, last_stage))


def plan_longer_training(run_dir: Path) -> LongerTraining:
    """How far ``run_dir``'s last stage may be lengthened; ``ValueError`` saying why it cannot be."""
    run = RunDir(Path(run_dir))
    if not run.is_run():
        raise ValueError(f"{run.root} is not a run folder (no config.json)")
    checkpoint = run.latest_checkpoint()
    if checkpoint is None:
        raise ValueError(f"{run.checkpoints} holds no checkpoint to continue from")
    config = RunConfig.load(run.config)
    images_seen = checkpoint_images_seen(checkpoint)
    train = config.train
    current = train.stage_images[-1]
    where = position(train, images_seen)
    if where.stage < where.stages - 1:
        raise ValueError(f"this run is in stage {where.stage + 1} of {where.stages}; continue it to its last stage "
                         "before training that longer")
    longest = longest_last_stage(train, images_seen)
    if longest is None:
        longest = current * UNLIMITED_FACTOR
    if longest <= current:
        raise ValueError(f"this run's {where.resolution}×{where.resolution} stage is still fading in "
                         f"(α {where.alpha:.2f}); continue it until the fade-in is over, then train it longer")
    return LongerTraining(run.root, config, images_seen, current, longest)
