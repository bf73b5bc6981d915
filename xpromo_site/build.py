"""Orchestration: load → validate → assemble → images → render → publish, each phase timed.

`check` runs the same pipeline, rendering included, and writes nothing (it reads
the image cache but never adds to it).
"""

from __future__ import annotations

import datetime as dt
import os
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Protocol

from .enablement import qr_requests
from .errors import (
    ENVIRONMENT_ERRNOS,
    Diagnostic,
    FolderError,
    XpromoError,
)
from .images import PreparedImage
from .inputs import Inputs, load_inputs
from .limits import read_file, recording
from .links import TrackedLink
from .publish.imagecache import CACHE_DIR, ImageCache, ImageStats
from .publish.manifest import (
    Manifest,
    build_options,
    code_fingerprint,
    files_read,
    filesystem_now,
    forget,
    manifest_path,
    scan_inputs,
    skipped_folders,
)
from .publish.manifest import load as load_manifest
from .publish.manifest import save as save_manifest
from .publish.output import (
    MARKER,
    MARKER_TEXT,
    Entry,
    Record,
    Stage,
    discard,
    lock,
    prepare,
    publish,
    survey,
)
from .qrcodes import QrCode, QrRequest
from .render import (
    Drawn,
    Memory,
    OutputFile,
    RenderInputs,
    Sink,
    Target,
    plan_share_images,
    render_site,
)
from .site import Site, assemble, lifecycle_warnings, status_window
from .themes import load_theme
from .workers import worker_count

MIN_PAGES_PER_WORKER = 400  # below this, starting workers costs more than it saves


@dataclass
class BuildReport:
    """What a build or check did: the site, the files, warnings and phase times."""

    site: Site
    files: Sequence[OutputFile | Record]  # check: with their bytes; build: as written
    warnings: tuple[Diagnostic, ...]
    timings: dict[str, float] = field(default_factory=dict)
    written: int = 0
    images: ImageStats = field(default_factory=ImageStats)

    @property
    def pages(self) -> int:
        return sum(1 for f in self.files if f.path.rpartition("/")[2] in ("index.html", "404.html"))

    @property
    def image_files(self) -> int:
        suffixes = (".svg", ".png", ".jpg", ".jpeg", ".webp", ".gif", ".avif")
        return sum(1 for f in self.files if f.path.endswith(suffixes))


@contextmanager
def _timed(timings: dict[str, float], phase: str) -> Iterator[None]:
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[phase] = time.perf_counter() - start


class Reporter(Protocol):
    """Receives progress from a build; the command line draws it, tests record it."""

    def phase(self, name: str, total: int) -> None:
        """A phase starts; total is its number of steps (0 when unknown)."""

    def advance(self, steps: int) -> None:
        """steps more steps of the current phase are done."""

    def note(self, text: str) -> None:
        """Something the user should know while the build runs (it waits for another)."""


class NullReporter:
    """Ignores progress: the default for library callers."""

    def phase(self, name: str, total: int) -> None:
        pass

    def advance(self, steps: int) -> None:
        pass

    def note(self, text: str) -> None:
        pass


@dataclass(frozen=True)
class Options:
    """What a build or check is asked beyond the program: the day it acts as of, whether
    warnings are errors, the host (None: program.host), whether to draw images, and how
    many processes render (None: one per core on large programs)."""

    today: dt.date
    strict: bool = False
    host: str | None = None
    images: bool = True
    workers: int | None = None


@dataclass(frozen=True)
class _Run:
    """Where one run's results go: phase times, progress, images, and the output sinks."""

    timings: dict[str, float]
    reporter: Reporter
    cache: ImageCache
    out: Sink
    new_sink: Callable[[], Sink]


def _render(root: Path, options: Options, run: _Run) -> tuple[Site, Inputs, ImageStats]:
    """Load, validate, assemble, draw and render the program under root into run.out."""
    timings, reporter, strict = run.timings, run.reporter, options.strict
    reporter.phase("load", 0)
    with _timed(timings, "load"):
        inputs = load_inputs(root, strict)
    with _timed(timings, "assemble"):
        site = assemble(
            inputs.program, inputs.partners, inputs.campaigns, inputs.pages, options.today
        )
    assets: dict[str, PreparedImage] = {}
    used = [p for partner in inputs.partners for p in (partner.logo, partner.logo_on_dark)]
    bodies = [item.campaign.body for item in site.published] + [p.body for p in site.pages]
    for body in bodies:
        used.extend(image.path for image in body.images)
    for path in used:
        if path and path not in assets:
            # GIF and AVIF in copy are not read by xpromo: published as they are
            assets[path] = inputs.images.get(path) or PreparedImage(read_file(root / path), 0, 0)
    logos = {src: image.data for src, image in assets.items()}
    images: dict[str, bytes] = {}
    qr_codes: dict[QrRequest, QrCode] = {}
    stats = ImageStats()
    if options.images:
        reporter.phase("images", 0)
        with _timed(timings, "images"):
            images, qr_codes, stats = run.cache.process(
                plan_share_images(site, logos), qr_requests(site)
            )
    pages = sum(1 + len(item.variants) for item in site.published)
    reporter.phase("render", pages)
    workers = options.workers
    if workers is None:
        workers = worker_count(pages, MIN_PAGES_PER_WORKER)
    with _timed(timings, "render"):
        theme = load_theme(root, inputs.program.theme)
        drawn = Drawn(images, qr_codes, options.images)
        rendered = render_site(
            RenderInputs(site, theme, assets, drawn, options.host),
            Target(run.out, run.new_sink),
            reporter.advance,
            workers,
        )
    warnings = [*lifecycle_warnings(site), *rendered]
    if strict and warnings:
        raise XpromoError([Diagnostic(d.location, d.message, d.hint) for d in warnings])
    inputs = replace(inputs, warnings=(*inputs.warnings, *warnings))
    return site, inputs, stats


@dataclass(frozen=True)
class LinksReport:
    """Every link of the program on a day, without rendering: the audit view."""

    site: Site
    links: list[TrackedLink]
    warnings: tuple[Diagnostic, ...]


def list_links(root: Path, today: dt.date, strict: bool = False) -> LinksReport:
    """Load, validate and assemble the program under root; render and write nothing.

    Returns the site and its links as links.csv lists them. Raises XpromoError for bad input.
    """
    inputs = load_inputs(root, strict)
    site = assemble(inputs.program, inputs.partners, inputs.campaigns, inputs.pages, today)
    return LinksReport(site, site.links(), inputs.warnings)


def check(
    root: Path,
    today: dt.date,
    strict: bool = False,
    host: str | None = None,
    reporter: Reporter | None = None,
    cache: Path | None = None,
    images: bool = True,
) -> BuildReport:
    """Validate and render the program under root without writing anything.

    host overrides program.host. Share images come from the cache folder (default:
    .xpromo-cache/ under root) when they are there and are drawn in memory otherwise;
    with images False, pages and kits go without share images and QR codes.
    Raises XpromoError for bad input.
    """
    timings: dict[str, float] = {}
    drawn = ImageCache(cache or root / CACHE_DIR, writable=False)
    memory = Memory()
    options = Options(today, strict, host, images, workers=1)
    run = _Run(timings, reporter or NullReporter(), drawn, memory, Memory)
    site, inputs, stats = _render(root, options, run)
    files = [OutputFile(path, data) for path, data in sorted(memory.files.items())]
    return BuildReport(site, files, inputs.warnings, timings, images=stats)


def build(
    root: Path,
    output: Path,
    today: dt.date,
    strict: bool = False,
    host: str | None = None,
    reporter: Reporter | None = None,
    cache: Path | None = None,
    images: bool = True,
    workers: int | None = None,
) -> BuildReport:
    """Build the program under root into output; the old output stays if anything fails.

    Only files whose bytes changed are written (see output/); the build's manifest
    is kept in the cache folder (default: .xpromo-cache/ under root) for up_to_date.
    host overrides program.host. Share images drawn are kept in the cache folder
    too, so the next build reuses every image whose inputs did not change; with images
    False, pages and kits go without share images and QR codes. workers is the number
    of processes that render (default: one per core on large programs). Raises
    XpromoError for bad input and FolderError when the cache or output folder cannot
    be written (read-only, full disk). Builds sharing a cache folder take turns.
    """
    reporter = reporter or NullReporter()
    output = output.absolute()
    folder = (cache or root / CACHE_DIR).absolute()
    where = folder
    try:
        with lock(folder, lambda: reporter.note(f"waiting for another build using {folder}/")):
            where = output
            options = Options(today, strict, host, images, workers)
            return _build(root, output, folder, options, reporter)
    except OSError as error:
        if error.errno not in ENVIRONMENT_ERRNOS:
            raise
        raise FolderError.of(error, str(where)) from None


def _build(
    root: Path, output: Path, folder: Path, options: Options, reporter: Reporter
) -> BuildReport:
    """build, once it holds the lock of the cache folder."""
    timings: dict[str, float] = {}
    # the file system's clock, which stamps the mtimes it is compared with
    started = filesystem_now(folder) or time.time()
    inputs_seen = scan_inputs(root, skipped_folders(output, folder), since=started)
    kept = manifest_path(folder, output)
    before = survey(output, _recorded(load_manifest(kept), output))  # the old manifest goes
    current = before.current
    staging = prepare(output)
    stage = Stage(staging, current)
    try:
        run = _Run(timings, reporter, ImageCache(folder), stage, lambda: Stage(staging, current))
        with recording() as reads:
            site, inputs, stats = _render(root, options, run)
        stage.add(MARKER, MARKER_TEXT)
        reporter.phase("write", len(stage.written))
        with _timed(timings, "write"):
            forget(kept)  # the output changes now: until the new manifest, build fully
            written = publish(stage, output, before)
    except BaseException:
        discard(staging)
        raise
    entries = sorted(stage.records.items())
    files = {path: known.text() for path, known in entries}
    records = [known.at(path) for path, known in entries]
    del stage, before  # a large site's records: keep one copy
    current = {}
    report = BuildReport(site, records, inputs.warnings, timings, written, stats)
    today = options.today
    window = status_window(inputs.campaigns, today)
    if _theme_prints_date(root, inputs.program.theme):
        window = (today, today + dt.timedelta(days=1))
    save_manifest(
        kept,
        Manifest(
            output=str(output),
            options={
                **build_options(options.strict, options.host, options.images),
                "code": code_fingerprint(),
            },
            inputs=inputs_seen,
            valid_from=window[0].isoformat() if window[0] else None,
            valid_until=window[1].isoformat() if window[1] else None,
            files=files,
            read=files_read(
                root, reads | _theme_files(root, inputs.program.theme), inputs_seen, started
            ),
            report={
                "pages": report.pages,
                "files": len(records),
                "warnings": [d.to_dict() for d in report.warnings],
            },
        ),
    )
    return report


def _recorded(previous: Manifest | None, output: Path) -> dict[str, Entry]:
    """Return the files the last build into output recorded: path → entry."""
    if previous is None or previous.output != str(output):
        return {}
    return {path: Entry.parse(text) for path, text in previous.files.items()}


def _theme_files(root: Path, theme: str) -> set[str]:
    """Return the program's own theme files (Jinja reads its templates itself), links
    followed."""
    folder = root.absolute() / "themes" / theme
    return {
        os.path.join(place, name)
        for place, _, names in os.walk(folder, followlinks=True)
        for name in names
    }


def _theme_prints_date(root: Path, theme: str) -> bool:
    """True when the program's own templates may print the build date (their output then
    changes every day)."""
    folder = root / "themes" / theme / "templates"
    if theme == "default" or not folder.is_dir():
        return False
    for path in folder.rglob("*"):
        try:
            if path.is_file() and "today" in path.read_text(encoding="utf-8", errors="replace"):
                return True
        except OSError:
            return True
    return False
