"""Fewer, bigger kernels for a GPU step: ``torch.compile`` per stage, CUDA graphs, channels-last,
and the learning rate for a bigger batch. Every one is an option that keeps the math.

* ``TrainConfig.compile`` "on" compiles the generator and the critic's image trunk (the convolutions:
  nearly all the work) per stage and α-phase — depth and "fading in or not" are constants of a
  compiled graph, α becomes an input from the fade-in's second step, so a stage compiles at most
  three times. The gradient penalty
  differentiates the critic twice, which compiled graphs do not support, so that pass runs the
  modules themselves. "graphs" also replays each compiled step as a CUDA graph
  (``mode="reduce-overhead"``): one launch for the whole network, for static shapes (a stage's
  batch size is fixed; the last, smaller batch of an epoch is never drawn: the sampler deals full
  batches).
* ``TrainConfig.channels_last`` stores the convolution weights and images NHWC, the layout
  tensor cores read directly.
* :func:`scaled_lr`: Adam's step for a batch of ``B`` instead of 32 (square-root rule).

None of these has been measured on a GPU yet (benchmarks/README.md says what to run); all are off
by default. On the CPU, compiling costs tens of seconds per stage for no measured gain.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import torch

#: ``TrainConfig.compile`` values and the ``torch.compile`` mode each means.
COMPILE_MODES: dict[str, str | None] = {"off": None, "on": "default", "graphs": "reduce-overhead"}
#: ``torch.compile``'s backend for training (tests swap in a cheaper one).
DEFAULT_BACKEND = "inductor"
#: The batch the default learning rate was tuned at (the bundled recipe's).
REFERENCE_BATCH = 32


def scaled_lr(lr: float, batch: int, reference: int = REFERENCE_BATCH) -> float:
    """The learning rate for ``batch`` given ``lr`` tuned at ``reference``: ``lr·√(batch/reference)``.

    Why the square root: a batch ``k`` times larger averages ``k`` times as many samples, so its
    gradient's noise shrinks by ``√k``; Adam divides by the gradient's running scale, so a step of
    the same noise-to-signal takes ``√k`` times the learning rate (the rule for adaptive optimizers,
    Malladi et al. 2022; the linear rule is SGD's). Capped at 4× (batch 512 from 32): a WGAN-GP
    critic with β₁ = 0 grows unstable beyond that in ProGAN's experience. Unmeasured here.
    """
    if batch <= 0 or reference <= 0:
        raise ValueError("batch sizes must be positive")
    return lr * min(4.0, math.sqrt(batch / reference))


def to_channels_last(*modules: torch.nn.Module) -> None:
    """Store every 4-d weight NHWC, in place (parameters stay the same objects, so optimizers keep them)."""
    for module in modules:
        module.to(memory_format=torch.channels_last)


class StageKernels:
    """The generator and the critic's trunk at one (depth, fading) at a time, compiled.

    ``backend`` is ``torch.compile``'s (tests use cheap ones); a new stage or α-phase drops the
    previous compiled pair and compiles the next on first use.
    """

    def __init__(self, generator: torch.nn.Module, critic: Any, mode: str, backend: str | Callable | None = None,
                 channels_last: bool = False) -> None:
        if COMPILE_MODES.get(mode) is None:
            raise ValueError(f"compile must be one of {', '.join(m for m in COMPILE_MODES if m != 'off')}, got {mode!r}")
        self.generator_module, self.critic = generator, critic
        self.mode, self.channels_last = COMPILE_MODES[mode], channels_last
        self.backend = DEFAULT_BACKEND if backend is None else backend
        self.key: tuple[int, bool] | None = None
        self._generator: Callable | None = None
        self._features: Callable | None = None
        #: How many times a (depth, phase) was compiled: the test of "only at stage or α-phase changes".
        self.compiles = 0

    def _compile(self, fn: Callable) -> Callable:
        # dynamic=None: the first α of a fade-in is a constant, the second makes α an input of the
        # graph for the rest of it (three compiles a stage at most: that, then α = 1). The batch
        # size never changes within a stage.
        options: dict[str, Any] = {"backend": self.backend, "dynamic": None}
        if self.backend == "inductor":
            options["mode"] = self.mode
        return torch.compile(fn, **options)

    def _at(self, depth: int, alpha: float) -> None:
        key = (depth, alpha < 1.0)
        if key != self.key:
            # Graphs of the last stage or phase are never run again: drop them, so the cache of each
            # compiled function stays under dynamo's recompile limit over the whole schedule.
            torch._dynamo.reset()
            self.key, self.compiles = key, self.compiles + 1
            self._generator = self._compile(self.generator_module.forward)
            self._features = self._compile(self.critic.features)

    def generator(self, depth: int, alpha: float) -> Callable[[torch.Tensor], torch.Tensor]:
        self._at(depth, alpha)
        compiled = self._generator
        return lambda latent: compiled(latent, depth, alpha)

    def features(self, depth: int, alpha: float) -> Callable[[torch.Tensor], torch.Tensor]:
        self._at(depth, alpha)
        compiled, layout = self._features, self.channels_last

        def run(images: torch.Tensor) -> torch.Tensor:
            if layout:
                images = images.contiguous(memory_format=torch.channels_last)
            return compiled(images, depth, alpha)

        return run
