"""Every file the build reads stays inside the site: no '..', no absolute paths, no links out."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from tests.conftest import SITES
from xpromo_site.build import check
from xpromo_site.errors import XpromoError

TODAY = dt.date(2026, 11, 23)


@pytest.fixture
def site(tmp_path: Path) -> Path:
    """A copy of the minimal site, with a secret file beside it (outside the site)."""
    shutil.copytree(SITES / "minimal", tmp_path / "site")
    (tmp_path / "secret.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1 1"><title>secret</title></svg>'
    )
    (tmp_path / "secret.tokens.json").write_text('{"color": {"primary": {"$value": "#000"}}}')
    return tmp_path / "site"


def _messages(site: Path) -> list[str]:
    with pytest.raises(XpromoError) as caught:
        check(site, TODAY)
    return [f"{d.location}: {d.message}" for d in caught.value.diagnostics]


def _replace(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_a_logo_linking_out_of_the_site(site: Path) -> None:
    (site / "assets" / "alpha.svg").unlink()
    (site / "assets" / "alpha.svg").symlink_to(site.parent / "secret.svg")
    assert _messages(site) == [
        "partners.yaml:13:11: 'logo' points outside the site (got 'assets/alpha.svg')"
    ]


def test_an_assets_folder_linking_out_of_the_site(site: Path) -> None:
    shutil.rmtree(site / "assets")
    (site.parent / "outside").mkdir()
    for name in ("alpha.svg", "alpha-white.svg", "beta.svg", "beta-white.svg", "gamma.png"):
        shutil.copy(SITES / "minimal" / "assets" / name, site.parent / "outside" / name)
    (site / "assets").symlink_to(site.parent / "outside")
    messages = _messages(site)
    assert "partners.yaml:13:11: 'logo' points outside the site (got 'assets/alpha.svg')" in (
        messages
    )
    assert all("outside the site" in m or "not found" in m for m in messages)


def test_a_tokens_file_outside_the_site(site: Path) -> None:
    colors = (
        '    colors:\n      primary: "#0B5FFF"\n      on_primary: "#FFFFFF"\n'
        '      text: "#1A1A1A"\n      background: "#FFFFFF"\n'
    )
    _replace(site / "partners.yaml", colors, "    colors:\n      from: ../secret.tokens.json\n")
    assert _messages(site) == [
        "partners.yaml:16:13: 'colors.from' must be a path inside the site "
        "(got '../secret.tokens.json')"
    ]
    _replace(
        site / "partners.yaml", "from: ../secret.tokens.json", "from: assets/brand.tokens.json"
    )
    (site / "assets" / "brand.tokens.json").symlink_to(site.parent / "secret.tokens.json")
    assert _messages(site) == [
        "partners.yaml:16:13: 'colors.from' points outside the site "
        "(got 'assets/brand.tokens.json')"
    ]


def test_partners_yaml_linking_out_of_the_site(site: Path) -> None:
    shutil.move(site / "partners.yaml", site.parent / "partners.yaml")
    (site / "partners.yaml").symlink_to(site.parent / "partners.yaml")
    assert (
        _messages(site)[0]
        == "partners.yaml:1:1: partners.yaml is a link to a file outside the site"
    )


def test_a_page_linking_out_of_the_site(site: Path) -> None:
    (site / "content" / "pages" / "secret.md").symlink_to(site.parent / "secret.svg")
    assert _messages(site) == [
        "content/pages/secret.md:1:1: 'secret.md' is a link to a file outside the site"
    ]


def test_an_image_in_copy_reaching_out_with_dots(site: Path) -> None:
    _replace(
        site / "content" / "campaigns" / "backup-webinar.md",
        "/assets/images/diagram.png",
        "../../../secret.svg",
    )
    assert _messages(site) == [
        "content/campaigns/backup-webinar.md:20:29: image '../../../secret.svg' points "
        "outside the site"
    ]
