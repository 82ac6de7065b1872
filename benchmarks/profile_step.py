"""Where one training iteration's time goes: a phase breakdown and torch.profiler's top operators.

Usage::

    python -m benchmarks.profile_step [--quick] [--batch N] [--gp-every N] [--rows 25]

Runs our ``Trainer.train_step`` at 64×64, α = 0.5, widths (256, 256, 128, 64, 32). Phases are
timed by wrapping, for the duration of the run only, the functions the step calls (text encoders,
generator, critic trunk, gradient penalty, ``backward``, optimizer steps, EMA, batch assembly);
core's code is not modified. Phase times are inclusive (the penalty's critic forward is also
counted under "critic forward"), so they do not add up to the step time.
"""

from __future__ import annotations

import contextlib
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import torch

from benchmarks import fixtures
from benchmarks.common import Report, log, options


class PhaseClock:
    """Inclusive wall time per label, from wrapped callables (nesting of the same label counted once)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = defaultdict(float)
        self.calls: dict[str, int] = defaultdict(int)
        self._depth: dict[str, int] = defaultdict(int)

    def wrap(self, label: str, fn: Callable[..., Any]) -> Callable[..., Any]:
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            self._depth[label] += 1
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                self._depth[label] -= 1
                if self._depth[label] == 0:
                    self.seconds[label] += time.perf_counter() - start
                    self.calls[label] += 1

        return wrapped


@contextlib.contextmanager
def patched(patches: list[tuple[object, str, Any]]) -> Iterator[None]:
    """Set attributes for the duration of the block, then restore them exactly."""
    saved = []
    for owner, name, value in patches:
        had = name in vars(owner) if isinstance(owner, type) else hasattr(owner, "__dict__") and name in owner.__dict__
        saved.append((owner, name, had, getattr(owner, name, None)))
        setattr(owner, name, value)
    try:
        yield
    finally:
        for owner, name, had, old in reversed(saved):
            if had:
                setattr(owner, name, old)
            else:
                with contextlib.suppress(AttributeError):
                    delattr(owner, name)


def phase_patches(clock: PhaseClock, trainer) -> list[tuple[object, str, Any]]:  # noqa: ANN001
    import core.training.objective as trainer_module
    from core.model.discriminator import Discriminator
    from core.model.generator import Generator
    from core.text.encoder import TextEncoder

    patches: list[tuple[object, str, Any]] = [
        (TextEncoder, "forward", clock.wrap("text encoders (LSTM), fwd", TextEncoder.forward)),
        (Generator, "forward", clock.wrap("generator forward", Generator.forward)),
        (Discriminator, "features", clock.wrap("critic trunk forward", Discriminator.features)),
        (torch.Tensor, "backward", clock.wrap("loss.backward() (incl. GP double backward)", torch.Tensor.backward)),
        (trainer.objective, "step_optimizer",
         clock.wrap("optimizer steps (Adam)", trainer.objective.step_optimizer)),
        (trainer, "_update_ema", clock.wrap("EMA update", trainer._update_ema)),
        (trainer.batches, "take", clock.wrap("real batch + captions", trainer.batches.take)),
        (trainer.tokenizer, "batch", clock.wrap("tokenizer", trainer.tokenizer.batch)),
    ]
    if hasattr(trainer_module, "gradient_penalty"):
        patches.append((trainer_module, "gradient_penalty",
                        clock.wrap("gradient penalty: critic fwd + autograd.grad(create_graph)",
                                   trainer_module.gradient_penalty)))
    return patches


def main(argv: Sequence[str] | None = None) -> int:
    def extra(parser) -> None:  # noqa: ANN001
        parser.add_argument("--batch", type=int, default=None, help="batch size (default 32; quick 4)")
        parser.add_argument("--gp-every", type=int, default=1, help="penalty schedule (default 1: every step)")
        parser.add_argument("--rows", type=int, default=25, help="operators to list")

    args = options(__doc__.splitlines()[0], argv, extra)
    batch = args.batch or (4 if args.quick else 32)
    steps = 1 if args.quick else 3
    report = Report("profile_step", f"Profile of our training iteration (64×64, batch {batch})", args.quick)
    with tempfile.TemporaryDirectory(prefix="t2f-bench-prof-") as tmp:
        trainer, pos = fixtures.make_trainer(Path(tmp) / "run", fixtures.COMPARISON_WIDTHS, batch,
                                             gp_every=args.gp_every, dataset=fixtures.faces(max(16, 2 * batch), 64))
        log("warm-up step …")
        trainer.train_step(pos)
        clock = PhaseClock()
        with patched(phase_patches(clock, trainer)):
            start = time.perf_counter()
            for _ in range(steps):
                trainer.train_step(pos)
            total = (time.perf_counter() - start) / steps
        log("profiled step …")
        from torch.profiler import ProfilerActivity, profile

        with profile(activities=[ProfilerActivity.CPU], record_shapes=True) as prof:
            trainer.train_step(pos)
    rows = [[label, 1000 * s / steps, 100 * s / steps / total, clock.calls[label] // steps]
            for label, s in sorted(clock.seconds.items(), key=lambda kv: -kv[1])]
    report.add_table(f"Phases (inclusive wall time per iteration, mean of {steps}; iteration = {1000 * total:.0f} ms)",
                     ["phase", "ms / iteration", "% of iteration", "calls"], rows)

    averages = prof.key_averages()
    self_total = sum(e.self_cpu_time_total for e in averages) or 1.0
    top = sorted(averages, key=lambda e: -e.self_cpu_time_total)[: args.rows]
    report.add_table("Top operators by self CPU time (one profiled iteration)",
                     ["operator", "self ms", "% of self total", "calls", "total ms (incl. children)"],
                     [[e.key, e.self_cpu_time_total / 1000, 100 * e.self_cpu_time_total / self_total, e.count,
                       e.cpu_time_total / 1000] for e in top])
    by_shape = prof.key_averages(group_by_input_shape=True)
    convs = sorted((e for e in by_shape if "conv" in e.key), key=lambda e: -e.self_cpu_time_total)[:12]
    report.add_table("Most expensive convolution calls by input shape",
                     ["operator", "input shapes", "self ms", "calls"],
                     [[e.key, str(e.input_shapes)[:90], e.self_cpu_time_total / 1000, e.count] for e in convs])
    report.data = {
        "batch": batch, "gp_every": args.gp_every, "iteration_ms": 1000 * total,
        "phases_ms": {k: 1000 * v / steps for k, v in clock.seconds.items()},
        "top_ops": [{"op": e.key, "self_ms": e.self_cpu_time_total / 1000, "calls": e.count,
                     "total_ms": e.cpu_time_total / 1000} for e in top],
    }
    report.notes.append(f"torch threads {torch.get_num_threads()}; phases from wrapped callables (inclusive); "
                        "operators from torch.profiler (self time, so they add up).")
    if args.quick:
        report.notes.append("QUICK MODE: batch 4, one timed and one profiled iteration.")
    report.finish(args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
