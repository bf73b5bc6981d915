"""Every link a published page carries to another site is a row of the links manifest.

Each fixture site (tests/sites/*, the demo at the repository's root and every
tests/hostile case laid over the minimal site) is built, and every HTML page is read back
with an HTML5 parser (selectolax's Lexbor, as browsers parse). Each ``a[href]``,
``area[href]`` and ``form[action]`` that a browser resolves, against the page's own
address, to an http(s) URL on another host than the program's must be a row of
``links.json`` and of ``links.csv``. The manifest has no page column: its ``campaign``
(the campaign's slug, or a plain page's) and ``audience`` (whose variant it is) name the
page, so a campaign page's or plain page's link must be a row of that page, with channel
``page``; a link on any other page (home, hubs, redirects) must be a row of the manifest.
Rows hold the URL exactly as the page publishes it.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path

import pytest
from ada_url import URL
from selectolax.lexbor import LexborHTMLParser

from tests.conftest import REPO
from tests.sitecases import MINIMAL, TESTS, TODAY, site_for
from xpromo_site.build import build
from xpromo_site.site import Site

HOSTILE = TESTS / "hostile"
SITES = {
    "minimal": MINIMAL,
    "contract": TESTS / "sites" / "contract",
    "demo": REPO,
    **{f"hostile/{p.name}": p for p in sorted(HOSTILE.iterdir()) if p.is_dir()},
}
DAYS = {"contract": "2026-12-02"}  # its campaigns start on 2026-12-01 (tests/test_contract.py)
TARGETS = (("a[href]", "href"), ("area[href]", "href"), ("form[action]", "action"))


def _pages(site: Site) -> dict[str, tuple[str, str]]:
    """Page path → (the manifest's campaign, audience) for the pages whose links are theirs."""
    owned = {}
    for item in site.published:
        for variant in (item.canonical, *item.variants):
            owned[variant.path] = (item.campaign.slug, variant.lead.id)
    for page in site.pages:
        owned[f"{page.slug}/"] = (page.slug, site.owner.id)
    return owned


def _offsite(html: str, page_url: str, own_host: str) -> list[tuple[str, str]]:
    """Every (selector, value) of the page that a browser opens on another host."""
    tree = LexborHTMLParser(html)
    found = []
    for selector, attribute in TARGETS:
        for node in tree.css(selector):
            value = node.attributes.get(attribute) or ""
            try:
                target = URL(value, base=page_url)
            except ValueError:
                continue  # browsers do not follow it
            if target.protocol in ("http:", "https:") and target.hostname != own_host:
                found.append((selector, value))
    return found


@pytest.fixture(params=sorted(SITES), scope="module")
def built(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple:
    name = request.param
    tmp = tmp_path_factory.mktemp(name.replace("/", "-"))
    source = SITES[name]
    root = (
        source
        if name in ("demo", "contract")
        else site_for(None if source == MINIMAL else source, tmp)
    )
    out = tmp / "out"
    today = dt.date.fromisoformat(DAYS.get(name, TODAY))
    report = build(root, out, today, cache=tmp / "cache", images=False)
    return name, out, report.site


def test_every_fixture_site_is_read(built: tuple) -> None:
    _, out, site = built
    assert list(out.rglob("*.html"))
    assert site.published


def test_every_offsite_link_of_a_page_is_in_the_manifest(built: tuple) -> None:
    name, out, site = built
    rows = json.loads((out / "links.json").read_text(encoding="utf-8"))["links"]
    owned = _pages(site)
    base = site.program.base_url
    own_host = URL(base).hostname
    every_url = {row["url"] for row in rows}
    missing = []
    checked = 0
    for path in sorted(out.rglob("*.html")):
        rel = path.relative_to(out).as_posix()
        page_path = rel.removesuffix("index.html")
        page_url = base + page_path
        owner = owned.get(page_path)
        listed = (
            {
                row["url"]
                for row in rows
                if (row["campaign"], row["audience"], row["channel"]) == (*owner, "page")
            }
            if owner is not None
            else every_url
        )
        for selector, value in _offsite(path.read_text(encoding="utf-8"), page_url, own_host):
            checked += 1
            if value not in listed:
                missing.append(f"{name}: {rel}: {selector} {value}")
    assert missing == []
    assert checked > 0


def test_the_csv_manifest_holds_the_same_rows(built: tuple) -> None:
    _, out, _ = built
    rows = json.loads((out / "links.json").read_text(encoding="utf-8"))["links"]
    table = list(csv.DictReader(io.StringIO((out / "links.csv").read_text(encoding="utf-8"))))
    assert table == rows


def test_a_hostile_address_is_filed_under_the_host_browsers_visit(tmp_path: Path) -> None:
    """`\\` before `@` is `/` to a browser: the CTA goes to evil.example, carries no
    Beta referral code, and the scheme-relative copy links are listed as they publish."""
    site = site_for(HOSTILE / "campaign-links-browsers-read-otherwise", tmp_path)
    out = tmp_path / "out"
    build(site, out, dt.date.fromisoformat(TODAY), cache=tmp_path / "cache", images=False)
    rows = json.loads((out / "links.json").read_text(encoding="utf-8"))["links"]
    webinar = [row for row in rows if row["campaign"] == "backup-webinar"]
    cta = {row["url"] for row in webinar if row["placement"] == "cta"}
    assert cta == {"https://evil.example/@beta.example/webinars/42"}
    assert not any("ref=" in row["url"] for row in rows if "evil.example" in row["url"])
    body = {row["url"] for row in rows if row["placement"] == "body"}
    assert {f"https://evil.example/{p}" for p in "abcd"} <= body
    assert "https://evil.example/partners" in body  # the plain page's link
    guide = [r for r in rows if r["placement"] == "body" and "/guide" in r["url"]]
    filed = {(r["audience"], r["destination"]) for r in guide}
    assert filed == {("alpha", "beta"), ("beta", "beta")}
    assert any("ref=BETA-A1" in r["url"] for r in guide if r["audience"] == "alpha")


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<a href="//evil.example/a">x</a>', [("a[href]", "//evil.example/a")]),
        ('<a href="/\\evil.example/">x</a>', [("a[href]", "/\\evil.example/")]),
        (
            '<form action="https:///evil.example/f"></form>',
            [("form[action]", "https:///evil.example/f")],
        ),
        (
            '<map><area href="https://evil.example/"></map>',
            [("area[href]", "https://evil.example/")],
        ),
        ('<a href="/about/">x</a><a href="#top">y</a><a href="mailto:a@b.example">z</a>', []),
        ('<a href="https://site.example/x">x</a>', []),
    ],
)
def test_the_reader_sees_what_browsers_follow(html: str, expected: list) -> None:
    assert _offsite(html, "https://site.example/page/", "site.example") == expected
