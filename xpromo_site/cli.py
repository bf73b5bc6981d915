"""The `xpromo` command: parse options, call the library, print diagnostics, exit codes.

Exit codes: 0 success, 1 bad input (located diagnostics printed), 2 usage error,
70 internal error (a bug in xpromo; --debug shows the traceback).
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import sys
import traceback
from collections.abc import Sequence
from pathlib import Path

import click

from . import __version__
from .build import BuildReport, LinksReport, build, check, list_links
from .errors import Diagnostic, XpromoError
from .links import TrackedLink
from .render import LINKS_COLUMNS, links_csv, links_json

EXIT_INPUT = 1
EXIT_INTERNAL = 70
_state = {"debug": False}


def _today(value: str | None) -> dt.date:
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


def _folder(source: Path) -> str:
    text = str(source)
    return "" if text in (".", "") else text


def _print_diagnostics(diagnostics: Sequence[Diagnostic], source: Path) -> None:
    for diagnostic in diagnostics:
        click.echo(diagnostic.format(_folder(source)), err=True)


def _check_output(source: Path, output: Path) -> None:
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


source_option = click.option(
    "--source",
    "-s",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("."),
    show_default=True,
    help="Folder holding partners.yaml and content/.",
)
today_option = click.option(
    "--today",
    metavar="YYYY-MM-DD",
    help="Build as of this date (default: SOURCE_DATE_EPOCH, else the current date).",
)
strict_option = click.option("--strict", is_flag=True, help="Treat warnings as errors.")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xpromo")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def cli(debug: bool) -> None:
    """Build co-branded cross-promotion sites with tracked links."""
    _state["debug"] = debug


def _summary(report: BuildReport, verb: str, where: str) -> str:
    site = report.site
    counts = (
        f"{len(site.live)} live, {len(site.ended)} ended, {len(site.scheduled)} "
        f"scheduled, {len(site.drafts)} draft"
    )
    total = sum(report.timings.values())
    campaigns = len(site.published) + len(site.scheduled) + len(site.drafts)
    return (
        f"{verb} {report.pages} pages ({len(report.files)} files) for "
        f"{len(site.partners)} partners and {campaigns} campaigns ({counts}){where} "
        f"in {total:.2f}s"
    )


@cli.command("build")
@source_option
@click.option(
    "--output",
    "-o",
    type=click.Path(file_okay=False, path_type=Path),
    help="Where to write the site (default: public/ in the source folder).",
)
@today_option
@strict_option
def build_command(source: Path, output: Path | None, today: str | None, strict: bool) -> None:
    """Build the site into the output folder; on any error the old output stays as it was."""
    output = output if output is not None else source / "public"
    _check_output(source, output)
    day = _today(today)
    try:
        report = build(source, output, day, strict)
    except XpromoError as error:
        _print_diagnostics(error.diagnostics, source)
        count = len(error.diagnostics)
        click.echo(
            f"error: {count} problem{'s' * (count != 1)} found; {output}/ was left as it was",
            err=True,
        )
        sys.exit(EXIT_INPUT)
    _print_diagnostics(report.warnings, source)
    click.echo(_summary(report, "Built", f" into {output}/"))


@cli.command("check")
@source_option
@today_option
@strict_option
def check_command(source: Path, today: str | None, strict: bool) -> None:
    """Validate the program and render it in memory; write nothing."""
    day = _today(today)
    try:
        report = check(source, day, strict)
    except XpromoError as error:
        _print_diagnostics(error.diagnostics, source)
        count = len(error.diagnostics)
        click.echo(f"error: {count} problem{'s' * (count != 1)} found", err=True)
        sys.exit(EXIT_INPUT)
    _print_diagnostics(report.warnings, source)
    click.echo(_summary(report, "Checked", ""))


LINK_FORMATS = ("table", "csv", "json")


def _table(rows: Sequence[TrackedLink]) -> str:
    """Return rows as aligned text columns, the URL last and whole; '-' for no destination."""
    lines = [list(LINKS_COLUMNS)]
    lines += [[getattr(row, column) or "-" for column in LINKS_COLUMNS] for row in rows]
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
    day = _today(today)
    try:
        report = list_links(source, day, strict)
    except XpromoError as error:
        _print_diagnostics(error.diagnostics, source)
        count = len(error.diagnostics)
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


def main(argv: Sequence[str] | None = None) -> None:
    """Run the command line; never lets a traceback reach the user unless --debug."""
    try:
        cli.main(
            args=list(argv) if argv is not None else None, prog_name="xpromo", standalone_mode=True
        )
    except SystemExit:
        raise
    except Exception as error:  # a bug in xpromo, not bad input
        if _state["debug"]:
            traceback.print_exc()
        click.echo(
            f"xpromo: internal error: {type(error).__name__}: {error} "
            "(run with --debug for the traceback, and please report it)",
            err=True,
        )
        sys.exit(EXIT_INTERNAL)
