"""Train one model in a fixed window on a borrowed GPU, then export it and its evaluation.

The training half of ``scripts/gpu_lease.sh``: builds the run's config from a preset or config file
(the GPU recipe: a bigger batch with the square-root learning-rate rule, bf16 autocast, sync-free
steps and the training set on the device, the synthetic faces drawn on every core but one), trains
until ``--seconds`` have passed (the trainer stops with a checkpoint), exports the EMA model into
``OUT/model`` and writes ``t2f evaluate``'s JSON report into ``OUT/evaluation.json``.

``--from-model M`` continues a trained model (the shipped one: resources/models/default) with a new
critic, its last stage lengthened so the deadline, not the schedule, ends it; otherwise the run
starts from scratch on the config's schedule (cut short by the deadline if it must be).

Usage::

    python scripts/gpu_run.py RUN --seconds 300 --out OUT [--from-model M] [--config FILE | --preset NAME]
        [--batch 256] [--faces 20000] [--device cuda] [--precision bf16] [--eval-n 200] [--tiny]
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.config import RunConfig  # noqa: E402
from core.presets import preset  # noqa: E402
from core.training.kernels import scaled_lr  # noqa: E402


def run_config(args: argparse.Namespace) -> RunConfig:
    """The run's config: the file or preset, then the GPU recipe's changes."""
    config = RunConfig.load(args.config) if args.config else preset(args.preset)
    train = config.train
    batch = args.batch or train.batch_sizes[-1]
    lr = scaled_lr(train.lr, batch, reference=train.batch_sizes[-1])
    changes = dict(device=args.device, mixed_precision=args.precision, batch_sizes=(batch,) * len(train.batch_sizes),
                   lr=lr, sync_free="auto", device_data="auto", log_every=args.log_every,
                   sample_every=10**9, checkpoint_every=10**9, checkpoint_minutes=0.0)
    if args.tiny:  # the CPU dry run: seconds, not minutes
        changes.update(sync_free="on", device_data="on",  # the GPU's paths, exercised on the CPU
                       matching_warmup_steps=min(train.matching_warmup_steps, 4),
                       reader_steps=min(train.reader_steps, 4), fresh_critic_steps=4, sample_count=4,
                       reader_batch=8, matching_warmup_batch=8)
    data = dataclasses.replace(config.data, synthetic_count=args.faces) if args.faces else config.data
    return config.replace(train=dataclasses.replace(train, **changes), data=data)


def continued(config: RunConfig, model: Path) -> RunConfig:
    """``config`` with a schedule that continues ``model`` at its last stage until well past any deadline."""
    from core.model.t2f import read_model_card
    from core.training.schedule import schedule_after_model

    info = read_model_card(model).info
    more = 100 * max(info.images_seen, 10**6)  # the deadline ends the run, never the schedule
    train = schedule_after_model(config.train, info.depth, info.images_seen, more)
    return config.replace(train=train)


def train(args: argparse.Namespace) -> dict:
    from core.cli.train import ProgressPrinter
    from core.training.trainer import Trainer

    config = run_config(args)
    if args.from_model:
        config = continued(config, args.from_model)
    started = time.perf_counter()
    trainer = Trainer(args.run, config, callbacks=[ProgressPrinter(quiet=True)], start_from=args.from_model)
    left = args.seconds - (time.perf_counter() - started)
    print(f"set up in {time.perf_counter() - started:.1f} s; training for {left:.0f} s on {trainer.device} "
          f"(sync-free {trainer.sync_free}, batch {config.train.batch_sizes[-1]}, lr {config.train.lr:.5f})", flush=True)
    timer = threading.Timer(max(1.0, left), trainer.request_stop)
    timer.start()
    try:
        finished = trainer.train()
    finally:
        timer.cancel()
    trainer.export_model(args.out / "model")
    return {"reason": finished.reason, "message": finished.message, "step": finished.step,
            "images_seen": finished.images_seen, "seconds": round(time.perf_counter() - started, 1),
            "device": str(trainer.device), "batch": config.train.batch_sizes[-1], "lr": config.train.lr,
            "from_model": str(args.from_model) if args.from_model else None}


def evaluate(args: argparse.Namespace) -> int:
    """``t2f evaluate`` of the exported model into ``OUT/evaluation.json`` (the judge on the GPU too)."""
    command = [sys.executable, "-m", "core", "evaluate", str(args.out / "model"), "--n", str(args.eval_n),
               "--json", str(args.out / "evaluation.json"), "--device", args.device, "--no-artefacts"]
    if args.tiny:
        command += ["--seeds", "2", "--no-paraphrase"]
    try:
        return subprocess.run(command, cwd=ROOT, timeout=args.eval_timeout).returncode
    except subprocess.TimeoutExpired:
        print(f"evaluation did not finish in {args.eval_timeout:.0f} s", flush=True)
        return 124


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="a new run folder")
    parser.add_argument("--seconds", type=float, required=True, help="training window (set-up included)")
    parser.add_argument("--out", type=Path, required=True, help="where the model and the reports go")
    parser.add_argument("--from-model", type=Path, default=None, help="continue this model (default: from scratch)")
    parser.add_argument("--config", type=Path, default=None, help="a run config file (default: --preset)")
    parser.add_argument("--preset", default="bundled")
    parser.add_argument("--batch", type=int, default=None, help="batch size at every stage (lr by the √ rule)")
    parser.add_argument("--faces", type=int, default=None, help="synthetic faces to train on")
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--precision", choices=("off", "bf16", "fp16"), default="bf16")
    parser.add_argument("--log-every", type=int, default=50)
    parser.add_argument("--eval-n", type=int, default=200)
    parser.add_argument("--eval-timeout", type=float, default=240)
    parser.add_argument("--tiny", action="store_true", help="a dry run: few pre-GAN steps, a short evaluation")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    summary = train(args)
    print(json.dumps(summary), flush=True)
    (args.out / "train.json").write_text(json.dumps(summary, indent=1) + "\n")
    for name in ("metrics.jsonl", "config.json", "log.txt"):
        if (args.run / name).exists():
            shutil.copy(args.run / name, args.out / name)
    code = evaluate(args)
    print(f"evaluation exit status {code}", flush=True)
    return 0 if summary["reason"] != "failed" and code == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
