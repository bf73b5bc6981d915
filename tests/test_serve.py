"""The development server: serves the build, rebuilds on save, reloads pages, shows errors."""

from __future__ import annotations

import datetime as dt
import http.client
import json
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from xpromo_site.serve import DevServer

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def server(demo_copy: Path) -> Iterator[DevServer]:
    messages: list[str] = []
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
    from xpromo_site import serve

    def broken(*_args: object) -> None:
        raise RuntimeError("boom")

    monkeypatch.setattr(serve, "build", broken)
    state = server.rebuild()
    assert state.failure == "internal error: RuntimeError: boom"
    assert get(server, "/")[0] == 200
    assert "internal error: RuntimeError: boom" in get(server, "/")[1]
