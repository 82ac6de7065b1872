"""Continue a run until a deadline, lengthening its last stage as far as each resume allows.

Made for a borrowed GPU with a fixed time budget: it resumes ``RUN`` (finishing its schedule if
unfinished), then keeps lengthening the last stage (:func:`core.training.longer.plan_longer_training`
says how far one resume may go without re-opening the fade-in) until ``--seconds`` have passed,
when the trainer is asked to stop and writes its checkpoint. The dataset is opened once and shared
by every leg, so the synthetic faces are rendered once. After each leg the exported model is packed
into ``--pack DIR/model-IMAGES.tar`` so every leg can be evaluated later.

Usage::

    python scripts/train_until.py RUN --seconds 300 [--pack DIR] [--mixed-precision off|bf16|fp16]
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import tarfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.cli.train import ProgressPrinter  # noqa: E402
from core.config import RunConfig  # noqa: E402
from core.training.events import Event, StepMetrics, TrainingFinished  # noqa: E402
from core.training.longer import plan_longer_training  # noqa: E402
from core.training.rundir import RunDir  # noqa: E402
from core.training.trainer import Trainer  # noqa: E402

#: A leg shorter than this is not worth a resume.
SHORTEST_LEG_S = 20.0


class Reporter(ProgressPrinter):
    """The CLI's event lines without a bar, plus one metrics line every ``every`` logged steps."""

    def __init__(self, every: int = 8) -> None:
        super().__init__(quiet=True)
        self.every, self.seen = every, 0

    def __call__(self, event: Event) -> None:
        super().__call__(event)
        if isinstance(event, StepMetrics):
            self.seen += 1
            if self.seen % self.every == 0:
                v = event.values
                print(f"step {v['step']} images {v['images_seen']:,} {v['resolution']}px α={v['alpha']:.2f} "
                      f"D={v['d_loss']:.3f} G={v['g_loss']:.3f} {v.get('images_per_s', 0):.0f} img/s", flush=True)
        elif isinstance(event, TrainingFinished):
            print(f"leg ended ({event.reason}) at step {event.step}, {event.images_seen:,} images", flush=True)


def leg_config(run_dir: Path, mixed_precision: str | None) -> RunConfig:
    """The next leg's config: the run's own while it is still fading in, else its last stage made as
    long as one resume may make it."""
    try:
        plan = plan_longer_training(run_dir)
        config = plan.config_for(plan.longest)
    except ValueError as why:  # not in its last stage yet, or still fading in
        print(f"plain resume ({why})", flush=True)
        config = RunConfig.load(RunDir(run_dir).config)
    if mixed_precision is not None:
        config = config.replace(train=dataclasses.replace(config.train, mixed_precision=mixed_precision))
    return config


def pack_model(run_dir: Path, pack: Path, images: int) -> Path:
    pack.mkdir(parents=True, exist_ok=True)
    target = pack / f"model-{images:07d}.tar"
    with tarfile.open(target, "w") as tar:
        tar.add(RunDir(run_dir).model, arcname=f"model-{images:07d}")
    return target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="the run folder to continue")
    parser.add_argument("--seconds", type=float, required=True, help="stop (with a checkpoint) after this long")
    parser.add_argument("--pack", type=Path, default=None, help="pack each leg's model into DIR/model-IMAGES.tar")
    parser.add_argument("--mixed-precision", choices=("off", "bf16", "fp16"), default=None,
                        help="override the run's mixed-precision setting (CUDA only)")
    args = parser.parse_args(argv)
    deadline = time.monotonic() + args.seconds
    dataset = None
    leg = 0
    while deadline - time.monotonic() > SHORTEST_LEG_S:
        leg += 1
        config = leg_config(args.run, args.mixed_precision)
        print(f"leg {leg}: last stage {config.train.stage_images[-1]:,} images, "
              f"{deadline - time.monotonic():.0f} s left", flush=True)
        trainer = Trainer(args.run, config, dataset, callbacks=[Reporter()], resume=True)
        dataset = trainer.dataset
        timer = threading.Timer(max(0.0, deadline - time.monotonic()), trainer.request_stop)
        timer.start()
        try:
            finished = trainer.train()
        finally:
            timer.cancel()
        if args.pack is not None:
            print(f"packed {pack_model(args.run, args.pack, finished.images_seen)}", flush=True)
        if finished.reason == "failed":
            print(f"leg failed: {finished.message}", flush=True)
            return 1
        if finished.reason != "completed":
            break
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
