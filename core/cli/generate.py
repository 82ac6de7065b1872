"""``t2f generate "text" -o face.png``: draw faces for one description."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli.common import add_model_arguments, load_model, non_negative_float, seed_value
from core.cli.outputs import MAX_SCALE, image_output, scale_factor

MAX_FACES = 256


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("generate", help="draw faces from a description",
                                   description="Draw N faces for a description; several faces are saved as one grid.")
    parser.add_argument("text", nargs="?", default=None, help='the description (use "" for none)')
    parser.add_argument("--face", type=Path, metavar="FILE",
                        help="draw a saved face file (.t2fface) instead of a description")
    parser.add_argument("-o", "--output", type=Path, default=Path("face.png"),
                        help="image file; the extension picks the format: .png, .jpg/.jpeg or .webp "
                             "(default face.png)")
    parser.add_argument("--seed", type=seed_value, default=0, help="first seed; face i uses seed+i (default 0)")
    parser.add_argument("--n", type=int, default=1, help=f"number of faces, 1..{MAX_FACES} (default 1)")
    parser.add_argument("--truncation", type=non_negative_float, default=1.0,
                        help="noise scale ψ ≥ 0: lower is more typical, higher more varied (default 1)")
    parser.add_argument("--text-variation", action="store_true",
                        help="also sample the text condition (default: use its mean)")
    parser.add_argument("--scale", type=scale_factor, default=1,
                        help=f"enlarge the saved image by this factor, 1..{MAX_SCALE} (default 1)")
    add_model_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.explore import grid_array
    from core.image_files import check_picture_size, save_image

    from core.cli.errors import CLIError
    from core.model.t2f import MAX_SEED

    if not 1 <= args.n <= MAX_FACES:
        raise CLIError(f"--n must be between 1 and {MAX_FACES}, got {args.n}")
    if args.seed + args.n - 1 > MAX_SEED:
        raise CLIError(f"seeds {args.seed}..{args.seed + args.n - 1} exceed the largest seed {MAX_SEED}")
    output = image_output(args.output)
    if (args.face is None) == (args.text is None):
        raise CLIError("give a description or --face FILE (one of them)")
    model = load_model(args.model, args.device)
    if args.face is not None:
        return draw_face_file(model, args.face, output, args.scale)
    if model.tokenizer.is_empty(args.text):
        print("note: empty description — drawing from the learned 'no description' embedding", file=sys.stderr)
    elif reading := model.read(args.text).describe():
        print(f"note: {reading}", file=sys.stderr)
    seeds = list(range(args.seed, args.seed + args.n))
    images = model.generate(args.text, seeds, truncation=args.truncation, text_variation=args.text_variation)
    picture = images[0] if args.n == 1 else grid_array(images)
    try:
        check_picture_size(picture.shape[1] * args.scale, picture.shape[0] * args.scale)
    except ValueError as error:
        raise CLIError(str(error)) from None
    if args.scale > 1:
        picture = picture.repeat(args.scale, axis=0).repeat(args.scale, axis=1)
    save_image(picture, output)
    print(f"saved {args.n} face(s) at {images.shape[1]}×{images.shape[2]} to {output}")
    return 0


def draw_face_file(model, path: Path, output: Path, scale: int = 1) -> int:  # noqa: ANN001
    """``--face``: render the drawn latent stored in a face file (no directions needed), exactly."""
    import torch

    from core.cli.errors import CLIError
    from core.image_files import save_image
    from core.io import ModelFileError
    from core.model.t2f import to_uint8
    from core.refine import load_face, model_id

    try:
        face = load_face(path)
        warning = face.check_model(model, model_id(model))
    except (ModelFileError, ValueError) as error:
        raise CLIError(str(error)) from None
    if warning:
        print(f"note: {warning}", file=sys.stderr)
    with torch.inference_mode():
        image = to_uint8(model.synthesize(face.latent[None].to(model.device)))[0]
    if scale > 1:
        image = image.repeat(scale, 0).repeat(scale, 1)
    save_image(image, output)
    print(f"saved the face of {path.name} ({image.shape[0]}×{image.shape[1]}) to {output}")
    return 0
