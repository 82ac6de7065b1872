"""``t2f interpolate --from A --to B -o anim.gif``: an animation between two faces."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli.common import add_model_arguments, load_model, non_negative_float, positive_int, seed_value, writable_output
from core.explore import MAX_FRAMES, METHODS, MODES, Endpoint, interpolate, save_gif, save_png


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("interpolate", help="animate between two (description, seed) faces",
                                   description="Interpolate noise, text or both between two faces.")
    parser.add_argument("--from", dest="start", required=True, help="description of the first face")
    parser.add_argument("--to", dest="end", required=True, help="description of the last face")
    parser.add_argument("--seeds", type=seed_value, nargs=2, default=(0, 1), metavar=("A", "B"),
                        help="seeds of the two faces (default 0 1)")
    parser.add_argument("--frames", type=int, default=48, help=f"2..{MAX_FRAMES} (default 48)")
    parser.add_argument("--mode", choices=MODES, default="both", help="what moves (default both)")
    parser.add_argument("--method", choices=METHODS, default="slerp", help="noise path (default slerp)")
    parser.add_argument("--truncation", type=non_negative_float, default=1.0)
    parser.add_argument("--fps", type=positive_int, default=24)
    parser.add_argument("--scale", type=positive_int, default=2, help="enlarge frames (default 2)")
    parser.add_argument("-o", "--output", type=Path, default=Path("interpolation.gif"),
                        help="a .gif, or a folder for PNG frames")
    add_model_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.cli.errors import CLIError

    if not 2 <= args.frames <= MAX_FRAMES:
        raise CLIError(f"--frames must be between 2 and {MAX_FRAMES}, got {args.frames}")
    as_frames = args.output.suffix.lower() != ".gif"
    if as_frames:
        args.output.mkdir(parents=True, exist_ok=True)
    else:
        writable_output(args.output)
    model = load_model(args.model, args.device)
    frames = interpolate(model, Endpoint(args.start, args.seeds[0]), Endpoint(args.end, args.seeds[1]),
                         args.frames, args.mode, args.method, args.truncation)
    if as_frames:
        for i, frame in enumerate(frames):
            save_png(frame, args.output / f"frame_{i:03d}.png")
    else:
        save_gif(frames, args.output, fps=args.fps, scale=args.scale)
    print(f"saved {len(frames)} frames to {args.output}")
    return 0
