"""The kit's pieces one by one: post lengths, email escaping, calendars, QR colours, drawing."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import xml.etree.ElementTree as ElementTree
import zipfile
from pathlib import Path
from zoneinfo import ZoneInfo

import icalendar
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from PIL import Image

from tests.conftest import REPO
from tests.htmltools import parse_html
from xpromo_site import kitfiles
from xpromo_site.build import build
from xpromo_site.errors import Location, XpromoError
from xpromo_site.ics import CalendarEvent, event_ics
from xpromo_site.kit import (
    NETWORKS,
    KitCopy,
    email_html,
    email_text,
    post_length,
    social_post,
    stable_zip,
)
from xpromo_site.qrcodes import dark_color, make_qr, qr_request
from xpromo_site.shareimages import Logo, ShareImage, draw_share_image, draw_share_images
from xpromo_site.svg import sanitise_svg

LINK = (
    "https://partners.example/offer/acme/?utm_source=acme&utm_medium=social"
    "&utm_campaign=spring-offer-with-a-long-name"
)
COPY = KitCopy(
    title="Spring events, fully protected",
    kicker="Offer · €199 / month",
    summary="Plan your spring season on Tailspin Events Pro with Contoso Backup included.",
    details=(("Price", "€199 / month (was €254 / month)"), ("Code", "SPRING27")),
    cta_label="Claim the spring offer",
    partner="Acme",
    co_partners=("Globex", "Initech"),
    legal=("Acme is a trademark of Acme Inc.",),
    primary="#0B5FFF",
    on_primary="#FFFFFF",
    text="#1A1A1A",
    background="#FFFFFF",
)


# social posts --------------------------------------------------------------------------


def test_x_counts_links_as_23_and_wide_characters_as_two() -> None:
    x = NETWORKS["x"]
    assert post_length(f"Hi {LINK}", x, [LINK]) == 3 + 23
    assert post_length("日本", x) == 4
    assert post_length("café — ok", x) == 9
    assert post_length(f"Hi {LINK}", NETWORKS["bluesky"], [LINK]) == 3 + len(LINK)


def test_short_networks_keep_the_first_detail_before_the_summary() -> None:
    long_summary = dataclasses.replace(COPY, summary="word " * 60)
    post = social_post(long_summary, LINK, NETWORKS["x"])
    assert post.text == (
        f"Spring events, fully protected\n\nPrice: €199 / month (was €254 / month)\nCode: SPRING27"
        f"\n\nClaim the spring offer: {LINK}"
    )
    assert post.length <= 280


def test_long_form_networks_get_everything() -> None:
    post = social_post(COPY, LINK, NETWORKS["linkedin"])
    assert "Brought to you by Acme, Globex and Initech." in post.text
    assert COPY.summary is not None and COPY.summary in post.text
    assert post.text.endswith(f"Claim the spring offer: {LINK}")


texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=200
).filter(str.strip)


@settings(max_examples=150, deadline=None)
@given(
    title=texts,
    summary=st.none() | st.text(max_size=500),
    label=st.text(min_size=1, max_size=60),
    detail=st.text(max_size=300),
)
def test_property_every_post_fits_its_network_and_keeps_the_link(
    title: str, summary: str | None, label: str, detail: str
) -> None:
    copy = dataclasses.replace(
        COPY, title=title, summary=summary, cta_label=label, details=(("When", detail),)
    )
    for network in NETWORKS.values():
        post = social_post(copy, LINK, network)
        assert post.length == post_length(post.text, network, [LINK])
        assert post.length <= network.limit, network.id
        assert LINK in post.text


# email ---------------------------------------------------------------------------------


def test_email_escapes_every_text_and_link() -> None:
    copy = dataclasses.replace(COPY, title='Save <script>alert("x")</script> & more')
    link = 'https://a.example/?a=1&b="2"'
    html = email_html(copy, link, "https://a.example/i.png", 'Alt "quoted"', 315)
    assert "<script>" not in html
    root = parse_html(html)
    assert [a.attrs["href"] for a in root.iter("a")] == [link, link]
    assert root.iter("img")[0].attrs["alt"] == 'Alt "quoted"'
    assert 'Save <script>alert("x")</script> & more' in root.text
    text = email_text(copy, link)
    assert text.startswith("OFFER · €199 / MONTH\n\nSave <script>")


# calendar ------------------------------------------------------------------------------


def _event(zone: str, end: bool = True) -> CalendarEvent:
    start = dt.datetime(2027, 3, 28, 1, 30, tzinfo=ZoneInfo(zone))
    return CalendarEvent(
        uid="launch@partners.example",
        title="Launch; with, commas",
        start=start,
        end=start + dt.timedelta(hours=2) if end else None,
        location="Online",
        url=LINK,
        description=f"Line one\n\nRegister: {LINK}",
        stamp=dt.datetime(2027, 1, 1, tzinfo=dt.UTC),
    )


def test_calendar_in_utc_has_no_time_zone_block() -> None:
    calendar = icalendar.Calendar.from_ical(event_ics(_event("UTC")))
    assert not calendar.walk("VTIMEZONE")
    (event,) = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == dt.datetime(2027, 3, 28, 1, 30, tzinfo=dt.UTC)
    assert str(event["SUMMARY"]) == "Launch; with, commas"


def test_calendar_time_zone_covers_a_daylight_saving_change() -> None:
    data = event_ics(_event("Europe/Berlin", end=False))
    calendar = icalendar.Calendar.from_ical(data)
    (zone,) = calendar.walk("VTIMEZONE")
    assert zone["TZID"] == "Europe/Berlin"
    assert zone.walk("DAYLIGHT") and zone.walk("STANDARD")
    (event,) = calendar.walk("VEVENT")
    assert "DTEND" not in event
    assert str(event["DESCRIPTION"]) == f"Line one\n\nRegister: {LINK}"
    assert event_ics(_event("Europe/Berlin", end=False)) == data


# QR codes ------------------------------------------------------------------------------


def test_qr_modules_use_the_brand_text_colour_only_when_dark_enough() -> None:
    assert dark_color("#1A1A1A") == "#1A1A1A"
    assert dark_color("#0B5FFF") == "#000000"  # 5.1:1 against white: scans worse than black
    request = qr_request(LINK, "#1A1A1A")
    code = make_qr(request)
    assert b'stroke="#1a1a1a"' in code.svg.lower()
    assert make_qr(qr_request(LINK, "#1A1A1A")) == code
    with Image.open(io.BytesIO(code.png)) as image:
        assert image.size == (code.size, code.size)
    assert qr_request(LINK, "#0B5FFF") == qr_request(LINK)  # both black
    assert len({request.key, qr_request(LINK + "x").key, qr_request(LINK).key}) == 3


def test_qr_svg_scales_to_any_box_and_is_in_the_published_svg_form() -> None:
    code = make_qr(qr_request(LINK))
    root = ElementTree.fromstring(code.svg)
    width, height = root.get("width"), root.get("height")
    assert width == height and root.get("viewBox") == f"0 0 {width} {height}"  # scales to any box
    cleaned = sanitise_svg(code.svg)
    assert (cleaned.data, cleaned.removed) == (code.svg, ())


# drawing -------------------------------------------------------------------------------


def _image(logos: tuple[Logo, ...], title: str = "A joint webinar") -> ShareImage:
    return ShareImage(
        stem="t",
        logos=logos,
        kicker="Webinar · Thursday 10 December 2026",
        title=title,
        footer="partners.example",
        background="#14213D",
        foreground="#FFFFFF",
        panel="#FFFFFF",
        separator="#1B1B1B",
        accent="#FCA311",
    )


def _logo(name: str, data: bytes | None = None) -> Logo:
    path = f"assets/logos/{name}"
    return Logo(path, data if data is not None else (REPO / path).read_bytes(), Location("p", 1, 1))


def test_drawing_is_deterministic_and_the_key_follows_every_input() -> None:
    image = _image((_logo("northwind.svg"), _logo("fabrikam.png")))
    data = draw_share_image(image)
    assert draw_share_image(image) == data
    with Image.open(io.BytesIO(data)) as png:
        assert png.size == (1200, 630) and png.mode == "RGB"
    assert image.key == _image((_logo("northwind.svg"), _logo("fabrikam.png"))).key
    others = [
        _image((_logo("fabrikam.png"), _logo("northwind.svg"))),
        _image((_logo("northwind.svg"), _logo("fabrikam.png")), title="Another title"),
        dataclasses.replace(image, accent="#000000"),
        dataclasses.replace(image, kicker="Event"),
    ]
    assert len({image.key, *(other.key for other in others)}) == 5
    assert image.path == f"assets/share/t.{image.key[:10]}.png"


def test_a_very_long_title_is_shortened_not_spilled() -> None:
    data = draw_share_image(_image((_logo("northwind.svg"), _logo("tailspin.svg")), "Word " * 60))
    with Image.open(io.BytesIO(data)) as png:
        assert png.size == (1200, 630)
        footer_band = png.convert("RGB").crop((0, 552, 1200, 560))
        assert footer_band.getcolors() == [(1200 * 8, (0x14, 0x21, 0x3D))]  # nothing drawn there


def test_svg_logos_never_read_files_outside_themselves(tmp_path: Path) -> None:
    secret = tmp_path / "secret.png"
    Image.new("RGB", (40, 40), "#FF0000").save(secret)
    plain = (
        b'<svg xmlns="http://www.w3.org/2000/svg" width="120" height="40">'
        b'<rect width="40" height="40" fill="#00AA00"/></svg>'
    )
    sneaky = plain.replace(
        b"</svg>", f'<image href="{secret}" x="60" width="40" height="40"/></svg>'.encode()
    )
    clean = draw_share_image(_image((_logo("plain.svg", plain), _logo("northwind.svg"))))
    drawn = draw_share_image(_image((_logo("plain.svg", sneaky), _logo("northwind.svg"))))
    assert drawn == clean


def test_every_undrawable_logo_is_reported_at_once() -> None:
    broken = _logo("broken.svg", b'<svg xmlns="http://www.w3.org/2000/svg" width="0" height="0"/>')
    junk = Logo("assets/logos/junk.png", b"not a png", Location("partners.yaml", 30, 5))
    images = [_image((broken, _logo("northwind.svg"))), _image((junk, _logo("northwind.svg")), "B")]
    with pytest.raises(XpromoError) as raised:
        draw_share_images(images)
    assert [d.format() for d in raised.value.diagnostics] == [
        "p:1:1: error: the logo assets/logos/broken.svg cannot be drawn into share images "
        "(SVG has an invalid size)\n"
        "  hint: open it in a browser or image editor and export it again as plain SVG or PNG",
        "partners.yaml:30:5: error: the logo assets/logos/junk.png cannot be drawn into share "
        "images (it is not a readable image)\n"
        "  hint: open it in a browser or image editor and export it again as plain SVG or PNG",
    ]


# zip -----------------------------------------------------------------------------------


def test_zip_bytes_depend_only_on_the_files() -> None:
    files = {"b/one.txt": b"one", "a/two.png": b"\x89PNG", "a/three.txt": b"three" * 100}
    data = stable_zip(files)
    assert stable_zip(dict(reversed(files.items()))) == data
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.namelist() == ["a/three.txt", "a/two.png", "b/one.txt"]
        assert {i.compress_type for i in archive.infolist()} == {zipfile.ZIP_STORED}
        assert archive.read("a/three.txt") == b"three" * 100


@settings(max_examples=60, deadline=None)
@given(
    url=st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"]), max_size=200),
    description=st.text(
        st.characters(codec="utf-8", exclude_categories=["Cs", "Cc"], include_characters="\n"),
        max_size=400,
    ),
    title=st.sampled_from(["Launch", "xpromo-url-placeholder", "xpromo-description-placeholder"]),
)
def test_a_calendar_made_from_its_events_skeleton_is_the_whole_calendar(
    url: str, description: str, title: str
) -> None:
    from xpromo_site.ics import _whole

    event = dataclasses.replace(
        _event("Europe/Berlin"), url="https://a.example/" + url, description=description
    )
    event = dataclasses.replace(event, title=title)
    assert event_ics(event) == _whole(event)


# --- time zones in calendar files ---------------------------------------------------------


@pytest.mark.parametrize(
    "tzid",
    ["Europe/Berlin", "America/New_York", "Australia/Lord_Howe", "Asia/Tokyo", "America/Santiago"],
)
def test_each_time_zone_change_is_written_where_rfc_5545_puts_it(tzid: str) -> None:
    """An observance's DTSTART (and each RDATE) is the local time of the change as read in
    TZOFFSETFROM; converted back to UTC it must be the instant zoneinfo changes offset."""
    from xpromo_site.ics import _timezone

    zone = ZoneInfo(tzid)
    first, last = dt.date(2025, 12, 9), dt.date(2027, 12, 11)
    calendar = icalendar.Calendar.from_ical(
        b"BEGIN:VCALENDAR\r\n" + _timezone(tzid, first, last) + b"END:VCALENDAR\r\n"
    )
    (timezone,) = calendar.walk("VTIMEZONE")
    changes = []
    for part in timezone.subcomponents:
        before = part["TZOFFSETFROM"].td
        after = part["TZOFFSETTO"].td
        onsets = [part["DTSTART"].dt]
        rdates = part.get("RDATE", [])
        for rdate in rdates if isinstance(rdates, list) else [rdates]:
            onsets += [period.dt for period in rdate.dts]
        for onset in onsets:
            instant = (onset - before).replace(tzinfo=dt.UTC)
            second = dt.timedelta(seconds=1)
            assert (instant - second).astimezone(zone).utcoffset() == before, (tzid, onset)
            assert instant.astimezone(zone).utcoffset() == after, (tzid, onset)
            if before != after:
                changes.append(instant)
    # and every change zoneinfo knows in the range is there
    day, expected = dt.datetime.combine(first, dt.time(), dt.UTC), []
    while day.date() < last:
        if (day + dt.timedelta(days=1)).astimezone(zone).utcoffset() != day.astimezone(
            zone
        ).utcoffset():
            expected.append(day.date())
        day += dt.timedelta(days=1)
    assert sorted(c.date() for c in changes) == expected


# --- a kit piece added through the registry -----------------------------------------------


def _contact_card(kit: kitfiles.CampaignKit) -> dict[str, bytes]:
    """A vCard (RFC 6350) of the campaign's page, for partners' address books."""
    lines = ["BEGIN:VCARD", "VERSION:4.0", "KIND:org", f"FN:{kit.title}", f"URL:{kit.page_url}"]
    return {"contact.vcf": ("\r\n".join([*lines, "END:VCARD"]) + "\r\n").encode()}


def test_a_kit_piece_added_to_the_registry_reaches_the_kit_folder_the_zip_and_the_readme(
    minimal_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    piece = kitfiles.KitPiece("contact", _contact_card, {"contact.vcf": "contact card: save it"})
    monkeypatch.setattr(kitfiles, "PIECES", (*kitfiles.PIECES, piece))
    out = tmp_path / "public"
    build(minimal_copy, out, dt.date(2026, 11, 23), images=False, workers=1)
    card = (out / "partners/alpha/kit/backup-webinar/contact.vcf").read_bytes()
    assert card.startswith(b"BEGIN:VCARD\r\nVERSION:4.0\r\n")
    assert b"URL:https://partners.alpha.example/backup-webinar/alpha/\r\n" in card
    with zipfile.ZipFile(out / "partners/alpha/alpha-kit.zip") as kit:
        assert kit.read("alpha-kit/backup-webinar/contact.vcf") == card
        readme = kit.read("alpha-kit/README.txt").decode()
    assert "contact.vcf" in readme and "contact card: save it" in readme
