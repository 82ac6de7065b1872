"""``t2f info MODEL``: what a model (or run) is, without drawing anything: its facts, then its model
card (the folder's ``README.md``: data, what it can draw, evaluation, limits, training, licence)."""

from __future__ import annotations

import argparse
import json

from core.cli.common import load_model, model_folder


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("info", help="describe a model or run folder")
    parser.add_argument("model", nargs="?", help="model folder or run folder (default: the bundled model)")
    parser.add_argument("--json", action="store_true", help="print JSON (the card's text under \"card\")")
    parser.add_argument("--no-card", action="store_true", help="print the facts only, not the model card")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from core.model.model_card import read_card_text

    model = load_model(args.model, "cpu")
    facts = model.describe()
    facts["architecture"] = model.config.to_dict()
    card = read_card_text(model_folder(args.model))
    if args.json:
        facts["card"] = card
        print(json.dumps(facts, indent=2))
        return 0
    for key, value in facts.items():
        if key != "architecture":
            print(f"{key:>16}: {value:,}" if isinstance(value, int) else f"{key:>16}: {value}")
    arch = facts["architecture"]
    print(f"{'channels':>16}: {arch['channels']}  (4×4 … {arch['resolution']}×{arch['resolution']})")
    print(f"{'latent':>16}: text {arch['ca_dim']} + noise {arch['noise_dim']}")
    if not args.no_card:
        print(f"\n{card.rstrip()}" if card else f"{'model card':>16}: none (a model exported before cards existed)")
    return 0
