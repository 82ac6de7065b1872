"""``python -m core.evaluate.train_judge [OUT]``: train the attribute judge shipped in resources/judge."""

from __future__ import annotations

import argparse
import functools
from pathlib import Path

import torch

from core.evaluate.judge import DEFAULT_JUDGE, JudgeTraining, train_judge
from core.model.classifier import DESIGNS


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("out", nargs="?", type=Path, default=DEFAULT_JUDGE)
    parser.add_argument("--images", type=int, default=JudgeTraining.train_images)
    parser.add_argument("--epochs", type=int, default=JudgeTraining.epochs)
    parser.add_argument("--design", choices=DESIGNS, default=JudgeTraining.design,
                        help='"avg": a cross-check judge built unlike the shipped one and the trainer\'s reader')
    parser.add_argument("--seed", type=int, default=JudgeTraining.seed, help="which rendered faces it trains on")
    parser.add_argument("--width", type=int, default=JudgeTraining.width)
    args = parser.parse_args()
    torch.set_num_threads(max(1, torch.get_num_threads()))
    # Flushed, so a log file shows each epoch as it ends (about a minute each on 2 cores).
    progress = functools.partial(print, flush=True)
    plan = JudgeTraining(train_images=args.images, epochs=args.epochs, design=args.design, seed=args.seed,
                         width=args.width)
    judge, report = train_judge(plan, progress)
    judge.save(args.out, report)
    print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
