"""`xpromo new` and `xpromo schema`: start a program, add campaigns and partners, write
editor schemas."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import (
    XpromoError,
)
from ..models import CAMPAIGN_TYPES
from .group import cli
from .options import EXIT_INPUT, _today, new_today_option, source_option
from .printing import _print_diagnostics

# The rest is imported where a command needs it: an up-to-date build answers before
# Jinja, Markdown and Pillow are loaded.
if TYPE_CHECKING:
    pass


@cli.command("schema")
@source_option
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder for the schema files (default: schemas/ in the source folder).",
)
def schema_command(source: Path, output: Path | None) -> None:
    """Write JSON Schemas of partners.yaml and front matter, for editors."""
    from ..dev.editor_schema import schemas
    from ..dev.scaffold import SCHEMA_DIR

    folder = output if output is not None else source / SCHEMA_DIR
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in schemas().items():
        (folder / name).write_text(text, encoding="utf-8")
        click.echo(f"Wrote {folder / name}")


@cli.group("new")
def new_group() -> None:
    """Start a program, or add a campaign or a partner, with every field commented."""


@new_group.command("program")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@new_today_option
def new_program_command(folder: Path, today: str | None) -> None:
    """Write a small program that builds at once into FOLDER (its campaign starts today)."""
    from ..dev.editor_schema import schemas
    from ..dev.scaffold import ScaffoldError, new_program

    try:
        written = new_program(folder, _today(today), schemas())
    except ScaffoldError as error:
        raise click.UsageError(str(error)) from None
    click.echo(f"Wrote {len(written)} files into {folder}/. Next: cd {folder} && xpromo serve")


@new_group.command("campaign")
@source_option
@click.argument("slug")
@click.option(
    "--partners",
    "partner_ids",
    required=True,
    metavar="ID,ID",
    help="Two or more partner ids, comma-separated.",
)
@click.option(
    "--type",
    "kind",
    type=click.Choice(CAMPAIGN_TYPES),
    default="content",
    show_default=True,
    help="The campaign type.",
)
@new_today_option
def new_campaign_command(
    source: Path, slug: str, partner_ids: str, kind: str, today: str | None
) -> None:
    """Add content/campaigns/SLUG.md, a draft with every field commented."""
    ids = [p.strip() for p in partner_ids.split(",") if p.strip()]
    from ..dev.scaffold import ScaffoldError, new_campaign

    try:
        path = new_campaign(source, slug, ids, kind, _today(today))
    except ScaffoldError as error:
        raise click.UsageError(str(error)) from None
    except XpromoError as error:
        _print_diagnostics(error.diagnostics, source)
        sys.exit(EXIT_INPUT)
    click.echo(f"Wrote {path} (a draft: set draft: false to publish it)")


@new_group.command("partner")
@source_option
@click.argument("partner_id", metavar="ID")
@click.option("--name", help="The brand's name (default: from the id).")
@click.option("--website", help="The brand's website (default: https://ID.example).")
def new_partner_command(
    source: Path, partner_id: str, name: str | None, website: str | None
) -> None:
    """Add a partner to partners.yaml, with a placeholder logo."""
    from ..dev.scaffold import ScaffoldError, new_partner

    try:
        logo = new_partner(source, partner_id, name, website)
    except ScaffoldError as error:
        raise click.UsageError(str(error)) from None
    except XpromoError as error:
        _print_diagnostics(error.diagnostics, source)
        sys.exit(EXIT_INPUT)
    click.echo(
        f"Added '{partner_id}' to {source / 'partners.yaml'} and wrote {logo}; "
        "replace the logo and colours with the partner's brand kit."
    )
