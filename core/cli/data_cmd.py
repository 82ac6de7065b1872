"""``t2f data``: make synthetic datasets, look at datasets, and check what a folder contains.

* ``t2f data synth --n 20000 --out DIR``: synthetic faces written in the generic format;
* ``t2f data preview DIR|synthetic -o sheet.png``: a contact sheet of faces with captions;
* ``t2f data info DIR``: the detected format and the load summary (decodes into the cache).
"""

from __future__ import annotations

import argparse
from pathlib import Path

from core.cli.errors import CLIError


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("data", help="create, preview and inspect training data",
                                   description="Create, preview and inspect training data.")
    parser.set_defaults(func=lambda args: _usage(parser))
    commands = parser.add_subparsers(dest="data_command", metavar="SUBCOMMAND")

    synth = commands.add_parser("synth", help="write synthetic faces in the generic format",
                                description="Render synthetic faces into DIR as PNG files plus captions.jsonl.")
    synth.add_argument("--n", type=_positive, required=True, help="number of faces")
    synth.add_argument("--out", type=Path, required=True, help="output folder")
    synth.add_argument("--resolution", type=_positive, default=128, help="image size in pixels (default 128)")
    synth.add_argument("--seed", type=int, default=0, help="dataset seed (default 0)")
    synth.add_argument("--split", choices=("train", "test", "paraphrase"), default="train",
                       help="which split's images and wording (default train)")
    synth.add_argument("--workers", type=_positive, default=None,
                       help="processes to render with (default: CPUs, at most 8)")
    synth.add_argument("--overwrite", action="store_true", help="replace a dataset already in --out")
    synth.set_defaults(func=_synth)

    preview = commands.add_parser("preview", help="draw a contact sheet of faces with captions",
                                  description="Draw a grid of faces with a caption under each.")
    preview.add_argument("source", help="dataset folder, or 'synthetic' / 'synthetic:N'")
    preview.add_argument("-o", "--output", type=Path, required=True,
                         help="image file to write: .png, .jpg/.jpeg or .webp (the extension picks the format)")
    preview.add_argument("--n", type=_positive, default=64, help="number of faces (default 64)")
    preview.add_argument("--columns", type=_positive, default=8, help="faces per row (default 8)")
    preview.add_argument("--resolution", type=_positive, default=128, help="face resolution (default 128)")
    preview.add_argument("--seed", type=int, default=0, help="synthetic seed (default 0)")
    preview.add_argument("--split", choices=("train", "test", "paraphrase"), default="train",
                         help="synthetic split (default train)")
    preview.add_argument("--cache-dir", type=Path, default=None, help="preprocessing cache folder")
    preview.set_defaults(func=_preview)

    info = commands.add_parser("info", help="show a dataset's format and load summary",
                               description="Detect a folder's format, load it (through the cache) and summarise it.")
    info.add_argument("source", help="dataset folder, or 'synthetic' / 'synthetic:N'")
    info.add_argument("--resolution", type=_positive, default=64, help="training resolution (default 64)")
    info.add_argument("--partition", choices=("train", "val", "test"), default=None,
                      help="CelebA partition (default: all images)")
    info.add_argument("--cache-dir", type=Path, default=None, help="preprocessing cache folder")
    info.add_argument("--verbose", "-v", action="store_true", help="list every skipped or converted file")
    info.set_defaults(func=_info)


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value <= 0:
        raise argparse.ArgumentTypeError(f"expected a positive number, got {value}")
    return value


def _usage(parser: argparse.ArgumentParser) -> int:
    raise CLIError("choose a sub-command: synth, preview or info (see 't2f data --help')")


def _source_spec(source: str) -> str:
    """Validate early so a typo gets a clear message rather than a format-detection error."""
    from core.data.open import parse_synthetic

    if parse_synthetic(source) is None and not Path(source).expanduser().exists():
        raise CLIError(f"{source}: no such file or folder (use 'synthetic' or 'synthetic:N' for generated faces)")
    return source


def _synth(args: argparse.Namespace) -> int:
    from core.data.export import default_workers, export_generic
    from core.data.synthetic import SyntheticFaces

    if args.out.exists() and not args.out.is_dir():
        raise CLIError(f"{args.out}: exists and is not a folder")
    dataset = SyntheticFaces(args.n, resolution=args.resolution, seed=args.seed, split=args.split,
                             memory_cache_mb=0)
    workers = args.workers or default_workers()
    try:
        target = export_generic(dataset, args.out, workers=min(workers, max(1, args.n // 64)), progress=True,
                                overwrite=args.overwrite)
    except FileExistsError as error:
        raise CLIError(f"{error} (pass --overwrite)") from None
    print(f"wrote {args.n} faces ({args.resolution}px, {args.split} split, seed {args.seed}) to {target.parent}")
    return 0


def _preview(args: argparse.Namespace) -> int:
    from core.cli.outputs import image_output
    from core.data.open import peek_dataset
    from core.data.preview import contact_sheet
    from core.image_files import save_image

    source = _source_spec(args.source)
    output = image_output(args.output, make_folder=True)
    dataset = peek_dataset(source, args.resolution, args.n, args.cache_dir, seed=args.seed, split=args.split)
    sheet = contact_sheet(dataset, count=args.n, columns=args.columns, cell=max(128, args.resolution))
    save_image(sheet, output)  # atomically: a failed write never leaves a truncated sheet
    print(f"{dataset.summary.text()}\nwrote a sheet of {min(args.n, len(dataset))} faces to {args.output}")
    return 0


def _info(args: argparse.Namespace) -> int:
    from core.data.open import open_dataset

    source = _source_spec(args.source)
    dataset = open_dataset(source, args.resolution, args.cache_dir, partition=args.partition, progress=True)
    summary = dataset.summary
    fmt = getattr(dataset, "format", None) or "synthetic"
    print(f"format:     {fmt}")
    print(f"summary:    {summary.text()}")
    print(f"resolution: {dataset.resolution}px, {len(dataset)} images")
    labelled = dataset.attributes(0)
    print(f"attributes: {', '.join(sorted(labelled)) if labelled else 'none'}")
    entry = getattr(dataset, "cache_entry", None)
    if entry is not None:
        print(f"cache:      {entry}")
    print(f"example:    {dataset.captions(0)[0]}")
    if args.verbose:
        for line in getattr(summary, "details", lambda: [])():
            print(f"  {line}")
    return 0
