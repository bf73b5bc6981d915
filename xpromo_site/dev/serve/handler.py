"""Request handling: the built site from its private folder (pages with the reload
script injected, folders redirected safely), the preview's own endpoints, and the
limits on what a request may send (a long request line answers 414, long headers
431, and no header goes out holding a control character)."""

from __future__ import annotations

import http.client
import json
import re
import socket
import sys
from collections.abc import Callable
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote, unquote, urlsplit

from .pages import PREFIX, RELOAD_SCRIPT, injection, status, variants_page
from .redirects import PATH_SAFE, directory_location, normalise

if TYPE_CHECKING:
    from .devserver import DevServer

MAX_REQUEST_LINE = 4096  # bytes, CRLF included: a longer request line answers 414
MAX_HEADER_BYTES = 16384  # every header line together: more answers 431
DRAIN_BYTES = 1 << 20  # what is read and dropped of a refused request before closing
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


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


class Server(ThreadingHTTPServer):
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


class Handler(SimpleHTTPRequestHandler):
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
            self._send(json.dumps(status(self.dev.state)).encode(), "application/json")
        elif path in (PREFIX, PREFIX.rstrip("/")):
            self._send(variants_page(self.dev.state).encode(), "text/html; charset=utf-8")
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
            injected = injection(self.dev.state).encode()
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
