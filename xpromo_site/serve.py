"""Development server: build, serve on 127.0.0.1, rebuild on save, reload open pages.

The site is built into a private folder (never the program's public/), served with
a small script injected into every HTML page that listens for rebuilds over
Server-Sent Events and reloads the page. A save that breaks the build keeps the
last good site on screen with the located errors drawn over it, until the input is
fixed. `/__xpromo__/` lists every campaign's variants for a one-click preview of
each partner's brand; `/__xpromo__/status` reports the build state as JSON.
"""

from __future__ import annotations

import datetime as dt
import html
import http.client
import json
import re
import shutil
import socket
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote, urlsplit

import watchfiles

from .build import build
from .errors import Diagnostic, XpromoError
from .site import Site

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
DEBOUNCE_MS = 50
MAX_REQUEST_LINE = 4096  # bytes, CRLF included: a longer request line answers 414
MAX_HEADER_BYTES = 16384  # every header line together: more answers 431
DRAIN_BYTES = 1 << 20  # what is read and dropped of a refused request before closing
PATH_SAFE = "/-._~!$&'()*+,;=:@"  # RFC 3986 path characters, "%" left out: always re-quoted
QUERY_SAFE = PATH_SAFE + "?%"  # a query is passed on as sent, minus anything unsafe
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def normalise(path: str) -> str:
    """A decoded URL path with empty, '.' and '..' segments resolved: '/' or '/a/b'.

    The result starts with exactly one '/' and never climbs above the root, so a
    redirect built from it stays on this server whatever the request spelled.
    """
    segments: list[str] = []
    for segment in path.split("/"):
        if segment == "..":
            if segments:
                segments.pop()
        elif segment not in ("", "."):
            segments.append(segment)
    return "/" + "/".join(segments)


def directory_location(path: str, query: str = "") -> str:
    """The Location of the redirect from a folder's URL to its URL with a trailing '/'.

    path is the decoded request path. The value is always an absolute path on this
    server: one '/' then a character that is neither '/' nor a backslash (or the
    root '/'), percent-encoded so that no control character, CR or LF can reach the
    header, whatever the request held.
    """
    folder = normalise(path).rstrip("/") + "/"
    location = quote(folder, safe=PATH_SAFE)
    if query:
        location += "?" + quote(query, safe=QUERY_SAFE)
    return location


class _BoundedReader:
    """Reads header lines from a request until a byte budget runs out (then: 431)."""

    def __init__(self, raw: Any, budget: int) -> None:
        self.raw = raw
        self.left = budget

    def readline(self, limit: int = -1) -> bytes:
        size = self.left + 1 if limit < 0 else min(limit, self.left + 1)
        line: bytes = self.raw.readline(size)
        self.left -= len(line)
        if self.left < 0:
            raise http.client.LineTooLong(f"request headers over {MAX_HEADER_BYTES} bytes")
        return line


class _Server(ThreadingHTTPServer):
    """The HTTP server; a request that fails is reported in one line, not a traceback."""

    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler: Any, echo: Callable[[str], None]):
        self.echo = echo
        super().__init__(address, handler)

    def handle_error(self, request: Any, client_address: Any) -> None:
        error = sys.exc_info()[1]
        if error is None or isinstance(error, ConnectionError):
            return  # the browser went away: nothing is wrong with the server
        text = " ".join(f"{type(error).__name__}: {error}".split())
        if len(text) > 200:
            text = text[:199] + "…"
        self.echo(f"xpromo: preview server: a request failed: {text}")


@dataclass
class BuildState:
    """The last build: its number, the last good Site, and the problems of a failed one."""

    version: int = 0
    site: Site | None = None
    problems: tuple[Diagnostic, ...] = ()
    failure: str | None = None  # an internal error's one-line description
    seconds: float = 0.0
    built_at: float = field(default_factory=time.monotonic)


class DevServer:
    """Builds the program under root into a private folder and serves it with live reload."""

    def __init__(
        self,
        root: Path,
        today: Callable[[], dt.date],
        host: str = "127.0.0.1",
        port: int = 8000,
        echo: Callable[[str], None] = print,
    ) -> None:
        self.root = root
        self.today = today
        self.echo = echo
        self.workdir = Path(tempfile.mkdtemp(prefix="xpromo-serve-"))
        self.output = self.workdir / "site"
        self.state = BuildState()
        self.changed = threading.Condition()
        self.stop_event = threading.Event()
        self.watching = threading.Event()
        handler = partial(_Handler, server_state=self)
        self.httpd = _Server((host, port), handler, echo)

    @property
    def url(self) -> str:
        host, port = self.httpd.server_address[:2]
        name = host.decode() if isinstance(host, bytes) else host
        return f"http://{name}:{port}/"

    def rebuild(self) -> BuildState:
        """Build once; keep serving the previous site if this build fails. Never raises."""
        start = time.perf_counter()
        problems: tuple[Diagnostic, ...] = ()
        failure = None
        site = self.state.site
        try:
            report = build(self.root, self.output, self.today())
            site = report.site
            problems = report.warnings
        except XpromoError as error:
            problems = error.diagnostics
        except Exception as error:  # a bug must not take the server down
            failure = f"internal error: {type(error).__name__}: {error}"
        seconds = time.perf_counter() - start
        with self.changed:
            failed = failure is not None or any(p.severity == "error" for p in problems)
            self.state = BuildState(
                version=self.state.version + 1,
                site=site,
                problems=problems,
                failure=failure,
                seconds=seconds,
            )
            self.changed.notify_all()
        self._report(failed, seconds)
        return self.state

    def _report(self, failed: bool, seconds: float) -> None:
        for problem in self.state.problems:
            self.echo(problem.format())
        if self.state.failure:
            self.echo(f"xpromo: {self.state.failure}")
        if failed:
            self.echo("Build failed; still serving the last good site.")
        else:
            self.echo(f"Rebuilt in {seconds:.2f}s.")

    def watch(self) -> None:
        """Rebuild whenever a file of the program changes, until stop() is called."""
        ignored = {self.root.resolve() / name for name in ("public", ".git", ".venv")}

        def relevant(_change: watchfiles.Change, path: str) -> bool:
            resolved = Path(path).resolve()
            if any(resolved == d or d in resolved.parents for d in ignored):
                return False
            return not any(
                part.startswith(".") for part in resolved.relative_to(self.root.resolve()).parts
            )

        for changes in watchfiles.watch(
            self.root,
            watch_filter=relevant,
            debounce=DEBOUNCE_MS,
            step=20,
            stop_event=self.stop_event,
            raise_interrupt=False,
            rust_timeout=200,
            yield_on_timeout=True,  # an empty batch: the watcher is up and listening
        ):
            self.watching.set()
            if changes:
                self.rebuild()

    def start(self) -> None:
        """Build, then serve and watch in background threads."""
        self.rebuild()
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        threading.Thread(target=self.watch, daemon=True).start()
        self.watching.wait(timeout=10)

    def stop(self) -> None:
        """Stop serving and watching, and remove the private build folder."""
        self.stop_event.set()
        with self.changed:
            self.changed.notify_all()
        self.httpd.shutdown()
        self.httpd.server_close()
        shutil.rmtree(self.workdir, ignore_errors=True)

    # pages of the dev server itself ----------------------------------------------------
    def status(self) -> dict[str, Any]:
        state = self.state
        return {
            "version": state.version,
            "ok": state.failure is None and not any(p.severity == "error" for p in state.problems),
            "seconds": round(state.seconds, 4),
            "problems": [p.format() for p in state.problems]
            + ([state.failure] if state.failure else []),
        }

    def variants_page(self) -> str:
        site = self.state.site
        items = []
        if site is not None:
            for published in site.published:
                links = [f'<a href="/{published.canonical.path}">canonical</a>']
                links += [
                    f'<a href="/{v.path}">{html.escape(v.lead.name)}</a>'
                    for v in published.variants
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
            f"{self.injection()}</body></html>"
        )

    def injection(self) -> str:
        """The markup added to each served page: reload script, and errors when failing."""
        state = self.state
        script = f'<script src="{PREFIX}reload.js" data-version="{state.version}"></script>'
        status = self.status()
        if status["ok"]:
            return script
        text = "\n\n".join(status["problems"])
        return (
            f'<div id="xpromo-errors" role="alert" style="{OVERLAY_STYLE}">'
            "<strong>The last save did not build.</strong> Showing the last good site; "
            "this page reloads when the input is fixed.\n\n"
            f"{html.escape(text)}</div>{script}"
        )


class _Handler(SimpleHTTPRequestHandler):
    """Serves the built site, the reload endpoint and the variants index."""

    def __init__(self, *args: Any, server_state: DevServer, **kwargs: Any) -> None:
        self.dev = server_state
        super().__init__(*args, directory=str(server_state.output), **kwargs)

    def log_message(self, format: str, *args: Any) -> None:
        """Stay quiet: the terminal is for build messages."""

    def handle_one_request(self) -> None:
        """The standard request cycle, with a request line of at most MAX_REQUEST_LINE."""
        try:
            self.raw_requestline = self.rfile.readline(MAX_REQUEST_LINE + 1)
            if len(self.raw_requestline) > MAX_REQUEST_LINE:
                self.requestline = self.request_version = self.command = ""
                self.send_error(HTTPStatus.REQUEST_URI_TOO_LONG)
                self._drain()
                return
            if not self.raw_requestline:
                self.close_connection = True
                return
            if not self.parse_request():
                self._drain()  # the error response is sent
                return
            method = getattr(self, f"do_{self.command}", None)
            if method is None:
                self.send_error(HTTPStatus.NOT_IMPLEMENTED, f"Unsupported method {self.command!r}")
                return
            method()
            self.wfile.flush()
        except TimeoutError:
            self.close_connection = True

    def _drain(self) -> None:
        """Drop the unread rest of a refused request, so that closing the connection
        does not reset it before the browser has read the answer."""
        try:
            self.wfile.flush()
            self.connection.shutdown(socket.SHUT_WR)
            self.connection.settimeout(1.0)
            left = DRAIN_BYTES
            while left > 0 and (chunk := self.connection.recv(min(65536, left))):
                left -= len(chunk)
        except OSError:
            pass
        self.close_connection = True

    def parse_request(self) -> bool:
        """Parse the request; headers longer than MAX_HEADER_BYTES together answer 431."""
        raw = self.rfile
        self.rfile = _BoundedReader(raw, MAX_HEADER_BYTES)  # type: ignore[assignment]
        try:
            return super().parse_request()
        finally:
            self.rfile = raw

    def send_header(self, keyword: str, value: str) -> None:
        """Send a header; a name or value holding CR, LF or another control is refused."""
        if CONTROL.search(keyword) or CONTROL.search(str(value)):
            raise ValueError(f"refused to send a {keyword} header holding a control character")
        super().send_header(keyword, value)

    def do_GET(self) -> None:
        url = urlsplit(self.path)
        path = unquote(url.path)
        if path == f"{PREFIX}events":
            self._events()
        elif path == f"{PREFIX}reload.js":
            self._send(RELOAD_SCRIPT.encode(), "text/javascript; charset=utf-8")
        elif path == f"{PREFIX}status":
            self._send(json.dumps(self.dev.status()).encode(), "application/json")
        elif path in (PREFIX, PREFIX.rstrip("/")):
            self._send(self.dev.variants_page().encode(), "text/html; charset=utf-8")
        else:
            self._site_file(path, url.query)

    def do_HEAD(self) -> None:
        """Answer as GET would, without the body."""
        self.do_GET()

    def _find(self, path: str) -> Path | None:
        """The file or folder of the built site at the decoded URL path, if there is one."""
        target = Path(self.translate_path(quote(normalise(path), safe=PATH_SAFE)))
        try:
            return target if target.exists() else None
        except (OSError, ValueError):  # a name too long for the file system, a NUL
            return None

    def _site_file(self, path: str, query: str = "") -> None:
        target = self._find(path)
        if target is not None and target.is_dir():
            if not path.endswith("/"):
                self.send_response(HTTPStatus.MOVED_PERMANENTLY)
                self.send_header("Location", directory_location(path, query))
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            target = target / "index.html"
        status = HTTPStatus.OK
        if target is None or not target.is_file():
            status, target = HTTPStatus.NOT_FOUND, self.dev.output / "404.html"
            if not target.is_file():
                self._send(b"not built yet", "text/plain", HTTPStatus.NOT_FOUND)
                return
        data = target.read_bytes()
        if target.suffix == ".html":
            injected = self.dev.injection().encode()
            data = (
                data.replace(b"</body>", injected + b"</body>", 1)
                if (b"</body>" in data)
                else data + injected
            )
            self._send(data, "text/html; charset=utf-8", status)
        else:
            self._send(data, self.guess_type(str(target)), status)

    def _send(self, data: bytes, content_type: str, status: HTTPStatus = HTTPStatus.OK) -> None:
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(data)

    def _events(self) -> None:
        """Stream the build version whenever it changes (Server-Sent Events)."""
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", "text/event-stream")
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        if self.command == "HEAD":
            return
        seen = -1
        try:
            while not self.dev.stop_event.is_set():
                with self.dev.changed:
                    if self.dev.state.version == seen:
                        self.dev.changed.wait(timeout=15)
                    version = self.dev.state.version
                if version != seen:
                    self.wfile.write(f"data: {version}\n\n".encode())
                    seen = version
                else:
                    self.wfile.write(b": keep-alive\n\n")
                self.wfile.flush()
        except (BrokenPipeError, ConnectionResetError):
            return
