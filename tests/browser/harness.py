"""What the browser tests share: the demo's page types, a local server, Chromium's settings."""

from __future__ import annotations

import functools
import http.server
import os
import re
import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

# Debian's Chromium; nothing is downloaded. Another build can be named for a local run.
CHROMIUM = os.environ.get("XPROMO_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
TODAY = "2026-11-23"
HOST = "127.0.0.1"

PHONE = {"width": 360, "height": 740}
DESKTOP = {"width": 1280, "height": 800}
# 200% zoom of a 1280x800 window: half as many CSS pixels, each drawn twice as large.
ZOOM_200 = {"width": 640, "height": 400}
VIEWPORTS = {"phone": PHONE, "desktop": DESKTOP}

# Every page the demo builds as of TODAY, by type; a test checks that none is missing.
PAGE_TYPES: dict[str, tuple[str, ...]] = {
    "home": ("",),
    "canonical": ("cloud-backup-webinar/", "refer-a-team/", "security-bundle/"),
    "variant": (
        "cloud-backup-webinar/contoso/",
        "cloud-backup-webinar/northwind/",
        "refer-a-team/fabrikam/",
        "refer-a-team/northwind/",
        "security-bundle/contoso/",
        "security-bundle/fabrikam/",
        "security-bundle/northwind/",
    ),
    "hub": ("partners/contoso/", "partners/fabrikam/", "partners/northwind/", "partners/tailspin/"),
    "plain": ("about/",),
    "not-found": ("no/such/campaign/",),  # any missing address: the host serves 404.html
    "ended": (
        "summit-2026/",
        "summit-2026/contoso/",
        "summit-2026/northwind/",
        "summit-2026/tailspin/",
    ),
}
# One page per type for screenshots and the weight report. The variant is Contoso's:
# its primary colour is dark, the hardest case for logos and text on the brand band.
SHOWCASE: dict[str, str] = {
    "home": "",
    "canonical": "cloud-backup-webinar/",
    "variant": "cloud-backup-webinar/contoso/",
    "hub": "partners/contoso/",
    "plain": "about/",
    "not-found": "no/such/campaign/",
    "ended": "summit-2026/tailspin/",
}
ALL_PAGES: tuple[str, ...] = tuple(path for paths in PAGE_TYPES.values() for path in paths)
# Redirect fallback pages (vanity paths): a browser that loads one leaves for the canonical
# address at once, so they are checked as files (validity), never opened in the browser.
REDIRECT_PAGES: tuple[str, ...] = ("go/contoso-webinar/", "go/northwind-webinar/")
CAMPAIGN_TYPES = ("canonical", "variant", "ended")


def page_type(path: str) -> str:
    """Return the type of a page path from PAGE_TYPES; raises KeyError for an unknown one."""
    return next(kind for kind, paths in PAGE_TYPES.items() if path in paths)


def in_ci() -> bool:
    """True on a CI runner (CI=true), where a missing browser must fail, never skip."""
    return os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require(what: str, present: bool) -> None:
    """Skip (locally) or fail (in CI) when a tool the browser tests need is missing."""
    if present:
        return
    message = f"{what} is missing: .ci/run installs it with apt-get (run it as root)"
    if in_ci():
        pytest.fail(message + "; CI must run the browser tests, not skip them", pytrace=False)
    pytest.skip(message)


def have_chromium() -> bool:
    """True when the Chromium binary the tests drive is installed."""
    return Path(CHROMIUM).is_file() and os.access(CHROMIUM, os.X_OK)


def have_java() -> bool:
    """True when a Java runtime (for the Nu HTML checker) is on PATH."""
    return shutil.which("java") is not None


def read_headers_file(text: str) -> list[tuple[str, str, str]]:
    """Parse a static host's `_headers` file into (path pattern, header, value) rules."""
    rules: list[tuple[str, str, str]] = []
    pattern = ""
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        if not line[0].isspace():
            pattern = line.strip()
            continue
        name, _, value = line.strip().partition(":")
        rules.append((pattern, name.strip(), value.strip()))
    return rules


def _matches(pattern: str, path: str) -> bool:
    if pattern.endswith("*"):
        return path.startswith(pattern[:-1])
    return path == pattern


class _SiteHandler(http.server.SimpleHTTPRequestHandler):
    """Serves the built site as a static host would: the headers its `_headers` file
    asks for (Content-Security-Policy included), and 404.html for any missing address."""

    def end_headers(self) -> None:
        headers_file = Path(self.directory) / "_headers"
        if headers_file.is_file():
            path = self.path.split("?", 1)[0]
            for pattern, name, value in read_headers_file(headers_file.read_text()):
                if _matches(pattern, path):
                    self.send_header(name, value)
        super().end_headers()

    def send_error(self, code: int, message: str | None = None, explain: str | None = None) -> None:
        not_found = Path(self.directory) / "404.html"
        if code != 404 or not not_found.is_file():
            super().send_error(code, message, explain)
            return
        body = not_found.read_bytes()
        self.send_response(404)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:
        """Keep the test output quiet."""


@contextmanager
def serve(folder: Path) -> Iterator[str]:
    """Serve folder on 127.0.0.1 at an ephemeral port from a thread; yield its base URL."""
    handler = functools.partial(_SiteHandler, directory=str(folder))
    server = http.server.ThreadingHTTPServer((HOST, 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://{HOST}:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


@dataclass
class Visit:
    """What the browser saw while loading one page: requests, responses, console errors."""

    url: str
    requests: list[str]
    transfer: dict[str, int]  # URL → bytes on the wire (headers and body)
    content_types: dict[str, str]
    console_errors: list[str]
    status: int


def css_color_to_hex(color: str) -> str:
    """Return '#rrggbb' for a computed CSS colour 'rgb(r, g, b)' or an opaque 'rgba(...)'."""
    match = re.fullmatch(r"rgba?\((\d+),\s*(\d+),\s*(\d+)(?:,\s*([\d.]+))?\)", color.strip())
    if match is None or (match[4] is not None and float(match[4]) < 1):
        raise ValueError(f"not an opaque rgb() colour: {color!r}")
    return "#" + "".join(f"{int(match[i]):02x}" for i in (1, 2, 3))


# A JavaScript helper that other page scripts include: the opaque background colour
# behind an element (its own, or its nearest ancestor's), as computed by the browser.
JS_BACKGROUND_OF = """
const backgroundOf = (element) => {
  for (let node = element; node; node = node.parentElement) {
    const color = getComputedStyle(node).backgroundColor;
    if (color !== 'transparent' && !/^rgba\\(.*,\\s*0\\)$/.test(color)) return color;
  }
  return 'rgb(255, 255, 255)';
};
"""
