"""render_site: the shared files, then every page in chunks (forked workers on large
programs), then the policy and the host's files."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from ..errors import Diagnostic, XpromoError
from ..workers import run, split
from .pages import Pages
from .policy import Noted, secure
from .sinks import Sink
from .views import RenderInputs, prepare


@dataclass(frozen=True, slots=True)
class Target:
    """Where the files go: out, and for each worker's chunk a sink from new_sink, merged
    into out in a fixed order."""

    out: Sink
    new_sink: Callable[[], Sink]


@dataclass(frozen=True, slots=True)
class _Chunk:
    """What rendering a chunk of campaigns and hubs gave, sent back from a worker."""

    pages: int
    files: Any  # the worker's sink's result(), or None when rendered in this process
    noted: Noted | None  # None when rendered in this process
    errors: Sequence[Diagnostic]


def render_site(
    inputs: RenderInputs,
    target: Target,
    progress: Callable[[int], None] | None = None,
    workers: int = 1,
) -> tuple[Diagnostic, ...]:
    """Render every output file of the site into target.out; return warnings.

    progress, when given, is called with the number of pages rendered since its last
    call. With workers above 1, campaign pages and hubs are rendered by that many forked
    processes, each into a sink from target.new_sink, merged into target.out in a fixed
    order: the files are the same as with one. Raises XpromoError for template errors,
    undrawable logos and pages that would show an affiliate link without the disclosure.
    """
    site, out = inputs.site, target.out
    views, files = prepare(inputs)
    for file in files:
        out.add(file.path, file.data)
    del files
    # the longest tasks first (the manifests, then hubs), so workers end together
    tasks = [("hub", index) for index in range(len(site.partners))]
    tasks += [("campaign", index) for index in range(len(site.published))]
    chunks = [[("manifests", 0)], [("site", 0)], *split(tasks, workers, per_worker=32)]
    here = Pages(views, out)  # one process: every chunk renders through this one

    def render_chunk(chunk: Sequence[tuple[str, int]]) -> _Chunk:
        # a forked worker keeps only what this chunk makes
        pages = here if workers <= 1 else Pages(views, target.new_sink())
        count = 0
        try:
            for task, index in chunk:
                count += pages.task(task, index)
        except XpromoError as error:
            return _Chunk(count, None, None, error.diagnostics)
        if workers <= 1:
            return _Chunk(count, None, None, ())
        return _Chunk(count, pages.out.result(), pages.noted, ())

    if workers <= 1:
        chunks = [[task for chunk in chunks for task in chunk]]
    for done in run(render_chunk, chunks, workers):
        if done.errors:
            raise XpromoError(list(done.errors))
        if done.noted is not None:
            out.merge(done.files)
            here.noted.merge(done.noted)
        if progress is not None and done.pages:
            progress(done.pages)
    return secure(views, here.noted, out)
