"""Weight and requests in Chromium: nothing leaves the site, pages stay light, nothing blocks.

Each page's weight is written to tests/artifacts/weights.md.
"""

from __future__ import annotations

import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.conftest import OpenPage
from tests.browser.harness import ALL_PAGES, PAGE_TYPES, PHONE, page_type

# The budget for one page's HTML and CSS on the wire (headers included, uncompressed:
# the worst case, a host that does not gzip). Images are counted but not budgeted.
SCRIPT_BUDGET = 4 * 1024  # bytes
HTML_CSS_BUDGET = 30 * 1024
# A hub is the partner's kit: it carries every campaign's email block and posts as text to
# copy, so it may weigh more than a landing page its audience sees.
HUB_BUDGET = 64 * 1024
THE_404_ITSELF = "Failed to load resource: the server responded with a status of 404 (Not Found)"

RENDER_BLOCKING_JS = """
() => ({
  blocking: performance.getEntriesByType('resource')
    .filter((entry) => entry.renderBlockingStatus === 'blocking')
    .map((entry) => entry.initiatorType + ' ' + new URL(entry.name).pathname),
  scripts: [...document.scripts]
    .filter((script) => !script.async && !script.defer && script.type !== 'module')
    .map((script) => script.src || script.textContent.slice(0, 40)),
  icon: document.querySelector('link[rel~="icon"]')?.href ?? null,
})
"""


@pytest.fixture(scope="module")
def weights(artifacts: Path) -> Iterator[dict[str, dict[str, int]]]:
    """Collects each page's bytes by kind; writes tests/artifacts/weights.md at the end."""
    found: dict[str, dict[str, int]] = {}
    yield found
    if not found:
        return
    lines = [
        "# Page weight (bytes on the wire, uncompressed, headers included)",
        "",
        f"Budget for HTML + CSS: {HTML_CSS_BUDGET} bytes.",
        "",
        "| page type | page | HTML | CSS | HTML + CSS | images | requests |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
    ]
    for path in ALL_PAGES:
        if path in found:
            w = found[path]
            lines.append(
                f"| {page_type(path)} | /{path} | {w['html']} | {w['css']} "
                f"| {w['html'] + w['css']} | {w['image']} | {w['requests']} |"
            )
    lines += ["", "Heaviest page of each type (HTML + CSS):", ""]
    for kind, paths in PAGE_TYPES.items():
        measured = [found[p]["html"] + found[p]["css"] for p in paths if p in found]
        if measured:
            lines.append(f"- {kind}: {max(measured)} bytes")
    (artifacts / "weights.md").write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("path", ALL_PAGES)
def test_a_page_stays_on_the_site_within_budget_without_blocking_script_or_errors(
    open_page: OpenPage, site_url: str, path: str, weights: dict[str, dict[str, int]]
) -> None:
    with open_page(path, fresh=True, viewport=PHONE) as (page, visit):
        found = page.evaluate(RENDER_BLOCKING_JS)

    outside = [url for url in visit.requests if not url.startswith(site_url)]
    assert outside == [], f"/{path} asks for something outside the site"

    kinds = {"html": 0, "css": 0, "image": 0, "javascript": 0}
    for url, size in visit.transfer.items():
        content_type = visit.content_types.get(url, "")
        if not content_type and "/static/favicon." in url:
            continue  # the icon loads lazily and may still be on its way; checked below
        kind = next((k for k in kinds if k in content_type), None)
        assert kind is not None, f"/{path} loads {url} of unexpected type {content_type!r}"
        kinds[kind] += size
    weights[path] = {**kinds, "requests": len(visit.requests)}
    assert kinds["html"] > 0 and kinds["css"] > 0, (visit.transfer, visit.content_types)
    budget = HUB_BUDGET if page_type(path) == "hub" else HTML_CSS_BUDGET
    assert kinds["html"] + kinds["css"] <= budget, (
        f"/{path}: {kinds['html']} bytes of HTML and {kinds['css']} of CSS"
    )
    # the only script is the hubs' own deferred copy-button helper, and it is small
    assert kinds["javascript"] <= SCRIPT_BUDGET, f"/{path}: {kinds['javascript']} bytes of script"

    assert found["scripts"] == [], f"/{path} has a script that blocks parsing"
    assert [entry.split()[0] for entry in found["blocking"]] == ["link"], (
        f"/{path}: only the stylesheet may block rendering: {found['blocking']}"
    )

    expected = [THE_404_ITSELF] if page_type(path) == "not-found" else []
    assert visit.console_errors == expected
    # A page names its icon, so browsers do not ask for a missing /favicon.ico.
    assert found["icon"], f"/{path} declares no icon"
    with urllib.request.urlopen(found["icon"]) as icon:
        assert icon.headers.get_content_type().startswith("image/"), found["icon"]
