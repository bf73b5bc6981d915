"""End to end: build the demo program and read what a visitor and a partner would get."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.conftest import REPO, site_pages
from tests.htmltools import Element, parse_html
from xpromo_site.build import build

TODAY = "2026-11-23"
BASE = "https://partners.northwind.example/"
PARTNER_HOSTS = {
    "northwind.example": "northwind",
    "contoso.example": "contoso",
    "www.fabrikam.example": "fabrikam",
    "tailspin.example": "tailspin",
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built once for this module, as of TODAY."""
    import datetime as dt

    out = tmp_path_factory.mktemp("demo") / "public"
    build(REPO, out, dt.date.fromisoformat(TODAY), cache=out.parent / "cache")
    return out


def page(site: Path, path: str) -> Element:
    return parse_html((site / path).read_text(encoding="utf-8"))


def links(root: Element) -> list[str]:
    """Every link a visitor can follow, except links to a partner's privacy policy."""
    return [
        a.attrs["href"]
        for a in root.iter("a")
        if "href" in a.attrs and a.attrs.get("rel") != "privacy-policy"
    ]


def test_layout_matches_the_contract(site: Path) -> None:
    pages = [p.relative_to(site).as_posix() for p in site_pages(site)]
    assert pages == [
        "404.html",
        "about/index.html",
        "cloud-backup-webinar/contoso/index.html",
        "cloud-backup-webinar/index.html",
        "cloud-backup-webinar/northwind/index.html",
        "go/contoso-webinar/index.html",
        "go/northwind-webinar/index.html",
        "index.html",
        "partners/contoso/index.html",
        "partners/fabrikam/index.html",
        "partners/northwind/index.html",
        "partners/tailspin/index.html",
        "refer-a-team/fabrikam/index.html",
        "refer-a-team/index.html",
        "refer-a-team/northwind/index.html",
        "security-bundle/contoso/index.html",
        "security-bundle/fabrikam/index.html",
        "security-bundle/index.html",
        "security-bundle/northwind/index.html",
        "summit-2026/contoso/index.html",
        "summit-2026/index.html",
        "summit-2026/northwind/index.html",
        "summit-2026/tailspin/index.html",
    ]
    names = ("links.csv", "links.json", "sitemap.xml", "robots.txt", "_headers", "_redirects")
    for name in (*names, "feed.xml"):
        assert (site / name).is_file()


def test_drafts_and_scheduled_campaigns_are_not_published(site: Path) -> None:
    everything = "".join(p.read_text() for p in site.rglob("*") if p.suffix in (".html", ".csv"))
    for slug in ("crm-migration-playbook", "spring-offer-2027"):
        assert not (site / slug).exists()
        assert slug not in everything


@pytest.mark.parametrize(
    ("path", "audience"),
    [
        ("cloud-backup-webinar/index.html", "northwind"),
        ("cloud-backup-webinar/northwind/index.html", "northwind"),
        ("cloud-backup-webinar/contoso/index.html", "contoso"),
        ("security-bundle/fabrikam/index.html", "fabrikam"),
        ("refer-a-team/fabrikam/index.html", "fabrikam"),
        ("refer-a-team/northwind/index.html", "northwind"),
    ],
)
def test_every_link_to_a_partner_credits_the_pages_audience(
    site: Path, path: str, audience: str
) -> None:
    tracked = 0
    for href in links(page(site, path)):
        parts = urlsplit(href)
        destination = PARTNER_HOSTS.get(parts.hostname or "")
        if destination is None or parts.scheme not in ("http", "https"):
            continue
        params = parse_qsl(parts.query, keep_blank_values=True)
        names = [name for name, _ in params]
        assert len(names) == len(set(names)), f"repeated parameter in {href}"
        values = dict(params)
        assert values["utm_source"] == audience, href
        assert values["utm_medium"] == "referral"
        assert values["utm_campaign"] == path.split("/")[0]
        assert values["utm_content"]
        tracked += 1
    assert tracked >= 2


def test_referral_codes_follow_the_destination_partners_scheme(site: Path) -> None:
    northwind = links(page(site, "cloud-backup-webinar/northwind/index.html"))
    cta = next(h for h in northwind if h.startswith("https://contoso.example/webinars/42"))
    assert cta == (
        "https://contoso.example/webinars/42?lang=en&utm_source=northwind&utm_medium=referral"
        "&utm_campaign=cloud-backup-webinar&utm_content=cta&ref=CTS-NW-01#register"
    )
    contoso = links(page(site, "cloud-backup-webinar/contoso/index.html"))
    own = next(h for h in contoso if h.startswith("https://contoso.example/webinars/42"))
    assert "ref=" not in own  # a partner does not refer its own audience to itself
    fabrikam = links(page(site, "refer-a-team/northwind/index.html"))
    signup = next(h for h in fabrikam if h.startswith("https://www.fabrikam.example/signup"))
    assert "&partner=northwind&" in signup  # no code set: the referrer's id


def test_links_outside_the_program_stay_as_written(site: Path) -> None:
    hrefs = links(page(site, "cloud-backup-webinar/contoso/index.html"))
    assert "https://www.nist.gov/cyberframework" in hrefs


def test_each_variant_leads_with_its_partner(site: Path) -> None:
    for partner in ("northwind", "contoso"):
        root = page(site, f"cloud-backup-webinar/{partner}/index.html")
        html_element = root.find("html")
        assert html_element is not None
        first_logo = root.iter("main")[0].iter("img")[0]
        assert f"/logos/{partner}" in first_logo.attrs["src"]
        assert first_logo.attrs["alt"]


def test_dark_primary_uses_the_logo_for_dark_backgrounds(site: Path) -> None:
    root = page(site, "cloud-backup-webinar/contoso/index.html")
    first_logo = root.iter("main")[0].iter("img")[0]
    assert "contoso-white" in first_logo.attrs["src"]


def test_variants_point_at_the_canonical_page(site: Path) -> None:
    for path in ("security-bundle/index.html", "security-bundle/fabrikam/index.html"):
        canonical = page(site, path).find("link", rel="canonical")
        assert canonical is not None
        assert canonical.attrs["href"] == BASE + "security-bundle/"


def test_footer_carries_every_partners_legal_line(site: Path) -> None:
    root = page(site, "security-bundle/fabrikam/index.html")
    footer = root.iter("footer")[0].text
    for line in (
        "Northwind and the Northwind logo are trademarks of Northwind Inc.",
        "Contoso Backup is a registered trademark of Contoso Ltd.",
        "Fabrikam and Fabrikam CRM are trademarks of Fabrikam, Inc.",
    ):
        assert line in footer


def test_ended_campaign_says_so_and_has_no_call_to_action(site: Path) -> None:
    root = page(site, "summit-2026/tailspin/index.html")
    text = root.text
    assert "ended" in text.lower()
    assert "30 September 2026" in text
    assert not any("utm_content=cta" in href for href in links(root))


def test_type_blocks(site: Path) -> None:
    webinar = page(site, "cloud-backup-webinar/index.html").text
    assert "Thursday 10 December 2026, 17:00" in webinar
    assert "Europe/Berlin (UTC+01:00)" in webinar
    bundle = page(site, "security-bundle/index.html").text
    for fact in ("€49 per user / month", "€68 per user / month", "SECURECRM26"):
        assert fact in bundle
    assert "Guided onboarding session with all three teams" in bundle
    referral = page(site, "refer-a-team/northwind/index.html")
    assert "northwind" in referral.text  # fabrikam's code for northwind: its id


def test_home_lists_live_campaigns_only(site: Path) -> None:
    root = page(site, "index.html")
    hrefs = links(root)
    for slug in ("cloud-backup-webinar", "security-bundle", "refer-a-team"):
        assert f"{slug}/" in hrefs
    assert "summit-2026/" not in hrefs  # ended: it leaves the home page and the sitemap
    assert "Past campaigns" not in root.text


def test_hub_lists_a_share_link_per_channel(site: Path) -> None:
    text = page(site, "partners/contoso/index.html").text
    for medium, content in (
        ("email", "email"),
        ("social", "social"),
        ("referral", "partner-portal"),
    ):
        url = (
            f"{BASE}cloud-backup-webinar/contoso/?utm_source=contoso&utm_medium={medium}"
            f"&utm_campaign=cloud-backup-webinar&utm_content={content}"
        )
        assert url in text


def test_referral_schemes_follow_each_destination(site: Path) -> None:
    northwind = links(page(site, "summit-2026/northwind/index.html"))
    recordings = next(h for h in northwind if "/recordings" in h)
    query = parse_qsl(urlsplit(recordings).query)
    assert query[-2:] == [("gspk", "bnctZXZlbnRz"), ("ps_program", "events")]  # "nw-events"
    assert "gspk=bnctZXZlbnRz&ps_program=events" in recordings
    contoso = links(page(site, "summit-2026/contoso/index.html"))
    assert any(h.endswith("&gspk=Y29udG9zbw%3D%3D&ps_program=events") for h in contoso)
    own = links(page(site, "summit-2026/tailspin/index.html"))
    assert not any("gspk" in h or "ps_program" in h for h in own)
    signup = next(
        h for h in links(page(site, "refer-a-team/northwind/index.html")) if "/signup" in h
    )
    assert signup.endswith("&partner=northwind&subId1=refer-a-team")


def test_links_csv_lists_every_tracked_link(site: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((site / "links.csv").read_text())))
    assert len(rows) == 106
    assert list(rows[0]) == ["campaign", "audience", "destination", "channel", "placement", "url"]
    for row in rows:
        if row["destination"] or row["placement"] == "share":
            query = parse_qsl(urlsplit(row["url"]).query)
            names = [name for name, _ in query]
            assert len(names) == len(set(names)), row["url"]
            values = dict(query)
            assert values["utm_source"] == row["audience"]
            assert values["utm_campaign"] == row["campaign"]
            assert values["utm_medium"] in ("referral", "email", "social")  # the dictionary
            assert values["utm_content"]
    pairs = {(r["campaign"], r["audience"]) for r in rows}
    assert ("security-bundle", "fabrikam") in pairs
    assert not any(r["campaign"] == "crm-migration-playbook" for r in rows)
    channels = {(r["channel"], r["placement"]) for r in rows}
    assert channels == {
        ("page", "cta"),
        ("page", "body"),
        ("page", "partners"),
        ("page", "calendar"),
        ("page", "form"),
        ("page", "privacy"),
        ("email", "share"),
        ("social", "share"),
        ("portal", "share"),
        ("web", "share"),
        ("print", "share"),
    }


def test_links_json_holds_the_same_rows(site: Path) -> None:
    rows = list(csv.DictReader(io.StringIO((site / "links.csv").read_text())))
    data = json.loads((site / "links.json").read_text(encoding="utf-8"))
    assert list(data) == ["links"]
    assert data["links"] == rows
    assert [list(row) for row in data["links"]] == [list(rows[0])] * len(rows)


def test_sitemap_and_robots(site: Path) -> None:
    sitemap = (site / "sitemap.xml").read_text()
    assert f"<loc>{BASE}cloud-backup-webinar/</loc>" in sitemap
    assert "summit-2026" not in sitemap  # ended
    assert f"<loc>{BASE}about/</loc>" in sitemap
    assert f"Sitemap: {BASE}sitemap.xml" in (site / "robots.txt").read_text()


def test_pages_make_no_third_party_requests(site: Path) -> None:
    for path in site_pages(site):
        root = parse_html(path.read_text())
        for script in root.iter("script"):
            if script.attrs.get("type") == "application/ld+json":
                continue  # JSON-LD is a data block: browsers never run it
            # files of the site only: no inline script
            assert script.attrs["src"].startswith("../../static/kit."), path
            assert not script.text, path
        for element in root.iter():
            for attribute in ("src", "srcset"):
                value = element.attrs.get(attribute, "")
                assert not value.startswith(("http:", "https:", "//")), (path, value)
            if element.tag == "link" and element.attrs.get("rel") != "canonical":
                href = element.attrs.get("href", "")
                assert href.startswith(BASE) or not href.startswith(("http", "//")), path


def test_every_page_names_the_icon_the_build_wrote(site: Path) -> None:
    icons = sorted(p.relative_to(site).as_posix() for p in site.glob("static/favicon.*.svg"))
    assert len(icons) == 1
    assert (site / icons[0]).read_text().startswith('<svg xmlns="http://www.w3.org/2000/svg"')
    for path in site_pages(site):
        icon = parse_html(path.read_text()).find("link", rel="icon")
        assert icon is not None, path
        depth = "/" if path.name == "404.html" else "../" * (len(path.relative_to(site).parts) - 1)
        assert icon.attrs["href"] == depth + icons[0], path


def test_every_page_has_landmarks_title_and_language(site: Path) -> None:
    for path in site_pages(site):
        root = parse_html(path.read_text())
        html_element = root.find("html")
        assert html_element is not None and html_element.attrs.get("lang") == "en"
        assert root.find("title") is not None and root.find("title").text  # type: ignore[union-attr]
        assert len(root.iter("main")) == 1, path
        assert len(root.iter("h1")) == 1, path
        for img in root.iter("img"):
            assert "alt" in img.attrs, (path, img.attrs)


def test_two_builds_are_byte_identical(tmp_path: Path, demo_copy: Path) -> None:
    import datetime as dt

    today = dt.date.fromisoformat(TODAY)
    build(demo_copy, tmp_path / "one", today)
    moved = tmp_path / "elsewhere"
    shutil.copytree(demo_copy, moved)
    build(moved, tmp_path / "two", today)
    build(moved, tmp_path / "two", today)  # again over its own previous output

    def files(folder: Path) -> dict[str, bytes]:
        return {
            p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*"))
            if p.is_file()
        }

    assert files(tmp_path / "one") == files(tmp_path / "two")


# --- brand governance: lockups, logos, styles ----------------------------------------------------


def _lockup(site: Path, path: str) -> list[Element]:
    root = page(site, path)
    lockup = next(p for p in root.iter("p") if p.has_class("lockup"))
    return lockup.iter("img")


def test_every_dark_band_draws_the_logo_made_for_it(site: Path) -> None:
    for path, white in (
        ("cloud-backup-webinar/index.html", "northwind-white"),
        ("security-bundle/fabrikam/index.html", "fabrikam-white"),
        ("partners/northwind/index.html", "northwind-white"),
    ):
        first = page(site, path).iter("main")[0].iter("img")[0]
        assert white in first.attrs["src"], path
    # on a light band (Tailspin's orange, dark text) the usual logo is drawn
    first = _lockup(site, "summit-2026/tailspin/index.html")[0]
    assert "tailspin." in first.attrs["src"]


def test_logos_are_sized_by_visible_area(site: Path) -> None:
    areas = [
        int(img.attrs["width"]) * int(img.attrs["height"])
        for img in _lockup(site, "cloud-backup-webinar/index.html")
    ]
    assert max(areas) / min(areas) < 1.05  # an equal lockup
    host, *others = _lockup(site, "security-bundle/index.html")  # host-led, max_ratio 1.5
    host_area = int(host.attrs["width"]) * int(host.attrs["height"])
    for other in others:
        ratio = host_area / (int(other.attrs["width"]) * int(other.attrs["height"]))
        assert 1.4 < ratio < 1.6


def test_the_lockup_separator_and_phrase(site: Path) -> None:
    root = page(site, "refer-a-team/fabrikam/index.html")
    lockup = next(p for p in root.iter("p") if p.has_class("lockup"))
    assert " ".join(lockup.text.split()) == "in partnership with"
    bundle = page(site, "security-bundle/index.html")
    separators = [s for s in bundle.iter("span") if s.has_class("lockup__sep--plus")]
    assert len(separators) == 2
    assert [" ".join(s.text.split()) for s in separators] == [
        "+ in partnership with",
        "+ and",
    ]


def test_every_logo_class_is_in_the_stylesheet_and_no_page_has_inline_style(site: Path) -> None:
    (css_path,) = (site / "static").glob("xpromo.*.css")
    css = css_path.read_text()
    for path in site_pages(site):
        root = parse_html(path.read_text())
        for element in root.iter():
            assert "style" not in element.attrs, path
            for name in element.attrs.get("class", "").split():
                if name.startswith("logo-fit-"):
                    assert f".{name}{{" in css, (path, name)
    assert ".logo-fit-" in css and "--logo-min-w:120px" in css and "--logo-clear:" in css


def test_tokens_colours_reach_the_stylesheet(site: Path) -> None:
    (css_path,) = (site / "static").glob("xpromo.*.css")
    assert (
        ".brand-tailspin{--brand-primary:#EA580C;--brand-on-primary:#1F1235;"
        "--brand-text:#1F1235;--brand-background:#FFFBF5;--brand-accent:#5B21B6;"
        "--brand-link:#1F1235}"
    ) in css_path.read_text()


def test_published_logos_carry_no_metadata(site: Path) -> None:
    for path in (site / "assets").rglob("*.png"):
        data = path.read_bytes()
        for chunk in (b"tEXt", b"iTXt", b"zTXt", b"eXIf", b"iCCP", b"tIME"):
            assert chunk not in data, (path.name, chunk)
