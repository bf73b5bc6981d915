"""The `xpromo` command: parse options, call the library, print diagnostics, exit codes.

Exit codes: 0 success, 1 bad input (located diagnostics printed), 2 usage error,
70 internal error (a bug in xpromo; --debug shows the traceback).
"""

from __future__ import annotations

import datetime as dt
import difflib
import json
import os
import signal
import sys
import threading
import time
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from . import __version__
from .errors import (
    Diagnostic,
    FolderError,
    Location,
    Severity,
    XpromoError,
    printable,
    sort_diagnostics,
)
from .hosts import HOSTS
from .manifest import CACHE_DIR, Manifest, build_options, manifest_path, up_to_date
from .manifest import load as load_manifest
from .models import CAMPAIGN_TYPES
from .output import refusal

# The rest is imported where a command needs it: an up-to-date build answers before
# Jinja, Markdown and Pillow are loaded.
if TYPE_CHECKING:
    from .build import BuildReport, LinksReport
    from .links import TrackedLink

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


def _error_count(error: XpromoError) -> int:
    """The problems that failed the run: its errors (its warnings are printed too)."""
    return sum(1 for d in error.diagnostics if d.severity is Severity.ERROR)


def _folder(source: Path) -> str:
    text = str(source)
    return "" if text in (".", "") else text


def _print_diagnostics(
    diagnostics: Sequence[Diagnostic], source: Path, style: str = "text"
) -> None:
    """Print diagnostics: text to stderr; github workflow commands or JSON to stdout."""
    folder = _folder(source)
    diagnostics = sort_diagnostics(diagnostics)
    if style == "json":
        data = [d.to_dict(folder) for d in diagnostics]
        click.echo(json.dumps({"diagnostics": data}, indent=2))
        return
    for diagnostic in diagnostics:
        if style == "github":
            click.echo(diagnostic.format_github(folder))
        else:
            click.echo(_colour(diagnostic.format(folder)), err=True, color=_use_colour())


_COLOURS = {": error: ": "red", ": warning: ": "yellow"}


def _use_colour() -> bool:
    """Colour only on a terminal, and never when NO_COLOR is set (no-color.org)."""
    return "NO_COLOR" not in os.environ and sys.stderr.isatty()


def _colour(text: str) -> str:
    """Mark the severity and the hint of a formatted diagnostic with ANSI colours."""
    for marker, colour in _COLOURS.items():
        if marker in text:
            head, _, rest = text.partition(marker)
            text = head + ": " + click.style(marker.strip(" :"), fg=colour, bold=True) + ": "
            text += rest
            break
    return text.replace("\n  hint: ", "\n  " + click.style("hint:", fg="cyan") + " ")


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
    last = load_manifest(manifest_path(cache.absolute(), output))
    why = refusal(output, last is not None and last.output == str(output.absolute()))
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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="xpromo")
@click.option("--debug", is_flag=True, help="Show tracebacks of internal errors.")
def cli(debug: bool) -> None:
    """Build co-branded cross-promotion sites with tracked links."""
    # --debug is read by main, which prints the traceback of an internal error


def _summary(report: BuildReport, verb: str, where: str, verbose: bool) -> str:
    """Return what the build did: pages and campaigns, then files, links and warnings."""
    site = report.site
    campaigns = len(site.published) + len(site.scheduled) + len(site.drafts)
    total = sum(report.timings.values())
    links = sum(1 for link in site.unique_links() if link.destination or link.placement == "share")
    warnings = len(report.warnings)
    lines = [
        f"{verb} {report.pages} pages{where} in {total:.2f}s: {campaigns} "
        f"campaign{'s' * (campaigns != 1)} ({len(site.live)} live, {len(site.ended)} ended, "
        f"{len(site.scheduled)} scheduled, {len(site.drafts)} draft) of "
        f"{len(site.partners)} partners",
        f"  {len(report.files)} files, {report.image_files} images, {links} tracked links, "
        + (f"{warnings} warning{'s' * (warnings != 1)}" if warnings else "no warnings"),
    ]
    images = _images_line(report)
    if images:
        lines.append(f"  {images}")
    if verbose:
        phases = ", ".join(f"{name} {seconds:.3f}s" for name, seconds in report.timings.items())
        lines.append(f"  phases: {phases}")
        discarded = report.images.discarded
        if discarded:
            count = len(discarded)
            lines.append(
                f"  image cache: {count} damaged entr{'ies' if count != 1 else 'y'} "
                f"discarded and made again: {', '.join(_short(n) for n in discarded[:4])}"
                + (f" and {count - 4} more" if count > 4 else "")
            )
    return "\n".join(lines)


def _short(entry: str) -> str:
    """Return a cache entry's name as `share/0dc6b9ca1831….png`: its kind and key."""
    kind, _, name = entry.partition("/")
    stem, dot, suffix = name.rpartition(".")
    return f"{kind}/{stem[:12]}…{dot}{suffix}" if len(stem) > 12 else entry


class _TerminalProgress:
    """Draws a progress line on a terminal once a build has taken more than a second."""

    DELAY = 1.0

    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.started = time.monotonic()
        self.name = ""
        self.total = 0
        self.done = 0
        self.drawn = 0.0

    def phase(self, name: str, total: int) -> None:
        self.name, self.total, self.done = name, total, 0
        self._draw()

    def advance(self, steps: int) -> None:
        self.done += steps
        self._draw()

    def note(self, text: str) -> None:
        if self.drawn:
            click.echo("\r\x1b[2K", err=True, nl=False, color=True)
        click.echo(text, err=True)

    def _draw(self) -> None:
        now = time.monotonic()
        if not self.enabled or now - self.started < self.DELAY or now - self.drawn < 0.1:
            return
        self.drawn = now
        count = f" {self.done:,}/{self.total:,}" if self.total else ""
        click.echo(f"\r\x1b[2K{self.name}{count}", err=True, nl=False, color=True)

    def close(self) -> None:
        if self.drawn:
            click.echo("\r\x1b[2K", err=True, nl=False, color=True)


def _images_line(report: BuildReport) -> str | None:
    stats = report.images
    if not (stats.drawn + stats.reused + stats.qr_made + stats.qr_reused):
        return None
    rate = f" ({stats.per_second:.1f} images/s)" if stats.per_second else ""
    return (
        f"share images: {stats.drawn} drawn{rate}, {stats.reused} reused from the cache; "
        f"QR codes: {stats.qr_made} made, {stats.qr_reused} reused"
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
@host_option
@click.option("--quiet", "-q", is_flag=True, help="Print only warnings and errors.")
@click.option("--verbose", "-v", is_flag=True, help="Also print the time of each phase.")
@images_option
@click.option("--force", is_flag=True, help="Build even when nothing changed since the last build.")
def build_command(
    source: Path,
    output: Path | None,
    today: str | None,
    strict: bool,
    host: str | None,
    quiet: bool,
    verbose: bool,
    images: bool,
    force: bool,
) -> None:
    """Build the site into the output folder; on any error the old output stays as it was."""
    started = time.perf_counter()
    output = output if output is not None else source / "public"
    _check_output(source, output, source / CACHE_DIR)
    day = _today(today)
    if not force:
        options = build_options(strict, host, images)
        unchanged = up_to_date(source, output, source / CACHE_DIR, options, day)
        if unchanged is not None:
            _report_up_to_date(unchanged, source, output, quiet, time.perf_counter() - started)
            return
    from .build import build

    progress = _TerminalProgress(enabled=not quiet and sys.stderr.isatty())
    try:
        report = build(source, output, day, strict, host, progress, images=images)
    except XpromoError as error:
        progress.close()
        _print_diagnostics(error.diagnostics, source)
        count = _error_count(error)
        click.echo(
            f"error: {count} problem{'s' * (count != 1)} found; {output}/ was left as it was",
            err=True,
        )
        sys.exit(EXIT_INPUT)
    except FolderError as error:
        progress.close()
        click.echo(error.format(), err=True)
        click.echo(f"error: the build stopped; {output}/ was left as it was", err=True)
        sys.exit(EXIT_INPUT)
    progress.close()
    _print_diagnostics(report.warnings, source)
    if not quiet:
        click.echo(_summary(report, "Built", f" into {output}/", verbose))


def _report_up_to_date(
    manifest: Manifest, source: Path, output: Path, quiet: bool, seconds: float
) -> None:
    """Print the last build's warnings again and say that nothing needed building."""
    warnings = [
        Diagnostic(
            Location(str(d["path"]), int(d["line"]), int(d["col"])),
            str(d["message"]),
            None if d["hint"] is None else str(d["hint"]),
            Severity(d["severity"]),
        )
        for d in manifest.report["warnings"]
    ]
    _print_diagnostics(warnings, source)
    if not quiet:
        pages = manifest.report["pages"]
        click.echo(
            f"Up to date: {pages} pages in {output}/ in {seconds:.2f}s; no input, option or "
            "campaign status changed since the last build (--force builds anyway)"
        )


@cli.command("check")
@source_option
@today_option
@strict_option
@host_option
@click.option(
    "--format",
    "style",
    type=click.Choice(["text", "json", "github"]),
    default="text",
    show_default=True,
    help="text for people; json for tools; github to annotate pull requests in Actions.",
)
@images_option
def check_command(
    source: Path, today: str | None, strict: bool, host: str | None, style: str, images: bool
) -> None:
    """Validate the program and render it in memory; write nothing."""
    day = _today(today)
    try:
        from .build import check

        report = check(source, day, strict, host, images=images)
    except XpromoError as error:
        _print_diagnostics(error.diagnostics, source, style)
        count = _error_count(error)
        click.echo(f"error: {count} problem{'s' * (count != 1)} found", err=True)
        sys.exit(EXIT_INPUT)
    _print_diagnostics(report.warnings, source, style)
    if style == "text":
        click.echo(_summary(report, "Checked", "", verbose=False))


@cli.command("serve")
@source_option
@click.option(
    "--bind",
    "-b",
    "bind",
    default="127.0.0.1",
    show_default=True,
    help="Address to listen on (0.0.0.0 for every interface).",
)
@click.option(
    "--host",
    "old_bind",
    default=None,
    hidden=True,
    help="Deprecated spelling of --bind: --host names the static host in build and check.",
)
@click.option(
    "--port",
    "-p",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help="Port to listen on (0 picks a free one).",
)
@today_option
def serve_command(
    source: Path, bind: str, old_bind: str | None, port: int, today: str | None
) -> None:
    """Preview the site: build, serve, rebuild on save and reload open pages."""
    if old_bind is not None:
        click.echo(
            "warning: 'xpromo serve --host' is deprecated: write --bind "
            f"{old_bind} (--host names the static host in build and check)",
            err=True,
        )
        bind = old_bind
    host = bind
    day = _today(today) if today else None
    try:
        from .serve import DevServer

        server = DevServer(
            source,
            lambda: day or _today(None),
            host,
            port,
            echo=lambda text: click.echo(text, err=True),
        )
    except OSError as error:
        raise click.UsageError(f"cannot listen on {host}:{port}: {error.strerror}") from None
    previous = _stop_on_sigterm()
    try:
        server.start()
        click.echo(
            f"Serving {source}/ on {server.url} (every variant: {server.url}__xpromo__/); "
            "press Ctrl+C to stop."
        )
        threading.Event().wait()  # until Ctrl+C or SIGTERM
    except (KeyboardInterrupt, _Terminated):
        click.echo("Stopped.")
    finally:
        if previous is not None:  # a second SIGTERM must not cut the cleanup short
            signal.signal(signal.SIGTERM, signal.SIG_IGN)
        server.stop()  # removes the private build folder
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


class _Terminated(BaseException):
    """SIGTERM arrived: stop like Ctrl+C. Not an Exception, so no handler swallows it."""


def _raise_terminated(_signum: int, _frame: object) -> None:
    raise _Terminated


def _stop_on_sigterm() -> Any:
    """Make SIGTERM stop the server as Ctrl+C does; the handler it replaced, or None."""
    if threading.current_thread() is not threading.main_thread():
        return None  # only the main thread may set signal handlers
    return signal.signal(signal.SIGTERM, _raise_terminated)


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
    from .editor_schema import schemas
    from .scaffold import SCHEMA_DIR

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
    from .editor_schema import schemas
    from .scaffold import ScaffoldError, new_program

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
    from .scaffold import ScaffoldError, new_campaign

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
    from .scaffold import ScaffoldError, new_partner

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


LINK_FORMATS = ("table", "csv", "json")


def _table(rows: Sequence[TrackedLink]) -> str:
    """Return rows as aligned text columns, the URL last and whole; '-' for no destination."""
    from .render import LINKS_COLUMNS

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
    from .build import list_links
    from .render import links_csv, links_json

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
