"""Fixtures of the browser tests: the demo built once, served locally, and one Chromium."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import (
    Browser,
    ConsoleMessage,
    Error,
    Page,
    Request,
    Route,
    sync_playwright,
)

from tests.browser.harness import (
    CHROMIUM,
    CHROMIUM_ARGS,
    TODAY,
    Visit,
    have_chromium,
    require,
    serve,
)
from tests.conftest import REPO
from xpromo_site.build import build

ARTIFACTS = REPO / "tests" / "artifacts"

OpenPage = Callable[..., AbstractContextManager[tuple[Page, Visit]]]


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo program built once, as of the fixed TODAY."""
    out = tmp_path_factory.mktemp("browser") / "public"
    build(REPO, out, dt.date.fromisoformat(TODAY))
    return out


@pytest.fixture(scope="session")
def site_url(demo_site: Path) -> Iterator[str]:
    """Base URL of the demo, served on 127.0.0.1 for the whole session."""
    with serve(demo_site) as url:
        yield url


@pytest.fixture(scope="session")
def artifacts() -> Path:
    """tests/artifacts/ (ignored by git): screenshots and reports a person can look at."""
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    """One headless Debian Chromium, driven by Playwright, shared by every browser test."""
    require(f"Chromium ({CHROMIUM})", have_chromium())
    with sync_playwright() as playwright:
        # launch() gives every run a fresh temporary profile and removes it afterwards.
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture(scope="session")
def page_pool(browser: Browser) -> Iterator[dict[str, Page]]:
    """One open tab per set of browser settings, reused across tests: opening a tab
    costs four times as much as loading a page in it."""
    pages: dict[str, Page] = {}
    yield pages
    for page in pages.values():
        page.context.close()


def _new_page(browser: Browser, site_url: str, options: dict[str, Any]) -> Page:
    """Open a tab in a new context whose requests can only reach the local site."""
    context = browser.new_context(**options)

    def route(route: Route) -> None:
        if route.request.url.startswith(site_url):
            route.continue_()
        else:
            route.abort()

    context.route("**/*", route)
    return context.new_page()


@pytest.fixture
def open_page(browser: Browser, site_url: str, page_pool: dict[str, Page]) -> OpenPage:
    """Load a path of the demo in a browser tab; yields (page, Visit).

    Keyword arguments are the tab's settings for `Browser.new_context` (viewport,
    device_scale_factor, reduced_motion, ...). A tab with the same settings is
    reused, its cache warm; `fresh=True` gives a new tab with an empty cache,
    closed afterwards, to see what a first visit transfers. Every request is
    recorded in the Visit, and any that does not go to the local site is aborted,
    so nothing ever leaves the machine.
    """

    @contextmanager
    def opened(path: str, fresh: bool = False, **options: Any) -> Iterator[tuple[Page, Visit]]:
        key = json.dumps(options, sort_keys=True)
        if fresh:
            page = _new_page(browser, site_url, options)
        else:
            if key not in page_pool:
                page_pool[key] = _new_page(browser, site_url, options)
            page = page_pool[key]
            if "viewport" in options:
                page.set_viewport_size(options["viewport"])  # a test may have resized it
        visit = Visit(site_url + path, [], {}, {}, [], 0)

        def requested(request: Request) -> None:
            visit.requests.append(request.url)

        def finished(request: Request) -> None:
            sizes = request.sizes()
            visit.transfer[request.url] = sizes["responseBodySize"] + sizes["responseHeadersSize"]
            response = request.response()
            if response is not None:
                visit.content_types[request.url] = response.headers.get("content-type", "")

        def console(message: ConsoleMessage) -> None:
            if message.type == "error":
                visit.console_errors.append(message.text)

        def page_error(error: Error) -> None:
            visit.console_errors.append(str(error))

        listeners = {
            "request": requested,
            "requestfinished": finished,
            "console": console,
            "pageerror": page_error,
        }
        for event, listener in listeners.items():
            page.on(event, listener)  # type: ignore[call-overload]
        try:
            response = page.goto(visit.url, wait_until="load")
            visit.status = response.status if response is not None else 0
            yield page, visit
        finally:
            for event, listener in listeners.items():
                page.remove_listener(event, listener)
            if fresh:
                page.context.close()

    return opened
