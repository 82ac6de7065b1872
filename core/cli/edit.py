"""``t2f edit FACE --set age=old --strength 2 -o out.png``: move a saved face along attribute sliders."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from core.cli.common import add_model_arguments
from core.cli.outputs import MAX_SCALE, image_output, scale_factor


def _amount(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number, got {text!r}") from None
    if not -3.0 <= value <= 3.0:
        raise argparse.ArgumentTypeError(f"must be between -3 and 3, got {text}")
    return value


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "edit", help="move a saved face along attribute sliders (older, smiling, glasses...)",
        description="Open a face file (saved from the app's Refine view or by --save-face), set attribute "
                    "sliders and draw the result. Directions are computed once per model on first use.")
    parser.add_argument("face", type=Path, help="a .t2fface file")
    parser.add_argument("--set", dest="sets", action="append", default=[], metavar="ATTRIBUTE=VALUE",
                        help="push toward this value, e.g. age=old, expression=smiling, eyewear=glasses "
                             "(repeatable; see --list)")
    parser.add_argument("--strength", type=_amount, default=1.0,
                        help="slider position for every --set, -3..3 (default 1; 0 resets it)")
    parser.add_argument("-o", "--output", type=Path, default=Path("face.png"),
                        help="image file: .png, .jpg/.jpeg or .webp (default face.png)")
    parser.add_argument("--scale", type=scale_factor, default=1, help=f"enlarge by 1..{MAX_SCALE} (default 1)")
    parser.add_argument("--save-face", type=Path, metavar="FILE", help="also save the edited face as a face file")
    parser.add_argument("--sheet", type=Path, metavar="PNG", help="also export the composite sheet")
    parser.add_argument("--list", action="store_true", help="list the attributes and values, then exit")
    add_model_arguments(parser)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.cli.common import load_model, model_folder
    from core.cli.errors import CLIError
    from core.image_files import save_image
    from core.io import ModelFileError
    from core.refine import directions_for, load_face, model_id, parse_key, save_face, save_sheet

    if args.list:
        from core.data.synthetic import ATTRIBUTES

        for name, values in ATTRIBUTES.items():
            print(f"{name}: {', '.join(values)}")
        return 0
    keys = []
    for text in args.sets:
        try:
            keys.append("=".join(parse_key(text)))
        except ValueError as error:
            raise CLIError(f"--set {text}: {error}") from None
    output = image_output(args.output)
    try:
        face = load_face(args.face)
    except ModelFileError as error:
        raise CLIError(str(error)) from None
    model = load_model(args.model, args.device)
    ident = model_id(model)
    try:
        warning = face.check_model(model, ident)
    except ValueError as error:
        raise CLIError(str(error)) from None
    if warning:
        print(f"note: {warning}", file=sys.stderr)
    folder = model_folder(args.model)

    def progress(done: int, total: int) -> None:
        print(f"\rfinding attribute directions: {done}/{total} faces", end="" if done < total else "\n",
              file=sys.stderr)

    directions = directions_for(model, folder, progress)
    session = face.refinement(model, directions)
    if keys:
        sliders = session.sliders
        for key in keys:
            sliders[key] = args.strength
        session.set_sliders(sliders)
    image = session.image()
    if args.scale > 1:
        image = image.repeat(args.scale, 0).repeat(args.scale, 1)
    save_image(image, output)
    print(f"saved the face ({', '.join(f'{k} {v:+g}' for k, v in session.sliders.items()) or 'no sliders'}) "
          f"to {output}")
    if args.save_face:
        print(f"saved the face file {save_face(args.save_face, session, ident, folder.name)}")
    if args.sheet:
        print(f"saved the sheet {save_sheet(session, args.sheet)}")
    return 0
