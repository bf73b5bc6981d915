"""The browser tests' machinery, without a browser: CI never skips; the server acts as a host."""

from __future__ import annotations

import urllib.error
import urllib.request
from pathlib import Path

import pytest

from tests.browser.harness import read_headers_file, require, serve


def test_a_missing_tool_skips_locally(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"Chromium .* is missing"):
        require("Chromium (/usr/bin/chromium)", False)


@pytest.mark.parametrize("value", ["true", "1", "TRUE"])
def test_a_missing_tool_fails_in_ci(monkeypatch: pytest.MonkeyPatch, value: str) -> None:
    monkeypatch.setenv("CI", value)
    with pytest.raises(pytest.fail.Exception, match="CI must run the browser tests"):
        require("Java (for the Nu HTML checker)", False)
    require("Java (for the Nu HTML checker)", True)  # present: nothing happens


def test_the_server_answers_like_a_static_host(demo_site: Path) -> None:
    with serve(demo_site) as url:
        with urllib.request.urlopen(url + "about/") as response:
            assert response.status == 200
            assert "default-src 'none'" in response.headers["Content-Security-Policy"]
            assert response.headers["Cache-Control"] is None
        (css,) = (demo_site / "static").glob("xpromo.*.css")
        with urllib.request.urlopen(url + f"static/{css.name}") as response:
            assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(url + "no/such/page/")
        assert missing.value.code == 404
        assert missing.value.read() == (demo_site / "404.html").read_bytes()
        missing.value.close()


def test_headers_file_rules_are_read_in_order() -> None:
    text = "# comment\n/*\n  X-One: 1\n  X-Two: a: b\n\n/static/*\n  Cache-Control: no-store\n"
    assert read_headers_file(text) == [
        ("/*", "X-One", "1"),
        ("/*", "X-Two", "a: b"),
        ("/static/*", "Cache-Control", "no-store"),
    ]
