"""``python -m core.evaluate.train_judge [OUT]``: train the attribute judge shipped in resources/judge."""

from __future__ import annotations

import argparse
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
    judge, report = train_judge(JudgeTraining(train_images=args.images, epochs=args.epochs))
    judge.save(args.out, report)
    print(f"saved to {args.out}")


if __name__ == "__main__":
    main()
