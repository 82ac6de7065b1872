"""``t2f train-text``: give a trained model a new text encoder, keeping what its generator draws.

Only parses options and reports progress; the training is :mod:`core.training.text_distill`.
Ctrl+C, SIGTERM or SIGHUP stop it after the current step and save what it learnt so far.
"""

from __future__ import annotations

import argparse
import signal
import sys
import time
from pathlib import Path

from core.cli.common import positive_int
from core.cli.errors import CLIError


#: The free-style description writers (core.data.synthetic.free_style and .people).
WRITERS = ("free-style", "people", "both")


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "train-text", help="teach a model to read people's descriptions (a new text encoder, same faces)",
        description="Train a new text encoder for a model: one that reads pretrained word vectors and long "
                    "descriptions, taught to give any description the condition the model's own encoder gives "
                    "a caption in its training dialect that says the same. The generator is not changed.")
    parser.add_argument("--from-model", metavar="MODEL", type=Path, default=None,
                        help="model or run folder to teach (default: the bundled model)")
    parser.add_argument("-o", "--output", metavar="FOLDER", type=Path, required=True,
                        help="where to write the new model folder")
    parser.add_argument("--steps", type=positive_int, default=3000, help="training steps (default 3000)")
    parser.add_argument("--batch", type=positive_int, default=64, help="descriptions per step (default 64)")
    parser.add_argument("--lr", type=float, default=0.002, help="learning rate (default 0.002)")
    parser.add_argument("--hidden", type=positive_int, default=256, help="LSTM width (default 256)")
    parser.add_argument("--layers", type=positive_int, default=1, help="LSTM layers (default 1)")
    parser.add_argument("--max-tokens", type=positive_int, default=384,
                        help="longest description read, in subword tokens (default 384: about 1,400 characters)")
    parser.add_argument("--no-free-style", action="store_true",
                        help="train on the model's own caption dialect only (no free-style descriptions)")
    parser.add_argument("--writer", choices=WRITERS, default="free-style",
                        help="who writes the free-style descriptions: free-style (shorter; the bundled model's "
                             "reader was taught with it), people (longer, more frames), or both in turn")
    parser.add_argument("--seed", type=int, default=0, help="training seed")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    import torch

    from core.devices import use_training_threads

    threads = torch.get_num_threads()
    use_training_threads()
    try:
        return _teach(args)
    finally:
        torch.set_num_threads(threads)


def _teach(args: argparse.Namespace) -> int:
    from tqdm import tqdm

    from core.cli.common import load_model
    from core.training.text_distill import (TextDistillSettings, build_student, distill, save_model,
                                            student_config)

    if not 0 < args.lr < 1:
        raise CLIError(f"--lr must be between 0 and 1, got {args.lr}")
    if args.output.exists() and not args.output.is_dir():
        raise CLIError(f"{args.output} exists and is not a folder")
    teacher = load_model(args.from_model, "cpu")
    config = student_config(teacher.config, hidden=args.hidden, layers=args.layers, max_tokens=args.max_tokens)
    student = build_student(teacher, config)
    describe = None if args.no_free_style else _free_style_describer(args.writer)
    settings = TextDistillSettings(steps=args.steps, batch=args.batch, lr=args.lr, seed=args.seed)
    stopping = {"asked": False}

    def on_signal(signum: int, frame: object) -> None:
        print("\nstopping after this step and saving what it learnt", file=sys.stderr)
        stopping["asked"] = True

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    bar = tqdm(total=settings.steps, unit="step", dynamic_ncols=True, file=sys.stderr)
    started = time.perf_counter()
    try:
        done = distill(teacher, student, settings, describe,
                       report=lambda step, loss: (bar.update(1), bar.set_postfix_str(f"loss {loss:.3f}")),
                       stop=lambda: stopping["asked"])
    finally:
        bar.close()
        for s, handler in previous.items():
            signal.signal(s, handler)
    save_model(student, args.output)
    _write_card(student, teacher, args, done)
    print(f"{done} steps in {time.perf_counter() - started:.0f} s; model in {args.output}", file=sys.stderr)
    return 0


def _free_style_describer(writer: str = "free-style"):  # noqa: ANN202 - a Describer
    """Free-style descriptions of the train split, from ``writer`` (see :data:`WRITERS`)."""
    from core.data.synthetic.free_style import describer
    from core.data.synthetic.people import choose_stated, describe_like_people

    def people(face, rng):  # noqa: ANN001, ANN202
        stated = choose_stated(face, rng)
        return describe_like_people(face, stated, rng, "train"), stated

    free_style = describer("train")
    if writer == "free-style":
        return free_style
    if writer == "people":
        return people
    return lambda face, rng: (free_style if rng.random() < 0.5 else people)(face, rng)


def _write_card(student, teacher, args: argparse.Namespace, steps: int) -> None:  # noqa: ANN001 - T2F models
    """The new model's card: the teacher's, with the text encoder it got and how."""
    from core.io import atomic_write_text
    from core.model.model_card import read_card_text, write_model_card
    from core.model.t2f import resolve_model_folder

    source = resolve_model_folder(args.from_model) if args.from_model else None
    card = write_model_card(args.output, None, student.info, model=student.config,
                            known_words=len(student.known_words or ()), name="A T2F Desktop model with a new reader")
    taught = (f"\n## Its text encoder\n\nTaught by `t2f train-text --steps {args.steps} --hidden {args.hidden} "
              f"--layers {args.layers}` ({steps} steps) from {source or 'the bundled model'}: it gives free-style "
              f"descriptions the conditions the earlier encoder gave same-statement captions in its dialect; the "
              f"generator is the earlier model's, unchanged.\n")
    earlier = read_card_text(source) if source is not None else None
    if earlier:
        taught += "\nThe earlier model's card follows.\n\n" + earlier.replace("\n# ", "\n## ")
    atomic_write_text(card, card.read_text(encoding="utf-8") + taught)
