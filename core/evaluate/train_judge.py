"""``python -m core.evaluate.train_judge [OUT]``: train the attribute judge shipped in resources/judge."""

from __future__ import annotations

import argparse
import functools
from pathlib import Path

import torch

from core.evaluate.judge import DEFAULT_JUDGE, JudgeTraining, train_judge


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_JUDGE)
    parser.add_argument("--images", type=int, default=JudgeTraining.train_images)
    parser.add_argument("--epochs", type=int, default=JudgeTraining.epochs)
    args = parser.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    # Flushed, so a log file shows each epoch as it ends (about a minute each on 2 cores).
    progress = functools.partial(print, flush=True)
    judge, report = train_judge(JudgeTraining(train_images=args.images, epochs=args.epochs), progress)
    judge.save(args.out, report)
    print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
