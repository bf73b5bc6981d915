"""The `xpromo` command: parse options, call the library, print diagnostics, exit codes.

The commands live in modules by what they do (`building`: build, check, serve;
`scaffolding`: new, schema; `linking`: links), on the group in `group`, with the
shared options in `options` and everything printed in `printing`.

Exit codes: 0 success, 1 bad input (located diagnostics printed), 2 usage error,
70 internal error (a bug in xpromo; --debug shows the traceback).
"""

from __future__ import annotations

import sys
import traceback
from collections.abc import Sequence

import click

from . import building, linking, scaffolding  # noqa: F401  (importing them registers their commands)
from .group import cli
from .options import EXIT_INTERNAL

__all__ = ["cli", "main"]


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; never lets a traceback reach the user unless --debug."""
    args = list(argv) if argv is not None else sys.argv[1:]
    try:
        cli.main(args=args, prog_name="xpromo", standalone_mode=True)
    except SystemExit:
        raise
    except Exception as error:  # a bug in xpromo, not bad input
        if _debug(args):
            traceback.print_exc()
        click.echo(
            f"xpromo: internal error: {type(error).__name__}: {error} "
            "(run with --debug for the traceback, and please report it)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)


def _debug(args: Sequence[str]) -> bool:
    """True when --debug stands among the options before the command (the group's own)."""
    for arg in args:
        if arg == "--debug":
            return True
        if not arg.startswith("-"):
            return False
    return False
