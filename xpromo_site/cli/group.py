"""The `xpromo` command group, which the command modules register with."""

from __future__ import annotations

from typing import TYPE_CHECKING

import click

from .. import __version__

# The rest is imported where a command needs it: an up-to-date build answers before
# Jinja, Markdown and Pillow are loaded.
if TYPE_CHECKING:
    pass


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xpromo")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def cli(debug: bool) -> None:
    """Build co-branded cross-promotion sites with tracked links."""
    # --debug is read by main, which prints the traceback of an internal error
