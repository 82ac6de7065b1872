"""How long a progressive run has left: the schedule's remaining work, priced by a cost model that
the run's own measured speed keeps calibrated (no Qt; the monitor and the CLI share it).

Why not "images left ÷ current speed". A progressive run gets slower as it grows: every stage adds
a resolution block to the generator and to the critic, and a batch size that shrinks makes each
image carry more of a step's fixed cost. Dividing by the 4×4 stage's speed promised the default
preset ~2 h that then took several times that; the tiny demo said 32 s left at 18 s and ended at
78 s.

How. :func:`stage_costs` models the work of one image at each stage (and during its fade-in) from
the networks' widths: the multiply-adds of every block up to that resolution, a per-block constant
(element-wise layers and memory traffic, which rule a CPU at these widths), a per-image constant
(text encoders, losses) and a per-step constant shared by the batch. Only ratios between stages
matter. :class:`EtaEstimator` reads ``metrics.jsonl`` records (``stage``, ``alpha``,
``images_per_s``), turns each into *seconds per unit of modelled work*, and prices what is left of
the schedule at the median of the recent ones — so a machine that is faster, slower or busier than
the model assumed is corrected within a few records, and each stage, once reached, is priced from
its own measured speed. (Refitting the constant part's weight to two measured stages was tried: on
the measured stage costs it moved the estimate further off, -36 % against -27 % at worst.)
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass
from typing import Any

#: Work of one resolution block beyond its convolutions' multiply-adds (element-wise layers, memory
#: traffic, dispatch), per image, in multiply-adds. Fitted, with :data:`FIXED_WORK`, to the seconds
#: per image of every stage of the tiny, default and bundled presets on a 2-core CPU
#: (experiments/eta-cost-model.md): within ±16 % of each stage but the bundled preset's first two,
#: which carry its attribute reader's fixed cost. At the presets' widths, which halve as resolution
#: doubles, a block's convolutions cost about the same at every resolution, so a stage costs about
#: one block more than the stage before — not 4× more; wide networks (T2F's 512 channels) are
#: ruled by the multiply-adds instead, and the model follows them there too.
BLOCK_WORK = 3.9e8
#: Work per image that does not grow with resolution (text encoders, conditioning, losses, data).
FIXED_WORK = 9.3e7
#: Work per step, shared by the batch (optimiser, EMA, Python); too small to measure at these sizes
#: against the rest, so modest: a batch of 8 adds about a tenth of a block per image.
STEP_WORK = 3.0e8
#: What a fade-in adds (the previous resolution's RGB layers, resampling, blending), per image.
FADE_WORK = 0.1 * BLOCK_WORK
#: How many recent records the calibration looks at.
WINDOW = 12


@dataclass(frozen=True)
class StageCost:
    """Modelled work of one image in a stage: ``scaling`` grows with resolution, ``fixed`` does not."""

    scaling: float
    fade_scaling: float
    fixed: float

    def work(self, fading: bool) -> float:
        return (self.fade_scaling if fading else self.scaling) + self.fixed


def _block_macs(widths: tuple[int, ...] | list[int], depth: int) -> float:
    """Multiply-adds of one image through the block at ``depth`` (two 3×3 convolutions; at 4×4 one
    3×3 and the 4×4 dense/head layer)."""
    c = widths[depth]
    if depth == 0:
        return 16 * (9 * c * c + 16 * c * c)
    res = 4 << depth
    return res * res * 9 * (widths[depth - 1] * c + c * c)


def stage_costs(model: Any, train: Any) -> list[StageCost]:
    """The modelled work of one image at each stage of ``train``'s schedule for ``model``'s widths.

    ``model`` is a :class:`core.config.ModelConfig` (``channels``, ``critic_channels``), ``train`` a
    :class:`core.config.TrainConfig` (``batch_sizes``). Every block up to the stage's resolution
    counts, in the generator and in the critic: its multiply-adds plus :data:`BLOCK_WORK`.
    """
    widths = list(model.channels)
    critic = list(getattr(model, "critic_channels", ()) or widths)
    costs = []
    for stage, batch in enumerate(train.batch_sizes):
        top = min(stage, len(widths) - 1)
        scaling = sum(_block_macs(widths, d) + _block_macs(critic, d) for d in range(top + 1))
        scaling += BLOCK_WORK * (top + 1)
        fixed = FIXED_WORK + STEP_WORK / max(1, int(batch))
        costs.append(StageCost(scaling, scaling + (FADE_WORK if stage else 0.0), fixed))
    return costs


@dataclass(frozen=True)
class _Sample:
    stage: int
    fading: bool
    seconds_per_image: float


class EtaEstimator:
    """Seconds left in a run, from its schedule, the cost model and the speeds its records report.

    Feed it records with :meth:`add` (oldest first); :meth:`remaining` prices the images left from
    any position. Stateless about wall-clock time, so the same records always give the same answer.
    """

    def __init__(self, model: Any, train: Any, window: int = WINDOW) -> None:
        self.train = train
        self.window = window
        self.costs = stage_costs(model, train)
        self._recent: deque[_Sample] = deque(maxlen=window)

    def add(self, record: dict[str, Any]) -> None:
        """Take one ``metrics.jsonl`` record into the calibration (records without a speed are ignored)."""
        try:
            speed = float(record.get("images_per_s", 0.0))
            stage = int(record.get("stage", 0))
            alpha = float(record.get("alpha", 1.0))
        except (TypeError, ValueError):
            return
        if not math.isfinite(speed) or speed <= 0 or not 0 <= stage < len(self.costs):
            return
        sample = _Sample(stage, alpha < 1.0, 1.0 / speed)
        self._recent.append(sample)

    def reset(self) -> None:
        self._recent.clear()

    @property
    def calibrated(self) -> bool:
        return bool(self._recent)

    def seconds_per_work(self) -> float | None:
        """The machine's measured seconds per unit of modelled work: the median over recent records."""
        if not self._recent:
            return None
        return statistics.median(s.seconds_per_image / self._work(s.stage, s.fading) for s in self._recent)

    def seconds_per_image(self, stage: int, fading: bool = False) -> float | None:
        """Predicted seconds for one image at ``stage`` (during its fade-in with ``fading``)."""
        scale = self.seconds_per_work()
        return None if scale is None else scale * self._work(stage, fading)

    def remaining(self, images_seen: int) -> float | None:
        """Seconds the schedule has left after ``images_seen`` images; ``None`` before any speed is known."""
        scale = self.seconds_per_work()
        if scale is None:
            return None
        return scale * self.remaining_work(images_seen)

    def remaining_work(self, images_seen: int) -> float:
        """Modelled work of the images left after ``images_seen``, stage by stage and fade by fade."""
        total, start = 0.0, 0
        fade = float(self.train.fade_fraction)
        for stage, length in enumerate(self.train.stage_images):
            end = start + int(length)
            fade_end = start + (fade * length if stage > 0 else 0.0)
            for lo, hi, fading in ((start, fade_end, True), (fade_end, end, False)):
                left = hi - max(lo, images_seen)
                if left > 0:
                    total += left * self._work(stage, fading)
            start = end
        return total

    def _work(self, stage: int, fading: bool) -> float:
        return self.costs[stage].work(fading)


def estimate_remaining(records: list[dict[str, Any]], model: Any, train: Any) -> float | None:
    """Seconds left after the last of ``records`` (a whole ``metrics.jsonl``, oldest first)."""
    if not records:
        return None
    estimator = EtaEstimator(model, train)
    for record in records:
        estimator.add(record)
    return estimator.remaining(int(records[-1].get("images_seen", 0)))
