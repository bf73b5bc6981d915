"""The development server: serves the build, rebuilds on save, reloads pages, shows errors."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import subprocess_env
from xpromo_site.dev.serve import DevServer, devserver, handler
from xpromo_site.dev.serve.handler import MAX_HEADER_BYTES, MAX_REQUEST_LINE
from xpromo_site.dev.serve.redirects import directory_location

TODAY = dt.date(2026, 11, 23)
SAME_ORIGIN = re.compile(r"/(?:[^/\\\x00-\x1f\x7f][^\x00-\x1f\x7f]*)?")


@pytest.fixture
def messages() -> list[str]:
    """What the server printed to the terminal."""
    return []


@pytest.fixture
def server(demo_copy: Path, messages: list[str]) -> Iterator[DevServer]:
    dev = DevServer(demo_copy, lambda: TODAY, port=0, echo=messages.append)
    dev.start()
    yield dev
    dev.stop()
    assert not dev.workdir.exists()


def get(server: DevServer, path: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(server.url + path.lstrip("/"), timeout=10) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def status(server: DevServer) -> dict[str, object]:
    return json.loads(get(server, "/__xpromo__/status")[1])


def wait_for_version(server: DevServer, above: int, timeout: float = 15.0) -> dict[str, object]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        current = status(server)
        if int(current["version"]) > above:  # type: ignore[call-overload]
            return current
        time.sleep(0.05)
    raise AssertionError("no rebuild after the change")


def test_serves_the_built_site_with_the_reload_script(server: DevServer) -> None:
    code, page = get(server, "/cloud-backup-webinar/contoso/")
    assert code == 200
    assert "Never lose a customer record again" in page
    assert '<script src="/__xpromo__/reload.js" data-version="1"></script></body>' in page
    assert get(server, "/no/such/page/")[0] == 404
    code, index = get(server, "/__xpromo__/")
    assert code == 200
    assert 'href="/security-bundle/fabrikam/"' in index
    assert status(server) == {
        "version": 1,
        "ok": True,
        "seconds": status(server)["seconds"],
        "problems": [],
    }


def test_a_save_rebuilds_and_signals_open_pages(server: DevServer, demo_copy: Path) -> None:
    host, port = server.httpd.server_address[:2]
    connection = http.client.HTTPConnection(str(host), int(port), timeout=15)
    connection.request("GET", "/__xpromo__/events")
    events = connection.getresponse()
    assert events.getheader("Content-Type") == "text/event-stream"
    assert events.readline() == b"data: 1\n"
    events.readline()

    campaign = demo_copy / "content" / "campaigns" / "cloud-backup-webinar.md"
    started = time.monotonic()
    campaign.write_text(
        campaign.read_text().replace(
            "title: Never lose a customer record again", "title: Restore drills that work"
        )
    )
    assert events.readline() == b"data: 2\n"
    shown = time.monotonic() - started
    connection.close()
    assert shown < 10
    assert "Restore drills that work" in get(server, "/cloud-backup-webinar/")[1]


def test_a_bad_save_keeps_the_last_good_site_and_shows_the_error(
    server: DevServer, demo_copy: Path
) -> None:
    partners = demo_copy / "partners.yaml"
    good = partners.read_text()
    partners.write_text(good.replace("owner: northwind", "owner: nortwind"))
    line = good[: good.index("owner: northwind")].count("\n") + 1
    failed = wait_for_version(server, 1)
    assert failed["ok"] is False
    assert failed["problems"] == [
        f"partners.yaml:{line}:10: error: unknown partner 'nortwind'\n"
        "  hint: the owner must be one of the partners; did you mean 'northwind'?"
    ]
    code, page = get(server, "/")
    assert code == 200
    assert "Northwind Partner Network" in page  # the last good build
    assert 'id="xpromo-errors" role="alert"' in page
    assert f"partners.yaml:{line}:10: error: unknown partner &#x27;nortwind&#x27;" in page

    partners.write_text(good)
    fixed = wait_for_version(server, 2)
    assert fixed["ok"] is True
    assert "xpromo-errors" not in get(server, "/")[1]


def test_an_internal_error_does_not_stop_the_server(
    server: DevServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(devserver, "build", broken)
    state = server.rebuild()
    assert state.failure == "internal error: RuntimeError: boom"
    assert get(server, "/")[0] == 200
    assert "internal error: RuntimeError: boom" in get(server, "/")[1]


# --- what a request can make the server answer ----------------------------------------------


def raw_request(server: DevServer, data: bytes) -> tuple[int, dict[str, list[str]], bytes]:
    """Send bytes as they are; the status, every header (name lowercased) and the body."""
    host, port = server.httpd.server_address[:2]
    with socket.create_connection((str(host), int(port)), timeout=10) as connection:
        connection.sendall(data)
        connection.shutdown(socket.SHUT_WR)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers: dict[str, list[str]] = {}
    for line in lines:
        name, _, value = line.partition(":")
        headers.setdefault(name.lower(), []).append(value.strip())
    return int(status_line.split()[1]), headers, body


def request(
    server: DevServer, target: str, method: str = "GET"
) -> tuple[int, dict[str, list[str]]]:
    code, headers, _body = raw_request(
        server, f"{method} {target} HTTP/1.1\r\nHost: localhost\r\n\r\n".encode("latin-1")
    )
    return code, headers


@pytest.mark.parametrize(
    ("target", "location"),
    [
        ("/about", "/about/"),
        ("/%2Fevil.example/%2E%2E/about", "/about/"),
        ("//evil.example/../about", "/about/"),
        ("/%5Cevil.example/%2E%2E/about", "/about/"),
        ("/about/%2E%2E/%2E%2E/%2E%2E/about", "/about/"),
        ("/.", "/"),
        ("/about?ref=mail", "/about/?ref=mail"),
        ("/about?x=%0D%0ASet-Cookie:%20a=1", "/about/?x=%0D%0ASet-Cookie:%20a=1"),
        ("/about?x=\x7f\x01", "/about/?x=%7F%01"),
    ],
)
def test_a_folder_redirect_stays_on_this_server(
    server: DevServer, target: str, location: str
) -> None:
    for method in ("GET", "HEAD"):
        code, headers = request(server, target, method)
        assert (code, headers["location"]) == (301, [location])
        assert "set-cookie" not in headers


def test_a_path_cannot_add_a_header(server: DevServer) -> None:
    code, headers = request(server, "/about%3F%0D%0ASet-Cookie:%20a=1")
    assert code == 404  # the decoded "?" is part of the name: no such page
    assert "set-cookie" not in headers and "location" not in headers


def test_a_folder_with_control_characters_redirects_percent_encoded(server: DevServer) -> None:
    (server.output / "odd\r\nSet-Cookie: a=1").mkdir()
    code, headers = request(server, "/odd%0D%0ASet-Cookie:%20a=1")
    assert (code, headers["location"]) == (301, ["/odd%0D%0ASet-Cookie:%20a=1/"])
    assert "set-cookie" not in headers
    (server.output / "café ☕").mkdir()  # beyond Latin-1, which a header line is written in
    code, headers = request(server, "/caf%C3%A9%20%E2%98%95")
    assert (code, headers["location"]) == (301, ["/caf%C3%A9%20%E2%98%95/"])


def test_no_header_value_with_a_line_break_is_sent(
    server: DevServer, messages: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(handler, "directory_location", lambda *_: "/a/\r\nSet-Cookie: a=1")
    host, port = server.httpd.server_address[:2]
    with socket.create_connection((str(host), int(port)), timeout=10) as connection:
        connection.sendall(b"GET /about HTTP/1.1\r\nHost: localhost\r\n\r\n")
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    assert b"Set-Cookie" not in received and b"Location" not in received
    assert messages[-1] == (
        "xpromo: preview server: a request failed: ValueError: refused to send a "
        "Location header holding a control character"
    )


PIECES = ["", ".", "..", "/", "\\", "about", "partners", "evil.example", "\r\n", "?", "#", "%"]


@settings(
    max_examples=120,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    segments=st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=6)), max_size=6),
    climb=st.booleans(),
    folder=st.sampled_from(["", "about", "cloud-backup-webinar", "summit-2026", "refer-a-team"]),
    slashes_encoded=st.booleans(),
    query=st.one_of(st.just(""), st.text(max_size=8)),
)
def test_any_requested_path_redirects_only_to_this_server(
    server: DevServer,
    segments: list[str],
    climb: bool,
    folder: str,
    slashes_encoded: bool,
    query: str,
) -> None:
    # often climb back out of whatever came first to a folder that exists: a redirect
    path = "/".join([*segments, *[".."] * (2 * len(segments) if climb else 0), folder])
    target = "/" + quote(path, safe="" if slashes_encoded else "/")
    if query:
        target += "?" + quote(query, safe="=&")
    code, headers = request(server, target)
    assert code in (200, 301, 404)
    for values in headers.values():
        assert all(not re.search(r"[\x00-\x1f\x7f]", value) for value in values)
    for location in headers.get("location", []):
        assert SAME_ORIGIN.fullmatch(location), location
        assert request(server, location)[0] == 200  # the folder asked for, on this server


@settings(max_examples=500, deadline=None, derandomize=True, database=None)
@given(path=st.text(), query=st.text())
def test_a_directory_location_is_always_a_path_on_this_server(path: str, query: str) -> None:
    location = directory_location(path, query)
    assert SAME_ORIGIN.fullmatch(location), location
    assert location.endswith("/") or "?" in location


def test_a_long_request_line_answers_414_without_a_traceback(
    server: DevServer, messages: list[str], capfd: pytest.CaptureFixture[str]
) -> None:
    code, headers, _body = raw_request(
        server, b"GET /" + b"a" * 6000 + b" HTTP/1.1\r\nHost: localhost\r\n\r\n"
    )
    assert code == 414
    assert headers["connection"] == ["close"]
    fits = b"/" + b"a" * (MAX_REQUEST_LINE - len(b"GET / HTTP/1.1\r\n"))
    assert request(server, fits.decode())[0] == 404  # a name too long for the file system
    assert not [m for m in messages if "request failed" in m]
    assert "Traceback" not in capfd.readouterr().err


def test_oversized_headers_answer_431(server: DevServer, capfd: pytest.CaptureFixture[str]) -> None:
    big = b"X-Filler: " + b"a" * MAX_HEADER_BYTES + b"\r\n"
    code, _headers, _body = raw_request(server, b"GET / HTTP/1.1\r\n" + big + b"\r\n")
    assert code == 431
    many = b"".join(b"X-%d: %s\r\n" % (n, b"b" * 100) for n in range(MAX_HEADER_BYTES // 100))
    code, _headers, _body = raw_request(server, b"GET / HTTP/1.1\r\n" + many + b"\r\n")
    assert code == 431
    normal = b"GET / HTTP/1.1\r\nHost: localhost\r\nUser-Agent: " + b"c" * 500 + b"\r\n\r\n"
    assert raw_request(server, normal)[0] == 200
    assert "Traceback" not in capfd.readouterr().err


def test_an_error_while_answering_is_one_line_not_a_traceback(
    server: DevServer,
    messages: list[str],
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
) -> None:
    def broken(_state: object) -> dict[str, object]:
        raise RuntimeError("status\nunavailable")

    monkeypatch.setattr(handler, "status", broken)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError)):
        get(server, "/__xpromo__/status")
    assert messages[-1] == (
        "xpromo: preview server: a request failed: RuntimeError: status unavailable"
    )
    assert "Traceback" not in capfd.readouterr().err
    monkeypatch.undo()
    assert get(server, "/")[0] == 200


# --- stopping ----------------------------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="SIGTERM is POSIX")
def test_sigterm_stops_the_server_and_removes_its_build_folder(
    minimal_copy: Path, tmp_path: Path
) -> None:
    temp = tmp_path / "temp"
    temp.mkdir()
    env = subprocess_env() | {"TMPDIR": str(temp), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "-m", "xpromo_site", "serve", "-s", str(minimal_copy)]
    command += ["--port", "0", "--today", TODAY.isoformat()]
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
    )
    try:
        assert process.stdout is not None
        serving = process.stdout.readline()
        url = re.search(r"on (http://[^ ]+/) ", serving)
        assert url, serving
        folders = [p.name for p in temp.iterdir()]
        assert len(folders) == 1 and folders[0].startswith("xpromo-serve-"), folders
        assert (temp / folders[0] / "site" / "index.html").is_file()
        with urllib.request.urlopen(url[1], timeout=10) as response:
            assert response.status == 200

        process.send_signal(signal.SIGTERM)
        code = process.wait(timeout=15)
        rest, errors = process.communicate()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    assert code == 0, errors
    assert rest == "Stopped.\n"
    assert "Traceback" not in errors
    assert list(temp.iterdir()) == []
