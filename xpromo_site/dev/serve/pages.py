"""The preview's own pages, drawn from the last build's state: the status JSON, the
variants index, and what every served page gets injected (the reload script, and
the located errors over the last good site when the latest save did not build)."""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

from ...errors import Diagnostic
from ...site import Site

PREFIX = "/__xpromo__/"
RELOAD_SCRIPT = """\
(() => {
  const version = document.currentScript.dataset.version;
  const events = new EventSource("/__xpromo__/events?since=" + version);
  events.onmessage = (event) => { if (event.data !== version) location.reload(); };
})();
"""
OVERLAY_STYLE = (
    "position:fixed;inset:0;z-index:2147483647;overflow:auto;margin:0;padding:2rem;"
    "background:rgba(20,20,20,.94);color:#fff;font:15px/1.5 ui-monospace,monospace;"
    "white-space:pre-wrap"
)


@dataclass
class BuildState:
    """The last build: its number, the last good Site, and the problems of a failed one."""

    version: int = 0
    site: Site | None = None
    problems: tuple[Diagnostic, ...] = ()
    failure: str | None = None  # an internal error's one-line description
    seconds: float = 0.0


def status(state: BuildState) -> dict[str, Any]:
    """The build state as /__xpromo__/status reports it."""
    return {
        "version": state.version,
        "ok": state.failure is None and not any(p.severity == "error" for p in state.problems),
        "seconds": round(state.seconds, 4),
        "problems": [p.format() for p in state.problems]
        + ([state.failure] if state.failure else []),
    }


def variants_page(state: BuildState) -> str:
    """/__xpromo__/: every campaign's canonical page and its variants, and the hubs."""
    site = state.site
    items = []
    if site is not None:
        for published in site.published:
            links = [f'<a href="/{published.canonical.path}">canonical</a>']
            links += [
                f'<a href="/{v.path}">{html.escape(v.lead.name)}</a>' for v in published.variants
            ]
            items.append(
                f"<li><strong>{html.escape(published.campaign.title)}</strong> "
                f"({published.status.value}): {' · '.join(links)}</li>"
            )
        hubs = " · ".join(
            f'<a href="/partners/{p.id}/">{html.escape(p.name)}</a>' for p in site.partners
        )
        items.append(f"<li><strong>Partner hubs</strong>: {hubs}</li>")
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        "<title>Variants · xpromo preview</title></head><body><main>"
        "<h1>Every page, as each partner's audience sees it</h1>"
        f'<ul>{"".join(items)}</ul><p><a href="/">Home</a></p></main>'
        f"{injection(state)}</body></html>"
    )


def injection(state: BuildState) -> str:
    """The markup added to each served page: reload script, and errors when failing."""
    script = f'<script src="{PREFIX}reload.js" data-version="{state.version}"></script>'
    status_now = status(state)
    if status_now["ok"]:
        return script
    text = "\n\n".join(status_now["problems"])
    return (
        f'<div id="xpromo-errors" role="alert" style="{OVERLAY_STYLE}">'
        "<strong>The last save did not build.</strong> Showing the last good site; "
        "this page reloads when the input is fixed.\n\n"
        f"{html.escape(text)}</div>{script}"
    )
