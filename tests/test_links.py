"""Links per page and per channel: who a URL belongs to, referral schemes, channels, audits."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest

from tests.sitecases import MINIMAL
from xpromo_site.inputs import Inputs, load_inputs
from xpromo_site.links import PartnerHosts, page_link, share_link
from xpromo_site.models import BUILT_IN_CHANNELS, Campaign, Channel, Partner
from xpromo_site.site import assemble
from xpromo_site.tracking import UTM_NAMES

SCHEMES = """
    tracking:
      source: beta
      referral_param: ref
      codes: {alpha: BETA-A1}
      referral_transform: base64
      subid_param: subId1
      subid_value: SUBID
      fixed_params: {via: xpromo, program: minimal}
"""


def _inputs(tmp_path: Path, program_tracking: str = "", subid: str = "campaign") -> Inputs:
    site = tmp_path / "site"
    shutil.copytree(MINIMAL, site)
    partners = site / "partners.yaml"
    text = partners.read_text()
    text = text.replace("    medium: referral\n", "    medium: referral\n" + program_tracking)
    old = (
        "    tracking:\n      source: beta\n      referral_param: ref\n"
        "      codes: {alpha: BETA-A1}\n"
    )
    assert old in text
    text = text.replace(old, SCHEMES.lstrip("\n").replace("SUBID", subid))
    partners.write_text(text)
    return load_inputs(site, strict=True)


def _parts(inputs: Inputs) -> tuple[dict[str, Partner], Campaign, PartnerHosts]:
    by_id = {p.id: p for p in inputs.partners}
    campaign = next(c for c in inputs.campaigns if c.slug == "backup-webinar")
    return by_id, campaign, PartnerHosts(inputs.partners, inputs.program.base_url)


def test_referral_scheme_of_the_destination(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    by_id, campaign, hosts = _parts(inputs)
    link = page_link(inputs.program, campaign, by_id["alpha"], campaign.cta.url, "cta", hosts)
    assert link.destination == "beta"
    assert link.url == (
        "https://beta.example/webinars/42?lang=en&utm_source=alpha&utm_medium=referral"
        "&utm_campaign=backup-webinar&utm_content=cta&ref=QkVUQS1BMQ%3D%3D"
        "&subId1=backup-webinar&via=xpromo&program=minimal#register"
    )
    gamma = page_link(inputs.program, campaign, by_id["gamma"], campaign.cta.url, "cta", hosts)
    assert dict(parse_qsl(urlsplit(gamma.url).query))["ref"] == "Z2FtbWE="  # "gamma", the id


def test_no_scheme_on_links_to_the_audiences_own_site(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    by_id, campaign, hosts = _parts(inputs)
    link = page_link(inputs.program, campaign, by_id["beta"], campaign.cta.url, "cta", hosts)
    names = [name for name, _ in parse_qsl(urlsplit(link.url).query)]
    assert names == ["lang", *UTM_NAMES]


@pytest.mark.parametrize(
    ("subid", "value"),
    [
        ("campaign", "backup-webinar"),
        ("variant", "backup-webinar.alpha"),
        ("placement", "body"),
    ],
)
def test_subid_values(tmp_path: Path, subid: str, value: str) -> None:
    inputs = _inputs(tmp_path, subid=subid)
    by_id, campaign, hosts = _parts(inputs)
    link = page_link(
        inputs.program, campaign, by_id["alpha"], "https://beta.example/pricing", "body", hosts
    )
    assert dict(parse_qsl(urlsplit(link.url).query))["subId1"] == value


def test_keep_mode_reaches_the_pages(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path, "    existing_utm: keep\n")
    by_id, campaign, hosts = _parts(inputs)
    url = "https://beta.example/?utm_medium=email&utm_source="
    link = page_link(inputs.program, campaign, by_id["alpha"], url, "body", hosts)
    query = parse_qsl(urlsplit(link.url).query, keep_blank_values=True)
    assert query[:4] == [
        ("utm_medium", "email"),
        ("utm_source", "alpha"),
        ("utm_campaign", "backup-webinar"),
        ("utm_content", "body"),
    ]


def test_pages_of_the_site_are_never_tracked(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    by_id, campaign, hosts = _parts(inputs)
    # the program's site is a subdomain of alpha's website, yet it belongs to no partner
    for url in (
        "https://partners.alpha.example/refer-a-team/",
        "https://PARTNERS.alpha.example/about/#team",
    ):
        assert hosts.is_internal(url)
        assert hosts.partner_for(url) is None
        link = page_link(inputs.program, campaign, by_id["beta"], url, "body", hosts)
        assert (link.url, link.destination) == (url, "")
    assert hosts.partner_for("https://alpha.example/backup") is by_id["alpha"]
    assert hosts.partner_for("https://docs.alpha.example/") is by_id["alpha"]


@pytest.mark.parametrize("url", ["mailto:team@beta.example", "tel:+15550100", "/about/", "#top"])
def test_mailto_tel_and_relative_links_are_never_tracked(tmp_path: Path, url: str) -> None:
    inputs = _inputs(tmp_path)
    by_id, campaign, hosts = _parts(inputs)
    link = page_link(inputs.program, campaign, by_id["alpha"], url, "body", hosts)
    assert (link.url, link.destination) == (url, "")


def test_share_links_carry_the_channels_medium_and_content(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path)
    by_id, campaign, _ = _parts(inputs)
    link = share_link(
        "https://partners.alpha.example/backup-webinar/beta/",
        campaign,
        by_id["beta"],
        Channel("portal", "referral", "partner-portal"),
    )
    assert (link.channel, link.placement, link.destination) == ("portal", "share", "")
    assert link.url == (
        "https://partners.alpha.example/backup-webinar/beta/?utm_source=beta&utm_medium=referral"
        "&utm_campaign=backup-webinar&utm_content=partner-portal"
    )


CHANNELS = """    channels:
      portal: {content: partner-portal}
      webinar-invite: {medium: email, content: invite}
      social: {medium: social-media}
"""


def test_program_channels_extend_and_change_the_built_in_ones(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path, CHANNELS)
    channels = {c.name: c for c in inputs.program.tracking.channels}
    assert set(channels) == {c.name for c in BUILT_IN_CHANNELS} | {"webinar-invite"}
    assert [c.name for c in inputs.program.tracking.channels] == sorted(channels)
    assert (channels["portal"].medium, channels["portal"].content) == ("referral", "partner-portal")
    assert (channels["social"].medium, channels["social"].content) == ("social-media", "social")
    assert (channels["webinar-invite"].medium, channels["webinar-invite"].content) == (
        "email",
        "invite",
    )
    assert channels["email"] == next(c for c in BUILT_IN_CHANNELS if c.name == "email")
    assert channels["portal"].medium_location is None  # the built-in medium: not linted
    assert channels["portal"].content_location is not None


def test_every_link_of_a_site_carries_every_utm_name_once(tmp_path: Path) -> None:
    inputs = _inputs(tmp_path, CHANNELS + "    existing_utm: keep\n")
    site = assemble(
        inputs.program, inputs.partners, inputs.campaigns, inputs.pages, dt.date(2026, 11, 23)
    )
    rows = site.links()
    # the campaigns' channels, and print for the QR code every live campaign's kit has
    assert {row.channel for row in rows} == {"page", "email", "social", "web", "print"}
    for row in rows:
        if not row.destination and row.placement != "share":
            continue  # outside the program: as written
        query = parse_qsl(urlsplit(row.url).query, keep_blank_values=True)
        names = [name for name, _ in query]
        assert len(names) == len(set(names)), row.url
        values = dict(query)
        for name in UTM_NAMES:
            assert values.get(name), (name, row.url)
        assert values["utm_source"] == by_source(inputs.partners)[row.audience]


def by_source(partners: tuple[Partner, ...]) -> dict[str, str]:
    return {p.id: p.tracking.source for p in partners}
