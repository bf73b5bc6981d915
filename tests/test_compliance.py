"""Disclosure, privacy, consent, lead forms, structured data and feeds, as built.

Structured data is checked against the properties Google's structured data
documentation requires (Event: name, startDate, location; a VirtualLocation its url;
a Place its address) and against schema.org's property lists of each type, so no
property is misspelt or put on the wrong type.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.conftest import REPO, SITES, edit, site_pages
from tests.htmltools import Element, parse_html
from tests.test_hosts import parse_headers
from xpromo_site.build import build
from xpromo_site.errors import XpromoError
from xpromo_site.models import DEFAULT_DISCLOSURE
from xpromo_site.pagecheck import csp_hash

TODAY = dt.date(2026, 11, 23)
ATOM = "{http://www.w3.org/2005/Atom}"

# schema.org properties of each type we write (a subset of schema.org's lists)
SCHEMA_PROPERTIES = {
    "Event": {
        "@context", "@type", "name", "url", "description", "startDate", "endDate",
        "eventStatus", "eventAttendanceMode", "location", "organizer", "offers", "image",
    },
    "Offer": {
        "@context", "@type", "name", "url", "description", "price", "priceCurrency",
        "validFrom", "validThrough", "offeredBy", "availability", "priceSpecification",
    },
    "UnitPriceSpecification": {
        "@type", "price", "priceCurrency", "unitText", "referenceQuantity",
    },
    "QuantitativeValue": {"@type", "value", "unitText"},
    "Organization": {"@context", "@type", "name", "url", "logo", "sameAs"},
    "VirtualLocation": {"@type", "url", "name"},
    "Place": {"@type", "name", "address"},
}  # fmt: skip
REQUIRED = {
    "Event": {"name", "startDate", "location"},
    "Offer": {"url", "availability"},
    "UnitPriceSpecification": {"price", "priceCurrency", "referenceQuantity"},
    "QuantitativeValue": {"value"},
    "Organization": {"name", "url"},
    "VirtualLocation": {"url"},
    "Place": {"address"},
}


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo") / "public"
    build(REPO, out, TODAY)
    return out


def _page(site: Path, path: str) -> Element:
    return parse_html((site / path).read_text(encoding="utf-8"))


def _order(root: Element) -> list[Element]:
    return root.iter()


# --- disclosure -------------------------------------------------------------------------


def test_referral_links_are_sponsored_and_disclosed_first(demo: Path) -> None:
    checked = 0
    for path in site_pages(demo):
        elements = _order(parse_html(path.read_text()))
        sponsored = [
            i for i, e in enumerate(elements) if "sponsored" in e.attrs.get("rel", "").split()
        ]
        disclosure = [i for i, e in enumerate(elements) if e.attrs.get("id") == "disclosure"]
        if not sponsored:
            assert not disclosure, path
            continue
        assert disclosure and disclosure[0] < sponsored[0], path
        assert elements[disclosure[0]].text == DEFAULT_DISCLOSURE
        checked += 1
    assert checked >= 8


def test_only_links_that_earn_a_referrer_something_are_sponsored(demo: Path) -> None:
    northwind = _page(demo, "cloud-backup-webinar/northwind/index.html")
    rels = {a.attrs["href"].split("?")[0]: a.attrs.get("rel", "") for a in northwind.iter("a")}
    # contoso reads a referral code: northwind's audience earns northwind a reward
    assert "sponsored" in rels["https://contoso.example/webinars/42"]
    # northwind's own site, from its own page: no referral involved
    assert "sponsored" not in rels["https://northwind.example/products/managed-postgres"]
    contoso = _page(demo, "cloud-backup-webinar/contoso/index.html")
    assert not [a for a in contoso.iter("a") if "sponsored" in a.attrs.get("rel", "")]
    assert contoso.find("p", id="disclosure") is None


def test_an_affiliate_campaign_discloses_every_partner_link(
    minimal_copy: Path, tmp_path: Path
) -> None:
    campaign = minimal_copy / "content/campaigns/backup-webinar.md"
    edit(campaign, "channels: [email, social]\n", "channels: [email, social]\naffiliate: true\n")
    edit(
        minimal_copy / "partners.yaml",
        "    medium: referral\n",
        '    medium: referral\n  disclosure: "We earn a commission on sign-ups."\n',
    )
    build(minimal_copy, tmp_path / "out", TODAY)
    page = _page(tmp_path / "out", "backup-webinar/beta/index.html")  # beta to itself
    sponsored = [a.attrs["href"] for a in page.iter("a") if "sponsored" in a.attrs.get("rel", "")]
    assert any(h.startswith("https://beta.example/webinars/42") for h in sponsored)
    assert page.find("p", id="disclosure").text == "We earn a commission on sign-ups."  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("override", "pages"),
    [
        ("{% block disclosure %}{% endblock %}", 3),
        # after the body: the partner strip's links come later, the CTA and body earlier
        (
            "{% block disclosure %}{% endblock %}{% block after_body %}"
            '<p id="disclosure">{{ disclosure }}</p>{% endblock %}',
            2,
        ),
        ('{% block disclosure %}<p id="disclosure">Partner links.</p>{% endblock %}', 3),
    ],
    ids=["dropped", "after-the-links", "other-words"],
)
def test_a_theme_that_hides_the_disclosure_fails_the_build(
    minimal_copy: Path, tmp_path: Path, override: str, pages: int
) -> None:
    theme = minimal_copy / "themes/brand/templates"
    theme.mkdir(parents=True)
    (theme / "campaign.html").write_text('{% extends "default/campaign.html" %}' + override)
    edit(minimal_copy / "partners.yaml", "  language: en\n", "  language: en\n  theme: brand\n")
    (tmp_path / "out").mkdir()
    with pytest.raises(XpromoError) as error:
        build(minimal_copy, tmp_path / "out", TODAY)
    assert [d.format() for d in error.value.diagnostics] == [
        "themes/brand/templates/campaign.html:1:1: error: backup-webinar/alpha/index.html "
        "shows a referral or affiliate link without the program's disclosure before it "
        f"({pages} pages)\n"
        '  hint: print {{ disclosure }} in an element with id="disclosure" above the first '
        "link (the built-in campaign.html does so in its block disclosure)"
    ]
    assert list((tmp_path / "out").iterdir()) == []


# --- security policy, analytics and consent ----------------------------------------------


def _policy(site: Path) -> str:
    return dict(dict(parse_headers((site / "_headers").read_text()))["/*"])[
        "Content-Security-Policy"
    ]


def _analytics(site: Path, block: str) -> None:
    edit(site / "partners.yaml", "  language: en\n", f"  language: en\n  analytics: {block}\n")


def test_no_analytics_means_no_third_party_script(minimal_copy: Path, tmp_path: Path) -> None:
    build(minimal_copy, tmp_path / "out", TODAY)
    # only the site's own files: the hubs' copy buttons (static/kit.*.js)
    assert "script-src 'self';" in _policy(tmp_path / "out")
    assert not list((tmp_path / "out/static").glob("consent*"))


@pytest.mark.parametrize(
    ("block", "tag", "policy"),
    [
        (
            "{provider: plausible, site: partners.alpha.example}",
            {
                "defer": "",
                "src": "https://plausible.io/js/script.js",
                "data-domain": "partners.alpha.example",
            },
            "script-src 'self' https://plausible.io; style-src 'self'; img-src 'self'; "
            "connect-src https://plausible.io",
        ),
        (
            "{provider: goatcounter, site: alpha}",
            {
                "defer": "",
                "src": "https://gc.zgo.at/count.js",
                "data-goatcounter": "https://alpha.goatcounter.com/count",
            },
            "script-src 'self' https://gc.zgo.at; style-src 'self'; "
            "img-src 'self' https://alpha.goatcounter.com; "
            "connect-src https://alpha.goatcounter.com",
        ),
        (
            "{provider: fathom, site: ABCDEFG}",
            {"defer": "", "src": "https://cdn.usefathom.com/script.js", "data-site": "ABCDEFG"},
            "script-src 'self' https://cdn.usefathom.com; style-src 'self'; "
            "img-src 'self' https://cdn.usefathom.com; connect-src https://cdn.usefathom.com",
        ),
    ],
    ids=["plausible", "goatcounter", "fathom"],
)
def test_cookieless_analytics_are_one_setting(
    minimal_copy: Path, tmp_path: Path, block: str, tag: dict[str, str], policy: str
) -> None:
    _analytics(minimal_copy, block)
    build(minimal_copy, tmp_path / "out", TODAY)
    page = _page(tmp_path / "out", "index.html")
    assert [s.attrs for s in page.iter("script")] == [tag]
    assert policy in _policy(tmp_path / "out")
    assert page.find("div", id="consent") is None


def test_cookie_setting_analytics_wait_for_consent(minimal_copy: Path, tmp_path: Path) -> None:
    _analytics(minimal_copy, "{provider: google, site: G-ABC123DEF4, consent: true}")
    out = tmp_path / "out"
    build(minimal_copy, out, TODAY)
    page = _page(out, "backup-webinar/beta/index.html")
    (script,) = page.iter("script")[:1]
    assert script.attrs["src"].startswith("../../static/consent.")  # our own file, not Google's
    assert script.attrs["data-src"] == "https://www.googletagmanager.com/gtag/js?id=G-ABC123DEF4"
    consent_js = (out / "backup-webinar/beta" / script.attrs["src"]).resolve()
    assert "localStorage" in consent_js.read_text()
    banner = page.find("div", id="consent")
    assert banner is not None and "hidden" in banner.attrs  # shown by the script only
    assert [b.attrs["data-consent"] for b in banner.iter("button")] == ["granted", "denied"]
    policy = _policy(out)
    assert "script-src 'self' https://www.googletagmanager.com;" in policy
    assert "unsafe-inline" not in policy
    headers = dict(parse_headers((out / "_headers").read_text()))
    assert dict(headers["/static/*"])["Cache-Control"].endswith("immutable")


def test_inline_code_in_a_theme_is_hashed_or_reported(minimal_copy: Path, tmp_path: Path) -> None:
    theme = minimal_copy / "themes/brand/templates"
    theme.mkdir(parents=True)
    (theme / "page.html").write_text(
        '{% extends "default/page.html" %}{% block head %}<script>window.x = 1;</script>'
        '{% endblock %}{% block footer %}<p style="color: red">Hi</p>{% endblock %}'
    )
    edit(minimal_copy / "partners.yaml", "  language: en\n", "  language: en\n  theme: brand\n")
    report = build(minimal_copy, tmp_path / "out", TODAY)
    assert "script-src 'self' 'sha256-" in _policy(tmp_path / "out")
    assert [d.format() for d in report.warnings] == [
        "themes/brand/templates/page.html:1:1: warning: about/index.html has an inline style "
        "or event handler attribute, which the Content-Security-Policy blocks (1 page)\n"
        "  hint: move the style into the theme's stylesheet and the script into a file under "
        "static/"
    ]


def test_scripts_are_hashed_as_browsers_read_them(minimal_copy: Path, tmp_path: Path) -> None:
    """A script holding "<!--<script>...</script>-->" ends at the </script> after "-->", and
    a comment closed by "--!>" ends there: both scripts run, so the policy allows both."""
    escaped = 'var tag = "<!--<script>x</script>-->"; window.x = 1;'
    theme = minimal_copy / "themes/brand/templates"
    theme.mkdir(parents=True)
    (theme / "page.html").write_text(
        '{% extends "default/page.html" %}{% block head %}<script>'
        + escaped
        + "</script>{% endblock %}{% block footer %}<!-- note --!><script>window.y = 2;</script>"
        "<!-- later -->{% endblock %}"
    )
    edit(minimal_copy / "partners.yaml", "  language: en\n", "  language: en\n  theme: brand\n")
    build(minimal_copy, tmp_path / "out", TODAY)
    assert escaped in (tmp_path / "out/about/index.html").read_text()
    policy = _policy(tmp_path / "out")
    (scripts,) = [d.split()[1:] for d in policy.split(";") if d.split()[0] == "script-src"]
    assert csp_hash(escaped) in scripts and csp_hash("window.y = 2;") in scripts
    assert csp_hash('var tag = "<!--<script>x') not in policy


# --- lead forms --------------------------------------------------------------------------


def test_a_lead_form_names_every_partner_with_its_own_opt_in(demo: Path) -> None:
    page = _page(demo, "cloud-backup-webinar/contoso/index.html")
    form = page.find("form")
    assert form is not None
    assert form.attrs == {"method": "post", "action": "https://forms.contoso.example/f/webinar-42"}
    boxes = [i for i in form.iter("input") if i.attrs.get("type") == "checkbox"]
    assert [b.attrs["value"] for b in boxes] == ["northwind", "contoso"]
    assert not any("checked" in b.attrs for b in boxes)
    for box in boxes:
        label = form.find("label", for_=box.attrs["id"])
        assert label is not None and label.text
    privacy = [a.attrs["href"] for a in form.iter("a") if a.attrs.get("rel") == "privacy-policy"]
    assert privacy == ["https://northwind.example/privacy", "https://contoso.example/legal/privacy"]
    assert "Northwind Cloud and Contoso Backup" in form.text
    hidden = {
        i.attrs["name"]: i.attrs["value"]
        for i in form.iter("input")
        if i.attrs.get("type") == "hidden"
    }
    assert hidden == {"campaign": "cloud-backup-webinar", "referrer": "contoso"}
    assert "form-action https://forms.contoso.example;" in _policy(demo)


# --- structured data ---------------------------------------------------------------------


def _json_ld(root: Element) -> list[dict]:  # type: ignore[type-arg]
    return [
        json.loads(s.text)
        for s in root.iter("script")
        if s.attrs.get("type") == "application/ld+json"
    ]


def _check_types(data: object) -> list[str]:
    """Check every typed object; return the types seen."""
    seen: list[str] = []
    if isinstance(data, list):
        for item in data:
            seen += _check_types(item)
    elif isinstance(data, dict):
        kind = data["@type"]
        assert set(data) <= SCHEMA_PROPERTIES[kind], set(data) - SCHEMA_PROPERTIES[kind]
        assert REQUIRED[kind] <= set(data), (kind, REQUIRED[kind] - set(data))
        seen.append(kind)
        for value in data.values():
            seen += _check_types(value) if isinstance(value, (dict, list)) else []
    return seen


def test_webinars_are_events_with_an_online_location(demo: Path) -> None:
    (data,) = _json_ld(_page(demo, "cloud-backup-webinar/contoso/index.html"))
    assert _check_types(data) == [
        "Event", "VirtualLocation", "Organization", "Organization", "Offer"
    ]  # fmt: skip
    assert data["@context"] == "https://schema.org"
    assert data["startDate"] == "2026-12-10T17:00:00+01:00"
    assert data["endDate"] == "2026-12-10T18:00:00+01:00"
    assert data["eventAttendanceMode"] == "https://schema.org/OnlineEventAttendanceMode"
    assert data["url"] == "https://partners.northwind.example/cloud-backup-webinar/"
    assert [o["name"] for o in data["organizer"]] == ["Northwind Cloud", "Contoso Backup"]
    for organizer in data["organizer"]:
        assert urlsplit(organizer["logo"]).scheme == "https"
    # Google's recommended properties: the share image and the registration as an offer
    (image,) = data["image"]
    assert image.startswith("https://partners.northwind.example/assets/share/")
    assert (demo / image.removeprefix("https://partners.northwind.example/")).is_file()
    assert data["offers"]["url"] == "https://contoso.example/webinars/42?lang=en#register"
    assert data["offers"]["availability"] == "https://schema.org/InStock"


def test_bundles_are_offers_valid_through_their_end(demo: Path) -> None:
    (data,) = _json_ld(_page(demo, "security-bundle/index.html"))
    assert _check_types(data)[0] == "Offer"
    assert (data["price"], data["priceCurrency"]) == ("49", "EUR")
    assert data["availability"] == "https://schema.org/InStock"
    # "€49 per user / month" is a price per unit, not a one-off €49
    assert data["priceSpecification"] == {
        "@type": "UnitPriceSpecification",
        "price": "49",
        "priceCurrency": "EUR",
        "unitText": "user / month",
        "referenceQuantity": {"@type": "QuantitativeValue", "value": 1, "unitText": "user / month"},
    }
    assert (data["validFrom"], data["validThrough"]) == ("2026-11-15", "2027-02-28")
    assert len(data["offeredBy"]) == 3


def test_each_hub_describes_its_partner(demo: Path) -> None:
    (data,) = _json_ld(_page(demo, "partners/fabrikam/index.html"))
    assert _check_types(data) == ["Organization"]
    assert data["url"] == "https://www.fabrikam.example"


# --- feeds ---------------------------------------------------------------------------------


def _feed(path: Path) -> ET.Element:
    return ET.fromstring(path.read_bytes())


def test_the_program_feed_lists_live_campaigns(demo: Path) -> None:
    feed = _feed(demo / "feed.xml")
    assert feed.findtext(f"{ATOM}id") == "https://partners.northwind.example/feed.xml"
    assert feed.findtext(f"{ATOM}updated") == "2026-11-15T00:00:00Z"  # the newest start
    entries = feed.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == [
        "The secure CRM bundle",
        "Never lose a customer record again",
        "Refer a team, give them three months of Fabrikam CRM Pro",
    ]
    for entry in entries:
        for child in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{child}")
        link = entry.find(f"{ATOM}link")
        assert link is not None and link.attrib["href"].startswith("https://")


def test_each_partner_feed_links_to_its_variants(demo: Path) -> None:
    feed = _feed(demo / "partners/contoso/feed.xml")
    links = [e.find(f"{ATOM}link").attrib["href"] for e in feed.findall(f"{ATOM}entry")]  # type: ignore[union-attr]
    assert links == [
        "https://partners.northwind.example/security-bundle/contoso/",
        "https://partners.northwind.example/cloud-backup-webinar/contoso/",
    ]
    page = _page(demo, "partners/contoso/index.html")
    alternate = page.find("link", rel="alternate")
    assert alternate is not None
    assert alternate.attrs["href"] == "https://partners.northwind.example/partners/contoso/feed.xml"


def test_a_feed_without_entries_is_dated_when_its_last_entry_left(demo: Path) -> None:
    """Tailspin's only campaign ended on 2026-09-30: its feed last changed the day after."""
    feed = _feed(demo / "partners/tailspin/feed.xml")
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated") == "2026-10-01T00:00:00Z"


def test_no_feed_is_dated_1970(tmp_path: Path) -> None:
    """A partner in no campaign takes the program feed's day; a program with no live or
    ended campaign, the build's day (never the epoch)."""
    build(REPO, tmp_path / "demo", TODAY)
    for path in sorted((tmp_path / "demo").rglob("feed.xml")):
        assert not _feed(path).findtext(f"{ATOM}updated").startswith("1970"), path  # type: ignore[union-attr]
    site = tmp_path / "site"
    shutil.copytree(SITES / "minimal", site)
    for campaign in (site / "content/campaigns").glob("*.md"):
        campaign.unlink()
    build(site, site / "public", TODAY)
    for path in sorted((site / "public").rglob("feed.xml")):
        assert _feed(path).findtext(f"{ATOM}updated") == "2026-11-23T00:00:00Z", path


def test_feeds_do_not_change_with_the_build_date(tmp_path: Path) -> None:
    build(REPO, tmp_path / "one", TODAY)
    build(REPO, tmp_path / "two", TODAY + dt.timedelta(days=1))
    assert (tmp_path / "one/feed.xml").read_bytes() == (tmp_path / "two/feed.xml").read_bytes()


def _yaml_escaped(text: str) -> str:
    """Return text as a YAML double-quoted scalar, every character written as an escape."""
    return '"' + "".join(f"\\U{ord(c):08x}" for c in text) + '"'


@settings(
    max_examples=40,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
@given(
    st.text(
        st.one_of(
            st.characters(max_codepoint=0x9F),
            st.characters(codec="utf-8"),
            st.sampled_from(["\x0b", "\x00", "\x85", "\u2028", "\ufffe", "\ud800", "&", "<"]),
        ),
        min_size=1,
        max_size=12,
    )
)
def test_any_title_gives_a_well_formed_feed_or_a_located_error(
    tmp_path_factory: pytest.TempPathFactory, title: str
) -> None:
    """Whatever a title holds, the build refuses it where it is written, or the feed is XML."""
    site = tmp_path_factory.mktemp("site")
    shutil.copytree(SITES / "minimal", site, dirs_exist_ok=True)
    campaign = site / "content/campaigns/backup-webinar.md"
    text = campaign.read_text(encoding="utf-8")
    written = text.replace(
        "title: Never lose a customer record again\n", f"title: {_yaml_escaped(title)}\n"
    )
    assert written != text, "the minimal webinar's title line changed: update this test"
    campaign.write_text(written, encoding="utf-8")
    try:
        build(site, site / "public", TODAY)
    except XpromoError as error:
        assert all(d.location.path.endswith("backup-webinar.md") for d in error.diagnostics)
        assert any(d.location.line == 2 for d in error.diagnostics), error.diagnostics
        return
    feed = _feed(site / "public/feed.xml")
    titles = [entry.findtext(f"{ATOM}title") for entry in feed.findall(f"{ATOM}entry")]
    assert title.strip() in titles  # as written, less the spaces at its ends


# --- search and sharing -----------------------------------------------------------------------


def test_every_page_has_sharing_tags_with_absolute_urls(demo: Path) -> None:
    for path in site_pages(demo):
        root = parse_html(path.read_text())
        if path.parts[-3:-1][0] == "go" or (
            root.find("meta", name="robots") and root.find("h1").text == "This page has moved"
        ):  # type: ignore[union-attr]
            continue
        meta = {
            m.attrs.get("property") or m.attrs.get("name"): m.attrs.get("content")
            for m in root.iter("meta")
        }
        title = root.find("title").text  # type: ignore[union-attr]
        assert meta["og:title"] == meta["twitter:title"] == title, path
        assert meta["og:description"] == meta["description"], path
        canonical = root.find("link", rel="canonical").attrs["href"]  # type: ignore[union-attr]
        assert canonical.startswith("https://"), path
        # a partner's variant (<campaign>/<partner>/) previews as itself: its brand and image
        folders = path.relative_to(demo).parent.parts
        is_variant = len(folders) == 2 and folders[0] not in ("partners", "go")
        own = "https://partners.northwind.example/" + "".join(f"{f}/" for f in folders)
        assert meta["og:url"] == (own if is_variant else canonical), path


@pytest.mark.parametrize(
    ("price", "unit"),
    [
        ("€49 per user / month", "user / month"),
        ("$99 a month", "month"),
        ("49 EUR/mo", "mo"),
        ("CHF 20 per seat per year", "seat per year"),
        ("€49", None),
        ("$10 off your first order", None),
        ("free", None),
    ],
)
def test_a_price_per_something_says_what_it_is_per(price: str, unit: str | None) -> None:
    from xpromo_site.structured import price_unit

    assert price_unit(price) == unit
