"""The partner kit, end to end: share images, QR codes, email, social posts, calendar, zip."""

from __future__ import annotations

import csv
import datetime as dt
import io
import shutil
import struct
import zipfile
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit
from zoneinfo import ZoneInfo

import icalendar
import pytest
import resvg_py
import zxingcpp
from PIL import Image

from tests.conftest import REPO, edit
from tests.htmltools import Element, parse_html
from xpromo_site.build import build, check
from xpromo_site.publish.imagecache import CACHE_DIR

TODAY = dt.date(2026, 11, 23)
BASE = "https://partners.northwind.example/"
LIVE = {  # live campaign → its partners, as of TODAY
    "cloud-backup-webinar": ("northwind", "contoso"),
    "refer-a-team": ("northwind", "fabrikam"),
    "security-bundle": ("northwind", "contoso", "fabrikam"),
}


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo built once for this module, every share image drawn afresh."""
    out = tmp_path_factory.mktemp("kit") / "public"
    build(REPO, out, TODAY, cache=out.parent / "cache")
    return out


@pytest.fixture(scope="module")
def share_links(site: Path) -> dict[tuple[str, str, str], str]:
    """(campaign, partner, channel) → the share link links.csv lists."""
    rows = csv.DictReader(io.StringIO((site / "links.csv").read_text()))
    return {
        (r["campaign"], r["audience"], r["channel"]): r["url"]
        for r in rows
        if r["placement"] == "share"
    }


def page(site: Path, path: str) -> Element:
    return parse_html((site / path).read_text(encoding="utf-8"))


def meta(root: Element, key: str) -> str:
    for element in root.iter("meta"):
        if key in (element.attrs.get("property"), element.attrs.get("name")):
            return element.attrs["content"]
    raise AssertionError(f"no <meta> {key}")


def decode_qr(image: Image.Image) -> list[str]:
    return [result.text for result in zxingcpp.read_barcodes(image)]


# share images -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "cloud-backup-webinar/index.html",
        "cloud-backup-webinar/contoso/index.html",
        "security-bundle/fabrikam/index.html",
        "summit-2026/tailspin/index.html",  # ended pages keep their preview
    ],
)
def test_campaign_pages_carry_their_share_image(site: Path, path: str) -> None:
    root = page(site, path)
    url = meta(root, "og:image")
    assert meta(root, "twitter:image") == url
    assert meta(root, "twitter:card") == "summary_large_image"
    assert url.startswith(BASE + "assets/share/")
    assert (meta(root, "og:image:width"), meta(root, "og:image:height")) == ("1200", "630")
    assert meta(root, "og:image:alt") == meta(root, "twitter:image:alt")
    assert root.find("title") is not None
    title = root.find("title").text  # type: ignore[union-attr]
    assert title.split(" · ")[0] in meta(root, "og:image:alt")
    assert meta(root, "og:url") == BASE + path.removesuffix("index.html")
    with Image.open(site / url.removeprefix(BASE)) as image:
        assert image.format == "PNG"
        assert image.size == (1200, 630)


def test_each_variant_image_leads_with_its_partner(site: Path) -> None:
    northwind = meta(page(site, "cloud-backup-webinar/northwind/index.html"), "og:image")
    contoso = meta(page(site, "cloud-backup-webinar/contoso/index.html"), "og:image")
    canonical = meta(page(site, "cloud-backup-webinar/index.html"), "og:image")
    assert canonical == northwind != contoso  # the owner leads the canonical page
    with Image.open(site / contoso.removeprefix(BASE)) as image:
        assert image.convert("RGB").getpixel((5, 300)) == (0x14, 0x21, 0x3D)  # contoso's primary


def test_pages_without_a_campaign_have_no_share_image(site: Path) -> None:
    for path in ("index.html", "about/index.html", "partners/contoso/index.html"):
        assert not any(
            m.attrs.get("property", "").startswith("og:image")
            or m.attrs.get("name", "").startswith("twitter:image")
            for m in page(site, path).iter("meta")
        )


def _chunks(data: bytes) -> list[str]:
    names, offset = [], 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        names.append(data[offset + 4 : offset + 8].decode("ascii"))
        offset += 12 + length
    return names


def test_share_images_carry_no_metadata(site: Path) -> None:
    images = sorted((site / "assets" / "share").glob("*.png"))
    assert len(images) == 10
    for path in images:
        assert set(_chunks(path.read_bytes())) == {"IHDR", "IDAT", "IEND"}


def test_a_no_change_rebuild_draws_nothing_and_writes_the_same_bytes(
    demo_copy: Path, tmp_path: Path
) -> None:
    first = build(demo_copy, tmp_path / "one", TODAY)
    assert (first.images.drawn, first.images.reused) == (10, 0)
    assert (first.images.qr_made, first.images.qr_reused) == (7, 0)
    assert len(list((demo_copy / CACHE_DIR / "share").glob("*.png"))) == 10
    assert len(list((demo_copy / CACHE_DIR / "qr").iterdir())) == 14
    again = build(demo_copy, tmp_path / "two", TODAY)
    assert (again.images.drawn, again.images.reused) == (0, 10)
    assert (again.images.qr_made, again.images.qr_reused) == (0, 7)
    assert [f.path for f in first.files] == [f.path for f in again.files]
    for file in first.files:
        assert (tmp_path / "one" / file.path).read_bytes() == (
            tmp_path / "two" / file.path
        ).read_bytes()


def test_a_changed_logo_redraws_only_the_images_it_is_in(demo_copy: Path, tmp_path: Path) -> None:
    build(demo_copy, tmp_path / "one", TODAY)
    logo = demo_copy / "assets" / "logos" / "fabrikam.png"
    with Image.open(logo) as image:
        image.convert("RGBA").rotate(180).save(logo)
    report = build(demo_copy, tmp_path / "two", TODAY)
    # fabrikam is in refer-a-team (2 images) and security-bundle (3 images)
    assert (report.images.drawn, report.images.reused) == (5, 5)


def test_check_reads_the_cache_but_never_writes_it(demo_copy: Path) -> None:
    report = check(demo_copy, TODAY)
    assert report.images.drawn == 10
    assert not (demo_copy / CACHE_DIR).exists()


# QR codes -----------------------------------------------------------------------------


@pytest.mark.parametrize(("campaign", "partner"), [(c, p) for c, ps in LIVE.items() for p in ps])
def test_qr_codes_decode_to_the_print_link(
    site: Path, share_links: dict[tuple[str, str, str], str], campaign: str, partner: str
) -> None:
    link = share_links[(campaign, partner, "print")]
    query = dict(parse_qsl(urlsplit(link).query))
    # GA4 has no channel group for print: the built-in channel says referral + content
    assert (query["utm_medium"], query["utm_content"]) == ("referral", "print")
    folder = site / "partners" / partner / "kit" / campaign
    with Image.open(folder / "qr-code.png") as image:
        assert decode_qr(image) == [link]
    svg = resvg_py.svg_to_bytes(svg_string=(folder / "qr-code.svg").read_text(), width=400)
    with Image.open(io.BytesIO(svg)) as image:
        assert decode_qr(image.convert("RGB")) == [link]


def test_the_hub_shows_each_qr_code_with_its_destination(
    site: Path, share_links: dict[tuple[str, str, str], str]
) -> None:
    root = page(site, "partners/contoso/index.html")
    figures = [f for f in root.iter("figure") if f.has_class("kit__qr")]
    assert len(figures) == 2
    for figure in figures:
        image = figure.find("img")
        assert image is not None and image.attrs["alt"] == "QR code of your print link"
        caption = figure.find("figcaption")
        assert caption is not None
        campaign = image.attrs["src"].split("/")[-2]
        assert share_links[(campaign, "contoso", "print")] in caption.text


MINIMAL_BASE = "https://partners.alpha.example/"
ONLY_EMAIL_AND_SOCIAL = "    allowed:\n      mediums: [email, social]\n"


def _print_rows(site: Path) -> dict[tuple[str, str], str]:
    """(campaign, partner) → the print link links.csv lists."""
    rows = csv.DictReader(io.StringIO((site / "links.csv").read_text()))
    return {(r["campaign"], r["audience"]): r["url"] for r in rows if r["channel"] == "print"}


def test_a_campaign_without_the_print_channel_still_gets_a_qr_code(
    minimal_copy: Path, tmp_path: Path
) -> None:
    webinar = minimal_copy / "content" / "campaigns" / "backup-webinar.md"
    assert "channels: [email, social]\n" in webinar.read_text()  # no print channel
    out = tmp_path / "public"
    build(minimal_copy, out, TODAY)
    printed = _print_rows(out)
    for partner in ("alpha", "beta"):
        link = printed[("backup-webinar", partner)]
        # tagged exactly as a listed print channel: the variant page, referral + print
        assert link == (
            f"{MINIMAL_BASE}backup-webinar/{partner}/?utm_source={partner}"
            "&utm_medium=referral&utm_campaign=backup-webinar&utm_content=print"
        )
        folder = out / "partners" / partner / "kit" / "backup-webinar"
        with Image.open(folder / "qr-code.png") as image:
            assert decode_qr(image) == [link]
        svg = resvg_py.svg_to_bytes(svg_string=(folder / "qr-code.svg").read_text(), width=400)
        with Image.open(io.BytesIO(svg)) as image:
            assert decode_qr(image.convert("RGB")) == [link]
        # the partner is told the link its QR code opens: the hub's links and the README
        hub = (out / "partners" / partner / "index.html").read_text()
        assert 'id="link-backup-webinar-print"' in hub
        with zipfile.ZipFile(out / "partners" / partner / f"{partner}-kit.zip") as archive:
            readme = archive.read(f"{partner}-kit/README.txt").decode()
        assert f"  print: {link}\n" in readme
        assert "qr-code.svg" in readme


def test_an_unlisted_print_channel_takes_the_programs_print_medium(
    minimal_copy: Path, tmp_path: Path
) -> None:
    edit(
        minimal_copy / "partners.yaml",
        "    medium: referral\n",
        "    medium: email\n    channels:\n      print: {medium: email, content: flyer}\n"
        + ONLY_EMAIL_AND_SOCIAL,
    )
    edit(
        minimal_copy / "content" / "campaigns" / "refer-a-team.md",
        "  url: https://gamma.example/signup\n",
        "  url: https://gamma.example/signup\nchannels: [email]\n",
    )
    out = tmp_path / "public"
    report = build(minimal_copy, out, TODAY)
    assert not report.warnings
    link = _print_rows(out)[("refer-a-team", "gamma")]
    query = dict(parse_qsl(urlsplit(link).query))
    assert (query["utm_medium"], query["utm_content"]) == ("email", "flyer")
    with Image.open(out / "partners/gamma/kit/refer-a-team/qr-code.png") as image:
        assert decode_qr(image) == [link]


def test_no_qr_code_when_the_allowed_mediums_rule_out_the_print_link(
    minimal_copy: Path, tmp_path: Path
) -> None:
    # built-in print is utm_medium referral, which this program's dictionary leaves out;
    # no campaign lists print, so the program is valid and must still build
    edit(
        minimal_copy / "partners.yaml",
        "    medium: referral\n",
        "    medium: email\n" + ONLY_EMAIL_AND_SOCIAL,
    )
    edit(
        minimal_copy / "content" / "campaigns" / "refer-a-team.md",
        "  url: https://gamma.example/signup\n",
        "  url: https://gamma.example/signup\nchannels: [email]\n",
    )
    out = tmp_path / "public"
    report = build(minimal_copy, out, TODAY)
    assert not report.warnings
    assert not _print_rows(out)
    assert not list(out.rglob("qr-code.*"))
    assert (out / "partners/gamma/kit/refer-a-team/email.html").exists()  # the rest of the kit


# email --------------------------------------------------------------------------------


def test_email_block_is_table_layout_with_inline_styles_and_tracked_links(
    site: Path, share_links: dict[tuple[str, str, str], str]
) -> None:
    folder = site / "partners" / "fabrikam" / "kit" / "security-bundle"
    html = (folder / "email.html").read_text()
    root = parse_html(html)
    link = share_links[("security-bundle", "fabrikam", "email")]
    assert not root.iter("style") and not root.iter("script")
    assert not any("class" in e.attrs for e in root.iter())
    tables = root.iter("table")
    assert tables[0].attrs["role"] == "presentation"
    assert all(t.attrs.get("role") == "presentation" for t in tables)
    assert all("style" in td.attrs for td in root.iter("td"))
    hrefs = [a.attrs["href"] for a in root.iter("a")]
    assert hrefs == [link, link]  # the image and the button
    (image,) = root.iter("img")
    assert image.attrs["alt"].startswith("Fabrikam CRM, Northwind Cloud and Contoso Backup: ")
    assert image.attrs["src"].startswith(BASE + "assets/share/security-bundle-fabrikam.")
    assert (site / image.attrs["src"].removeprefix(BASE)).is_file()
    button = root.iter("a")[1]
    assert button.text == "Build my bundle"
    cell = button.parent
    assert cell is not None and cell.attrs["bgcolor"] == "#0F766E"  # fabrikam's primary
    assert "color:#FFFFFF" in button.attrs["style"]  # its on_primary
    assert "<!--[if mso]>" in html
    text = (folder / "email.txt").read_text()
    assert f"Build my bundle: {link}\n" in text
    assert "Code: SECURECRM26" in text
    assert all(len(line) <= 72 or "://" in line for line in text.splitlines())


def test_email_of_a_campaign_without_the_email_channel_is_not_made(site: Path) -> None:
    # summit-2026 has ended: no kit at all
    assert not (site / "partners" / "tailspin" / "kit").exists()


# social posts -------------------------------------------------------------------------


def test_social_posts_follow_the_campaigns_networks(site: Path) -> None:
    root = page(site, "partners/contoso/index.html")
    labels = [label.text for label in root.iter("label") if label.has_class("post__label")]
    # security-bundle lists [linkedin, x, bluesky]; the webinar takes the default networks
    assert labels == ["LinkedIn", "X", "Bluesky", "LinkedIn", "X", "Facebook"]


def test_social_posts_carry_the_social_link(
    site: Path, share_links: dict[tuple[str, str, str], str]
) -> None:
    text = (
        site / "partners" / "contoso" / "kit" / "cloud-backup-webinar" / "social.txt"
    ).read_text()
    link = share_links[("cloud-backup-webinar", "contoso", "social")]
    assert text.count(link) == 3
    assert "== X (" in text and " of 280 characters) ==" in text


# calendar -----------------------------------------------------------------------------


def test_webinar_calendar_file_is_valid_and_carries_the_tracked_link(site: Path) -> None:
    data = (site / "cloud-backup-webinar" / "contoso" / "event.ics").read_bytes()
    assert data.endswith(b"\r\n") and b"\n" not in data.replace(b"\r\n", b"")
    assert all(len(line) <= 75 for line in data.split(b"\r\n"))
    calendar = icalendar.Calendar.from_ical(data)
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert [tz["TZID"] for tz in calendar.walk("VTIMEZONE")] == ["Europe/Berlin"]
    (event,) = calendar.walk("VEVENT")
    berlin = ZoneInfo("Europe/Berlin")
    assert event.decoded("DTSTART") == dt.datetime(2026, 12, 10, 17, 0, tzinfo=berlin)
    assert event.decoded("DTEND") == dt.datetime(2026, 12, 10, 18, 0, tzinfo=berlin)
    assert event.decoded("DTSTAMP") == dt.datetime(2026, 11, 1, tzinfo=dt.UTC)  # from starts
    assert str(event["UID"]) == "cloud-backup-webinar@partners.northwind.example"
    assert str(event["SUMMARY"]) == "Never lose a customer record again"
    url = str(event["URL"])
    assert url.startswith("https://contoso.example/webinars/42?lang=en&utm_source=contoso")
    assert "utm_content=calendar" in url and url.endswith("#register")
    assert url in str(event["DESCRIPTION"])
    rows = (site / "links.csv").read_text()
    assert f"cloud-backup-webinar,contoso,contoso,page,calendar,{url}" in rows


def test_the_same_event_has_the_same_uid_for_every_partner(site: Path) -> None:
    uids = set()
    for path in ("cloud-backup-webinar", "cloud-backup-webinar/northwind"):
        calendar = icalendar.Calendar.from_ical((site / path / "event.ics").read_bytes())
        uids.add(str(calendar.walk("VEVENT")[0]["UID"]))
    assert len(uids) == 1


def test_pages_link_their_calendar_file(site: Path) -> None:
    root = page(site, "cloud-backup-webinar/contoso/index.html")
    assert "event.ics" in [a.attrs["href"].rsplit("/", 1)[-1] for a in root.iter("a")]
    links = [a for a in root.iter("a") if a.attrs.get("href", "").endswith("event.ics")]
    assert links[0].attrs["href"] == "../../cloud-backup-webinar/contoso/event.ics"
    assert "download" in links[0].attrs
    assert not (site / "security-bundle" / "event.ics").exists()  # a bundle has no event
    assert not (site / "summit-2026" / "event.ics").exists()  # ended


# the hub and the zip ------------------------------------------------------------------


def _executable_scripts(root: Element) -> list[Element]:
    """Scripts a browser runs: JSON-LD blocks are data, never run."""
    return [s for s in root.iter("script") if s.attrs.get("type") != "application/ld+json"]


def test_hub_is_the_kit_and_works_without_script(site: Path) -> None:
    root = page(site, "partners/northwind/index.html")
    (script,) = _executable_scripts(root)
    assert script.attrs["src"].startswith("../../static/kit.") and "defer" in script.attrs
    assert (site / script.attrs["src"].removeprefix("../../")).is_file()
    buttons = root.iter("button")
    assert buttons and all("hidden" in b.attrs for b in buttons)  # shown by kit.js only
    for button in buttons:
        target = button.attrs["data-copy-target"]
        assert any(e.attrs.get("id") == target for e in root.iter())
    for area in root.iter("textarea"):
        assert "readonly" in area.attrs
        assert any(label.attrs.get("for") == area.attrs["id"] for label in root.iter("label"))
    sections = [s for s in root.iter("section") if s.has_class("entry")]
    live = [s for s in sections if "LIVE" in s.text.upper().split()]
    assert len(live) == 3
    for section in live:
        assert any(
            img.attrs["src"].startswith("../../assets/share/") for img in section.iter("img")
        )
    download = next(a for a in root.iter("a") if a.attrs.get("href", "").endswith(".zip"))
    assert download.attrs["href"] == "../../partners/northwind/northwind-kit.zip"
    assert "download" in download.attrs


def test_a_hub_without_live_campaigns_has_no_kit(site: Path) -> None:
    root = page(site, "partners/tailspin/index.html")
    assert not _executable_scripts(root)
    assert not any(a.attrs.get("href", "").endswith(".zip") for a in root.iter("a"))
    assert not (site / "partners" / "tailspin" / "tailspin-kit.zip").exists()


def test_the_kit_zip_holds_every_file_with_stable_metadata(site: Path) -> None:
    data = (site / "partners" / "contoso" / "contoso-kit.zip").read_bytes()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        names = [info.filename for info in infos]
        assert names == sorted(names)
        assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
        assert {info.external_attr >> 16 for info in infos} == {0o100644}
        assert set(names) >= {
            "contoso-kit/README.txt",
            "contoso-kit/cloud-backup-webinar/event.ics",
            "contoso-kit/cloud-backup-webinar/share-image.png",
            "contoso-kit/security-bundle/qr-code.svg",
            "contoso-kit/security-bundle/email.html",
            "contoso-kit/security-bundle/social.txt",
        }
        kit = site / "partners" / "contoso" / "kit" / "security-bundle"
        for path in kit.iterdir():
            assert archive.read(f"contoso-kit/security-bundle/{path.name}") == path.read_bytes()
        readme = archive.read("contoso-kit/README.txt").decode()
        assert f"{BASE}partners/contoso/" in readme
        assert archive.testzip() is None


def test_headers_allow_the_sites_own_scripts_only(site: Path) -> None:
    headers = (site / "_headers").read_text()
    assert "script-src 'self';" in headers
    assert "unsafe-inline" not in headers


def test_every_kit_file_is_the_same_in_two_builds(demo_copy: Path, tmp_path: Path) -> None:
    build(demo_copy, tmp_path / "one", TODAY, cache=tmp_path / "cache-one")
    moved = tmp_path / "moved"
    shutil.copytree(demo_copy, moved)
    build(moved, tmp_path / "two", TODAY, cache=tmp_path / "cache-two")
    for folder in ("partners", "assets/share"):
        one = {
            p.relative_to(tmp_path / "one"): p.read_bytes()
            for p in (tmp_path / "one" / folder).rglob("*")
            if p.is_file()
        }
        two = {
            p.relative_to(tmp_path / "two"): p.read_bytes()
            for p in (tmp_path / "two" / folder).rglob("*")
            if p.is_file()
        }
        assert one == two
    ics = list((tmp_path / "one").rglob("*.ics"))
    assert len(ics) == 3
    for path in ics:
        assert (
            path.read_bytes()
            == (tmp_path / "two" / path.relative_to(tmp_path / "one")).read_bytes()
        )
