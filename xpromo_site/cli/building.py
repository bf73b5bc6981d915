"""`xpromo build`, `xpromo check` and `xpromo serve`: the commands that render a program."""

from __future__ import annotations

import signal
import sys
import threading
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from ..errors import (
    FolderError,
    XpromoError,
)
from ..publish.manifest import CACHE_DIR, build_options, up_to_date
from .group import cli
from .options import (
    EXIT_INPUT,
    _check_output,
    _today,
    host_option,
    images_option,
    source_option,
    strict_option,
    today_option,
)
from .printing import (
    _error_count,
    _print_diagnostics,
    _report_up_to_date,
    _summary,
    _TerminalProgress,
)

# The rest is imported where a command needs it: an up-to-date build answers before
# Jinja, Markdown and Pillow are loaded.
if TYPE_CHECKING:
    pass


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
    from ..build import build

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
        from ..build import check

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
        from ..dev.serve import DevServer

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
