"""`xpromo links`: every tracked link of a program, without building."""

from __future__ import annotations

import datetime as dt
import difflib
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import (
    XpromoError,
    printable,
)
from .group import cli
from .options import EXIT_INPUT, _today, source_option, strict_option, today_option
from .printing import _error_count, _print_diagnostics

# The rest is imported where a command needs it: an up-to-date build answers before
# Jinja, Markdown and Pillow are loaded.
if TYPE_CHECKING:
    from ..build import LinksReport
    from ..links import TrackedLink


LINK_FORMATS = ("table", "csv", "json")


def _table(rows: Sequence[TrackedLink]) -> str:
    """Return rows as aligned text columns, the URL last and whole; '-' for no destination."""
    from ..render import LINKS_COLUMNS

    lines = [list(LINKS_COLUMNS)]
    lines += [[printable(getattr(row, column) or "-") for column in LINKS_COLUMNS] for row in rows]
    widths = [max(len(line[i]) for line in lines) for i in range(len(LINKS_COLUMNS) - 1)]
    return "".join(
        "  ".join(cell.ljust(width) for cell, width in zip(line, widths, strict=False))
        + "  "
        + line[-1]
        + "\n"
        for line in lines
    )


def _check_filter(values: Sequence[str], known: Sequence[str], option: str, what: str) -> None:
    """Raise a usage error for the first value not in known, with the closest one as hint."""
    for value in values:
        if value in known:
            continue
        close = difflib.get_close_matches(value, known, 1, 0.6)
        hint = f"did you mean '{close[0]}'?" if close else f"known {what}s: " + ", ".join(known)
        raise click.BadParameter(f"no {what} '{value}' in this program; {hint}", param_hint=option)


def _unpublished_notes(report: LinksReport, campaigns: Sequence[str], day: dt.date) -> list[str]:
    """Say why a campaign asked for has no links on day: it is a draft or scheduled."""
    notes = []
    scheduled = {c.slug: c for c in report.site.scheduled}
    drafts = {c.slug for c in report.site.drafts}
    for slug in campaigns:
        if slug in drafts:
            notes.append(f"note: campaign '{slug}' is a draft, so it has no links")
        elif slug in scheduled:
            starts = scheduled[slug].starts
            notes.append(
                f"note: campaign '{slug}' starts on {starts}, so it has no links on {day}; "
                f"pass --today {starts} to see them"
            )
    return notes


@cli.command("links")
@source_option
@click.option(
    "--campaign",
    "-c",
    "campaigns",
    multiple=True,
    metavar="SLUG",
    help="Only this campaign's links (repeat for more).",
)
@click.option(
    "--partner",
    "-p",
    "partners",
    multiple=True,
    metavar="ID",
    help="Only the links this partner shares: its audience clicks them (repeat for more).",
)
@click.option(
    "--destination",
    "-d",
    "destinations",
    multiple=True,
    metavar="ID",
    help="Only the links that lead to this partner's site (repeat for more).",
)
@click.option(
    "--format",
    "-f",
    "format_",
    type=click.Choice(LINK_FORMATS),
    default="table",
    show_default=True,
    help="table to read, csv and json as in links.csv and links.json.",
)
@today_option
@strict_option
def links_command(
    source: Path,
    campaigns: tuple[str, ...],
    partners: tuple[str, ...],
    destinations: tuple[str, ...],
    format_: str,
    today: str | None,
    strict: bool,
) -> None:
    """Print every tracked link, as links.csv lists them; render and write nothing."""
    from ..build import list_links
    from ..render import links_csv, links_json

    day = _today(today)
    try:
        report = list_links(source, day, strict)
    except XpromoError as error:
        _print_diagnostics(error.diagnostics, source)
        count = _error_count(error)
        click.echo(f"error: {count} problem{'s' * (count != 1)} found", err=True)
        sys.exit(EXIT_INPUT)
    site = report.site
    slugs = sorted(
        [p.campaign.slug for p in site.published]
        + [c.slug for c in site.scheduled]
        + [c.slug for c in site.drafts]
    )
    ids = sorted(p.id for p in site.partners)
    _check_filter(campaigns, slugs, "'--campaign'", "campaign")
    _check_filter(partners, ids, "'--partner'", "partner")
    _check_filter(destinations, ids, "'--destination'", "partner")
    _print_diagnostics(report.warnings, source)
    for note in _unpublished_notes(report, campaigns, day):
        click.echo(note, err=True)
    rows = [
        row
        for row in report.links
        if (not campaigns or row.campaign in campaigns)
        and (not partners or row.audience in partners)
        and (not destinations or row.destination in destinations)
    ]
    formatter = {"table": _table, "csv": links_csv, "json": links_json}[format_]
    click.echo(formatter(rows), nl=False)
