"""``t2f`` entry point: parses the sub-command and turns user errors into one-line messages.

Each sub-command lives in its own module with ``register(subparsers)`` that adds its parser and
sets ``func``; this file only wires them together and handles errors. Only the chosen command's
module is imported (the others appear in ``t2f --help`` by name and summary), and a command module
imports torch inside ``run``, never at the top: ``--help`` and a mistyped option answer at once.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from core.cli.errors import CLIError

#: command name → (module in core.cli, the one-line summary ``t2f --help`` shows without importing it).
#: Each summary is the ``help=`` its module registers (a test keeps them equal).
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "train": ("train", "train a model (or resume a run)"),
    "train-text": ("train_text", "teach a model to read people's descriptions (a new text encoder, same faces)"),
    "generate": ("generate", "draw faces from a description"),
    "edit": ("edit", "move a saved face along attribute sliders (older, smiling, glasses...)"),
    "interpolate": ("interpolate", "animate between two (description, seed) faces"),
    "info": ("info", "describe a model or run folder"),
    "data": ("data_cmd", "create, preview and inspect training data"),
    "evaluate": ("evaluate_cmd", "measure how faithful, good and varied a model's faces are"),
    "doctor": ("doctor", "check this machine: Python, torch, device, Qt's system libraries, the bundled model"),
}


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``--help`` still shows the usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser(command: str | None = None) -> argparse.ArgumentParser:
    """The parser; with ``command``, only that command's module is imported and the others are
    name-and-summary stubs. Sub-command modules that are not present are simply absent."""
    import importlib

    parser = OneLineParser(prog="t2f", description="T2F text-to-face: train, generate, explore.")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name, (module_name, summary) in SUBCOMMANDS.items():
        if command is not None and name != command:
            subparsers.add_parser(name, help=summary)
            continue
        try:
            module = importlib.import_module(f"core.cli.{module_name}")
        except ModuleNotFoundError as error:
            if error.name == f"core.cli.{module_name}":
                continue
            raise
        module.register(subparsers)
    return parser


def chosen_command(argv: Sequence[str]) -> str:
    """The sub-command ``argv`` names (its first word that is not an option), or "" for none."""
    return next((word for word in argv if not word.startswith("-")), "")


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit status."""
    argv = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser(chosen_command(argv))
    args = parser.parse_args(argv)
    if not getattr(args, "func", None):
        parser.print_help()
        return 2
    try:
        return int(args.func(args) or 0)
    except KeyboardInterrupt:
        print("t2f: interrupted", file=sys.stderr)
        return 130
    except (CLIError, ValueError, FileNotFoundError, PermissionError, IsADirectoryError) as error:
        if args.debug:
            raise
        print(f"t2f {args.command}: error: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
