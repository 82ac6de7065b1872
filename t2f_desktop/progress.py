"""Where a run stands, computed from ``metrics.jsonl`` records (no Qt).

The monitor reads the same records whether the run trains in this app or in a terminal, so all of
its numbers — stage, fade-in α, speed, elapsed time, ETA — are derived here from a record and the
run's config.
"""

from __future__ import annotations

import enum
import math
import statistics
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import Any

import numpy as np


@dataclass(frozen=True)
class RunProgress:
    step: int
    images_seen: int
    total_images: int
    stage: int
    stages: int
    resolution: int
    alpha: float
    #: Fraction of the current stage done; None when the run's schedule is unknown.
    stage_progress: float | None
    progress: float
    images_per_s: float
    elapsed: float
    #: Seconds left (core.training.eta: the schedule's remaining work at the measured pace); None
    #: before the speed is known.
    eta: float | None

    @property
    def finished(self) -> bool:
        return self.total_images > 0 and self.images_seen >= self.total_images


def progress_from_record(record: dict[str, Any], train_config: Any = None,
                         images_per_s: float | None = None, eta: float | None = None) -> RunProgress:
    """The progress a metrics record describes; ``train_config`` (a TrainConfig) adds stage progress,
    ``eta`` the seconds left (else images left ÷ speed, the best guess without a cost model)."""
    seen = int(record.get("images_seen", 0))
    total = int(record.get("total_images", 0)) or (train_config.total_images if train_config else 0)
    stage_progress = None
    stage = int(record.get("stage", 0))
    stages = int(record.get("stages", 0))
    alpha = float(record.get("alpha", 1.0))
    if train_config is not None:
        from core.training.schedule import position

        pos = position(train_config, seen)
        stage_progress, stage, stages, alpha = pos.stage_progress, pos.stage, pos.stages, pos.alpha
    rate = images_per_s if images_per_s is not None else float(record.get("images_per_s", 0.0))
    if eta is None:
        remaining = max(0, total - seen)
        eta = remaining / rate if rate > 0 else None
    return RunProgress(
        step=int(record.get("step", 0)), images_seen=seen, total_images=total, stage=stage, stages=stages,
        resolution=4 * 2**stage, alpha=alpha, stage_progress=stage_progress,
        progress=min(1.0, seen / total) if total else 0.0, images_per_s=rate,
        elapsed=float(record.get("wall_time", 0.0)), eta=eta,
    )


class RunState(enum.Enum):
    """What a run is doing, as far as the monitor can tell. The first six are this window's own run
    (its controller knows); the last three are a run folder followed from outside."""

    WAITING = "waiting"
    RUNNING = "running"
    PAUSED = "paused"
    STOPPING = "stopping"
    STOPPED = "stopped"
    FINISHED = "finished"
    FAILED = "failed"
    #: Trained elsewhere (its lock is held) and logging.
    FOLLOWING = "following"
    #: Trained elsewhere, but no new metrics for a while: paused there, stuck, or very slow.
    QUIET = "quiet"
    #: Nobody trains it (no lock held) and its schedule is not complete: stopped, or crashed.
    NOT_TRAINING = "not training"

    @property
    def moving(self) -> bool:
        """Whether images are being trained now, so a speed and a time left mean something."""
        return self in (RunState.RUNNING, RunState.FOLLOWING)


#: A followed run is "quiet" after this long without a new record at least…
QUIET_AFTER_MIN_S = 120.0
#: …and after this many of its usual intervals between records (a slow run logs rarely).
QUIET_AFTER_INTERVALS = 5


def quiet_after(record_times: Sequence[float]) -> float:
    """Seconds without a new record after which a followed run counts as quiet: several of its own
    usual gaps between records (their median), never less than :data:`QUIET_AFTER_MIN_S`."""
    gaps = [b - a for a, b in zip(record_times, record_times[1:]) if b > a]
    usual = statistics.median(gaps[-20:]) if gaps else 0.0
    return max(QUIET_AFTER_MIN_S, QUIET_AFTER_INTERVALS * usual)


def followed_state(progress: RunProgress | None, training: bool | None, quiet_for: float | None,
                   quiet_limit: float = QUIET_AFTER_MIN_S) -> RunState:
    """The state of a run folder watched from outside.

    ``training`` is whether a trainer holds its lock (None: cannot tell, e.g. a run from before the
    lock); ``quiet_for`` the seconds since its last record was written (None: no record yet).
    """
    if progress is not None and progress.finished:
        return RunState.FINISHED
    if training is False:
        return RunState.NOT_TRAINING if progress is not None else RunState.WAITING
    if progress is None:
        return RunState.WAITING
    if quiet_for is not None and quiet_for > quiet_limit:
        return RunState.QUIET
    return RunState.FOLLOWING


def followed_state_text(state: RunState, progress: RunProgress | None, quiet_for: float | None) -> str:
    """The monitor's headline for a followed run in ``state``."""
    if state is RunState.FINISHED:
        return "Finished: the schedule is complete — Train longer… gives its last stage more images"
    if state is RunState.NOT_TRAINING:
        where = f" at step {progress.step:,}" if progress is not None else ""
        return f"Not training: stopped{where} — Continue a run… picks up from its last checkpoint"
    if state is RunState.QUIET:
        return (f"Training elsewhere, but no new metrics for {format_duration(quiet_for)} "
                "(paused there, or busy)")
    if state is RunState.FOLLOWING:
        return "Following a run training elsewhere (updates as it grows)"
    return "Waiting for the run…"


def shown_progress(progress: RunProgress, state: RunState) -> RunProgress:
    """``progress`` as a run in ``state`` should show it: no time left unless images are being trained."""
    if state.moving or state is RunState.PAUSED or progress.finished:
        return progress
    return replace(progress, eta=None)


def eta_text(progress: RunProgress, state: RunState) -> str:
    """The "Remaining" field: a time only while the run trains (or is paused, said so)."""
    if progress.finished or state is RunState.FINISHED:
        return "done"
    if state.moving:
        return format_duration(progress.eta)
    if state is RunState.PAUSED:
        return f"{format_duration(progress.eta)} once resumed" if progress.eta is not None else "paused"
    return {RunState.STOPPING: "— (stopping)", RunState.QUIET: "— (no new metrics)",
            RunState.FAILED: "— (failed)", RunState.WAITING: "—"}.get(state, "— (not training)")


def speed_text(progress: RunProgress, state: RunState) -> str:
    """The "Speed" field: the current speed while training, else the last one, marked as such."""
    if progress.images_per_s <= 0:
        return "—"
    value = f"{progress.images_per_s:.1f} images/s"
    return value if state.moving else f"{value} (last)"


class RateMeter:
    """Images per second smoothed over recent records, so the ETA does not jump around."""

    def __init__(self, weight: float = 0.8) -> None:
        self.weight = weight
        self.value: float | None = None

    def add(self, images_per_s: float) -> float:
        if not math.isfinite(images_per_s) or images_per_s <= 0:
            return self.value or 0.0
        self.value = images_per_s if self.value is None else self.weight * self.value + (1 - self.weight) * images_per_s
        return self.value

    def reset(self) -> None:
        self.value = None


def format_duration(seconds: float | None) -> str:
    """``"42 s"``, ``"3 min 05 s"``, ``"2 h 07 min"``; ``"—"`` when unknown."""
    if seconds is None or not math.isfinite(seconds):
        return "—"
    seconds = max(0, int(round(seconds)))
    if seconds < 60:
        return f"{seconds} s"
    minutes, seconds = divmod(seconds, 60)
    if minutes < 60:
        return f"{minutes} min {seconds:02d} s"
    hours, minutes = divmod(minutes, 60)
    if hours < 48:
        return f"{hours} h {minutes:02d} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h"


def format_count(value: int) -> str:
    """``1234567`` → ``"1.23 M"``; small numbers as they are."""
    for limit, suffix in ((1_000_000_000, "G"), (1_000_000, "M"), (10_000, "k")):
        if abs(value) >= limit:
            return f"{value / limit:.3g} {suffix}" if suffix != "k" else f"{value / 1000:.1f} k"
    return str(value)


def ema_smooth(values: Sequence[float], weight: float) -> np.ndarray:
    """TensorBoard-style exponential smoothing (debiased, so the first points are not pulled to 0).

    NaNs (a value missing from some records) are carried through without affecting the average.
    """
    data = np.asarray(values, dtype=np.float64)
    if weight <= 0 or data.size == 0:
        return data
    out = np.empty_like(data)
    last, count = 0.0, 0
    for i, value in enumerate(data):
        if not math.isfinite(value):
            out[i] = np.nan
            continue
        last = last * weight + (1 - weight) * value
        count += 1
        out[i] = last / (1 - weight**count)
    return out
