"""``t2f train``: start or resume a progressive training run, with a progress bar.

Only parses and validates options, builds the run config and hands over to the Trainer — all
mechanics live in :mod:`core.training`. Ctrl+C asks the trainer to stop (it saves a checkpoint);
a second Ctrl+C aborts at once.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import signal
import sys
from datetime import datetime
from pathlib import Path

from core.cli.common import positive_int
from core.cli.errors import CLIError
from core.config import RunConfig
from core.presets import PRESETS, fit_to_data, preset, reader_lacks_labels
from core.training.events import Event, StepMetrics, TrainingFinished, TrainingStarted, describe


def _int_list(text: str) -> tuple[int, ...]:
    try:
        values = tuple(int(v) for v in text.replace(" ", "").split(",") if v)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated integers, got {text!r}") from None
    if not values or any(v <= 0 for v in values):
        raise argparse.ArgumentTypeError(f"expected positive integers, got {text!r}")
    return values


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("train", help="train a model (or resume a run)",
                                   description="Train T2F progressively; everything goes to a run folder.")
    parser.add_argument("--resume", metavar="RUN_DIR", type=Path,
                        help="continue this run exactly (with --config: under that file's training settings, "
                             "e.g. a longer schedule; its model and data must match the run's)")
    parser.add_argument("--last-stage", metavar="IMAGES", type=positive_int,
                        help="with --resume: lengthen the run's last stage to this many images (train it longer; "
                             "at most as far as one resume may go without re-opening the stage's fade-in)")
    parser.add_argument("--from-model", metavar="MODEL", type=Path,
                        help="start a new run from a trained model (a model or run folder, e.g. "
                             "resources/models/default): its networks, tokenizer and image count, with a new "
                             "critic trained first; the config's schedule must continue past the model's images")
    parser.add_argument("--more-images", metavar="IMAGES", type=positive_int,
                        help="with --from-model: train it for this many more images at its resolution (instead "
                             "of the config's stage lengths)")
    parser.add_argument("--run-dir", type=Path, help="new run folder (default runs/DATE-TIME)")
    parser.add_argument("--preset", choices=PRESETS, help="starting configuration (default: default)")
    parser.add_argument("--config", type=Path, help="a full run config JSON (overrides --preset)")
    parser.add_argument("--data", default=None, help='"synthetic" (default) or a dataset folder')
    parser.add_argument("--synthetic-count", type=positive_int, help="number of synthetic faces")
    parser.add_argument("--resolution", type=int, help="final resolution: 16, 32, 64, 128 or 256")
    parser.add_argument("--stage-images", type=_int_list, help="images per stage, comma-separated")
    parser.add_argument("--batch-sizes", type=_int_list, help="batch size per stage, comma-separated")
    parser.add_argument("--fade", type=float, help="fraction of each stage spent fading in (0..1)")
    parser.add_argument("--lr", type=float, help="learning rate")
    parser.add_argument("--gp-every", type=positive_int, help="gradient penalty every N D steps")
    parser.add_argument("--seed", type=int, help="training seed")
    parser.add_argument("--device", help="auto, cpu, cuda, cuda:N or mps")
    parser.add_argument("--mixed-precision", choices=("off", "bf16", "fp16"),
                        help="autocast the GAN steps: bf16 on CUDA or a CPU with hardware bfloat16 (about twice as "
                             "fast on such a CPU), fp16 on CUDA; off (float32) by default")
    parser.add_argument("--max-steps", type=positive_int, help="stop (with a checkpoint) after this many steps")
    parser.add_argument("--quiet", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def build_config(args: argparse.Namespace) -> RunConfig:
    """The run config from a preset or file plus command-line overrides."""
    config = RunConfig.load(args.config) if args.config else preset(args.preset or "default", args.resolution)
    model, train, data = config.model, config.train, config.data
    if args.resolution and args.resolution != model.resolution:
        if args.config:
            raise CLIError("--resolution cannot change the resolution of a --config file")
    if args.data:
        data = dataclasses.replace(data, source=args.data)
    if args.synthetic_count:
        data = dataclasses.replace(data, synthetic_count=args.synthetic_count)
    overrides = {"stage_images": args.stage_images, "batch_sizes": args.batch_sizes, "fade_fraction": args.fade,
                 "lr": args.lr, "gp_every": args.gp_every, "seed": args.seed, "device": args.device,
                 "mixed_precision": args.mixed_precision}
    stages = model.depths
    for key in ("stage_images", "batch_sizes"):
        value = overrides[key]
        if value is not None and len(value) == 1:
            overrides[key] = value * stages
    train = dataclasses.replace(train, **{k: v for k, v in overrides.items() if v is not None})
    config = RunConfig(model, train, data)
    if not args.config and reader_lacks_labels(config):
        # A --config file that asks for a reader gets the trainer's error instead: it said so explicitly.
        print(f"note: the {args.preset or 'default'} preset's attribute reader is off: {data.source} has no attribute labels",
              file=sys.stderr)
        config = fit_to_data(config)
    return config


#: Options a resumed run cannot take: its networks and data are fixed by its checkpoint.
_FIXED_ON_RESUME = {"data": "--data", "synthetic_count": "--synthetic-count", "resolution": "--resolution",
                    "seed": "--seed", "preset": "--preset", "more_images": "--more-images"}
#: Training settings a resumed run takes from the command line (option → TrainConfig field).
_APPLIED_ON_RESUME = {"lr": "lr", "gp_every": "gp_every", "device": "device", "mixed_precision": "mixed_precision",
                      "stage_images": "stage_images", "batch_sizes": "batch_sizes", "fade": "fade_fraction"}


def _resumed_config(args: argparse.Namespace) -> RunConfig | None:
    """The new training settings of a resumed run: a --config file, its last stage made longer, and
    any training option given on the command line (said aloud); options that would change its
    networks or data are refused."""
    from core.training.longer import plan_longer_training
    from core.training.rundir import RunDir

    fixed = [flag for name, flag in _FIXED_ON_RESUME.items() if getattr(args, name) is not None]
    if fixed:
        raise CLIError(f"a resumed run keeps its networks, data and seed: drop {', '.join(fixed)} "
                       f"(start a new run to change them)")
    if args.config and args.last_stage:
        raise CLIError("use --config or --last-stage, not both")
    if args.config:
        config = RunConfig.load(args.config)
    elif args.last_stage:
        config = plan_longer_training(args.resume).config_for(args.last_stage)
    else:
        config = None
    changes = {field: getattr(args, option) for option, field in _APPLIED_ON_RESUME.items()
               if getattr(args, option) is not None}
    if not changes:
        return config
    base = config or RunConfig.load(RunDir(args.resume).config)
    stages = base.model.depths
    for key in ("stage_images", "batch_sizes"):
        if key in changes and len(changes[key]) == 1:
            changes[key] = changes[key] * stages
    train = dataclasses.replace(base.train, **changes)
    said = ", ".join(f"{k} {getattr(train, k)} (was {getattr(base.train, k)})" for k in changes)
    print(f"note: resuming with {said}", file=sys.stderr)
    return base.replace(train=train)


def _continuing_model(config: RunConfig, model: Path, more_images: int) -> RunConfig:
    """``config`` with a schedule that trains ``model`` for ``more_images`` more images."""
    from core.model.t2f import read_model_card, resolve_model_folder
    from core.training.schedule import schedule_after_model

    info = read_model_card(resolve_model_folder(model)).info
    if info.depth < config.model.depths - 1:
        size, final = 4 << info.depth, config.model.resolution
        raise CLIError(f"the model in {model} is at {size}×{size}, not yet its final {final}×{final}: --more-images "
                       f"trains a fully grown model longer; to grow this one, leave it out and give a --config or "
                       f"--preset whose schedule runs past its {info.images_seen:,} images")
    return config.replace(train=schedule_after_model(config.train, info.depth, info.images_seen, more_images))


class ProgressPrinter:
    """Turns trainer events into a tqdm bar and a few printed lines."""

    def __init__(self, quiet: bool) -> None:
        self.quiet = quiet
        self.bar = None

    def __call__(self, event: Event) -> None:
        from tqdm import tqdm

        if isinstance(event, TrainingStarted):
            print(event.describe(), file=sys.stderr)
            if not self.quiet:
                self.bar = tqdm(total=event.total_images, initial=event.images_seen, unit="img",
                                unit_scale=True, dynamic_ncols=True, file=sys.stderr)
            return
        if isinstance(event, StepMetrics) and self.bar is not None:
            v = event.values
            self.bar.update(v["images_seen"] - self.bar.n)
            self.bar.set_postfix_str(f"{v['resolution']}px α={v['alpha']:.2f} D={v['d_loss']:.3f} G={v['g_loss']:.3f}")
        elif isinstance(event, TrainingFinished) and self.bar is not None:
            self.bar.close()
        line = describe(event)
        if line is not None:
            self._write(line)

    def _write(self, line: str) -> None:
        if self.bar is not None:
            self.bar.write(line, file=sys.stderr)
        else:
            print(line, file=sys.stderr)


#: Signals that stop a run the way Ctrl+C does: the terminal closing, a logout, a service stop.
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP") if hasattr(signal, name))


def _say(line: str) -> None:
    try:
        print(line, file=sys.stderr)
    except OSError:  # the terminal is gone (SIGHUP); the run still saves
        pass


def _make_trainer(args: argparse.Namespace, printer: ProgressPrinter):  # noqa: ANN202 - a Trainer
    from core.training.trainer import Trainer

    try:
        if args.resume:
            if args.from_model:
                raise CLIError("--from-model starts a new run; --resume continues one: use one of them")
            return Trainer(args.resume, _resumed_config(args), resume=True, callbacks=[printer])
        if args.last_stage:
            raise CLIError("--last-stage lengthens a run being resumed: use it with --resume")
        if args.more_images and not args.from_model:
            raise CLIError("--more-images says how long to train a model given with --from-model: use them together")
        config = build_config(args)
        if args.more_images:
            config = _continuing_model(config, args.from_model, args.more_images)
        run_dir = args.run_dir or Path("runs") / datetime.now().strftime("%Y%m%d-%H%M%S")
        return Trainer(run_dir, config, callbacks=[printer], start_from=args.from_model)
    except FileExistsError as error:
        raise CLIError(f"{error} (t2f train --resume {error.filename or args.run_dir})") from None
    except (ValueError, FileNotFoundError) as error:
        raise CLIError(str(error)) from None


def run(args: argparse.Namespace) -> int:
    import torch

    from core.devices import use_training_threads

    threads = torch.get_num_threads()
    use_training_threads()  # one thread per free core, less one: a busy machine must not stall the run
    try:
        return _train(args)
    finally:
        torch.set_num_threads(threads)  # as it was (the CLI may run inside another program, or a test)


def _train(args: argparse.Namespace) -> int:
    from core.training.distributed import leave_process_group

    printer = ProgressPrinter(args.quiet)
    trainer = _make_trainer(args, printer)

    def on_stop_signal(signum: int, frame: object) -> None:
        if signum == getattr(signal, "SIGHUP", None):  # no terminal to write to from here on
            sys.stdout = sys.stderr = open(os.devnull, "w")  # noqa: SIM115 - lives as long as the process
        name = "Ctrl+C" if signum == signal.SIGINT else signal.Signals(signum).name
        _say(f"\n{name}: stopping after this step and saving a checkpoint (again to abort)")
        trainer.request_stop()
        for stop in STOP_SIGNALS:  # a second signal aborts at once
            signal.signal(stop, signal.default_int_handler if stop == signal.SIGINT else signal.SIG_DFL)

    previous = {stop: signal.signal(stop, on_stop_signal) for stop in STOP_SIGNALS}
    try:
        finished = trainer.train(max_steps=args.max_steps)
    finally:
        for stop, handler in previous.items():
            signal.signal(stop, handler)
    if trainer.context.enabled:  # a torchrun job: the ranks leave the group together before exiting
        leave_process_group()
    if finished.reason == "failed":
        raise CLIError(finished.message)
    if trainer.context.is_main:  # under torchrun, rank 0 speaks for the run
        _say(f"{finished.reason} at step {finished.step} ({finished.images_seen:,} images); "
             f"model in {trainer.run.model}")
    return 0
