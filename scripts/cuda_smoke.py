"""A short end-to-end check of the training loop on a CUDA device, in each precision.

The test suite runs on CPU-only machines, so this is what a borrowed GPU checks first: for
``mixed_precision`` off, bf16 and fp16 it trains a small bundled-like run (matching warm-up,
attribute reader, near-miss captions, mode seeking, every stage, samples and checkpoints), resumes it
on the GPU, then loads the exported model on the CPU and draws a face. Exits 1 if full precision
fails, 2 if only a mixed precision does (each failure's traceback is printed).

Usage::

    python scripts/cuda_smoke.py [--device cuda] [--work DIR]
"""

from __future__ import annotations

import argparse
import dataclasses
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.presets import preset  # noqa: E402
from core.model.t2f import T2F  # noqa: E402
from core.training.trainer import Trainer  # noqa: E402


def small_config(device: str, precision: str):  # noqa: ANN201 - RunConfig
    config = preset("tiny")
    train = dataclasses.replace(
        config.train, stage_images=(256, 256, 256, 256), batch_sizes=(16, 16, 16, 16), device=device,
        mixed_precision=precision, matching_warmup_steps=4, reader_steps=4, reader_weight=1.0,
        near_miss_captions=2, mode_seeking_weight=1.0, log_every=4, sample_every=20, checkpoint_every=30)
    return config.replace(train=train, data=dataclasses.replace(config.data, synthetic_count=128))


def check(device: str, precision: str, work: Path) -> str:
    run = work / f"run-{precision}"
    shutil.rmtree(run, ignore_errors=True)
    start = time.perf_counter()
    first = Trainer(run, small_config(device, precision)).train(max_steps=40)
    if first.reason != "max_steps":
        raise RuntimeError(f"first leg ended {first.reason}: {first.message}")
    second = Trainer(run, None, resume=True).train()
    if second.reason != "completed":
        raise RuntimeError(f"resumed leg ended {second.reason}: {second.message}")
    model = T2F.load(run / "model", device="cpu")
    faces = model.generate("a young woman with red hair", seeds=[0, 1])
    if faces.shape != (2, 32, 32, 3) or float(faces.std()) == 0.0:
        raise RuntimeError(f"the exported model draws {faces.shape} faces of spread {faces.std():.3f} on the CPU")
    return f"{precision}: {second.step} steps, {second.images_seen} images, {time.perf_counter() - start:.1f} s"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--device", default="cuda")
    parser.add_argument("--work", type=Path, default=None)
    parser.add_argument("--precisions", default="off,bf16,fp16")
    args = parser.parse_args(argv)
    work = args.work or Path(tempfile.mkdtemp(prefix="t2f-cuda-smoke-"))
    failed = []
    for precision in args.precisions.split(","):
        try:
            print("smoke ok:", check(args.device, precision, work), flush=True)
        except Exception as error:  # noqa: BLE001 - report every precision, then fail
            import traceback

            traceback.print_exc()
            print(f"smoke FAILED ({precision}): {type(error).__name__}: {error}", flush=True)
            failed.append(precision)
    # Exit status: 1 if full precision failed (nothing else can run), 2 if only mixed precision did.
    return 1 if "off" in failed else (2 if failed else 0)


if __name__ == "__main__":
    raise SystemExit(main())
