"""The phases that may run before the GAN, on one shared loop.

- the matching warm-up: the critic learns on real pairs which caption fits which face
  (:mod:`core.training.matching`);
- the attribute reader: fitted to the real faces' labels, then frozen
  (:mod:`core.training.attribute_reader`);
- a new critic catching up: critic-only GAN steps, the generator frozen, before a run started from
  a trained model trains it.

Each counts its own steps (in :class:`~core.training.run_state.RunProgress`), reports ten
:class:`~core.training.events.PhaseProgress` events, can be paused and stopped between steps,
writes a checkpoint every ``checkpoint_minutes`` and when it ends, so a resumed run continues a
phase where it stopped (with a fresh optimizer for the phase) and never repeats one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import torch

from core.training.events import Event, PhaseProgress

#: One step of a phase: its loss, or None when the step was skipped (it is not counted).
PhaseStep = Callable[[int], torch.Tensor | None]


@dataclass
class PhaseControl:
    """What a phase loop needs from the run: wait while paused, whether to stop, and how to report."""

    wait_unpaused: Callable[[], object]
    stop_requested: Callable[[], bool]
    emit: Callable[[Event], None]
    checkpoint: Callable[[], object]
    #: Whether enough time passed since the last checkpoint to write one mid-phase.
    checkpoint_due: Callable[[], bool] = lambda: False


def run_phase(phase: str, done: int, steps: int, one_step: PhaseStep, control: PhaseControl,
              count: Callable[[int], None], finish: Callable[[], None] | None = None) -> bool:
    """Run steps ``done + 1 … steps`` of ``phase``; ``count`` records each finished step's number.

    Returns ``False`` when a stop request interrupted it (the checkpoint written on the way out keeps
    the count), ``True`` when it finished. A phase that ran any step now calls ``finish`` (what the
    phase hands on, e.g. the warm-up's text encoder) and then writes a checkpoint.
    """
    if done >= steps:
        return True
    tenth = max(1, steps // 10)  # ten reports a phase: enough for a status line, few enough for a log
    total, reported = torch.zeros((), dtype=torch.float64), 0
    while done < steps:
        control.wait_unpaused()
        if control.stop_requested():
            return False
        loss = one_step(done)
        if loss is None:
            continue
        done += 1
        count(done)
        total += loss.detach().double()
        reported += 1
        if done % tenth == 0 or done == steps:
            control.emit(PhaseProgress(phase, done, steps, total.item() / reported))
            total, reported = torch.zeros((), dtype=torch.float64), 0
        if done < steps and control.checkpoint_due():  # a kill mid-phase loses minutes, not the phase
            control.checkpoint()
    if finish is not None:
        finish()
    control.checkpoint()
    return True
