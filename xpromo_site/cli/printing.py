"""What the command line prints: diagnostics (text, github, json), summaries, progress."""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import click

from ..errors import (
    Diagnostic,
    Location,
    Severity,
    XpromoError,
    sort_diagnostics,
)
from ..publish.manifest import Manifest

# The rest is imported where a command needs it: an up-to-date build answers before
# Jinja, Markdown and Pillow are loaded.
if TYPE_CHECKING:
    from ..build import BuildReport


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
