"""``t2f`` entry point: parses the sub-command and turns user errors into one-line messages.

Each sub-command lives in its own module with ``register(subparsers)`` that adds its parser and
sets ``func``; this file only wires them together and handles errors.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import NoReturn

from core.cli.errors import CLIError

SUBCOMMAND_MODULES = ("train", "generate", "interpolate", "info", "data_cmd", "evaluate_cmd")


class OneLineParser(argparse.ArgumentParser):
    """An argument parser whose errors are one line (``--help`` still shows the usage)."""

    def error(self, message: str) -> NoReturn:
        self.exit(2, f"{self.prog}: error: {message} (see --help)\n")


def build_parser() -> argparse.ArgumentParser:
    """The full parser; sub-command modules that are not present are simply absent."""
    import importlib

    parser = OneLineParser(prog="t2f", description="T2F text-to-face: train, generate, explore.")
    parser.add_argument("--debug", action="store_true", help="show full tracebacks on errors")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=OneLineParser)
    for name in SUBCOMMAND_MODULES:
        try:
            module = importlib.import_module(f"core.cli.{name}")
        except ModuleNotFoundError as error:
            if error.name == f"core.cli.{name}":
                continue
            raise
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one command; returns the process exit status."""
    parser = build_parser()
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
