"""``t2f evaluate MODEL``: text-faithfulness, paraphrase robustness, quality and diversity."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from core.cli.common import bounded_int, load_model, writable_output
from core.output_files import OutputPathError, check_output_target

MAX_CAPTIONS = 10_000
MAX_SEEDS = 64
#: Faces held in memory at once for one pass (each is a 64×64 float image, plus the judge's features).
MAX_FACES = 20_000


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("evaluate", help="measure how faithful, good and varied a model's faces are",
                                   description="Judge generated faces with the attribute classifier.")
    parser.add_argument("model", nargs="?", help="model or run folder (default: the bundled model)")
    parser.add_argument("--n", type=bounded_int(1, MAX_CAPTIONS), default=200,
                        help=f"number of held-out captions, 1..{MAX_CAPTIONS:,} (default 200; ignored with --captions)")
    parser.add_argument("--seeds", type=bounded_int(1, MAX_SEEDS), default=4,
                        help=f"faces per caption, 1..{MAX_SEEDS}; diversity needs 2 or more (default 4)")
    parser.add_argument("--captions", type=Path, help='JSONL of {"text": ..., "attributes": {...}} to evaluate')
    parser.add_argument("--json", type=Path, dest="json_path", metavar="REPORT", help="write the report as JSON")
    parser.add_argument("--report", type=Path, metavar="DIR", help="write an HTML/PNG report a person can read")
    parser.add_argument("--judge", type=Path, help="attribute judge folder (default: the bundled judge)")
    parser.add_argument("--no-paraphrase", action="store_true", help="skip the paraphrase split")
    parser.add_argument("--sheet", type=Path, metavar="PNG",
                        help="save 16 captions' real faces beside their generated ones as one PNG")
    parser.add_argument("--no-artefacts", action="store_true",
                        help="skip the artefact measure (a patch detector trained for ~10 s on the CPU)")
    parser.add_argument("--frechet-split", action="store_true",
                        help="split the Fréchet distance into the drawing and the attribute mix (~30 s more)")
    parser.add_argument("--device", default="auto", help="auto, cpu, cuda, cuda:N or mps (default: auto)")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.cli.errors import CLIError
    from core.evaluate.captions import load_caption_file
    from core.evaluate.judge import DEFAULT_JUDGE, AttributeJudge
    from core.evaluate.render import write_report
    from core.evaluate.report import evaluate_model

    _check_outputs(args)
    judge_dir = args.judge or DEFAULT_JUDGE
    if not (judge_dir / "judge.json").is_file():
        raise CLIError(f"no attribute judge in {judge_dir}; train one with `python -m core.evaluate.train_judge`")
    captions = load_caption_file(args.captions) if args.captions else None
    faces = (len(captions) if captions else args.n) * args.seeds
    if faces > MAX_FACES:
        raise CLIError(f"{faces:,} faces is more than one evaluation holds ({MAX_FACES:,}); lower --n or --seeds")
    judge = AttributeJudge.load(judge_dir)
    model = load_model(args.model, args.device)
    report = evaluate_model(model, judge, args.n, args.seeds, captions, with_paraphrase=not args.no_paraphrase,
                            progress=lambda m: print(m, file=sys.stderr), artefacts=not args.no_artefacts,
                            split_frechet=args.frechet_split)
    public = {k: v for k, v in report.items() if not k.startswith("_")}
    print(format_summary(public))
    if args.json_path:
        from core.io import atomic_write_text

        atomic_write_text(args.json_path, json.dumps(public, indent=2) + "\n")
    if args.report:
        print(f"report: {write_report(report, args.report)}")
    if args.sheet:
        from core.evaluate.render import save_side_by_side

        print(f"real beside generated: {save_side_by_side(report, args.sheet)}")
    return 0


def _check_outputs(args: argparse.Namespace) -> None:
    """Refuse output paths that cannot be written before minutes of work, not after."""
    from core.cli.errors import CLIError

    for path in (args.json_path, args.sheet):
        if path:
            writable_output(path)
    if args.report and args.report.exists() and not args.report.is_dir():
        raise CLIError(f"--report {args.report} is a file; give a folder")
    if args.report and not args.report.exists():
        writable_output(args.report)  # its parent must exist and be writable
    report_files = (args.report / "report.json", args.report / "index.html") if args.report else ()
    for path in (args.json_path, args.sheet, *report_files):
        if path:
            try:
                check_output_target(path)  # a device, FIFO or folder in the way is refused now
            except OutputPathError as error:
                raise CLIError(str(error)) from None


def format_summary(report: dict) -> str:
    """The headline numbers as a small table."""
    lines = []
    faith = report["faithfulness"]
    lines.append(f"text-faithfulness (mean over attributes): {faith['mean']:.3f}")
    for name, value in faith["per_attribute"].items():
        extra = []
        for key, label in (("paraphrase", "paraphrase"), ("ceiling_real_faces", "real"),
                           ("floor_shuffled_captions", "shuffled")):
            if key in report and name in report[key]["per_attribute"]:
                extra.append(f"{label} {report[key]['per_attribute'][name]:.3f}")
        lines.append(f"  {name:<12} {value:.3f}   " + "  ".join(extra))
    for key, label in (("faithfulness_as_written", "words as written (no WordNet reading)"),
                       ("paraphrase", "paraphrase split"),
                       ("paraphrase_as_written", "paraphrase split, words as written (no WordNet reading)"),
                       ("fresh_wordings", "fresh wordings (resources/captions; never used to tune the reading)"),
                       ("fresh_wordings_as_written", "fresh wordings, words as written"),
                       ("ceiling_real_faces", "ceiling (real faces)"),
                       ("floor_shuffled_captions", "floor (shuffled captions)")):
        if key in report:
            lines.append(f"{label}: {report[key]['mean']:.3f}")
    if "quality" in report:
        q = report["quality"]
        lines.append(f"Fréchet (judge features): {q['frechet_judge']:.3f}  real-vs-real {q['frechet_real_vs_real']:.3f}"
                     f"  ratio {q['frechet_ratio']:.2f};  KID {q['kid_judge']:.4f} (real {q['kid_real_vs_real']:.4f})")
    if "artefacts" in report:
        a, regions = report["artefacts"], ("eyes", "hair", "anywhere", "mean")
        lines.append("artefacts (a patch detector's accuracy, generated vs real renders of the same attributes; "
                     "0.5 = can't tell):")
        for key, label in (("detector_accuracy", "generated"), ("real_vs_real", "real vs real")):
            lines.append(f"  {label:<13}" + "  ".join(f"{r} {a[key][r]:.3f}" for r in regions))
    if "frechet_split" in report:
        from core.evaluate.frechet_split import format_split

        lines.append("Fréchet split (real faces rendered with the generated faces' own attributes):")
        lines += ["  " + line for line in format_split(report["frechet_split"])]
    d = report["diversity"]
    if d["generated"] is None:
        pass  # explained in the notes below
    elif d.get("real_same_attributes"):
        lines.append(f"diversity: {d['generated']:.3f} vs real {d['real_same_attributes']:.3f} "
                     f"(ratio {d['ratio']:.2f}{', MODE COLLAPSE' if d['mode_collapse'] else ''})")
    else:
        lines.append(f"diversity: {d['generated']:.3f}")
    if "unmentioned_fixed" in d:
        fixed = d["unmentioned_fixed"]
        lines.append(f"attributes a caption leaves unsaid, the same on all its seeds: {fixed['generated']:.0%} "
                     f"(real faces sharing what it says: {fixed['real_same_attributes']:.0%})")
    lines += [f"note: {note}" for note in report.get("notes", [])]
    return "\n".join(lines)
