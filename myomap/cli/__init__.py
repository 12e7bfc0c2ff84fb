"""The ``myomap`` command: a small dispatcher over subcommand modules.

Each module in ``COMMAND_MODULES`` offers ``register(subparsers)``, which adds its
subcommands and sets ``handler`` (``(args) -> int``) as a parser default. A module that
needs Django imports it inside its handler, so the knowledge queries never load it.
"""

from __future__ import annotations

import argparse
import importlib
import os
import sys
from collections.abc import Sequence

COMMAND_MODULES: tuple[str, ...] = (
    "myomap.cli.app",
    "myomap.cli.knowledge",
    "myomap.cli.screening",
    "myomap.cli.posture",
    "myomap.cli.score",
    "myomap.cli.notes",
    "myomap.cli.data",
    "myomap.cli.imports",
    "myomap.cli.transfer",
    "myomap.cli.reminders",
)
"""Modules that register subcommands, in the order their commands are listed."""


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="myomap",
        description="Myomap: neuromuscular therapy knowledge queries and clinic tools.",
    )
    subparsers = parser.add_subparsers(title="commands", metavar="COMMAND")
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run one subcommand; returns the exit code (2 for bad input)."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exit_:
        return exit_.code if isinstance(exit_.code, int) else 2
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help(sys.stderr)
        return 2
    try:
        code: int = handler(args)
    except BrokenPipeError:
        # The reader stopped early (``myomap muscle QL | head``): not an error of ours.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0
    return code


if __name__ == "__main__":
    sys.exit(main())
