"""The options several commands share, exit codes, and the checks of an output folder."""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..hosts import HOSTS
from ..publish.manifest import built_into, manifest_path
from ..publish.output import refusal

# The rest is imported where a command needs it: an up-to-date build answers before
# Jinja, Markdown and Pillow are loaded.
if TYPE_CHECKING:
    pass


EXIT_INPUT = 1
EXIT_INTERNAL = 70


def _today(value: str | None) -> dt.date:
    """Return the day a command acts as of: --today, else SOURCE_DATE_EPOCH, else the clock.

    The only place xpromo reads the date: builds, checks, the preview server and `new`
    all take their day from here, so one option or variable fixes it everywhere.
    """
    if value is not None:
        try:
            return dt.date.fromisoformat(value)
        except ValueError:
            raise click.BadParameter(
                f"'{value}' is not a date written YYYY-MM-DD", param_hint="'--today'"
            ) from None
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch:
        try:
            return dt.datetime.fromtimestamp(int(epoch), dt.UTC).date()
        except (ValueError, OverflowError):
            raise click.UsageError(
                f"SOURCE_DATE_EPOCH must be a Unix time (got '{epoch}')",
            ) from None
    return dt.date.today()


def _check_output(source: Path, output: Path, cache: Path) -> None:
    """Refuse (usage error) an output folder a build would harm: the program's own folders,
    and any folder holding files xpromo did not write (a build replaces all it holds)."""
    src = source.resolve()
    out = output.resolve()
    if out == src or out in src.parents:
        raise click.BadParameter(
            f"'{output}' holds the program itself; choose a folder of its own, such as public/",
            param_hint="'--output'",
        )
    for protected in ("content", "assets", "themes"):
        if out == src / protected or (src / protected) in out.parents:
            raise click.BadParameter(
                f"'{output}' is inside the program's {protected}/ folder", param_hint="'--output'"
            )
    # the manifest is read only for a folder without the marker (the no-change check
    # reads it anyway, and a large program's manifest is megabytes)
    kept = manifest_path(cache.absolute(), output)
    why = refusal(output, lambda: built_into(kept, output))
    if why is not None:
        raise click.BadParameter(
            f"'{output}' {why}, and a build replaces everything in its output folder; "
            f"choose an empty or new folder, or empty this one first",
            param_hint="'--output'",
        )


source_option = click.option(
    "--source",
    "-s",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder holding partners.yaml and content/.",
)


def _today_option(help_text: str) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """The --today option: the one day every command acts as of (see _today)."""
    return click.option(
        "--today",
        metavar="YYYY-MM-DD",
        help=f"{help_text} (default: SOURCE_DATE_EPOCH, else the current date).",
    )


today_option = _today_option("Build as of this date")
new_today_option = _today_option("Date the new campaign from this day")
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")
host_option = click.option(
    "--host",
    "host",
    type=click.Choice(HOSTS),
    help="Write the files of this static host (default: program.host, else netlify).",
)


images_option = click.option(
    "--images/--no-images",
    default=True,
    show_default=True,
    help="Draw share images and QR codes; --no-images leaves them out of pages and kits "
    "(fast previews of large programs).",
)
