"""``t2f interpolate --from A --to B -o anim.gif``: an animation between two faces."""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli.common import add_model_arguments, load_model, non_negative_float, positive_int, seed_value
from core.cli.outputs import MAX_SCALE, animation_output, scale_factor
from core.explore_options import MAX_FRAMES, METHODS, MODES


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
    parser.add_argument("--scale", type=scale_factor, default=2,
                        help=f"enlarge the frames of an animation, 1..{MAX_SCALE} (default 2)")
    parser.add_argument("-o", "--output", type=Path, default=Path("interpolation.gif"),
                        help="an animation: .gif, .png (animated PNG) or .webp (animated WebP); or a folder "
                             "(an existing one, or a name without an extension) for one PNG per frame, "
                             "frame_000.png …. Video files such as .mp4 are not written "
                             "(default interpolation.gif)")
    add_model_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.explore import Endpoint, interpolate, save_png
    from core.image_files import check_animation_size, encode_animation
    from core.io import atomic_write_bytes

    from core.cli.errors import CLIError

    if not 2 <= args.frames <= MAX_FRAMES:
        raise CLIError(f"--frames must be between 2 and {MAX_FRAMES}, got {args.frames}")
    fmt = animation_output(args.output)
    model = load_model(args.model, args.device)
    check_animation_size(args.frames, model.info.resolution * (args.scale if fmt else 1))
    frames = interpolate(model, Endpoint(args.start, args.seeds[0]), Endpoint(args.end, args.seeds[1]),
                         args.frames, args.mode, args.method, args.truncation)
    if fmt is None:
        args.output.mkdir(parents=True, exist_ok=True)
        for i, frame in enumerate(frames):
            save_png(frame, args.output / f"frame_{i:03d}.png")
        print(f"saved {len(frames)} frames as PNG files in the folder {args.output}")
    else:
        atomic_write_bytes(args.output, encode_animation(frames, fmt, fps=args.fps, scale=args.scale))
        print(f"saved {len(frames)} frames to {args.output}")
    return 0
