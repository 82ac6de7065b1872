"""Training steps that never wait for the device: the non-finite guard, the EMA and the logged
averages kept on the device and read back once per metrics line.

Why. A CUDA step is a queue of kernels the host launches ahead of the device. Every value the host
reads back (``.item()``, ``bool(t)``, ``int(t)``, a boolean-mask index on the device) empties that
queue: the host waits for the device to finish, then the device waits for the host to launch
again. At batch 32 our step is short enough that those waits, about a dozen a step, bound it
(issue 29). The reference path, :meth:`core.training.trainer.Trainer._finite`, reads each loss to
decide whether to skip the step; here the decision is a 0-d tensor on the device instead:

* the optimizers are fused Adam, which takes a ``found_inf`` tensor (the way
  :class:`torch.amp.GradScaler` skips an fp16 step) and leaves weights, moments and step count as
  they were when it is 1 — :func:`step_unless`;
* the EMA update's weight is multiplied by "the step was good" (:func:`ema_update_`);
* :class:`DeviceGuard` counts consecutive bad steps on the device; the trainer reads it at each
  metrics line and stops the run there when ``max_bad_steps`` were reached;
* :class:`Averages` sums logged values only over good steps, and reads every sum with one transfer.

A bad step still advances the schedule (the host cannot know it was bad without asking), but
changes no weight; the reference path does not count it. ``TrainConfig.sync_free`` chooses
(:func:`sync_free_enabled`).
"""

from __future__ import annotations

import torch

#: ``TrainConfig.sync_free`` values.
SYNC_FREE_MODES = ("auto", "on", "off")


def sync_free_enabled(mode: str, device: torch.device, mixed_precision: str) -> bool:
    """Whether a run steps without host syncs: ``"auto"`` on CUDA (not with fp16, whose grad scaler
    skips steps its own way), ``"on"`` anywhere (tests on the CPU), ``"off"`` never."""
    if mode == "on":
        if mixed_precision == "fp16":
            raise ValueError("sync_free 'on' does not combine with mixed_precision 'fp16' (use bf16 or off)")
        return True
    return mode == "auto" and device.type == "cuda" and mixed_precision != "fp16"


def nonfinite(loss: torch.Tensor) -> torch.Tensor:
    """1.0 where ``loss`` is NaN or infinite, else 0.0: a 0-d float32 tensor on the loss's device."""
    return (~torch.isfinite(loss.detach())).to(torch.float32)


def step_unless(optimizer: torch.optim.Optimizer, found_inf: torch.Tensor) -> None:
    """Step a fused optimizer, which skips the update on the device when ``found_inf`` is 1."""
    if not getattr(optimizer, "_step_supports_amp_scaling", False):
        raise ValueError("a sync-free step needs a fused optimizer (torch.optim.Adam(..., fused=True))")
    optimizer.grad_scale, optimizer.found_inf = None, found_inf  # type: ignore[attr-defined]
    try:
        optimizer.step()
    finally:
        del optimizer.grad_scale, optimizer.found_inf  # type: ignore[attr-defined]


@torch.no_grad()
def ema_update_(ema: list[torch.Tensor], live: list[torch.Tensor], beta: float,
                bad: torch.Tensor | None = None) -> None:
    """``ema ← lerp(ema, live, 1 − β)``; with ``bad`` (a 0-d device flag) the weight is 0 on a bad step."""
    if bad is None:
        torch._foreach_lerp_(ema, live, 1.0 - beta)
        return
    weight = (1.0 - bad.to(torch.float32)) * (1.0 - beta)
    torch._foreach_lerp_(ema, live, [weight] * len(ema))


class DeviceGuard:
    """Consecutive non-finite steps, counted on the device and read at the metrics lines."""

    def __init__(self, device: torch.device) -> None:
        zero = torch.zeros((), dtype=torch.int64, device=device)
        #: Bad steps in a row now; the longest such run and all bad steps since the last read.
        self.run, self.worst, self.skipped = zero, zero.clone(), zero.clone()

    def record(self, bad: torch.Tensor) -> None:
        flag = bad.to(torch.int64)
        self.run = (self.run + 1) * flag
        self.worst = torch.maximum(self.worst, self.run)
        self.skipped = self.skipped + flag

    def read(self) -> tuple[int, int, int]:
        """``(in a row now, longest run, bad steps)`` since the last read, in one transfer."""
        run, worst, skipped = torch.stack([self.run, self.worst, self.skipped]).tolist()
        self.worst, self.skipped = self.run.clone(), torch.zeros_like(self.skipped)
        return int(run), int(worst), int(skipped)


class Averages:
    """Running sums of logged values between two metrics lines, kept on the device (float64, so the
    means equal a float sum of the read-back values) and read back once per metrics line.

    :meth:`add` with ``bad`` (sync-free steps) leaves out a bad step's values on the device."""

    def __init__(self) -> None:
        self.sums: dict[str, torch.Tensor] = {}
        self.counts: dict[str, int | torch.Tensor] = {}

    def add(self, values: dict[str, torch.Tensor], bad: torch.Tensor | None = None) -> None:
        good = None if bad is None else (bad == 0)
        for key, value in values.items():
            value = value.detach().double()
            if good is not None:
                value = torch.where(good, value, torch.zeros_like(value))
            self.sums[key] = self.sums[key] + value if key in self.sums else value
            increment = 1 if good is None else good.double()
            self.counts[key] = self.counts[key] + increment if key in self.counts else increment

    def means(self) -> dict[str, float]:
        """Each value's mean over the steps that logged it (one device read for all of them); a
        value no good step logged is left out."""
        if not self.sums:
            return {}
        keys = list(self.sums)
        device = self.sums[keys[0]].device
        counts = [torch.as_tensor(self.counts[k], dtype=torch.float64).to(device) for k in keys]
        read = torch.stack([self.sums[k] for k in keys] + counts).tolist()
        sums, totals = read[:len(keys)], read[len(keys):]
        return {k: s / c for k, s, c in zip(keys, sums, totals) if c > 0}
