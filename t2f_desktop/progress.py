"""Where a run stands, computed from ``metrics.jsonl`` records (no Qt).

The monitor reads the same records whether the run trains in this app or in a terminal, so all of
its numbers — stage, fade-in α, speed, elapsed time, ETA — are derived here from a record and the
run's config.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
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
    #: Seconds left at the current speed; None before the speed is known.
    eta: float | None

    @property
    def finished(self) -> bool:
        return self.total_images > 0 and self.images_seen >= self.total_images


def progress_from_record(record: dict[str, Any], train_config: Any = None,
                         images_per_s: float | None = None) -> RunProgress:
    """The progress a metrics record describes; ``train_config`` (a TrainConfig) adds stage progress."""
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
    remaining = max(0, total - seen)
    eta = remaining / rate if rate > 0 else None
    return RunProgress(
        step=int(record.get("step", 0)), images_seen=seen, total_images=total, stage=stage, stages=stages,
        resolution=4 * 2**stage, alpha=alpha, stage_progress=stage_progress,
        progress=min(1.0, seen / total) if total else 0.0, images_per_s=rate,
        elapsed=float(record.get("wall_time", 0.0)), eta=eta,
    )


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
